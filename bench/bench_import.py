"""What the PostgreSQL driver costs a SQLite user at start-up (issue 13, item 4).

Peewee imports every database driver it finds when it is itself imported; clerc imports it
without them (clerc_tui/__init__.py). Each figure is the CPU time (user + sys) of a fresh
Python process, median of --runs, the variants alternated so that the machine's load hits each
alike:

- `import peewee` with psycopg 3 importable, and hidden (as if not installed);
- `clerc whoami` on a SQLite base, as clerc runs it, and with peewee imported first (which is
  what every start did before: peewee then found psycopg itself).

Run by hand:  .venv/bin/python bench/bench_import.py [--runs 15]
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

VARIANTS = {
    "import peewee, psycopg installed": "import peewee",
    "import peewee, psycopg hidden": "import sys; sys.modules['psycopg'] = None; import peewee",
    "import clerc_tui, peewee (clerc's way)": "import clerc_tui, peewee",
}


def cpu_ms(argv: list[str], env: dict) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return 1000 * (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="")
    with tempfile.TemporaryDirectory() as home:
        env.update(XDG_CONFIG_HOME=f"{home}/c", XDG_DATA_HOME=f"{home}/d", XDG_STATE_HOME=f"{home}/s")
        base = Path(home) / "clerc.db"
        subprocess.run(
            [str(Path(sys.executable).parent / "clerc"), "init", str(base)],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        whoami = ["whoami", "--db", str(base)]
        commands = {name: [sys.executable, "-c", code] for name, code in VARIANTS.items()}
        commands["clerc whoami (clerc's way: no driver)"] = [
            sys.executable,
            "-c",
            f"import sys; sys.argv = ['clerc', *{whoami!r}]; from clerc_tui.cli import main; main()",
        ]
        commands["clerc whoami, peewee imported first (before)"] = [
            sys.executable,
            "-c",
            f"import peewee, sys; sys.argv = ['clerc', *{whoami!r}]; from clerc_tui.cli import main; main()",
        ]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for argv in commands.values():  # warm the bytecode and the page cache
            cpu_ms(argv, env)
        for _ in range(runs):
            for name, argv in commands.items():
                times[name].append(cpu_ms(argv, env))
    for name, values in times.items():
        values.sort()
        print(f"{name:48} median {statistics.median(values):6.1f} ms CPU  (min {values[0]:.1f}, max {values[-1]:.1f})")


if __name__ == "__main__":
    main()
