"""`clerc calc deadline`: each worked example answered with its explanation; bad input exits 2 in French."""

import json

import pytest

from clerc_tui.cli import main
from clerc_tui.rules.procedures import rules
from tests.conftest import run_clerc

# (example, arguments, due date: the last day, or the earliest day for a waiting period)
EXAMPLES = [
    ("01", ["--from", "31/01/2025", "--months", "1"], "2025-02-28"),
    ("02", ["--from", "31/01/2024", "--months", "1"], "2024-02-29"),
    ("03", ["--from", "09/03/2016", "--rule", "sa_contestation_1_mois"], "2016-04-11"),
    ("04", ["--from", "2024-10-09", "--rule", "sa_contestation_1_mois"], "2024-11-12"),
    ("05", ["--from", "12/04/2025", "--rule", "sa_denonciation_8_jours"], "2025-04-22"),
    ("06", ["--from", "12/06/2025", "--rule", "ip_opposition_1_mois"], "2025-07-15"),
    ("07", ["--from", "23/04/2026", "--days", "8"], "2026-05-04"),
    ("08", ["--from", "08/04/2026", "--months", "1"], "2026-05-11"),
    ("09", ["--from", "11/10/2025", "--rule", "sa_contestation_1_mois"], "2025-11-12"),
    ("10", ["--from", "29/08/2025", "--rule", "ip_signification_6_mois"], "2026-03-02"),
    ("11", ["--from", "07/03/2025", "--rule", "jug_appel_1_mois", "--abroad"], "2025-06-10"),
    ("11-mois", ["--from", "07/03/2025", "--months", "1", "--abroad"], "2025-06-10"),
    ("12", ["--from", "10/04/2025", "--days", "8", "--zone", "alsace-moselle"], "2025-04-22"),
    ("12-ailleurs", ["--from", "10/04/2025", "--days", "8"], "2025-04-18"),
    ("13", ["--from", "26/11/2025", "--months", "1", "--zone", "alsace-moselle"], "2025-12-29"),
    ("13-ailleurs", ["--from", "26/11/2025", "--months", "1"], "2025-12-26"),
    ("14", ["--from", "24/12/2025", "--rule", "sa_denonciation_8_jours"], "2026-01-02"),
    ("15", ["--from", "30/04/2027", "--months", "1"], "2027-05-31"),
    ("16", ["--from", "28/02/2025", "--rule", "pc_reponse_1_mois"], "2025-03-28"),
    ("17", ["--from", "01/07/2025", "--rule", "sr_registre_commandement"], "2025-07-02"),
    ("18", ["--from", "01/07/2025", "--rule", "sr_contestation_suspensive_1_mois"], "2025-08-01"),
    ("18-pv", ["--from", "01/07/2025", "--rule", "sr_pv_saisie_apres_1_mois"], "2025-08-02"),
    ("19", ["--from", "01/07/2025", "--rule", "sr_pv_saisie_3_mois"], "2025-10-01"),
    ("20", ["--from", "15/09/2025", "--rule", "exp_cql_2_mois"], "2026-04-01"),
    ("21", ["--from", "20/01/2026", "--rule", "exp_cql_2_mois"], "2026-04-01"),
    ("22", ["--from", "03/11/2025", "--weeks", "6"], "2025-12-15"),
    ("23", ["--from", "12/05/2025", "--rule", "exp_prefet_assignation_6_semaines"], "2025-03-30"),
    ("24", ["--from", "17/03/2026", "--rule", "exp_prefet_assignation_6_semaines"], "2026-02-02"),
    ("25", ["--from", "02/05/2025", "--rule", "sv_attente_8_jours"], "2025-05-13"),
    ("26", ["--from", "15/03/2024", "--rule", "sv_commandement_validite_2_ans"], "2026-03-15"),
    ("27", ["--from", "23/04/2011", "--rule", "prescription_5_ans"], "2016-04-23"),
    # Whit Monday 2005-2007 is a jour férié for CPC 642 (the library leaves it out):
    # Sat 16/04/2005 + 1 month = Mon 16/05/2005, Whit Monday (Easter 27/03 + 50) → Tue 17/05/2005;
    # Fri 05/05/2006 + 1 month = Mon 05/06/2006 (Easter 16/04 + 50) → Tue 06/06/2006;
    # Sun 20/05/2007 + 8 days = Mon 28/05/2007 (Easter 08/04 + 50) → Tue 29/05/2007.
    ("pentecote-2005", ["--from", "16/04/2005", "--months", "1"], "2005-05-17"),
    ("pentecote-2006", ["--from", "05/05/2006", "--months", "1"], "2006-06-06"),
    ("pentecote-2007", ["--from", "20/05/2007", "--days", "8"], "2007-05-29"),
    # CPC 1416 al. 2: first measure Mon 10/11/2025 + 1 month → Wed 10/12/2025; abroad + 2 more
    # months → Tue 10/02/2026.
    ("1416", ["--from", "10/11/2025", "--rule", "ip_opposition_apres_mesure_1_mois"], "2025-12-10"),
    (
        "1416-etranger",
        ["--from", "10/11/2025", "--rule", "ip_opposition_apres_mesure_1_mois", "--abroad"],
        "2026-02-10",
    ),
    # Art. 24 II: CCAPEX seized Wed 05/11/2025 + 2 months = Mon 05/01/2026 → assignation Tue 06/01/2026.
    ("ccapex", ["--from", "05/11/2025", "--rule", "exp_ccapex_2_mois"], "2026-01-06"),
    # R212-1-17: intervention Fri 08/08/2025 + 8 days = Sat 16/08 → Mon 18/08/2025 (15/08 is Friday).
    ("intervention", ["--from", "08/08/2025", "--rule", "sr_intervention_denonciation_8_jours"], "2025-08-18"),
    # Répartition: Fri 24/10/2025 + 42 days = Fri 05/12/2025, no shift.
    ("repartition", ["--from", "24/10/2025", "--rule", "sr_repartition_6_semaines"], "2025-12-05"),
    # R221-18: copy served Fri 16/05/2025, saisie antérieure 8 days → Sat 24/05 → Mon 26/05/2025.
    ("r221-18", ["--from", "16/05/2025", "--rule", "sv_saisie_anterieure_8_jours"], "2025-05-26"),
]


