"""Act types as data: the acts clerc drafts, their mandatory mentions, and the conformity check.

The data lives in `clerc_tui/data/acts.toml` (templates in `clerc_tui/data/acts/`); this module
loads it, checks it at once (an unknown data key or procedure step is a programming error), and
decides for each mention whether it holds, from the act's data and the generated text. Pure:
no database, no clock.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import NoReturn

from clerc_tui.errors import InvalidInput
from clerc_tui.rules import procedures as procedures_rules
from clerc_tui.rules.french import format_amount, format_date, parse_amount

STATES = {"draft": "Brouillon", "verified": "Vérifié", "served": "Signifié"}
SERVICE_MODES = {
    "personne": "À personne (CPC 654)",
    "domicile": "À domicile (CPC 655)",
    "etude": "À l'étude (CPC 656)",
    "pv_659": "Procès-verbal de recherches infructueuses (CPC 659)",
    "lettre_simple": "Lettre simple",
    "lrar": "Lettre recommandée avec avis de réception",
    "email": "Courrier électronique",
    "dresse": "Dressé sur place",
}
FIELD_KINDS = ("text", "date", "amount", "items")
EXTRA_CHECKS = ("statement_consistent", "rate_stated", "denonciation_in_time", "in_time")
CHECKS = ("auto", "manual")
# Sentinels around « caractères très apparents »: upper case in text, bold in HTML and on screen.
APPARENT_START, APPARENT_END = "\x01", "\x02"


class ActDataError(ValueError):
    """The acts data file is inconsistent: a programming error, never user input."""


@dataclass(frozen=True)
class DataKey:
    id: str
    label: str
    where: str


@dataclass(frozen=True)
class Mention:
    id: str
    label: str
    article: str
    sanction: str
    needs: tuple[str, ...] = ()
    printed: tuple[str, ...] = ()
    check: str = "auto"
    extra: str = ""

    @property
    def manual(self) -> bool:
        return self.check == "manual"


@dataclass(frozen=True)
class ActField:
    id: str
    label: str
    kind: str


@dataclass(frozen=True)
class InventoryItem:
    """One good of an inventory (`items` field kind): its detailed description and, if any,
    its estimated value."""

    designation: str
    value: Decimal | None = None


@dataclass(frozen=True)
class Follows:
    """The earlier act an act is timed from: its date (`field`, by default the date that act
    of `act_type` was served on the dossier) and the procedure rule that bounds this act."""

    field: str
    act_type: str
    rule_id: str


@dataclass(frozen=True)
class ActType:
    id: str
    label: str
    template: str
    service_modes: tuple[str, ...]
    mentions: tuple[Mention, ...]
    fields: tuple[ActField, ...] = ()
    procedure_id: str = ""
    step_id: str = ""
    deadlines: tuple[tuple[str, tuple[str, ...]], ...] = ()
    tariff_code: str = ""
    follows: Follows | None = None

    def mention(self, mention_id: str) -> Mention:
        for mention in self.mentions:
            if mention.id == mention_id:
                return mention
        raise InvalidInput(f"Mention inconnue pour {self.label} : « {mention_id} ».")


@dataclass(frozen=True)
class Catalogue:
    data: dict[str, DataKey]
    acts: tuple[ActType, ...]


@dataclass(frozen=True)
class MentionState:
    """One line of the checklist: does the mention hold, and if not, why and how to fix it."""

    mention: Mention
    ok: bool
    problems: tuple[str, ...] = ()
    ticked: bool = False

    @property
    def state(self) -> str:
        """`ok`, `missing` (an automatic check fails) or `to_tick` (a manual mention not ticked yet)."""
        if self.ok:
            return "ok"
        return "to_tick" if self.mention.manual and not self.problems else "missing"


def _fail(where: str, message: str) -> NoReturn:
    raise ActDataError(f"acts.toml, {where} : {message}")


def load_catalogue(text: str) -> Catalogue:
    raw = tomllib.loads(text)
    if raw.get("schema") != 1:
        _fail("racine", "schema = 1 attendu")
    data = {key: DataKey(key, value["label"], value["where"]) for key, value in raw.get("data", {}).items()}
    acts, seen = [], set()
    for raw_act in raw.get("act", []):
        act_id = raw_act["id"]
        if act_id in seen:
            _fail(act_id, "identifiant en double")
        seen.add(act_id)
        fields = tuple(ActField(f["id"], f["label"], f.get("kind", "text")) for f in raw_act.get("field", []))
        for f in fields:
            if f.kind not in FIELD_KINDS:
                _fail(f"{act_id}.{f.id}", f"kind inconnu {f.kind!r}")
            if f.id not in data:
                _fail(f"{act_id}.{f.id}", "champ sans entrée [data]")
        deadlines = []
        for key, rule_ids in raw_act.get("deadlines", {}).items():
            rule_ids = (rule_ids,) if isinstance(rule_ids, str) else tuple(rule_ids)
            if key not in data:
                _fail(act_id, f"délai {key!r} sans entrée [data]")
            for rule_id in rule_ids:
                procedures_rules.rule(rule_id)
            deadlines.append((key, rule_ids))
        mentions, mention_ids = [], set()
        for m in raw_act.get("mention", []):
            mention = Mention(
                m["id"],
                m["label"],
                m["article"],
                m["sanction"],
                tuple(m.get("needs", ())),
                tuple(m.get("printed", ())),
                m.get("check", "auto"),
                m.get("extra", ""),
            )
            where = f"{act_id}.{mention.id}"
            if mention.id in mention_ids:
                _fail(where, "mention en double")
            mention_ids.add(mention.id)
            if mention.check not in CHECKS:
                _fail(where, f"check inconnu {mention.check!r}")
            if mention.extra and mention.extra not in EXTRA_CHECKS:
                _fail(where, f"contrôle inconnu {mention.extra!r}")
            for key in mention.needs + mention.printed:
                if key not in data:
                    _fail(where, f"donnée inconnue {key!r}")
            if not mention.manual and not mention.needs:
                _fail(where, "une mention automatique doit dire de quelles données elle dépend")
            mentions.append(mention)
        modes = tuple(raw_act.get("service_modes", ()))
        for mode in modes:
            if mode not in SERVICE_MODES:
                _fail(act_id, f"mode de signification inconnu {mode!r}")
        follows = None
        if "follows" in raw_act:
            raw_follows = raw_act["follows"]
            follows = Follows(raw_follows["field"], raw_follows["act"], raw_follows["rule"])
            if follows.field not in {f.id for f in fields} or fields_kind(fields, follows.field) != "date":
                _fail(act_id, f"follows.field {follows.field!r} : champ de date de l'acte attendu")
            procedures_rules.rule(follows.rule_id)
        procedure_id, step_id = raw_act.get("procedure_id", ""), raw_act.get("step_id", "")
        if procedure_id:
            procedures_rules.procedure(procedure_id).step(step_id)
        acts.append(
            ActType(
                act_id,
                raw_act["label"],
                raw_act["template"],
                modes or ("personne",),
                tuple(mentions),
                fields,
                procedure_id,
                step_id,
                tuple(deadlines),
                raw_act.get("tariff_code", ""),
                follows,
            )
        )
    for act in acts:
        if act.follows is not None and act.follows.act_type not in seen:
            _fail(act.id, f"follows.act {act.follows.act_type!r} : type d'acte inconnu")
    return Catalogue(data, tuple(acts))


def fields_kind(fields: Iterable[ActField], field_id: str) -> str:
    return next((f.kind for f in fields if f.id == field_id), "")


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    text = resources.files("clerc_tui.data").joinpath("acts.toml").read_text(encoding="utf-8")
    return load_catalogue(text)


def act_types() -> tuple[ActType, ...]:
    return catalogue().acts


def act_type(act_type_id: str) -> ActType:
    for act in catalogue().acts:
        if act.id == act_type_id:
            return act
    raise InvalidInput(f"Type d'acte inconnu : « {act_type_id} ».")


def data_key(key: str) -> DataKey:
    return catalogue().data[key]


def missing_message(key: str, mention: Mention) -> str:
    """« Adresse du débiteur manquante — mention CPCE R221-1 — à compléter dans la fiche dossier (e) »."""
    datum = data_key(key)
    return f"{datum.label} manquante — mention {mention.article} — à compléter : {datum.where}"


def placeholder(key: str) -> str:
    return f"[À COMPLÉTER : {data_key(key).label}]"


# --- inventories (`items` fields) ---------------------------------------------------------


def parse_items(text: str) -> tuple[InventoryItem, ...]:
    """An inventory as typed: one good per line, « désignation détaillée ; valeur estimée »
    (the value is optional: « Téléviseur Samsung 55 pouces, noir ; 150 »)."""
    items = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = " ".join(line.split())
        if not line:
            continue
        designation, value = line, None
        if ";" in line:
            designation, _, raw_value = line.rpartition(";")
            designation, raw_value = designation.strip(), raw_value.strip()
            if raw_value:
                try:
                    value = parse_amount(raw_value)
                except InvalidInput as error:
                    raise InvalidInput(
                        f"Inventaire, ligne {number} : valeur estimée illisible (« {raw_value} ») ; "
                        "écrivez « désignation ; 150,00 » ou la désignation seule.",
                        field="inventory",
                    ) from error
        if not designation:
            raise InvalidInput(f"Inventaire, ligne {number} : désignation du bien manquante.", field="inventory")
        items.append(InventoryItem(designation, value))
    return tuple(items)


def items_as_typed(items: Iterable[InventoryItem]) -> str:
    """The inventory as the clerc types it (the inverse of `parse_items`)."""
    return "\n".join(
        f"{i.designation} ; {format_amount(i.value, currency=False, grouping=False)}"
        if i.value is not None
        else i.designation
        for i in items
    )


def format_items(items: Iterable[InventoryItem]) -> str:
    """The inventory as the act prints it: numbered, each good with its estimated value."""
    lines = []
    for number, item in enumerate(items, start=1):
        value = f" — valeur estimée : {format_amount(item.value)}" if item.value is not None else " — sans estimation"
        lines.append(f"{number}. {item.designation}{value}")
    return "\n".join(lines)


# --- the conformity check ---------------------------------------------------------------


def _amount(value: object) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def _extra_problems(check: str, values: Mapping[str, object]) -> list[str]:
    if check == "statement_consistent":
        principal, frais, interets, total = (
            _amount(values.get(k)) for k in ("principal", "frais", "interets", "total")
        )
        if principal is None or frais is None or interets is None or total is None:
            return []  # the missing datum is already said
        problems = []
        if principal <= 0:
            problems.append("Décompte sans principal dû : rien à réclamer par cet acte.")
        if principal + frais + interets != total:
            problems.append("Décompte incohérent : principal + frais + intérêts ≠ total ; régénérez l'acte.")
        ledger_total = _amount(values.get("ledger_total"))
        if ledger_total is not None and ledger_total != total:
            problems.append(
                "Le décompte de l'acte ne correspond plus au journal du dossier (paiement ou frais "
                "enregistré depuis) : régénérez l'acte (g)."
            )
        return problems
    if check == "rate_stated":
        rate = values.get("rate")
        if isinstance(rate, str) and rate and "%" not in rate and "sans intérêts" not in rate:
            return ["Le taux des intérêts n'est pas chiffré : précisez le taux dans la fiche dossier (e)."]
        return []
    if check == "denonciation_in_time":
        last_day, act_date = values.get("denonciation_last_day"), values.get("act_date")
        if isinstance(last_day, date) and isinstance(act_date, date) and act_date > last_day:
            return [
                f"Dénonciation datée du {format_date(act_date)}, après le dernier jour ({format_date(last_day)}) : "
                "la saisie est caduque (CPCE R211-3) ; il faut une nouvelle saisie."
            ]
        return []
    if check == "in_time":
        return _in_time_problems(values)
    raise ActDataError(f"contrôle inconnu {check!r}")


def _in_time_problems(values: Mapping[str, object]) -> list[str]:
    """The act's date against the rule that times it from an earlier act (`Follows`):
    after a last day, or not after a waiting period or someone else's délai, the sanction is at stake."""
    limit, act_date, rule_id = values.get("follow_limit"), values.get("act_date"), values.get("follow_rule")
    if not (isinstance(limit, date) and isinstance(act_date, date) and isinstance(rule_id, str)):
        return []
    rule = procedures_rules.rule(rule_id)
    if rule.kind == "last_day" and act_date > limit:
        return [
            f"Acte daté du {format_date(act_date)}, après le dernier jour ({format_date(limit)}, "
            f"{rule.label.lower()}, {rule.basis}) : {rule.sanction}"
        ]
    if rule.kind == "earliest_day" and act_date < limit:
        return [
            f"Acte daté du {format_date(act_date)}, avant le premier jour possible ({format_date(limit)}, "
            f"{rule.basis}) : {rule.sanction}"
        ]
    if rule.kind == "expiry" and act_date <= limit:
        return [
            f"Acte daté du {format_date(act_date)} : « {rule.label} » court jusqu'au {format_date(limit)} "
            f"inclus ({rule.basis}) ; datez-le du lendemain au plus tôt."
        ]
    return []


