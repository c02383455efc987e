"""Deadlines follow the dossier: steps create and close them, done/move need a reason and are
audited, nothing is deleted, and the agenda lists them overdue → today → later, paged in SQL."""

import json
import re
from datetime import date, timedelta

import pytest

from clerc_tui.errors import AccessDenied, InvalidInput
from clerc_tui.models import AuditEntry, Deadline, DebtorAddress, TimelineEvent, User
from clerc_tui.services import deadlines as S
from clerc_tui.services.context import Actor
from clerc_tui.services.dossiers import create_dossier
from tests import postgres
from tests.conftest import TODAY, make_input
from tests.rules.test_procedures import FLOWS

D = date


def _dossier(actor, **overrides):
    overrides.setdefault("assigned_to_id", actor.user_id)
    return create_dossier(actor, make_input(**overrides), TODAY)


def _open(dossier_id):
    return {d.rule_id: d.due_date for d in Deadline.select().where(Deadline.dossier == dossier_id, ~Deadline.done)}


# --- recording steps ------------------------------------------------------------------------------


def test_a_step_creates_its_deadlines_with_basis_sanction_and_the_dossier_clerc(actor):
    dossier = _dossier(actor)
    result = S.record_step(
        actor, dossier.id, "saisie_attribution", "acte_saisie", D(2026, 11, 20), {"bank_account": True}, today=TODAY
    )
    created = {d.rule_id: d for d in result.created}
    assert set(created) == {"sa_denonciation_8_jours", "sa_comptes_15_jours_ouvrables"}
    denonciation = Deadline.get_by_id(created["sa_denonciation_8_jours"].id)
    assert denonciation.due_date == D(2026, 11, 30)  # 28/11 is a Saturday: CPC 642 moves it to Monday
    assert (denonciation.kind, denonciation.basis) == ("last_day", "CPCE R211-3")
    assert "caducité" in denonciation.sanction.lower()
    assert denonciation.assigned_to_id == actor.user_id
    assert (denonciation.procedure_id, denonciation.step_id) == ("saisie_attribution", "acte_saisie")
    assert "Dernier jour : lundi 30/11/2026" in denonciation.note
    event = TimelineEvent.get_by_id(result.event_id)
    assert (event.kind, event.occurred_on) == ("acte", D(2026, 11, 20)) and "Acte de saisie" in event.text
    actions = [a.action for a in AuditEntry.select().where(AuditEntry.dossier == dossier.id)]
    assert actions.count("deadline.create") == 2 and "procedure.step" in actions


def test_the_unverified_point_and_the_caveat_go_in_the_note_and_flag_the_deadline(actor):
    dossier = _dossier(actor)
    created = S.record_step(actor, dossier.id, "saisie_vente", "commandement", D(2026, 11, 2), today=TODAY).created
    attente = next(d for d in created if d.rule_id == "sv_attente_8_jours")
    assert attente.unverified and attente.note.startswith("Point non vérifié : Report CPC 642")
    created = S.record_step(
        actor, dossier.id, "injonction_de_payer", "signification", D(2026, 11, 2), today=TODAY
    ).created
    opposition = next(d for d in created if d.rule_id == "ip_opposition_1_mois")
    assert (
        not opposition.unverified and "Attention : Si la signification n'a pas été faite à personne" in opposition.note
    )


def test_the_next_step_closes_the_deadlines_it_answers(actor):
    dossier = _dossier(actor)
    S.record_step(
        actor, dossier.id, "saisie_attribution", "acte_saisie", D(2026, 11, 20), {"bank_account": False}, today=TODAY
    )
    result = S.record_step(actor, dossier.id, "saisie_attribution", "denonciation", D(2026, 11, 24), today=TODAY)
    assert [d.rule_id for d in result.closed] == ["sa_denonciation_8_jours"]
    closed = Deadline.get(Deadline.rule_id == "sa_denonciation_8_jours")
    assert closed.done and closed.done_on == D(2026, 11, 24) and closed.done_by_id == actor.user_id
    assert closed.done_reason.startswith("acte accompli : Dénonciation de la saisie-attribution")
    assert set(_open(dossier.id)) == {"sa_contestation_1_mois", "sa_paiement_apres_contestation"}
    assert result.warnings == []
    close_entry = AuditEntry.get(AuditEntry.action == "deadline.close")
    assert json.loads(close_entry.before)["done"] in (False, 0) and json.loads(close_entry.after)["done"] in (True, 1)


