"""Which dossier a credit on the étude's bank account pays: pure rules, no database.

Each credit is matched, in this order of trust (docs/bank.md):

1. **the dossier's reference in the label** (`2024-000123`, also written `2024 000123`,
   `2024-000 123` or `2024000123`): confidence 95, 100 when the payer's name is also the
   debtor's; 60 when that dossier is closed; 70 each when the label names several dossiers;
2. **the amount and the debtor's name** (names folded: case and accents ignored, civilities,
   company forms and bank words left out, then token overlap): 85 when the whole name is there
   and the amount is what the dossier still owes; 70 whole name, less than what is owed; 55 whole
   name, more; 65 / 50 for half the name or more;
3. **the debtor's IBAN** when the étude knows it (debtor card): 80, 90 with the name.

A line is **sure** when its best candidate has 90 or more and no other dossier reaches 90; it is
**doubtful** from 50; **unmatched** below (or with no candidate). Sure lines may be recorded without
a look (`clerc import bank --record-sure`); doubtful and unmatched ones wait for the clerc's
decision on the review screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from clerc_tui.rules.french import format_date
from clerc_tui.rules.names import fold

SURE = "sure"
DOUBTFUL = "doubtful"
UNMATCHED = "unmatched"
STATUS_LABELS = {SURE: "sûr", DOUBTFUL: "douteux", UNMATCHED: "non rapproché"}
SURE_FROM = 90
DOUBTFUL_FROM = 50
MAX_CANDIDATES = 5

# A year (19xx/20xx), then six digits, with spaces, dashes, dots, slashes or underscores
# anywhere between the groups (and one inside the six digits), not glued to other digits.
REFERENCE = re.compile(r"(?<!\d)((?:19|20)\d\d)[\s\-_./]*(\d{3})[\s\-_.]?(\d{3})(?!\d)")

# Words that say nothing of who paid: civilities, company forms, particles, bank wording.
STOP_WORDS = frozenset(
    (
        *("m", "mr", "mme", "mlle", "monsieur", "madame", "mademoiselle", "mm", "mmes", "ep", "epouse", "nee"),
        *("vve", "veuve", "sarl", "sas", "sasu", "eurl", "sa", "sci", "snc", "scp", "ste", "societe", "ets"),
        *("etablissements", "cie", "et", "de", "du", "des", "la", "le", "les", "au", "aux", "en", "pour", "par"),
        *("sur", "vir", "virement", "sepa", "recu", "emis", "inst", "instantane", "prlv", "prelevement", "ref"),
        *("reference", "dossier", "paiement", "facture", "remise", "cheque", "chq", "cb", "carte"),
    )
)
_WORD = re.compile(r"[a-z0-9]+")


def references_in(text: str) -> tuple[str, ...]:
    """The dossier references written in a label, as the étude writes them (« 2024-000123 »),
    each once, in order."""
    found: list[str] = []
    for match in REFERENCE.finditer(text or ""):
        reference = f"{match.group(1)}-{match.group(2)}{match.group(3)}"
        if reference not in found:
            found.append(reference)
    return tuple(found)


def name_tokens(name: str) -> frozenset[str]:
    """The words of a name that identify someone: « M. Raphaël LAMY » → {raphael, lamy}."""
    return frozenset(w for w in _WORD.findall(fold(name or "")) if len(w) > 1 and w not in STOP_WORDS)


@dataclass(frozen=True)
class DossierFacts:
    """What matching needs of a dossier."""

    id: int
    reference: str
    debtor_name: str
    due: Decimal  # what the debtor still owes (the dossier's stored balance)
    closed_on: date | None = None


@dataclass(frozen=True)
class Credit:
    """What matching needs of a credit line."""

    label: str
    amount: Decimal
    debtor_name: str = ""
    debtor_iban: str = ""


@dataclass(frozen=True)
class Candidate:
    dossier_id: int
    reference: str
    debtor_name: str
    confidence: int  # 0–100
    reason: str  # French, shown to the clerc


@dataclass(frozen=True)
class Match:
    status: str  # SURE, DOUBTFUL, UNMATCHED
    candidates: tuple[Candidate, ...]  # best first

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass
class NameIndex:
    """Open dossiers by the words of their debtors' names (built once per import)."""

    dossiers: dict[int, DossierFacts] = field(default_factory=dict)
    tokens: dict[int, frozenset[str]] = field(default_factory=dict)
    postings: dict[str, set[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, dossiers: Iterable[DossierFacts]) -> NameIndex:
        index = cls()
        postings = index.postings
        for dossier in dossiers:
            words = name_tokens(dossier.debtor_name)
            if not words:
                continue
            index.dossiers[dossier.id] = dossier
            index.tokens[dossier.id] = words
            for word in words:
                ids = postings.get(word)
                if ids is None:
                    postings[word] = {dossier.id}
                else:
                    ids.add(dossier.id)
        return index

    def candidates(self, words: frozenset[str], rare_alone: int = 20) -> set[int]:
        """Dossiers whose debtor shares the payer's two rarest known words (or the rarest alone
        when it names at most `rare_alone` dossiers)."""
        known = sorted((len(self.postings[w]), w) for w in words if w in self.postings)
        if not known:
            return set()
        if len(known) >= 2:
            return self.postings[known[0][1]] & self.postings[known[1][1]]
        return set(self.postings[known[0][1]]) if known[0][0] <= rare_alone else set()


def _overlap(payer: frozenset[str], debtor: frozenset[str]) -> float:
    if not payer or not debtor:
        return 0.0
    shared = len(payer & debtor)
    if shared == len(debtor) or (shared == len(payer) and shared >= 2):
        return 1.0
    return shared / len(debtor)


def _name_score(
    credit_words: frozenset[str], dossier_words: frozenset[str], amount: Decimal, due: Decimal
) -> tuple[int, str] | None:
    overlap = _overlap(credit_words, dossier_words)
    if overlap < 0.5:
        return None
    if overlap == 1.0:
        if amount == due:
            return 85, "montant égal au solde dû et nom du débiteur"
        if amount < due:
            return 70, "nom du débiteur (montant inférieur au solde dû)"
        return 55, "nom du débiteur (montant supérieur au solde dû)"
    if amount == due:
        return 65, "montant égal au solde dû et nom en partie"
    return 50, "nom du débiteur en partie"


def match_credit(
    credit: Credit,
    by_reference: Mapping[str, DossierFacts],
    names: NameIndex,
    by_iban: Mapping[str, tuple[DossierFacts, ...]],
) -> Match:
    """The candidates of one credit, best first, and whether it is sure, doubtful or unmatched."""
    found: dict[int, Candidate] = {}
    payer = name_tokens(credit.debtor_name) or name_tokens(credit.label)

    def offer(dossier: DossierFacts, confidence: int, reason: str) -> None:
        held = found.get(dossier.id)
        if held is None or held.confidence < confidence:
            found[dossier.id] = Candidate(dossier.id, dossier.reference, dossier.debtor_name, confidence, reason)

    references = [r for r in references_in(credit.label) if r in by_reference]
    for reference in references:
        dossier = by_reference[reference]
        same_name = _overlap(payer, name_tokens(dossier.debtor_name)) >= 0.5
        if dossier.closed_on is not None:
            offer(
                dossier,
                60,
                f"référence {reference} dans le libellé, mais dossier clos le {format_date(dossier.closed_on)}",
            )
        elif len(references) > 1:
            offer(dossier, 70, f"référence {reference} dans le libellé, parmi {len(references)} références")
        elif same_name:
            offer(dossier, 100, f"référence {reference} dans le libellé et nom du débiteur")
        else:
            offer(dossier, 95, f"référence {reference} dans le libellé")
    if payer:
        for dossier_id in names.candidates(payer):
            dossier = names.dossiers[dossier_id]
            score = _name_score(payer, names.tokens[dossier_id], credit.amount, dossier.due)
            if score is not None:
                offer(dossier, *score)
    iban = (credit.debtor_iban or "").replace(" ", "").upper()
    for dossier in by_iban.get(iban, ()) if iban else ():
        if _overlap(payer, name_tokens(dossier.debtor_name)) >= 0.5:
            offer(dossier, 90, f"IBAN du débiteur connu ({iban[:4]}…{iban[-4:]}) et nom")
        else:
            offer(dossier, 80, f"IBAN du débiteur connu ({iban[:4]}…{iban[-4:]})")
    ranked = sorted(found.values(), key=lambda c: (-c.confidence, c.reference))[:MAX_CANDIDATES]
    return Match(status_of(ranked), tuple(ranked))


def status_of(candidates: list[Candidate] | tuple[Candidate, ...]) -> str:
    if not candidates or candidates[0].confidence < DOUBTFUL_FROM:
        return UNMATCHED
    if candidates[0].confidence >= SURE_FROM and (len(candidates) < 2 or candidates[1].confidence < SURE_FROM):
        return SURE
    return DOUBTFUL
