"""Payment plans (échéanciers): the plan agreed with the debtor and its instalments (m0023).

The terms are never edited in place: a new plan replaces the old one (`replaces`), which stays
« remplacé »; the instalments are append-only (triggers). Only the lifecycle columns change,
through services/plans.py (versioned, audited)."""

from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, ModelSelect, TextField

from clerc_tui.models.acts import Act
from clerc_tui.models.base import BaseModel
from clerc_tui.models.dossier import Dossier
from clerc_tui.models.etude import User
from clerc_tui.models.fields import MoneyField


class PaymentPlan(BaseModel):
    dossier = ForeignKeyField(Dossier, backref="payment_plans")
    kind = CharField()  # rules/plans.KINDS: amiable | petites_creances | pv_accord
    status = CharField(default="actif")  # rules/plans.STATUSES: actif | remplace | annule | respecte
    total = MoneyField()  # the décompte's total due on `starts_on`, what the instalments sum to
    starts_on = DateField()  # the day the plan was made: payments from this day count
    replaces = ForeignKeyField("self", null=True, unique=True, backref="replaced_by")
    letter_act = ForeignKeyField(Act, null=True, backref="+")  # the debtor's confirmation letter
    alerted_number = IntegerField(default=0)  # the missed instalment the last default alert was for
    ended_on = DateField(null=True)
    ended_reason = TextField(default="")
    created_by = ForeignKeyField(User)
    created_at = DateTimeField()
    version = IntegerField(default=1)

    # Declared for the type checker only (Peewee makes them; annotations are not fields).
    dossier_id: ForeignKeyField[int]
    replaces_id: ForeignKeyField[int | None]
    letter_act_id: ForeignKeyField[int | None]
    created_by_id: ForeignKeyField[int]
    instalments: ModelSelect[PaymentPlanInstalment]

    class Meta:
        table_name = "payment_plan"
        indexes = ((("dossier", "status"), False), (("status",), False))


class PaymentPlanInstalment(BaseModel):
    plan = ForeignKeyField(PaymentPlan, backref="instalments")
    number = IntegerField()
    due_on = DateField()
    amount = MoneyField()

    plan_id: ForeignKeyField[int]

    class Meta:
        table_name = "payment_plan_instalment"
        indexes = ((("plan", "number"), True),)
