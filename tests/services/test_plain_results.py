"""Services hand plain values to screens, the app and the command line, never a Peewee row or
query: no public function of `clerc_tui.services` may be annotated to return a model (nor a
list, tuple, union or dataclass that holds one), and every one carries a return annotation so
that this test sees what it returns (issue 11, « Services return plain dataclasses »)."""

import dataclasses
import importlib
import inspect
import pkgutil
import typing

from peewee import Model, ModelSelect

import clerc_tui.services

# Public functions that still return rows, by function name (the `ledger` branch moves them
# to new modules), each with the branch that removes it. The lead empties this list when
# merging those branches: an entry left here is a failure waiting to be fixed, never a licence.
STILL_ROWS: dict[str, str] = {
    # The journal core's row helpers (services/ledger.py), which billing, payments, balances
    # and remittances call inside their own write transactions: services among themselves,
    # never handed to a screen or the CLI (the layer contract forbids those the models).
    "ensure_account": "ledger",  # DossierAccount
    "existing_dossier": "ledger",  # Dossier
}


def _bare(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _public_functions():
    for info in pkgutil.iter_modules(clerc_tui.services.__path__):
        module = importlib.import_module(f"clerc_tui.services.{info.name}")
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value) or value.__module__ != module.__name__:
                continue
            yield f"{info.name}.{name}", value


def _rows_in(annotation, seen: set) -> list[str]:
    """The model (or query) classes an annotation is, or holds, through generics, unions and
    dataclass fields."""
    if isinstance(annotation, list):  # the parameters of a Callable[[…], …]
        return [row for argument in annotation for row in _rows_in(argument, seen)]
    if annotation in seen:
        return []
    seen.add(annotation)
    if isinstance(annotation, type):
        if issubclass(annotation, (Model, ModelSelect)):
            return [annotation.__name__]
        if dataclasses.is_dataclass(annotation):
            hints = typing.get_type_hints(annotation, include_extras=False)
            return [row for hint in hints.values() for row in _rows_in(hint, seen)]
    found = []
    for argument in typing.get_args(annotation):
        found += _rows_in(argument, seen)
    return found


def _findings() -> dict[str, str]:
    findings = {}
    for name, function in _public_functions():
        annotation = function.__annotations__.get("return", inspect.Signature.empty)
        if annotation is inspect.Signature.empty:
            findings[name] = "no return annotation"
            continue
        if isinstance(annotation, str):  # `from __future__ import annotations`
            try:
                annotation = eval(annotation, function.__globals__)  # our own annotations
            except NameError as error:  # a name imported under TYPE_CHECKING only: unseen, so refused
                findings[name] = f"return annotation does not resolve at run time ({error})"
                continue
        rows = _rows_in(annotation, set())
        if rows:
            findings[name] = "returns " + ", ".join(sorted(set(rows)))
    return findings


def test_services_return_plain_values():
    findings = {name: why for name, why in _findings().items() if _bare(name) not in STILL_ROWS}
    assert not findings, "\n".join(f"{name}: {why}" for name, why in sorted(findings.items()))


def test_the_allow_list_only_names_what_still_returns_rows():
    stale = sorted(set(STILL_ROWS) - {_bare(name) for name in _findings()})
    assert not stale, f"fixed, remove from STILL_ROWS: {stale}"


def test_the_check_sees_rows_inside_generics_and_dataclasses():
    from clerc_tui.models import Dossier

    @dataclasses.dataclass
    class Holder:
        rows: list[Dossier]

    assert _rows_in(Dossier | None, set()) == ["Dossier"]
    assert _rows_in(tuple[int, list[Dossier]], set()) == ["Dossier"]
    assert _rows_in(Holder, set()) == ["Dossier"]
    assert _rows_in(dict[str, int], set()) == []
