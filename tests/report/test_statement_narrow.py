"""80 columns is a first-class size: the décompte never breaks a date nor cuts an amount."""

import re

import pytest

from clerc_tui.report.statement import render_text, statement_interest_renderable, statement_text
from clerc_tui.rules.french import format_amount, format_date
from tests.report.test_statement_report import _statement

# The dossier screen at 80 columns gives the décompte 76 to 78 cells; the text export is 120.
WIDTHS = (76, 78, 80, 90, 100, 109, 110, 120, 160)


def _figures(s) -> list[str]:
    figures = []
    for line in s.interest_lines:
        figures += [
            format_date(line.start),
            format_date(line.end),
            format_amount(line.base),
            format_amount(line.amount),
        ]
    for line in s.payments:
        a = line.allocation
        figures += [
            format_date(line.payment.on),
            format_amount(a.amount),
            format_amount(a.interets),
            format_amount(a.principal),
            format_amount(line.balance_after),
        ]
    return figures


@pytest.mark.parametrize("width", WIDTHS)
def test_dates_and_amounts_are_whole_at_every_width(width):
    s = _statement()
    # Hand-worked (test_statement_report): 4 interest lines from 10/03/2025, 45,04 € on
    # 3 000,00 € to 25/05/2025; the payment of 30/06/2025 leaves 2 231,17 €.
    expected = {"10/03/2025", "25/05/2025", "45,04\u00a0€", "3\u00a0000,00\u00a0€", "2\u00a0231,17\u00a0€"}
    assert expected <= set(_figures(s))
    for text in (statement_text(s, width=width), render_text(statement_interest_renderable(s), width=width)):
        lines = text.splitlines()
        assert max(len(line) for line in lines) <= width
        assert "…" not in text  # nothing cut
        if width < 110:  # compact: each period numbered, its fondement written under the table
            assert "4. Intérêt légal majoré (+5 points) — Art. L313-2" in text
        # A date ends a line only when whole: no « 10/03/ » or « 10/03/20 » at a line's end.
        assert not [line for line in lines if re.search(r"\b\d{2}/\d{2}/\d{0,3}\s*$", line)]
    text = statement_text(s, width=width)
    for figure in _figures(s):
        assert figure in text, (width, figure)
