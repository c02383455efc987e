"""The creditor report and the statistics (issue 16, items 4 and 5): figures against a base
built here, whose expected values are worked out by hand in the comments (never with the
functions under test); period boundaries; the CSV; hostile names."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.models import Deadline, Dossier
from clerc_tui.report.blocks import BarChart
from clerc_tui.report.creditor import BOM, creditor_document, report_csv
from clerc_tui.services import balances, billing, payments, remittances, statistics
from clerc_tui.services.creditor_report import creditor_report, find_creditor
from clerc_tui.services.dossier_input import CreditorInput, DebtorInput
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input

START, END = date(2026, 11, 10), date(2026, 11, 25)
HOSTILE = '=HYPERLINK("http://x") [red]Durand[/]'  # control characters are refused at entry


def _pay(actor, dossier_id, amount, on):
    return payments.record_payment(actor, dossier_id, on=on, amount=amount, mode="virement", today=TODAY)


def _dossier(actor, creditor_name, debtor_last="Lefèvre"):
    creditor = CreditorInput(kind="morale", is_individual=False, activity="bailleur", name=creditor_name, iban="")
    debtor = DebtorInput(
        kind="physique",
        civility="Madame",
        last_name=debtor_last,
        first_name="Hélène",
        street="1 rue X",
        postcode="69002",
        city="Lyon",
    )
    return create_dossier(actor, make_input(new_creditor=creditor, debtor=debtor), TODAY)


def _open(dossier_id, on):
    """Opened on `on` (the demo's dossiers are older than today): the report keeps those
    opened by the period's end."""
    Dossier.update(opened_on=on).where(Dossier.id == dossier_id).execute()


def test_report_figures_against_the_ledger_and_period_bounds(actor):
    a = _dossier(actor, "Bailleur Alpha")
    _open(a.id, date(2026, 10, 1))
    other = _dossier(actor, "Bailleur Autre")
    _open(other.id, date(2026, 10, 1))
    # Signification billed to the debtor on 02/11: 42,23 € (tests/services/test_remittances_fec.py works it out).
    billing.bill_act(actor, a.id, "signification_jugement", date(2026, 11, 2), today=TODAY)
    billing.record_charge(
        actor, a.id, kind="disbursement", on=date(2026, 11, 12), amount="15", label="Frais postaux", today=TODAY
    )
    _pay(actor, a.id, "100", date(2026, 11, 9))  # the day before the period: in « cumul », not in « période »
    _pay(actor, a.id, "200", END)  # the period's last day: in
    rejected = _pay(actor, a.id, "50", date(2026, 11, 15))
    payments.reverse_entry(actor, rejected.id, "chèque rejeté", date(2026, 11, 16), today=TODAY)  # nets to 0
    _pay(actor, a.id, "30", TODAY)  # after the period: out
    remittances.record_remittance(actor, a.id, on=date(2026, 11, 20), amount="50", today=TODAY)
    _pay(actor, other.id, "999", date(2026, 11, 12))  # another creditor's: never in this report
    Deadline.create(dossier=a.id, due_date=date(2026, 12, 3), label="Relancer le débiteur", created_at=datetime.now())
    Deadline.create(dossier=a.id, due_date=date(2026, 12, 9), label="Plus tard", created_at=datetime.now())

    creditor_id, name = find_creditor("bailleur alp")
    report = creditor_report(creditor_id, START, END, TODAY)
    assert name == "Bailleur Alpha" and [x.reference for x in report.lines] == [a.reference]
    [x] = report.lines
    # Paid: 100 before; 200 + 50 − 50 in the period; 30 after the end.
    assert (x.paid_period, x.paid_total) == (D("200.00"), D("300.00"))
    # Frais borne by the debtor at the end: 42,23 (act) + 15 (débours) = 57,23; the étude keeps them first.
    assert (x.act_fees, x.disbursements, x.a444_31, x.creditor_charged) == (D("42.23"), D("15.00"), 0, 0)
    # Collected for the creditor: before the period 100 − 42,23 = 57,77; at the end 300 − 57,23 = 242,77.
    assert (x.collected_period, x.collected_total) == (D("185.00"), D("242.77"))
    assert (x.remitted_period, x.remitted_total, x.due) == (D("50.00"), D("50.00"), D("192.77"))
    assert (x.balance, x.with_interest) == balances.balance_at(a.id, END)
    assert (x.next_due, x.next_step) == (date(2026, 12, 3), "Relancer le débiteur")
    assert report.totals.collected_period == D("185.00") and report.totals.due == D("192.77")
    # The month chart: November's payments net of the reversal, to the end of the period (30 € after it: out).
    assert report.months[-1].month == date(2026, 11, 1) and report.months[-1].collected == D("300.00")
    assert len(report.months) == 24 and report.months[0].month == date(2024, 12, 1)
    # A day later the 26/11 payment is in.
    later = creditor_report(creditor_id, START, TODAY, TODAY)
    assert later.lines[0].paid_period == D("230.00")


def test_period_refusals_and_unknown_creditor(actor):
    _dossier(actor, "Bailleur Alpha")
    with pytest.raises(InvalidInput, match="précède"):
        creditor_report(1, END, START, TODAY)
    with pytest.raises(InvalidInput, match="après aujourd'hui"):
        creditor_report(1, START, TODAY + timedelta(days=1), TODAY)
    with pytest.raises(InvalidInput, match="Aucun créancier"):
        find_creditor("Zzz")


def test_empty_report_says_no_collection(actor):
    a = _dossier(actor, "Bailleur Vide")
    report = creditor_report(a.creditor_id, START, END, TODAY)
    [months] = [b for b in creditor_document(report).blocks if isinstance(b, BarChart) and "par mois" in b.title]
    assert not months.has_data and months.empty == "Aucun encaissement sur la période"
    assert report.totals.paid_period == 0


def test_csv_is_semicolon_french_bom_and_formula_safe(actor):
    a = _dossier(actor, HOSTILE, debtor_last="=1+1")
    _open(a.id, date(2026, 10, 1))
    _pay(actor, a.id, "1234.5", END)
    report = creditor_report(a.creditor_id, START, END, TODAY)
    text = report_csv(report)
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:4] == ["Dossier", "Débiteur", "Phase", "Versé période"]
    assert rows[1][0] == a.reference and rows[1][1].startswith("'")  # « =1+1 » stays text
    assert rows[1][3] == "1234,50" and rows[-1][0] == "Total" and rows[-1][3] == "1234,50"
    assert creditor_document(report).title == f"Rapport au créancier {HOSTILE}"  # kept as text, never markup


