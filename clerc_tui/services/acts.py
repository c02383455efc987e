"""Acts of a dossier: drafted from its data, checked mention by mention, verified, served.

An act is generated from the dossier (parties, title, the décompte of the money core at the
act's date with principal, frais and interest apart and the rate stated, the délais computed by
the calendar from the act's date, the JEX of the debtor's domicile, the étude's identity). A
missing datum never disappears silently: the text shows « [À COMPLÉTER : …] » and the checklist
says which mention it blocks and where to fill it. States: draft → verified (refused while a
mention fails) → served (records the procedure step, which creates its deadlines). One write
transaction per call, permission and audit inside; nothing is deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from clerc_tui.errors import ClercError, ConflictError, InvalidInput
from clerc_tui.models import DebtorAddress, Dossier, DossierDebtor
from clerc_tui.models.acts import Act, ActMention
from clerc_tui.models.db import write_transaction
from clerc_tui.models.ledger import LedgerEntry
from clerc_tui.rules import act_text, wording
from clerc_tui.rules import acts as act_rules
from clerc_tui.rules import procedures as procedures_rules
from clerc_tui.rules.french import (
    format_amount,
    format_date,
    format_date_long,
    format_percent,
    parse_amount,
    parse_date,
)
from clerc_tui.rules.identifiers import format_siren
from clerc_tui.rules.measures import wage_share
from clerc_tui.rules.money import from_cents, to_cents
from clerc_tui.rules.names import formal_name
from clerc_tui.rules.seizable_text import quotite_text
from clerc_tui.rules.solvency import SOURCES, is_stale
from clerc_tui.rules.text import check_text
from clerc_tui.rules.vocabulary import TITLE_KINDS
from clerc_tui.services.audit import last_change, record, save_versioned, snapshot, timeline_event
from clerc_tui.services.context import Actor, require, require_write
from clerc_tui.services.deadlines import dossier_distance, record_step
from clerc_tui.services.etude import the_etude
from clerc_tui.services.plain import Prepared, plain

LEASE_REFORM = date(2023, 7, 29)  # loi 2023-668: 6 weeks instead of 2 months (docs/law/procedure-steps.md)
FIELD_MAX = 2000


@dataclass
class ActDraft:
    """An act as generated now: its data, the text, and the state of each mention."""

    act_type: act_rules.ActType
    values: dict
    printed: dict
    body: str
    states: tuple[act_rules.MentionState, ...]
    problems: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[act_rules.MentionState]:
        return act_rules.blocking(self.states)

    @property
    def complete(self) -> bool:
        return not self.blocking


@dataclass(frozen=True)
class ActInfo:
    """An act as stored: its state, who drafted, verified and served it (`fields`: the typed
    values, JSON)."""

    id: int
    dossier_id: int
    act_type: str
    state: str  # draft | verified | served | cancelled
    act_date: date
    fields: str
    body: str
    total_cents: int | None
    created_by: str
    created_at: datetime
    verified_by: str | None
    verified_at: datetime | None
    served_on: date | None
    service_mode: str | None
    served_by: str | None
    cancelled_reason: str
    version: int
    decompte: str
    fee_entry_id: int | None
    warnings: tuple[str, ...] = ()  # what serving it could not do (bill it): said to the clerc


@dataclass
class ActView:
    act: ActInfo
    draft: ActDraft

    @property
    def act_type(self) -> act_rules.ActType:
        return self.draft.act_type


# --- data of the act ----------------------------------------------------------------------


def _address(street: str, postcode: str, city: str, country: str = "France") -> str | None:
    if not (street or "").strip():
        return None
    line = f"{street.strip()}, {(postcode or '').strip()} {(city or '').strip()}".strip().rstrip(",")
    if country and country.strip().casefold() not in ("", "france"):
        line += f", {country.strip()}"
    return line


def _rate_text(dossier: Dossier, statement) -> str | None:
    if statement is not None and not statement.one_regime:
        # Items on their own terms (an article 700 sum at the legal rate from the judgment,
        # art. 1231-7 C. civ.): each group's rate and start, the detail in the décompte joined.
        texts = []
        for st in statement.streams:
            rate = _terms_rate_text(st.terms.kind, st.terms.rate, st.lines, dossier.majoration_points)
            texts.append(f"{st.label} : {rate or 'intérêt au taux légal'} à compter du {format_date(st.start)}")
        return " ; ".join(texts) or "néant (créance sans intérêts)"
    return _terms_rate_text(
        dossier.interest_kind or "none",
        dossier.contractual_rate,
        statement.interest_lines if statement is not None else None,
        dossier.majoration_points,
    )


def _terms_rate_text(kind: str, rate: Decimal | None, lines, points: int) -> str | None:
    """The rate of one set of terms as an act states it; legal interest by the rates of its
    lines (None: no line to read them from)."""
    if kind == "none":
        return "néant (créance sans intérêts)"
    if kind in ("contractual", "commercial") and rate is not None:
        label = "taux conventionnel" if kind == "contractual" else "pénalités de retard (C. com. L441-10) au taux"
        return f"{label} de {format_percent(rate)} l'an"
    if not lines:
        return None
    rates = []
    for line in lines:
        text = format_percent(line.rate)
        if text not in rates:
            rates.append(text)
    majorated = any(line.kind == "legal_majorated" for line in lines)
    if len(rates) > 3:  # many semesters: the range, the detail is in the décompte joined to the act
        rates = [f"taux successifs de {rates[0]} à {rates[-1]}, détaillés au décompte joint"]
    text = "intérêt au taux légal (" + ", puis ".join(rates) + " l'an"
    if majorated:
        text += f", majoré de {points} points (C. mon. fin. L313-3)"
    return text + ")"


def _formal(party) -> str:
    """The party's name as acts write it (« Madame Hélène LEFÈVRE »); the list's name for old rows."""
    name = formal_name(
        kind=party.kind,
        civility=party.civility or "",
        first_name=party.first_name or "",
        last_name=party.last_name or "",
        company_name=party.company_name or "",
    )
    return name or party.display_name or ""


def _wording(dossier: Dossier, creditor, debtor, printed: dict, v: dict) -> dict:
    """The phrases the templates compose with (rules/wording.py): parties, title, court."""
    debtor_kind = debtor.kind if debtor is not None else "physique"
    debtor_siren = format_siren(debtor.siren) if debtor is not None and debtor.siren else ""
    creditor_siren = format_siren(creditor.siren) if creditor.siren else ""
    organisme = creditor.kind == "morale" and creditor.activity == "organisme_social"
    creditor_party = wording.party_description(
        creditor.kind, printed["creditor_name"], printed["creditor_address"], creditor_siren, organisme=organisme
    )
    if creditor.kind == "morale":
        creditor_party += ", agissant poursuites et diligences de son représentant légal"
    debtor_party = wording.party_description(
        debtor_kind, printed["debtor_name"], printed["debtor_address"], debtor_siren
    )
    if debtor_kind == "morale":
        debtor_party += ", prise en la personne de son représentant légal"
    debtor_designation = wording.party_designation(debtor_kind, printed["debtor_name"])
    court = wording.court_phrase(v["title_court"] or "") or printed["title_court"]
    return {
        "creditor_party": creditor_party,
        "creditor_designation": (
            printed["creditor_name"]
            if organisme
            else wording.party_designation(creditor.kind, printed["creditor_name"])
        ),
        "debtor_party": debtor_party,
        "debtor_designation": debtor_designation,
        "debtor_place": wording.party_place(debtor_kind, debtor_designation, printed["debtor_address"]),
        "title_court_phrase": court,
        "title": wording.title_phrase(
            dossier.title_kind or "",
            court,
            printed["title_date"],
            v["title_reference"] or "",
            kind_missing=printed["title_label"],
        ),
        "title_executory": wording.executory_clause(dossier.title_kind or ""),
    }


def _fields(act: Act | ActInfo | None, raw: dict | None = None) -> dict:
    if raw is not None:
        return raw
    return json.loads(act.fields or "{}") if act is not None else {}


def _served_date(dossier_id: int, act_type: str = "saisie_attribution") -> date | None:
    """The date the dossier's last act of `act_type` was served on (None: none served)."""
    row = (
        Act.select(Act.served_on)
        .where(Act.dossier == dossier_id, Act.act_type == act_type, Act.state == "served")
        .order_by(Act.served_on.desc())
        .first()
    )
    return row.served_on if row else None


