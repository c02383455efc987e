"""The dossier's ledger: fees, disbursements, payments and reversals, append-only.

A row is never updated nor deleted (the database refuses it, migration m0003), an existing
id is never inserted again (m0013: INSERT OR REPLACE is refused), and each row is chained to
the one before it by a hash (models/chain.py, checked by `clerc check`): a mistake
or a rejected cheque is a `reversal` row whose `reverses` points at the entry it cancels.
Amounts are always positive; the kind says which way the money goes.
"""

from __future__ import annotations

from peewee import (
    BigIntegerField,
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
from clerc_tui.models.fields import MoneyField
from clerc_tui.models.parties import Creditor
from clerc_tui.rules.ledger import DEBTOR


class LedgerEntry(BaseModel):
    dossier = ForeignKeyField(Dossier, backref="ledger_entries")
    kind = CharField()  # fee | disbursement | payment | reversal
    entry_date = DateField()
    value_date = DateField(null=True)
    amount = MoneyField()  # always > 0
    label = CharField(default="")
    mode = CharField(default="")
    payer = CharField(default="")
    bank_reference = CharField(default="")
    reverses: ForeignKeyField[LedgerEntry | None] = ForeignKeyField(
        "self", null=True, unique=True, backref="reversed_by"
    )  # reversed once
    reason = TextField(default="")
    created_by = CharField()  # login
    created_at = DateTimeField()
    # m0006
    bearer = CharField(default=DEBTOR)  # who bears a fee or disbursement
    breakdown = TextField(default="")  # JSON of an act billed at the tariff
    document_number = CharField(null=True, unique=True)  # invoice / credit note / receipt number
    support_reference = CharField(default="")  # voucher of a débours
    run_id = IntegerField(null=True)  # RemittanceRun of a reversement
    # m0013: the hash chain (models/chain.py); written by `chain.append`, never by hand.
    prev_hash = CharField(default="")
    row_hash = CharField(default="")

    # Declared for the type checker only (Peewee makes them; annotations are not fields).
    dossier_id: ForeignKeyField[int]
    reverses_id: ForeignKeyField[int | None]
    reversed_by: ModelSelect[LedgerEntry]
    snapshots: ModelSelect[DocumentSnapshot]

    class Meta:
        table_name = "ledger_entry"


class DossierAccount(BaseModel):
    """Running totals of a dossier's ledger, in cents, kept by the services (m0006);
    `clerc check` recomputes them from the entries."""

    dossier = ForeignKeyField(Dossier, unique=True, backref="account")
    charged = BigIntegerField(default=0)  # debtor-borne fees and disbursements
    paid = BigIntegerField(default=0)
    creditor_charged = BigIntegerField(default=0)  # creditor-borne charges (A444-32…)
    remitted = BigIntegerField(default=0)
    refunded = BigIntegerField(default=0)
    balance_on = DateField(null=True)  # date `Dossier.balance` was computed at
    updated_at = DateTimeField()

    dossier_id: ForeignKeyField[int]

    class Meta:
        table_name = "dossier_account"


class RemittanceRun(BaseModel):
    run_on = DateField()
    total = BigIntegerField()
    entries = IntegerField()
    created_by = CharField()
    created_at = DateTimeField()
    transfers = TextField(null=True)  # m0012: the transfer file (CSV) as written with the run
    sepa = TextField(null=True)  # m0026: the pain.001.001.09 document (XML) as written with the run
    state = CharField(default="complete")  # m0015: « running » until its file is written and stored
    # m0015: the one creditor the run pays (None: all); a foreign key in the base, read as `creditor_id`.
    creditor = ForeignKeyField(Creditor, null=True, backref="+")
    creditor_id: ForeignKeyField[int | None]

    class Meta:
        table_name = "remittance_run"


class DocumentSnapshot(BaseModel):
    """An invoice, credit note or receipt as issued (m0012), append-only: reprints read it."""

    document_number = CharField(unique=True)
    entry = ForeignKeyField(LedgerEntry, backref="snapshots")
    data = TextField()  # JSON: title, rows, notes
    issued_at = DateTimeField()

    entry_id: ForeignKeyField[int]

    class Meta:
        table_name = "document_snapshot"
