"""The décompte as the app calls it reads the étude's rate rows once per call but validates the
rate tables once per content of those rows (issue 12), and reads the ledger as plain tuples:
not one cent may move for that."""

import json
from datetime import date
from decimal import Decimal as D

import pytest

import clerc_tui.rules.rates as rules_rates
from clerc_tui.models import ClaimItem, Dossier, EtudeRate, LedgerEntry
from clerc_tui.rules.interest import Convention
from clerc_tui.rules.ledger import CREDITOR, DISBURSEMENT, FEE, PAYMENT, REVERSAL
from clerc_tui.rules.rates import Rates
from clerc_tui.rules.statement import Charge, Payment, Reversal
from clerc_tui.services import rates as service
from clerc_tui.services.payments import record_payment
from clerc_tui.services.rates import current_rates, etude_rows
from clerc_tui.services.statement import dossier_statement, forget_previous_statements, ledger_inputs
from tests.conftest import TODAY
from tests.services.test_ledger_statement import add_2026_s2, add_legal_semester, example_dossier

# Shares the demo_money module's demo template (built once per worker).
pytestmark = pytest.mark.xdist_group("demo_money")


@pytest.fixture
def validations(monkeypatch):
    """How many times a rate table was validated (rules.rates.validation_problems ran)."""
    service._validated_rates.cache_clear()
    calls = []
    real = rules_rates.validation_problems

    def counting(table, rows):
        calls.append(table)
        return real(table, rows)

    monkeypatch.setattr(rules_rates, "validation_problems", counting)
    yield calls
    service._validated_rates.cache_clear()


def fresh_rates() -> Rates:
    """The tables validated anew from the stored rows, as every call did before issue 12."""
    legal, ecb = etude_rows()
    return Rates.shipped().with_etude_rows(legal=legal, ecb=ecb) if legal or ecb else Rates.shipped()


def test_the_tables_are_validated_once_for_many_decomptes(actor, validations):
    dossier = example_dossier(actor)
    add_2026_s2(actor)
    validations.clear()  # add_etude_rate validates the table with the new row: that is its job
    statements = [dossier_statement(dossier.id, TODAY) for _ in range(10)]
    assert validations == ["legal"]  # the legal table (the one with étude rows), once for ten calls
    assert all(s == statements[0] for s in statements)
    assert statements[0].interest_lines[-1].from_etude  # the étude's 2026 S2 row is in use


def test_a_new_row_in_the_etude_table_is_validated_and_used(actor, validations):
    dossier = example_dossier(actor)
    add_2026_s2(actor)
    before = dossier_statement(dossier.id, TODAY)
    with pytest.raises(Exception, match="1er semestre 2027"):
        dossier_statement(dossier.id, date(2027, 2, 1))
    validations.clear()
    add_legal_semester(actor, "01/01/2027", "30/06/2027", "7.00")
    validations.clear()
    later = dossier_statement(dossier.id, date(2027, 2, 1))  # the new row: no MissingRate
    assert validations == ["legal"]
    assert later.interest_lines[-1].rate == D("12.00")  # 7 % + 5 points of majoration
    assert dossier_statement(dossier.id, TODAY) == before
    assert validations == ["legal"]


def test_a_row_changed_in_the_base_is_a_new_table(actor, validations):
    """Not only a new row: a value corrected in the base (by hand, by a restore) is read."""
    dossier = example_dossier(actor)
    add_2026_s2(actor, value="6.50")
    assert current_rates().legal_rate(TODAY, "particulier").value == D("6.50")
    EtudeRate.update(value="6.60").where(EtudeRate.category == "particulier").execute()
    assert current_rates().legal_rate(TODAY, "particulier").value == D("6.60")
    assert dossier_statement(dossier.id, TODAY) == dossier_statement(dossier.id, TODAY, rates=fresh_rates())


def test_a_bad_stored_row_is_refused_every_time_not_cached(actor, validations):
    add_2026_s2(actor)
    EtudeRate.update(valid_from=date(2026, 6, 1)).where(EtudeRate.category == "autres").execute()  # overlaps S1
    for _ in range(2):
        with pytest.raises(Exception, match="recouvre le taux publié"):
            current_rates()


