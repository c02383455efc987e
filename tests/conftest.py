import copy
import fcntl
import gc
import io
import itertools
import os
import shutil
import signal
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clerc_tui.services.context import os_login
from tests import postgres
from tests.postgres import _drop_test_databases  # noqa: F401 (an autouse fixture, on PostgreSQL only)

# Snapshot and colour-dependent rendering break with NO_COLOR set (docs/architecture.md).
os.environ.pop("NO_COLOR", None)
# No animations in the tests: Pilot waits for each one to end after every key (scrolls, tab
# underlines), wall time that tests nothing. Read by Textual when it is first imported: the
# modules above import no Textual.
os.environ["TEXTUAL_ANIMATIONS"] = "none"


def _tests_files_in_memory() -> None:
    """The tests' files (tmp_path, the base templates and their copies) on tmpfs when the machine
    has one, as /dev/shm on Linux: SQLite syncs the WAL into the base at each checkpoint (a base
    closed, every test), which on a disk under load costs 40 ms of wall per test with a base
    instead of 15 ms (copy, open, first user, close: median of 40 each, load 12). Same SQLite,
    same files and modes, same processes: only the medium changes, which no test is about (a
    killed process leaves its writes in the page cache, tmpfs or not). An explicit choice wins:
    PYTEST_DEBUG_TEMPROOT (pytest's root of its temporary folders) or TMPDIR already set."""
    if "PYTEST_DEBUG_TEMPROOT" in os.environ or "TMPDIR" in os.environ:
        return
    try:
        with open("/proc/mounts", encoding="ascii", errors="replace") as mounts:
            memory = any(line.split()[1:3] == ["/dev/shm", "tmpfs"] for line in mounts)
    except OSError:
        return
    if memory and os.access("/dev/shm", os.W_OK | os.X_OK):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = "/dev/shm"


_tests_files_in_memory()


def _share_parsed_css() -> None:
    """Parse each piece of CSS once per test process, not once per app (and again at each
    screen pushed: Textual re-parses every source then, through a per-stylesheet cache of 64
    entries that the ~100 sources of clerc's screens and widgets overflow). A fifth of an app's
    start-up CPU. Keyed like Textual's own cache plus the theme's variables, which the parse
    substitutes: the same text, place and variables give the same rules, so only the parsing
    is saved; rules with errors are kept with their errors, which Textual refuses at each parse."""
    from textual.css.stylesheet import Stylesheet

    parse = Stylesheet._parse_rules
    parsed: dict[tuple, list] = {}

    def _parse_rules(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        rules = parsed.get(key)
        if rules is None:
            rules = parsed[key] = parse(self, css, read_from, is_default_rules, tie_breaker, scope)
        return rules

    Stylesheet._parse_rules = _parse_rules


def _schedules_only(config) -> bool:
    """Whether this process is pytest-xdist's controller, which hands the tests out to its workers
    and prints their reports, and neither collects nor runs a test itself (xdist's own condition for
    starting its distributed session: a distribution mode, somewhere to run, not --collect-only)."""
    if os.environ.get("PYTEST_XDIST_WORKER") or config.getoption("collectonly"):
        return False
    return config.getoption("dist", "no") != "no" and bool(config.getoption("tx", None))


@pytest.hookimpl(tryfirst=True)  # before hypothesis' own, which loads a --hypothesis-profile
def pytest_configure(config):
    """What a process that runs tests needs before it collects them, and only such a process: the
    xdist controller started its workers ~0.3 s of CPU later when it imported Textual and
    hypothesis here too, alone on the machine (its workers inherit none of its modules)."""
    if _schedules_only(config):
        if config.getoption("--hypothesis-profile", None):
            _hypothesis_profiles()  # hypothesis loads it in the controller too
        return
    _share_parsed_css()
    # ...and a stylesheet's parsed pieces joined once per process for the same sources (Textual
    # imported here, after TEXTUAL_ANIMATIONS is set above).
    from tests import stylesheets

    stylesheets.install()
    # ...and how many arguments a callback takes, once per function's code (tests/callbacks.py).
    from tests import callbacks

    callbacks.install()
    _hypothesis_profiles()


def _hypothesis_profiles() -> None:
    """Properties that touch the database take milliseconds per example, more on a loaded machine:
    no deadline (a slow example is not a wrong one). A test that needs more or fewer examples than
    the default says so itself; `HYPOTHESIS_PROFILE=thorough` runs ten times as many everywhere."""
    from hypothesis import settings

    settings.register_profile("clerc", deadline=None, max_examples=100)
    settings.register_profile("thorough", deadline=None, max_examples=1000)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "clerc"))


