"""The procedural calendar: CPC 640-644, public holidays, CPCE L141-1 hours, trêve hivernale.

Pure functions: every date is passed in, nothing reads the clock. A computation returns a
`Computation` that keeps how it was reached (raw end, each day passed over and why, basis),
because the clerc must be able to check a deadline, not just read it.
"""

from __future__ import annotations

import sys
from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from threading import Lock
from types import MappingProxyType

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.french import WEEKDAYS_FR, day_label, format_date

ZONES = ("metropole", "alsace-moselle")
# CPC 643 (court in metropolitan France): +1 month outre-mer, +2 months abroad.
DISTANCE_MONTHS = {"outre-mer": 1, "abroad": 2}
DISTANCE_LABELS = {"outre-mer": "partie demeurant outre-mer", "abroad": "partie demeurant à l'étranger"}
KINDS = ("last_day", "earliest_day", "expiry")
EXECUTION_HOURS = (time(6, 0), time(21, 0))  # CPCE L141-1, CPC 664


# CPC 643 1°: the overseas collectivités, by the first digits of their postcode. 984 is the
# TAAF; 980 is Monaco, a foreign state with French postcodes (docs/law/distance.md).
OUTRE_MER_POSTCODES = ("971", "972", "973", "974", "975", "976", "977", "978", "984", "986", "987", "988")
MONACO_POSTCODE = "980"
# How the country of a French address is written in the data: all mean France.
FRANCE_NAMES = frozenset(
    {
        "",
        "fr",
        "fra",
        "france",
        "france metropolitaine",
        "france métropolitaine",
        "république française",
        "republique francaise",
    }
)


def distance_of_address(country: str | None, postcode: str | None) -> str | None:
    """CPC 643 for a party living at this address: None (metropole), "outre-mer" or "abroad".

    A country written « FR » or « France » (any case) is France; Monaco is abroad, whether
    written as a country or only as a 980xx postcode.
    """
    name = " ".join((country or "").split()).casefold().replace(".", "")
    code = (postcode or "").replace(" ", "")
    if name not in FRANCE_NAMES:
        return "abroad"
    if code.startswith(MONACO_POSTCODE):
        return "abroad"
    if code.startswith(OUTRE_MER_POSTCODES):
        return "outre-mer"
    return None


def check_zone(zone: str) -> str:
    if zone not in ZONES:
        raise InvalidInput(f"Zone de calendrier inconnue : « {zone} » (metropole ou alsace-moselle).", field="zone")
    return zone


def check_distance(distance: str | None) -> str | None:
    if distance is not None and distance not in DISTANCE_MONTHS:
        raise InvalidInput(f"Éloignement inconnu : « {distance} » (outre-mer ou abroad).", field="distance")
    return distance


# --- public holidays --------------------------------------------------------------------


@lru_cache(maxsize=1)
def holiday_corrections() -> tuple[tuple[date, str, frozenset[str], str], ...]:
    """(day, name, zones, source) of the jours fériés the `holidays` library leaves out.

    A dated, sourced table in `data/holiday_corrections.toml` (docs/law/holidays.md): the
    library drops Whit Monday in 2005-2007, which stayed a legal holiday for CPC 642.
    """
    import tomllib
    from importlib import resources

    raw = tomllib.loads(
        resources.files("clerc_tui.data").joinpath("holiday_corrections.toml").read_text(encoding="utf-8")
    )
    rows = []
    for row in raw.get("correction", []):
        zones = frozenset(row["zones"])
        if (
            row.get("action") != "add"
            or not zones <= set(ZONES)
            or not row.get("source")
            or not isinstance(row.get("date"), date)
        ):
            raise ValueError(f"correction de jour férié invalide : {row!r}")
        rows.append((row["date"], row["name"], zones, row["source"]))
    return tuple(rows)


_LOADING = Lock()