def model_ledger_inputs(dossier_id: int, at: date):
    """The ledger read through Peewee models, as before issue 12 (the reference)."""
    entries = list(
        LedgerEntry.select().where(LedgerEntry.dossier == dossier_id).order_by(LedgerEntry.entry_date, LedgerEntry.id)
    )
    by_id = {e.id: e for e in entries}
    cancelled = {e.reverses_id for e in entries if e.kind == REVERSAL and e.entry_date <= at}
    charges, payments, reversals = [], [], []
    for e in entries:
        if e.kind in (FEE, DISBURSEMENT) and e.id not in cancelled and e.bearer != CREDITOR:
            fee = e.kind == FEE and bool(e.breakdown) and bool(json.loads(e.breakdown).get("recovery_fee"))
            charges.append(Charge(e.entry_date, e.amount, e.label or "Frais", e.kind, after_payments=fee))
        elif e.kind == PAYMENT:
            label = e.label or ("Paiement" + (f" ({e.mode})" if e.mode else ""))
            payments.append(Payment(e.entry_date, e.amount, ref=str(e.id), label=label))
        elif e.kind == REVERSAL and e.reverses_id is not None and by_id[e.reverses_id].kind == PAYMENT:
            reversals.append(Reversal(e.entry_date, str(e.reverses_id), e.reason))
    return tuple(charges), tuple(payments), tuple(reversals)


def test_demo_decomptes_are_the_same_to_the_cent_cached_or_fresh(demo_base):
    demo_base(dossiers=400, seed=3, today=TODAY)
    with_ledger = sorted({e.dossier_id for e in LedgerEntry.select(LedgerEntry.dossier)})
    assert len(with_ledger) > 10
    service._validated_rates.cache_clear()
    compared = 0
    for dossier_id in with_ledger + list(range(1, 41)):
        for at in (TODAY, date(2025, 12, 31)):
            assert ledger_inputs(dossier_id, at) == model_ledger_inputs(dossier_id, at)
            try:
                cached = dossier_statement(dossier_id, at)
            except Exception as error:  # a dossier without claims, a date before its start…
                with pytest.raises(type(error)):
                    dossier_statement(dossier_id, at, rates=fresh_rates())
                continue
            assert cached == dossier_statement(dossier_id, at, rates=fresh_rates())
            compared += 1
    assert compared > 40
    assert service._validated_rates.cache_info().misses == 1  # one validation for them all


def test_the_decompte_writes_its_sql_once_and_runs_one_query_per_table(actor, monkeypatch):
    """Peewee wrote the SQL of the décompte's five queries again on every call (a fifth of its
    time in the app): they are written once per database (services/plain.py `Prepared`)."""
    import peewee

    from clerc_tui.models.db import database

    dossier = example_dossier(actor)
    add_2026_s2(actor)
    first = dossier_statement(dossier.id, TODAY)
    written, run = [], []
    parse, execute_sql = peewee.Context.parse, database.obj.execute_sql

    def counting_parse(self, node):
        written.append(node)
        return parse(self, node)

    def counting_execute(sql, params=None, *args, **kwargs):
        run.append(sql.split(" FROM ", 1)[1].split()[0])
        return execute_sql(sql, params, *args, **kwargs)

    monkeypatch.setattr(peewee.Context, "parse", counting_parse)
    monkeypatch.setattr(database.obj, "execute_sql", counting_execute)
    assert [dossier_statement(dossier.id, TODAY) for _ in range(3)] == [first] * 3
    assert written == []
    assert sorted(run) == sorted(['"dossier"', '"claim_item"', '"ledger_entry"', '"etude_rate"', '"etude"'] * 3)


def test_prepared_gives_what_the_query_gives_once_written_per_dialect_on_the_open_base(actor, tmp_path, migrated_base):
    """The SQL is written once per dialect (a test opens a new base each time; the app one base
    per process) and runs on the base open now; a base of another dialect gets its own SQL."""
    from peewee import SqliteDatabase

    from clerc_tui.models import Dossier
    from clerc_tui.models.db import SQLITE_PRAGMAS, close_database, database, is_sqlite
    from clerc_tui.services.plain import Prepared, dialect
    from tests.conftest import fresh_base

    dossier = example_dossier(actor)
    built = []

    def build(dossier_id):
        built.append(dossier_id)
        return Dossier.select(Dossier.id, Dossier.reference).where(Dossier.id == dossier_id).tuples()

    prepared = Prepared(build)
    assert prepared.rows(dossier.id) == [(dossier.id, dossier.reference)] == list(build(dossier.id))
    assert prepared.rows(dossier.id + 1000) == []
    assert len(built) == 2  # once for the SQL, once for the comparison above: not per call
    first = database.obj
    fresh_base(migrated_base, tmp_path / "other.db")  # opened: the models now use it
    assert database.obj is not first and dialect(database.obj) == dialect(first)
    assert prepared.rows(dossier.id) == []  # the same SQL, run on the other base
    assert len(built) == 2
    if not is_sqlite():
        return

    class Backquoted(SqliteDatabase):  # SQLite reads `name` as a quoted identifier too
        quote = "``"

    close_database()
    backquoted = Backquoted(first.database, pragmas=SQLITE_PRAGMAS)  # the first base again
    database.initialize(backquoted)
    assert dialect(backquoted) != dialect(first)
    assert prepared.rows(dossier.id) == [(dossier.id, dossier.reference)]
    assert len(built) == 3 and "`dossier`" in prepared._for[2]  # type: ignore[index]  # its own SQL
    close_database()
    database.initialize(SqliteDatabase(first.database, pragmas=SQLITE_PRAGMAS))
    assert prepared.rows(dossier.id) == [(dossier.id, dossier.reference)]
    assert len(built) == 3 and '"dossier"' in prepared._for[2]  # type: ignore[index]  # SQLite's, kept