def test_a_last_day_that_allows_no_act_is_kept_as_the_day_before(actor):
    dossier = _dossier(actor)
    created = S.record_step(actor, dossier.id, "saisie_vente", "commandement", D(2025, 5, 2), today=TODAY).created
    validity = next(d for d in created if d.rule_id == "sv_commandement_validite_2_ans")
    # 02/05/2027 is a Sunday, no CPC 642 shift for this period, 01/05 is a holiday: act by Friday 30/04.
    assert validity.due_date == D(2027, 4, 30)
    assert (
        "Dernier jour : dimanche 02/05/2027" in validity.note
        and "agir au plus tard le vendredi 30/04/2027" in validity.note
    )


def test_an_act_outside_its_window_is_recorded_with_a_warning(actor):
    dossier = _dossier(actor)
    S.record_step(actor, dossier.id, "saisie_attribution", "acte_saisie", D(2026, 10, 1), today=TODAY)
    late = S.record_step(actor, dossier.id, "saisie_attribution", "denonciation", D(2026, 10, 20), today=TODAY)
    assert len(late.warnings) == 1 and "postérieur au dernier jour" in late.warnings[0]
    early = S.record_step(actor, dossier.id, "saisie_attribution", "paiement", D(2026, 11, 2), today=TODAY)
    assert any("antérieur au premier jour possible" in w for w in early.warnings)


def test_a_debtor_abroad_gets_the_distance_extension(actor):
    dossier = _dossier(actor)
    DebtorAddress.update(country="Belgique").execute()
    assert S.dossier_distance(dossier.id) == "abroad"
    created = S.record_step(
        actor, dossier.id, "signification_jugement", "signification", D(2026, 3, 7), today=TODAY
    ).created
    assert {d.rule_id: d.due_date for d in created}["jug_appel_1_mois"] == D(2026, 6, 8)  # 1 + 2 months, Sun → Mon


def test_a_dossier_without_clerc_gives_the_deadlines_to_whoever_recorded_the_act(actor):
    dossier = _dossier(actor, assigned_to_id=None)
    created = S.record_step(actor, dossier.id, "petites_creances", "invitation", D(2026, 11, 2), today=TODAY).created
    assert created[0].assigned_to_id == actor.user_id


@pytest.mark.parametrize(
    "procedure_id, step_id, served_on, facts, message",
    [
        ("saisie_foo", "acte_saisie", D(2026, 11, 2), {}, "Procédure inconnue"),
        ("saisie_attribution", "acte_foo", D(2026, 11, 2), {}, "Étape inconnue"),
        ("saisie_attribution", "acte_saisie", D(2026, 11, 27), {}, "après aujourd'hui"),
        ("saisie_attribution", "acte_saisie", "31/02/2026", {}, "n'existe pas dans le calendrier"),
        ("expulsion", "assignation", D(2026, 11, 2), {}, "date de l'audience est nécessaire"),
        ("saisie_attribution", "acte_saisie", D(2026, 11, 2), {"colour": True}, "Élément du dossier inconnu"),
    ],
)
def test_bad_steps_are_refused_in_french_and_write_nothing(actor, procedure_id, step_id, served_on, facts, message):
    dossier = _dossier(actor)
    events = TimelineEvent.select().count()
    with pytest.raises(InvalidInput, match=message):
        S.record_step(actor, dossier.id, procedure_id, step_id, served_on, facts, today=TODAY)
    assert Deadline.select().count() == 0 and TimelineEvent.select().count() == events


def test_a_read_only_user_cannot_record_nor_change(actor):
    dossier = _dossier(actor)
    S.record_step(actor, dossier.id, "petites_creances", "invitation", D(2026, 11, 2), today=TODAY)
    reader = User.create(login="lecteur", name="Léo Lecteur", role="lecture")
    viewer = Actor(reader.id, reader.login, reader.name, reader.role)
    deadline = Deadline.get()
    with pytest.raises(AccessDenied):
        S.record_step(viewer, dossier.id, "petites_creances", "accord", D(2026, 11, 3), today=TODAY)
    with pytest.raises(AccessDenied):
        S.mark_done(viewer, deadline.id, "vu", today=TODAY)
    with pytest.raises(AccessDenied):
        S.move(viewer, deadline.id, D(2026, 12, 20), "vu", today=TODAY)


# --- done and move ----------------------------------------------------------------------------