TODAY = date(2026, 11, 26)
CLERC = Path(sys.executable).parent / "clerc"  # the installed console script


def run_clerc(
    home: Path | None,
    *args: str,
    stdin: str = "",
    process: bool = False,
    timeout: float = 120,
    **env: str,
) -> subprocess.CompletedProcess:
    """`clerc ARGS` as a user types it; returns its exit code, stdout and stderr (text).

    In this process by default: `clerc_tui.cli.main(args)` with stdin, stdout and stderr
    replaced by plain text streams (no terminal, as under a pipe or cron), the environment
    changed for the call only, and the base the caller had open put back afterwards. A
    `clerc` process costs ~0.2 s of CPU (interpreter and imports), ~100 of them a third of the
    suite. `process=True` starts the real console script instead, for the tests whose subject
    is the process itself (exit status of a real process, a closed pipe, a signal, the entry
    point, identity from the OS account whatever the environment says).

    `home`: XDG data, state and config under that folder (`home/data`…), or None for the
    test's isolated ones; `env`: more variables (CLERC_DATABASE is unset unless given here)."""
    values = {f"XDG_{k}_HOME": str(home / k.lower()) for k in ("DATA", "STATE", "CONFIG")} if home else {}
    values.update(env)
    if process:
        environ = {k: v for k, v in os.environ.items() if k != "CLERC_DATABASE"}
        environ.update(values)
        return subprocess.run(
            [str(CLERC), *args], input=stdin, capture_output=True, text=True, env=environ, timeout=timeout
        )
    from clerc_tui.cli import main
    from clerc_tui.models.db import close_database, database

    opened, handlers = database.obj, {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("CLERC_DATABASE", raising=False)
        for name, value in values.items():
            patch.setenv(name, value)
        patch.setattr(sys, "stdin", io.StringIO(stdin))
        patch.setattr(sys, "stdout", out)
        patch.setattr(sys, "stderr", err)
        try:
            code = main(list(args))
        except SystemExit as stop:  # argparse: --help, a bad option
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        finally:
            close_database()
            if opened is not None:
                database.initialize(opened)  # the caller's base, reopened at its next query
            for number, handler in handlers.items():
                signal.signal(number, handler)
    return subprocess.CompletedProcess(["clerc", *args], code, out.getvalue(), err.getvalue())


# The garbage collector's full passes cost a fifth of a screen test's CPU (gc.callbacks: 7.6 s
# of 38.9 s for test_forms, test_statement_screens and test_roles in one process, 6.0 s of it in
# 31 full passes, each walking every object the worker holds: Textual, clerc, the tests). Collected
# less often (a young generation of 10,000 objects instead of 700), and never walking what
# the import of the suite left (frozen once collected below), it costs 2.5 s there. Only when
# unreachable cycles are freed changes, never what a test sees: a test that needs a cycle gone
# collects it itself.
YOUNG = 10_000
gc.set_threshold(YOUNG, 20, 20)
# ...and during a test, its young generation is collected once, when the test ends
# (`_collected_at_the_end` below).
DURING_A_TEST = 1_000_000

# Started first, so that they overlap with the rest (xdist hands out work in this order, a
# group at a time, with --no-loadscope-reorder): tests that mostly wait (a real sshd and two
# terminals, OS users' processes, demo bases built by a second process), then the xdist groups
# that build a demo base once for many tests, then the screens (the most CPU per test), the
# many small tests last, so that the workers end together.
FIRST = (
    "tests/e2e/",
    "tests/test_shared_base.py",
    "tests/test_terminal_gone.py",  # four real clerc processes, mostly waiting on their terminals
    "tests/services/test_demo.py",
    "tests/services/test_list_and_counts_at_scale.py",
    "tests/services/test_statement_cache.py",
    "tests/services/test_demo_money.py",
    "tests/services/test_balances_batch.py",
    "tests/test_cli_progress.py",
    "tests/test_postgresql.py",
    "tests/services/test_backup.py",
    "tests/test_trust.py",
    "tests/test_chain.py",
    "tests/services/test_amicable.py",  # a campaign process killed mid-send (mostly waits), one SMTP server
    "tests/services/test_ledger_properties.py",
    "tests/test_payout_steps.py",
    "tests/screens/",
)


# Tests that mostly wait (a process killed and run again, a terminal's second, a lock, a timer) and
# belong to no xdist group: spread evenly from the screens to the last tests (LAST excluded), not
# handed out one after the other where they stand, which left two or three workers waiting at once
# and a core idle (cpuprof timestamps of a quiet run, main 811eec4: at 14-16 s, 19-21 s, 33-35 s).
WAITS = (
    "tests/test_cli_progress.py::test_the_bar_shows_on_a_terminal_after_a_second",
    "tests/screens/test_trust_screens.py::test_the_palette_is_french",
    "tests/test_payout_sepa.py::test_run_killed_9",
    "tests/test_payout_steps.py::test_a_writer_waiting_during_a_run",
    "tests/test_payout_steps.py::test_run_killed_9_midway",
    "tests/services/test_imports_children.py::test_the_rows_streamed_by_the_reading_child",
    "tests/test_postgresql.py::test_invoice_numbers_taken_at_once",
    "tests/services/test_imports.py::test_a_killed_import",
    "tests/screens/test_long_work_screens.py::test_run_writes_on_a_worker",
)
# Handed out last: many short tests that only compute, so that the workers run out of work within
# milliseconds of each other rather than one finishing a long test alone.
LAST = (
    "tests/services/test_roles.py",
    "tests/services/test_deadlines.py",
    "tests/rules/test_calendar.py",
    "tests/rules/test_identifiers.py",
)
_SCREENS = FIRST.index("tests/screens/")
_MIDDLE = len(FIRST)  # the rank of a test in neither list


def _rank(item) -> int:
    nodeid = item.nodeid
    first = next((n for n, prefix in enumerate(FIRST) if nodeid.startswith(prefix)), None)
    if first is not None:
        return first
    return _MIDDLE + 1 + next((n for n, prefix in enumerate(LAST) if nodeid.startswith(prefix)), -1)


def _spread_the_waits(items) -> None:
    """The WAITS tests of no xdist group moved to evenly spaced places among the others, from the
    first screen test to the last test before LAST's."""
    waits = [i for i in items if i.nodeid.startswith(WAITS) and i.get_closest_marker("xdist_group") is None]
    moved = {id(i) for i in waits}
    rest = [i for i in items if id(i) not in moved]
    among = [n for n, i in enumerate(rest) if _SCREENS <= _rank(i) <= _MIDDLE]
    if not waits or not among:
        return
    for k, item in reversed(list(enumerate(waits))):
        rest.insert(among[0] + (k + 1) * len(among) // (len(waits) + 1), item)
    items[:] = rest


def _keep_xdist_groups(config, items) -> None:
    """--dist loadgroup hands the tests of one xdist_group to one worker by the suffix « @group »
    pytest-xdist adds to their node ids on each worker, through `item._nodeid`, which pytest 9 no
    longer reads (a node's id is `item._id`): every group was spread over the three workers, each
    building the group's shared fixtures again (test_demo.py's 600-dossier demo three times, the
    SMTP server, the OS users). The same suffix, set where pytest 9 reads it; nothing when xdist
    already did it, or without loadgroup (-n 0, the controller)."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = sorted(
            {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
        )
        if names and "@" not in item.nodeid:
            from _pytest.nodeid import NodeId  # pytest 9 (pytest 8 reads xdist's own suffix)

            grouped = f"{item.nodeid}@{'_'.join(names)}"
            item._id = NodeId.parse(grouped)
            if item.nodeid != grouped:  # a pytest that keeps node ids elsewhere again: say so
                raise pytest.UsageError(f"xdist_group not applied to {item.nodeid}: see tests/conftest.py")


def pytest_collection_modifyitems(config, items):
    postgres.skip_sqlite_only(items)  # CLERC_TEST_DATABASE_URL: the suite on PostgreSQL
    items.sort(key=_rank)  # stable: the order of the file within each rank
    _spread_the_waits(items)
    _keep_xdist_groups(config, items)  # last: the groups' suffix on the ids, in their final order


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()  # what the collection imported is never walked again


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """The session's last collection, once: pytest then collects twice more, each a full pass over
    what the tests left alive (caches, the modules they imported: ~0.27 s of CPU per worker,
    gc.callbacks), to see the exceptions finalizers raise (its unraisableexception plugin, whose
    hook stays installed until after both). The same collection done here, under that same hook,
    then what survived frozen: pytest's two passes find nothing new to walk, and report what this
    one raised as before."""
    gc.collect()
    gc.freeze()


_homes = itertools.count()
# What a test's set-up changed in the process, put back when its teardown ends: the variables' values
# (None: unset), the umask, the collector's thresholds.
_before: dict[str, object] = {}
# Config, data and log paths of the tests never touch the real user's; CLERC_DATABASE unset; the
# server's /etc/clerc/config.toml (if any) never names the tests' base (CLERC_SYSTEM_CONFIG).
_HOME_VARIABLES = {
    "XDG_CONFIG_HOME": "config",
    "XDG_DATA_HOME": "data",
    "XDG_STATE_HOME": "state",
    "CLERC_SYSTEM_CONFIG": "etc/clerc/config.toml",
}


# Around every test, by hooks rather than autouse fixtures: pytest's fixture machinery (a fixture
# definition for `request`, `monkeypatch`'s own fixture, three set-ups and teardowns) cost ~0.2 ms
# of CPU a test, ~2,300 tests a run. Set up before any fixture of the test, put back after the last
# one is torn down, in the test's teardown phase (a failed check is its teardown's error, as before).
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Each test's own home, numbered here in a folder of their own: tmp_path_factory.mktemp lists
    # the whole run's folder to number each new one, a folder per test so far (~1 ms a test at
    # 1,000 entries, growing).
    home = item.config._tmp_path_factory.getbasetemp() / "homes" / str(next(_homes))
    home.mkdir(parents=True)
    _before["environ"] = {name: os.environ.get(name) for name in (*_HOME_VARIABLES, "CLERC_DATABASE")}
    for variable, sub in _HOME_VARIABLES.items():
        os.environ[variable] = str(home / sub)
    os.environ.pop("CLERC_DATABASE", None)
    # clerc's entry points set the process umask to 007 (paths.UMASK): a test calling them in
    # process must not leave it to the next test on the worker (sshd refuses a key under a
    # group-writable home, for one).
    _before["umask"] = os.umask(0o022)
    os.umask(_before["umask"])  # type: ignore[arg-type]
    # A test skipped on PostgreSQL as never reaching the server (postgres.reaches_server) must
    # indeed never open the suite's base: checked on every pass, at the end of each test.
    postgres.opened.clear()
    _collected_at_the_end()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    try:
        return (yield)  # the test's fixtures torn down
    finally:
        _before["collect"]()  # type: ignore[operator]
        os.umask(_before["umask"])  # type: ignore[arg-type]
        for name, value in _before["environ"].items():  # type: ignore[attr-defined]
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        postgres.check_opened(item)


def _collected_at_the_end() -> None:
    """The garbage collector once per test, at its end, rather than during it.

    A test builds objects that refer to each other (a screen test's app: a few hundred widgets,
    their styles, messages, timers), which live until it ends and then are garbage in cycles that
    only the collector frees. Collected every 10,000 objects, each of them was walked by several
    passes while the test still used it: a young pass (it survived), a middle one (again), then
    the full passes until one freed it, every later full pass walking the test's survivors too.
    Here the young generation is left to grow during the test and collected when it ends (after
    its fixtures, its app gone): the test's cycles walked once and freed at once. The collector's
    CPU (gc.callbacks, -n 0): tests/screens and tests/widgets 5.6 → 3.8 s, tests/services,
    models and report 1.6 → 0.9 s, tests/rules and tests/test_*.py 1.7 → 1.3 s; peak memory
    lower (268 → 221 MB, 481 → 322 MB, 197 → 180 MB). Past DURING_A_TEST objects (4× the largest
    screen test, ~230,000) a test is collected as it runs: a bound on memory. What a test sees
    does not change: only when unreachable cycles are freed does; a test whose subject is what the
    collector frees or leaves turns it off or collects itself (tests/widgets/test_prerendered.py,
    tests/test_startup.py)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(DURING_A_TEST, *thresholds[1:])

    def collect() -> None:
        gc.set_threshold(*thresholds)
        gc.collect(0)

    _before["collect"] = collect


_session_factory: list[pytest.TempPathFactory] = []  # the run's tmp_path_factory, for the helpers below


@pytest.fixture(scope="session", autouse=True)
def _remember_tmp_path_factory(tmp_path_factory):
    _session_factory.append(tmp_path_factory)
    yield
    _session_factory.remove(tmp_path_factory)


_migrated: list[Path] = []  # the SQLite base `migrated_file` made in this process


def migrated_file() -> Path:
    """A SQLite base created by `init_database` (every migration), closed: made once per test
    process, only ever copied (migrating takes ~40 ms of CPU, a copy and an open ~2)."""
    from clerc_tui.models.db import close_database, init_database

    if not _migrated:
        path = _session_factory[-1].mktemp("template") / "clerc.db"
        init_database(str(path))
        close_database()  # the last connection closed: the WAL is folded into the file
        _migrated.append(path)
    return _migrated[0]


def migrated_copy(path: Path) -> None:
    """What `init_database(str(path))` leaves (a new SQLite base with every migration, open), from
    a copy of `migrated_file`: for the tests whose subject is what they write in the base, not its
    creation (those call `init_database` or `clerc init` themselves)."""
    from clerc_tui.models.db import open_database

    if path.exists():
        raise FileExistsError(path)  # as init_database refuses to replace a base
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_file(), path)
    open_database(str(path))


_built: dict[tuple, tuple[Path, object]] = {}  # built_once's bases, by builder and arguments


def built_once(build, path: Path, *args, **kwargs):
    """`build(path, *args, **kwargs)`: what that builder of a SQLite base leaves at `path` (the base,
    closed) and returns, from a copy of the same build made once per test process for the same
    arguments. For builders that write the same rows each time (the times of the audit entries
    and of the rows aside); the value returned is a deep copy."""
    key = (build.__module__, build.__qualname__, args, tuple(sorted(kwargs.items())))
    if key not in _built:
        template = _session_factory[-1].mktemp("built") / path.name
        value = build(template, *args, **kwargs)
        leftovers = [p.name for p in template.parent.iterdir() if p != template]
        if leftovers:  # an open connection, a -wal: the copy would not be the base
            raise RuntimeError(f"built_once: {build.__qualname__} left {leftovers} beside its base")
        _built[key] = (template, value)
    template, value = _built[key]
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    return copy.deepcopy(value)


@pytest.fixture(scope="session")
def migrated_base():
    """A base created by `init_database` (every migration), closed: built once per test process,
    copied by each test that needs a fresh base (`migrated_file`; on PostgreSQL the worker's
    template database)."""
    if postgres.enabled():
        return postgres.migrated_template()
    return migrated_file()


def fresh_base(template, path):
    """Open a private copy of `template` at `path` (never the template itself: it is shared)."""
    from clerc_tui.models.db import open_database

    postgres.opened.append(str(path))
    if postgres.enabled():
        return postgres.fresh(template)  # a database's URL, not a file
    shutil.copyfile(template, path)
    open_database(str(path))
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """`template(dossiers=, seed=, today=)`: the path of that demo base, built once per test
    run (a demo takes seconds), closed. Only ever copied: see `demo_base`. Under xdist the
    workers share it: the first to need it builds it, under a lock, in the run's own folder."""
    from clerc_tui.demo import build_demo
    from clerc_tui.models.db import close_database

    if postgres.enabled():
        return postgres.demo_template
    own = tmp_path_factory.getbasetemp()
    folder = own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own  # pytest-N/: this run's

    def template(*, dossiers: int, seed: int, today: date):
        path = folder / f"demo-template-{dossiers}-{seed}-{today.isoformat()}.db"
        with open(path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                building = path.with_suffix(".building")
                building.unlink(missing_ok=True)
                build_demo(str(building), dossiers=dossiers, seed=seed, today=today)
                close_database()  # the WAL folded into the file
                building.rename(path)
        return path

    return template


@pytest.fixture
def demo_base(tmp_path, demo_template):
    """`make(dossiers=, seed=, today=)`: a private, open copy of that demo base in tmp_path, as
    `build_demo` into tmp_path would leave it (the models bound to it)."""
    from clerc_tui.models.db import close_database

    def make(*, dossiers: int, seed: int, today: date, name: str = "demo.db"):
        return fresh_base(demo_template(dossiers=dossiers, seed=seed, today=today), tmp_path / name)

    yield make
    close_database()


def _add_the_administrateur() -> None:
    from clerc_tui.services.users import add_user

    # The étude's administrateur: every permission (data/permissions.toml); tests of a
    # refusal make their own user with the role they need.
    add_user(os_login(), "Claire Martin", "commissaire")


@pytest.fixture(scope="session")
def actor_base(tmp_path_factory, migrated_base):
    """`migrated_base` plus the étude's administrateur added by `add_user` (as `actor` would),
    closed: copied by the tests that take `actor`, instead of adding him in each one (~2.5 ms of
    CPU a test, ~700 tests). None on PostgreSQL, whose templates are tests/postgres.py's."""
    from clerc_tui.models.db import close_database, open_database

    if postgres.enabled():
        return None
    path = tmp_path_factory.mktemp("template") / "clerc.db"
    shutil.copyfile(migrated_base, path)
    open_database(str(path))
    _add_the_administrateur()
    close_database()
    return path


@pytest.fixture(scope="session")
def sample_base(tmp_path_factory, actor_base):
    """`actor_base` plus the dossier of `sample_dossier`, opened by `create_dossier` as that
    fixture would, closed: `(path, the DossierInfo create_dossier returned)`. Copied by the
    tests that take `sample_dossier` (~13 ms of CPU a test, ~250 tests). None on PostgreSQL."""
    from clerc_tui.models.db import close_database, open_database
    from clerc_tui.services.context import identify
    from clerc_tui.services.dossiers import create_dossier

    if postgres.enabled():
        return None
    path = tmp_path_factory.mktemp("template") / "clerc.db"
    shutil.copyfile(actor_base, path)
    open_database(str(path))
    info = create_dossier(identify(), make_input(), TODAY)
    close_database()
    return path, info


_SAMPLE_COPIED = pytest.StashKey[object]()  # on a test's node: the DossierInfo its base already holds


@pytest.fixture
def db_path(request, tmp_path, migrated_base):
    from clerc_tui.models.db import close_database

    # A test that takes `actor` gets the base with him already added, one that takes
    # `sample_dossier` the base with that dossier already opened: the same rows as adding them
    # here (the audit entries' and the dossier's times aside), without the CPU.
    template = migrated_base
    if not postgres.enabled() and "sample_dossier" in request.fixturenames:
        template, request.node.stash[_SAMPLE_COPIED] = request.getfixturevalue("sample_base")
    elif not postgres.enabled() and "actor" in request.fixturenames:
        template = request.getfixturevalue("actor_base")
    path = fresh_base(template, tmp_path / "clerc.db")
    yield path
    close_database()


@pytest.fixture
def actor(db_path):
    from clerc_tui.models import User
    from clerc_tui.services.context import identify

    if User.get_or_none(User.login == os_login()) is None:  # on PostgreSQL (see db_path)
        _add_the_administrateur()
    return identify()


def make_input(**overrides):
    from clerc_tui.services.dossier_input import CreditorInput, DebtorInput, DossierInput

    debtor = overrides.pop("debtor", None) or DebtorInput(
        kind="physique",
        civility="Madame",
        last_name="Lefèvre",
        first_name="Hélène",
        street="12 rue de la République",
        postcode="69002",
        city="Lyon",
        phone="06 12 34 56 78",
    )
    creditor = overrides.pop("new_creditor", None) or CreditorInput(
        kind="morale",
        is_individual=False,
        activity="bailleur",
        name="SCI Les Tilleuls",
        iban="FR7630004000310001234567865",
    )
    values = dict(
        debtor=debtor, new_creditor=creditor, nature="loyers", phase="amiable", claims={"principal": Decimal("1234.56")}
    )
    values.update(overrides)
    return DossierInput(**values)


@pytest.fixture
def sample_dossier(request, actor):
    """A dossier opened by `actor` (`make_input()`, TODAY): on SQLite the one `db_path` copied
    from `sample_base`, on PostgreSQL opened here."""
    from clerc_tui.services.dossiers import create_dossier

    copied = request.node.stash.get(_SAMPLE_COPIED, None)
    if copied is not None:
        return copied
    return create_dossier(actor, make_input(), TODAY)


class SmtpInbox:
    """What the test SMTP server received: one `EmailMessage` per message, in order."""

    def __init__(self):
        import threading

        self.messages: list = []
        self.lock = threading.Lock()
        self.delay = 0.0  # seconds each message takes to be accepted (a kill lands mid-campaign)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        import asyncio
        from email import message_from_bytes, policy

        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def keys(self) -> list[str]:
        with self.lock:
            return [str(m["X-Clerc-Key"]) for m in self.messages]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
        self.delay = 0.0


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, for the whole session:
    `(port, inbox)`. Tests clear the inbox first."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # Controller refuses port 0: take a free one first
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def smtp_config(home: Path, port: int) -> Path:
    """A user config whose [smtp] points at the test server (no TLS, no login)."""
    folder = home / "config" / "clerc"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\nsender = "etude@example.org"\n',
        encoding="utf-8",
    )
    return path
