"""Bank statements (services/bank.py): import, matching on the base, recording the confirmed lines as
payments (imputed, receipts, audit), and idempotence: the same file twice, the same line in two
overlapping statements, a line decided by another clerc meanwhile."""

import json
from decimal import Decimal as D

import pytest

from clerc_tui.errors import AccessDenied, ConflictError, InvalidInput
from clerc_tui.models import AuditEntry, BankLine, BankStatement, LedgerEntry
from clerc_tui.rules import matching
from clerc_tui.rules.bank_formats import CamtCredit, write_camt053
from clerc_tui.services import bank
from clerc_tui.services.balances import account_view
from clerc_tui.services.context import Actor
from clerc_tui.services.dossier_input import DebtorInput
from clerc_tui.services.dossiers import create_dossier
from clerc_tui.services.users import add_user
from tests.conftest import TODAY, make_input

ACCOUNT = bank.DEMO_ACCOUNT


def credit(ref, amount, label, name="", iban=""):
    return CamtCredit(D(amount), TODAY, ref, f"E2E-{ref}", label, name, iban)


def write(tmp_path, name, received):
    path = tmp_path / name
    path.write_bytes(write_camt053(ACCOUNT, name, received))
    return path


@pytest.fixture
def dossiers(actor):
    lefevre = create_dossier(actor, make_input(), TODAY)
    martin = create_dossier(
        actor, make_input(debtor=DebtorInput(kind="physique", last_name="Martin", first_name="Paul")), TODAY
    )
    return lefevre, martin


def payments_of(dossier_id):
    return list(LedgerEntry.select().where((LedgerEntry.dossier == dossier_id) & (LedgerEntry.kind == "payment")))


def test_a_statement_is_imported_matched_and_its_sure_lines_recorded(actor, dossiers, tmp_path):
    lefevre, martin = dossiers
    path = write(
        tmp_path,
        "jour.xml",
        [
            credit("B1", "150.00", f"DOSSIER {lefevre.reference}", "Hélène Lefèvre"),
            credit("B2", "80.00", "VIREMENT", "PAUL MARTIN"),
            credit("B3", "12.00", "REMBOURSEMENT", "Inconnu"),
        ],
    )
    dry = bank.import_statement(actor, path, dry_run=True, today=TODAY)
    assert (dry.sure, dry.doubtful, dry.unmatched, dry.statement_id) == (1, 1, 1, None)
    assert BankStatement.select().count() == 0 and BankLine.select().count() == 0
    assert "Essai (--dry-run) : rien n'a été enregistré." in bank.summary_text(dry)

    summary = bank.import_statement(actor, path, record_sure=True, today=TODAY)
    assert (summary.credits, summary.stored, summary.sure, summary.doubtful, summary.unmatched) == (3, 3, 1, 1, 1)
    assert summary.recorded == 1
    (payment,) = payments_of(lefevre.id)
    assert (payment.amount, payment.entry_date, payment.mode, payment.bank_reference) == (
        D("150.00"),
        TODAY,
        "virement",
        "B1",
    )
    assert payment.payer == "Hélène Lefèvre"
    assert payment.document_number.startswith("R")  # a receipt was issued
    assert account_view(lefevre.id, TODAY).paid == D("150.00")
    line = BankLine.get(BankLine.bank_reference == "B1")
    assert (line.status, line.dossier_id, line.entry_id, line.decided_by_id) == (
        bank.RECORDED,
        lefevre.id,
        payment.id,
        actor.user_id,
    )
    confirm = AuditEntry.get(AuditEntry.action == "bank.confirm")
    after = json.loads(confirm.after)
    assert (confirm.user_login, after["dossier"], after["amount"], after["entry"]) == (
        actor.login,
        lefevre.reference,
        "150.00",
        payment.id,
    )
    assert after["reason"].startswith(f"référence {lefevre.reference} dans le libellé")
    # What is left to review: the doubtful one first, then the unmatched.
    left = bank.review_lines()
    assert [(r.bank_reference, r.match_status) for r in left] == [("B2", matching.DOUBTFUL), ("B3", matching.UNMATCHED)]
    assert left[0].candidates[0].dossier_id == martin.id
    assert len(bank.review_lines()) == 2


def test_the_same_file_twice_changes_nothing(actor, dossiers, tmp_path):
    lefevre, _ = dossiers
    path = write(tmp_path, "jour.xml", [credit("B1", "150.00", f"DOSSIER {lefevre.reference}")])
    bank.import_statement(actor, path, record_sure=True, today=TODAY)
    again = bank.import_statement(actor, path, record_sure=True, today=TODAY)
    assert again.statement_id is None and again.already_imported.startswith("le ")
    assert (again.already_known, again.already_recorded, again.recorded) == (1, 1, 0)
    assert bank.summary_text(again)[0].startswith("jour.xml : relevé déjà importé le ")
    assert len(payments_of(lefevre.id)) == 1
    assert BankStatement.select().count() == 1 and BankLine.select().count() == 1
    # The same bytes under another name are the same statement.
    copy = tmp_path / "copie.xml"
    copy.write_bytes(path.read_bytes())
    assert bank.import_statement(actor, copy, record_sure=True, today=TODAY).already_imported


