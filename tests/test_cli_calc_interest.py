"""`clerc calc interest`: the worked examples from the command line, and bad input exits 2."""

import json

import pytest

from clerc_tui.cli import main
from tests.conftest import run_clerc

EX3 = [
    "calc",
    "interest",
    "--principal",
    "3000",
    "--from",
    "2025-03-10",
    "--to",
    "2025-09-15",
    "--kind",
    "legal",
    "--category",
    "particulier",
    "--majoration-from",
    "2025-05-25",
]


def _json(capsys, argv):
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    return json.loads(out)


def test_example_3_json(capsys):
    data = _json(capsys, EX3)
    assert [(line["start"], line["end"], line["days"], line["rate"], line["amount"]) for line in data["lines"]] == [
        ("2025-03-10", "2025-05-25", 76, "7.21", "45.04"),
        ("2025-05-25", "2025-07-01", 37, "12.21", "37.13"),
        ("2025-07-01", "2025-09-15", 76, "11.65", "72.77"),
    ]
    assert data["total"] == "154.94"
    assert all(line["kind"] and line["basis"] for line in data["lines"])


def test_example_3_text_table(capsys):
    assert main(EX3) == 0
    out = capsys.readouterr().out
    assert "154,94\u00a0€" in out and "12,21\u00a0%" in out and "25/05/2025" in out and "Convention" in out


def test_french_dates_are_accepted(capsys):
    argv = [
        "calc",
        "interest",
        "--principal",
        "5 000,00",
        "--from",
        "15/01/2025",
        "--to",
        "15/04/2025",
        "--category",
        "particulier",
    ]
    assert _json(capsys, argv)["total"] == "88.89"


@pytest.mark.parametrize(
    ("argv", "total"),
    [
        (["--principal", "12000", "--from", "2025-05-01", "--to", "2025-09-30", "--category", "autres"], "156.97"),
        (["--principal", "10000", "--from", "2025-03-31", "--to", "2025-06-30", "--kind", "commercial"], "367.85"),
        (
            [
                "--principal",
                "10000",
                "--from",
                "2024-01-01",
                "--to",
                "2025-07-01",
                "--category",
                "particulier",
                "--capitalize-from",
                "2024-01-01",
            ],
            "1197.27",
        ),
        (
            [
                "--principal",
                "2000",
                "--from",
                "2015-09-17",
                "--to",
                "2016-04-10",
                "--category",
                "particulier",
                "--majoration-from",
                "2015-11-18",
            ],
            "89.24",
        ),
        (
            [
                "--principal",
                "2000",
                "--from",
                "2015-09-17",
                "--to",
                "2016-04-10",
                "--category",
                "particulier",
                "--majoration-from",
                "2015-11-18",
                "--day-count",
                "inclusive_both",
            ],
            "89.77",
        ),
        (
            [
                "--principal",
                "2000",
                "--from",
                "01/09/2020",
                "--to",
                "30/09/2020",
                "--category",
                "particulier",
                "--day-count",
                "inclusive_both",
            ],
            "5.11",
        ),
        (["--principal", "2000", "--from", "01/09/2020", "--to", "30/09/2020", "--category", "particulier"], "4.94"),
        (
            [
                "--principal",
                "1000",
                "--from",
                "2025-01-01",
                "--to",
                "2026-01-01",
                "--kind",
                "contractual",
                "--rate",
                "5",
            ],
            "50.00",
        ),
        # Issue 9 item 5: civil year by default, 10 000 × 5 × 366 / 36 600 = 500.00 over 2024 …
        (
            [
                "--principal",
                "10000",
                "--from",
                "01/01/2024",
                "--to",
                "01/01/2025",
                "--kind",
                "contractual",
                "--rate",
                "5",
            ],
            "500.00",
        ),
        # … and 10 000 × 5 × 366 / 36 500 = 501.3699 → 501.37 when the contract writes 365 days.
        (
            [
                "--principal",
                "10000",
                "--from",
                "01/01/2024",
                "--to",
                "01/01/2025",
                "--kind",
                "contractual",
                "--rate",
                "5",
                "--day-basis",
                "365",
            ],
            "501.37",
        ),
        # 2013–2014 annual rate 0.04 %: 4.00 + 4.00, no 1 July line before 2015.
        (["--principal", "10000", "--from", "2013-01-01", "--to", "2015-01-01", "--category", "autres"], "8.00"),
    ],
)
def test_worked_examples(capsys, argv, total):
    assert _json(capsys, ["calc", "interest", *argv])["total"] == total


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--principal": "-3000"}, "négatif"),
        ({"--principal": "trois mille"}, "n'est pas un montant"),
        ({"--principal": "3000.123"}, "deux décimales"),
        ({"--to": "2025-01-01"}, "précède"),
        ({"--category": "entreprise"}, "Catégorie de créancier inconnue"),
        ({"--to": "2026-11-26"}, "2e semestre 2026"),
        ({"--from": "1999-06-01"}, "l'année 1999"),
        ({"--from": "31/02/2025"}, "n'existe pas"),
        ({"--kind": "usuraire"}, "Type d'intérêts inconnu"),
        ({"--majoration-points": "7"}, "entre 0 et 5"),
        ({"--day-count": "30/360"}, "décompte des jours"),
    ],
)
def test_bad_input_exits_2_with_a_french_message(capsys, change, message):
    argv = list(EX3)
    for option, value in change.items():
        if option in argv:
            argv[argv.index(option) + 1] = value
        else:
            argv += [option, value]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("clerc : ") and message in captured.err and "Traceback" not in captured.err


def test_the_day_basis_is_printed(capsys):
    argv = [
        "calc",
        "interest",
        "--principal",
        "10000",
        "--from",
        "01/01/2024",
        "--to",
        "01/01/2025",
        "--kind",
        "contractual",
        "--rate",
        "5",
    ]
    data = _json(capsys, argv)
    assert data["day_basis"] == "civil" and data["lines"][0]["divisor"] == 36600 and len(data["lines"]) == 1
    assert "année civile" in data["convention"]["text"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "500,00\u00a0€" in out and "36\u00a0600" in out and "année civile" in out


def test_no_zero_day_line_when_the_majoration_starts_on_1_july(capsys):
    data = _json(
        capsys,
        [
            "calc",
            "interest",
            "--principal",
            "1000",
            "--from",
            "2025-03-01",
            "--to",
            "2025-09-01",
            "--category",
            "particulier",
            "--majoration-from",
            "2025-07-01",
        ],
    )
    assert [line["days"] for line in data["lines"]] == [122, 62]
    assert [line["rate"] for line in data["lines"]] == ["7.21", "11.65"]


def test_a_day_basis_for_legal_interest_is_refused(capsys):
    assert main([*EX3, "--day-basis", "360"]) == 2
    assert "ne se choisit que pour un intérêt conventionnel" in capsys.readouterr().err


def test_legal_kind_needs_a_category(capsys):
    assert main(["calc", "interest", "--principal", "10", "--from", "2025-01-01", "--to", "2025-02-01"]) == 2
    assert "--category" in capsys.readouterr().err


def test_the_installed_console_script():
    ok = run_clerc(None, *EX3, "--json", process=True)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["total"] == "154.94"
    bad = run_clerc(
        None,
        "calc",
        "interest",
        "--principal",
        "-1",
        "--from",
        "2025-01-01",
        "--to",
        "2025-02-01",
        "--category",
        "autres",
        process=True,
    )
    assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.startswith("clerc : ")