@lru_cache(maxsize=1)
def _france() -> type:
    """The `holidays` library's France, its module loaded alone.

    `holidays.France` (and `from holidays.countries.france import France`) runs the package
    `holidays.countries`, which imports all of its ~250 countries: ~0.1 s of CPU for each
    process that computes a deadline (the app, a `clerc` command, the demo's second process).
    Its module `countries/france.py` imports only the library's base (calendars, groups,
    holiday_base), so it is loaded from its file under its own name, as the package would
    import it: the same class, the same table (tests/rules/test_holidays_france.py;
    tests/services/test_demo_worker.py checks what a process imports). Under
    another layout of the library (no such file), through the package as before."""
    import holidays  # the base: its countries are registered lazily

    name = "holidays.countries.france"
    with _LOADING:  # a worker thread may compute a deadline while the app does
        module = sys.modules.get(name)
        if module is None:
            from importlib.util import module_from_spec, spec_from_file_location

            path = Path(holidays.__file__).parent / "countries" / "france.py"
            spec = spec_from_file_location(name, path) if path.is_file() else None
            if spec is None or spec.loader is None:
                return holidays.France
            module = module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[name]
                raise
    return module.France  # type: ignore[no-any-return]


@lru_cache(maxsize=512)
def _holidays(year: int, zone: str, good_friday: bool) -> Mapping[date, str]:
    # Moselle (subdiv "57") carries the two local days of C. trav. L3134-13, like Alsace ("6AE").
    subdiv = "57" if zone == "alsace-moselle" else None
    # Imported here: `holidays` costs ~40 ms to import (France alone, `_france`) and the first screen needs none.
    from dateutil.easter import easter

    table = dict(_france()(years=year, subdiv=subdiv, language="fr").items())
    if zone == "alsace-moselle" and not good_friday:
        table.pop(easter(year) - timedelta(days=2), None)
    for day, name, zones, _source in holiday_corrections():
        if day.year == year and zone in zones:
            table.setdefault(day, name)
    return MappingProxyType(table)


def public_holidays(year: int, zone: str = "metropole", good_friday: bool = True) -> dict[date, str]:
    """Jours fériés (C. trav. L3133-1; Alsace-Moselle adds Vendredi saint and 26 décembre, L3134-13).

    `good_friday=False` for an Alsace-Moselle commune without a Protestant temple or mixed church.
    """
    return dict(_holidays(year, check_zone(zone), good_friday))


def holiday_name(day: date, zone: str = "metropole", good_friday: bool = True) -> str | None:
    return _holidays(day.year, check_zone(zone), good_friday).get(day)


def closed_day_reason(day: date, zone: str = "metropole", good_friday: bool = True) -> str | None:
    """Why `day` is not a working day for CPC 642 (samedi, dimanche, jour férié), or None."""
    name = holiday_name(day, zone, good_friday)
    weekday = day.weekday()
    if name:
        prefix = f"{WEEKDAYS_FR[weekday]}, " if weekday >= 5 else ""
        return f"{prefix}jour férié : {name}"
    if weekday >= 5:
        return WEEKDAYS_FR[weekday]
    return None


def is_working_day(day: date, zone: str = "metropole", good_friday: bool = True) -> bool:
    """Jour ouvré: Monday to Friday, not a public holiday."""
    return closed_day_reason(day, zone, good_friday) is None


def is_jour_ouvrable(day: date, zone: str = "metropole", good_friday: bool = True) -> bool:
    """Jour ouvrable: every day but Sunday and public holidays (Saturday counts)."""
    return day.weekday() != 6 and holiday_name(day, zone, good_friday) is None


def act_day_refusal(day: date, zone: str = "metropole", good_friday: bool = True) -> str | None:
    """Why no signification (CPC 664) nor execution measure (CPCE L141-1) may be done on `day`.

    Sundays and public holidays are closed save the judge's leave; Saturdays are allowed.
    """
    name = holiday_name(day, zone, good_friday)
    if name:
        return closed_day_reason(day, zone, good_friday)
    if day.weekday() == 6:
        return "dimanche"
    return None


