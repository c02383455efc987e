"""Rates the étude enters itself, for periods the shipped tables lack (see rules/rates.py)."""

from peewee import CharField, DateField, DateTimeField, TextField

from clerc_tui.models.base import BaseModel
from clerc_tui.models.fields import DecimalTextField


class EtudeRate(BaseModel):
    """One row of the legal-rate (`legal`, per creditor category) or ECB (`ecb`) table."""

    rate_table = CharField()  # legal | ecb
    category = CharField(null=True)  # particulier | autres (legal); NULL for the ECB
    valid_from = DateField()
    valid_to = DateField()
    value = DecimalTextField()  # exact decimal text, percent per year
    source = TextField()
    entered_by = CharField()  # login
    entered_at = DateTimeField()

    class Meta:
        table_name = "etude_rate"