def _decode_field(kind: str, value):
    if value in (None, "", []):
        return None
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "amount":
        return Decimal(value)
    if kind == "items":  # stored as [{"designation": …, "value": "150.00" or ""}]
        return tuple(
            act_rules.InventoryItem(item["designation"], Decimal(item["value"]) if item.get("value") else None)
            for item in value
        )
    return value


DECOMPTE_KEYS = ("principal", "frais", "interets", "total", "interest_to_come")
SEIZABLE_KEY = "seizable_fraction"  # the PV de saisie des rémunérations' monthly seizable fraction
SOLVENCY_TAB = "onglet 6 Solvabilité : employeur et salaire net"


def _frozen_decompte(values: dict) -> str:
    """The décompte of the act as verified (JSON, cents): what it says, whatever the ledger does next.
    The seizable fraction an act printed is frozen with it: a new net pay does not change it."""
    data = {k: to_cents(values[k]) if values.get(k) is not None else None for k in DECOMPTE_KEYS}
    data["rate"] = values.get("rate")
    if values.get(SEIZABLE_KEY) is not None:
        data[SEIZABLE_KEY] = to_cents(values[SEIZABLE_KEY])
    return json.dumps(data, sort_keys=True)


def _fact_origin(fact) -> str:
    source = SOURCES.get(fact.source, fact.source)
    return f"{source}, {'du ' + format_date(fact.known_on) if fact.known_on else 'non daté'}"