def execution_time_refusal(
    moment: datetime, zone: str = "metropole", judge_leave: bool = False, good_friday: bool = True
) -> str | None:
    """Why an execution measure may not be started at `moment` (CPCE L141-1), or None if it may.

    Not on a Sunday or public holiday, not before 6 h nor after 21 h, save the judge's leave.
    """
    if judge_leave:
        return None
    refusal = act_day_refusal(moment.date(), zone, good_friday)
    if refusal:
        return f"{refusal} : aucune mesure d'exécution sans autorisation du juge (CPCE L141-1)"
    start, end = EXECUTION_HOURS
    if moment.time() < start or moment.time() > end:
        return "avant 6 h ou après 21 h : aucune mesure d'exécution sans autorisation du juge (CPCE L141-1)"
    return None


def next_working_day(
    day: date, zone: str = "metropole", good_friday: bool = True
) -> tuple[date, tuple[SkippedDay, ...]]:
    """CPC 642 al. 2: a last day on Saturday, Sunday or holiday moves to the next working day, repeatedly."""
    skipped = []
    reason = closed_day_reason(day, zone, good_friday)
    while reason:
        skipped.append(SkippedDay(day, reason))
        day += timedelta(days=1)
        reason = closed_day_reason(day, zone, good_friday)
    return day, tuple(skipped)


def add_jours_ouvrables(
    start: date, count: int, zone: str = "metropole", good_friday: bool = True
) -> tuple[date, tuple[SkippedDay, ...]]:
    """The `count`-th jour ouvrable after `start` (start not counted), with the days not counted."""
    if count < 0:
        raise InvalidInput("Le nombre de jours ouvrables doit être positif ou nul.")
    day, counted, skipped = start, 0, []
    while counted < count:
        day += timedelta(days=1)
        if is_jour_ouvrable(day, zone, good_friday):
            counted += 1
        else:
            skipped.append(SkippedDay(day, f"{closed_day_reason(day, zone, good_friday)}, jour non ouvrable"))
    return day, tuple(skipped)


# --- trêve hivernale (CPCE L412-6) ------------------------------------------------------


def in_winter_truce(day: date) -> bool:
    """1 November to 31 March inclusive: no forced expulsion (metropolitan France)."""
    return day.month >= 11 or day.month <= 3


def winter_truce_period(day: date) -> tuple[date, date]:
    """The trêve containing `day` (or the next one, if `day` is outside any)."""
    first_year = day.year if day.month >= 4 else day.year - 1
    return date(first_year, 11, 1), date(first_year + 1, 3, 31)


def after_winter_truce(day: date) -> date:
    return winter_truce_period(day)[1] + timedelta(days=1) if in_winter_truce(day) else day


# --- periods (CPC 641) ------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A délai: months and years are counted first, then weeks (×7) and days (CPC 641 al. 3).

    `working_days` is a count of jours ouvrables and is never mixed with the others.
    """

    days: int = 0
    weeks: int = 0
    months: int = 0
    years: int = 0
    working_days: int = 0

    def __post_init__(self) -> None:
        for name in ("days", "weeks", "months", "years", "working_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidInput(f"Délai invalide : « {value} » n'est pas un nombre entier.")
            if value < 0:
                raise InvalidInput(f"Délai invalide : un nombre négatif ({value}) n'a pas de sens ici.")
        if self.working_days and (self.days or self.weeks or self.months or self.years):
            raise InvalidInput("Délai invalide : des jours ouvrables ne se combinent pas avec d'autres unités.")

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    @property
    def total_days(self) -> int:
        return self.weeks * 7 + self.days

    def describe(self) -> str:
        parts = []
        if self.years:
            parts.append(f"{self.years} an{'s' if self.years > 1 else ''}")
        if self.months:
            parts.append(f"{self.months} mois")
        if self.weeks:
            parts.append(f"{self.weeks} semaine{'s' if self.weeks > 1 else ''} ({self.weeks * 7} jours)")
        if self.days:
            parts.append(f"{self.days} jour{'s' if self.days > 1 else ''}")
        if self.working_days:
            parts.append(
                f"{self.working_days} jour{'s' if self.working_days > 1 else ''} ouvrable"
                f"{'s' if self.working_days > 1 else ''}"
            )
        return " et ".join(parts) if parts else "le jour même"


def shift_months(day: date, months: int) -> date:
    """Same day number `months` later (or earlier); the last day of the month when it does not exist."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise InvalidInput("La date calculée sort du calendrier.")
    return date(year, month, min(day.day, _month_length(year, month)))


