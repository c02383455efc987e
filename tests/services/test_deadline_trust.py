"""Issue 10 item 5 and 11 (deadlines): no postponing into the past, reasons with words, reopening,
the POSSIBLE section, the trêve hivernale shown as a suspension, and optimistic locking of the
edits (two threads, each with its own SQLite connection on the same real file)."""

import json
import re
import threading
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerc_tui.errors import ConflictError, InvalidInput
from clerc_tui.models import AuditEntry, Deadline, TimelineEvent, User
from clerc_tui.services import deadlines as S
from clerc_tui.services.context import Actor
from tests.conftest import TODAY
from tests.services.test_deadlines import _dossier

D = date


def _deadline(actor, dossier, due, kind="last_day", procedure_id="saisie_attribution", rule_id="r", label="à faire"):
    return Deadline.create(
        dossier=dossier.id,
        procedure_id=procedure_id,
        step_id="s",
        rule_id=rule_id,
        kind=kind,
        due_date=due,
        label=label,
        assigned_to=actor.user_id,
        created_at=datetime.now(),
    )


# --- postponing, reasons ----------------------------------------------------------------------


@pytest.mark.parametrize("new_date", [TODAY - timedelta(days=1), D(2026, 1, 1)])
def test_postponing_to_a_past_date_is_refused(actor, new_date):
    deadline = _deadline(actor, _dossier(actor), D(2026, 11, 20))  # overdue: the clerc wants to move it
    with pytest.raises(
        InvalidInput, match=r"Report au .* refusé : cette date est passée \(nous sommes le 26/11/2026\)"
    ):
        S.move(actor, deadline.id, new_date, "audience renvoyée", today=TODAY)
    assert Deadline.get_by_id(deadline.id).due_date == D(2026, 11, 20)
    moved = S.move(actor, deadline.id, TODAY, "audience renvoyée", today=TODAY)  # today itself is allowed
    assert moved.due_date == TODAY


@pytest.mark.parametrize("reason", ["...", " - ", "123", "?!", "a", "1/2"])
def test_a_reason_without_words_is_refused_everywhere(actor, reason):
    deadline = _deadline(actor, _dossier(actor), D(2026, 12, 1))
    with pytest.raises(InvalidInput, match="en mots"):
        S.mark_done(actor, deadline.id, reason, today=TODAY)
    with pytest.raises(InvalidInput, match="en mots"):
        S.move(actor, deadline.id, D(2026, 12, 3), reason, today=TODAY)
    S.mark_done(actor, deadline.id, "fait au guichet", today=TODAY)
    with pytest.raises(InvalidInput, match="en mots"):
        S.reopen(actor, deadline.id, reason, today=TODAY)
    assert Deadline.get_by_id(deadline.id).done


def test_short_real_reasons_pass():
    assert S._reason("OK", "x") == "OK" and S._reason("  vu  le 27/11 ", "x") == "vu le 27/11"


# --- reopening --------------------------------------------------------------------------------


def test_a_deadline_marked_done_can_be_reopened_with_a_reason_audited(actor):
    dossier = _dossier(actor)
    deadline = _deadline(actor, dossier, D(2026, 12, 1), label="Dénonciation")
    S.mark_done(actor, deadline.id, "dénonciation signifiée", today=TODAY)
    with pytest.raises(InvalidInput, match="Motif obligatoire pour rouvrir"):
        S.reopen(actor, deadline.id, "", today=TODAY)
    reopened = S.reopen(actor, deadline.id, "marquée faite par erreur", today=TODAY)
    stored = Deadline.get_by_id(deadline.id)
    assert (stored.done, stored.done_on, stored.done_by_id, stored.done_reason) == (False, None, None, "")
    assert reopened.version == stored.version == 3  # created 1, done 2, reopened 3
    entry = AuditEntry.get(AuditEntry.action == "deadline.reopen")
    before, after = json.loads(entry.before), json.loads(entry.after)
    assert before["done"] is True and before["done_reason"] == "dénonciation signifiée"
    assert after["done"] is False and after["reason"] == "marquée faite par erreur"
    event = TimelineEvent.select().where(TimelineEvent.dossier == dossier.id).order_by(TimelineEvent.id.desc()).first()
    assert event.text == "Échéance rouverte (faite le 26/11/2026) : Dénonciation — marquée faite par erreur"
    assert deadline.id in [r.id for r in S.agenda(TODAY, 7)]
    with pytest.raises(InvalidInput, match="déjà ouverte"):
        S.reopen(actor, deadline.id, "encore", today=TODAY)


def test_a_deadline_closed_by_an_act_can_be_reopened(actor):
    dossier = _dossier(actor)
    S.record_step(
        actor, dossier.id, "saisie_attribution", "acte_saisie", D(2026, 11, 20), {"bank_account": True}, today=TODAY
    )
    S.record_step(actor, dossier.id, "saisie_attribution", "denonciation", D(2026, 11, 24), today=TODAY)
    closed = Deadline.get(Deadline.rule_id == "sa_denonciation_8_jours")
    assert closed.done
    assert closed.id in [d.id for d in S.done_deadlines(dossier_id=dossier.id)]
    S.reopen(actor, closed.id, "dénonciation nulle, à refaire", today=TODAY)
    assert not Deadline.get_by_id(closed.id).done


