"""The regulated tariff of the commissaires de justice, from `data/tariff.toml` (pure).

Every figure is a dated row with its source and a status: "" when read in a public source,
"à confirmer …" otherwise. A computation that uses a row marked « à confirmer » returns the
mark with its amount (`Marked`), and every screen or document that prints the amount prints
the mark. The row is chosen by the date of the act.

Rounding rule (no text fixes it; docs/law/tariff.md): a bracketed fee (DEP, A444-31, A444-32) is
computed exactly bracket by bracket and **rounded once, on its total**, half-up to the cent.
This gives Ex 9's DEP of 63.85 € (rounding per line would give 63.86 €) and, for a créance
alimentaire on 4 000 €, 162.78 € (service-public.fr rounds each line: 162.79 €). The
émolument × coefficient, the HT total and the TVA are each rounded half-up to the cent.

The doubling for a créance alimentaire (A444-31) doubles the bracket rates only; the flat
amount for small collections and the 550 € cap are kept (not confirmed by a source:
marked « à confirmer » on the result).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.rules.dates import format_date
from clerc_tui.rules.money import ZERO, round_cents

A444_31 = "A444-31"  # proportional fee borne by the debtor (n°128)
A444_32 = "A444-32"  # proportional fee borne by the creditor (n°129)
HUNDRED = Decimal(100)
P2020 = (date(2020, 3, 1), date(2024, 2, 29))
P2024 = (date(2024, 3, 1), date(2026, 2, 28))
P2026 = (date(2026, 3, 1), None)
ALIMENTARY_MARK = "à confirmer : doublement appliqué aux seuls taux (forfait et plafond non doublés)"


class MissingTariff(ClercError):
    """No tariff row (or no amount) for the date of the act."""


@dataclass(frozen=True)
class Row:
    valid_from: date
    valid_to: date | None
    values: dict
    source: str
    status: str = ""

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Act:
    code: str
    label: str
    article: str
    coefficient: bool
    dep: bool
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Marked:
    """An amount and the « à confirmer » marks of the rows it came from."""

    amount: Decimal
    marks: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActCharge:
    """An act billed at the tariff: émolument × coefficient + DEP + SCT, TVA, taxe forfaitaire."""

    act_code: str
    label: str
    article: str
    on: date
    claim: Decimal
    base: Decimal  # émolument HT before coefficient
    coefficient: Decimal
    emolument: Decimal  # base × coefficient, rounded
    dep: Decimal
    travel: Decimal
    tva_rate: Decimal
    flat_tax: Decimal  # taxe forfaitaire (acts before 2021), no TVA
    marks: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    manual_base: bool = False

    @property
    def ht(self) -> Decimal:
        return self.emolument + self.dep + self.travel

    @property
    def tva(self) -> Decimal:
        return round_cents(self.ht * self.tva_rate / HUNDRED)

    @property
    def ttc(self) -> Decimal:
        return self.ht + self.tva + self.flat_tax

    def as_dict(self) -> dict:
        return {
            "act": self.act_code,
            "label": self.label,
            "article": self.article,
            "on": self.on.isoformat(),
            "claim": str(self.claim),
            "base": str(self.base),
            "coefficient": str(self.coefficient),
            "emolument": str(self.emolument),
            "dep": str(self.dep),
            "travel": str(self.travel),
            "ht": str(self.ht),
            "tva_rate": str(self.tva_rate),
            "tva": str(self.tva),
            "flat_tax": str(self.flat_tax),
            "ttc": str(self.ttc),
            "marks": list(self.marks),
            "sources": list(self.sources),
            "manual_base": self.manual_base,
        }


@dataclass(frozen=True)
class RecoveryFee:
    """A proportional recovery fee (A444-31 or A444-32) as billed, HT then TTC."""

    article: str
    claim: Decimal
    base: Decimal  # cumulated sums collected on principal / condemnation (dépens excluded)
    gross: Decimal  # émolument HT of the article (flat or brackets, capped)
    dep: Decimal  # DEP HT imputed on it (A444-15 last paragraph)
    ht: Decimal  # gross − dep
    tva_rate: Decimal
    marks: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    exempt: str = ""  # why the fee is not due (then every amount is zero)

    @property
    def tva(self) -> Decimal:
        return round_cents(self.ht * self.tva_rate / HUNDRED)

    @property
    def ttc(self) -> Decimal:
        return self.ht + self.tva

    def as_dict(self) -> dict:
        return {
            "article": self.article,
            "ht": f"{self.ht:.2f}",
            "ttc": f"{self.ttc:.2f}",
            "base": f"{self.base:.2f}",
            "gross_ht": f"{self.gross:.2f}",
            "dep_imputed": f"{self.dep:.2f}",
            "tva": f"{self.tva:.2f}",
            "marks": list(self.marks),
            "exempt": self.exempt,
        }


@dataclass(frozen=True)
class Tariff:
    acts: dict[str, Act]
    tables: dict[str, tuple[Row, ...]] = field(default_factory=dict)

    # --- lookups -------------------------------------------------------------------------
    def act(self, code: str) -> Act:
        if code not in self.acts:
            raise InvalidInput(f"Acte inconnu du tarif : « {code} ».", field="act")
        return self.acts[code]

    def row(self, table: str, day: date, *, article: str | None = None) -> Row:
        for row in self.tables.get(table, ()):
            if row.covers(day) and (article is None or row.values.get("article") == article):
                return row
        what = f"{table} {article}" if article else table
        raise MissingTariff(
            f"Tarif ({what}) inconnu au {format_date(day)} : aucune ligne du tarif ne couvre cette date."
        )

    # --- components ----------------------------------------------------------------------
    def coefficient(self, claim: Decimal, day: date) -> Marked:
        row = self.row("coefficient", day)
        for bracket in row.values["brackets"]:
            if "up_to" not in bracket or claim <= Decimal(bracket["up_to"]):
                return Marked(Decimal(bracket["factor"]), _marks(row), (row.source,))
        raise AssertionError("coefficient table without an open last bracket")

    def tva_rate(self, day: date) -> Marked:
        row = self.row("tva", day)
        return Marked(Decimal(row.values["rate"]), _marks(row), (row.source,))

    def travel(self, day: date) -> Marked:
        row = self.row("travel", day)
        return Marked(Decimal(row.values["amount"]), _marks(row), (row.source,))

    def flat_tax(self, day: date) -> Marked:
        for row in self.tables.get("flat_tax", ()):
            if row.covers(day):
                return Marked(Decimal(row.values["amount"]), _marks(row), (row.source,))
        return Marked(ZERO)

    def dep(self, claim: Decimal, day: date) -> Marked:
        """Droit d'engagement des poursuites on a claim (A444-15)."""
        row = self.row("dep", day)
        v = row.values
        if claim <= Decimal(v["floor_up_to"]):
            amount = Decimal(v["floor"])
        else:
            amount = min(round_cents(_brackets(claim, v["brackets"])), Decimal(v["cap"]))
        return Marked(amount, _marks(row), (row.source,))

    def proportional(
        self, article: str, collected: Decimal, day: date, *, claim: Decimal, alimentary: bool = False
    ) -> Marked:
        """A444-31 (debtor) or A444-32 (creditor), HT, before the DEP is imputed on it.

        1° of each article: when the **claim** is ≤ 44 € (A444-31) / ≤ 188 € (A444-32), a
        flat fee, due as soon as something was collected. 2° above it: marginal brackets on
        the cumulated `collected` base (principal or condemnation, dépens excluded), from
        the first euro, never above the cap. See docs/law/recovery-fees.md."""
        if article not in (A444_31, A444_32):
            raise InvalidInput(f"Article inconnu : {article}.")
        if collected <= 0:
            return Marked(ZERO)
        row = self.row("proportional", day, article=article)
        v = row.values
        marks = _marks(row)
        if claim <= Decimal(v["flat_up_to"]):
            amount = Decimal(v["flat"])
        else:
            factor = Decimal(2) if alimentary and article == A444_31 else Decimal(1)
            amount = min(round_cents(_brackets(collected, v["brackets"], factor)), Decimal(v["cap"]))
        if alimentary and article == A444_31:
            marks += (ALIMENTARY_MARK,)
        return Marked(amount, marks, (row.source,))

    def recovery_fee(
        self,
        article: str,
        collected: Decimal,
        day: date,
        *,
        claim: Decimal,
        dep: Decimal = ZERO,
        alimentary: bool = False,
        exempt: str = "",
    ) -> RecoveryFee:
        """The proportional fee of `article` as billed: capped émolument, minus the DEP that
        A444-15 (last paragraph) imputes on it, then TVA. `dep`: the DEP HT of acts whose
        cost is borne by the same party (debtor → A444-31, creditor → A444-32). `exempt`:
        why the fee is not due at all (it is then zero)."""
        if collected < 0 or claim < 0 or dep < 0:
            raise InvalidInput("Montant négatif refusé (créance, sommes encaissées ou DEP).")
        if exempt:
            return RecoveryFee(article, claim, collected, ZERO, ZERO, ZERO, ZERO, exempt=exempt)
        gross = self.proportional(article, collected, day, claim=claim, alimentary=alimentary)
        tva = self.tva_rate(day)
        imputed = min(dep, gross.amount)
        return RecoveryFee(
            article,
            claim,
            collected,
            gross.amount,
            imputed,
            gross.amount - imputed,
            tva.amount,
            marks=tuple(dict.fromkeys(gross.marks + tva.marks)),
            sources=gross.sources,
        )

    def recovery_fees(
        self,
        claim: Decimal,
        collected: Decimal,
        day: date,
        *,
        alimentary: bool = False,
        dep_debtor: Decimal = ZERO,
        dep_creditor: Decimal = ZERO,
        creditor_exempt: str = "",
    ) -> tuple[RecoveryFee, RecoveryFee]:
        """(A444-31 borne by the debtor, A444-32 borne by the creditor) on the same base."""
        return (
            self.recovery_fee(A444_31, collected, day, claim=claim, dep=dep_debtor, alimentary=alimentary),
            self.recovery_fee(A444_32, collected, day, claim=claim, dep=dep_creditor, exempt=creditor_exempt),
        )

    def emolument(self, code: str, day: date) -> Marked:
        act = self.act(code)
        for row in act.rows:
            if row.covers(day):
                if row.values.get("amount") is None:
                    raise MissingTariff(
                        f"{act.label} ({act.article}) : émolument inconnu au {format_date(day)} "
                        f"({row.status or 'montant non publié'}). Saisissez l'émolument HT "
                        "vérifié sur Légifrance."
                    )
                return Marked(Decimal(row.values["amount"]), _marks(row), (row.source,))
        raise MissingTariff(f"{act.label} ({act.article}) : pas de tarif au {format_date(day)}.")

    def act_charge(
        self,
        code: str,
        day: date,
        claim: Decimal,
        *,
        with_dep: bool,
        with_travel: bool = True,
        base: Decimal | None = None,
    ) -> ActCharge:
        """Price an act served on `day` for a claim of `claim` euros. `with_dep`: the act is
        the first enforcement act of the claim (the caller knows the dossier's history).
        `base`: the émolument HT typed by the clerc when the tariff has no figure."""
        act = self.act(code)
        if claim < 0:
            raise InvalidInput("Montant de la créance négatif.", field="claim")
        marks: list[str] = []
        sources: list[str] = []
        manual = base is not None
        if manual:
            if base <= 0 or base != round_cents(base):
                raise InvalidInput("Émolument HT : montant positif, deux décimales au plus.", field="base")
            marks.append("émolument HT saisi par le clerc")
        else:
            m = self.emolument(code, day)
            base = m.amount
            marks += m.marks
            sources += m.sources
        coefficient = Decimal(1)
        if act.coefficient:
            c = self.coefficient(claim, day)
            coefficient = c.amount
            marks += c.marks
        dep = ZERO
        if with_dep and act.dep:
            d = self.dep(claim, day)
            dep = d.amount
            marks += [f"DEP {x}" for x in d.marks]
            sources += d.sources
        travel = ZERO
        if with_travel:
            t = self.travel(day)
            travel = t.amount
            marks += [f"déplacement {x}" for x in t.marks]
        tva = self.tva_rate(day)
        tax = self.flat_tax(day)
        return ActCharge(
            act_code=code,
            label=act.label,
            article=act.article,
            on=day,
            claim=claim,
            base=base,
            coefficient=coefficient,
            emolument=round_cents(base * coefficient),
            dep=dep,
            travel=travel,
            tva_rate=tva.amount,
            flat_tax=tax.amount,
            marks=tuple(dict.fromkeys(marks)),
            sources=tuple(dict.fromkeys(sources)),
            manual_base=manual,
        )


