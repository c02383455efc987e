"""Grammar of the acts (rules/wording.py): articles, elision, contraction, agreement."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerc_tui.rules import wording


@pytest.mark.parametrize(
    "typed, phrase",
    [
        ("Tribunal judiciaire d'Angers", "le tribunal judiciaire d'Angers"),
        ("Cour d'appel de Lyon", "la cour d'appel de Lyon"),
        ("Juge de l'exécution du tribunal judiciaire de Lyon", "le juge de l'exécution du tribunal judiciaire de Lyon"),
        ("Tribunal de commerce de Nantes", "le tribunal de commerce de Nantes"),
        ("le tribunal judiciaire d'Angers", "le tribunal judiciaire d'Angers"),
        ("La Cour d'appel de Rennes", "la Cour d'appel de Rennes"),
        ("Maître Anne Roux, notaire à Angers", "Maître Anne Roux, notaire à Angers"),
        ("URSSAF des Pays de la Loire", "l'URSSAF des Pays de la Loire"),
        ("Organisme X", "l'organisme X"),
        ("Caisse d'allocations familiales", "la caisse d'allocations familiales"),
        ("TRIBUNAL JUDICIAIRE D'ANGERS", "le TRIBUNAL JUDICIAIRE D'ANGERS"),
        ("  Tribunal   judiciaire  de Caen ", "le tribunal judiciaire de Caen"),
        ("Société Générale", "Société Générale"),  # unknown first word: as typed
        ("", ""),
    ],
)
def test_court_with_its_article(typed, phrase):
    assert wording.court_phrase(typed) == phrase


@pytest.mark.parametrize(
    "phrase, with_de",
    [
        ("le tribunal judiciaire d'Angers", "du tribunal judiciaire d'Angers"),
        ("la cour d'appel", "de la cour d'appel"),
        ("l'ordonnance", "de l'ordonnance"),
        ("les pièces", "des pièces"),
        ("Angers", "d'Angers"),
        ("Évry", "d'Évry"),
        ("Lyon", "de Lyon"),
        ("Hugo", "de Hugo"),  # h: never elided (h aspiré cannot be told from h muet)
        ("Lecourbe", "de Lecourbe"),
        ("Lesneven", "de Lesneven"),  # « le »/« les » only as whole words
    ],
)
def test_de_elides_and_contracts(phrase, with_de):
    assert wording.de(phrase) == with_de


def test_a_contracts():
    assert [wording.a(p) for p in ("le juge", "les débiteurs", "la cour", "l'étude")] == [
        "au juge",
        "aux débiteurs",
        "à la cour",
        "à l'étude",
    ]


@pytest.mark.parametrize(
    "kind, phrase, clause",
    [
        (
            "jugement",
            "le jugement rendu par le tribunal judiciaire d'Angers le 12 mars 2026 (RG 26/1)",
            ", revêtu de la formule exécutoire",
        ),
        (
            "arret",
            "l'arrêt rendu par le tribunal judiciaire d'Angers le 12 mars 2026 (RG 26/1)",
            ", revêtu de la formule exécutoire",
        ),
        (
            "ordonnance_ip",
            "l'ordonnance portant injonction de payer rendue par le tribunal judiciaire d'Angers le "
            "12 mars 2026 (RG 26/1)",
            ", revêtue de la formule exécutoire",
        ),
        (
            "acte_notarie",
            "l'acte notarié reçu par le tribunal judiciaire d'Angers le 12 mars 2026 (RG 26/1)",
            ", revêtu de la formule exécutoire",
        ),
        ("contrainte", "la contrainte décernée par le tribunal judiciaire d'Angers le 12 mars 2026 (RG 26/1)", ""),
    ],
)
def test_the_title_noun_and_its_agreeing_participle(kind, phrase, clause):
    assert wording.title_phrase(kind, "Tribunal judiciaire d'Angers", "12 mars 2026", "RG 26/1") == phrase
    assert wording.executory_clause(kind) == clause


def test_a_title_without_kind_needs_no_agreement():
    assert (
        wording.title_phrase("", "Tribunal judiciaire d'Angers", "12 mars 2026", kind_missing="[X]")
        == "le titre exécutoire [X] émanant du tribunal judiciaire d'Angers le 12 mars 2026"
    )


def test_every_title_kind_of_the_vocabulary_has_its_wording():
    from clerc_tui.rules.vocabulary import TITLE_KINDS

    assert set(TITLE_KINDS) - {""} == set(wording.TITLES)


def test_a_party_as_a_person_or_a_company():
    assert (
        wording.party_description("physique", "Madame Hélène LEFÈVRE", "12 rue X, 49100 Angers")
        == "Madame Hélène LEFÈVRE, demeurant 12 rue X, 49100 Angers"
    )
    assert (
        wording.party_description("morale", "Orange", "1 quai Y, 92130 Issy", "380 129 866")
        == "la société Orange, immatriculée sous le numéro SIREN 380 129 866, dont le siège est 1 quai Y, 92130 Issy"
    )
    assert (
        wording.party_description("morale", "SARL Dupont", "1 quai Y") == "la SARL Dupont, dont le siège est 1 quai Y"
    )
    assert (
        wording.party_description("morale", "URSSAF Rhône-Alpes", "1 rue Z", "794 000 000", organisme=True)
        == "URSSAF Rhône-Alpes (SIREN 794 000 000), dont le siège est 1 rue Z"
    )
    assert wording.party_place("morale", "la société Orange", "1 quai Y") == "au siège de la société Orange, 1 quai Y"
    assert wording.party_place("physique", "Madame A", "2 rue B") == "au domicile de Madame A, 2 rue B"


@given(st.text(min_size=1, max_size=30).filter(lambda t: t.strip() and not t[0].isspace()))
def test_de_never_leaves_de_before_a_vowel_nor_de_le(phrase):
    out = wording.de(phrase)
    assert not out.startswith(("de le ", "de les "))
    if phrase[0].casefold() in wording.VOWELS:
        assert out.startswith("d'")
