"""Rates the étude enters, the append-only ledger and the décompte built from a dossier."""

import json
from datetime import date
from decimal import Decimal as D

import pytest
from peewee import IntegrityError

from clerc_tui.errors import AccessDenied, InvalidInput, MissingRate
from clerc_tui.models import AuditEntry, Dossier, EtudeRate, LedgerEntry, TimelineEvent, User
from clerc_tui.models.db import database
from clerc_tui.report.statement import export_statement
from clerc_tui.services.balances import balance_at
from clerc_tui.services.billing import record_charge
from clerc_tui.services.context import Actor
from clerc_tui.services.dossier_input import CreditorInput
from clerc_tui.services.dossiers import create_dossier
from clerc_tui.services.payments import record_payment, reverse_entry
from clerc_tui.services.rates import add_etude_rate, current_rates, list_rates
from clerc_tui.services.statement import dossier_statement
from tests.conftest import TODAY, make_input

PROVISIONAL = "provisoire — à vérifier (taux du 2e semestre 2026 non relevé)"


def example_dossier(actor, on=TODAY, **overrides):
    """docs/law/statement.md §6: 3 000 € awarded 10/03/2025 to a private creditor, judgment
    enforceable (signified) 24/03/2025, so majoration from 25/05/2025. Created `on` that day."""
    values = dict(
        new_creditor=CreditorInput(
            kind="physique", is_individual=True, activity="particulier", name="Bernard", first_name="Jean"
        ),
        title_kind="jugement",
        title_date=date(2025, 3, 10),
        title_signified_on=date(2025, 3, 24),
        title_enforceable_on=date(2025, 3, 24),
        interest_from=date(2025, 3, 10),
        claims={"principal": D("3000")},
    )
    values.update(overrides)
    return create_dossier(actor, make_input(**values), on)


def add_legal_semester(actor, valid_from: str, valid_to: str, value: str) -> None:
    """The étude's own (provisional) legal rate of a semester, both categories at `value`."""
    for category in ("particulier", "autres"):
        add_etude_rate(
            actor,
            table="legal",
            category=category,
            valid_from=valid_from,
            valid_to=valid_to,
            value=value,
            source=PROVISIONAL,
        )


def add_2026_s2(actor, value="6.50"):
    add_legal_semester(actor, "01/07/2026", "31/12/2026", value)


# --- statement from the models ------------------------------------------------------


def test_example_3_from_the_models(actor):
    dossier = example_dossier(actor)
    s = dossier_statement(dossier.id, date(2025, 9, 15))
    assert [line.amount for line in s.interest_lines] == [D("45.04"), D("37.13"), D("72.77")]
    assert s.interest_lines[1].rate == D("12.21") and s.terms.category == "particulier"
    assert s.total_due == D("3154.94") and s.reference == dossier.reference


def test_example_4_from_the_models_with_the_ledger(actor):
    dossier = example_dossier(actor)
    record_charge(
        actor,
        dossier.id,
        kind="fee",
        on=date(2025, 3, 24),
        amount=D("150"),
        label="Signification du jugement",
        today=TODAY,
    )
    record_payment(actor, dossier.id, on=date(2025, 6, 30), amount="1 000,00", mode="virement", today=TODAY)
    s = dossier_statement(dossier.id, date(2025, 9, 15))
    a = s.payments[0].allocation
    assert (a.frais, a.interets, a.principal) == (D("150.00"), D("81.17"), D("768.83"))
    assert s.principal_due == D("2231.17") and s.total_due == D("2286.04")


def test_no_majoration_on_a_notarial_deed_and_autres_for_a_company(actor):
    dossier = example_dossier(actor, title_kind="acte_notarie", new_creditor=None)
    s = dossier_statement(dossier.id, date(2025, 6, 30))
    assert s.terms.category == "autres" and not s.terms.majorated
    assert {line.rate for line in s.interest_lines} == {D("3.71")}


