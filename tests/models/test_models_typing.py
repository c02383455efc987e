"""The models' annotations (`id`, `<fk>_id`, backrefs) are for the type checker only: they
must say what Peewee builds at run time, and must not change a model's fields."""

import pytest
from peewee import AutoField, ForeignKeyField

import clerc_tui.models
import clerc_tui.models.acts  # Act and ActMention are not re-exported
from clerc_tui.models.base import BaseModel
from clerc_tui.models.db import database


def _models() -> list[type[BaseModel]]:
    found, todo = [], list(BaseModel.__subclasses__())
    while todo:
        model = todo.pop()
        found.append(model)
        todo.extend(model.__subclasses__())
    return sorted(found, key=lambda model: model.__name__)


MODELS = _models()


def _own_annotations(model: type) -> dict[str, str]:
    # `from __future__ import annotations`: the raw strings, never evaluated.
    return dict(vars(model).get("__annotations__", {}))


def test_every_model_is_found():
    assert {"Dossier", "LedgerEntry", "Act", "ActMention", "AuditEntry"} <= {m.__name__ for m in MODELS}
    assert set(clerc_tui.models.__all__) <= {m.__name__ for m in MODELS}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_annotations_say_what_peewee_builds(model):
    meta = model._meta
    foreign_keys = {fk.object_id_name: fk for fk in meta.refs}
    backrefs = {fk.backref: fk.model for fk in meta.backrefs if fk.backref and fk.backref != "+"}
    for name, annotation in _own_annotations(model).items():
        if name in meta.fields:  # declared with its value (e.g. `reverses: ForeignKeyField[...] = ...`)
            assert name in vars(model)
        elif name in foreign_keys:
            # The class attribute `<fk>_id` is the foreign key field itself (a query column).
            assert getattr(model, name) is foreign_keys[name], name
            assert annotation.startswith("ForeignKeyField["), name
            assert ("None" in annotation) == foreign_keys[name].null, name
        elif name in backrefs:
            assert annotation == f"ModelSelect[{backrefs[name].__name__}]", name
        else:
            pytest.fail(f"{model.__name__}.{name}: annotated, but Peewee makes no such attribute")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_implicit_attribute_is_declared(model):
    """A new foreign key or named backref gets its annotation too (else the type checker refuses its use)."""
    declared: set[str] = set()
    for klass in model.__mro__:
        declared |= set(vars(klass).get("__annotations__", {}))
    assert "id" in declared
    assert isinstance(model._meta.primary_key, AutoField) and model._meta.primary_key.name == "id"
    for fk in model._meta.refs:
        assert isinstance(fk, ForeignKeyField)
        assert fk.object_id_name in declared, f"{model.__name__}.{fk.object_id_name}"
    for fk in model._meta.backrefs:
        if fk.declared_backref and fk.declared_backref != "+":  # `<model>_set` ones are not used
            assert fk.backref in declared, f"{fk.rel_model.__name__}.{fk.backref}"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_annotations_add_no_field(model, db_path):
    """The fields are exactly the columns of the migrated table: an annotation never became one."""
    columns = {column.name for column in database.get_columns(model._meta.table_name)}
    assert {field.column_name for field in model._meta.sorted_fields} == columns