def _month_length(year: int, month: int) -> int:
    return monthrange(year, month)[1]


def add_period(start: date, period: Period, extra_months: int = 0) -> date:
    """Raw end of a délai (CPC 641): the start day is not counted; months first, then days."""
    if period.working_days:
        raise InvalidInput("Un délai en jours ouvrables se calcule avec add_jours_ouvrables.")
    try:
        return shift_months(start, period.total_months + extra_months) + timedelta(days=period.total_days)
    except OverflowError:
        raise InvalidInput("La date calculée sort du calendrier.") from None


# --- computations -----------------------------------------------------------------------


@dataclass(frozen=True)
class SkippedDay:
    day: date
    reason: str


@dataclass(frozen=True)
class Computation:
    """How a deadline was reached. `due` is the date that matters for `kind`.

    - last_day / expiry: `due` = `last_day`, the end of the period after any CPC 642 move;
    - earliest_day: `due` = the first day the act is allowed, after the waiting period ends on
      `last_day`, then past Sundays/holidays (L141-1) and the trêve hivernale if they apply.
    `act_by` is set when the legal last day cannot itself be used for the act (e.g. a Sunday
    with no prorogation): the last usable day before it.
    """

    kind: str
    start: date
    period: Period
    direction: str
    zone: str
    distance: str | None
    extension_months: int
    raw_end: date
    last_day: date
    due: date
    skipped: tuple[SkippedDay, ...]
    winter_truce: tuple[date, date] | None
    act_by: date | None
    basis: str
    explanation: tuple[str, ...]


def _extension(distance: str | None, extend: bool) -> tuple[int, list[str]]:
    check_distance(distance)
    if distance is None:
        return 0, []
    if not extend:
        return 0, [
            f"Pas d'extension pour distance ({DISTANCE_LABELS[distance]}) : ce délai n'est pas "
            "de ceux que prolongent les art. 643-644 CPC."
        ]
    months = DISTANCE_MONTHS[distance]
    return months, [
        f"Extension pour distance : + {months} mois ({DISTANCE_LABELS[distance]}, CPC 643-644), "
        "comptés avec le délai à partir du même point de départ."
    ]


def _skipped_text(skipped: Iterable[SkippedDay]) -> str:
    return ", ".join(f"{day_label(s.day)} ({s.reason})" for s in skipped)


def _raw_end(
    start: date, period: Period, extension_months: int, zone: str, good_friday: bool
) -> tuple[date, tuple[SkippedDay, ...]]:
    if period.working_days:
        return add_jours_ouvrables(start, period.working_days, zone, good_friday)
    return add_period(start, period, extension_months), ()


def _good_friday_note(
    skipped: Iterable[SkippedDay], zone: str, good_friday: bool, alternative: date | None, result: date
) -> list[str]:
    if zone != "alsace-moselle" or not good_friday:
        return []
    if not any("Vendredi saint" in s.reason for s in skipped) or alternative is None or alternative == result:
        return []
    return [
        f"Vendredi saint : férié seulement dans les communes ayant un temple protestant ou une église "
        f"mixte ; sinon la date serait le {day_label(alternative)}."
    ]