def test_the_same_inputs_give_the_previous_decompte_and_any_change_computes_it_again(actor):
    """dossier_statement keeps the last décompte of a few dossiers and returns it only when
    everything it reads is the same: the ledger, the dossier, its claims, the convention, the rates."""
    dossier = example_dossier(actor)
    add_2026_s2(actor)
    first = dossier_statement(dossier.id, TODAY)
    assert dossier_statement(dossier.id, TODAY) is first
    assert dossier_statement(dossier.id, date(2026, 11, 30)) is not first  # another arrêté date
    first = dossier_statement(dossier.id, TODAY)
    other = dossier_statement(dossier.id, TODAY, rates=fresh_rates())  # equal tables, another object
    assert other is not first and other == first
    assert dossier_statement(dossier.id, TODAY, convention=Convention(rounding="total")) is not first
    first = dossier_statement(dossier.id, TODAY)
    record_payment(actor, dossier.id, on=date(2026, 10, 1), amount=D("100.00"), mode="virement", today=TODAY)
    paid = dossier_statement(dossier.id, TODAY)
    assert len(paid.payments) == len(first.payments) + 1
    assert paid.total_due < first.total_due
    Dossier.update(majoration_points=D("2.5")).where(Dossier.id == dossier.id).execute()
    lower = dossier_statement(dossier.id, TODAY)
    assert lower.total_due < paid.total_due
    claim = ClaimItem.select().where(ClaimItem.dossier == dossier.id).order_by(ClaimItem.id).first()
    ClaimItem.update(amount=claim.amount + D("100.00")).where(ClaimItem.id == claim.id).execute()
    assert dossier_statement(dossier.id, TODAY).total_due > lower.total_due
    forget_previous_statements()
    assert dossier_statement(dossier.id, TODAY) == dossier_statement(dossier.id, TODAY, rates=fresh_rates())


def from_scratch(dossier_id: int, at: date = TODAY):
    """The décompte with nothing kept from a previous call (no décompte, no ledger row's event)."""
    forget_previous_statements(ledger_rows=True)
    return dossier_statement(dossier_id, at)


def test_the_ledger_rows_events_are_kept_and_a_new_row_or_a_reversal_is_read(actor):
    """Each ledger row's event is kept across calls (the ledger is append-only); a new payment,
    a new fee, the reversal of a payment or of a fee changes the décompte as from scratch."""
    from clerc_tui.services.billing import record_charge
    from clerc_tui.services.payments import reverse_entry

    dossier = example_dossier(actor)
    add_2026_s2(actor)
    paid = record_payment(actor, dossier.id, on=date(2025, 9, 1), amount=D("300.00"), mode="cheque", today=TODAY)
    first = from_scratch(dossier.id)
    forget_previous_statements()  # the décompte computed again, the rows' events kept
    again = dossier_statement(dossier.id, TODAY)
    assert again is not first and again == first
    assert again.payments[0].payment is first.payments[0].payment  # the kept event, not converted anew
    steps = [
        lambda: record_payment(
            actor, dossier.id, on=date(2026, 2, 1), amount=D("150.00"), mode="virement", today=TODAY
        ),
        lambda: record_charge(
            actor, dossier.id, kind="fee", on=date(2026, 3, 1), amount=D("48.37"), label="Acte", today=TODAY
        ),
        lambda: reverse_entry(actor, paid.id, "chèque rejeté", date(2025, 9, 20), today=TODAY),
    ]
    seen = [first]
    for step in steps:
        step()
        kept = dossier_statement(dossier.id, TODAY)
        assert kept not in seen  # the new row moved the décompte
        assert kept == from_scratch(dossier.id) == dossier_statement(dossier.id, TODAY, rates=fresh_rates())
        seen.append(kept)
    assert seen[-1].payments[0].reversed_on == date(2025, 9, 20)
    fee = LedgerEntry.get(LedgerEntry.dossier == dossier.id, LedgerEntry.kind == FEE)
    reverse_entry(actor, fee.id, "acte annulé", date(2026, 4, 1), today=TODAY)
    cancelled = dossier_statement(dossier.id, TODAY)
    assert cancelled.frais_charged < seen[-1].frais_charged
    assert cancelled == from_scratch(dossier.id)
    assert dossier_statement(dossier.id, date(2026, 3, 15)) == from_scratch(dossier.id, date(2026, 3, 15))


