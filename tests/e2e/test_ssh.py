"""Two clercs over SSH on one étude's base, end to end (issue 13, item 3).

A real OpenSSH server on 127.0.0.1 (its own host key and sshd_config in a temporary folder),
two real OS users in a real group, each with a generated key; the base in a group-shared
folder (setgid, files 0660). Each clerc logs in with `ssh -tt` and `clerc` opens in the
pseudo-terminal, read through a terminal emulator (terminal.py). One records a payment on a
dossier, the other, on the same dossier, sees it without touching a key; then the other way
round. `clerc whoami` over SSH and the audit trail name the two OS logins.

Needs root (useradd, sshd) and an OpenSSH server (`.ci/run` installs Debian's openssh-server
when missing): skipped otherwise, with the reason. One server and one étude for the module
(`scope="session"`, one xdist group): 15–30 s of wall time on the loaded 2-core machine, most
of it waiting on the two clercs' screens (little CPU), beside the other xdist workers. Users, group, server and
temporary folder are removed afterwards, failure or not.

The ForceCommand script and the sshd_config drop-in are read from docs/deployment.md (Match
Group, ForceCommand, SetEnv, AcceptEnv LANG LC_*): what is tested is what the administrator
installs. Around them, what a test cannot have as a server has it: another port, its own host
key, no StrictModes (the keys lie under /tmp), no PAM.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from clerc_tui.app import DATA_POLL_SECONDS

pytest.importorskip("pyte", reason="SSH de bout en bout : pyte absent (pip install -e '.[test]')")

from tests.conftest import run_clerc

from .reach import reachable_by_others
from .terminal import Terminal  # after the check that pyte is there

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
SSH = shutil.which("ssh")
SSH_KEYGEN = shutil.which("ssh-keygen")
CLERC = Path(sys.executable).with_name("clerc")  # the venv's, as an administrator would install it

pytestmark = [
    pytest.mark.xdist_group("ssh"),
    pytest.mark.skipif(os.geteuid() != 0, reason="SSH de bout en bout : il faut être root (useradd, sshd)"),
    pytest.mark.skipif(
        not os.path.exists(SSHD),
        reason="SSH de bout en bout : pas de serveur OpenSSH (apt-get install openssh-server ; .ci/run l'installe)",
    ),
    pytest.mark.skipif(SSH is None or SSH_KEYGEN is None, reason="SSH de bout en bout : pas de client ssh/ssh-keygen"),
]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
# How a clerc who logs in reaches the étude's base: the system-wide configuration names it
# (docs/deployment.md; the optional `SetEnv CLERC_DATABASE=…` line of the drop-in is left out).
# The test cannot write /etc/clerc/config.toml on the machine: sshd's `SetEnv` points
# CLERC_SYSTEM_CONFIG at a copy in the test's folder, the one line that differs from a server.
BASE_THROUGH_SSHD = False


def documented_block(marker: str) -> str:
    """The fenced block of docs/deployment.md that contains `marker`: the test runs what the
    administrator is told to install, not a copy of it."""
    blocks = DOCS.read_text(encoding="utf-8").split("```")[1::2]
    (block,) = [b for b in blocks if marker in b]
    return block.split("\n", 1)[1]  # without the fence's language line


def wrapper_script() -> str:
    """`/usr/local/bin/clerc-ssh`, the ForceCommand: `ssh serveur` opens clerc,
    `ssh serveur clerc whoami` runs that sub-command, nothing else runs."""
    return documented_block("SSH_ORIGINAL_COMMAND").replace("/usr/local/bin/clerc", str(CLERC))


def sshd_drop_in(group: str, wrapper: Path, base: Path) -> str:
    """`/etc/ssh/sshd_config.d/clerc.conf` as documented, for this group, wrapper and base."""
    lines = [
        line
        for line in documented_block("Match Group clercs").splitlines()
        if BASE_THROUGH_SSHD or "SetEnv CLERC_DATABASE" not in line
    ]
    if not BASE_THROUGH_SSHD:
        lines.append(f"    SetEnv CLERC_SYSTEM_CONFIG={system_config(base)}")
    text = "\n".join(lines) + "\n"
    return (
        text.replace("Match Group clercs", f"Match Group {group}")
        .replace("/usr/local/bin/clerc-ssh", str(wrapper))
        .replace("/srv/clerc/clerc.db", str(base))
    )


AMOUNT_A, AMOUNT_B = "321,09", "45,67"  # amounts no demo dossier shows (asserted below)
SEEN_WITHIN = DATA_POLL_SECONDS + 3  # the poll interval, plus a margin for a loaded 2-core machine


@dataclass(frozen=True)
class Clerc:
    login: str
    name: str
    key: Path


@dataclass(frozen=True)
class Etude:
    root: Path
    base: Path
    group: str
    port: int
    known_hosts: Path
    clercs: tuple[Clerc, Clerc]
    dossier: str


def run(*argv: str | Path, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        check=check,
        timeout=60,
    )


def as_administrator(base: Path, *argv: str) -> subprocess.CompletedProcess:
    """A clerc command the administrator (root) runs on the base, with XDG folders of its own
    beside it (root's real config and log are never touched). In this process (run_clerc): the
    base made, the users added and the final check are not what this test is about (their
    processes are tested elsewhere); the clercs' own `clerc` processes run through SSH. This
    process's umask is put back afterwards (clerc sets its own, 007: the server's folders and
    files made next must stay readable by the clercs' accounts and sshd)."""
    umask = os.umask(0o022)
    os.umask(umask)
    try:
        return run_clerc(base.parent.parent / "admin", *argv, CLERC_DATABASE=str(base))
    finally:
        os.umask(umask)


def ok(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 0, done.stdout + done.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def system_config(base: Path) -> Path:
    """The test's /etc/clerc/config.toml."""
    return base.parent.parent / "etc" / "clerc" / "config.toml"


def write_system_config(base: Path) -> None:
    """The documented `[database]` table of /etc/clerc/config.toml, naming this base."""
    text = documented_block('path = "/srv/clerc/clerc.db"').replace("/srv/clerc/clerc.db", str(base))
    path = system_config(base)
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    for folder in (path, path.parent, path.parent.parent):
        os.chmod(folder, 0o755 if folder.is_dir() else 0o644)


def make_shared_base(base: Path, group: str) -> None:
    """The étude's base in a folder of the group, setgid, files 0660, as `clerc init --shared
    --group GROUP PATH` will make it (issue 13 item 2): by hand until that command lands.
    A demonstration base: dossiers to open, root registered as commissaire to add users."""
    folder = base.parent
    folder.mkdir()
    shutil.chown(folder, group=group)
    os.chmod(folder, 0o2770)
    ok(as_administrator(base, "demo", "--dossiers", "3", "--db", str(base)))
    for path in folder.iterdir():  # the base (its -wal and -shm are folded in when the last clerc closes)
        shutil.chown(path, group=group)
        os.chmod(path, 0o660)


@pytest.fixture(scope="session")
def etude():
    undo: list = []  # run in reverse order, whatever happens
    try:
        yield _set_up(undo)
    finally:
        errors = []
        for step in reversed(undo):
            try:
                step()
            except Exception as exc:  # every step gets its chance, the first error is raised
                errors.append(exc)
        if errors:
            raise errors[0]


def _set_up(undo: list) -> Etude:
    suffix = secrets.token_hex(3)
    group = f"clerct_g{suffix}"
    root = Path(tempfile.mkdtemp(prefix="clerc-ssh-"))
    undo.append(lambda: shutil.rmtree(root, ignore_errors=True))
    os.chmod(root, 0o755)  # sshd reads the keys as the user; the clercs reach the base folder
    # The clercs' accounts run the venv's clerc: its interpreter, the venv, the source.
    reach = reachable_by_others(
        [Path(sys.executable).resolve().parent, CLERC.parent, Path(__file__).resolve().parents[2]]
    )
    reach.__enter__()
    undo.append(lambda: reach.__exit__(None, None, None))

    run("groupadd", group)
    undo.append(lambda: run("groupdel", group, check=False))
    clercs = []
    for letter, name in (("a", "Alice Ssh"), ("b", "Bruno Ssh")):
        login = f"clerct_{letter}{suffix}"
        home = root / "home" / login
        home.parent.mkdir(exist_ok=True)
        # `-p '*'`: no password, yet not a locked account (sshd refuses a key to a locked one).
        run("useradd", "--no-user-group", "-g", group, "-d", home, "-m", "-s", "/bin/sh", "-p", "*", login)
        undo.append(lambda login=login: run("userdel", "-r", "-f", login, check=False))
        key = root / "keys" / login
        key.parent.mkdir(exist_ok=True)
        run(SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", login, "-f", key)
        clercs.append(Clerc(login, name, key))

    base = root / "etude" / "clerc.db"
    make_shared_base(base, group)
    if not BASE_THROUGH_SSHD:
        write_system_config(base)
    for clerc in clercs:
        ok(as_administrator(base, "user", "add", clerc.login, "--name", clerc.name, "--role", "clerc"))
    with closing(sqlite3.connect(base)) as db:
        dossier = db.execute("SELECT reference FROM dossier ORDER BY id LIMIT 1").fetchone()[0]

    port, known_hosts = _start_sshd(root, base, group, undo)
    return Etude(root, base, group, port, known_hosts, (clercs[0], clercs[1]), dossier)


def _start_sshd(root: Path, base: Path, group: str, undo: list) -> tuple[int, Path]:
    conf = root / "sshd"
    conf.mkdir()
    host_key = conf / "host_ed25519"
    run(SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", host_key)
    wrapper = conf / "clerc-ssh"
    wrapper.write_text(wrapper_script())
    wrapper.chmod(0o755)
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation folder
    port = free_port()
    config = conf / "sshd_config"
    config.write_text(
        f"""ListenAddress 127.0.0.1
Port {port}
HostKey {host_key}
PidFile {conf}/sshd.pid
AuthorizedKeysFile {root}/keys/%u.pub
# Not on a real server: the keys lie under /tmp (world-writable), the users have no PAM session.
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowGroups {group}
"""
        + sshd_drop_in(group, wrapper, base)  # last: its Match block runs to the end of the file
    )
    log = open(conf / "sshd.log", "w")  # noqa: SIM115 — closed by the undo step
    # Its own session: nothing it signals to its process group reaches the test process.
    sshd = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def stop() -> None:
        sshd.terminate()
        try:
            sshd.wait(5)
        except subprocess.TimeoutExpired:
            sshd.kill()
            sshd.wait(5)
        log.close()

    undo.append(stop)
    deadline = time.monotonic() + 15
    while True:
        if sshd.poll() is not None:
            raise AssertionError(f"sshd ended (code {sshd.returncode}):\n{(conf / 'sshd.log').read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"sshd not listening after 15 s:\n{(conf / 'sshd.log').read_text()}") from None
            time.sleep(0.05)
    known_hosts = conf / "known_hosts"
    public = (conf / "host_ed25519.pub").read_text().split()
    known_hosts.write_text(f"[127.0.0.1]:{port} {public[0]} {public[1]}\n")
    return port, known_hosts


def ssh_argv(etude: Etude, clerc: Clerc, *command: str, tty: bool = False) -> list[str]:
    return [
        str(SSH),
        *(["-tt"] if tty else []),
        "-F", "/dev/null",  # root's own ~/.ssh/config plays no part
        "-i", str(clerc.key),
        "-p", str(etude.port),
        "-o", "IdentitiesOnly=yes",
        "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=yes",
        "-o", f"UserKnownHostsFile={etude.known_hosts}",
        "-o", "SendEnv=LANG LC_*",
        "-o", "LogLevel=ERROR",
        f"{clerc.login}@127.0.0.1",
        *command,
    ]  # fmt: skip


def client_env() -> dict[str, str]:
    """A clerc's terminal: the TERM docs/deployment.md advises, a UTF-8 locale sent along."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }


def open_dossier(sessions: list[tuple[Terminal, Clerc]], reference: str) -> None:
    """Each clerc opens the dossier on its Comptes tab; both screens step side by side."""

    def step(keys: tuple[str, ...], condition: str | Callable[[str], bool], what: str) -> None:
        for term, _ in sessions:
            term.send(*keys)
        for term, _ in sessions:
            term.wait_for(condition, what=what)

    for term, clerc in sessions:
        term.wait_for(f"{clerc.name} · clerc", what=f"{clerc.login}'s clerc, with the name of its OS account")
    step(("d",), lambda screen: "Nouveau" in screen and "dossiers ·" in screen, "the dossier list, focused")
    # Each key that moves the focus is waited for (the key bar then shows the new place's
    # keys): a key sent before would reach the widget that had the focus.
    step(("/",), lambda screen: "Nouveau" not in screen, "the focus in the filter")
    step((reference,), f"1 dossier pour « {reference} »", "the dossier found")
    step(("enter",), "Nouveau", "the focus back on the list")
    step(("enter",), "5 Comptes", f"the dossier {reference}")
    step(("5",), "Versé", "the Comptes tab")


def record_payment(term: Terminal, amount: str) -> float:
    """`v` on the dossier: the payment entry with this dossier filled in; the amount, Entrée,
    F5, o. Returns when the clerc was told it is recorded (time.monotonic)."""
    term.send("v")
    term.wait_for("Saisie des versements")
    term.wait_for("Lot : 0 paiement(s)")
    term.send(amount, "enter")
    term.wait_for("Lot : 1 paiement(s)", what="the payment in the batch")
    term.send("f5")
    term.wait_for("Enregistrer 1 paiement(s)", what="the batch summary")
    term.send("o")
    term.wait_for("1 paiement(s) enregistré(s)", what="the payment recorded")
    return time.monotonic()


def back_to_dossier(term: Terminal, amount: str) -> None:
    term.send("escape")
    term.wait_for(lambda screen: "Versé" in screen and amount in screen, what="the dossier, with the payment")


def seen_by_the_other(term: Terminal, amount: str, recorded: float, what: str) -> None:
    """The other clerc's dossier shows the payment, no key pressed, within SEEN_WITHIN of
    the moment its author was told it was recorded."""
    term.wait_for(amount, timeout=max(0.0, SEEN_WITHIN - (time.monotonic() - recorded)), what=what)


def test_two_clercs_over_ssh_see_each_others_payment(etude):
    alice, bruno = etude.clercs
    screens = [Terminal(ssh_argv(etude, clerc, tty=True), client_env()) for clerc in (alice, bruno)]
    try:
        a, b = screens
        open_dossier([(a, alice), (b, bruno)], etude.dossier)
        assert AMOUNT_A not in b.text() and AMOUNT_B not in a.text()

        recorded = record_payment(a, AMOUNT_A)
        seen_by_the_other(b, AMOUNT_A, recorded, "Alice's payment on Bruno's screen")
        back_to_dossier(a, AMOUNT_A)

        recorded = record_payment(b, AMOUNT_B)
        seen_by_the_other(a, AMOUNT_B, recorded, "Bruno's payment on Alice's screen")
        back_to_dossier(b, AMOUNT_B)

        for term in screens:
            term.send("q")
        for term in screens:
            assert term.wait_exit() == 0
    finally:
        for term in screens:
            term.close()

    # Who each one was, for clerc: the OS account of the SSH login, through the same ForceCommand.
    for clerc in (alice, bruno):
        out = run(*ssh_argv(etude, clerc, "clerc", "whoami", "--json"), env=client_env())
        who = json.loads(out.stdout)
        assert (who["login"], who["name"], who["role"]) == (clerc.login, clerc.name, "clerc")
        # Nothing set by the clerc: the base comes from the étude's system-wide configuration.
        assert (who["base"], who["source"]) == (str(etude.base), "system_config")

    # The audit trail and the ledger name each one's login on their own payment.
    with closing(sqlite3.connect(etude.base)) as db:
        dossier_id = db.execute("SELECT id FROM dossier WHERE reference = ?", (etude.dossier,)).fetchone()[0]
        payers = db.execute(
            "SELECT created_by, amount FROM ledger_entry WHERE dossier_id = ? AND kind = 'payment' ORDER BY id",
            (dossier_id,),
        ).fetchall()
        audited = {
            login
            for (login,) in db.execute(
                "SELECT user_login FROM audit_entry WHERE dossier_id = ? AND table_name = 'ledger_entry'", (dossier_id,)
            )
        }
    assert payers[-2:] == [(alice.login, 32109), (bruno.login, 4567)]
    assert {alice.login, bruno.login} <= audited
    # Both wrote through their own uid: the chain of the ledger and the audit is whole.
    ok(as_administrator(etude.base, "check"))


def test_a_login_outside_clerc_is_refused(etude):
    """ForceCommand: a clerc's key opens clerc, never a shell."""
    alice = etude.clercs[0]
    out = run(*ssh_argv(etude, alice, "id"), env=client_env(), check=False)
    assert out.returncode == 1
    assert "Ce compte n'ouvre que clerc." in out.stderr