def _seizable_fraction(debtor, act_date: date, v: dict, problems: list[str]) -> str:
    """The seizable fraction at the act's date from the debtor's solvency file (R3252-2 to
    R3252-5 C. trav.): the newest employment fact's net monthly pay and the dependants
    (R3252-3) → rules/seizable.quotite, rendered by rules/seizable_text.py (the text of
    `clerc calc quotite`). Sets v[SEIZABLE_KEY] (None: no net pay known, the mention blocks
    with where to fill it); a fact older than the étude's setting is a warning, not a block.
    Returns the text the act prints (empty when there is nothing to print)."""
    from clerc_tui.services.solvency import debtor_solvency, stale_months

    v[SEIZABLE_KEY] = None
    if debtor is None:
        return ""
    # What was known at the act's date: a fact learnt later does not date back.
    facts = [f for f in debtor_solvency(debtor.id).facts if f.known_on is None or f.known_on <= act_date]
    wage = wage_share(facts, act_date)
    if wage.job is None:
        return ""
    if wage.share is None:
        problems.append(f"Fraction saisissable non calculée : {wage.error}")
        return ""
    months = stale_months()
    used = [wage.job] + [f for f in facts if f.kind == "dependant" and f.current]
    old = [f for f in used if is_stale(f, act_date, months)]
    if old:
        problems.append(
            "Attention : renseignement(s) de plus de "
            f"{months} mois ou non daté(s) ({' ; '.join(f'{f.label} : {_fact_origin(f)}' for f in old)}) : "
            f"vérifiez-les avant de signifier ({SOLVENCY_TAB})."
        )
    v[SEIZABLE_KEY] = wage.share.seizable
    known = f"salaire net connu : {_fact_origin(wage.job)}"
    return f"Employeur : {wage.job.label} ; {known}.\n" + quotite_text(wage.share, act=True).rstrip("\n")


