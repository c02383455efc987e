"""`clerc deadlines`: the morning list as text or JSON, refusals exit 2 in French."""

import json

from clerc_tui.cli import main
from clerc_tui.models.db import close_database
from tests.services.test_deadlines import _agenda_fixture


def _seeded(actor, db_path):
    bruno, ids = _agenda_fixture(actor)
    close_database()
    return bruno, ids


def test_text_list_is_grouped_overdue_today_then_by_day(actor, db_path, capsys):
    _seeded(actor, db_path)
    assert main(["--db", str(db_path), "deadlines", "--date", "26/11/2026"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "Échéances au jeudi 26/11/2026 — en retard et jusqu'au 03/12/2026 (7 jours) — tous les clercs"
    )
    assert "2 en retard · 1 aujourd'hui · 1 à venir" in out
    overdue, today, friday = (
        out.index("\nEN RETARD\n"),
        out.index("\nAUJOURD'HUI jeudi 26/11/2026\n"),
        out.index("\nvendredi 27/11/2026\n"),
    )
    assert overdue < today < friday
    assert "  RETARD      01/10/2026 · 2026-000001 · LEFÈVRE Hélène · Saisie-attribution · à faire le 2026-10-01" in out
    assert "26/12/2026" not in out  # beyond the 7 days


def test_days_and_clerc_filter(actor, db_path, capsys):
    _seeded(actor, db_path)
    assert main(["--db", str(db_path), "deadlines", "--date", "2026-11-26", "--days", "30", "--clerc", "bdupont"]) == 0
    out = capsys.readouterr().out
    assert "clerc : Bruno Dupont (bdupont)" in out and "1 en retard · 0 aujourd'hui · 1 à venir" in out
    assert "Claire Martin" not in out.split("\n", 2)[2]


def test_json_list_with_iso_dates(actor, db_path, capsys):
    _bruno, ids = _seeded(actor, db_path)
    assert main(["--db", str(db_path), "deadlines", "--date", "26/11/2026", "--days", "30", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows][:3] == [ids["overdue_old"], ids["overdue"], ids["today"]]
    first = rows[0]
    assert first["due_date"] == "2026-10-01" and first["section"] == "overdue" and first["dossier"] == "2026-000001"
    assert first["procedure"] == "Saisie-attribution" and first["original_due_date"] is None
    assert {r["section"] for r in rows} == {"overdue", "today", "later"}
    assert ids["beyond"] not in [r["id"] for r in rows]


def test_an_empty_list_says_so(actor, db_path, capsys):
    close_database()
    assert main(["--db", str(db_path), "deadlines", "--date", "26/11/2026"]) == 0
    assert "Aucune échéance ouverte." in capsys.readouterr().out


def test_unknown_clerc_bad_days_and_bad_date_exit_2_in_french(actor, db_path, capsys):
    _seeded(actor, db_path)
    assert main(["--db", str(db_path), "deadlines", "--clerc", "personne"]) == 2
    assert "Clerc inconnu : « personne »" in capsys.readouterr().err
    assert main(["--db", str(db_path), "deadlines", "--days", "-1"]) == 2
    assert "entre 0 et 366 jours" in capsys.readouterr().err
    assert main(["--db", str(db_path), "deadlines", "--days", "sept"]) == 2
    assert "nombre de jours attendu" in capsys.readouterr().err
    assert main(["--db", str(db_path), "deadlines", "--date", "31/02/2026"]) == 2
    assert "n'existe pas dans le calendrier" in capsys.readouterr().err
    close_database()


def test_the_missing_legal_rate_line_goes_to_stderr_and_the_json_stays_clean(actor, db_path, capsys):
    from tests.screens.test_deadline_screens import _after_shipped_legal_table

    close_database()
    today, _start = _after_shipped_legal_table()
    assert main(["--db", str(db_path), "deadlines", "--date", today.isoformat(), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    assert captured.err.startswith("Taux de l'intérêt légal du ") and "clerc rates add --table legal" in captured.err
    assert main(["--db", str(db_path), "deadlines", "--date", (today.replace(day=14)).isoformat()]) == 0
    assert "Taux de l'intérêt légal" not in capsys.readouterr().err


def test_past_waiting_periods_are_their_own_section_in_text_and_json(actor, db_path, capsys):
    from datetime import date, datetime

    from clerc_tui.models import Deadline
    from tests.services.test_deadlines import _dossier

    dossier = _dossier(actor)
    for due, kind, label, procedure, rule in (
        (date(2026, 11, 2), "last_day", "Dénonciation", "saisie_attribution", "r"),
        (date(2026, 11, 5), "earliest_day", "Vente possible", "saisie_vente", "r"),
        # 14/10/2026: expulsion possible, but on 26/11 the trêve hivernale runs until 31/03/2027.
        (date(2026, 10, 14), "earliest_day", "Expulsion possible", "expulsion", "exp_cql_2_mois"),
    ):
        Deadline.create(
            dossier=dossier.id,
            procedure_id=procedure,
            step_id="s",
            rule_id=rule,
            kind=kind,
            due_date=due,
            label=label,
            assigned_to=actor.user_id,
            created_at=datetime.now(),
        )
    close_database()
    assert main(["--db", str(db_path), "deadlines", "--date", "26/11/2026", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["label"], r["section"]) for r in rows] == [
        ("Dénonciation", "overdue"),
        ("Expulsion possible", "possible"),
        ("Vente possible", "possible"),
    ]
    assert rows[1]["suspended_reason"].startswith("trêve hivernale jusqu'au 31/03/2027 (CPCE L412-6)")
    assert main(["--db", str(db_path), "deadlines", "--date", "26/11/2026"]) == 0
    out = capsys.readouterr().out
    assert "1 en retard · 2 possible(s) · 0 aujourd'hui · 0 à venir" in out
    late, possible = out.index("\nEN RETARD\n"), out.index("\nPOSSIBLE (délais d'attente écoulés")
    assert late < out.index("Dénonciation") < possible < out.index("Vente possible")
    assert "  SUSPENDU    14/10/2026" in out and "  POSSIBLE    05/11/2026" in out
