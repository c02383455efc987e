"""Fast payment entry (services/payments.py, the batch part): finding the dossier, each refusal of a typed line
(nothing written), the imputation preview, identical lines, and the batch recorded all or nothing."""

import dataclasses
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from clerc_tui.errors import AccessDenied, InvalidInput
from clerc_tui.models import LedgerEntry, User
from clerc_tui.services import payments
from clerc_tui.services.context import Actor
from clerc_tui.services.dossier_input import DebtorInput
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input
from tests.services.test_ledger_statement import example_dossier


def _debtor(last, first="Paul"):
    return make_input(debtor=DebtorInput(kind="physique", last_name=last, first_name=first))


def _line(dossier, amount="100", on="", mode="virement", reference="", payer=""):
    return payments.check_line(dossier.reference, amount, on, mode, reference, payer, today=TODAY)


# --- finding the dossier --------------------------------------------------------------------


def test_a_dossier_is_found_by_reference_label_or_debtor_name(actor, sample_dossier):
    ref = sample_dossier.reference
    hit = payments.DossierHit(sample_dossier.id, ref, "LEFÈVRE Hélène", "SCI Les Tilleuls")
    assert payments.find_dossiers(ref) == [hit]
    assert payments.find_dossiers(f"  {ref} ") == [hit]
    # The completion's label, either way round.
    assert payments.find_dossiers(hit.label) == [hit]
    assert hit.label == f"{ref} — LEFÈVRE Hélène / SCI Les Tilleuls"
    assert payments.find_dossiers(f"LEFÈVRE Hélène — {ref}") == [hit]
    # A name typed from its start, without its accents.
    assert payments.find_dossiers("lefev") == [hit]
    assert payments.resolve_dossier("lefevre helene") == hit


@pytest.mark.parametrize("text", ["", "   ", None, "—", "'"])
def test_nothing_typed_finds_nothing(actor, sample_dossier, text):
    assert payments.find_dossiers(text) == []


def test_no_dossier_or_several_are_refused_in_french(actor):
    for last in ("Martin", "Martinez", "Marty"):
        create_dossier(actor, _debtor(last), TODAY)
    with pytest.raises(InvalidInput, match="Aucun dossier ne correspond à « Durand »") as refused:
        payments.resolve_dossier("  Durand ")
    assert refused.value.field == "dossier"
    with pytest.raises(InvalidInput, match=r"^2 dossiers correspondent \(2026-000001, 2026-000002…\) : précisez") as e:
        payments.resolve_dossier("martin")  # Martin and Martinez, not Marty
    assert e.value.field == "dossier"
    for last in ("Marteau", "Martel", "Martineau"):
        create_dossier(actor, _debtor(last), TODAY)
    with pytest.raises(InvalidInput, match=r"^Plus de 5 dossiers correspondent \(2026-000001, .*2026-000005…\)"):
        payments.resolve_dossier("mar")


# --- a typed line: checked in full, nothing written -------------------------------------------


