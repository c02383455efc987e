"""Rate tables: the legal interest rate and the ECB refinancing rate, as sourced data rows.

The shipped tables live in `clerc_tui/data/*.toml`, one row per period with the text that
sets it and where it was read. An étude may add rows of its own (a semester whose arrêté
is newer than this version of clerc): they are marked `origin="etude"` with who entered
them, when and from what source, must keep the table free of gaps and overlaps, and can
never replace a shipped row. A day that no row covers raises MissingRate naming the
period: a computation never runs on a guessed or zero rate.
"""

from __future__ import annotations

import bisect
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

from clerc_tui.errors import InvalidInput, MissingRate
from clerc_tui.rules.french import format_date, parse_date, parse_percent
from clerc_tui.rules.text import check_text

LEGAL = "legal"
ECB = "ecb"

PARTICULIER = "particulier"
AUTRES = "autres"
LEGAL_CATEGORIES = (PARTICULIER, AUTRES)
CATEGORY_LABELS = {
    PARTICULIER: "créancier personne physique hors besoins professionnels",
    AUTRES: "autres cas",
}

ORIGIN_SHIPPED = "clerc"
ORIGIN_ETUDE = "etude"
ETUDE_MARK = "taux saisi par l'étude — à vérifier"

# Since 1 January 2015 the legal rate is set per half-year (ordonnance n° 2014-947,
# art. L313-2 CMF); before, one rate per calendar year by décret.
HALF_YEARLY_SINCE = date(2015, 1, 1)

_TABLE_TITLES = {LEGAL: "taux de l'intérêt légal", ECB: "taux de refinancement de la BCE"}


@dataclass(frozen=True)
class RateRow:
    """One period of a rate table; `valid_from` and `valid_to` are both included."""

    valid_from: date
    valid_to: date
    value: Decimal  # percent per year, e.g. Decimal("7.21")
    source: str
    category: str | None = None  # legal table: PARTICULIER or AUTRES; ECB table: None
    origin: str = ORIGIN_SHIPPED
    entered_by: str = ""
    entered_on: date | None = None

    @property
    def from_etude(self) -> bool:
        return self.origin == ORIGIN_ETUDE

    @property
    def act(self) -> str:
        """The décret, arrêté or decision, without where it was read."""
        return self.source.split(" — ", 1)[0].strip()

    def covers(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


def half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year(day: date) -> date:
    """First day of the half-year after the one containing `day`."""
    return date(day.year, 7, 1) if day.month <= 6 else date(day.year + 1, 1, 1)


def half_year_name(day: date) -> str:
    """`1er semestre 2026` / `2e semestre 2026`."""
    return f"{'1er' if day.month <= 6 else '2e'} semestre {day.year}"


def check_category(text: str) -> str:
    value = (text or "").strip().lower().replace("-", "_").replace(" ", "_")
    value = {"autres_cas": AUTRES, "professionnel": AUTRES}.get(value, value)
    if value not in LEGAL_CATEGORIES:
        raise InvalidInput(
            f"Catégorie de créancier inconnue : « {text} ». Choisissez « particulier » (créancier "
            "personne physique hors besoins professionnels) ou « autres » (tous les autres cas).",
            field="category",
        )
    return value


def parse_rate_value(raw: object, *, where: str = "") -> Decimal:
    """A rate written as text (`"7.21"` or `"7,21"`); floats are refused, they are not exact."""
    prefix = f"{where} : " if where else ""
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, (int, str)) and not isinstance(raw, bool):
        value = parse_percent(str(raw), where=where)
    else:
        raise InvalidInput(
            f'{prefix}le taux doit être écrit comme un texte ("6.67"), pas comme un nombre à virgule flottante.'
        )
    if not value.is_finite() or value < 0 or value > 100:
        raise InvalidInput(f"{prefix}le taux « {raw} » doit être compris entre 0 et 100 %.")
    return value


def _as_date(raw: object, where: str) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        return parse_date(raw)
    raise InvalidInput(f"{where} : date manquante ou illisible ({raw!r}).")