def test_the_etude_convention_is_used(actor):
    from clerc_tui.models import Etude

    Etude.create(name="Étude", day_count="inclusive_both", rounding="per_line")
    dossier = example_dossier(actor)
    s = dossier_statement(dossier.id, date(2025, 9, 15))
    assert s.convention.day_count == "inclusive_both"
    assert sum(line.days for line in s.interest_lines) == 190


def test_a_missing_semester_stops_the_statement_naming_it(actor):
    dossier = example_dossier(actor)
    with pytest.raises(MissingRate, match="2e semestre 2026"):
        dossier_statement(dossier.id, TODAY)


def test_no_start_date_for_interest_is_refused_not_guessed(actor):
    dossier = example_dossier(actor, interest_from=None, title_date=None)
    with pytest.raises(InvalidInput, match="point de départ des intérêts"):
        dossier_statement(dossier.id, date(2025, 9, 15))


# --- étude rates --------------------------------------------------------------------


def test_an_etude_rate_is_added_audited_used_and_marked(actor):
    dossier = example_dossier(actor)
    add_2026_s2(actor)
    row = EtudeRate.get(EtudeRate.category == "particulier")
    assert (row.value, row.entered_by, row.source) == (D("6.50"), actor.login, PROVISIONAL)
    audit = AuditEntry.get(AuditEntry.action == "etude_rate.create", AuditEntry.row_id == str(row.id))
    assert json.loads(audit.after)["value"] == "6.50"
    s = dossier_statement(dossier.id, TODAY)
    s2 = [line for line in s.interest_lines if line.start >= date(2026, 7, 1)]
    assert s2 and all(line.from_etude and line.rate == D("11.50") for line in s2)
    assert all("saisi par l'étude" in line.basis for line in s2)
    assert not any(line.from_etude for line in s.interest_lines if line.start < date(2026, 7, 1))
    assert s.uses_etude_rates
    from clerc_tui.report.statement import statement_text

    assert "taux saisi par l'étude" in statement_text(s)
    assert any(r.from_etude for r in list_rates("legal"))


def test_an_etude_rate_over_a_shipped_row_is_refused_and_nothing_written(actor):
    with pytest.raises(InvalidInput, match="ne peut pas être remplacé"):
        add_etude_rate(
            actor,
            table="legal",
            category="particulier",
            valid_from="2026-01-01",
            valid_to="2026-06-30",
            value="7",
            source="erreur",
        )
    with pytest.raises(InvalidInput, match="ne peut pas être remplacé"):
        add_etude_rate(
            actor, table="ecb", valid_from="2026-02-01", valid_to="2026-12-31", value="2.15", source="erreur"
        )
    assert (
        EtudeRate.select().count() == 0
        and AuditEntry.select().where(AuditEntry.table_name == "etude_rate").count() == 0
    )


def test_etude_rates_overlap_gap_source_and_read_only(actor):
    add_2026_s2(actor)
    with pytest.raises(InvalidInput, match="Chevauchement"):
        add_2026_s2(actor, value="6.60")
    with pytest.raises(InvalidInput, match="Trou"):
        add_etude_rate(
            actor,
            table="legal",
            category="autres",
            valid_from="2027-07-01",
            valid_to="2027-12-31",
            value="2",
            source="x",
        )
    with pytest.raises(InvalidInput, match="source"):
        add_etude_rate(
            actor,
            table="legal",
            category="autres",
            valid_from="2027-01-01",
            valid_to="2027-06-30",
            value="2",
            source=" ",
        )
    reader = User.create(login="lecteur", name="Lecteur", role="lecture")
    with pytest.raises(AccessDenied):
        add_etude_rate(
            Actor(reader.id, "lecteur", "Lecteur", "lecture"),
            table="ecb",
            valid_from="2026-02-06",
            valid_to="2026-12-31",
            value="2.15",
            source="x",
        )
    add_etude_rate(actor, table="ecb", valid_from="2026-02-06", valid_to="2026-12-31", value="2.15", source="BCE")
    assert current_rates().ecb_rate(date(2026, 7, 1)).from_etude


