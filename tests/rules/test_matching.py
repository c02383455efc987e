"""Matching a credit to a dossier (rules/matching.py): reference, amount and name, IBAN; the
confidence of each candidate, its French reason, and the sure / doubtful / unmatched thresholds."""

from datetime import date
from decimal import Decimal as D

import pytest

from clerc_tui.rules import matching as m

LEFEVRE = m.DossierFacts(1, "2026-000001", "LEFÈVRE Hélène", D("1234.56"))
MARTIN = m.DossierFacts(2, "2026-000002", "MARTIN Paul", D("300.00"))
MARTIN_2 = m.DossierFacts(3, "2025-000017", "MARTIN Paul", D("300.00"))
CONSEIL = m.DossierFacts(4, "2024-000123", "SARL Conseil Dupont", D("80.00"))
CLOSED = m.DossierFacts(5, "2023-000009", "ROYER Élodie", D("0.00"), date(2026, 3, 1))
OPEN = (LEFEVRE, MARTIN, MARTIN_2, CONSEIL)
BY_REFERENCE = {d.reference: d for d in (*OPEN, CLOSED)}
NAMES = m.NameIndex.build((d.id, d.reference, d.debtor_name, int(d.due * 100)) for d in OPEN)
BY_IBAN = {"FR7630004000310001234567865": (MARTIN,)}


def match(label, amount="50", name="", iban=""):
    return m.match_credit(m.Credit(label, D(amount), name, iban), BY_REFERENCE, NAMES, BY_IBAN)


@pytest.mark.parametrize(
    "label, found",
    [
        ("DOSSIER 2024-000123", ("2024-000123",)),
        ("ref 2024 000123 loyer", ("2024-000123",)),
        ("2024000123", ("2024-000123",)),
        ("2024-000 123", ("2024-000123",)),
        ("VIR/2024_000123/", ("2024-000123",)),
        ("2024-000123 et 2026-000001 et 2024-000123", ("2024-000123", "2026-000001")),
        ("FACTURE 12024-000123", ()),  # glued to other digits: not a reference
        ("tel 0612345678", ()),
        ("2024-00012", ()),
        ("", ()),
    ],
)
def test_references_are_found_tolerant_of_spaces_and_dashes(label, found):
    assert m.references_in(label) == found


def test_names_are_folded_and_stripped_of_civilities_and_forms():
    assert m.name_tokens("Mme Hélène LEFÈVRE") == {"helene", "lefevre"}
    assert m.name_tokens("SARL CONSEIL-DUPONT") == {"conseil", "dupont"}
    assert m.name_tokens("VIR SEPA M. ŒDIPE") == {"oedipe"}
    assert m.name_tokens("") == frozenset()


def test_the_reference_in_the_label_is_sure():
    result = match("DOSSIER 2024 000123", name="X Y")
    assert result.status == m.SURE
    assert result.best == m.Candidate(
        4, "2024-000123", "SARL Conseil Dupont", 95, "référence 2024-000123 dans le libellé"
    )
    assert match("2024-000123", name="Conseil Dupont").best.confidence == 100
    assert (
        match("2024-000123", name="Conseil Dupont").best.reason
        == "référence 2024-000123 dans le libellé et nom du débiteur"
    )


def test_a_reference_of_a_closed_dossier_or_several_references_are_doubtful():
    closed = match("2023-000009")
    assert closed.status == m.DOUBTFUL and closed.best.confidence == 60
    assert closed.best.reason == "référence 2023-000009 dans le libellé, mais dossier clos le 01/03/2026"
    two = match("2024-000123 2026-000001")
    assert two.status == m.DOUBTFUL
    assert [c.confidence for c in two.candidates] == [70, 70]


def test_an_unknown_reference_is_no_candidate():
    assert match("DOSSIER 2019-999999").status == m.UNMATCHED
    assert match("DOSSIER 2019-999999").candidates == ()


def test_amount_and_name():
    whole = match("VIREMENT", amount="1234.56", name="Mme LEFEVRE HELENE")
    assert whole.status == m.DOUBTFUL
    assert whole.best == m.Candidate(
        1, "2026-000001", "LEFÈVRE Hélène", 85, "montant égal au solde dû et nom du débiteur"
    )
    assert match("VIREMENT", amount="100", name="Hélène Lefèvre").best.confidence == 70
    assert match("VIREMENT", amount="2000", name="Hélène Lefèvre").best.confidence == 55
    # Half the name, the amount due: 65; half the name only: 50 (the rarest word alone names few dossiers).
    assert match("VIREMENT", amount="1234.56", name="LEFEVRE").best.confidence == 65
    assert match("VIREMENT", amount="10", name="LEFEVRE").best.confidence == 50
    # The name in the label when the bank gives no payer's name.
    assert match("VIR SEPA MME LEFEVRE HELENE", amount="100").best.dossier_id == 1


def test_two_dossiers_of_the_same_name_are_doubtful_never_sure():
    result = match("VIREMENT", amount="300", name="Paul MARTIN")
    assert result.status == m.DOUBTFUL
    assert [c.dossier_id for c in result.candidates] == [3, 2]  # same confidence: by reference
    assert {c.confidence for c in result.candidates} == {85}


def test_the_debtor_iban_when_known():
    alone = match("VIREMENT", name="", iban="FR76 3000 4000 3100 0123 4567 865")
    assert alone.best.confidence == 80 and alone.best.reason == "IBAN du débiteur connu (FR76…7865)"
    assert alone.status == m.DOUBTFUL
    with_name = match("VIREMENT", amount="1", name="MARTIN PAUL", iban="FR7630004000310001234567865")
    assert with_name.status == m.SURE  # the other Martin reaches 70 by name only
    assert with_name.best.dossier_id == 2 and with_name.best.confidence == 90


def test_nothing_usable_is_unmatched():
    assert match("REMBOURSEMENT", name="SCI Inconnue").status == m.UNMATCHED
    assert match("", name="").status == m.UNMATCHED


def test_thresholds():
    c = m.Candidate
    assert m.status_of([]) == m.UNMATCHED
    assert m.status_of([c(1, "a", "", 49, "")]) == m.UNMATCHED
    assert m.status_of([c(1, "a", "", 50, "")]) == m.DOUBTFUL
    assert m.status_of([c(1, "a", "", 89, "")]) == m.DOUBTFUL
    assert m.status_of([c(1, "a", "", 90, ""), c(2, "b", "", 89, "")]) == m.SURE
    assert m.status_of([c(1, "a", "", 95, ""), c(2, "b", "", 90, "")]) == m.DOUBTFUL


@pytest.mark.parametrize(
    "text",
    [
        "Hélène LEFÈVRE",
        "ŒDIPE Æsa",
        "Straße",
        "Michał Łukasiewicz",
        "e\u0301cole",
        "ﬁlipe",
        "Иван",
        "Ñúñez Çà",
        "",
        "DURAND Léa · MARTIN Paul",
        "L’Hôtel d’Été — «\u00a0SARL\u00a0»",
        "x×y÷z",
    ],
)
def test_the_fast_fold_gives_the_words_of_the_fold(text):
    import re

    from clerc_tui.rules.names import fold

    assert re.findall("[a-z0-9]+", m.words_text(text)) == re.findall("[a-z0-9]+", fold(text))
