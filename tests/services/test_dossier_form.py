from decimal import Decimal

import pytest

from clerc_tui.services.dossier_form import FormErrors, form_values, parse_dossier_form
from clerc_tui.services.dossiers import get_dossier
from tests.conftest import TODAY

VALID = {
    "new_creditor_name": "SCI Les Tilleuls",
    "new_creditor_kind": "morale",
    "new_creditor_siret": "732 829 320 00074",
    "new_creditor_iban": "FR76 3000 6000 0112 3456 7890 189",
    "debtor_kind": "physique",
    "debtor_civility": "Madame",
    "debtor_last_name": "Lefèvre",
    "debtor_first_name": "Hélène",
    "debtor_birth_date": "03/02/1975",
    "debtor_postcode": "69002",
    "debtor_phone": "+33 6 12 34 56 78",
    "debtor_email": "helene.lefevre@orange.fr",
    "nature": "loyers",
    "phase": "amiable",
    "principal": "1 234,56",
    "depens": "",
    "interest_kind": "legal",
    "title_date": "10/03/2025",
    "title_signified_on": "24/03/2025",
}


def test_a_valid_form_gives_typed_values(db_path):
    data = parse_dossier_form(VALID, TODAY)
    assert data.claims == {"principal": Decimal("1234.56")}
    assert data.new_creditor.siret == "73282932000074" and data.new_creditor.siren == "732829320"
    assert data.new_creditor.iban == "FR7630006000011234567890189"
    assert data.debtor.phone == "06 12 34 56 78"
    assert data.debtor.birth_date.isoformat() == "1975-02-03"


@pytest.mark.parametrize(
    "field, typed, expected",
    [
        ("new_creditor_siret", "732 829 320 00075", "clé"),
        ("new_creditor_iban", "FR76 3000 6000 0112 3456 7890 188", "invalide"),
        ("debtor_email", "helene.lefevre@", "domaine"),
        ("debtor_phone", "12 34", "numéro"),
        ("debtor_birth_date", "31/02/1975", "n'existe pas"),
        ("debtor_birth_date", "03/02/2030", "postérieure"),
        ("principal", "12,345", "deux décimales"),
        ("principal", "-5", "négatif"),
        ("principal", "abc", "n'est pas un montant"),
        ("principal", "0", "supérieur à zéro"),
        ("debtor_postcode", "6900", "5 chiffres"),
        ("title_signified_on", "01/03/2025", "précéder"),
    ],
)
def test_each_bad_field_gets_a_french_message(db_path, field, typed, expected):
    with pytest.raises(FormErrors) as refused:
        parse_dossier_form({**VALID, field: typed}, TODAY)
    assert list(refused.value.errors) == [field]
    assert expected in refused.value.errors[field]


def test_every_error_is_reported_at_once(db_path):
    with pytest.raises(FormErrors) as refused:
        parse_dossier_form({"debtor_kind": "physique", "debtor_email": "x"}, TODAY)
    assert set(refused.value.errors) == {"creditor", "debtor_last_name", "principal", "debtor_email"}
    assert refused.value.message == "4 champs à corriger."


def test_an_unknown_existing_creditor_is_refused(db_path):
    with pytest.raises(FormErrors) as refused:
        parse_dossier_form({**VALID, "creditor": "Personne"}, TODAY)
    assert "Aucun créancier « Personne »" in refused.value.errors["creditor"]


def test_contractual_interest_needs_a_rate(db_path):
    with pytest.raises(FormErrors) as refused:
        parse_dossier_form({**VALID, "interest_kind": "contractual"}, TODAY)
    assert set(refused.value.errors) == {"contractual_rate"}
    assert parse_dossier_form(
        {**VALID, "interest_kind": "contractual", "contractual_rate": "4,5 %"}, TODAY
    ).contractual_rate == Decimal("4.50")


def test_the_form_of_a_dossier_reads_back_to_the_same_input(actor, sample_dossier):
    values = form_values(get_dossier(sample_dossier.id))
    data = parse_dossier_form(values, TODAY)
    assert data.creditor_id == sample_dossier.creditor_id
    assert data.claims == {"principal": Decimal("1234.56")}
    assert data.debtor.last_name == "Lefèvre" and data.debtor.city == "Lyon"


def test_the_contractual_day_basis_defaults_to_the_civil_year_and_reads_back(actor, db_path):
    from clerc_tui.services.dossiers import create_dossier, update_dossier

    contractual = {**VALID, "interest_kind": "contractual", "contractual_rate": "5"}
    assert parse_dossier_form(contractual, TODAY).contractual_day_basis == "civil"
    data = parse_dossier_form({**contractual, "contractual_day_basis": "360"}, TODAY)
    assert data.contractual_day_basis == "360"
    with pytest.raises(FormErrors) as refused:
        parse_dossier_form({**contractual, "contractual_day_basis": "30/360"}, TODAY)
    assert set(refused.value.errors) == {"contractual_day_basis"}
    dossier = create_dossier(actor, data, TODAY)
    values = form_values(get_dossier(dossier.id))
    assert values["contractual_day_basis"] == "360"
    again = parse_dossier_form({**values, "contractual_day_basis": "365"}, TODAY)
    update_dossier(actor, dossier.id, dossier.version, again, TODAY)
    assert get_dossier(dossier.id).dossier.contractual_day_basis == "365"