def build_draft(
    dossier_id: int,
    act_type_id: str,
    act_date: date,
    fields: dict | None = None,
    *,
    frozen_body: str | None = None,
    frozen_total_cents: int | None = None,
    ticks: frozenset[str] = frozenset(),
    frozen_decompte: str = "",
    check_ledger: bool = True,
) -> ActDraft:
    """Generate the act (or re-check a frozen one) from what the database knows now.

    `frozen_decompte`: the décompte stored at verification; a verified or served act is read
    with it (its text says those sums), not with the ledger of today: the act's own fee billed at
    service, or a payment received since, does not make it « incomplet ». `check_ledger`: say
    (as a blocking problem) that the ledger no longer matches a frozen total — for acts verified
    before the décompte was stored (m0014)."""
    from clerc_tui.services.statement import dossier_statement

    act = act_rules.act_type(act_type_id)
    dossier = Dossier.by_id(dossier_id)
    if dossier is None:
        raise InvalidInput("Ce dossier n'existe pas (ou plus).")
    fields = dict(fields or {})
    problems: list[str] = []
    v: dict = {}
    etude = the_etude()
    v["etude_name"] = etude.name if etude and etude.name else None
    v["commissaire_name"] = etude.commissaire_name if etude and etude.commissaire_name else None
    v["etude_address"] = _address(etude.address, etude.postcode, etude.city) if etude else None
    creditor = dossier.creditor
    v["creditor_name"] = _formal(creditor) or None
    v["creditor_address"] = _address(creditor.street, creditor.postcode, creditor.city, creditor.country)
    links = _FIRST_LINK.rows(dossier_id)
    debtor = links[0].debtor if links else None
    address = None
    if debtor is not None:
        addresses = _CURRENT_ADDRESS.rows(debtor.id)
        address = addresses[0] if addresses else None
    v["debtor_name"] = (_formal(debtor) or None) if debtor else None
    v["debtor_address"] = _address(address.street, address.postcode, address.city, address.country) if address else None
    v["court"] = (
        f"le juge de l'exécution du tribunal judiciaire dans le ressort duquel demeure le débiteur "
        f"({address.postcode} {address.city})".replace("  ", " ")
        if address is not None and v["debtor_address"] and address.city
        else None
    )
    v["title_label"] = TITLE_KINDS.get(dossier.title_kind) if dossier.title_kind else None
    v["title_court"] = dossier.title_court or None
    v["title_reference"] = dossier.title_reference or None
    v["title_date"] = dossier.title_date
    v["act_date"] = act_date
    statement = None
    try:
        statement = dossier_statement(dossier_id, act_date)
    except ClercError as error:
        problems.append(f"Décompte impossible au {format_date(act_date)} : {error.message}")
    if statement is not None:
        v["principal"], v["frais"] = statement.principal_due, statement.frais_due
        v["interets"], v["total"] = statement.interest_due, statement.total_due
        v["interest_to_come"] = statement.interest_to_come
    for key in ("principal", "frais", "interets", "total", "interest_to_come"):
        v.setdefault(key, None)
    v["rate"] = _rate_text(dossier, statement)
    if frozen_decompte:
        frozen = json.loads(frozen_decompte)
        for key in DECOMPTE_KEYS:
            v[key] = from_cents(frozen[key]) if frozen.get(key) is not None else None
        v["rate"] = frozen.get("rate")
        problems = [p for p in problems if not p.startswith("Décompte impossible")]
    elif frozen_total_cents is not None and statement is not None:
        if check_ledger:
            v["ledger_total"] = statement.total_due
        v["total"] = from_cents(frozen_total_cents)
    for spec in act.fields:
        v[spec.id] = _decode_field(spec.kind, fields.get(spec.id))
    seizable_text = ""
    if any(SEIZABLE_KEY in m.needs for m in act.mentions):
        frozen_fraction = json.loads(frozen_decompte).get(SEIZABLE_KEY) if frozen_decompte else None
        if frozen_fraction is not None:  # verified or served: the figure it printed, not today's file
            v[SEIZABLE_KEY] = from_cents(frozen_fraction)
        else:
            seizable_text = _seizable_fraction(debtor, act_date, v, problems)
    if "plan_id" in {f.id for f in act.fields}:  # the debtor's confirmation of a payment plan
        from clerc_tui.services.plans import letter_values

        v.update(letter_values(v.get("plan_id")))
    if "premises" in {f.id for f in act.fields} and v.get("premises") is None:
        v["premises"] = v["debtor_address"]
    if act.follows is not None:  # timed from an earlier act: by default the one served on the dossier
        follows = act.follows
        v[follows.field] = v.get(follows.field) or _served_date(dossier_id, follows.act_type)
        v["follow_rule"], v["follow_limit"] = follows.rule_id, None
        if v[follows.field] is not None:
            computed = procedures_rules.compute_rule(follows.rule_id, v[follows.field], zone=dossier.zone)
            v["follow_limit"] = (
                min(computed.due, computed.act_by or computed.due) if computed.kind == "last_day" else computed.due
            )
    wants_repartiteur = "repartiteur" in {f.id for f in act.fields} and v.get("repartiteur") is None
    if wants_repartiteur and etude is not None and etude.wage_repartiteur and v["commissaire_name"]:
        # The étude is the répartiteur (its setting): it is named unless the clerc named another.
        v["repartiteur"] = ", ".join(x for x in (v["commissaire_name"], v["etude_name"], v["etude_address"]) if x)
    if "seizure_date" in {f.id for f in act.fields}:
        v["seizure_date"] = v.get("seizure_date") or _served_date(dossier_id)
        v["denonciation_last_day"] = None
        if v["seizure_date"] is not None:
            computed = procedures_rules.compute_rule("sa_denonciation_8_jours", v["seizure_date"], zone=dossier.zone)
            v["denonciation_last_day"] = min(computed.due, computed.act_by or computed.due)
    distance = dossier_distance(dossier_id)
    for key, rule_ids in act.deadlines:
        rule_id = rule_ids[0]
        if len(rule_ids) > 1:  # the clause résolutoire: 6 weeks or 2 months by the lease's date
            lease = v.get("lease_date")
            if lease is None:
                v[key] = None
                continue
            facts = {"lease_from_2023_07_29": lease >= LEASE_REFORM}
            rule_id = next(r for r in rule_ids if procedures_rules.applies(procedures_rules.rule(r), facts))
        v[key] = procedures_rules.compute_rule(rule_id, act_date, zone=dossier.zone, distance=distance).due
    printed: dict[str, str] = {}  # the text each datum prints as
    for key in act_rules.catalogue().data:
        value = v.get(key)
        if value in (None, ""):
            printed[key] = act_rules.placeholder(key)
        elif isinstance(value, date):
            printed[key] = format_date_long(value)
        elif isinstance(value, Decimal):
            printed[key] = format_amount(value)
        elif isinstance(value, tuple):
            printed[key] = act_rules.format_items(value)
        else:
            printed[key] = str(value)
    printed.update(_wording(dossier, creditor, debtor, printed, v))
    amicable = (v["principal"] + v["interets"]) if v["principal"] is not None and v["interets"] is not None else None
    context = {
        "p": {
            **printed,
            "title_reference_set": bool(v.get("title_reference")),  # a flag the templates test
            "seizable_text": seizable_text,
        },
        "statement_notes": [],
        "amicable_total": format_amount(amicable) if amicable is not None else act_rules.placeholder("total"),
    }
    body = frozen_body if frozen_body is not None else act_text.render(act, context)
    states = act_rules.check_mentions(act, v, printed, body, ticks)
    return ActDraft(act, v, printed, body, states, problems)


