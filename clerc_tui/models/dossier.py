"""The recovery file: parties, executory title, claim items, interest terms."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, ModelSelect, TextField

from clerc_tui.models.base import BaseModel
from clerc_tui.models.etude import User
from clerc_tui.models.fields import DecimalTextField, MoneyField
from clerc_tui.models.parties import Creditor, Debtor

if TYPE_CHECKING:
    from clerc_tui.models.acts import Act
    from clerc_tui.models.ledger import DossierAccount, LedgerEntry
    from clerc_tui.models.tracking import Deadline, TimelineEvent


class Dossier(BaseModel):
    reference = CharField(unique=True)
    creditor = ForeignKeyField(Creditor, backref="dossiers")
    nature = CharField(default="autre")
    phase = CharField(default="amiable")
    assigned_to = ForeignKeyField(User, null=True, backref="dossiers")
    opened_on = DateField()
    closed_on = DateField(null=True)
    # Titre exécutoire
    title_kind = CharField(default="")
    title_court = CharField(default="")
    title_reference = CharField(default="")
    title_date = DateField(null=True)
    title_signified_on = DateField(null=True)
    title_enforceable_on = DateField(null=True)
    # Interest terms
    interest_kind = CharField(default="legal")
    contractual_rate = DecimalTextField(null=True)
    # Contractual interest only: civil (365/366, default), 365 or 360 (docs/law/interest.md).
    contractual_day_basis = CharField(default="civil")
    interest_from = DateField(null=True)
    # L313-3 CMF: +5 points, reducible by the JEX (0–5).
    majoration_points = IntegerField(default=5)
    capitalisation_from = DateField(null=True)
    allocation_order = CharField(default="frais,interets,principal")
    zone = CharField(default="metropole")
    notes = TextField(default="")
    # Kept by the services so that the list pages in SQL at 100,000 dossiers.
    debtor_name = CharField(default="")
    creditor_name = CharField(default="")
    balance = MoneyField(default=Decimal("0.00"))
    version = IntegerField(default=1)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    # Declared for the type checker only (Peewee makes them; annotations are not fields).
    creditor_id: ForeignKeyField[int]
    assigned_to_id: ForeignKeyField[int | None]
    debtor_links: ModelSelect[DossierDebtor]
    claim_items: ModelSelect[ClaimItem]
    deadlines: ModelSelect[Deadline]
    events: ModelSelect[TimelineEvent]
    ledger_entries: ModelSelect[LedgerEntry]
    account: ModelSelect[DossierAccount]
    acts: ModelSelect[Act]


class DossierDebtor(BaseModel):
    """A debtor of the dossier; several rows are co-obligés."""

    # No index of its own: the unique (dossier, debtor) serves it (m0030).
    dossier = ForeignKeyField(Dossier, backref="debtor_links", on_delete="CASCADE", index=False)
    debtor = ForeignKeyField(Debtor, backref="dossier_links")
    position = IntegerField(default=0)

    dossier_id: ForeignKeyField[int]
    debtor_id: ForeignKeyField[int]

    class Meta:
        indexes = ((("dossier", "debtor"), True),)


class ClaimItem(BaseModel):
    dossier = ForeignKeyField(Dossier, backref="claim_items", on_delete="CASCADE")
    kind = CharField()
    label = CharField(default="")
    amount = MoneyField()
    due_on = DateField(null=True)
    # Its interest terms (m0021, docs/law/interest.md §6): `dossier` (the dossier's: the
    # contract's sums), `legal` (the legal rate, as art. 1231-7 C. civ. gives an indemnity
    # awarded by a judgment) or `none`; from `interest_from` (NULL: the dossier's start for
    # `dossier`, the title's date for `legal`).
    interest_regime = CharField(max_length=16, default="dossier")
    interest_from = DateField(null=True)

    dossier_id: ForeignKeyField[int]
