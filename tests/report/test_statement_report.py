"""The printed décompte: French labels, French amounts and dates, the convention, exports."""

import io
import json
from datetime import date
from decimal import Decimal as D

from rich.console import Console

from clerc_tui.report.statement import (
    statement_html,
    statement_json,
    statement_renderable,
    statement_text,
    statement_to_dict,
)
from clerc_tui.rules.interest import InterestTerms
from clerc_tui.rules.rates import Rates, etude_row
from clerc_tui.rules.statement import Charge, ClaimItem, Payment, Reversal, StatementInput, compute_statement

NBSP = "\u00a0"


def _statement(**kw):
    fields = dict(
        at=date(2025, 9, 15),
        reference="2025-0042",
        interest_from=date(2025, 3, 10),
        items=(ClaimItem("principal", D("3000"), "Condamnation [bold]Durand[/] [/]x"),),
        terms=InterestTerms(category="particulier", majoration_from=date(2025, 5, 25)),
        charges=(Charge(date(2025, 3, 24), D("150"), "Signification du jugement"),),
        payments=(Payment(date(2025, 6, 30), D("1000"), ref="v1"), Payment(date(2025, 7, 10), D("50"), ref="c2")),
        reversals=(Reversal(date(2025, 7, 20), "c2", "chèque rejeté"),),
    )
    fields.update(kw)
    return compute_statement(StatementInput(**fields))


def test_text_export_reads_in_french():
    text = statement_text(_statement())
    assert "Décompte arrêté au 15/09/2025 — dossier 2025-0042" in text
    for words in (
        "Principal restant dû",
        "Intérêts échus",
        "Frais",
        "Total dû",
        "Paiements et imputation",
        "saisie-attribution",
        "un mois d'intérêts à échoir",
        "rejeté le 20/07/2025",
        "frais → intérêts échus → principal",
        "Convention de calcul",
        "36" + NBSP + "500",
    ):
        assert words in text, words
    assert f"3{NBSP}000,00{NBSP}€" in text and "12,21" in text and "10/03/2025" in text
    assert "2025-09-15" not in text


def test_user_text_is_never_read_as_markup():
    text = statement_text(_statement())
    assert "Condamnation [bold]Durand[/] [/]x" in text


def test_etude_rates_are_marked():
    row = etude_row(
        table="legal",
        category="particulier",
        valid_from="01/07/2026",
        valid_to="31/12/2026",
        value="6.50",
        source="arrêté de juin 2026",
        entered_by="md",
        entered_on=date(2026, 7, 2),
    )
    rates = Rates.shipped().with_etude_rows(legal=[row])
    data = StatementInput(
        at=date(2026, 11, 26),
        interest_from=date(2026, 1, 1),
        items=(ClaimItem("principal", D("1000")),),
        terms=InterestTerms(category="particulier"),
    )
    text = statement_text(compute_statement(data, rates=rates), width=160)
    assert "taux saisi par l'étude — à vérifier" in text
    plain = statement_text(
        compute_statement(
            StatementInput(
                at=date(2026, 6, 1),
                interest_from=date(2026, 1, 1),
                items=(ClaimItem("principal", D("1000")),),
                terms=InterestTerms(category="particulier"),
            )
        )
    )
    assert "à vérifier" not in plain


def test_html_export():
    html = statement_html(_statement())
    assert html.lstrip().lower().startswith("<!doctype html") and "Total dû" in html
    assert "Durand" in html


def test_json_export_uses_decimal_strings_and_iso_dates():
    s = _statement()
    data = json.loads(statement_json(s))
    assert data["at"] == "2025-09-15"
    assert data["interest_lines"][0] == {
        "start": "2025-03-10",
        "end": "2025-05-25",
        "days": 76,
        "base": "3000.00",
        "rate": "7.21",
        "kind": "legal",
        "label": "Intérêt légal",
        "basis": data["interest_lines"][0]["basis"],
        "amount": "45.04",
        "rate_from_etude": False,
        "divisor": 36500,
    }
    assert data["payments"][0]["interets"] == "81.17" and data["payments"][1]["reversed_on"] == "2025-07-20"
    assert data["totals"]["total_due"] == f"{s.total_due:.2f}"
    assert set(data["saisie_attribution"]) >= {"principal", "frais", "interets", "interest_to_come", "total"}
    assert statement_to_dict(s) == data


def test_renderable_fits_a_120_column_terminal():
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(statement_renderable(_statement()))
    assert max(len(line) for line in console.export_text().splitlines()) <= 120


def test_the_day_basis_is_printed_per_line_and_per_rate_type():
    contractual = compute_statement(
        StatementInput(
            at=date(2025, 1, 1),
            interest_from=date(2024, 1, 1),
            items=(ClaimItem("principal", D("10000")),),
            terms=InterestTerms(kind="contractual", rate=D("5")),
        )
    )
    text = statement_text(contractual, width=160)
    assert "Diviseur" in text and "36" + NBSP + "600" in text and "500,00" + NBSP + "€" in text
    assert "année civile" in text and "19 juin 2013" in text
    assert "même en année bissextile" not in text
    data = statement_to_dict(contractual)
    assert data["terms"]["day_basis"] == "civil" and data["interest_lines"][0]["divisor"] == 36600
    legal = statement_text(_statement(), width=400)
    assert (
        "36" + NBSP + "500 même en année bissextile" in legal
        and statement_to_dict(_statement())["terms"]["day_basis"] is None
    )


def test_the_2224_warning_is_on_the_screen_text_html_and_json():
    s = compute_statement(
        StatementInput(
            at=date(2026, 3, 1),
            interest_from=date(2020, 1, 1),
            items=(ClaimItem("principal", D("10000")),),
            terms=InterestTerms(kind="contractual", rate=D("3.65"), day_basis="365"),
            title_date=date(2020, 1, 1),
        )
    )
    # 1,00 € a day; 01/01/2020 → 01/03/2021: 425 days older than five years at the arrêté date.
    text = statement_text(s, width=200)
    assert "Attention — Prescription quinquennale (art. 2224 C. civ.)" in text and "425,00" in text
    assert "art. 2224" in statement_html(s, width=200)
    assert statement_to_dict(s)["warnings"] == list(s.warnings) and len(s.warnings) == 1
    assert "Prescription" not in statement_text(_statement())


def test_each_act_that_set_a_rate_is_cited_once_under_the_interest_table():
    """Before, each line's « Fondement » cell held the article and the whole arrêté (« Arrêté du
    26 décembre 2021 (JO du 28 décembre 2021, NOR …) »), wrapped over 5 to 7 rows a line."""
    statement = _statement(at=date(2025, 12, 31), interest_from=date(2024, 3, 10), payments=(), reversals=())
    text = statement_text(statement)
    interest = text[text.index("Diviseur") : text.index("Taux fixés par :")]
    acts = [line for line in text[text.index("Taux fixés par :") :].splitlines()[1:] if line.startswith("[")]
    assert [act.split("]")[0] for act in acts] == ["[1", "[2", "[3", "[4"], acts  # 2024 S1 … 2025 S2
    assert all("Arrêté" in act for act in acts)
    assert "Arrêté" not in interest  # in the notes only
    for number in range(1, 5):
        assert f"[{number}]" in interest