ALIMENTARY_EXEMPT = "non dû par le créancier d'une créance alimentaire (R444-53 3°)"


def calculate_recovery_fees(
    claim_text: str, collected_text: str, on: date, alimentary: bool = False
) -> tuple[RecoveryFee, RecoveryFee]:
    """Both fees from typed amounts, for the calculator and `clerc calc recovery-fee`
    (French messages naming the field on bad input)."""
    from clerc_tui.rules.money import parse_amount

    claim = parse_amount(claim_text)
    collected = parse_amount(collected_text)
    if collected > 0 and claim <= 0:
        raise InvalidInput("Montant de la créance : à renseigner (il décide du forfait ou du barème).", field="claim")
    return shipped_tariff().recovery_fees(
        claim, collected, on, alimentary=alimentary, creditor_exempt=ALIMENTARY_EXEMPT if alimentary else ""
    )


def _marks(row: Row) -> tuple[str, ...]:
    return (row.status,) if row.status else ()


def _brackets(amount: Decimal, brackets: list[dict], factor: Decimal = Decimal(1)) -> Decimal:
    """Marginal brackets, exact (no rounding here)."""
    total = ZERO
    lower = ZERO
    for bracket in brackets:
        upper = Decimal(bracket["up_to"]) if "up_to" in bracket else None
        top = amount if upper is None else min(amount, upper)
        if top > lower:
            total += (top - lower) * Decimal(bracket["rate"]) * factor / HUNDRED
        if upper is None or amount <= upper:
            break
        lower = upper
    return total