def _ticks(act: Act) -> frozenset[str]:
    return frozenset(mention_id for (mention_id,) in _TICKED.rows(act.id))


# The reads of every act drafted or shown (build_draft, act_view), their SQL written once.
_FIRST_LINK = Prepared(
    lambda dossier_id: (
        DossierDebtor.select().where(DossierDebtor.dossier == dossier_id).order_by(DossierDebtor.position).limit(1)
    )
)
_CURRENT_ADDRESS = Prepared(
    lambda debtor_id: (
        DebtorAddress.select()
        .where(DebtorAddress.debtor == debtor_id, DebtorAddress.is_current == True)  # noqa: E712
        .order_by(DebtorAddress.id)
        .limit(1)
    )
)
_TICKED = Prepared(
    lambda act_id: (
        ActMention.select(ActMention.mention_id)
        .where(ActMention.act == act_id, ActMention.ticked == True)  # noqa: E712 - SQL "ticked = 1"
        .tuples()
    )
)


def act_view(act_id: int) -> ActView:
    act = Act.by_id(act_id)
    if act is None:
        raise InvalidInput("Cet acte n'existe pas (ou plus).")
    frozen = act.state != "draft"
    draft = build_draft(
        act.dossier_id,
        act.act_type,
        act.act_date,
        _fields(act),
        frozen_body=act.body if frozen else None,
        frozen_total_cents=act.total_cents if frozen else None,
        ticks=_ticks(act),
        frozen_decompte=act.decompte if frozen else "",
        check_ledger=act.state == "verified",
    )
    return ActView(plain(ActInfo, act), draft)


def dossier_acts(dossier_id: int) -> list[ActInfo]:
    return [plain(ActInfo, act) for act in Act.select().where(Act.dossier == dossier_id).order_by(Act.id.desc())]


# --- writing ------------------------------------------------------------------------------


