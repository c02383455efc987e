"""What happens to a dossier: deadlines, timeline, and the audit trail of every change."""

from __future__ import annotations

from typing import Any

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FieldAccessor,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from clerc_tui.models.base import BaseModel
from clerc_tui.models.db import database
from clerc_tui.models.dossier import Dossier
from clerc_tui.models.etude import User
from clerc_tui.models.parties import Debtor
from clerc_tui.models.prepared import Prepared


class DeadlineText(BaseModel):
    """The text of deadlines made by the procedure rules, stored once (m0017): a million
    deadlines share a few dozen (label, basis, sanction, note). Rows are never changed
    (a trigger refuses it): a deadline whose text is edited gets its own copy."""

    label = CharField()
    basis = CharField(default="")
    sanction = CharField(default="")
    note = TextField(default="")

    class Meta:
        table_name = "deadline_text"
        indexes = ((("label", "basis", "sanction", "note"), True),)


TEXT_FIELDS = ("label", "basis", "sanction", "note")
_texts: dict[str, Any] = {"db": None, "by_id": {}}


def catalogue_text(text_id: int) -> tuple[str, str, str, str]:
    """(label, basis, sanction, note) of a catalogue row, read once per process and base
    (rows never change; a row another clerc added since is read on first use)."""
    if _texts["db"] is not database.obj:
        _texts["db"], _texts["by_id"] = database.obj, {}
    by_id: dict[int, tuple[str, str, str, str]] = _texts["by_id"]
    text = by_id.get(text_id)
    if text is None:
        rows = database.execute_sql('SELECT "id", "label", "basis", "sanction", "note" FROM "deadline_text"')
        by_id.update((row[0], tuple(row[1:])) for row in rows)  # a few dozen rows
        text = by_id[text_id]
    return text


def catalogue_id(label: str, basis: str, sanction: str, note: str) -> int:
    """The catalogue row holding this text, added if new (inside the caller's transaction).
    Looked up first (its SQL written once): the few dozen texts are nearly always there, and
    the insert that would be ignored is then not written at all."""
    found = _CATALOGUE_ID.rows(label, basis, sanction, note)
    if not found:
        DeadlineText.insert(label=label, basis=basis, sanction=sanction, note=note).on_conflict_ignore().execute()
        found = _CATALOGUE_ID.rows(label, basis, sanction, note)
    return int(found[0][0])


_CATALOGUE_ID = Prepared(
    lambda label, basis, sanction, note: (
        DeadlineText.select(DeadlineText.id)
        .where(
            DeadlineText.label == label,
            DeadlineText.basis == basis,
            DeadlineText.sanction == sanction,
            DeadlineText.note == note,
        )
        .limit(1)
        .tuples()
    ),
    4,
)


class _TextAccessor(FieldAccessor):
    """A deadline's label, basis, sanction or note: the catalogue's when the row points to
    one (`text_id`), else its own. Setting a different value on a catalogue row first gives
    the row its own copy of the four texts, so nothing else changes."""

    def __get__(self, instance, _owner=None):
        if instance is None:
            return self.field
        text_id = instance.__data__.get("text")
        if text_id is None:
            return instance.__data__.get(self.name)
        return catalogue_text(text_id)[TEXT_FIELDS.index(self.name)]

    def __set__(self, instance, value):
        text_id = instance.__data__.get("text")
        if text_id is not None:
            own = catalogue_text(text_id)
            if own[TEXT_FIELDS.index(self.name)] == value:
                return
            for name, text in zip(TEXT_FIELDS, own, strict=True):
                instance.__data__[name] = text
                instance._dirty.add(name)
            instance.__data__["text"] = None
            instance._dirty.add("text")
        super().__set__(instance, value)


class _TextChar(CharField):
    accessor_class = _TextAccessor


class _TextText(TextField):
    accessor_class = _TextAccessor


class Deadline(BaseModel):
    dossier = ForeignKeyField(Dossier, backref="deadlines", on_delete="CASCADE")
    procedure_id = CharField(default="")
    step_id = CharField(default="")
    rule_id = CharField(default="")
    kind = CharField(default="last_day")  # last_day | earliest_day | expiry
    due_date = DateField()
    # The text (m0017): "" in these four columns and the catalogue's row in `text` for the
    # deadlines the rules make; a deadline typed by hand, or edited, holds its own text.
    label = _TextChar(default="")
    basis = _TextChar(default="")
    sanction = _TextChar(default="")
    note = _TextText(default="")
    assigned_to = ForeignKeyField(User, null=True)
    done = BooleanField(default=False)
    done_on = DateField(null=True)
    done_by = ForeignKeyField(User, null=True)
    done_reason = TextField(default="")
    created_at = DateTimeField()
    original_due_date = DateField(null=True)  # set by the first move (m0004)
    moved_reason = TextField(default="")  # reason of the last move
    unverified = BooleanField(default=False)  # the rule has a point marked unverified: see note
    debtor = ForeignKeyField(Debtor, null=True, on_delete="SET NULL")  # the served party, when dates differ (m0010)
    suspended_reason = TextField(default="")  # non-empty: the délai does not run yet (m0010, CPCE L412-5)
    version = IntegerField(default=1)  # optimistic locking of edits (m0014)
    text = ForeignKeyField(DeadlineText, null=True)  # m0017: the text from the catalogue

    # Declared for the type checker only (Peewee makes them; annotations are not fields).
    dossier_id: ForeignKeyField[int]
    text_id: ForeignKeyField[int | None]
    assigned_to_id: ForeignKeyField[int | None]
    done_by_id: ForeignKeyField[int | None]
    debtor_id: ForeignKeyField[int | None]


class TimelineEvent(BaseModel):
    # No index of its own: m0002's (dossier_id, occurred_on) serves it (m0030).
    dossier = ForeignKeyField(Dossier, backref="events", on_delete="CASCADE", index=False)
    occurred_on = DateField()
    kind = CharField()
    text = TextField()
    user = ForeignKeyField(User, null=True)
    created_at = DateTimeField()

    # Declared for the type checker only (Peewee makes them; annotations are not fields).
    dossier_id: ForeignKeyField[int]
    user_id: ForeignKeyField[int | None]


class AuditEntry(BaseModel):
    """Who changed what and when, with the values before and after (JSON). Append-only and
    hash-chained like the ledger (m0013, models/chain.py)."""

    at = DateTimeField()
    user_login = CharField()
    action = CharField()
    table_name = CharField()
    row_id = CharField()
    dossier = ForeignKeyField(Dossier, null=True, on_delete="SET NULL")
    before = TextField(default="")
    after = TextField(default="")
    prev_hash = CharField(default="")  # m0013
    row_hash = CharField(default="")

    # Declared for the type checker only (Peewee makes them; annotations are not fields).
    dossier_id: ForeignKeyField[int | None]
