"""Creditors (mandants) and debtors, with what is known of each debtor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import BooleanField, CharField, DateField, ForeignKeyField, ModelSelect, TextField

from clerc_tui.models.base import BaseModel
from clerc_tui.models.fields import MoneyField

if TYPE_CHECKING:
    from clerc_tui.models.dossier import Dossier, DossierDebtor


class Creditor(BaseModel):
    kind = CharField(default="morale")  # physique | morale
    # A natural person acting outside professional needs: the higher legal-interest rate
    # applies (art. L313-2 CMF); everyone else is "autres cas".
    is_individual = BooleanField(default=False)
    activity = CharField(default="autre")
    civility = CharField(default="")
    first_name = CharField(default="")
    last_name = CharField(default="")
    company_name = CharField(default="")
    siren = CharField(default="")
    siret = CharField(default="")
    street = CharField(default="")
    postcode = CharField(default="")
    city = CharField(default="")
    country = CharField(default="France")
    email = CharField(default="")
    phone = CharField(default="")
    iban = CharField(default="")
    bic = CharField(default="")
    display_name = CharField(index=True)
    search_name = CharField(index=True)

    # Declared for the type checker only (Peewee makes them; annotations are not fields).
    dossiers: ModelSelect[Dossier]


class Debtor(BaseModel):
    kind = CharField(default="physique")
    civility = CharField(default="")
    first_name = CharField(default="")
    last_name = CharField(default="")
    company_name = CharField(default="")
    birth_date = DateField(null=True)
    birth_place = CharField(default="")
    siren = CharField(default="")
    employer_name = CharField(default="")
    employer_address = TextField(default="")
    notes = TextField(default="")
    display_name = CharField()
    search_name = CharField(index=True)

    # Declared for the type checker only (Peewee makes them; annotations are not fields).
    dossier_links: ModelSelect[DossierDebtor]
    addresses: ModelSelect[DebtorAddress]
    contacts: ModelSelect[DebtorContact]
    bank_accounts: ModelSelect[DebtorBankAccount]
    assets: ModelSelect[DebtorAsset]
    dependants: ModelSelect[DebtorDependant]


class DebtorAddress(BaseModel):
    debtor = ForeignKeyField(Debtor, backref="addresses", on_delete="CASCADE")
    street = CharField()
    postcode = CharField(default="")
    city = CharField(default="")
    country = CharField(default="France")
    is_current = BooleanField(default=True)
    since = DateField(null=True)

    debtor_id: ForeignKeyField[int]


class DebtorContact(BaseModel):
    """A phone number or an e-mail address of a debtor."""

    debtor = ForeignKeyField(Debtor, backref="contacts", on_delete="CASCADE")
    kind = CharField()  # phone | email
    value = CharField()
    label = CharField(default="")

    debtor_id: ForeignKeyField[int]


class DebtorBankAccount(BaseModel):
    debtor = ForeignKeyField(Debtor, backref="bank_accounts", on_delete="CASCADE")
    bank_name = CharField(default="")
    iban = CharField(default="")

    debtor_id: ForeignKeyField[int]


class DebtorAsset(BaseModel):
    debtor = ForeignKeyField(Debtor, backref="assets", on_delete="CASCADE")
    kind = CharField()  # vehicule, immeuble, mobilier, parts_sociales, autre
    description = TextField(default="")
    estimated_value = MoneyField(null=True)

    debtor_id: ForeignKeyField[int]


class DebtorDependant(BaseModel):
    """A person in the debtor's charge (art. R3252-3 C. trav. for the salary seizure barème)."""

    debtor = ForeignKeyField(Debtor, backref="dependants", on_delete="CASCADE")
    relation = CharField()  # conjoint, enfant, ascendant
    name = CharField(default="")
    birth_date = DateField(null=True)

    debtor_id: ForeignKeyField[int]
