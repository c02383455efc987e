"""rules/import_rows.py: the mapping guessed from headers, the bytes of a CSV, one row checked."""

from datetime import date

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.import_rows import (
    ImportRow,
    Refusal,
    decode,
    duplicate_key,
    guess_mapping,
    mapping_problems,
    parse_row,
    sniff_delimiter,
)

TODAY = date(2026, 11, 26)
ROW = {
    "reference": "A-1",
    "civility": "M.",
    "last_name": "Lefèvre",
    "first_name": "Jean",
    "street": "1 rue de la Paix",
    "postcode": "75002",
    "city": "Paris",
    "principal": "1 234,56",
}


def test_headers_as_french_exports_write_them_are_recognised():
    headers = [
        "Réf. Dossier",
        "NOM",
        "Prénom",
        "Raison sociale",
        "N° SIREN",
        "Adresse",
        "CP",
        "Ville",
        "E-mail",
        "Tél.",
        "Capital",
        "Intérêts échus",
        "Frais",
        "Date d'échéance",
        "Juridiction",
        "Autre",
    ]
    mapping = guess_mapping(headers)
    assert mapping == {
        "reference": "Réf. Dossier",
        "last_name": "NOM",
        "first_name": "Prénom",
        "company_name": "Raison sociale",
        "siren": "N° SIREN",
        "street": "Adresse",
        "postcode": "CP",
        "city": "Ville",
        "email": "E-mail",
        "phone": "Tél.",
        "principal": "Capital",
        "interest": "Intérêts échus",
        "costs": "Frais",
        "due_on": "Date d'échéance",
        "title_court": "Juridiction",
    }
    assert mapping_problems(mapping, headers) == []


def test_a_mapping_without_reference_principal_or_name_is_refused_by_name():
    problems = mapping_problems({"city": "Ville", "street": "Absente"}, ["Ville"])
    assert "Adresse : colonne « Absente » absente du fichier." in problems
    assert "Référence du créancier : aucune colonne (champ obligatoire)." in problems
    assert "Principal : aucune colonne (champ obligatoire)." in problems
    assert any(p.startswith("Ni nom ni raison sociale") for p in problems)


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("Réf;Nom\n".encode(), "Réf;Nom\n", "UTF-8"),
        (b"\xef\xbb\xbf" + "Réf;Nom\n".encode(), "Réf;Nom\n", "UTF-8 (BOM)"),
        ("Réf;Nom;Intérêts\n".encode("cp1252"), "Réf;Nom;Intérêts\n", "Windows-1252"),
        ("Réf\tNom\n".encode("utf-16"), "Réf\tNom\n", "UTF-16"),
    ],
)
def test_the_encoding_is_told_by_the_bom_else_by_utf8_validity_else_windows_1252(data, text, encoding):
    assert decode(data) == (text, encoding)


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused_in_french():
    with pytest.raises(InvalidInput, match=r"Encodage non reconnu.*0x81"):
        decode(b"R\xe9f;Nom\x81\n")


@pytest.mark.parametrize(
    ("line", "separator"),
    [("Réf;Nom;Capital", ";"), ("Réf,Nom,Capital", ","), ("Réf\tNom\tCapital", "\t"), ('"Réf;x",Nom,Capital', ",")],
)
def test_the_separator_is_the_one_the_header_holds_most_of(line, separator):
    assert sniff_delimiter(line) == separator


def test_a_header_without_separator_is_refused():
    with pytest.raises(InvalidInput, match="Séparateur introuvable"):
        sniff_delimiter("Référence")


def test_a_good_row_becomes_an_import_row_in_cents_with_its_folded_name():
    row = parse_row(
        2, ROW | {"principal": "1.234,56", "interest": "12.3", "costs": "40", "due_on": "2026-02-01"}, TODAY
    )
    assert isinstance(row, ImportRow)
    assert (row.principal, row.interest, row.costs) == (123456, 1230, 4000)
    assert row.due_on == date(2026, 2, 1)
    assert (row.civility, row.debtor_kind, row.display_name, row.search_name) == (
        "Monsieur",
        "physique",
        "LEFÈVRE Jean",
        "lefevre jean",
    )
    assert duplicate_key(row) == ("lefevre jean", 123456, date(2026, 2, 1))


def test_a_company_is_recognised_by_its_name_and_its_siret_gives_the_siren():
    row = parse_row(
        3, {"reference": "B", "company_name": "SARL Bidule", "siren": "732 829 320 00074", "principal": "10"}, TODAY
    )
    assert isinstance(row, ImportRow)
    assert (row.debtor_kind, row.siren, row.civility, row.last_name) == ("morale", "732829320", "", "")


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"principal": "12,5O"}, "Principal : « 12,5O » n'est pas un montant"),
        ({"principal": "0"}, "Principal : le montant doit être supérieur à zéro."),
        ({"principal": ""}, "Principal manquant."),
        ({"principal": "12,345"}, "pas plus de deux décimales"),
        ({"siren": "123456789"}, "SIREN 123 456 789 invalide"),
        ({"postcode": "96000"}, "Code postal : « 96000 » ne correspond à aucun département français."),
        ({"postcode": "7500"}, "il faut 5 chiffres"),
        ({"due_on": "31/02/2026"}, "Date de la créance : « 31/02/2026 » n'existe pas dans le calendrier."),
        ({"title_date": "01/01/2027"}, "date du titre postérieure à aujourd'hui"),
        ({"last_name": ""}, "Nom du débiteur manquant."),
        ({"reference": ""}, "Référence du créancier manquante."),
        ({"email": "jean@"}, "Courriel"),
        ({"title_kind": "Sentence"}, "Titre « Sentence » non prévu"),
        ({"last_name": "Dupont\x1b[31m"}, "Nom : caractère"),
    ],
)
def test_each_problem_is_said_in_french(cells, reason):
    refusal = parse_row(7, ROW | cells, TODAY)
    assert isinstance(refusal, Refusal)
    assert refusal.line == 7
    assert reason in refusal.reason


def test_every_problem_of_a_row_is_listed_at_once():
    refusal = parse_row(4, ROW | {"principal": "12,5O", "siren": "123456789", "postcode": "00000"}, TODAY)
    assert isinstance(refusal, Refusal)
    assert refusal.reason.count(" ; ") == 2


@pytest.mark.parametrize("hostile", ["[red]Dupont[/red] [link=http://x]clic[/link]", "=cmd|' /C calc'!A0", "@SUM(A1)"])
def test_markup_and_formulas_are_kept_as_plain_text(hostile):
    row = parse_row(2, ROW | {"last_name": hostile, "city": hostile}, TODAY)
    assert isinstance(row, ImportRow)
    assert (row.last_name, row.city) == (hostile, hostile)


def test_titles_and_natures_are_read_from_their_french_labels_or_keys():
    row = parse_row(2, ROW | {"title_kind": "Ordonnance d'injonction de payer", "nature": "Loyers"}, TODAY)
    assert isinstance(row, ImportRow)
    assert (row.title_kind, row.nature) == ("ordonnance_ip", "loyers")
    row = parse_row(2, ROW | {"title_kind": "acte_notarie", "nature": "pension_alimentaire"}, TODAY)
    assert isinstance(row, ImportRow)
    assert (row.title_kind, row.nature) == ("acte_notarie", "pension_alimentaire")