def test_a_good_line_is_checked_and_tidied_and_nothing_is_written(actor, sample_dossier):
    line = _line(sample_dossier, "1 234,5", " ", "cheque", "  CHQ 12 ", " Mme Lefèvre ")
    assert line == payments.PendingPayment(
        sample_dossier.id,
        sample_dossier.reference,
        "LEFÈVRE Hélène",
        TODAY,  # no date typed: today
        D("1234.50"),
        "cheque",
        "CHQ 12",
        "Mme Lefèvre",
    )
    assert _line(sample_dossier, on="01/10/2026").on == date(2026, 10, 1)
    assert LedgerEntry.select().count() == 0


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"amount": "12,345"}, "amount", "deux décimales"),
        ({"amount": "0"}, "amount", "supérieur à zéro"),
        ({"amount": "-5"}, "amount", "négatif"),
        ({"amount": "douze"}, "amount", "^« douze » n'est pas un montant"),
        ({"amount": ""}, "amount", "^Montant vide"),
        ({"on": "31/02/2026"}, "date", "n'existe pas dans le calendrier"),
        ({"on": "hier"}, "date", "^« hier » n'est pas une date au format jj/mm/aaaa"),
        ({"on": "27/11/2026"}, "date", r"^Le 27/11/2026 est dans le futur \(aujourd'hui 26/11/2026\)\.$"),
        ({"mode": "bitcoin"}, "mode", "^Mode de paiement inconnu : « bitcoin »"),
        ({"reference": "CHQ\x0712"}, "reference", "^Référence : caractère .* refusé"),
        ({"payer": "x" * 256}, "payer", "^Payeur : 256 caractères, 255 au plus"),
    ],
)
def test_each_refusal_names_its_field_and_writes_nothing(actor, sample_dossier, changes, field, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        _line(sample_dossier, **changes)
    assert refused.value.field == field
    assert LedgerEntry.select().count() == 0


def test_an_unknown_dossier_is_refused_before_the_rest(actor, sample_dossier):
    with pytest.raises(InvalidInput, match="Aucun dossier") as refused:
        payments.check_line("zzzz", "12,345", "31/02/2026", "bitcoin", today=TODAY)
    assert refused.value.field == "dossier"


# --- the preview of the imputation -----------------------------------------------------------


def test_the_preview_imputes_frais_then_interest_then_principal(actor):
    # The judgment of docs/law/statement.md § 6: 3 000 € of 10/03/2025, 150 € of frais; 1 000 € paid
    # on 30/06/2025 goes to frais 150, interest 45,04 + 36,13 = 81,17, principal 1 000 − 150 − 81,17 = 768,83.
    from clerc_tui.services.billing import record_charge

    dossier = example_dossier(actor)
    record_charge(actor, dossier.id, kind="fee", on=date(2025, 3, 24), amount=D("150"), label="Acte", today=TODAY)
    line = _line(dossier, "1000", "30/06/2025")
    text = payments.preview(line).replace("\u00a0", " ").replace("\u202f", " ")
    assert text == (
        "Imputation au 30/06/2025 : frais 150,00 € · intérêts 81,17 € · principal 768,83 € "
        # before: 3 000 + 150 + 81,17 = 3 231,17; after: 3 231,17 − 1 000 = 2 231,17
        "— reste dû 2 231,17 € (avant : 3 231,17 €)"
    )
    # A line of the batch before it on the same dossier and date is imputed first: interest and
    # frais are settled, this one goes to the principal.
    text = payments.preview(line, [line]).replace("\u00a0", " ").replace("\u202f", " ")
    assert text == (
        "Imputation au 30/06/2025 : frais 0,00 € · intérêts 0,00 € · principal 1 000,00 € "
        "— reste dû 1 231,17 € (avant : 2 231,17 €)"
    )
    # Lines of another dossier, or after this one's date, change nothing.
    other = dataclasses.replace(line, dossier_id=line.dossier_id + 1)
    later = dataclasses.replace(line, on=line.on + timedelta(days=1))
    assert payments.preview(line, [other, later]) == payments.preview(line)


def test_the_preview_shows_an_overpayment(actor):
    dossier = example_dossier(actor)
    # Owed on 30/06/2025: 3 000 + interest 81,17 = 3 081,17; 3 100 paid leaves 18,83 over.
    text = payments.preview(_line(dossier, "3100", "30/06/2025")).replace("\u00a0", " ")
    assert "principal 3 000,00 € · trop-perçu 18,83 € — reste dû 0,00 € (avant : 3 081,17 €)" in text.replace(
        "\u202f", " "
    )


def test_the_preview_says_when_it_cannot_compute(actor, sample_dossier):
    # The sample dossier has neither a title date nor an interest start: no décompte.
    text = payments.preview(_line(sample_dossier))
    assert text.startswith("Imputation non calculable (") and "point de départ des intérêts" in text
    assert text.endswith(" : les frais d'abord, puis les intérêts et le principal.")


# --- identical lines ------------------------------------------------------------------------------


def test_identical_lines_are_grouped_named_and_can_be_taken_out(actor, sample_dossier):
    other = create_dossier(actor, make_input(), TODAY)
    a = _line(sample_dossier, "50", mode="cheque", reference="CHQ 1")
    same = _line(sample_dossier, "50,00", mode="cheque", reference=" chq  1 ")  # case and spaces aside
    b = _line(sample_dossier, "50", mode="")
    b_again = _line(sample_dossier, "50", mode="", on="20/11/2026")  # the date is not in the key
    different = [
        _line(other, "50", mode="cheque", reference="CHQ 1"),
        _line(sample_dossier, "51", mode="cheque", reference="CHQ 1"),
        _line(sample_dossier, "50", mode="virement", reference="CHQ 1"),
        _line(sample_dossier, "50", mode="cheque", reference="CHQ 2"),
    ]
    lines = [a, b, same, *different, a, b_again]
    assert payments.duplicate_groups(lines) == [(1, 3, 8), (2, 9)]
    assert payments.duplicate_groups([a, b, *different]) == []
    text = payments.duplicate_text(payments.duplicate_groups(lines), lines).replace("\u00a0", " ")
    assert text == (
        f"Doublon possible : lignes 1, 3 et 8 identiques ({sample_dossier.reference}, 50,00 €, Chèque, réf. CHQ 1) ; "
        f"lignes 2 et 9 identiques ({sample_dossier.reference}, 50,00 €, —, sans référence)."
    )
    kept, removed = payments.without_duplicates(lines)
    assert kept == [a, b, *different] and removed == [3, 8, 9]


# --- recording the batch --------------------------------------------------------------------------


def test_a_batch_is_recorded_in_order_with_receipt_numbers(actor, sample_dossier):
    lines = [_line(sample_dossier, "100"), _line(sample_dossier, "12,34", mode="cheque", reference="CHQ 9")]
    entries = payments.record_batch(actor, lines, today=TODAY)
    assert [(e.amount, e.mode, e.bank_reference, e.document_number) for e in entries] == [
        (D("100.00"), "virement", "", "R2026-000001"),
        (D("12.34"), "cheque", "CHQ 9", "R2026-000002"),
    ]
    assert LedgerEntry.select().count() == 2


def test_an_empty_batch_is_refused(actor):
    with pytest.raises(InvalidInput, match=r"^Le lot est vide\.$"):
        payments.record_batch(actor, [], today=TODAY)


def test_identical_lines_are_refused_unless_confirmed(actor, sample_dossier):
    line = _line(sample_dossier, "50", mode="cheque", reference="CHQ 1")
    with pytest.raises(InvalidInput, match=r"^Doublon possible : lignes 1 et 2 .* rien n'a été enregistré\.$"):
        payments.record_batch(actor, [line, line], today=TODAY)
    assert LedgerEntry.select().count() == 0
    assert len(payments.record_batch(actor, [line, line], today=TODAY, allow_duplicates=True)) == 2


def test_a_refused_line_records_nothing_of_the_batch_and_is_named(actor, sample_dossier):
    good = _line(sample_dossier, "100")
    # Checked yesterday for a payment dated today, recorded with yesterday's date as today.
    tomorrow = dataclasses.replace(good, on=TODAY + timedelta(days=1))
    with pytest.raises(InvalidInput, match=rf"^Ligne 2 \({sample_dossier.reference}\) : .*futur.* Rien n'a été"):
        payments.record_batch(actor, [good, tomorrow, good], today=TODAY, allow_duplicates=True)
    assert LedgerEntry.select().count() == 0


def test_a_read_only_user_records_nothing(actor, sample_dossier):
    reader = User.create(login="lecteur", name="Léo Lecteur", role="lecture", active=True)
    with pytest.raises(AccessDenied):
        payments.record_batch(
            Actor(reader.id, "lecteur", "Léo Lecteur", "lecture"), [_line(sample_dossier)], today=TODAY
        )
    assert LedgerEntry.select().count() == 0