def _one_deadline(actor):
    dossier = _dossier(actor)
    S.record_step(actor, dossier.id, "petites_creances", "invitation", D(2026, 11, 2), today=TODAY)
    return Deadline.get()  # pc_reponse_1_mois, due 02/12/2026


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_done_and_move_need_a_reason(actor, reason):
    deadline = _one_deadline(actor)
    with pytest.raises(InvalidInput, match="Motif obligatoire"):
        S.mark_done(actor, deadline.id, reason, today=TODAY)
    with pytest.raises(InvalidInput, match="Motif obligatoire"):
        S.move(actor, deadline.id, D(2026, 12, 20), reason, today=TODAY)
    assert not Deadline.get_by_id(deadline.id).done
    assert AuditEntry.select().where(AuditEntry.action.in_(["deadline.done", "deadline.move"])).count() == 0


def test_mark_done_is_audited_and_kept(actor):
    deadline = _one_deadline(actor)
    S.mark_done(actor, deadline.id, "  réponse reçue   par courrier ", today=TODAY)
    done = Deadline.get_by_id(deadline.id)
    assert (done.done, done.done_on, done.done_by_id, done.done_reason) == (
        True,
        TODAY,
        actor.user_id,
        "réponse reçue par courrier",
    )
    entry = AuditEntry.get(AuditEntry.action == "deadline.done")
    assert json.loads(entry.before) == {
        "done": False,
        "done_by_id": None,
        "done_on": None,
        "done_reason": "",
        "version": 1,
    }
    assert json.loads(entry.after)["done_reason"] == "réponse reçue par courrier"
    assert entry.dossier_id == done.dossier_id
    with pytest.raises(InvalidInput, match="déjà faite"):
        S.mark_done(actor, deadline.id, "encore", today=TODAY)
    with pytest.raises(InvalidInput, match="déjà faite"):
        S.move(actor, deadline.id, D(2026, 12, 20), "encore", today=TODAY)


def test_move_keeps_the_original_date_through_several_moves(actor):
    deadline = _one_deadline(actor)
    S.move(actor, deadline.id, "15/12/2026", "délai de grâce accordé", today=TODAY)
    S.move(actor, deadline.id, D(2026, 12, 22), "audience renvoyée", today=TODAY)
    moved = Deadline.get_by_id(deadline.id)
    assert (moved.due_date, moved.original_due_date, moved.moved_reason) == (
        D(2026, 12, 22),
        D(2026, 12, 2),
        "audience renvoyée",
    )
    entries = list(AuditEntry.select().where(AuditEntry.action == "deadline.move").order_by(AuditEntry.id))
    assert [json.loads(e.before)["due_date"] for e in entries] == ["2026-12-02", "2026-12-15"]
    assert [json.loads(e.after)["due_date"] for e in entries] == ["2026-12-15", "2026-12-22"]
    texts = [e.text for e in TimelineEvent.select().where(TimelineEvent.kind == "echeance")]
    assert any("du 02/12/2026 au 15/12/2026" in t for t in texts)


@pytest.mark.parametrize(
    "new_date, message",
    [
        ("32/12/2026", "n'existe pas"),
        ("demain", "n'est pas une date"),
        (D(2026, 12, 2), "déjà au 02/12/2026"),
    ],
)
def test_move_refuses_an_impossible_or_unchanged_date(actor, new_date, message):
    deadline = _one_deadline(actor)
    with pytest.raises(InvalidInput, match=message):
        S.move(actor, deadline.id, new_date, "motif", today=TODAY)


def test_nothing_is_ever_deleted(actor):
    dossier = _dossier(actor)
    for step_id, served_on, facts, _created, _closed in FLOWS["saisie_attribution"]:
        S.record_step(actor, dossier.id, "saisie_attribution", step_id, served_on, facts, today=TODAY)
    S.record_step(actor, dossier.id, "petites_creances", "invitation", D(2026, 11, 2), today=TODAY)
    deadline = Deadline.get(Deadline.rule_id == "pc_reponse_1_mois")
    S.move(actor, deadline.id, D(2026, 12, 9), "motif", today=TODAY)
    S.mark_done(actor, deadline.id, "motif", today=TODAY)
    assert Deadline.select().count() == 5
    assert AuditEntry.select().where(AuditEntry.action.contains("delete")).count() == 0


# --- every procedure from first act to closing, on a real SQLite file ---------------------------