def rows_from_mapping(data: dict[str, Any], table: str, *, origin: str = ORIGIN_SHIPPED) -> list[RateRow]:
    """Rows of a parsed TOML document (`[[rate]]` entries); raises InvalidInput on a malformed row."""
    rows = []
    for number, raw in enumerate(data.get("rate", []), start=1):
        where = f"{_TABLE_TITLES[table]}, ligne {number}"
        unknown = set(raw) - {
            "category",
            "valid_from",
            "valid_to",
            "value",
            "source",
            "origin",
            "entered_by",
            "entered_on",
        }
        if unknown:
            raise InvalidInput(f"{where} : champ(s) inconnu(s) {', '.join(sorted(unknown))}.")
        entered_on = raw.get("entered_on")
        rows.append(
            RateRow(
                valid_from=_as_date(raw.get("valid_from"), where),
                valid_to=_as_date(raw.get("valid_to"), where),
                value=parse_rate_value(raw.get("value"), where=where),
                source=str(raw.get("source", "")).strip(),
                category=raw.get("category"),
                origin=raw.get("origin", origin),
                entered_by=str(raw.get("entered_by", "")).strip(),
                entered_on=_as_date(entered_on, where) if entered_on is not None else None,
            )
        )
    return rows


def _describe(row: RateRow) -> str:
    category = f" ({row.category})" if row.category else ""
    return f"{format_date(row.valid_from)} → {format_date(row.valid_to)}{category}"


def validation_problems(table: str, rows: list[RateRow] | tuple[RateRow, ...]) -> list[str]:
    """Every reason the rows do not make a usable table (empty list when they do)."""
    problems = []
    categories = LEGAL_CATEGORIES if table == LEGAL else (None,)
    for row in rows:
        what = _describe(row)
        if row.category not in categories:
            problems.append(f"{what} : catégorie « {row.category} » invalide pour le {_TABLE_TITLES[table]}.")
        if row.valid_to < row.valid_from:
            problems.append(f"{what} : la fin de période précède son début.")
        if not row.source:
            problems.append(f"{what} : aucune source (texte et lieu de lecture) n'est indiquée.")
        if row.origin not in (ORIGIN_SHIPPED, ORIGIN_ETUDE):
            problems.append(f"{what} : origine « {row.origin} » inconnue.")
        if row.origin == ORIGIN_ETUDE and (not row.entered_by or row.entered_on is None):
            problems.append(f"{what} : un taux saisi par l'étude doit indiquer qui l'a saisi et quand.")
        if table == LEGAL and row.valid_to >= row.valid_from:
            if row.valid_from >= HALF_YEARLY_SINCE:
                expected_end = next_half_year(row.valid_from) - timedelta(days=1)
                if row.valid_from != half_year_start(row.valid_from) or row.valid_to != expected_end:
                    problems.append(f"{what} : depuis 2015 une ligne couvre exactement un semestre.")
            elif row.valid_from != date(row.valid_from.year, 1, 1) or row.valid_to != date(row.valid_from.year, 12, 31):
                problems.append(f"{what} : avant 2015 une ligne couvre exactement une année civile.")
    for category in categories:
        chain = sorted((r for r in rows if r.category == category), key=lambda r: (r.valid_from, r.valid_to))
        for previous, current in pairwise(chain):
            if current.valid_from <= previous.valid_to:
                problems.append(f"Chevauchement : {_describe(previous)} et {_describe(current)}.")
            elif current.valid_from != previous.valid_to + timedelta(days=1):
                problems.append(
                    f"Trou dans le {_TABLE_TITLES[table]}{' (' + category + ')' if category else ''} : "
                    f"aucun taux du {format_date(previous.valid_to + timedelta(days=1))} "
                    f"au {format_date(current.valid_from - timedelta(days=1))}."
                )
    return problems


