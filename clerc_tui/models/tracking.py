"""What happens to a dossier: deadlines, timeline, and the audit trail of every change."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from clerc_tui.models.base import BaseModel
from clerc_tui.models.dossier import Dossier
from clerc_tui.models.etude import User
from clerc_tui.models.parties import Debtor


class Deadline(BaseModel):
    dossier = ForeignKeyField(Dossier, backref="deadlines", on_delete="CASCADE")
    procedure_id = CharField(default="")
    step_id = CharField(default="")
    rule_id = CharField(default="")
    kind = CharField(default="last_day")  # last_day | earliest_day | expiry
    due_date = DateField()
    label = CharField()
    basis = CharField(default="")
    sanction = CharField(default="")
    note = TextField(default="")
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

    # Declared for the type checker only (Peewee makes them; annotations are not fields).
    dossier_id: ForeignKeyField[int]
    assigned_to_id: ForeignKeyField[int | None]
    done_by_id: ForeignKeyField[int | None]
    debtor_id: ForeignKeyField[int | None]


class TimelineEvent(BaseModel):
    dossier = ForeignKeyField(Dossier, backref="events", on_delete="CASCADE")
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
