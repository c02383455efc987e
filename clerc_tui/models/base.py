"""The base of every model: the database it is bound to, and the implicit primary key."""

from __future__ import annotations

from typing import Any, Self

from peewee import AutoField, ForeignKeyAccessor, Model, ModelBase

from clerc_tui.models.db import database
from clerc_tui.models.prepared import Prepared

# `BaseModel.by_id`'s select of each model, its SQL written once per dialect.
_BY_ID: dict[type, Prepared] = {}


class _RowAccessor(ForeignKeyAccessor):
    """peewee's accessor of a foreign key (`dossier.creditor`), the row it points to read by
    `by_id` (its SQL written once) rather than by `rel_model.get(...)` written on every read:
    the same row, the same DoesNotExist when it is missing."""

    def get_rel_instance(self, instance: Any) -> Any:
        field, name = self.field, self.name
        if name not in instance.__rel__ and field.lazy_load and field.rel_field is self.rel_model._meta.primary_key:
            value = instance.__data__.get(name)
            if type(value) is int:
                instance.__rel__[name] = self.rel_model.get_by_id(value)
        return super().get_rel_instance(instance)


class _Models(ModelBase):
    """peewee's metaclass, each foreign key of the model read through `_RowAccessor`."""

    def __new__(mcs, name, bases, attrs, **kwargs):
        cls = super().__new__(mcs, name, bases, attrs, **kwargs)
        for field in cls._meta.refs:
            if type(vars(cls).get(field.name)) is ForeignKeyAccessor:
                setattr(cls, field.name, _RowAccessor(cls, field, field.name))
        return cls


class BaseModel(Model, metaclass=_Models):
    # Peewee adds the `id` AutoField itself (no model declares another primary key); the
    # annotation only tells the type checker, Peewee never reads annotations (tests/test_models_typing.py).
    id: AutoField[int]

    class Meta:
        database = database
        legacy_table_names = False

    @classmethod
    def by_id(cls, pk: int | None) -> Self | None:
        """The row of that primary key, None if there is none: what `get_or_none(cls.id == pk)`
        gives, its SQL written once per model and dialect (models/prepared.py), not on every
        call (~0.4 ms for the dossier's 50 columns). A key that is not an int (peewee converts
        it) goes to peewee's `get_or_none`."""
        if type(pk) is not int:
            return cls.get_or_none(cls._meta.primary_key == pk)
        prepared = _BY_ID.get(cls)
        if prepared is None:
            prepared = _BY_ID[cls] = Prepared(lambda key: cls.select().where(cls._meta.primary_key == key).limit(1))
        rows = prepared.rows(pk)
        return rows[0] if rows else None

    @classmethod
    def get_by_id(cls, pk: Any) -> Self:
        """peewee's `get_by_id` (DoesNotExist when there is no such row) through `by_id`; a key
        that is not an int (peewee converts it) goes to peewee's."""
        if type(pk) is not int:
            return super().get_by_id(pk)
        row = cls.by_id(pk)
        if row is None:
            missing = getattr(cls, "DoesNotExist")  # noqa: B009 - made by peewee per model, not in its stubs
            raise missing(f"{cls.__name__} instance matching query does not exist: id {pk}")
        return row