# --- the ledger -----------------------------------------------------------------------


def test_ledger_entries_are_validated(actor):
    dossier = example_dossier(actor)
    for bad, message in (
        (D("0"), "supérieur à zéro"),
        (D("-5"), "supérieur à zéro"),
        (D("1.234"), "deux décimales"),
        ("abc", "n'est pas un montant"),
        (1.5, "invalide"),
    ):
        with pytest.raises(InvalidInput, match=message):
            record_payment(actor, dossier.id, on=date(2025, 6, 30), amount=bad, today=TODAY)
    with pytest.raises(InvalidInput, match="futur"):
        record_payment(actor, dossier.id, on=date(2026, 11, 27), amount=D("10"), today=TODAY)
    with pytest.raises(InvalidInput, match="Mode de paiement"):
        record_payment(actor, dossier.id, on=TODAY, amount=D("10"), mode="bitcoin", today=TODAY)
    with pytest.raises(InvalidInput, match="Libellé"):
        record_charge(actor, dossier.id, kind="fee", on=TODAY, amount=D("10"), label="", today=TODAY)
    assert LedgerEntry.select().count() == 0


def test_the_ledger_is_append_only_in_the_database(actor):
    dossier = example_dossier(actor)
    entry = record_payment(actor, dossier.id, on=date(2025, 6, 30), amount=D("100"), today=TODAY)
    for sql in ("UPDATE ledger_entry SET amount = 1", "DELETE FROM ledger_entry"):
        with pytest.raises(IntegrityError, match="append-only"), database.atomic():
            database.execute_sql(sql)
    assert LedgerEntry.get_by_id(entry.id).amount == D("100.00")


def test_a_reversal_needs_a_reason_happens_once_and_is_not_reversed(actor):
    dossier = example_dossier(actor)
    payment = record_payment(actor, dossier.id, on=date(2025, 6, 30), amount=D("100"), mode="cheque", today=TODAY)
    with pytest.raises(InvalidInput, match="motif"):
        reverse_entry(actor, payment.id, " ", date(2025, 7, 10), today=TODAY)
    with pytest.raises(InvalidInput, match="précéder"):
        reverse_entry(actor, payment.id, "chèque rejeté", date(2025, 6, 1), today=TODAY)
    reversal = reverse_entry(actor, payment.id, "chèque rejeté", date(2025, 7, 10), today=TODAY)
    assert (reversal.kind, reversal.amount, reversal.reverses_id) == ("reversal", D("100.00"), payment.id)
    with pytest.raises(InvalidInput, match="déjà été annulée"):
        reverse_entry(actor, payment.id, "encore", date(2025, 7, 11), today=TODAY)
    with pytest.raises(InvalidInput, match="ne s'annule pas"):
        reverse_entry(actor, reversal.id, "oups", date(2025, 7, 11), today=TODAY)
    actions = [a.action for a in AuditEntry.select().where(AuditEntry.table_name == "ledger_entry")]
    assert actions == ["ledger.payment", "ledger.reversal"]
    assert TimelineEvent.select().where(TimelineEvent.kind == "ledger_reversal").count() == 1


def test_a_reversed_fee_leaves_the_statement_as_if_never_booked(actor):
    twin = example_dossier(actor)
    dossier = example_dossier(actor)
    for d in (twin, dossier):
        record_payment(actor, d.id, on=date(2025, 6, 30), amount=D("1000"), today=TODAY)
    fee = record_charge(
        actor, dossier.id, kind="fee", on=date(2025, 3, 24), amount=D("150"), label="Erreur", today=TODAY
    )
    at = date(2025, 9, 15)
    assert dossier_statement(dossier.id, at).total_due != dossier_statement(twin.id, at).total_due
    reverse_entry(actor, fee.id, "saisie en double", date(2025, 8, 1), today=TODAY)
    assert dossier_statement(dossier.id, at).total_due == dossier_statement(twin.id, at).total_due
    # Arrêté before the reversal, the fee still shows.
    assert dossier_statement(dossier.id, date(2025, 7, 31)).frais_charged == D("150.00")