def _row(raw: dict) -> Row:
    values = {k: v for k, v in raw.items() if k not in ("valid_from", "valid_to", "source", "status")}
    return Row(raw["valid_from"], raw.get("valid_to"), values, raw.get("source", ""), raw.get("status", ""))


def load_tariff_text(text: str) -> Tariff:
    data = tomllib.loads(text)
    p2026_status = data["common"]["period_2026_status"]
    tables = {
        name: tuple(_row(r) for r in data.get(name, ()))
        for name in ("coefficient", "tva", "travel", "flat_tax", "dep", "proportional")
    }
    acts = {}
    for raw in data.get("act", ()):
        rows = []
        for key, (start, end) in (("p2020", P2020), ("p2024", P2024), ("p2026", P2026)):
            status = raw.get(f"{key}_status", "")
            amount = raw.get(key)
            if key == "p2026":  # presumed extension of the 2024 figures
                amount = raw.get("p2024")
                status = "; ".join(s for s in (raw.get("p2024_status", ""), p2026_status) if s)
            if amount is None and not status:
                continue
            rows.append(Row(start, end, {"amount": amount}, raw["source"], status))
        acts[raw["code"]] = Act(
            raw["code"], raw["label"], raw["article"], bool(raw["coefficient"]), bool(raw["dep"]), tuple(rows)
        )
    return Tariff(acts, tables)


@lru_cache(maxsize=1)
def shipped_tariff() -> Tariff:
    text = resources.files("clerc_tui.data").joinpath("tariff.toml").read_text(encoding="utf-8")
    return load_tariff_text(text)


def act_choices() -> list[tuple[str, str]]:
    """(code, label) of the tariffed acts, in the file's order."""
    return [(a.code, f"{a.label} ({a.article})") for a in shipped_tariff().acts.values()]
