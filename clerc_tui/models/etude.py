"""The étude itself, its users, and the numbering sequences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peewee import BooleanField, CharField, IntegerField, ModelSelect, TextField

from clerc_tui.models.base import BaseModel

if TYPE_CHECKING:
    from clerc_tui.models.dossier import Dossier


class Etude(BaseModel):
    """One row: the étude's identity and its calculation settings (printed on décomptes)."""

    name = CharField()
    commissaire_name = CharField(default="")
    address = TextField(default="")
    postcode = CharField(default="")
    city = CharField(default="")
    siren = CharField(default="")
    phone = CharField(default="")
    email = CharField(default="")
    # docs/law/statement.md §1: `end_minus_start` (default) or `inclusive_both`.
    day_count = CharField(default="end_minus_start")
    # `per_line` (default) or `total`.
    rounding = CharField(default="per_line")
    # m0008: interest collected counts in the base of A444-31 / A444-32 (default: excluded).
    fee_base_interest = BooleanField(default=False)
    # m0019: a solvency fact older than this many months is shown « ancienne » (rules/solvency.py).
    solvency_stale_months = IntegerField(default=6)
    # m0020: the étude is the commissaire répartiteur of its wage seizures (six-week répartitions).
    wage_repartiteur = BooleanField(default=False)
    # m0022: the hours the étude contacts debtors (rules/amicable.parse_hours) and the ceiling of
    # contacts per debtor over a rolling 30 days (docs/law/amicable.md).
    contact_hours = CharField(default="lun-ven 10:00-13:00 14:00-20:00")
    contact_ceiling = IntegerField(default=4)
    # m0026: the étude's own account (compte de tiers), the debtor of the pain.001 transfer file.
    bank_iban = CharField(default="")
    bank_bic = CharField(default="")
    # m0023: days after an instalment's date before it counts as missed (rules/plans.py).
    plan_grace_days = IntegerField(default=8)
    # True only in a base built by `clerc demo`: the only kind `clerc demo --force` may replace.
    demo = BooleanField(default=False)


class User(BaseModel):
    login = CharField(unique=True)
    name = CharField()
    role = CharField(default="clerc")
    active = BooleanField(default=True)

    # Declared for the type checker only (Peewee makes it; annotations are not fields).
    dossiers: ModelSelect[Dossier]


class Sequence(BaseModel):
    """Continuous numbering (dossier references, later invoices), one counter per name and year."""

    name = CharField()
    year = IntegerField()
    last = IntegerField(default=0)

    class Meta:
        indexes = ((("name", "year"), True),)
