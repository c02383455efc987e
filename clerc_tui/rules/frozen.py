"""Frozen dataclasses built by the hundred in a décompte (lines, allocations, segments).

`built(cls, **fields)` makes the instance with its fields set at once, not through the frozen
dataclass's __init__, which sets each field with one `object.__setattr__` call (a tenth of the
décompte's time, bench/bench_statement.py). Only for classes without __post_init__ and values
already checked: the instance is the same (equal, same repr and hash; tests/rules check it)."""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


def built(cls: type[T], **fields: Any) -> T:
    instance = object.__new__(cls)
    instance.__dict__.update(fields)
    return instance
