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
        *"abcdefghijklmnopqrstuvwxyz0123456789",  # a single letter or digit names no one
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


# `names.fold` of each Latin letter with a diacritic (À–ɏ), as one translation table, and the
# punctuation of names (« · » between co-obligés, ’, «, –, non-breaking spaces…) as a space, which
# is no part of a word either way: a name made of those is folded in C (str.translate), ~5× faster
# than `fold`'s character loop; anything else (a decomposed accent, a ligature, another script)
# goes through `fold` itself. The words are the same (tests/rules/test_matching.py).
_FOLDED: dict[int, str] = {
    **{code: " " for code in (*range(0xA0, 0xC0), *range(0x2000, 0x2070))},
    **{code: fold(chr(code)) for code in range(0xC0, 0x250)},
    0xD7: " ",
    0xF7: " ",
}


def words_text(text: str) -> str:
    """`text` folded as `names.fold` folds it, as far as its words go."""
    folded = text.casefold().translate(_FOLDED)
    return folded if folded.isascii() else fold(text)


def name_tokens(name: str) -> frozenset[str]:
    """The words of a name that identify someone: « M. Raphaël LAMY » → {raphael, lamy}."""
    return frozenset(_WORD.findall(words_text(name or ""))).difference(STOP_WORDS)


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
    """Open dossiers by the words of their debtors' names (built once per import, from raw rows
    `(id, reference, debtor_name, due in cents)`, kept as they are: 80,000 open dossiers are not
    made into dataclasses, only their candidates are)."""

    rows: dict[int, tuple[str, str, int]] = field(default_factory=dict)
    tokens: dict[int, frozenset[str]] = field(default_factory=dict)
    postings: dict[str, set[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str, str, int]]) -> NameIndex:
        index = cls()
        postings = index.postings
        seen: dict[str, frozenset[str]] = {}  # a name shared by several debtors is folded once
        for dossier_id, reference, name, due_cents in rows:
            name = name or ""
            words = seen.get(name)
            if words is None:
                words = seen[name] = name_tokens(name)
            if not words:
                continue
            index.rows[dossier_id] = (reference, name, due_cents or 0)
            index.tokens[dossier_id] = words
            for word in words:
                ids = postings.get(word)
                if ids is None:
                    postings[word] = {dossier_id}
                else:
                    ids.add(dossier_id)
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
    credit_words: frozenset[str], dossier_words: frozenset[str], amount_cents: int, due_cents: int
) -> tuple[int, str] | None:
    overlap = _overlap(credit_words, dossier_words)
    if overlap < 0.5:
        return None
    if overlap == 1.0:
        if amount_cents == due_cents:
            return 85, "montant égal au solde dû et nom du débiteur"
        if amount_cents < due_cents:
            return 70, "nom du débiteur (montant inférieur au solde dû)"
        return 55, "nom du débiteur (montant supérieur au solde dû)"
    if amount_cents == due_cents:
        return 65, "montant égal au solde dû et nom en partie"
    return 50, "nom du débiteur en partie"


def match_credit(
    credit: Credit,
    by_reference: Mapping[str, DossierFacts],
    names: NameIndex,
    by_iban: Mapping[str, tuple[DossierFacts, ...]],
) -> Match:
    """The candidates of one credit, best first, and whether it is sure, doubtful or unmatched.
    When the label names one open dossier, the names are not searched (the reference is worth
    more than any name match: the line is sure either way)."""
    found: dict[int, tuple[int, str, str, str]] = {}  # id → (confidence, reference, debtor, reason)
    payer = name_tokens(credit.debtor_name) or name_tokens(credit.label)

    def offer(dossier_id: int, reference: str, debtor: str, confidence: int, reason: str) -> None:
        held = found.get(dossier_id)
        if held is None or held[0] < confidence:
            found[dossier_id] = (confidence, reference, debtor, reason)

    references = [r for r in references_in(credit.label) if r in by_reference]
    for reference in references:
        dossier = by_reference[reference]
        same_name = _overlap(payer, name_tokens(dossier.debtor_name)) >= 0.5
        if dossier.closed_on is not None:
            confidence = 60
            reason = f"référence {reference} dans le libellé, mais dossier clos le {format_date(dossier.closed_on)}"
        elif len(references) > 1:
            confidence, reason = 70, f"référence {reference} dans le libellé, parmi {len(references)} références"
        elif same_name:
            confidence, reason = 100, f"référence {reference} dans le libellé et nom du débiteur"
        else:
            confidence, reason = 95, f"référence {reference} dans le libellé"
        offer(dossier.id, dossier.reference, dossier.debtor_name, confidence, reason)
    if payer and not any(held[0] >= 95 for held in found.values()):
        amount_cents = int(credit.amount * 100)
        rows, tokens = names.rows, names.tokens
        for dossier_id in names.candidates(payer):
            reference, debtor, due_cents = rows[dossier_id]
            score = _name_score(payer, tokens[dossier_id], amount_cents, due_cents)
            if score is not None:
                offer(dossier_id, reference, debtor, *score)
    iban = (credit.debtor_iban or "").replace(" ", "").upper()
    for dossier in by_iban.get(iban, ()) if iban else ():
        shown = f"{iban[:4]}…{iban[-4:]}"
        if _overlap(payer, name_tokens(dossier.debtor_name)) >= 0.5:
            offer(dossier.id, dossier.reference, dossier.debtor_name, 90, f"IBAN du débiteur connu ({shown}) et nom")
        else:
            offer(dossier.id, dossier.reference, dossier.debtor_name, 80, f"IBAN du débiteur connu ({shown})")
    best = sorted(found.items(), key=lambda item: (-item[1][0], item[1][1]))[:MAX_CANDIDATES]
    ranked = tuple(Candidate(i, ref, debtor, confidence, reason) for i, (confidence, ref, debtor, reason) in best)
    return Match(status_of(ranked), ranked)


def status_of(candidates: list[Candidate] | tuple[Candidate, ...]) -> str:
    if not candidates or candidates[0].confidence < DOUBTFUL_FROM:
        return UNMATCHED
    if candidates[0].confidence >= SURE_FROM and (len(candidates) < 2 or candidates[1].confidence < SURE_FROM):
        return SURE
    return DOUBTFUL