def _open(act_id: int, expected_version: int | None = None) -> Act:
    """The act, read inside the write transaction; refused (ConflictError, with who and when) if
    it changed since the clerc read it at `expected_version` — as dossiers and deadlines are."""
    act = Act.by_id(act_id)
    if act is None:
        raise InvalidInput("Cet acte n'existe pas (ou plus).")
    if expected_version is not None and act.version != expected_version:
        label = act_rules.act_type(act.act_type).label
        raise ConflictError(
            f"L'acte « {label} » a été modifié{last_change('act', act.id)} depuis que vous "
            "l'avez affiché. Rien n'a été enregistré : il est rechargé, vérifiez-le et refaites "
            "l'opération."
        )
    return act


def _save_act(act: Act) -> None:
    """Write the edited act with the next version, only if nobody wrote it in between."""
    save_versioned(act, "act", "L'acte vient d'être modifié")


def draft_act(
    actor: Actor,
    dossier_id: int,
    act_type_id: str,
    *,
    today: date,
    act_date: date | None = None,
    fields: dict | None = None,
) -> ActInfo:
    """Create the draft of an act of `act_type_id` for the dossier, dated `act_date` (today by default)."""
    require_write(actor)
    act_type = act_rules.act_type(act_type_id)
    act_date = act_date or today
    with write_transaction():
        if Dossier.by_id(dossier_id) is None:
            raise InvalidInput("Ce dossier n'existe pas (ou plus).")
        act = Act.create(
            dossier=dossier_id,
            act_type=act_type.id,
            state="draft",
            act_date=act_date,
            fields=json.dumps(fields or {}, ensure_ascii=False, sort_keys=True),
            body="",
            created_by=actor.login,
            created_at=datetime.now(),
            cancelled_reason="",
            version=1,
        )
        record(actor, "act.draft", "act", act.id, after=snapshot(act), dossier_id=dossier_id)
    return plain(ActInfo, act)


def _parse_field(spec: act_rules.ActField, text: str) -> str | list[dict[str, str]]:
    limit = FIELD_MAX * (10 if spec.kind == "items" else 2)  # an inventory may list many goods
    check_text(text, field=spec.label, max_len=limit, multiline=True, key=spec.id)
    if spec.kind == "items":  # an inventory: one good per line (rules/acts.py parse_items)
        items = act_rules.parse_items(text or "")
        return [{"designation": i.designation, "value": str(i.value) if i.value is not None else ""} for i in items]
    raw = " ".join((text or "").split()) if spec.kind != "text" else (text or "").strip()
    if not raw:
        return ""
    if len(raw) > FIELD_MAX:
        raise InvalidInput(f"{spec.label} : {len(raw)} caractères, {FIELD_MAX} au plus.", field=spec.id)
    if spec.kind == "date":
        return parse_date(raw).isoformat()
    if spec.kind == "amount":
        return str(parse_amount(raw))
    return raw


def update_act(
    actor: Actor, act_id: int, values: dict[str, str], *, today: date, expected_version: int | None = None
) -> ActInfo:
    """Change the act's date and complements (as typed). A verified act goes back to draft:
    its printed délais and décompte would no longer be those it was verified with."""
    require_write(actor)
    with write_transaction():
        act = _open(act_id, expected_version)
        if act.state not in ("draft", "verified"):
            raise InvalidInput("Un acte signifié ne se modifie plus.")
        spec = {f.id: f for f in act_rules.act_type(act.act_type).fields}
        fields = _fields(act)
        new_date = act.act_date
        for key, text in values.items():
            if key == "act_date":
                new_date = parse_date(text)
                if new_date < today:
                    raise InvalidInput(
                        f"Un acte ne peut être daté d'avant aujourd'hui ({format_date(today)}) : "
                        "ses délais seraient faux.",
                        field="act_date",
                    )
            elif key in spec:
                fields[key] = _parse_field(spec[key], text)
            else:
                raise InvalidInput(f"Champ inconnu pour cet acte : « {key} ».")
        before = snapshot(act)
        act.fields = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        act.act_date = new_date
        if act.state == "verified":
            act.state, act.body, act.total_cents, act.verified_by, act.verified_at = "draft", "", None, None, None
            act.decompte = ""
        _save_act(act)
        record(actor, "act.update", "act", act.id, before=before, after=snapshot(act), dossier_id=act.dossier_id)
    return plain(ActInfo, act)


