"""A base shared by several OS accounts (issue 13, item 2), with real users and a real group.

The lock-out of the issue is reproduced first: a base 0644 (what SQLite made of a new file under
the usual umask 022) in a folder the group may write; a colleague who can only read it opens it,
SQLite leaves a `-wal` and a `-shm` of his, 0644 (the base's mode), and its owner can no longer
write. Then `clerc init --shared --group` (setgid folder 2770, base 0660) and clerc's umask 007:
the same steps leave `-wal`/`-shm` 0660 of the group and both clercs write. `clerc check` names
a broken layout with the commands that fix it.

The OS users (a `clerct_` prefix and this process's pid, removed afterwards) and their group are
made once, on the one xdist worker that runs this module (xdist_group). Each clerc works in a
session: one interpreter run as his account (setpriv: uid, gid, groups) that takes commands one
after the other through the real entry point and keeps its connection to the base open between
them, as a clerc's running app does; so the two clercs are connected at once, and a session
costs one interpreter start (~0.5 s) rather than one per command. One test starts `clerc` itself
in a pseudo-terminal as a clerc, as logging in does.
"""

from __future__ import annotations

import os
import pty
import pwd
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from clerc_tui.cli import main
from clerc_tui.services.database import close_database

pytestmark = pytest.mark.xdist_group("os_users")

NOT_ROOT = "needs root to create OS users and a group (useradd, groupadd) / il faut être root pour créer des comptes"


@dataclass(frozen=True)
class OsUser:
    name: str
    uid: int
    gid: int
    groups: tuple[int, ...]
    home: Path


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@dataclass(frozen=True)
class Accounts:
    group: str
    gid: int
    a: OsUser  # the étude's administrateur, in the group
    b: OsUser  # a colleague, in the group
    c: OsUser  # an account of the server outside the group
    root: Path  # a folder every account may traverse
    system_config: Path
    python: tuple[str, ...]  # an interpreter the accounts may run, with clerc importable
    pythonpath: str | None