def test_statistics_figures(actor):
    a = _dossier(actor, "Bailleur Alpha")
    _open(a.id, date(2026, 10, 1))
    _pay(actor, a.id, "100", date(2026, 10, 31))
    _pay(actor, a.id, "40", date(2026, 11, 1))
    rejected = _pay(actor, a.id, "10", date(2026, 11, 2))
    payments.reverse_entry(actor, rejected.id, "chèque rejeté", date(2026, 11, 3), today=TODAY)
    months = statistics.collections_by_month(TODAY)
    assert len(months) == 24 and months[-1].month == date(2026, 11, 1)
    assert (months[-2].collected, months[-1].collected) == (D("100.00"), D("40.00"))
    [row] = statistics.recovery_by_creditor()
    # Placed: the principal 1 234,56; collected for the creditor: 140 (no frais billed).
    assert (row.placed, row.collected, row.rate) == (D("1234.56"), D("140.00"), D("11.34"))
    Deadline.create(dossier=a.id, due_date=TODAY - timedelta(days=3), label="Retard", created_at=datetime.now())
    Deadline.create(
        dossier=a.id,
        due_date=TODAY - timedelta(days=2),
        label="Possible",
        kind="earliest_day",
        created_at=datetime.now(),
    )
    Deadline.create(dossier=a.id, due_date=TODAY, label="S1", created_at=datetime.now())
    Deadline.create(dossier=a.id, due_date=TODAY + timedelta(days=7), label="S2", created_at=datetime.now())
    Deadline.create(dossier=a.id, due_date=TODAY + timedelta(days=56), label="Hors", created_at=datetime.now())
    load = statistics.deadline_load(TODAY)
    [clerc] = load.clercs
    assert clerc.clerc == statistics.UNASSIGNED and clerc.overdue == 1
    assert clerc.weeks == (1, 1, 0, 0, 0, 0, 0, 0)