@pytest.mark.parametrize("flow", sorted(FLOWS))
def test_every_procedure_runs_from_first_act_to_closing_through_the_services(actor, db_path, flow):
    procedure_id = flow.split("/")[0]
    dossier = _dossier(actor)
    expected_open: dict[str, date] = {}
    total = 0
    for step_id, served_on, facts, created, closed in FLOWS[flow]:
        result = S.record_step(actor, dossier.id, procedure_id, step_id, served_on, facts, today=TODAY)
        assert {d.rule_id for d in result.closed} == closed, step_id
        stored = {d.rule_id: d for d in result.created}
        assert set(stored) == set(created), step_id
        for rule_id, due in created.items():
            # The legal last day, or the day before it when that day allows no act (act_by).
            assert stored[rule_id].due_date == due or (
                stored[rule_id].due_date < due and "agir au plus tard" in stored[rule_id].note
            ), rule_id
        for rule_id in closed:
            expected_open.pop(rule_id)
        expected_open.update({rule_id: d.due_date for rule_id, d in stored.items()})
        expected_open.update({d.rule_id: d.due_date for d in result.resumed})  # restarted from this step
        total += len(created)
        assert _open(dossier.id) == expected_open, step_id
    assert _open(dossier.id) == {}
    rows = list(Deadline.select().where(Deadline.dossier == dossier.id))
    assert len(rows) == total and all(d.done and d.done_reason.startswith("acte accompli") for d in rows)
    assert postgres.enabled() or (db_path.exists() and db_path.stat().st_size > 0)  # a file on SQLite


# --- the agenda -------------------------------------------------------------------------------


def _agenda_fixture(actor):
    """Deadlines of two clercs, around TODAY (26/11/2026), with a done one and one beyond 30 days."""
    bruno = User.create(login="bdupont", name="Bruno Dupont", role="clerc")
    mine, his = _dossier(actor), _dossier(actor, assigned_to_id=bruno.id)

    def add(dossier, due, procedure_id="saisie_attribution", done=False, who=None):
        return Deadline.create(
            dossier=dossier.id,
            procedure_id=procedure_id,
            step_id="s",
            rule_id="r",
            kind="last_day",
            due_date=due,
            label=f"à faire le {due}",
            assigned_to=who or actor.user_id,
            done=done,
            created_at=TODAY,
        )

    rows = {
        "overdue_old": add(mine, D(2026, 10, 1)),
        "overdue": add(his, D(2026, 11, 25), who=bruno.id),
        "today": add(mine, TODAY, procedure_id="saisie_vente"),
        "tomorrow": add(his, D(2026, 11, 27), who=bruno.id),
        "in_10_days": add(mine, D(2026, 12, 6)),
        "in_30_days": add(mine, D(2026, 12, 26)),
        "beyond": add(mine, D(2026, 12, 27)),
        "done": add(mine, D(2026, 11, 20), done=True),
    }
    return bruno, {name: row.id for name, row in rows.items()}


def test_agenda_is_overdue_then_today_then_later(actor):
    _bruno, ids = _agenda_fixture(actor)
    rows = S.agenda(TODAY, 7)
    assert [r.id for r in rows] == [ids["overdue_old"], ids["overdue"], ids["today"], ids["tomorrow"]]
    assert [r.section(TODAY) for r in rows] == ["overdue", "overdue", "today", "later"]
    assert rows[0].reference == "2026-000001" and rows[0].debtor_name == "LEFÈVRE Hélène"
    assert rows[1].clerc_name == "Bruno Dupont"
    assert S.agenda_counts(TODAY, 7) == S.AgendaCounts(overdue=2, today=1, later=1)


def test_agenda_filters_by_clerc_procedure_and_horizon(actor):
    bruno, ids = _agenda_fixture(actor)
    assert [r.id for r in S.agenda(TODAY, 7, clerc_id=bruno.id)] == [ids["overdue"], ids["tomorrow"]]
    assert [r.id for r in S.agenda(TODAY, 7, procedure_id="saisie_vente")] == [ids["today"]]
    assert ids["in_10_days"] in [r.id for r in S.agenda(TODAY, 14)]
    thirty = [r.id for r in S.agenda(TODAY, 30)]
    assert ids["in_30_days"] in thirty and ids["beyond"] not in thirty and ids["done"] not in thirty
    with pytest.raises(InvalidInput, match="Horizon"):
        S.agenda(TODAY, -1)


def test_agenda_keyset_paging_covers_every_row_once_both_ways(actor):
    dossier = _dossier(actor)
    for i in range(57):
        Deadline.create(
            dossier=dossier.id,
            rule_id="r",
            label=f"n{i}",
            due_date=TODAY + timedelta(days=i % 9 - 4),
            assigned_to=actor.user_id,
            created_at=TODAY,
        )
    expected = [r.id for r in S.agenda(TODAY, 30, limit=1000)]
    assert len(expected) == 57
    seen, after = [], None
    while True:
        page = S.agenda(TODAY, 30, limit=10, after=after)
        if not page:
            break
        seen += [r.id for r in page]
        after = page[-1]
    assert seen == expected
    back, before = [], S.agenda(TODAY, 30, limit=1000)[-1]
    back.insert(0, before.id)
    while True:
        page = S.agenda(TODAY, 30, limit=7, before=before)
        if not page:
            break
        back = [r.id for r in page] + back
        before = page[0]
    assert back == expected
    from_today = S.agenda(TODAY, 30, start=TODAY, limit=1000)
    assert from_today[0].due_date == TODAY and [r.id for r in from_today] == expected[-len(from_today) :]


