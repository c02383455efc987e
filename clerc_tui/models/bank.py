"""Bank statements imported and their credit lines (m0025), decided by the clercs
(services/bank.py, docs/bank.md)."""

from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from clerc_tui.models.base import BaseModel
from clerc_tui.models.dossier import Dossier
from clerc_tui.models.etude import User
from clerc_tui.models.fields import MoneyField
from clerc_tui.models.ledger import LedgerEntry


class BankStatement(BaseModel):
    file_digest = CharField(max_length=64, unique=True)  # SHA-256 of the file: one import per file
    file_name = CharField()
    format = CharField(max_length=32)  # camt.053 | cfonb120 (rules/bank_formats.py)
    version = CharField(max_length=32)  # camt.053.001.02…
    account = CharField()
    identifier = CharField()
    first_day = DateField(null=True)
    last_day = DateField(null=True)
    opening = MoneyField(null=True)
    closing = MoneyField(null=True)
    credits = IntegerField()  # credit lines stored from this file
    already_known = IntegerField()  # credit lines already stored from an earlier statement
    warnings = TextField()
    imported_by = ForeignKeyField(User)
    imported_at = DateTimeField()

    imported_by_id: ForeignKeyField[int]


class BankLine(BaseModel):
    statement = ForeignKeyField(BankStatement, backref="lines")
    position = IntegerField()  # order in the file
    place = CharField()  # « Ligne 12 », « Écriture 3 »: where it is in the file
    line_key = CharField(max_length=1000, unique=True)  # rules/bank_formats.line_key
    booked_on = DateField()
    value_on = DateField(null=True)
    amount = MoneyField()
    label = TextField()
    debtor_name = CharField()
    debtor_iban = CharField(max_length=64)
    bank_reference = CharField()
    end_to_end = CharField()
    status = CharField(max_length=16, index=True)  # open | recorded | set_aside
    dossier = ForeignKeyField(Dossier, null=True)
    entry = ForeignKeyField(LedgerEntry, null=True, unique=True)
    reason = TextField()
    decided_by = ForeignKeyField(User, null=True)
    decided_at = DateTimeField(null=True)
    version = IntegerField()

    statement_id: ForeignKeyField[int]
    dossier_id: ForeignKeyField[int | None]
    entry_id: ForeignKeyField[int | None]
    decided_by_id: ForeignKeyField[int | None]
