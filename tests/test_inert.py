"""Issue 10, item 12: control and bidi characters are refused at input and never reach a
terminal, a CSV, the FEC, a document or an act when they come from old data."""

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from clerc_tui.cli import main
from clerc_tui.errors import InvalidInput
from clerc_tui.models.db import database, raw_sql
from clerc_tui.rules.text import check_text, inert
from tests import postgres
from tests.conftest import TODAY

BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# OSC 52 writes « echo pwned » to the clerc's clipboard; ESC [2J clears the screen; U+202E
# reverses what follows; U+009B is the one-byte CSI.
EVIL = "Durand\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J\u202eX\x9b31m\x00"
if postgres.enabled():  # PostgreSQL's text never holds NUL: no such old data there
    EVIL = EVIL.replace("\x00", "")
bad_chars = st.sampled_from(
    [
        chr(c)
        for c in [
            *range(0x00, 0x09),
            *range(0x0B, 0x20),
            *range(0x7F, 0xA0),
            *range(0x202A, 0x202F),
            *range(0x2066, 0x206A),
        ]
    ]
)


@given(st.text(max_size=40), bad_chars, st.text(max_size=40))
@example(before="a\r\n", bad="\x1b", after="")  # the line break is no bad character: ESC is named
def test_any_control_or_bidi_character_is_refused_naming_its_code_point(before, bad, after):
    # A multi-line field takes a Windows « \r\n » as a line break: a « \r » drawn just before a
    # « \n » is no bad character (hypothesis found before='', bad='\r', after='\n').
    text = before + bad + after
    remaining = BAD.search(text.replace("\r\n", "\n"))
    assume(remaining is not None)
    with pytest.raises(InvalidInput) as raised:
        check_text(text, field="Nom", max_len=1000, multiline=True)
    first = remaining.group()
    assert f"U+{ord(first):04X}" in raised.value.message and raised.value.message.startswith("Nom : ")


@given(st.text(max_size=80))
def test_inert_leaves_no_control_character_and_keeps_clean_text(value):
    shown = inert(value)
    assert BAD.search(shown) is None and len(shown) == len(value)
    if BAD.search(value) is None:
        assert shown == value
        assert check_text(value, field="Notes", multiline=True) == value.replace("\r\n", "\n") or "\r" in value


def test_single_line_fields_refuse_tab_and_newline_and_a_length():
    with pytest.raises(InvalidInput, match="U\\+0009"):
        check_text("a\tb", field="Nom")
    with pytest.raises(InvalidInput, match="U\\+000A"):
        check_text("a\nb", field="Nom")
    assert check_text("a\r\nb\tc", field="Notes", multiline=True) == "a\nb\tc"
    with pytest.raises(InvalidInput, match="201 caractères, 200 au plus"):
        check_text("x" * 201, field="Nom")
    assert inert("a\x1bb\tc\n", multiline=False) == "a␛b␉c␊"


def test_the_dossier_form_refuses_a_control_character_under_its_field(actor):
    from clerc_tui.services.dossier_form import FormErrors, parse_dossier_form

    with pytest.raises(FormErrors) as raised:
        parse_dossier_form(
            {
                "new_creditor_name": "SCI\u202e Les Tilleuls",
                "debtor_last_name": EVIL,
                "principal": "100",
                "notes": "ligne 1\nligne 2\x1b",
            },
            TODAY,
        )
    errors = raised.value.errors
    assert "U+001B" in errors["debtor_last_name"] and "U+001B" in errors["notes"]
    assert "new_creditor_name" in errors and "U+202E" in errors["new_creditor_name"]


def test_imports_and_every_service_refuse_them(actor, sample_dossier):
    from clerc_tui.rules.rates import etude_row
    from clerc_tui.services import payments
    from clerc_tui.services.dossier_input import DebtorInput
    from clerc_tui.services.users import add_user

    with pytest.raises(InvalidInput, match="Nom du débiteur : caractère U\\+001B"):
        DebtorInput(kind="physique", last_name=EVIL)
    with pytest.raises(InvalidInput, match="U\\+001B"):
        DebtorInput(kind="physique", last_name="Durand", street="1 rue\x1b[2J")
    entry = payments.record_payment(
        actor, sample_dossier.id, on=TODAY, amount=Decimal("10"), mode="cheque", today=TODAY
    )
    with pytest.raises(InvalidInput, match="Motif : caractère U\\+009B"):
        payments.reverse_entry(actor, entry.id, "rejeté\x9b31m", TODAY, today=TODAY)
    with pytest.raises(InvalidInput, match="Payeur : caractère U\\+0007"):
        payments.record_payment(actor, sample_dossier.id, on=TODAY, amount=Decimal("1"), payer="X\x07", today=TODAY)
    with pytest.raises(InvalidInput, match="U\\+2066"):
        add_user("zed", "Zoé\u2066 Nom")
    with pytest.raises(InvalidInput, match="Source du taux : caractère U\\+001B"):
        etude_row(
            table="ecb",
            valid_from=date(2027, 1, 1),
            valid_to=date(2027, 6, 30),
            value="2,15",
            source="JO\x1b]52;c;eA==\x07",
            entered_by="x",
            entered_on=TODAY,
        )


