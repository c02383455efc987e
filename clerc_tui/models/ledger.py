"""The dossier's ledger: fees, disbursements, payments and reversals, append-only.

A row is never updated nor deleted (the database refuses it, migration m0003): a mistake
or a rejected cheque is a `reversal` row whose `reverses` points at the entry it cancels.
Amounts are always positive; the kind says which way the money goes.
"""

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, TextField

from clerc_tui.models.base import BaseModel
from clerc_tui.models.dossier import Dossier
from clerc_tui.models.fields import MoneyField

FEE = "fee"
DISBURSEMENT = "disbursement"
PAYMENT = "payment"
REVERSAL = "reversal"
LEDGER_KINDS = {FEE: "Émolument", DISBURSEMENT: "Débours", PAYMENT: "Paiement", REVERSAL: "Annulation"}
PAYMENT_MODES = {
    "virement": "Virement",
    "cheque": "Chèque",
    "carte": "Carte bancaire",
    "especes": "Espèces",
    "prelevement": "Prélèvement",
    "paiement_direct": "Paiement direct au créancier",
    "": "—",
}


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
    reverses = ForeignKeyField("self", null=True, backref="reversed_by")
    reason = TextField(default="")
    created_by = CharField()  # login
    created_at = DateTimeField()

    class Meta:
        table_name = "ledger_entry"