@dataclass(frozen=True)
class RateTable:
    """A validated table; build it with `RateTable.build` (or `with_etude_rows`)."""

    table: str
    rows: tuple[RateRow, ...]
    # category -> (the rows' first days, the rows), for bisect
    _index: dict[str | None, tuple[list[date], list[RateRow]]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(cls, table: str, rows: Iterable[RateRow]) -> RateTable:
        if table not in _TABLE_TITLES:
            raise InvalidInput(f"Table de taux inconnue : {table}.")
        ordered = tuple(sorted(rows, key=lambda r: (r.category or "", r.valid_from)))
        problems = validation_problems(table, ordered)
        if problems:
            raise InvalidInput(f"Table du {_TABLE_TITLES[table]} refusée :\n- " + "\n- ".join(problems))
        index: dict[str | None, tuple[list[date], list[RateRow]]] = {}
        for category in {r.category for r in ordered}:
            chain = [r for r in ordered if r.category == category]
            index[category] = ([r.valid_from for r in chain], chain)
        return cls(table, ordered, index)

    def categories(self) -> tuple[str | None, ...]:
        return tuple(self._index)

    def rows_for(self, category: str | None = None) -> tuple[RateRow, ...]:
        return tuple(self._index.get(category, ((), ()))[1])

    def last_day(self, category: str | None = None) -> date | None:
        chain = self.rows_for(category)
        return chain[-1].valid_to if chain else None

    def find(self, day: date, category: str | None = None) -> RateRow | None:
        starts, chain = self._index.get(category, ((), ()))
        position = bisect.bisect_right(starts, day) - 1
        if position >= 0 and chain[position].covers(day):
            return chain[position]
        return None

    def row_on(self, day: date, category: str | None = None) -> RateRow:
        row = self.find(day, category)
        if row is None:
            raise MissingRate(self._missing_message(day, category))
        return row

    def _missing_message(self, day: date, category: str | None) -> str:
        if self.table == LEGAL:
            if day >= HALF_YEARLY_SINCE:
                period, start, text = (
                    f"le {half_year_name(day)}",
                    half_year_start(day),
                    "l'arrêté publié au Journal officiel",
                )
            else:
                period, start, text = (
                    f"l'année {day.year}",
                    date(day.year, 1, 1),
                    "le décret publié au Journal officiel",
                )
            who = f", catégorie « {CATEGORY_LABELS.get(category, category)} »" if category else ""
            return (
                f"Taux de l'intérêt légal inconnu pour {period} (à partir du {format_date(start)}{who}) : "
                f"ajoutez le taux publié ({text}) dans les taux de l'étude, avec sa source."
            )
        last = self.last_day(category)
        after = f" ; le dernier taux connu s'arrête au {format_date(last)}" if last and day > last else ""
        return (
            f"Taux de refinancement de la BCE inconnu au {format_date(day)} ({half_year_name(day)}){after} : "
            "ajoutez dans les taux de l'étude les décisions de la BCE qui manquent, avec leur source."
        )

    def with_etude_rows(self, extra: Iterable[RateRow]) -> RateTable:
        """This table plus rows entered by the étude; a shipped row is never replaced."""
        added = list(extra)
        for row in added:
            if row.origin != ORIGIN_ETUDE:
                raise InvalidInput(
                    f"{_describe(row)} : seul un taux saisi par l'étude (origine « etude ») peut être ajouté."
                )
            for shipped in self.rows_for(row.category):
                if (
                    shipped.origin == ORIGIN_SHIPPED
                    and row.valid_from <= shipped.valid_to
                    and shipped.valid_from <= row.valid_to
                ):
                    raise InvalidInput(
                        f"Le taux saisi {_describe(row)} recouvre le taux publié {_describe(shipped)} "
                        f"({shipped.act}) : un taux livré avec clerc ne peut pas être remplacé."
                    )
        return RateTable.build(self.table, list(self.rows) + added)


def etude_row(
    *,
    table: str,
    valid_from: date | str,
    valid_to: date | str,
    value: Decimal | int | str,
    source: str,
    entered_by: str,
    entered_on: date | str,
    category: str | None = None,
) -> RateRow:
    """A rate row typed by the étude (dates as `date` or text, value as text like `6,67`)."""
    where = "Taux saisi par l'étude"
    if table == LEGAL:
        category = check_category(category or "")
    elif category:
        raise InvalidInput(f"{where} : le taux de la BCE n'a pas de catégorie de créancier.")
    if not (source or "").strip():
        raise InvalidInput(f"{where} : indiquez la source (texte publié et où il a été lu).", field="source")
    if not (entered_by or "").strip():
        raise InvalidInput(f"{where} : indiquez qui a saisi le taux.", field="entered_by")
    check_text(source.strip(), field="Source du taux", max_len=500, key="source")
    return RateRow(
        valid_from=_as_date(valid_from, where),
        valid_to=_as_date(valid_to, where),
        value=parse_rate_value(value, where=where),
        source=source.strip(),
        category=category,
        origin=ORIGIN_ETUDE,
        entered_by=entered_by.strip(),
        entered_on=_as_date(entered_on, where),
    )


def load_table_text(table: str, text: str, *, origin: str = ORIGIN_SHIPPED) -> RateTable:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"Fichier du {_TABLE_TITLES[table]} illisible : {exc}.") from None
    return RateTable.build(table, rows_from_mapping(data, table, origin=origin))