def test_a_deadline_reason_and_an_act_complement_are_refused(actor, sample_dossier):
    from clerc_tui.services import acts, deadlines

    with pytest.raises(InvalidInput, match="Motif : caractère U\\+001B"):
        deadlines.mark_done(actor, 1, "fait\x1b[2J", today=TODAY)
    act = acts.draft_act(actor, sample_dossier.id, "saisie_attribution", today=TODAY)
    with pytest.raises(InvalidInput, match="U\\+202E"):
        acts.update_act(actor, act.id, {"tiers_saisi": "Banque\u202e X"}, today=TODAY)


def poison(dossier_id: int, name: str = EVIL) -> None:
    """Old data written straight into the base, as before the checks existed."""
    database.execute_sql(raw_sql("UPDATE debtor SET last_name = ?, display_name = ?"), (name, name))
    database.execute_sql(raw_sql("UPDATE creditor SET display_name = ?"), (name,))
    database.execute_sql(
        raw_sql("UPDATE dossier SET debtor_name = ?, creditor_name = ?, notes = ?, title_court = ? WHERE id = ?"),
        (name, name, name, name, dossier_id),
    )


def test_old_data_is_inert_in_the_cli_exports_documents_and_acts(actor, db_path, capsys, tmp_path):
    from clerc_tui.report.acts import as_html, as_text
    from clerc_tui.report.documents import document_html, document_text
    from clerc_tui.report.statement import statement_html, statement_json, statement_text
    from clerc_tui.services import accounting, acts, billing, payments, remittances
    from clerc_tui.services.documents import document_of
    from clerc_tui.services.dossiers import create_dossier
    from clerc_tui.services.statement import dossier_statement
    from tests.conftest import make_input

    sample_dossier = create_dossier(
        actor,
        make_input(interest_from=date(2026, 1, 15), interest_kind="contractual", contractual_rate=Decimal("5")),
        TODAY,
    )
    fee = billing.bill_act(
        actor, sample_dossier.id, "commandement_saisie_vente", TODAY, today=TODAY, claim=Decimal(3000)
    )
    payments.record_payment(actor, sample_dossier.id, on=TODAY, amount=Decimal("300"), mode="cheque", today=TODAY)
    act = acts.draft_act(actor, sample_dossier.id, "commandement_saisie_vente", today=TODAY)
    poison(sample_dossier.id)
    base = ["--db", str(db_path), "--today", "26/11/2026"]
    for command in (
        ["statement", sample_dossier.reference],
        ["statement", sample_dossier.reference, "--format", "json"],
        ["statement", sample_dossier.reference, "--format", "html"],
        ["deadlines", "--days", "60"],
        ["document", fee.document_number],
        ["reversements", "du"],
        ["export", "fec", "--from", "01/11/2026", "--to", "30/11/2026"],
    ):
        main([*base, *command])
        captured = capsys.readouterr()
        assert BAD.search(captured.out + captured.err) is None, command
    main([*base, "reversements", "du"])
    assert "Durand␛]52" in capsys.readouterr().out  # the creditor's name, shown as a placeholder
    statement = dossier_statement(sample_dossier.id, TODAY)
    document = document_of(fee)
    body = acts.act_view(act.id).draft.body
    for text in (
        statement_text(statement),
        statement_html(statement),
        statement_json(statement),
        document_text(document),
        document_html(document),
        "\n".join(accounting.fec_lines(TODAY, TODAY)),
        as_text(body),
        as_html(body, "Acte"),
    ):
        assert BAD.search(text) is None
    assert "Durand␛]52;c;ZWNobyBwd25lZA==␇␛[2J�X�31m" + ("" if postgres.enabled() else "␀") in as_text(body)
    run_id = remittances.execute_run(actor, TODAY, today=TODAY).run_id
    assert BAD.search(remittances.run_csv(run_id)) is None
