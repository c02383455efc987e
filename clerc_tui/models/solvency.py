"""The debtor's solvency file: dated, sourced facts, appended and never changed.

A correction or an end (« a quitté l'employeur le … ») is a new row that `supersedes` the one it
replaces: what was recorded stays recorded (triggers refuse UPDATE and DELETE, m0019). The
current file is the rows no other row supersedes (services/solvency.py)."""

from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, TextField

from clerc_tui.models.base import BaseModel
from clerc_tui.models.etude import User
from clerc_tui.models.fields import MoneyField
from clerc_tui.models.parties import Debtor


class SolvencyFact(BaseModel):
    debtor = ForeignKeyField(Debtor, backref="solvency_facts")
    # employment, income, bank_account, vehicle, real_estate, dependant, carence, other_creditor
    # (rules/solvency.py KINDS)
    kind = CharField()
    label = CharField(default="")  # the employer, the bank, the vehicle, the other creditor…
    detail = TextField(default="")  # address, IBAN, registration, what was found
    amount = MoneyField(null=True)  # net monthly pay, other income, a balance, a value
    known_on = DateField(null=True)  # the date of the information (a FICOBA answer's date); NULL: undated
    source = CharField()  # rules/solvency.py SOURCES
    ended_on = DateField(null=True)  # the fact stopped being true (left the employer, account closed)
    supersedes = ForeignKeyField("self", null=True, unique=True, backref="superseded_by")
    # A correction of a fact of the debtor card (read-through, never copied): « debtor_bank_account:12 »,
    # « debtor_asset:3 », « debtor_dependant:5 », « debtor:7:employer »; "" otherwise.
    card_ref = CharField(default="", index=True)
    recorded_by = ForeignKeyField(User)
    recorded_at = DateTimeField()

    debtor_id: ForeignKeyField[int]
    supersedes_id: ForeignKeyField[int | None]
    recorded_by_id: ForeignKeyField[int]