def test_a_line_in_two_overlapping_statements_is_one_payment(actor, dossiers, tmp_path):
    lefevre, martin = dossiers
    shared = credit("B1", "150.00", f"DOSSIER {lefevre.reference}")
    first = write(tmp_path, "lundi.xml", [shared])
    second = write(tmp_path, "lundi-mardi.xml", [shared, credit("B2", "60.00", f"Dossier {martin.reference}")])
    bank.import_statement(actor, first, record_sure=True, today=TODAY)
    summary = bank.import_statement(actor, second, record_sure=True, today=TODAY)
    assert (summary.credits, summary.stored, summary.already_known, summary.already_recorded) == (2, 1, 1, 1)
    assert summary.recorded == 1
    assert "1 crédit(s) déjà connu(s) par un relevé précédent (dont 1 déjà enregistré(s)) : pas repris." in (
        bank.summary_text(summary)
    )
    assert len(payments_of(lefevre.id)) == 1 and len(payments_of(martin.id)) == 1


def test_a_line_decided_meanwhile_is_skipped_not_recorded_twice(actor, dossiers, tmp_path):
    _, martin = dossiers
    bank.import_statement(
        actor, write(tmp_path, "j.xml", [credit("B2", "80.00", "VIREMENT", "Paul Martin")]), today=TODAY
    )
    (line,) = bank.review_lines()
    decision = bank.Decision(line.id, line.version, martin.id, "choisi par le clerc")
    assert bank.record_lines(actor, [decision], today=TODAY).recorded == 1
    again = bank.record_lines(actor, [decision], today=TODAY)
    assert again.recorded == 0
    (why,) = again.skipped
    assert why.startswith("Écriture 1 : déjà enregistrée par Claire Martin le ")
    assert len(payments_of(martin.id)) == 1
    with pytest.raises(ConflictError, match="déjà enregistrée"):
        bank.set_aside(actor, line.id, line.version, "erreur")


def test_a_step_is_all_or_nothing(actor, dossiers, tmp_path):
    lefevre, _ = dossiers
    path = write(tmp_path, "j.xml", [credit("B1", "10.00", "a", "x"), credit("B2", "20.00", "b", "y")])
    bank.import_statement(actor, path, today=TODAY)
    lines = sorted(bank.review_lines(), key=lambda r: r.bank_reference)
    decisions = [
        bank.Decision(lines[0].id, lines[0].version, lefevre.id, "choisi"),
        bank.Decision(lines[1].id, lines[1].version, 999_999, "choisi"),  # a dossier that does not exist
    ]
    with pytest.raises(InvalidInput, match="le dossier choisi n'existe pas"):
        bank.record_lines(actor, decisions, today=TODAY)
    assert payments_of(lefevre.id) == [] and len(bank.review_lines()) == 2


def test_a_line_set_aside_keeps_its_reason_and_is_audited(actor, dossiers, tmp_path):
    bank.import_statement(actor, write(tmp_path, "j.xml", [credit("B3", "12.00", "REMB", "Inconnu")]), today=TODAY)
    (line,) = bank.review_lines()
    with pytest.raises(InvalidInput, match="Indiquez pourquoi"):
        bank.set_aside(actor, line.id, line.version, "  ")
    bank.set_aside(actor, line.id, line.version, "Virement du créancier lui-même")
    stored = BankLine.get_by_id(line.id)
    assert (stored.status, stored.reason, stored.decided_by_id) == (
        bank.SET_ASIDE,
        "Virement du créancier lui-même",
        actor.user_id,
    )
    assert json.loads(AuditEntry.get(AuditEntry.action == "bank.set_aside").after)["reason"] == (
        "Virement du créancier lui-même"
    )
    assert bank.review_lines() == []
    with pytest.raises(ConflictError, match="déjà mise de côté"):
        bank.set_aside(actor, line.id, line.version + 1, "encore")


def test_a_reader_may_not_import(actor, dossiers, tmp_path):
    add_user("lecteur", "Léa Lecture", "lecture")
    reader = Actor(user_id=2, login="lecteur", name="Léa Lecture", role="lecture")
    with pytest.raises(AccessDenied):
        bank.import_statement(reader, write(tmp_path, "j.xml", [credit("B1", "1.00", "x")]), today=TODAY)
    assert BankStatement.select().count() == 0


