"""`clerc calc quotite`: the example of docs/law/seizable-salary.md in text and JSON (amounts as
strings), the répartition, French errors with the exit code of the other calc commands."""

import json

from tests.conftest import run_clerc


def test_json_example_10(tmp_path):
    result = run_clerc(
        tmp_path, "calc", "quotite", "--net", "2000", "--dependants", "1", "--date", "2026-01-15", "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["seizable"] == "382.29" and data["left"] == "1617.71" and data["floor"] == "646.52"
    assert data["capped"] is False and data["year"] == 2026
    assert data["lines"][0] == {
        "low": "0.0000",
        "high": "518.3333",
        "fraction": "1/20",
        "base": "518.3333",
        "amount": "25.9167",
    }
    assert [line["fraction"] for line in data["lines"]] == ["1/20", "1/10", "1/5", "1/4", "1/3", "2/3"]
    assert "2025-1299" in data["sources"]["scale"] and "2025-293" in data["sources"]["floor"]
    assert data["repartition"] is None


def test_json_no_dependant_and_low_pay(tmp_path):
    result = run_clerc(tmp_path, "calc", "quotite", "--net", "2 000,00", "--date", "15/01/2026", "--json")
    assert json.loads(result.stdout)["seizable"] == "471.71"
    low = json.loads(run_clerc(tmp_path, "calc", "quotite", "--net", "680", "--date", "15/01/2026", "--json").stdout)
    assert (low["seizable"], low["bareme"], low["capped"], low["left"]) == ("33.48", "49.33", True, "646.52")


def test_text_shows_the_slices_the_floor_and_the_result(tmp_path):
    result = run_clerc(tmp_path, "calc", "quotite", "--net", "2000", "--dependants", "1", "--date", "15/01/2026")
    assert result.returncode == 0
    out = result.stdout
    # French figures everywhere: the four-decimal bracket lines group thousands like the amounts.
    assert "1\u00a0934,1667 → 2\u00a0295,8333" in out and "43,8889" in out
    assert "872,5000 → 1\u00a0228,3333" in out and "1228,3333" not in out
    assert "Quotité saisissable (versée au répartiteur) : 382,29\u00a0€" in out
    assert "Laissé au salarié : 1\u00a0617,71\u00a0€" in out
    assert "RSA personne seule, R3252-5) : 646,52\u00a0€" in out
    assert "Plafond appliqué" not in out
    assert "solde bancaire insaisissable d'une saisie-attribution à cette date (L162-2 CPCE) : 646,52" in out


def test_the_date_defaults_to_today(tmp_path):
    result = run_clerc(tmp_path, "--today", "01/04/2026", "calc", "quotite", "--net", "680", "--json")
    data = json.loads(result.stdout)
    assert data["date"] == "2026-04-01" and data["floor"] == "651.69" and data["seizable"] == "28.31"
    assert data["sbi"] == "651.69"


def test_repartition_among_creditors(tmp_path):
    args = ["calc", "quotite", "--net", "2000", "--dependants", "1", "--date", "15/01/2026"]
    creditors = ["--creditor", "Banque=1 000", "--creditor", "Bailleur=300", "--creditor", "Opérateur=5000"]
    data = json.loads(run_clerc(tmp_path, *args, *creditors, "--json").stdout)["repartition"]
    assert [(s["name"], s["amount"], s["priority"]) for s in data["shares"]] == [
        ("Banque", "13.72", False),
        ("Bailleur", "300.00", True),
        ("Opérateur", "68.57", False),
    ]
    text = run_clerc(tmp_path, *args, *creditors).stdout
    assert "Répartition de 382,29\u00a0€" in text and "payée en priorité" in text


def test_alimony_is_taken_first(tmp_path):
    args = ["calc", "quotite", "--net", "2000", "--dependants", "1", "--date", "15/01/2026", "--alimony", "1200"]
    data = json.loads(run_clerc(tmp_path, *args, "--json").stdout)
    assert (data["alimony_paid"], data["alimony_on_seizable"], data["seizable"]) == ("1200.00", "228.81", "153.48")
    assert "Pension alimentaire (paiement direct, L3252-5)" in run_clerc(tmp_path, *args).stdout


def test_bad_input_is_french_with_exit_code_2(tmp_path):
    for args, words in [
        (["--net", "abc"], "n'est pas un montant"),
        (["--net", "2000", "--dependants", "-1"], "négatif"),
        (["--net", "2000", "--date", "15/01/2027"], "inconnu pour 2027"),
        (["--net", "2000", "--date", "30/06/2022"], "inconnu pour 2022"),
        (["--net", "2000", "--date", "15/01/2026", "--creditor", "sans montant"], "NOM=CRÉANCE"),
    ]:
        result = run_clerc(tmp_path, "calc", "quotite", *args)
        assert result.returncode == 2, args
        assert words in result.stderr and "Traceback" not in result.stderr
    missing = run_clerc(tmp_path, "calc", "quotite")
    assert missing.returncode == 2 and "--net" in missing.stderr
