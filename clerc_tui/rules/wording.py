"""French grammar of the acts: articles, elision, contraction, gender and agreement.

Pure helpers that the act templates and `services/acts.py` compose with: the court or author of a
title with its article (« le tribunal judiciaire d'Angers », « la cour d'appel de Lyon »,
« Maître X, notaire à Y »), `de` / `a` with elision and contraction (« d'Angers », « du tribunal »,
« de la cour », « de l'ordonnance »), the title's noun with its gender and the participle agreeing
with it (« l'ordonnance rendue », « le jugement rendu », « l'acte notarié reçu »), and a party's
designation (« Madame Hélène LEFÈVRE, demeurant … », « la société X, immatriculée sous le numéro
SIREN …, dont le siège est … »). See docs/law/act-wording.md. User text is never rewritten inside:
only the junctions composed here are elided or contracted (« de Oliveira » in a name stays).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Elision before a vowel only: before h the clerc cannot know an h muet (« d'Hélène ») from an
# h aspiré (« de Hugo »), so h keeps the full form (docs/law/act-wording.md).
VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüÿæœ")
_ARTICLE = re.compile(r"^(le|la|les|l')(?=\s|$)|^(l')", re.IGNORECASE)

# The first noun of a court or of the author of a title, and its gender (True: feminine).
COURT_NOUNS: dict[str, bool] = {
    "tribunal": False,
    "cour": True,
    "juge": False,
    "conseil": False,
    "président": False,
    "présidente": True,
    "directeur": False,
    "directrice": True,
    "greffe": False,
    "juridiction": True,
    "caisse": True,
    "chambre": True,
    "commission": True,
    "notaire": False,
    "organisme": False,
    "préfet": False,
    "office": False,
    "urssaf": True,
    "commissaire": False,
}
# A person named by title: no article (« reçu par Maître Anne Roux, notaire à Lyon »).
PERSON_TITLES = frozenset({"maître", "me", "madame", "monsieur", "mme", "m."})
# A company name that opens with its legal form is designated by it (« la SCI Les Tilleuls »):
# all these forms are feminine (société …).
LEGAL_FORMS = frozenset(
    {
        "sa",
        "sas",
        "sasu",
        "sarl",
        "eurl",
        "sci",
        "snc",
        "scp",
        "scs",
        "sca",
        "selarl",
        "selas",
        "selafa",
        "scm",
        "scop",
        "sem",
        "spl",
        "earl",
        "gaec",
        "selurl",
    }
)


def starts_with_vowel(text: str) -> bool:
    return bool(text) and text[0].casefold() in VOWELS


def _first_word(text: str) -> str:
    return re.split(r"[\s'’(,]", text.strip(), maxsplit=1)[0].casefold()


def de(phrase: str) -> str:
    """« de » before `phrase`, elided or contracted: « du tribunal », « des pièces »,
    « de la cour », « de l'ordonnance », « d'Angers », « de Lyon », « de Hugo »."""
    phrase = phrase.strip()
    lower = phrase.casefold()
    if lower.startswith("le "):
        return "du " + phrase[3:]
    if lower.startswith("les "):
        return "des " + phrase[4:]
    if lower.startswith(("la ", "l'", "l’")):
        return "de " + phrase
    return ("d'" if starts_with_vowel(phrase) else "de ") + phrase


def a(phrase: str) -> str:
    """« à » before `phrase`, contracted: « au tribunal », « aux débiteurs », « à la cour », « à l'étude »."""
    phrase = phrase.strip()
    lower = phrase.casefold()
    if lower.startswith("le "):
        return "au " + phrase[3:]
    if lower.startswith("les "):
        return "aux " + phrase[4:]
    return "à " + phrase


def with_article(noun: str, feminine: bool) -> str:
    """« le jugement », « la contrainte », « l'ordonnance », « l'acte notarié »."""
    if starts_with_vowel(noun):
        return "l'" + noun
    return ("la " if feminine else "le ") + noun


def agree(participle: str, feminine: bool) -> str:
    """The past participle agreeing with its noun: rendu → rendue, reçu → reçue, revêtu → revêtue."""
    return participle + "e" if feminine else participle


def _lower_first(text: str) -> str:
    word = text.split(" ", 1)[0]
    if word.isupper() and len(word) > 1:  # an acronym or a text typed in capitals: left as typed
        return text
    return text[:1].lower() + text[1:]


