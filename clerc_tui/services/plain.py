"""Rows into plain values: what a service hands to screens, the app and the command line is a
frozen dataclass, never a Peewee row (tests/services/test_plain_results.py checks it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar, cast

from peewee import BaseQuery

from clerc_tui.models.prepared import Prepared, dialect

T = TypeVar("T")


def plain(cls: type[T], row: Any, **given: Any) -> T:
    """The dataclass `cls` filled from the row's attributes of the same names (a foreign key
    is read as `creditor_id`, `assigned_to_id`…: its id, without a query), except the fields
    `given` (values the row does not hold, such as its dossier's reference) and those with a
    default the row has no attribute for."""
    values = {
        f.name: given[f.name] if f.name in given else getattr(row, f.name)
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.name in given or f.default is dataclasses.MISSING or hasattr(row, f.name)
    }
    return cls(**values)


def tuples(query: BaseQuery) -> Iterator[tuple[Any, ...]]:
    """The rows of a select as plain tuples, in the order of its columns. peewee's stubs type
    `.tuples()` as the query itself (iterating over model rows): this is the one place that
    says what it really yields."""
    return iter(cast("Iterable[tuple[Any, ...]]", query.tuples()))


__all__ = ["Prepared", "dialect", "plain", "tuples"]  # Prepared and dialect: models/prepared.py
