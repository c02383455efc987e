"""Payment plans (services/plans.py) on a real SQLite base: created from the décompte with its
letter, never edited (replaced, history kept), state from the ledger (partial, reversed and late
payments), the default detected once after the grace, a respected plan closing the amicable
phase, the three kinds, set-based states."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from peewee import IntegrityError

from clerc_tui.errors import ConflictError, InvalidInput
from clerc_tui.models import AuditEntry, Deadline, Dossier, TimelineEvent
from clerc_tui.models.db import database
from clerc_tui.models.plans import PaymentPlan, PaymentPlanInstalment
from clerc_tui.services import plans
from clerc_tui.services.acts import act_view
from clerc_tui.services.dossiers import create_dossier
from clerc_tui.services.payments import record_payment, reverse_entry
from tests.conftest import TODAY, make_input

D = Decimal


def _plan(actor, dossier_id, kind="amiable", count=4, **terms):
    proposal = plans.propose(dossier_id, TODAY, count=count, first_on=TODAY + timedelta(days=10), **terms)
    view = plans.create_plan(
        actor,
        dossier_id,
        kind,
        today=TODAY,
        expected_total=proposal.proposal.total,
        count=count,
        first_on=TODAY + timedelta(days=10),
        **terms,
    )
    return proposal, view


def _pay(actor, dossier_id, on, amount):
    return record_payment(actor, dossier_id, on=on, amount=D(amount), mode="virement", today=on)


def test_plan_spreads_the_decompte_exactly_with_its_letter(actor, sample_dossier):
    proposal, view = _plan(actor, sample_dossier.id, count=3)
    total = plans.debt_on(sample_dossier.id, TODAY)
    assert view.plan.total == total == proposal.proposal.total
    assert sum(i.amount for i in view.instalments) == total
    assert view.state.state == "en_cours" and view.plan.status == "actif"
    letter = act_view(view.plan.letter_act_id)
    body = letter.draft.body
    for item in view.instalments:
        assert item.due_on.strftime("%d/%m/%Y") in body
    assert "Total" in body and letter.draft.printed["plan_total"] in body
    assert "L111-8" in body and "n'est pas un acte de procédure" in body
    assert "commandement" not in body.lower() and "huissier" not in body.lower()
    states = {s.mention.id: s for s in letter.draft.states}
    assert states["echeances"].ok
    [entry] = AuditEntry.select().where(AuditEntry.action == "plan.create")
    assert len(json.loads(entry.after)["instalments"]) == 3


def test_one_plan_in_force_replaced_never_edited(actor, sample_dossier):
    _, first = _plan(actor, sample_dossier.id, count=3)
    with pytest.raises(InvalidInput, match="déjà en cours"):
        _plan(actor, sample_dossier.id, count=6)
    total = first.plan.total
    with pytest.raises(ConflictError):  # someone changed it since it was shown
        plans.create_plan(
            actor,
            sample_dossier.id,
            "amiable",
            today=TODAY,
            expected_total=total,
            count=6,
            replaces=first.plan.id,
            expected_version=first.plan.version + 1,
            reason="le débiteur a perdu son emploi",
        )
    second = plans.create_plan(
        actor,
        sample_dossier.id,
        "amiable",
        today=TODAY,
        expected_total=total,
        count=6,
        replaces=first.plan.id,
        expected_version=first.plan.version,
        reason="le débiteur a perdu son emploi",
    )
    history = plans.dossier_plans(sample_dossier.id, TODAY)
    assert [(v.plan.id, v.plan.status) for v in history] == [(second.plan.id, "actif"), (first.plan.id, "remplace")]
    assert history[1].plan.ended_reason == "le débiteur a perdu son emploi" and len(history[1].instalments) == 3
    # the terms and the instalments refuse any change in the base itself
    with pytest.raises(IntegrityError), database.atomic():
        PaymentPlan.update(total=D("1.00")).where(PaymentPlan.id == first.plan.id).execute()
    with pytest.raises(IntegrityError), database.atomic():
        PaymentPlanInstalment.update(amount=D("1.00")).execute()
    with pytest.raises(IntegrityError), database.atomic():
        PaymentPlanInstalment.delete().execute()


def test_the_total_seen_must_still_be_due(actor, sample_dossier):
    proposal = plans.propose(sample_dossier.id, TODAY, count=3)
    _pay(actor, sample_dossier.id, TODAY, "100")
    with pytest.raises(ConflictError, match="total dû a changé"):
        plans.create_plan(
            actor, sample_dossier.id, "amiable", today=TODAY, expected_total=proposal.proposal.total, count=3
        )
    assert PaymentPlan.select().count() == 0


def test_state_from_the_ledger_partial_reversed_and_in_grace(actor, sample_dossier):
    _, view = _plan(actor, sample_dossier.id, count=4)
    first, second = view.instalments[0], view.instalments[1]
    _pay(actor, sample_dossier.id, first.due_on, str(first.amount))
    bounced = _pay(actor, sample_dossier.id, second.due_on, "50")
    state = plans.current_plan(sample_dossier.id, second.due_on).state
    assert [s.state for s in state.instalments[:2]] == ["payee", "partielle"]
    reverse_entry(actor, bounced.id, "chèque rejeté", second.due_on, today=second.due_on)
    later = second.due_on + timedelta(days=8)
    state = plans.plan_states([sample_dossier.id], later)[sample_dossier.id]
    assert state.state == "en_cours" and state.instalments[1].state == "en_grace"
    state = plans.plan_states([sample_dossier.id], later + timedelta(days=1))[sample_dossier.id]
    assert state.state == "en_defaut" and state.first_missed.instalment.number == 2


def test_default_raises_one_alert_then_a_new_one_for_a_later_miss(actor, sample_dossier):
    _, view = _plan(actor, sample_dossier.id, count=4)
    second = view.instalments[1]
    _pay(actor, sample_dossier.id, view.instalments[0].due_on, str(view.instalments[0].amount))
    day = second.due_on + timedelta(days=9)
    assert plans.check_plans(actor, day - timedelta(days=1)).defaults == ()
    result = plans.check_plans(actor, day)
    assert [ref for ref, _ in result.defaults] == [sample_dossier.reference]
    again = plans.check_plans(actor, day + timedelta(days=3))
    assert again.defaults == () and again.checked == 1
    [alert] = Deadline.select().where(Deadline.procedure_id == "echeancier")
    assert alert.due_date == day and "n° 2" in alert.label and not alert.done
    assert alert.dossier_id == sample_dossier.id
    # caught up late, then the fourth is missed: a second alert
    _pay(actor, sample_dossier.id, day, str(second.amount + view.instalments[2].amount))
    fourth = view.instalments[3]
    result = plans.check_plans(actor, fourth.due_on + timedelta(days=9))
    assert len(result.defaults) == 1 and "n° 4" in result.defaults[0][1]
    assert Deadline.select().where(Deadline.procedure_id == "echeancier").count() == 2


def test_a_respected_plan_closes_the_amicable_phase(actor, sample_dossier):
    _, view = _plan(actor, sample_dossier.id, count=2)
    for item in view.instalments:
        _pay(actor, sample_dossier.id, item.due_on, str(item.amount))
    last = view.instalments[-1].due_on
    result = plans.check_plans(actor, last)
    assert [ref for ref, _ in result.completed] == [sample_dossier.reference]
    plan = PaymentPlan.get_by_id(view.plan.id)
    assert plan.status == "respecte" and plan.ended_on == last
    dossier = Dossier.get_by_id(sample_dossier.id)
    assert dossier.phase == "clos" and dossier.closed_on == last
    assert plans.check_plans(actor, last + timedelta(days=30)).checked == 0
    texts = [e.text for e in TimelineEvent.select().where(TimelineEvent.kind == "echeancier")]
    assert any("respecté" in t and "phase amiable close" in t for t in texts)


@pytest.mark.parametrize("kind", ["petites_creances", "pv_accord"])
def test_plan_kinds_keep_the_phase_and_say_their_law(actor, kind):
    dossier = create_dossier(actor, make_input(phase="execution"), TODAY)
    _, view = _plan(actor, dossier.id, kind=kind, count=2)
    assert view.plan.kind == kind
    body = act_view(view.plan.letter_act_id).draft.body
    assert ("L125-1" if kind == "petites_creances" else "L212-6") in body
    day = view.instalments[0].due_on + timedelta(days=9)
    [(_, text)] = plans.check_plans(actor, day).defaults
    assert "impayée" in text
    [alert] = Deadline.select().where(Deadline.dossier == dossier.id, Deadline.procedure_id == "echeancier")
    assert ("L125-1" if kind == "petites_creances" else "L212-3") in alert.basis
    for item in view.instalments:
        _pay(actor, dossier.id, day, str(item.amount))
    plans.check_plans(actor, day)
    assert Dossier.get_by_id(dossier.id).phase == "execution"  # not an amicable dossier: left as it is
    with pytest.raises(InvalidInput):
        plans.create_plan(actor, dossier.id, "autre", today=TODAY, expected_total=D("1"), count=2)


def test_plan_states_is_set_based(actor, sample_dossier, monkeypatch):
    dossiers = [sample_dossier] + [create_dossier(actor, make_input(), TODAY) for _ in range(3)]
    for d in dossiers[:3]:
        _plan(actor, d.id, count=2)
    queries: list[str] = []
    base = database.obj
    original = base.execute_sql

    def counting(sql, *args, **kwargs):
        queries.append(sql)
        return original(sql, *args, **kwargs)

    monkeypatch.setattr(base, "execute_sql", counting)
    states = plans.plan_states([d.id for d in dossiers], TODAY)
    monkeypatch.undo()
    assert set(states) == {d.id for d in dossiers[:3]}
    assert 0 < len(queries) <= 4  # the setting, the plans, their instalments, their payments


def test_grace_setting_is_audited_and_bounded(actor):
    assert plans.grace_days() == 8
    assert plans.set_grace_days(actor, 15) == 15 and plans.grace_days() == 15
    with pytest.raises(InvalidInput):
        plans.set_grace_days(actor, 61)
    assert AuditEntry.select().where(AuditEntry.action == "etude.plan_grace_days").count() == 1


def test_capacity_from_the_solvency_file(actor, sample_dossier):
    from clerc_tui.services import solvency

    debtor_id = solvency.dossier_solvency(sample_dossier.id, TODAY).debtors[0].debtor_id
    solvency.record_fact(
        actor,
        debtor_id,
        "employment",
        label="SARL Dupont",
        amount=D("1500.00"),
        known_on=TODAY,
        source="employeur",
        today=TODAY,
    )
    proposal = plans.propose(sample_dossier.id, TODAY)
    assert proposal.proposal.capacity is not None and proposal.monthly == proposal.proposal.capacity.quantize(D("0.01"))
    high = plans.propose(sample_dossier.id, TODAY, count=1)
    assert high.proposal.warnings and "dépasse" in high.proposal.warnings[0]
    assert date.today()  # the clock is never read by the rules: `today` is given


def test_cli_check_show_and_grace_setting(actor, sample_dossier, db_path, tmp_path):
    from tests.conftest import run_clerc

    _, view = _plan(actor, sample_dossier.id, count=2)
    day = view.instalments[0].due_on + timedelta(days=9)
    base = ("--db", str(db_path), "--today", day.strftime("%d/%m/%Y"))
    result = run_clerc(tmp_path, *base, "plans", "check")
    assert result.returncode == 0, result.stderr
    assert sample_dossier.reference in result.stdout and "impayée" in result.stdout
    again = run_clerc(tmp_path, *base, "plans", "check", "--json")
    assert json.loads(again.stdout)["defaults"] == []  # detected once
    shown = run_clerc(tmp_path, *base, "plans", "show", sample_dossier.reference)
    assert "en défaut" in shown.stdout and "n° 1 —" in shown.stdout and "Impayée" in shown.stdout
    assert run_clerc(tmp_path, *base, "plans", "show", "1999-999999").returncode == 2
    setting = run_clerc(tmp_path, "--db", str(db_path), "etude", "set", "--grace-echeancier", "12")
    assert setting.returncode == 0, setting.stderr
    assert "impayée 12 jours après sa date" in setting.stdout
    refused = run_clerc(tmp_path, "--db", str(db_path), "etude", "set", "--grace-echeancier", "douze")
    assert refused.returncode == 2 and "--grace-echeancier" in refused.stderr


def test_without_a_title_no_fee_is_spread(actor):
    from clerc_tui.services.billing import record_charge
    from clerc_tui.services.statement import dossier_statement

    dossier = create_dossier(actor, make_input(interest_kind="none"), TODAY)
    before = plans.debt_on(dossier.id, TODAY)
    record_charge(actor, dossier.id, kind="disbursement", on=TODAY, amount=D("50.00"), label="Frais", today=TODAY)
    statement = dossier_statement(dossier.id, TODAY)
    assert statement.frais_due == D("50.00")
    assert plans.debt_on(dossier.id, TODAY) == before == statement.principal_due + statement.interest_due
    titled = create_dossier(
        actor, make_input(interest_kind="none", title_kind="jugement", title_date=date(2026, 3, 2)), TODAY
    )
    record_charge(actor, titled.id, kind="disbursement", on=TODAY, amount=D("50.00"), label="Frais", today=TODAY)
    titled_statement = dossier_statement(titled.id, TODAY)
    assert titled_statement.frais_due == D("50.00")
    assert plans.debt_on(titled.id, TODAY) == titled_statement.total_due


def test_a_plan_in_force_stops_the_reminders_and_its_default_resumes_them(actor, sample_dossier):
    """Over simulated days: the first letter is due; a plan is agreed → no reminder while it is
    kept (« échéancier en cours »); the second instalment missed past the grace → the alert, and
    the « plan défaillant » scenario's first step due that day."""
    from datetime import datetime

    from clerc_tui.services import amicable

    def due(day):
        queue = amicable.queue(day, datetime.combine(day, datetime.min.time()).replace(hour=11))
        return [(i.scenario, i.step_code) for c in queue.by_channel for i in queue.items(c)]

    amicable.enrol(actor, sample_dossier.id, TODAY)
    assert len(due(TODAY)) == 1  # the scenario's first step, before any plan
    _, view = _plan(actor, sample_dossier.id, count=4)
    first, second = view.instalments[:2]
    assert "en attente : échéancier en cours" in amicable.enrolment(sample_dossier.id, TODAY).summary
    many = [*range(100_000, 100_600), sample_dossier.id]  # the queue's many dossiers: those with a plan read first
    assert set(plans.plan_states(many, TODAY)) == {sample_dossier.id}
    _pay(actor, sample_dossier.id, first.due_on, str(first.amount))
    default_day = second.due_on + timedelta(days=plans.grace_days() + 1)
    day = TODAY
    while day < default_day:
        assert due(day) == [], day
        assert plans.check_plans(actor, day).defaults == ()
        day += timedelta(days=3)
    result = plans.check_plans(actor, default_day)
    assert [ref for ref, _ in result.defaults] == [sample_dossier.reference]
    assert Deadline.select().where(Deadline.procedure_id == "echeancier").count() == 1
    assert due(default_day) == [("plan_defaillant", "courriel_echeance")]
    info = amicable.enrolment(sample_dossier.id, default_day)
    assert info is not None and info.scenario == "plan_defaillant" and info.round == 2
    texts = [e.text for e in TimelineEvent.select().where(TimelineEvent.dossier == sample_dossier.id)]
    assert any("échéancier en défaut, scénario « Échéancier non respecté »" in t for t in texts)
    plans.check_plans(actor, default_day + timedelta(days=1))  # found again: nothing more
    assert amicable.enrolment(sample_dossier.id, default_day).round == 2
