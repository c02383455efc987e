"""`clerc calc recovery-fee`: the figures of the issue, JSON with two-decimal strings, French errors."""

import json

import pytest

from clerc_tui.cli import main


def test_json_partial_recovery_and_example_8(capsys):
    # Claim 1 234,56 €, 100 € collected: A444-31 9,77 HT / 11,72 TTC; A444-32 11,73 HT / 14,08 TTC.
    assert (
        main(["calc", "recovery-fee", "--claim", "1 234,56", "--collected", "100", "--date", "01/03/2025", "--json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["debtor"]["article"] == "A444-31" and (data["debtor"]["ht"], data["debtor"]["ttc"]) == ("9.77", "11.72")
    assert data["creditor"]["article"] == "A444-32"
    assert (data["creditor"]["ht"], data["creditor"]["ttc"]) == ("11.73", "14.08")
    # Ex 8: 4 000 € collected → 81,39 / 97,67 and 257,45 / 308,94.
    assert (
        main(["calc", "recovery-fee", "--claim", "4000", "--collected", "4000", "--date", "2024-03-01", "--json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert (data["debtor"]["ht"], data["debtor"]["ttc"]) == ("81.39", "97.67")
    assert (data["creditor"]["ht"], data["creditor"]["ttc"]) == ("257.45", "308.94")


def test_text_flat_fees_on_small_claims(capsys):
    # Claim 40 € ≤ 44 € and ≤ 188 €: flat 4,30 HT (5,16 TTC) and 21,50 HT (25,80 TTC).
    assert main(["--today", "15/06/2025", "calc", "recovery-fee", "--claim", "40", "--collected", "12"]) == 0
    out = capsys.readouterr().out
    assert "au 15/06/2025" in out and "4,30\u00a0€ HT" in out and "25,80\u00a0€ TTC" in out


def test_bad_input_exits_2_in_french(capsys):
    assert main(["calc", "recovery-fee", "--claim", "abc", "--collected", "1"]) == 2
    assert "n'est pas un montant" in capsys.readouterr().err
    assert main(["calc", "recovery-fee", "--claim", "100", "--collected", "10", "--date", "31/02/2025"]) == 2
    assert "clerc :" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["calc", "recovery-fee", "--collected", "10"])
    assert exit_info.value.code == 2
