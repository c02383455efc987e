"""The amicable desk (m0022): the scenario a dossier follows, the contacts made, the send log of
campaigns and the debtors' refusals of a channel. Contacts and opt-outs are append-only."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from clerc_tui.models.base import BaseModel
from clerc_tui.models.dossier import Dossier
from clerc_tui.models.etude import User
from clerc_tui.models.parties import Debtor


class AmicableEnrolment(BaseModel):
    dossier = ForeignKeyField(Dossier, unique=True, on_delete="CASCADE")
    scenario = CharField()  # data/scenarios.toml id
    round = IntegerField(default=1)  # enrolments of the dossier: part of the messages' keys
    steps_done = IntegerField(default=0)
    last_step_on = DateField(null=True)
    enrolled_on = DateField()
    status = CharField(index=True, default="active")  # active | paused | out | done
    paused_reason = TextField(default="")
    paused_until = DateField(null=True)
    version = IntegerField(default=1)
    updated_by = ForeignKeyField(User)
    updated_at = DateTimeField()

    dossier_id: ForeignKeyField[int]
    updated_by_id: ForeignKeyField[int]


class AmicableContact(BaseModel):
    dossier = ForeignKeyField(Dossier)
    debtor = ForeignKeyField(Debtor, null=True)
    at = DateTimeField()
    channel = CharField()  # letter | email | sms | phone
    scenario = CharField(default="")
    step = CharField(default="")
    send_key = CharField(default="")
    recipient = CharField(default="")
    subject = CharField(default="")
    content = TextField(default="")
    outcome = CharField()  # sent | skipped | refused | uncertain | promise | refusal | wrong_number | no_answer
    detail = TextField(default="")
    user = ForeignKeyField(User, null=True)

    class Meta:
        indexes = ((("debtor", "at"), False),)

    dossier_id: ForeignKeyField[int]
    debtor_id: ForeignKeyField[int | None]
    user_id: ForeignKeyField[int | None]


class AmicableSend(BaseModel):
    key = CharField(unique=True)
    dossier = ForeignKeyField(Dossier)
    channel = CharField()
    state = CharField()  # claimed | sent | failed
    claimed_at = DateTimeField()
    claimed_by = CharField()
    sent_at = DateTimeField(null=True)
    provider_id = CharField(default="")
    detail = TextField(default="")

    dossier_id: ForeignKeyField[int]


class AmicableOptout(BaseModel):
    debtor = ForeignKeyField(Debtor, index=False)
    channel = CharField()
    opted_out = BooleanField()
    reason = TextField(default="")
    recorded_by = ForeignKeyField(User)
    recorded_at = DateTimeField()

    class Meta:
        indexes = ((("debtor", "channel"), False),)

    debtor_id: ForeignKeyField[int]
    recorded_by_id: ForeignKeyField[int]
