from peewee import Model

from clerc_tui.models.db import database


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False