_FILES = {LEGAL: "legal_rates.toml", ECB: "ecb_rates.toml"}


@cache
def shipped_table(table: str) -> RateTable:
    """The table shipped with clerc, parsed and validated once per process."""
    text = resources.files("clerc_tui.data").joinpath(_FILES[table]).read_text(encoding="utf-8")
    return load_table_text(table, text)


@dataclass(frozen=True)
class Rates:
    """The two tables a computation needs; `Rates.shipped()` unless the étude added rows."""

    legal: RateTable
    ecb: RateTable

    @classmethod
    def shipped(cls) -> Rates:
        return _shipped_rates()

    def with_etude_rows(self, *, legal: Iterable[RateRow] = (), ecb: Iterable[RateRow] = ()) -> Rates:
        return Rates(
            self.legal.with_etude_rows(legal) if legal else self.legal,
            self.ecb.with_etude_rows(ecb) if ecb else self.ecb,
        )

    def legal_rate(self, day: date, category: str) -> RateRow:
        # A décompte asks hundreds of times with a category already checked (InterestTerms).
        return self.legal.row_on(day, category if category in LEGAL_CATEGORIES else check_category(category))

    def ecb_rate(self, day: date) -> RateRow:
        """The ECB main refinancing rate in force on `day`."""
        return self.ecb.row_on(day)

    def ecb_rate_for_half_year(self, day: date) -> RateRow:
        """The ECB rate L441-10 C. com. applies on `day`: the one in force on 1 January
        (first half-year) or 1 July (second half-year)."""
        return self.ecb.row_on(half_year_start(day))


# --- the half-year to come: the étude is told before it is needed (docs/law/rates.md) ---------

# From the 15th of a half-year's last month (15 June, 15 December) the next half-year's legal
# rate is looked for: the arrêté usually appears in the Journal officiel in the last days of
# June / December, and a décompte run on 1 January or 1 July needs it.
REMINDER_DAY = 15


def legal_half_years_due(today: date) -> tuple[date, ...]:
    """First days of the half-years whose legal rate clerc expects to know on `today`: the
    current one, and from 15 June / 15 December the next one."""
    current = half_year_start(today)
    if today.month in (6, 12) and today.day >= REMINDER_DAY:
        return (current, next_half_year(today))
    return (current,)


def missing_legal_rate_notice(start: date, categories: Iterable[str]) -> str:
    """The one French line that says the legal rate of the half-year starting on `start` is
    missing for `categories`, and the command that adds it."""
    wanted = set(categories)
    named = [c for c in LEGAL_CATEGORIES if c in wanted]
    end = next_half_year(start) - timedelta(days=1)
    command = (
        f"clerc rates add --table legal --category {named[0]} --from {format_date(start)} "
        f'--to {format_date(end)} --value … --source "Arrêté du …"'
    )
    then = f" (puis --category {named[1]})" if len(named) > 1 else ""
    who = " et ".join(named)
    return f"Taux de l'intérêt légal du {half_year_name(start)} non saisi ({who}) : {command}{then}"


@lru_cache(maxsize=1)
def _shipped_rates() -> Rates:
    return Rates(shipped_table(LEGAL), shipped_table(ECB))


def legal_rate(day: date, category: str, rates: Rates | None = None) -> RateRow:
    return (rates or Rates.shipped()).legal_rate(day, category)


def ecb_rate(day: date, rates: Rates | None = None) -> RateRow:
    return (rates or Rates.shipped()).ecb_rate(day)