def tick(actor: Actor, act_id: int, mention_id: str, ticked: bool = True) -> None:
    """Tick (or untick) a manual mention of a draft act."""
    require_write(actor)
    with write_transaction():
        act = _open(act_id)
        if act.state != "draft":
            raise InvalidInput(
                f"Seul un brouillon se coche : cet acte est déjà {act_rules.STATES.get(act.state, act.state).lower()}."
            )
        mention = act_rules.act_type(act.act_type).mention(mention_id)
        if not mention.manual:
            raise InvalidInput(
                f"« {mention.label} » se vérifie d'après les données, elle ne se coche pas : "
                "corrigez la donnée qui manque."
            )
        row = ActMention.get_or_none(ActMention.act == act.id, ActMention.mention_id == mention_id)
        before = snapshot(row) if row else None
        if row is None:
            row = ActMention(act=act.id, mention_id=mention_id)
        row.ticked, row.ticked_by, row.ticked_at = ticked, actor.login, datetime.now()
        row.save()
        record(
            actor,
            "act.tick" if ticked else "act.untick",
            "act_mention",
            row.id,
            before=before,
            after=snapshot(row),
            dossier_id=act.dossier_id,
        )


def verify(actor: Actor, act_id: int, *, today: date, expected_version: int | None = None) -> ActInfo:
    """draft → verified, by whom and when; refused while a mention fails. The text and the
    décompte it states are frozen into the act."""
    require(actor, "act.validate")
    with write_transaction():
        act = _open(act_id, expected_version)
        if act.state != "draft":
            raise InvalidInput(f"Cet acte est déjà {act_rules.STATES.get(act.state, act.state).lower()}.")
        if act.act_date < today:
            raise InvalidInput(f"L'acte est daté du {format_date(act.act_date)}, déjà passé : changez sa date (e).")
        draft = build_draft(act.dossier_id, act.act_type, act.act_date, _fields(act), ticks=_ticks(act))
        if draft.blocking:
            first = draft.blocking[0]
            why = first.problems[0] if first.problems else f"« {first.mention.label} » n'est pas cochée"
            raise InvalidInput(f"Vérification refusée : {len(draft.blocking)} mention(s) non conforme(s). {why}.")
        before = snapshot(act)
        act.state, act.body = "verified", draft.body
        act.total_cents = to_cents(draft.values["total"]) if draft.values.get("total") is not None else None
        act.decompte = _frozen_decompte(draft.values)
        act.verified_by, act.verified_at = actor.login, datetime.now()
        _save_act(act)
        record(actor, "act.verify", "act", act.id, before=before, after=snapshot(act), dossier_id=act.dossier_id)
    return plain(ActInfo, act)


def serve(
    actor: Actor, act_id: int, served_on: date, mode: str, *, today: date, expected_version: int | None = None
) -> ActInfo:
    """verified → served on `served_on` by `mode`; records the procedure step (its deadlines)
    and bills the act (hook `bill_served_act`) unless it was already billed. The décompte is the
    one frozen at verification: it is not checked again against the ledger."""
    require(actor, "act.serve")
    with write_transaction():
        act = _open(act_id, expected_version)
        act_type = act_rules.act_type(act.act_type)
        if act.state != "verified":
            raise InvalidInput("Seul un acte vérifié peut être signifié : validez-le d'abord (F2).")
        if mode not in act_type.service_modes:
            allowed = ", ".join(act_rules.SERVICE_MODES[m] for m in act_type.service_modes)
            raise InvalidInput(f"Mode de signification non prévu pour cet acte ; possibles : {allowed}.", field="mode")
        if served_on != act.act_date:
            raise InvalidInput(
                f"L'acte est daté du {format_date(act.act_date)} et ses délais sont calculés de ce "
                f"jour : signifié le {format_date(served_on)}, ils seraient faux. Changez la date de "
                "l'acte (e), revérifiez-le, puis signifiez.",
                field="served_on",
            )
        if served_on > today:
            raise InvalidInput("On enregistre une signification faite : pas de date future.", field="served_on")
        view = act_view(act.id)
        if view.draft.blocking:
            first = view.draft.blocking[0]
            raise InvalidInput(
                "Signification refusée : " + (first.problems[0] if first.problems else first.mention.label)
            )
        before = snapshot(act)
        act.state, act.served_on, act.service_mode, act.served_by = "served", served_on, mode, actor.login
        _save_act(act)
        record(actor, "act.serve", "act", act.id, before=before, after=snapshot(act), dossier_id=act.dossier_id)
        if act_type.procedure_id:
            facts = {}
            lease = _decode_field("date", _fields(act).get("lease_date"))
            if lease is not None:
                facts["lease_from_2023_07_29"] = lease >= LEASE_REFORM
            record_step(actor, act.dossier_id, act_type.procedure_id, act_type.step_id, served_on, facts, today=today)
        else:
            timeline_event(
                actor,
                act.dossier_id,
                served_on,
                "acte",
                f"{act_type.label} envoyée ({act_rules.SERVICE_MODES[mode].lower()})",
            )
        warning = bill_served_act(actor, act, act_type, served_on, today=today)
        if act.fee_entry_id is not None:
            Act.update(fee_entry_id=act.fee_entry_id).where(Act.id == act.id).execute()
    return plain(ActInfo, act, warnings=(warning,) if warning else ())


