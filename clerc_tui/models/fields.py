"""Column types: money as integer cents, rates as exact decimal text."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

from peewee import BigIntegerField, TextField

from clerc_tui.rules.money import from_cents, to_cents

# The value a field holds, for the type checker (Decimal, or Decimal | None with null=True).
_V = TypeVar("_V")


# Peewee's fields are generic in its stubs only, so the value type is declared here: Generic at run
# time, and the descriptor's __get__/__set__ for the type checker.
class MoneyField(BigIntegerField, Generic[_V]):
    """Decimal euros in Python, integer cents in the database (never float)."""

    if TYPE_CHECKING:

        @overload
        def __new__(cls, *args: Any, null: Literal[True], **kwargs: Any) -> MoneyField[Decimal | None]: ...
        @overload
        def __new__(cls, *args: Any, null: Literal[False] = ..., **kwargs: Any) -> MoneyField[Decimal]: ...
        def __new__(cls, *args: Any, **kwargs: Any) -> MoneyField[Any]: ...
        @overload
        def __get__(self, instance: None, owner: Any) -> MoneyField[_V]: ...
        @overload
        def __get__(self, instance: object, owner: Any) -> _V: ...
        def __get__(self, instance: object, owner: Any) -> Any: ...
        def __set__(self, instance: object, value: _V) -> None: ...

    def db_value(self, value: Decimal | None) -> int | None:
        if value is None:
            return None
        if isinstance(value, int):
            raise TypeError("MoneyField takes a Decimal, not an int: cents would be ambiguous")
        return to_cents(Decimal(value))

    def python_value(self, value: int | None) -> Decimal | None:
        return None if value is None else from_cents(int(value))


class DecimalTextField(TextField, Generic[_V]):
    """An exact decimal (a rate such as 7.21) stored as text: REAL would round it."""

    if TYPE_CHECKING:

        @overload
        def __new__(cls, *args: Any, null: Literal[True], **kwargs: Any) -> DecimalTextField[Decimal | None]: ...
        @overload
        def __new__(cls, *args: Any, null: Literal[False] = ..., **kwargs: Any) -> DecimalTextField[Decimal]: ...
        def __new__(cls, *args: Any, **kwargs: Any) -> DecimalTextField[Any]: ...
        @overload
        def __get__(self, instance: None, owner: Any) -> DecimalTextField[_V]: ...
        @overload
        def __get__(self, instance: object, owner: Any) -> _V: ...
        def __get__(self, instance: object, owner: Any) -> Any: ...
        def __set__(self, instance: object, value: _V) -> None: ...

    def db_value(self, value: Decimal | str | None) -> str | None:
        return None if value is None else str(Decimal(value))

    def python_value(self, value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)
