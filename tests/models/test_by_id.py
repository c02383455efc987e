"""A row by its primary key (`BaseModel.by_id`, `get_by_id`) and through a foreign key
(`dossier.creditor`) is read with its SQL written once per dialect (models/prepared.py): the
very row peewee's own query gives, and the same DoesNotExist when it is missing."""

import peewee
import pytest

from clerc_tui.models import Creditor, Debtor, Dossier, DossierDebtor, LedgerEntry, User
from clerc_tui.models.base import BaseModel


def _all_models():
    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return list(below(BaseModel))


def _same_row(ours, peewees):
    assert type(ours) is type(peewees)
    assert ours.__data__ == peewees.__data__


def test_by_id_and_get_by_id_give_the_row_peewee_gives(sample_dossier):
    dossier_id = sample_dossier.id
    peewees = Dossier.select().where(Dossier.id == dossier_id).get()
    _same_row(Dossier.by_id(dossier_id), peewees)
    _same_row(Dossier.get_by_id(dossier_id), peewees)
    assert Dossier.by_id(dossier_id + 1000) is None
    assert Dossier.by_id(None) is None
    with pytest.raises(Dossier.DoesNotExist):
        Dossier.get_by_id(dossier_id + 1000)
    _same_row(Dossier.by_id(str(dossier_id)), peewees)  # not an int: peewee converts it, as before
    _same_row(Dossier.get_by_id(str(dossier_id)), peewees)


def test_a_foreign_key_reads_the_row_peewee_reads_and_says_when_it_is_missing(sample_dossier):
    dossier = Dossier.by_id(sample_dossier.id)
    assert dossier is not None
    _same_row(dossier.creditor, Creditor.select().where(Creditor.id == dossier.creditor_id).get())
    link = DossierDebtor.select().where(DossierDebtor.dossier == dossier.id).get()
    _same_row(link.debtor, Debtor.select().where(Debtor.id == link.debtor_id).get())
    assert link.dossier.reference == dossier.reference
    assert dossier.assigned_to is None or isinstance(dossier.assigned_to, User)
    orphan = LedgerEntry(dossier=dossier.id + 1000)  # a key to no row: peewee's DoesNotExist
    with pytest.raises(Dossier.DoesNotExist):
        orphan.dossier  # noqa: B018 - the read is the test


def test_every_foreign_key_of_every_model_goes_through_by_id():
    from clerc_tui.models import load_all

    load_all()
    keys = [(model, field) for model in _all_models() for field in model._meta.refs]
    assert len(keys) > 40
    for model, field in keys:
        assert type(vars(model)[field.name]).__name__ == "_RowAccessor", (model, field.name)


def test_the_sql_of_a_row_by_id_is_written_once(sample_dossier, monkeypatch):
    dossier_id = sample_dossier.id
    Dossier.by_id(dossier_id)
    Dossier.by_id(dossier_id).creditor  # noqa: B018 - written once each, before counting
    written = []
    sql = peewee.Context.sql

    def counting(self, node):
        if isinstance(node, peewee.Select):
            written.append(node)
        return sql(self, node)

    monkeypatch.setattr(peewee.Context, "sql", counting)
    for _ in range(3):
        dossier = Dossier.get_by_id(dossier_id)
        assert dossier.creditor.id == dossier.creditor_id
    assert written == []
    Dossier.get_or_none(Dossier.id == dossier_id)  # peewee's own, for the count's sake
    assert len(written) == 1


def test_insert_new_writes_what_create_writes(sample_dossier, monkeypatch):
    """`insert_new` (a timeline event's row, its SQL written once) stores the very values
    peewee's `create` stores, and gives the new id."""
    from datetime import date, datetime

    from clerc_tui.models import TimelineEvent
    from clerc_tui.models.db import database
    from clerc_tui.models.prepared import insert_new

    values = dict(
        dossier=sample_dossier.id,
        occurred_on=date(2026, 2, 28),
        kind="acte",
        text="Commandement — « Lefèvre » ; 100 %",
        user=None,
        created_at=datetime(2026, 11, 26, 9, 5, 7, 123456),
    )
    theirs = TimelineEvent.create(**values).id
    event = TimelineEvent(**values)
    ours = insert_new(event)
    assert ours == event.id == theirs + 1 and not event.is_dirty()
    with_user = insert_new(TimelineEvent(**{**values, "user": 1}))
    columns = "dossier_id, occurred_on, kind, text, user_id, created_at"
    sql = f"SELECT {columns} FROM timeline_event WHERE id = {database.obj.param} "
    (mine,), (peewees,) = (database.execute_sql(sql, (i,)).fetchall() for i in (ours, theirs))
    assert mine == peewees
    assert database.execute_sql(sql, (with_user,)).fetchone()[4] == 1
    written = []
    sql_of = peewee.Context.sql

    def counting(self, node):
        written.append(node)
        return sql_of(self, node)

    monkeypatch.setattr(peewee.Context, "sql", counting)
    insert_new(TimelineEvent(**values))
    assert written == []  # written once