def compute_last_day(
    start: date,
    period: Period,
    *,
    zone: str = "metropole",
    distance: str | None = None,
    extend: bool = True,
    prorogation: bool = True,
    no_prorogation_reason: str = "",
    franc: bool = False,
    kind: str = "last_day",
    basis: str = "",
    good_friday: bool = True,
) -> Computation:
    """Forward délai: last day to act (or end of someone else's period, kind `expiry`)."""
    check_zone(zone)
    if kind not in ("last_day", "expiry"):
        raise ValueError(kind)
    months, notes = _extension(distance, extend)
    raw_end, not_counted = _raw_end(start, period, months, zone, good_friday)
    lines = [f"Point de départ : {day_label(start)} (jour de l'acte ou de l'événement, non compté — CPC 641)."]
    if not_counted:
        lines.append(f"Jours non ouvrables non comptés : {_skipped_text(not_counted)}.")
    lines += notes
    if franc:
        raw_end += timedelta(days=1)
        lines.append("Délai franc : le jour de l'échéance n'est pas compté non plus.")
    lines.append(
        f"Délai : {period.describe()}{f' + {months} mois' if months else ''} → fin brute : {day_label(raw_end)}."
    )
    skipped: tuple[SkippedDay, ...] = ()
    last = raw_end
    if prorogation:
        last, skipped = next_working_day(raw_end, zone, good_friday)
        if skipped:
            lines.append(f"Report au premier jour ouvré suivant (CPC 642 al. 2) : {_skipped_text(skipped)}.")
    elif no_prorogation_reason:
        lines.append(f"Pas de report au jour ouvré suivant : {no_prorogation_reason}.")
    word = "Dernier jour" if kind == "last_day" else "Fin du délai"
    lines.append(f"{word} : {day_label(last)}, jusqu'à 24 h (CPC 642 al. 1).")
    act_by = None
    if not prorogation and act_day_refusal(last, zone, good_friday):
        act_by = _previous_act_day(last, zone, good_friday, True)
        lines.append(
            f"Le {day_label(last)} est un jour sans acte ({act_day_refusal(last, zone, good_friday)}) : "
            f"agir au plus tard le {day_label(act_by)}."
        )
    if prorogation and skipped:
        other = next_working_day(raw_end, zone, False)[0] if zone == "alsace-moselle" else None
        lines += _good_friday_note(skipped, zone, good_friday, other, last)
    if basis:
        lines.append(f"Fondement : {basis}.")
    return Computation(
        kind,
        start,
        period,
        "forward",
        zone,
        distance,
        months,
        raw_end,
        last,
        last,
        skipped,
        None,
        act_by,
        basis,
        tuple(lines),
    )


def compute_earliest_day(
    start: date,
    period: Period,
    *,
    zone: str = "metropole",
    distance: str | None = None,
    extend: bool = True,
    prorogation: bool = True,
    act_days: bool = True,
    winter_truce: bool = False,
    basis: str = "",
    good_friday: bool = True,
) -> Computation:
    """Waiting period ("only after expiry of…"): the first day the act is allowed.

    `prorogation` applies CPC 642 to the wait itself (the conservative reading, docs/law/calendar.md);
    `act_days` then passes over Sundays and holidays (CPCE L141-1 / CPC 664);
    `winter_truce` then passes over 1 November – 31 March (CPCE L412-6).
    """
    check_zone(zone)
    months, notes = _extension(distance, extend)
    raw_end, not_counted = _raw_end(start, period, months, zone, good_friday)
    lines = [f"Point de départ : {day_label(start)} (jour de l'acte, non compté — CPC 641)."]
    if not_counted:
        lines.append(f"Jours non ouvrables non comptés : {_skipped_text(not_counted)}.")
    lines += notes
    lines.append(
        f"Délai d'attente : {period.describe()}{f' + {months} mois' if months else ''} → fin brute : "
        f"{day_label(raw_end)}."
    )
    skipped: list[SkippedDay] = []
    last = raw_end
    if prorogation:
        last, moved = next_working_day(raw_end, zone, good_friday)
        skipped += moved
        if moved:
            lines.append(
                f"Report de la fin du délai d'attente (CPC 642 al. 2) : {_skipped_text(moved)} ; "
                f"le délai court jusqu'au {day_label(last)} à 24 h."
            )
    due, truce, wait_lines, passed = _first_allowed_day(
        last + timedelta(days=1), zone, act_days, winter_truce, good_friday
    )
    skipped += passed
    lines += wait_lines
    lines.append(f"Premier jour possible : {day_label(due)}.")
    if prorogation and last != raw_end:
        alt = _first_allowed_day(raw_end + timedelta(days=1), zone, act_days, winter_truce, good_friday)[0]
        if alt != due:
            lines.append(
                f"Sans report CPC 642 sur le délai d'attente (non vérifié), ce serait le {day_label(alt)} ; "
                "la date la plus tardive est retenue."
            )
    if zone == "alsace-moselle" and good_friday:
        alt = compute_earliest_day(
            start,
            period,
            zone=zone,
            distance=distance,
            extend=extend,
            prorogation=prorogation,
            act_days=act_days,
            winter_truce=winter_truce,
            good_friday=False,
        ).due
        lines += _good_friday_note(skipped, zone, good_friday, alt, due)
    if basis:
        lines.append(f"Fondement : {basis}.")
    return Computation(
        "earliest_day",
        start,
        period,
        "forward",
        zone,
        distance,
        months,
        raw_end,
        last,
        due,
        tuple(skipped),
        truce,
        None,
        basis,
        tuple(lines),
    )


