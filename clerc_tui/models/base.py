"""The base of every model: the database it is bound to, and the implicit primary key."""

from __future__ import annotations

from peewee import AutoField, Model

from clerc_tui.models.db import database


class BaseModel(Model):
    # Peewee adds the `id` AutoField itself (no model declares another primary key); the
    # annotation only tells the type checker, Peewee never reads annotations (tests/test_models_typing.py).
    id: AutoField[int]

    class Meta:
        database = database
        legacy_table_names = False