def court_phrase(text: str) -> str:
    """The court or author of a title as a sentence writes it after « par » or « devant »:
    « Tribunal judiciaire d'Angers » → « le tribunal judiciaire d'Angers »; « Cour d'appel de Lyon »
    → « la cour d'appel de Lyon »; « Juge de l'exécution … » → « le juge de l'exécution … »;
    « Maître Anne Roux, notaire à Lyon » as typed; a text that already has its article keeps it
    (lower-cased); an unknown first word is left as typed."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    if _ARTICLE.match(text):
        return text[:1].lower() + text[1:]
    first = _first_word(text)
    if first in PERSON_TITLES:
        return text
    if first in COURT_NOUNS:
        return with_article(_lower_first(text), COURT_NOUNS[first])
    return text


def cap(text: str) -> str:
    """First letter upper-cased, the rest untouched (Jinja's `capitalize` lowers the rest)."""
    return text[:1].upper() + text[1:]


# --- titles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TitleWording:
    noun: str
    feminine: bool
    participle: str  # agreeing with the noun: « rendu », « reçu », « décerné », « délivré »
    executory: bool  # written « revêtu(e) de la formule exécutoire »

    @property
    def with_article(self) -> str:
        return with_article(self.noun, self.feminine)

    @property
    def made(self) -> str:
        return agree(self.participle, self.feminine)


# Keys of rules/vocabulary.TITLE_KINDS. A jugement, an arrêt, an ordonnance (CPC 1411, 1422)
# and a notarial deed (copie exécutoire) bear the formule exécutoire; a contrainte takes the
# effects of a judgment when no opposition is made (CSS L244-9, R133-3) and bears none, nor is
# it said of the small-claims title or of an unnamed title.
TITLES: dict[str, TitleWording] = {
    "jugement": TitleWording("jugement", False, "rendu", True),
    "arret": TitleWording("arrêt", False, "rendu", True),
    "ordonnance_ip": TitleWording("ordonnance portant injonction de payer", True, "rendu", True),
    "acte_notarie": TitleWording("acte notarié", False, "reçu", True),
    "contrainte": TitleWording("contrainte", True, "décerné", False),
    "titre_pc": TitleWording(
        "titre exécutoire de la procédure simplifiée de recouvrement des petites créances", False, "délivré", False
    ),
    "autre": TitleWording("titre exécutoire", False, "délivré", False),
}


def title_phrase(kind: str, court: str, date_text: str, reference: str = "", *, kind_missing: str = "") -> str:
    """The title as an act states it, with its article:
    « le jugement rendu par le tribunal judiciaire d'Angers le 12 mars 2026 (RG 26/00123) »,
    « l'ordonnance portant injonction de payer rendue par … », « l'acte notarié reçu par Maître … ».
    `court` and `date_text` are as printed (a placeholder when missing). Without a kind,
    `kind_missing` (the placeholder) is named and « émanant de » needs no agreement."""
    wording = TITLES.get(kind)
    author = court_phrase(court) or court
    if wording is None:
        head = f"le titre exécutoire {kind_missing}".strip() + " émanant " + de(author)
    else:
        head = f"{wording.with_article} {wording.made} par {author}"
    text = f"{head} le {date_text}"
    if reference.strip():
        text += f" ({reference.strip()})"
    return text


def executory_clause(kind: str) -> str:
    """« , revêtu de la formule exécutoire » agreeing with the title, or nothing."""
    wording = TITLES.get(kind)
    if wording is None or not wording.executory:
        return ""
    return f", {agree('revêtu', wording.feminine)} de la formule exécutoire"


# --- parties ------------------------------------------------------------------------------


def party_designation(kind: str, name: str) -> str:
    """How a sentence names a party: a person by the formal name (« Madame Hélène LEFÈVRE »),
    a company with its article (« la SCI Les Tilleuls », « la société Orange »)."""
    name = name.strip()
    if kind != "morale" or not name:
        return name
    if _ARTICLE.match(name):
        return name[:1].lower() + name[1:]
    if _first_word(name).rstrip(".") in LEGAL_FORMS:
        return "la " + name
    return "la société " + name


def party_description(kind: str, name: str, address: str, siren: str = "", *, organisme: bool = False) -> str:
    """The party in full, as the act's parties are written (CPC 648 2°, 4°):
    « Madame Hélène LEFÈVRE, demeurant 12 rue …, 69002 Lyon »;
    « la société Orange, immatriculée sous le numéro SIREN 380 129 866, dont le siège est … ».
    `organisme` (a social-security body, no « société »): « URSSAF X (SIREN …), dont le siège est … »."""
    if kind != "morale":
        return f"{name}, demeurant {address}"
    if organisme:
        text = name + (f" (SIREN {siren})" if siren else "")
    else:
        text = party_designation(kind, name) + (f", immatriculée sous le numéro SIREN {siren}" if siren else "")
    return f"{text}, dont le siège est {address}"


def party_place(kind: str, designation: str, address: str) -> str:
    """Where the commissaire goes: « au domicile de Madame X, 12 rue … » / « au siège de la société X, … »."""
    word = "au siège" if kind == "morale" else "au domicile"
    return f"{word} {de(designation)}, {address}"