def _first_allowed_day(
    day: date, zone: str, act_days: bool, winter_truce: bool, good_friday: bool
) -> tuple[date, tuple[date, date] | None, list[str], list[SkippedDay]]:
    lines: list[str] = []
    skipped: list[SkippedDay] = []
    truce: tuple[date, date] | None = None
    while True:
        if act_days and act_day_refusal(day, zone, good_friday):
            reason = act_day_refusal(day, zone, good_friday)
            skipped.append(SkippedDay(day, f"{reason} : aucun acte d'exécution (CPCE L141-1)"))
            lines.append(
                f"{day_label(day)} : {reason}, aucun acte d'exécution sans autorisation du juge (CPCE L141-1)."
            )
            day += timedelta(days=1)
            continue
        if winter_truce and in_winter_truce(day):
            truce = winter_truce_period(day)
            lines.append(
                f"Trêve hivernale du {format_date(truce[0])} au {format_date(truce[1])} (CPCE L412-6) : "
                f"aucune expulsion forcée ; report au {day_label(truce[1] + timedelta(days=1))}."
            )
            day = truce[1] + timedelta(days=1)
            continue
        return day, truce, lines, skipped


def _previous_act_day(day: date, zone: str, good_friday: bool, saturday_ok: bool) -> date:
    """Last day before `day` on which the act can be done (Saturdays only if `saturday_ok`)."""
    day -= timedelta(days=1)
    while act_day_refusal(day, zone, good_friday) if saturday_ok else not is_working_day(day, zone, good_friday):
        day -= timedelta(days=1)
    return day


def compute_backward(
    event: date, period: Period, *, zone: str = "metropole", basis: str = "", good_friday: bool = True
) -> Computation:
    """ "At least N before the hearing": counted back from the day before, no CPC 642 move (docs/law/calendar.md).

    The Nth day counted back (`raw_end`) is when the period ends at 00:00, so the last allowed
    day is the day before it; when that day is not a jour ouvré, `act_by` is the one before.
    """
    check_zone(zone)
    if period.working_days:
        raise InvalidInput("Un délai à rebours ne se compte pas en jours ouvrables.")
    try:
        nth = shift_months(event, -period.total_months) - timedelta(days=period.total_days)
    except OverflowError:
        raise InvalidInput("La date calculée sort du calendrier.") from None
    last = nth - timedelta(days=1)
    lines = [
        f"Audience : {day_label(event)} ; délai de {period.describe()} compté à rebours à partir de la veille "
        "(avis Cass. 3e civ. 6 nov. 2025, n° 25-70.018).",
        f"Jour d'échéance à rebours : {day_label(nth)} (à 0 h) → fin brute : {day_label(nth)}.",
        "Pas de report au jour ouvré (CPC 642 ne s'applique pas aux délais à rebours).",
        f"Dernier jour : {day_label(last)}.",
    ]
    act_by = None
    if not is_working_day(last, zone, good_friday):
        act_by = _previous_act_day(last, zone, good_friday, False)
        lines.append(
            f"Le {day_label(last)} n'est pas un jour ouvré ({closed_day_reason(last, zone, good_friday)}) : "
            f"agir au plus tard le {day_label(act_by)}."
        )
    if basis:
        lines.append(f"Fondement : {basis}.")
    return Computation(
        "last_day", event, period, "backward", zone, None, 0, nth, last, last, (), None, act_by, basis, tuple(lines)
    )