# --- the POSSIBLE section ---------------------------------------------------------------------


def _mixed(actor):
    """Overdue last days and past waiting periods interleaved by date, then today and later."""
    dossier = _dossier(actor)
    made = {}
    for name, due, kind in (
        ("late_1", D(2026, 11, 2), "last_day"),
        ("possible_1", D(2026, 11, 5), "earliest_day"),
        ("late_2", D(2026, 11, 10), "expiry"),
        ("possible_2", D(2026, 11, 12), "earliest_day"),
        ("today", TODAY, "earliest_day"),
        ("later", D(2026, 11, 30), "earliest_day"),
    ):
        made[name] = _deadline(actor, dossier, due, kind=kind, label=name).id
    return made


def test_past_waiting_periods_get_their_own_section_after_the_overdue_ones(actor):
    made = _mixed(actor)
    rows = S.agenda(TODAY, 7)
    assert [r.id for r in rows] == [made[n] for n in ("late_1", "late_2", "possible_1", "possible_2", "today", "later")]
    assert [r.section(TODAY) for r in rows] == ["overdue", "overdue", "possible", "possible", "today", "later"]
    assert S.agenda_counts(TODAY, 7) == S.AgendaCounts(overdue=2, today=1, later=1, possible=2)


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_keyset_paging_crosses_the_sections_both_ways(actor, size):
    _mixed(actor)
    expected = [r.id for r in S.agenda(TODAY, 7)]
    seen, after = [], None
    while page := S.agenda(TODAY, 7, limit=size, after=after):
        seen += [r.id for r in page]
        after = page[-1]
    assert seen == expected
    last = S.agenda(TODAY, 7)[-1]
    back, before = [last.id], last
    while page := S.agenda(TODAY, 7, limit=size, before=before):
        back = [r.id for r in page] + back
        before = page[0]
    assert back == expected
    assert [r.id for r in S.agenda(TODAY, 7, start=TODAY)] == expected[-2:]


