"""Frozen dataclasses built by the hundred in a décompte (lines, allocations, segments).

`maker(cls)` writes a function that makes an instance with its fields set at once, not through
the frozen dataclass's __init__, which sets each field with one `object.__setattr__` call (a
tenth of the décompte's time, bench/bench_statement.py): it takes the fields in their order and
stores each in the instance's dict (keyword arguments would cost ~40 % of an instance, valgrind
instruction counts). Only for classes without __post_init__ and values already checked: the
instance is the same (equal, same repr and hash; tests/rules check it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, fields
from typing import Any, TypeVar

T = TypeVar("T")


def maker(cls: type[T]) -> Callable[..., T]:
    """A function `make(*fields)` for `cls`, written out from its fields (as `dataclasses` writes
    the __init__ it generates), their defaults included."""
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    params, stores = [], []
    for field in fields(cls):  # type: ignore[arg-type]
        if not field.name.isidentifier() or field.default_factory is not MISSING:  # pragma: no cover
            raise ValueError(f"{cls.__name__}.{field.name}")
        if field.default is MISSING:
            params.append(field.name)
        else:
            scope[f"default_{field.name}"] = field.default
            params.append(f"{field.name}=default_{field.name}")
        stores.append(f"    d[{field.name!r}] = {field.name}\n")
    source = f"def make({', '.join(params)}):\n    o = new(cls)\n    d = o.__dict__\n{''.join(stores)}    return o\n"
    exec(source, scope)  # the source is built from the dataclass's own field names
    make: Callable[..., T] = scope["make"]
    return make