def _run_json(capsys, args):
    assert main(["calc", "deadline", *args, "--json"]) == 0
    out = capsys.readouterr().out
    return json.loads(out)


@pytest.mark.parametrize("example,args,due", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_each_worked_example_through_the_cli(capsys, example, args, due):
    payload = _run_json(capsys, args)
    assert payload["due"] == due
    assert payload["explanation"]


def test_json_has_last_day_raw_end_and_skipped_days(capsys):
    payload = _run_json(capsys, ["--from", "12/04/2025", "--rule", "sa_denonciation_8_jours"])
    assert payload["last_day"] == "2025-04-22"
    assert payload["raw_end"] == "2025-04-20"
    assert payload["skipped"] == [
        {"date": "2025-04-20", "reason": "dimanche"},
        {"date": "2025-04-21", "reason": "jour férié : Lundi de Pâques"},
    ]
    assert payload["basis"] == "CPCE R211-3"


def test_json_of_a_waiting_period_gives_the_end_of_the_wait_and_the_earliest_day(capsys):
    payload = _run_json(capsys, ["--from", "15/09/2025", "--rule", "exp_cql_2_mois"])
    assert (payload["raw_end"], payload["last_day"], payload["earliest_day"]) == (
        "2025-11-15",
        "2025-11-17",
        "2026-04-01",
    )
    assert payload["winter_truce"] == {"from": "2025-11-01", "to": "2026-03-31"}
    assert payload["unverified"]


def test_text_output_explains_the_last_day(capsys):
    assert main(["calc", "deadline", "--from", "09/10/2024", "--months", "1"]) == 0
    out = capsys.readouterr().out
    assert "Fin brute : samedi 09/11/2024" in out
    assert "lundi 11/11/2024 — jour férié : Armistice" in out
    assert "Dernier jour : mardi 12/11/2024" in out


def test_text_output_of_a_rule_shows_basis_sanction_and_unverified_note(capsys):
    assert main(["calc", "deadline", "--from", "15/03/2024", "--rule", "sv_commandement_validite_2_ans"]) == 0
    out = capsys.readouterr().out
    assert "Dernier jour : dimanche 15/03/2026" in out
    assert "Agir au plus tard le : samedi 14/03/2026" in out
    assert "Fondement : CPCE R221-5" in out
    assert "Sanction : Nouveau commandement" in out
    assert "Point non vérifié :" in out


def test_list_prints_every_rule_id_with_its_label(capsys):
    assert main(["calc", "deadline", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [r.id for r in rules()]
    assert any(line.startswith("sa_denonciation_8_jours") and "Dénonciation" in line for line in lines)


@pytest.mark.parametrize(
    "args,message",
    [
        (["--from", "01/02/2025", "--rule", "sa_denonciation_9_jours"], "Règle de délai inconnue"),
        (["--from", "31/02/2025", "--days", "8"], "n'existe pas dans le calendrier"),
        (["--from", "demain", "--days", "8"], "n'est pas une date"),
        (["--from", "01/02/2025", "--days", "-3"], "négatif"),
        (["--from", "01/02/2025", "--months", "-1"], "négatif"),
        (["--from", "01/02/2025", "--weeks", "deux"], "invalide"),
        (["--from", "01/02/2025"], "Indiquez le délai"),
        (["--days", "8"], "point de départ"),
        (["--from", "01/02/2025", "--days", "8", "--rule", "sa_denonciation_8_jours"], "pas les deux"),
        (["--from", "01/02/2025", "--days", "8", "--zone", "bretagne"], "Zone de calendrier inconnue"),
        (["--from", "01/02/2025", "--days", "8", "--abroad", "--outre-mer"], "s'excluent"),
        (["--from", "01/12/9999", "--months", "2"], "sort du calendrier"),
    ],
)
def test_bad_input_exits_2_with_a_french_message(capsys, args, message):
    assert main(["calc", "deadline", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("clerc : ")
    assert message in err
    assert "Traceback" not in err


def test_the_installed_command_answers_in_json():
    done = run_clerc(
        None,
        "calc",
        "deadline",
        "--from",
        "10/04/2025",
        "--days",
        "8",
        "--zone",
        "alsace-moselle",
        "--json",
        process=True,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert (payload["raw_end"], payload["last_day"]) == ("2025-04-18", "2025-04-22")
    assert [s["reason"] for s in payload["skipped"]] == [
        "jour férié : Vendredi saint",
        "samedi",
        "dimanche",
        "jour férié : Lundi de Pâques",
    ]


def test_the_installed_command_exits_2_on_an_unknown_rule():
    done = run_clerc(None, "calc", "deadline", "--from", "10/04/2025", "--rule", "inconnue", process=True)
    assert done.returncode == 2
    assert done.stderr.strip() == "clerc : Règle de délai inconnue : « inconnue » (voir clerc calc deadline --list)."