def test_each_part_of_the_agenda_uses_the_index_without_sorting(actor):
    from clerc_tui.models.db import database

    for part in (0, 1, 2):
        sql, params = S.agenda_sql(TODAY, 7, part=part)
        plan = " ".join(str(row[-1]) for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
        # deadline_open_*: the open deadlines' own indexes (m0016); deadline_done_*: all deadlines'.
        assert re.search(r"USING INDEX deadline_(done|open)_", plan) and "TEMP B-TREE" not in plan, plan


# --- the trêve hivernale (CPCE L412-6) ---------------------------------------------------------


def test_an_expulsion_in_the_winter_truce_shows_suspended_until_31_march(actor):
    dossier = _dossier(actor)
    # Commandement de quitter les lieux 14/08/2026 + 2 months = 14/10/2026: possible since then, but on
    # 26/11/2026 the trêve (1/11/2026 - 31/03/2027) defers any expulsion not carried out on 1 November.
    past = _deadline(
        actor,
        dossier,
        D(2026, 10, 14),
        kind="earliest_day",
        procedure_id="expulsion",
        rule_id="exp_cql_2_mois",
        label="Expulsion possible",
    )
    # Moved into the trêve: not possible before 1/04/2027 either.
    inside = _deadline(
        actor,
        dossier,
        D(2027, 2, 1),
        kind="earliest_day",
        procedure_id="expulsion",
        rule_id="exp_cql_2_mois",
        label="Expulsion possible",
    )
    after = _deadline(
        actor,
        dossier,
        D(2027, 4, 1),
        kind="earliest_day",
        procedure_id="expulsion",
        rule_id="exp_cql_2_mois",
        label="Expulsion possible",
    )
    # The 2 months after the CCAPEX saisine delay the assignation, which the trêve does not stop.
    ccapex = _deadline(
        actor,
        dossier,
        D(2026, 11, 3),
        kind="earliest_day",
        procedure_id="expulsion",
        rule_id="exp_ccapex_2_mois",
        label="Assignation possible",
    )
    rows = {r.id: r for r in S.agenda(TODAY, S.ALL_HORIZON)}
    for deadline in (past, inside):
        reason = rows[deadline.id].suspended_reason
        assert reason.startswith(
            "trêve hivernale jusqu'au 31/03/2027 (CPCE L412-6) : expulsion possible à partir du 01/04/2027."
        ), reason
        assert "relogement des intéressés assuré" in reason and "domicile d'autrui" in reason
        assert "autre lieu que le domicile, si le juge" in reason
    assert rows[after.id].suspended_reason == "" and rows[ccapex.id].suspended_reason == ""
    on_april_first = {r.id: r for r in S.agenda(D(2027, 4, 1), S.ALL_HORIZON)}
    assert (
        on_april_first[past.id].suspended_reason == "" and on_april_first[past.id].section(D(2027, 4, 1)) == "possible"
    )


@settings(max_examples=200, deadline=None)
@given(due=st.dates(D(2020, 1, 1), D(2030, 12, 31)), today=st.dates(D(2020, 1, 1), D(2030, 12, 31)))
def test_truce_suspension_iff_the_first_possible_day_is_in_november_to_march(due, today):
    text = S.winter_truce_suspension("expulsion", "exp_cql_2_mois", "earliest_day", due, today)
    day = max(due, today)
    assert bool(text) == (day.month >= 11 or day.month <= 3)
    if text:
        end_year = day.year + 1 if day.month >= 11 else day.year
        assert f"jusqu'au 31/03/{end_year}" in text
    assert S.winter_truce_suspension("expulsion", "exp_cql_2_mois", "last_day", due, today) == ""


# --- optimistic locking -----------------------------------------------------------------------


@pytest.fixture
def bruno(actor):
    user = User.create(login="bdupont", name="Bruno Dupont", role="clerc", active=True)
    return Actor(user_id=user.id, login=user.login, name=user.name, role=user.role)


def test_an_edit_on_a_stale_version_is_refused_with_who_and_when(actor, bruno):
    deadline = _deadline(actor, _dossier(actor), D(2026, 12, 1), label="Dénonciation")
    seen = Deadline.get_by_id(deadline.id).version
    S.move(bruno, deadline.id, D(2026, 12, 4), "délai accordé", today=TODAY, expected_version=seen)
    with pytest.raises(
        ConflictError,
        match=r"« Dénonciation » a été modifiée par Bruno Dupont le "
        r"\d\d/\d\d/\d{4} à \d\d:\d\d depuis que vous l'avez affichée",
    ):
        S.mark_done(actor, deadline.id, "fait", today=TODAY, expected_version=seen)
    with pytest.raises(ConflictError, match="Bruno Dupont"):
        S.move(actor, deadline.id, D(2026, 12, 8), "autre", today=TODAY, expected_version=seen)
    stored = Deadline.get_by_id(deadline.id)
    assert (stored.done, stored.due_date, stored.version) == (False, D(2026, 12, 4), 2)
    S.mark_done(actor, deadline.id, "fait", today=TODAY, expected_version=2)
    with pytest.raises(ConflictError, match="Claire Martin"):
        S.reopen(bruno, deadline.id, "erreur", today=TODAY, expected_version=2)


def test_an_act_recorded_meanwhile_makes_an_edit_on_the_closed_deadline_stale(actor):
    dossier = _dossier(actor)
    S.record_step(
        actor, dossier.id, "saisie_attribution", "acte_saisie", D(2026, 11, 20), {"bank_account": True}, today=TODAY
    )
    deadline = Deadline.get(Deadline.rule_id == "sa_denonciation_8_jours")
    S.record_step(actor, dossier.id, "saisie_attribution", "denonciation", D(2026, 11, 24), today=TODAY)
    with pytest.raises(ConflictError):
        S.move(actor, deadline.id, D(2026, 12, 10), "délai", today=TODAY, expected_version=deadline.version)


EDITS = {
    "move": lambda who, d, v, n: S.move(
        who, d, TODAY + timedelta(days=10 + n), "audience renvoyée", today=TODAY, expected_version=v
    ),
    "done": lambda who, d, v, n: S.mark_done(who, d, "dénonciation faite", today=TODAY, expected_version=v),
}


def test_of_100_concurrent_pairs_on_one_deadline_exactly_one_edit_wins(actor, bruno, db_path):
    """Two threads, each with its own Peewee connection on the same file, read the same version and
    edit at the same moment (done or postpone, in the four combinations): the second is refused."""
    from clerc_tui.models.db import database

    dossier = _dossier(actor)
    kinds = [("move", "move"), ("done", "move"), ("move", "done"), ("done", "done")]
    refusals = []
    for n in range(100):
        deadline = _deadline(actor, dossier, D(2026, 12, 1), label=f"n{n}")
        version = deadline.version
        barrier = threading.Barrier(2)
        outcome = {}

        def edit(who, kind, slot, barrier=barrier, deadline=deadline, version=version, n=n, outcome=outcome):
            try:
                barrier.wait()
                EDITS[kind](who, deadline.id, version, n)
                outcome[slot] = "ok"
            except ConflictError as error:
                outcome[slot] = error.message
            finally:
                database.close()

        first, second = kinds[n % 4]
        threads = [
            threading.Thread(target=edit, args=(actor, first, 0)),
            threading.Thread(target=edit, args=(bruno, second, 1)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcome) == [0, 1] and list(outcome.values()).count("ok") == 1, outcome
        refused = next(v for v in outcome.values() if v != "ok")
        winner = "Claire Martin" if outcome[0] == "ok" else "Bruno Dupont"
        assert re.search(rf"modifiée par {winner} le \d\d/\d\d/\d{{4}} à \d\d:\d\d", refused), refused
        refusals.append(refused)
        assert Deadline.get_by_id(deadline.id).version == version + 1
    assert len(refusals) == 100