def test_the_ledger_rows_of_another_base_are_read_as_that_base_holds_them(actor, tmp_path, migrated_base):
    """The same dossier id, the same payment id and date in another base, another amount: the
    décompte is that base's."""
    from clerc_tui.services.context import identify
    from clerc_tui.services.users import add_user
    from tests.conftest import fresh_base, os_login

    def one_base(amount: str):
        dossier = example_dossier(identify())
        add_2026_s2(identify())
        record_payment(identify(), dossier.id, on=date(2025, 9, 1), amount=D(amount), mode="cheque", today=TODAY)
        return dossier.id, dossier_statement(dossier.id, TODAY)

    first_id, first = one_base("300.00")
    fresh_base(migrated_base, tmp_path / "other.db")
    add_user(os_login(), "Claire Martin", "commissaire")
    other_id, other = one_base("200.00")
    assert other_id == first_id
    assert other.payments[0].payment.ref == first.payments[0].payment.ref
    assert other.payments[0].payment.amount == D("200.00")
    assert other.total_due == first.total_due + D("100.00") + (other.interest_accrued - first.interest_accrued)
    assert other == from_scratch(other_id)


def test_the_dossier_and_claims_read_raw_are_what_the_models_hold(demo_base):
    """The décompte reads the dossier's and claims' columns raw and converts them as peewee
    does: the same input as from the models (balances.py still passes models), the same key."""
    from clerc_tui.services.statement import _claim_key, _dossier_and_claims, _dossier_key, statement_input_of

    demo_base(dossiers=120, seed=5, today=TODAY)
    compared = 0
    for model in Dossier.select().order_by(Dossier.id):
        claims = list(ClaimItem.select().where(ClaimItem.dossier == model.id).order_by(ClaimItem.id))
        if not claims:
            continue
        dossier, read = _dossier_and_claims(model.id)
        assert _dossier_key(dossier) == _dossier_key(model)
        assert [_claim_key(c) for c in read] == [_claim_key(c) for c in claims]
        try:
            expected = statement_input_of(model, claims, None, TODAY)
        except Exception as error:
            with pytest.raises(type(error)):
                statement_input_of(dossier, read, None, TODAY)
            continue
        assert statement_input_of(dossier, read, None, TODAY) == expected
        compared += 1
    assert compared > 50


def test_the_ledger_read_raw_leaves_out_only_what_the_creditor_bears(actor):
    """The décompte's ledger query leaves out the charges the creditor bears and reads a fee's
    breakdown in the column of a payment's mode (services/statement.py `_RAW_LEDGER_COLUMNS`):
    the events are those the models give, charges of either bearer, a recovery fee, payments
    with and without a label, reversals of a payment and of a creditor's fee."""
    from clerc_tui.services.billing import record_charge
    from clerc_tui.services.payments import reverse_entry

    dossier = example_dossier(actor)
    add_2026_s2(actor)

    def charge(on: date, amount: str, label: str, **more):
        return record_charge(
            actor, dossier.id, kind=more.pop("kind", FEE), on=on, amount=D(amount), label=label, today=TODAY, **more
        )

    charge(date(2025, 3, 1), "48.37", "Acte")
    kept = charge(date(2025, 3, 2), "12.00", "Acte gardé", bearer=CREDITOR)
    charge(date(2025, 3, 3), "7.50", "Débours gardé", kind=DISBURSEMENT, bearer=CREDITOR, invoice=False)
    charge(date(2025, 4, 1), "30.00", "Débours", kind=DISBURSEMENT, invoice=False)
    charge(date(2025, 5, 1), "25.00", "Honoraire proportionnel", breakdown={"recovery_fee": True})
    paid = record_payment(actor, dossier.id, on=date(2025, 5, 1), amount=D("300.00"), mode="cheque", today=TODAY)
    record_payment(actor, dossier.id, on=date(2025, 6, 1), amount=D("120.00"), mode="", today=TODAY)
    before = from_scratch(dossier.id)
    reverse_entry(actor, kept.id, "acte annulé", date(2025, 7, 1), today=TODAY)
    assert from_scratch(dossier.id) == before  # what the creditor bears is no event of the décompte
    reverse_entry(actor, paid.id, "chèque rejeté", date(2025, 8, 1), today=TODAY)
    for at in (date(2025, 3, 2), date(2025, 7, 15), TODAY):
        forget_previous_statements(ledger_rows=True)
        charges, payments, reversals = ledger_inputs(dossier.id, at)
        assert (charges, payments, reversals) == model_ledger_inputs(dossier.id, at)
    assert [c.label for c in charges] == ["Acte", "Débours", "Honoraire proportionnel"]
    assert charges[-1].after_payments
    assert [p.label for p in payments] == ["Paiement (cheque)", "Paiement"]
    assert [r.payment_ref for r in reversals] == [str(paid.id)]