def test_agenda_last_page_is_the_end_of_the_whole_agenda_in_display_order(actor):
    dossier = _dossier(actor)
    for i in range(23):
        Deadline.create(
            dossier=dossier.id,
            rule_id="r",
            kind="earliest_day" if i % 5 == 0 else "last_day",
            label=f"n{i}",
            due_date=TODAY + timedelta(days=i % 9 - 4),
            assigned_to=actor.user_id,
            created_at=TODAY,
        )
    expected = [r.id for r in S.agenda(TODAY, 30, limit=1000)]
    assert [r.id for r in S.agenda(TODAY, 30, limit=6, last=True)] == expected[-6:]
    assert [r.id for r in S.agenda(TODAY, 30, limit=1000, last=True)] == expected  # across the parts


def test_agenda_query_uses_the_index_without_sorting(actor):
    from clerc_tui.models.db import database

    for clerc_id in (None, actor.user_id):
        sql, params = S.agenda_sql(TODAY, 7, clerc_id=clerc_id)
        plan = " ".join(str(row[-1]) for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
        # deadline_open_*: the open deadlines' own indexes (m0016); deadline_done_*: all deadlines'.
        assert re.search(r"USING INDEX deadline_(done|open)_", plan) and "TEMP B-TREE" not in plan, plan


def test_clerc_by_login_refuses_an_unknown_login(actor):
    assert S.clerc_by_login(actor.login).id == actor.user_id
    with pytest.raises(InvalidInput, match="Clerc inconnu : « personne »"):
        S.clerc_by_login("personne")


def test_counts_tell_elapsed_waiting_periods_from_missed_deadlines(actor, sample_dossier):
    from datetime import date, datetime

    from clerc_tui.models import Deadline
    from clerc_tui.services.deadlines import agenda_counts

    for kind, due in (
        ("last_day", date(2026, 11, 20)),
        ("earliest_day", date(2026, 11, 21)),
        ("last_day", date(2026, 11, 26)),
        ("expiry", date(2026, 11, 30)),
    ):
        Deadline.create(dossier=sample_dossier.id, kind=kind, due_date=due, label=kind, created_at=datetime.now())
    counts = agenda_counts(date(2026, 11, 26), 7)
    assert (counts.overdue, counts.possible, counts.today, counts.later) == (1, 1, 1, 1)
    assert counts.total == 4


def test_the_done_deadlines_are_read_latest_first_from_their_index_without_sorting(actor, sample_dossier, monkeypatch):
    """« Rouvrir » (`o`) reads the last deadlines marked done through m0028's index, walked in the
    order of `done_on` and stopped at the limit: before it, SQLite read every done deadline and
    sorted them (0.5–0.8 s on the 100,000-dossier demo, the screen frozen meanwhile)."""
    from datetime import date, datetime

    from clerc_tui.models import Deadline
    from clerc_tui.models.db import database

    made = [
        Deadline.create(
            dossier=sample_dossier.id,
            kind="last_day",
            due_date=due,
            label="x",
            created_at=datetime.now(),
            assigned_to=actor.user_id,
        )
        for due in (date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22))
    ]
    for deadline, done_on in zip(made, (date(2026, 11, 24), date(2026, 11, 26), date(2026, 11, 25)), strict=True):
        S.mark_done(actor, deadline.id, "fait", today=TODAY, done_on=done_on)
    sent: list[tuple[str, list]] = []
    execute_sql = database.obj.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        sent.append((sql, list(params or [])))
        return execute_sql(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", recording)
    for clerc_id in (None, actor.user_id):
        sent.clear()
        done = S.done_deadlines(clerc_id=clerc_id)
        assert [d.id for d in done][:3] == [made[1].id, made[2].id, made[0].id]  # latest done_on first
        plans = [" ".join(str(r[-1]) for r in execute_sql("EXPLAIN QUERY PLAN " + sql, params)) for sql, params in sent]
        plan = next(p for p in plans if "deadline" in p)
        assert "USING INDEX deadline_done_on" in plan and "TEMP B-TREE" not in plan, plan
