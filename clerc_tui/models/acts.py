"""Acts drafted from a dossier and the ticks of their manual mentions (schema: m0007)."""

from __future__ import annotations

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    ModelSelect,
    TextField,
)

from clerc_tui.models.base import BaseModel
from clerc_tui.models.dossier import Dossier
from clerc_tui.models.ledger import LedgerEntry


class Act(BaseModel):
    dossier = ForeignKeyField(Dossier, backref="acts")
    act_type = CharField()
    state = CharField(default="draft")  # draft | verified | served | cancelled
    act_date = DateField()
    fields = TextField(default="{}")
    body = TextField(default="")
    total_cents = BigIntegerField(null=True)
    created_by = CharField()
    created_at = DateTimeField()
    verified_by = CharField(null=True)
    verified_at = DateTimeField(null=True)
    served_on = DateField(null=True)
    service_mode = CharField(null=True)
    served_by = CharField(null=True)
    cancelled_reason = TextField(default="")
    version = IntegerField(default=1)
    decompte = TextField(default="")  # JSON, frozen at verification (m0014)
    # The ledger fee line billing the act (m0014: a foreign key in the base); read as `fee_entry_id`.
    fee_entry = ForeignKeyField(LedgerEntry, null=True, backref="+")
    fee_entry_id: ForeignKeyField[int | None]  # made by peewee for the foreign key (the id on a row)

    # Declared for the type checker only (Peewee makes them; annotations are not fields).
    dossier_id: ForeignKeyField[int]
    ticks: ModelSelect[ActMention]


class ActMention(BaseModel):
    act = ForeignKeyField(Act, backref="ticks")
    mention_id = CharField()
    ticked = BooleanField(default=False)
    ticked_by = CharField()
    ticked_at = DateTimeField()

    act_id: ForeignKeyField[int]

    class Meta:
        table_name = "act_mention"
        indexes = ((("act", "mention_id"), True),)
