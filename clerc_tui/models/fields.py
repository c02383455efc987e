"""Column types: money as integer cents, rates as exact decimal text."""

from decimal import Decimal

from peewee import BigIntegerField, TextField

from clerc_tui.rules.money import from_cents, to_cents


class MoneyField(BigIntegerField):
    """Decimal euros in Python, integer cents in the database (never float)."""

    def db_value(self, value: Decimal | None) -> int | None:
        if value is None:
            return None
        if isinstance(value, int):
            raise TypeError("MoneyField takes a Decimal, not an int: cents would be ambiguous")
        return to_cents(Decimal(value))

    def python_value(self, value: int | None) -> Decimal | None:
        return None if value is None else from_cents(int(value))


class DecimalTextField(TextField):
    """An exact decimal (a rate such as 7.21) stored as text: REAL would round it."""

    def db_value(self, value: Decimal | str | None) -> str | None:
        return None if value is None else str(Decimal(value))

    def python_value(self, value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)