def test_a_rejected_cheque_restores_what_it_had_settled(actor):
    twin = example_dossier(actor)
    dossier = example_dossier(actor)
    cheque = record_payment(actor, dossier.id, on=date(2025, 6, 30), amount=D("1000"), mode="cheque", today=TODAY)
    reverse_entry(actor, cheque.id, "chèque rejeté (sans provision)", date(2025, 7, 10), today=TODAY)
    at = date(2025, 9, 15)
    after, without = dossier_statement(dossier.id, at), dossier_statement(twin.id, at)
    assert after.paid == 0 and after.principal_due == without.principal_due == D("3000.00")
    # Same interest owed as if the cheque never came; lines cut differently, so at most a cent per cut.
    assert abs(after.total_due - without.total_due) <= D("0.02")


def test_the_balance_is_the_statement_total_or_claims_minus_payments(actor):
    dossier = example_dossier(actor)
    record_charge(actor, dossier.id, kind="fee", on=date(2025, 3, 24), amount=D("150"), label="Acte", today=TODAY)
    record_payment(actor, dossier.id, on=date(2025, 6, 30), amount=D("1000"), today=TODAY)
    # 2026 S2 unknown: no décompte to today, the balance is claims + frais − payments.
    assert Dossier.get_by_id(dossier.id).balance == D("2150.00")
    assert balance_at(dossier.id, TODAY) == (D("2150.00"), False)
    add_2026_s2(actor)
    record_payment(actor, dossier.id, on=date(2026, 10, 1), amount=D("200"), today=TODAY)
    # With the 2026 S2 rate (6,50 + 5 points majoration = 11,50 %) the balance is the décompte to
    # 26/11/2026, on 3 000 € then 2 231,17 (docs/law/statement.md § 6 for the lines up to 30/06/2025):
    #   interest  45,04 (7,21 %, 76 d) + 36,13 (12,21 %, 36 d)                      =  81,17
    #           + 0,75 (12,21 %, 1 d) + 131,03 (11,65 %, 184 d) + 129,12 (11,67 %, 181 d)
    #           + 104,04 (11,50 %, 148 d) on 2 231,17                              = 364,94
    #   30/06/2025: 1 000 = frais 150 + interest 81,17 + principal 768,83 → principal 2 231,17
    #   01/10/2026:   200 = interest 200 (interest first)        → interest left 364,94 − 200 = 164,94
    #   balance = 2 231,17 + 164,94 = 2 396,11
    assert Dossier.get_by_id(dossier.id).balance == D("2396.11")
    assert balance_at(dossier.id, TODAY) == (D("2396.11"), True)


def test_export_writes_text_html_and_json(actor, tmp_path):
    dossier = example_dossier(actor)
    export = export_statement(dossier_statement(dossier.id, date(2025, 9, 15)))
    assert export.folder.name == "exports" and "data" in str(export.folder)
    names = sorted(p.name for p in export.files)
    assert names == [f"decompte-{dossier.reference}-2025-09-15.{ext}" for ext in ("html", "json", "txt")]
    assert json.loads(export.files[2].read_text(encoding="utf-8"))["totals"]["total_due"] == "3154.94"