def check_mentions(
    act: ActType, values: Mapping[str, object], printed: Mapping[str, str], text: str, ticks: frozenset[str] | set[str]
) -> tuple[MentionState, ...]:
    """Each mention of `act`: present datum for each need, each printed value found in `text`,
    the named extra check, and the clerc's tick for a manual mention.

    `values` holds the data (None when missing); `printed` the string each datum prints as.
    """
    states = []
    plain = text.replace(APPARENT_START, "").replace(APPARENT_END, "")
    for mention in act.mentions:
        problems = [missing_message(key, mention) for key in mention.needs if values.get(key) in (None, "")]
        for key in mention.printed:
            shown = printed.get(key)
            if values.get(key) in (None, "") or not shown:
                continue
            if shown not in plain:
                problems.append(
                    f"{data_key(key).label} absent du texte de l'acte (« {shown} ») : "
                    "le modèle ne l'imprime pas, signalez-le."
                )
        if mention.extra:
            problems += _extra_problems(mention.extra, values)
        ticked = mention.id in ticks
        ok = not problems and (ticked or not mention.manual)
        states.append(MentionState(mention, ok, tuple(problems), ticked))
    return tuple(states)


def blocking(states: Iterable[MentionState]) -> list[MentionState]:
    return [s for s in states if not s.ok]