def bill_served_act(actor: Actor, act: Act, act_type: act_rules.ActType, served_on: date, *, today: date) -> str | None:
    """Bill the served act at the tariff (accounts, `services.billing.bill_act`), inside the serve
    transaction. An act type without `tariff_code` is not billed (letters: L111-8). A tariff
    without a figure for the period does not undo the service (the act did go out): the
    warning returned says to bill it from the accounts."""
    if not act_type.tariff_code:
        return None
    from clerc_tui.services.billing import bill_act

    billed = _already_billed(act, act_type.tariff_code)
    if billed is not None:
        act.fee_entry_id = billed.id
        return (
            f"Acte déjà facturé depuis les comptes (facture {billed.document_number or billed.id} du "
            f"{format_date(billed.entry_date)}) : il n'est pas facturé une seconde fois."
        )
    try:
        entry = bill_act(actor, act.dossier_id, act_type.tariff_code, served_on, act_id=act.id, today=today)
    except ClercError as error:
        return f"Acte signifié mais non facturé : {error.message} — facturez-le depuis les comptes du dossier."
    act.fee_entry_id = entry.id
    return None


def _already_billed(act: Act, tariff_code: str) -> LedgerEntry | None:
    """The fee line that already bills this act, if the clerc billed it with `b` (accounts):
    a fee of the dossier at the same tariff code (`breakdown["act"]`), dated the day of the act
    (the day it is served, the day its tariff is read at), naming no other act, not cancelled, and
    not claimed by another act."""
    from clerc_tui.rules.ledger import FEE

    claimed = {
        a.fee_entry_id
        for a in Act.select(Act.fee_entry_id).where(
            Act.dossier == act.dossier_id, Act.id != act.id, Act.fee_entry_id.is_null(False)
        )
    }
    reversed_ids = {
        e.reverses_id
        for e in LedgerEntry.select(LedgerEntry.reverses).where(
            LedgerEntry.dossier == act.dossier_id, LedgerEntry.reverses.is_null(False)
        )
    }
    for entry in (
        LedgerEntry.select()
        .where(
            LedgerEntry.dossier == act.dossier_id,
            LedgerEntry.kind == FEE,
            LedgerEntry.breakdown != "",
            LedgerEntry.entry_date == act.served_on,
        )
        .order_by(LedgerEntry.id)
    ):
        if entry.id in claimed or entry.id in reversed_ids:
            continue
        breakdown = json.loads(entry.breakdown)
        if breakdown.get("act") == tariff_code and breakdown.get("act_id") in (None, act.id):
            return entry
    return None


# --- export -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActExport:
    """What report/acts.py `export_act` writes: the act's body, title and file stem."""

    stem: str
    title: str
    body: str
    incomplete: bool  # a draft that must not be served yet (exported with a banner)


def act_export(act_id: int) -> ActExport:
    from clerc_tui.services.dossiers import dossier_reference

    view = act_view(act_id)
    act = view.act
    reference = dossier_reference(act.dossier_id) or "sans-reference"
    return ActExport(
        f"acte-{reference}-{act.act_type}-{act.id}-{act.act_date:%Y-%m-%d}",
        view.act_type.label,
        view.draft.body,
        bool(view.draft.blocking),
    )