def test_balances_follow_the_interest_of_each_day(actor, sample_dossier):
    from datetime import date
    from decimal import Decimal

    from clerc_tui.models import Dossier
    from clerc_tui.services.balances import refresh_balances
    from clerc_tui.services.dossier_input import CreditorInput
    from clerc_tui.services.dossiers import create_dossier
    from clerc_tui.services.statement import dossier_statement
    from tests.conftest import make_input

    judged = create_dossier(
        actor,
        make_input(
            new_creditor=CreditorInput(kind="physique", is_individual=True, activity="particulier", name="Martin"),
            claims={"principal": Decimal("3000.00")},
            interest_from=date(2025, 3, 10),
            title_kind="jugement",
            title_date=date(2025, 3, 10),
            title_enforceable_on=date(2025, 3, 24),
        ),
        date(2025, 3, 24),
    )
    assert refresh_balances(date(2025, 9, 15)) == 2
    assert Dossier.get_by_id(judged.id).balance == Decimal("3154.94")  # docs/law/statement.md §6
    assert dossier_statement(judged.id, date(2025, 9, 15)).total_due == Decimal("3154.94")


# --- issue 9 items 3–6: day basis, capitalisation with a rejected cheque, art. 2224 -----------------


def contractual_dossier(actor, **overrides):
    values = dict(
        title_kind="jugement",
        title_date=date(2024, 1, 1),
        interest_kind="contractual",
        contractual_rate=D("5"),
        interest_from=date(2024, 1, 1),
        claims={"principal": D("10000")},
    )
    values.update(overrides)
    return create_dossier(actor, make_input(**values), TODAY)


def test_contractual_interest_follows_the_dossier_day_basis(actor):
    # Civil year by default: 10 000 × 5 × 366 / 36 600 = 500.00 over 2024.
    dossier = contractual_dossier(actor)
    assert Dossier.get_by_id(dossier.id).contractual_day_basis == "civil"
    s = dossier_statement(dossier.id, date(2025, 1, 1))
    assert s.interest_due == D("500.00") and s.terms.day_basis == "civil"
    # A contract that writes 365 days: 10 000 × 5 × 366 / 36 500 = 501.3699 → 501.37.
    other = contractual_dossier(actor, contractual_day_basis="365")
    assert dossier_statement(other.id, date(2025, 1, 1)).interest_due == D("501.37")


def test_a_rejected_cheque_across_an_anniversary_through_the_ledger(actor):
    # Same figures as tests/rules/test_statement.py (the 45,85 € case): 11 417.71 € due on 01/01/2026.
    dossier = example_dossier(
        actor,
        title_date=date(2024, 3, 1),
        title_signified_on=None,
        title_enforceable_on=None,
        interest_from=date(2024, 3, 1),
        claims={"principal": D("10000")},
    )
    Dossier.update(capitalisation_from=date(2024, 3, 1)).where(Dossier.id == dossier.id).execute()
    cheque = record_payment(actor, dossier.id, on=date(2025, 2, 1), amount=D("11000"), mode="cheque", today=TODAY)
    reverse_entry(actor, cheque.id, "chèque impayé", date(2025, 4, 1), today=TODAY)
    s = dossier_statement(dossier.id, date(2026, 1, 1))
    assert [(c.on, c.amount) for c in s.capitalisations] == [(date(2025, 3, 1), D("795.63"))]
    assert s.total_due == D("11417.71") and s.credit == 0
    assert s.payments[0].reversed_on == date(2025, 4, 1)


def test_the_2224_warning_from_the_title_date(actor):
    # 3.65 % over 365 on 10 000 = 1.00 € a day; judgment 01/01/2020, arrêté 01/03/2026: 425 days older than
    # five years (01/01/2020 → 01/03/2021).
    dossier = contractual_dossier(
        actor,
        title_date=date(2020, 1, 1),
        interest_from=date(2020, 1, 1),
        contractual_rate=D("3.65"),
        contractual_day_basis="365",
    )
    s = dossier_statement(dossier.id, date(2026, 3, 1))
    assert len(s.warnings) == 1 and "425,00" in s.warnings[0] and "2224" in s.warnings[0]
    # No title kind: no post-judgment interest, no warning.
    amiable = contractual_dossier(actor, title_kind="", title_date=date(2020, 1, 1), interest_from=date(2020, 1, 1))
    assert dossier_statement(amiable.id, date(2026, 3, 1)).warnings == ()
