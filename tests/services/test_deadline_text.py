"""The text of deadlines stored once (m0017): every reader gives the text the rules gave,
an edited text gets its own copy, a deadline may still hold its own free text, and a base
of an older version has its deadlines moved to the catalogue unchanged."""

import json
import sqlite3
from datetime import date, datetime

import pytest

from clerc_tui.models import AuditEntry, Deadline, DeadlineText
from clerc_tui.models.db import close_database, database, open_database
from clerc_tui.models.migrations import LATEST, stored_version
from clerc_tui.rules.procedures import rule
from clerc_tui.services import deadlines as S
from clerc_tui.services.dossiers import create_dossier, get_dossier
from tests.conftest import TODAY, make_input
from tests.models.old_schema import old_database

D = date


def _texts(d):
    return (d.label, d.basis, d.sanction, d.note)


def test_rules_deadlines_share_one_catalogue_row_per_text_and_every_reader_gives_it(actor):
    first = create_dossier(actor, make_input(assigned_to_id=actor.user_id), TODAY)
    second = create_dossier(actor, make_input(assigned_to_id=actor.user_id), TODAY)
    for dossier in (first, second):
        S.record_step(actor, dossier.id, "saisie_vente", "commandement", D(2026, 11, 2), today=TODAY)
    rows = list(Deadline.select())
    assert len(rows) >= 2 and all(r.text_id is not None for r in rows)
    assert DeadlineText.select().count() == len({r.text_id for r in rows}) == len(rows) // 2
    raw = database.execute_sql("SELECT label, basis, sanction, note FROM deadline").fetchall()
    assert set(raw) == {("", "", "", "")}  # the text is not repeated in the rows
    for row in rows:
        data = rule(row.rule_id)
        assert (row.label, row.basis, row.sanction) == (data.label, data.basis, data.sanction)
    # The dossier view, the agenda and the audit trail read the same text.
    detail = {d.id: _texts(d) for d in get_dossier(first.id).deadlines}
    assert detail == {r.id: _texts(r) for r in rows if r.dossier_id == first.id}
    agenda = {a.id: (a.label, a.basis) for a in S.agenda(TODAY, S.ALL_HORIZON)}
    assert agenda == {r.id: (r.label, r.basis) for r in rows if not r.done}
    created = AuditEntry.select().where(AuditEntry.action == "deadline.create").order_by(AuditEntry.id)
    assert [json.loads(a.after)["label"] for a in created] == [r.label for r in sorted(rows, key=lambda r: r.id)]


def test_an_edited_text_gets_its_own_copy_and_the_catalogue_never_changes(actor):
    dossier = create_dossier(actor, make_input(assigned_to_id=actor.user_id), TODAY)
    S.record_step(actor, dossier.id, "expulsion", "commandement_quitter_lieux", D(2026, 1, 20), today=TODAY)
    S.record_step(actor, dossier.id, "expulsion", "saisine_prefet_cql", D(2026, 2, 2), today=TODAY)
    wait = Deadline.get(Deadline.rule_id == "exp_cql_2_mois")
    assert wait.text_id is None and "Délai suspendu jusqu'au 02/02/2026" in wait.note  # its own text now
    assert wait.label == rule("exp_cql_2_mois").label  # the other three copied unchanged
    assert "Délai suspendu" not in "".join(t.note for t in DeadlineText.select())
    with pytest.raises(Exception, match="never changed"):
        DeadlineText.update(label="x").execute()


def test_a_deadline_may_hold_its_own_free_text(actor):
    dossier = create_dossier(actor, make_input(assigned_to_id=actor.user_id), TODAY)
    own = Deadline.create(
        dossier=dossier.id, due_date=TODAY, label="Rappeler Me Durand [/]", basis="", created_at=datetime.now()
    )
    assert Deadline.get_by_id(own.id).label == "Rappeler Me Durand [/]" and own.text_id is None
    assert [a.label for a in S.agenda(TODAY, 7) if a.id == own.id] == ["Rappeler Me Durand [/]"]


def test_an_older_base_has_its_deadlines_moved_to_the_catalogue_unchanged(tmp_path):
    path = tmp_path / "v15.db"
    old_database(path, 15, reference="2024-000001", opened_on="2024-03-01", debtor_name="DUPONT", balance_cents=0)
    texts = [("Délai A", "CPC 1", "Caducité", ""), ("Délai B", "CPC 2", "", "Point non vérifié : x")]
    with sqlite3.connect(path) as con:
        for n in range(6):
            con.execute(
                "INSERT INTO deadline (dossier_id, procedure_id, step_id, rule_id, kind, due_date, label, basis, "
                "sanction, note, done, done_reason, created_at) VALUES (1, 'p', 's', 'r', 'last_day', ?, ?, ?, ?, ?, "
                "0, '', '2024-03-01 10:00:00')",
                (f"2024-04-{n + 1:02d}", *texts[n % 2]),
            )
    con.close()
    open_database(str(path))
    try:
        assert stored_version(database.obj) == LATEST
        rows = list(Deadline.select().order_by(Deadline.id))
        assert [_texts(r) for r in rows] == [texts[n % 2] for n in range(6)]
        assert DeadlineText.select().count() == 2
        indexes = {r[1] for r in database.execute_sql("PRAGMA index_list(deadline)").fetchall()}
        assert not indexes & {"deadline_dossier_id", "deadline_assigned_to_id", "deadline_done_by_id"}
        assert "deadline_dossier_done_due" in indexes
    finally:
        close_database()