def test_hostile_bank_text_is_stored_inert(actor, dossiers, tmp_path):
    lefevre, _ = dossiers
    path = write(tmp_path, "j.xml", [credit("B1", "5.00", f"{lefevre.reference} \u0085\u009b2J", "Bob\u202eevil")])
    bank.import_statement(actor, path, record_sure=True, today=TODAY)
    line = BankLine.get(BankLine.bank_reference == "B1")
    assert "\u009b" not in line.label and "\ufffd" in line.label  # XML 1.0 has no ESC: the C1 CSI instead
    assert "\u202e" not in line.debtor_name
    assert "\u202e" not in payments_of(lefevre.id)[0].payer


def test_file_errors_are_french(actor, tmp_path):
    with pytest.raises(InvalidInput, match=r"^Fichier introuvable"):
        bank.import_statement(actor, tmp_path / "absent.xml", today=TODAY)
    with pytest.raises(InvalidInput, match="est un dossier"):
        bank.import_statement(actor, tmp_path, today=TODAY)


def test_the_demo_day_is_drawn_from_open_dossiers_and_mostly_sure(actor, dossiers, tmp_path):
    received = bank.demo_day_credits(TODAY, count=30, seed=3)
    assert received == bank.demo_day_credits(TODAY, count=30, seed=3)  # seeded
    assert len(received) == 30 and len({c.bank_reference for c in received}) == 30
    path = tmp_path / "demo.xml"
    path.write_bytes(write_camt053(ACCOUNT, "D", received))
    summary = bank.import_statement(actor, path, dry_run=True, today=TODAY)
    assert summary.credits == 30 and summary.sure >= 10


def test_a_line_booked_after_today_waits_for_its_day(actor, dossiers, tmp_path):
    from datetime import timedelta

    lefevre, _ = dossiers
    later = CamtCredit(D("15.00"), TODAY + timedelta(days=1), "B9", "E9", f"DOSSIER {lefevre.reference}", "")
    summary = bank.import_statement(actor, write(tmp_path, "j.xml", [later]), record_sure=True, today=TODAY)
    assert (summary.sure, summary.recorded) == (1, 0)
    assert payments_of(lefevre.id) == [] and len(bank.review_lines()) == 1
    (line,) = bank.review_lines()
    skipped = bank.record_lines(actor, [bank.Decision(line.id, line.version, lefevre.id, "x")], today=TODAY).skipped
    assert skipped == (
        "Écriture 1 : comptabilisée le 27/11/2026, après aujourd'hui (26/11/2026) ; à enregistrer ce jour-là.",
    )
    assert (
        bank.record_lines(
            actor, [bank.Decision(line.id, line.version, lefevre.id, "x")], today=TODAY + timedelta(days=1)
        ).recorded
        == 1
    )


def test_an_import_stopped_in_its_transaction_leaves_nothing(actor, dossiers, tmp_path, monkeypatch):
    """The statement, its lines and its audit are one transaction: a failure at its last write (the
    audit entry) leaves no statement and no line, and the same file imports afterwards."""
    lefevre, _ = dossiers
    path = write(tmp_path, "j.xml", [credit("B1", "150.00", f"DOSSIER {lefevre.reference}")])

    def broken(*args, **kwargs):
        raise OSError("disque plein")

    with monkeypatch.context() as patch:
        patch.setattr(bank.audit, "record", broken)
        with pytest.raises(OSError):
            bank.import_statement(actor, path, today=TODAY)
    assert BankStatement.select().count() == 0 and BankLine.select().count() == 0
    assert bank.import_statement(actor, path, record_sure=True, today=TODAY).recorded == 1


def test_two_overlapping_cfonb_statements_store_the_shared_movement_once(actor, dossiers, tmp_path):
    """CFONB gives no bank reference: the movement is known again by its account, date, amount, number and
    texts."""
    from tests.rules.test_bank_formats import cfonb, record

    lefevre, martin = dossiers
    monday = record("04", amount="0000000001500{", label=f"VIR {lefevre.reference}", number="0000001")
    tuesday = record("04", amount="0000000000800{", label=f"VIR {martin.reference}", number="0000002")
    first = tmp_path / "lundi.cfonb"
    first.write_bytes(cfonb(record("01"), monday, record("07", amount="0000000001500{")))
    both = tmp_path / "lundi-mardi.cfonb"
    both.write_bytes(cfonb(record("01"), monday, tuesday, record("07", amount="0000000002300{")))
    assert bank.import_statement(actor, first, record_sure=True, today=TODAY).recorded == 1
    summary = bank.import_statement(actor, both, record_sure=True, today=TODAY)
    assert (summary.stored, summary.already_known, summary.already_recorded, summary.recorded) == (1, 1, 1, 1)
    assert [p.amount for p in payments_of(lefevre.id)] == [D("150.00")]
    assert [p.amount for p in payments_of(martin.id)] == [D("80.00")]