def _sh(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")  # session, not module: xdist may run other modules' tests in between
def accounts():
    if os.geteuid() != 0:
        pytest.skip(NOT_ROOT)
    suffix = str(os.getpid())
    group = f"clerct_g{suffix}"
    names = [f"clerct_{letter}{suffix}" for letter in "abc"]
    root = Path(tempfile.mkdtemp(prefix="clerct_"))
    made_users: list[str] = []
    made_group = False
    try:
        os.chmod(root, 0o755)  # mkdtemp's 0700 would keep the accounts out
        _sh("groupadd", group)
        made_group = True
        users = []
        for name in names:
            extra = ["-G", group] if name != names[2] else []
            _sh("useradd", "-M", "-U", "-s", "/usr/sbin/nologin", *extra, name)
            made_users.append(name)
            entry = pwd.getpwnam(name)
            home = root / f"home-{name}"
            home.mkdir(mode=0o700)
            os.chown(home, entry.pw_uid, entry.pw_gid)
            groups = tuple(os.getgrouplist(name, entry.pw_gid))
            users.append(OsUser(name, entry.pw_uid, entry.pw_gid, groups, home))
        import grp

        (root / "etc").mkdir()
        os.chmod(root / "etc", 0o755)  # (mkdir's mode goes through the umask: clerc's 007 once main() ran)
        python, pythonpath = _reachable_python(users[0], root)
        yield Accounts(
            group, grp.getgrnam(group).gr_gid, *users, root, root / "etc" / "config.toml", python, pythonpath
        )
    finally:
        for name in made_users:
            subprocess.run(["userdel", name], capture_output=True, timeout=60)
        if made_group:
            subprocess.run(["groupdel", group], capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def _reachable_python(user: OsUser, root: Path) -> tuple[tuple[str, ...], str | None]:
    """The system's python3.X of this minor version, given this venv's packages and the worktree,
    or else this interpreter: some machines keep the test interpreter under /root, which other
    accounts may not enter (or not always: its mode may change while the suite runs). Skips,
    saying why, when neither runs clerc as `user`."""
    import sysconfig

    source = str(Path(__file__).resolve().parent.parent)
    site = sysconfig.get_paths()["purelib"]
    system = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    for python, pythonpath in (((system,), f"{site}:{source}"), ((sys.executable,), None)):
        env = {"PATH": "/usr/bin:/bin", **({"PYTHONPATH": pythonpath} if pythonpath else {})}
        probe = subprocess.run(
            [*_as(user), *python, "-c", "import unicodedata, sqlite3, clerc_tui.cli, textual.app"],
            capture_output=True,
            env=env,
            cwd=root,
            timeout=60,
        )
        if probe.returncode == 0:
            return python, pythonpath
    pytest.skip(f"no Python interpreter other accounts may run clerc with ({sys.executable}, {system})")


def _env(user: OsUser, accounts: Accounts) -> dict[str, str]:
    """What a login gives a clerc: his HOME, a PATH; the étude's config at the test's path."""
    return {
        "HOME": str(user.home),
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": str(user.home / ".config"),
        "XDG_DATA_HOME": str(user.home / ".local" / "share"),
        "XDG_STATE_HOME": str(user.home / ".local" / "state"),
        "CLERC_SYSTEM_CONFIG": str(accounts.system_config),
        **({"PYTHONPATH": accounts.pythonpath} if accounts.pythonpath else {}),
    }


# One interpreter per clerc's session: it reads a command (a JSON list) per line, runs it through
# the entry point, and answers {code, out, err}; its last connection to the base stays open
# between commands, as a clerc's running app keeps his.
SESSION = """
import contextlib, io, json, sys
from clerc_tui.cli import main
answer = sys.stdout
for line in sys.stdin:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(json.loads(line))
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 2
    answer.write(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue()}) + "\\n")
    answer.flush()
"""


class Session:
    """`user`'s clerc process (his uid, gid and groups, through setpriv): `run(*argv)`."""

    def __init__(self, user: OsUser, accounts: Accounts):
        self.process = subprocess.Popen(
            [*_as(user), *accounts.python, "-c", SESSION],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=_env(user, accounts),
            cwd=user.home,
        )

    def run(self, *argv: str) -> Result:
        import json

        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(list(argv)) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the session ended (code {self.process.wait()})"
        answer = json.loads(line)
        return Result(answer["code"], answer["out"], answer["err"])

    def close(self) -> None:
        """Log out: the process ends, its connection with it (the last one folds the WAL in)."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.close()


def clerc_as(user: OsUser, accounts: Accounts, *argv: str) -> Result:
    """One command, in a session of its own."""
    with Session(user, accounts) as session:
        return session.run(*argv)


def _as(user: OsUser) -> list[str]:
    return ["setpriv", f"--reuid={user.uid}", f"--regid={user.gid}", "--init-groups"]


def ok(result: Result) -> str:
    if result.code != 0 and "journal : " in result.err:  # an unexpected error: show its traceback
        log = Path(result.err.split("journal : ", 1)[1].strip())
        pytest.fail(result.err + (log.read_text(encoding="utf-8") if log.exists() else ""))
    assert result.code == 0, result.err + result.out
    return result.out


def _owner_group_mode(path: Path) -> tuple[str, str, str]:
    import grp

    st = path.stat()
    return pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name, f"{stat.S_IMODE(st.st_mode):04o}"


def _sidecars(base: Path) -> list[Path]:
    return [base.with_name(base.name + suffix) for suffix in ("-wal", "-shm")]


def test_a_reader_without_write_access_locks_the_owner_out_and_check_says_how_to_fix(accounts):
    """The issue's lock-out, as it happened before `init --shared`, then `clerc check`'s report
    and its commands, run as root, that give the base back to the group."""
    a, b = accounts.a, accounts.b
    folder = accounts.root / "avant"
    folder.mkdir()
    os.chown(folder, a.uid, accounts.gid)
    os.chmod(folder, 0o2775)  # the group may create files in it, as the folder allowed
    base = folder / "etude.db"
    db = ("--db", str(base))
    with Session(a, accounts) as owner:
        ok(owner.run("init", str(base)))
        ok(owner.run(*db, "user", "add", b.name, "--name", "Bruno Bernard", "--role", "clerc"))
    os.chmod(base, 0o644)  # what SQLite gave a new base under the usual umask 022

    with Session(b, accounts) as colleague, Session(a, accounts) as owner:
        # The colleague only reads: SQLite makes him a -wal and a -shm with the base's mode.
        assert ok(colleague.run(*db, "whoami")).startswith(f"{b.name}\tBruno Bernard\tclerc")
        for side in _sidecars(base):
            assert _owner_group_mode(side) == (b.name, accounts.group, "0644")

        # The owner can no longer write: a French refusal, not a traceback.
        refused = owner.run(*db, "user", "add", "zed", "--name", "Zoé Zed")
        assert refused.code == 1
        assert "est en lecture seule pour votre compte" in refused.err
        assert "Traceback" not in refused.err + refused.out

        # clerc check names what locks the clercs out and prints the commands that fix it.
        check = owner.run(*db, "check", "--sans-solde")
        assert check.code == 1
        assert f"la base {base} n'est pas modifiable par le groupe (mode 0644)" in check.out
        assert (
            f"le dossier {folder} est ouvert aux comptes hors du groupe « {accounts.group} » (mode 2775)" in check.out
        )
        wal, shm = _sidecars(base)
        assert f"{wal} (à {b.name}, groupe « {accounts.group} », mode 0644) n'est pas modifiable" in check.out
        fixes = check.out.split("Pour corriger (en root, ou par le propriétaire de chaque fichier) :\n", 1)[1]
        commands = [line.strip() for line in fixes.splitlines() if line.startswith("  ")]
        assert commands == [
            f"chmod 2770 {folder}",
            f"chmod 660 {base}",
            f"chgrp {accounts.group} {wal}",
            f"chmod 660 {wal}",
            f"chgrp {accounts.group} {shm}",
            f"chmod 660 {shm}",
        ]
        # The administrator runs them (as root): the owner writes again, the check is clean,
        # while the colleague is still connected.
        for command in commands:
            _sh("sh", "-c", command)
        ok(owner.run(*db, "user", "add", "zed", "--name", "Zoé Zed"))
        check = owner.run(*db, "check", "--sans-solde")
        assert check.code == 0, check.out
        assert "Droits de la base partagée" not in check.out


def test_init_shared_and_the_umask_keep_the_base_writable_by_every_clerc_of_the_group(accounts):
    a, b, c = accounts.a, accounts.b, accounts.c
    home = accounts.root / "commissaire"  # a folder of the administrateur's, where he may create one
    home.mkdir()
    os.chmod(home, 0o755)
    os.chown(home, a.uid, a.gid)
    base = home / "etude" / "clerc" / "etude.db"
    db = ("--db", str(base))
    with Session(a, accounts) as owner:
        out = ok(owner.run("init", "--shared", "--group", accounts.group, str(base)))
        ok(owner.run(*db, "user", "add", b.name, "--name", "Bruno Bernard", "--role", "commissaire"))
    assert f"Base partagée : dossier du groupe « {accounts.group} » (2770, setgid), fichier 0660." in out
    assert "Droits de la base partagée" not in out  # nothing to fix in what it made
    assert _owner_group_mode(base.parent) == (a.name, accounts.group, "2770")
    assert _owner_group_mode(base.parent.parent)[2] == "0755"  # made on the way: traversable
    assert _owner_group_mode(base) == (a.name, accounts.group, "0660")
    assert not any(side.exists() for side in _sidecars(base))  # the owner logged out: folded in

    with Session(b, accounts) as colleague, Session(a, accounts) as owner:
        # The colleague opens first: his -wal and -shm are the group's, 0660 (the base's mode).
        ok(colleague.run(*db, "whoami"))
        for side in _sidecars(base):
            assert _owner_group_mode(side) == (b.name, accounts.group, "0660")
        # Both write, while both are connected.
        ok(owner.run(*db, "user", "add", "zed", "--name", "Zoé Zed"))
        ok(colleague.run(*db, "user", "add", "yann", "--name", "Yann Yvon"))
        # What clerc writes for them is the group's too (umask 007): here an export into the folder.
        fec = base.parent / "fec.txt"
        period = ("--from", "01/01/2026", "--to", "31/12/2026")
        ok(colleague.run(*db, "export", "fec", *period, "--out", str(fec)))
        assert _owner_group_mode(fec) == (b.name, accounts.group, "0660")
        # An account outside the group is kept out, in French.
        outsider = clerc_as(c, accounts, *db, "whoami")
        assert outsider.code == 2
        assert f"La base {base} n'est pas accessible à votre compte (droits de son dossier)" in outsider.err
        # And the layout is clean for clerc check.
        check = owner.run(*db, "check", "--sans-solde")
        assert check.code == 0, check.out
        assert "Droits de la base partagée" not in check.out


def test_init_shared_refuses_a_group_the_caller_may_not_give_files_to(accounts):
    base = accounts.root / "refus" / "etude.db"  # (root's folder: c could not create it anyway)
    refused = clerc_as(accounts.c, accounts, "init", "--shared", "--group", accounts.group, str(base))
    assert refused.code == 2
    assert f"Votre compte n'est pas membre du groupe « {accounts.group} »" in refused.err
    assert not base.parent.exists()  # nothing made


def test_init_in_a_folder_the_account_cannot_enter_is_refused_in_french(accounts):
    folder = accounts.root / "prive"
    _sh("install", "-d", "-m", "0700", str(folder))  # root's own
    with Session(accounts.a, accounts) as session:  # one process for both: each refusal leaves nothing
        for shared in ((), ("--shared", "--group", accounts.group)):
            refused = session.run("init", *shared, str(folder / "clerc" / "etude.db"))
            assert refused.code == 2, refused
            assert f"accès refusé (droits du dossier {folder / 'clerc'} ou de ses parents)" in refused.err


def test_a_clerc_who_logs_in_and_types_clerc_reaches_the_etudes_base(accounts):
    """The real `clerc` in a pseudo-terminal, as the colleague, with nothing set but what the
    étude's administrator wrote in /etc/clerc/config.toml (here CLERC_SYSTEM_CONFIG)."""
    a, b = accounts.a, accounts.b
    folder = accounts.root / "etude-login"
    # As docs/deployment.md has the administrator do it: root makes the folder for the group, the
    # commissaire creates the base in it (and is its first administrateur).
    _sh("install", "-d", "-o", a.name, "-g", accounts.group, "-m", "2770", str(folder))
    base = folder / "etude.db"
    with Session(a, accounts) as owner:
        ok(owner.run("init", "--shared", "--group", accounts.group, str(base)))
        ok(owner.run("--db", str(base), "user", "add", b.name, "--name", "Bruno Bernard", "--role", "clerc"))
    accounts.system_config.write_text(f'[database]\npath = "{base}"\n', encoding="utf-8")
    os.chmod(accounts.system_config, 0o644)  # root's, readable by every clerc (docs/deployment.md)
    try:
        env = {**_env(b, accounts), "TERM": "xterm-256color", "COLUMNS": "200", "LINES": "30"}
        argv = [*_as(b), *accounts.python, "-c", "import sys; from clerc_tui.cli import main; sys.exit(main())"]
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(b.home)
            os.execvpe(argv[0], argv, env)
        seen = b""
        try:
            deadline = time.monotonic() + 60
            marker = f"(base de l'étude, {accounts.system_config})".encode()
            while marker not in seen and time.monotonic() < deadline:
                if select.select([fd], [], [], 0.1)[0]:
                    try:
                        seen += os.read(fd, 65536)
                    except OSError:
                        break
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(fd)
        text = seen.decode(errors="replace")
        assert "Bruno Bernard · clerc" in text, text[-2000:]
        assert f"{base} (base de l'étude, {accounts.system_config})" in text
    finally:
        accounts.system_config.unlink()


def test_init_shared_refuses_a_group_that_does_not_exist(tmp_path, capsys):
    base = tmp_path / "clerc" / "etude.db"
    assert main(["init", "--shared", "--group", "clerct_absent_zz", str(base)]) == 2
    err = capsys.readouterr().err
    assert (
        "Le groupe « clerct_absent_zz » n'existe pas sur ce serveur : créez-le d'abord (groupadd clerct_absent_zz)"
        in err
    )
    assert not base.parent.exists()


def test_shared_and_group_go_together(tmp_path, capsys):
    assert main(["init", "--shared", str(tmp_path / "e.db")]) == 2
    assert "--shared et --group vont ensemble" in capsys.readouterr().err
    assert not (tmp_path / "e.db").exists()


def test_clerc_sets_its_umask_first(tmp_path):
    previous = os.umask(0o022)
    try:
        assert main(["init", str(tmp_path / "e.db")]) == 0
        close_database()
        assert os.umask(0o022) == 0o007
    finally:
        os.umask(previous)


def test_check_names_a_foreign_group_and_a_folder_on_the_way_that_keeps_the_group_out(accounts):
    from clerc_tui.models.shared import layout_problems

    closed = accounts.root / "ferme"
    closed.mkdir(mode=0o700)  # a folder above the base's that the clercs cannot pass
    folder = closed / "clerc"
    _sh("install", "-d", "-g", accounts.group, "-m", "2770", str(folder))
    base = folder / "etude.db"
    base.write_bytes(b"")
    os.chmod(base, 0o660)  # root's group: made by root without the folder's setgid, say
    os.chown(base, 0, 0)
    problems = layout_problems(base)
    assert [p.fixes for p in problems] == [(f"chmod o+x {closed}",), (f"chgrp {accounts.group} {base}",)]
    assert problems[0].message.startswith(f"le dossier {closed} (mode 0700) ne laisse pas passer les membres")
    assert (
        problems[1].message
        == f"la base {base} appartient au groupe « root », pas à celui de son dossier « {accounts.group} »"
    )


async def test_the_app_warns_at_start_up_with_the_fixing_commands(accounts):
    from clerc_tui.app import make_app
    from clerc_tui.config import choose_database

    folder = accounts.root / "demarrage"
    _sh("install", "-d", "-g", accounts.group, "-m", "2770", str(folder))
    base = folder / "etude.db"
    assert main(["init", str(base)]) == 0  # a plain init: the base 0640 in the group's folder
    close_database()
    app = make_app(choose_database(str(base)))
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.pause()
            shown = [n.message for n in app._notifications]
            assert any(
                f"la base {base} n'est pas modifiable par le groupe (mode 0640)" in m and f"chmod 660 {base}" in m
                for m in shown
            ), shown
    finally:
        close_database()


def test_check_names_a_folder_without_setgid_that_the_group_cannot_write(accounts):
    from clerc_tui.models.shared import layout_problems, report

    folder = accounts.root / "sans-setgid"
    _sh("install", "-d", "-g", accounts.group, "-m", "0750", str(folder))
    base = folder / "etude.db"
    _sh("install", "-g", accounts.group, "-m", "0660", "/dev/null", str(base))
    problems = layout_problems(base)
    assert [p.message.split(" : ")[0] for p in problems] == [
        f"le dossier {folder} n'a pas le bit setgid (mode 0750)",
        f"le dossier {folder} n'est pas ouvert en écriture au groupe « {accounts.group} » (mode 0750)",
    ]
    assert report(problems).endswith(f"(en root, ou par le propriétaire de chaque fichier) :\n  chmod 2770 {folder}")


@pytest.mark.parametrize(
    ("suffix", "mode", "consequence"),
    [
        # The session lock file (services/sessions.py): a clerc who cannot open it still works,
        # unseen by a restore or a migration: reported like -wal and -shm.
        (".sessions", "0644", "une restauration ou une migration ne verrait pas les clercs au travail"),
        # The files through which a clerc's write announces itself to a creditor import
        # (models/db.py, BulkTurns): a clerc who cannot open them waits for the lock's free moments.
        (
            ".writers",
            "0600",
            "pendant un import de dossiers, un clerc qui ne peut l'ouvrir attend jusqu'à 2 s chaque enregistrement",
        ),
    ],
)
def test_check_names_a_lock_file_the_group_cannot_open(accounts, suffix, mode, consequence):
    from clerc_tui.models.shared import layout_problems

    folder = accounts.root / suffix.lstrip(".")
    _sh("install", "-d", "-g", accounts.group, "-m", "2770", str(folder))
    base = folder / "etude.db"
    _sh("install", "-g", accounts.group, "-m", "0660", "/dev/null", str(base))
    side = folder / f"etude.db{suffix}"
    _sh("install", "-g", "root", "-m", mode, "/dev/null", str(side))
    (problem,) = layout_problems(base)
    assert problem.message == (
        f"{side} (à root, groupe « root », mode {mode}) n'est pas modifiable par le groupe « {accounts.group} » : "
        f"{consequence}"
    )
    assert problem.fixes == (f"chgrp {accounts.group} {side}", f"chmod 660 {side}")
