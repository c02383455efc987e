"""`clerc statement REF` and `clerc rates`: décompte of a dossier, the étude's rate rows."""

import json
from datetime import date
from decimal import Decimal as D

import pytest

from clerc_tui.cli import main
from clerc_tui.models.db import close_database
from clerc_tui.services.billing import record_charge
from clerc_tui.services.payments import record_payment
from tests.conftest import TODAY
from tests.services.test_ledger_statement import PROVISIONAL, example_dossier


@pytest.fixture
def ex4(actor, db_path):
    dossier = example_dossier(actor)
    record_charge(
        actor, dossier.id, kind="fee", on=date(2025, 3, 24), amount=D("150"), label="Signification", today=TODAY
    )
    record_payment(actor, dossier.id, on=date(2025, 6, 30), amount=D("1000"), today=TODAY)
    close_database()
    return dossier.reference, str(db_path)


def test_statement_text_and_json(ex4, capsys):
    reference, db = ex4
    assert main(["--db", db, "statement", reference, "--at", "15/09/2025"]) == 0
    text = capsys.readouterr().out
    assert f"Décompte arrêté au 15/09/2025 — dossier {reference}" in text
    assert "2\u00a0286,04\u00a0€" in text
    assert main(["--db", db, "statement", reference, "--at", "2025-09-15", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["total_due"] == "2286.04" and data["payments"][0]["interets"] == "81.17"
    assert main(["--db", db, "statement", reference, "--at", "15/09/2025", "--format", "html"]) == 0
    assert "<html" in capsys.readouterr().out.lower()
    close_database()


def test_unknown_reference_missing_rate_and_pdf_exit_2(ex4, capsys):
    reference, db = ex4
    assert main(["--db", db, "statement", "2099-999999", "--at", "15/09/2025"]) == 2
    assert "Aucun dossier ne porte la référence « 2099-999999 »" in capsys.readouterr().err
    assert main(["--db", db, "--today", "26/11/2026", "statement", reference]) == 2
    err = capsys.readouterr().err
    assert "2e semestre 2026" in err and "taux de l'étude" in err
    assert main(["--db", db, "statement", reference, "--at", "31/02/2025"]) == 2
    assert "n'existe pas dans le calendrier" in capsys.readouterr().err
    close_database()


@pytest.fixture
def ex4_etude(actor, db_path):
    from clerc_tui.models import Etude

    Etude.create(
        name="Étude Roux & Associés",
        commissaire_name="Maître Paul Roux",
        address="8 rue Lenepveu",
        postcode="49100",
        city="Angers",
        phone="02 41 00 00 00",
        email="etude@roux.example",
        siren="123456789",
    )
    dossier = example_dossier(actor)
    record_payment(actor, dossier.id, on=date(2025, 6, 30), amount=D("1000"), today=TODAY)
    close_database()
    return dossier.reference, str(db_path)


def test_statement_pdf_written_whole_to_a_file(ex4_etude, capsys, tmp_path):
    from tests.report.test_pdf import flat

    reference, db = ex4_etude
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "décompte.pdf"
    assert (
        main(["--db", db, "statement", reference, "--at", "15/09/2025", "--format", "pdf", "--output", str(target)])
        == 0
    )
    said = capsys.readouterr().out
    assert said.startswith(f"Décompte écrit : {target} (") and said.endswith("\u00a0Ko).\n")
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = flat(data)
    assert f"Décompte arrêté au 15/09/2025 — dossier {reference}" in text and "2 132,35 €" in text
    # The étude's letterhead (services.etude.letterhead), as the invoices print it, and how to reach it.
    assert "Étude Roux & Associés\n8 rue Lenepveu\n49100 Angers\n" in text
    assert "Maître Paul Roux · Tél. 02 41 00 00 00 · etude@roux.example · SIREN 123456789" in text
    assert [p.name for p in folder.iterdir()] == ["décompte.pdf"]  # no temporary file left
    # The text format to a file, the same way.
    assert main(["--db", db, "statement", reference, "--at", "15/09/2025", "--output", str(tmp_path / "d.txt")]) == 0
    assert "2\u00a0132,35\u00a0€" in (tmp_path / "d.txt").read_text(encoding="utf-8")
    # A folder that does not exist: refused in French, nothing written.
    missing = tmp_path / "absent" / "d.pdf"
    assert (
        main(["--db", db, "statement", reference, "--at", "15/09/2025", "--format", "pdf", "--output", str(missing)])
        == 2
    )
    assert "n'existe pas" in capsys.readouterr().err and not missing.parent.exists()
    close_database()


def test_statement_pdf_goes_to_a_pipe_never_to_a_terminal(ex4, capsysbinary, monkeypatch):
    import os
    import pty
    import sys

    reference, db = ex4
    assert main(["--db", db, "statement", reference, "--at", "15/09/2025", "--format", "pdf"]) == 0
    assert capsysbinary.readouterr().out.startswith(b"%PDF-")
    leader, follower = pty.openpty()
    try:
        with open(follower, "w", encoding="utf-8") as terminal:  # a real terminal: isatty() is true
            monkeypatch.setattr(sys, "stdout", terminal)
            assert main(["--db", db, "statement", reference, "--at", "15/09/2025", "--format", "pdf"]) == 2
            monkeypatch.undo()
            terminal.flush()
        os.set_blocking(leader, False)
        try:
            shown = os.read(leader, 65536)
        except OSError:  # nothing was written to the terminal (EAGAIN, or EIO once it is closed)
            shown = b""
        assert b"%PDF" not in shown
    finally:
        monkeypatch.undo()
        os.close(leader)
    assert "indiquez le fichier à écrire avec --output FICHIER" in capsysbinary.readouterr().err.decode()
    close_database()


def test_rates_add_then_the_statement_runs_to_today_marked(ex4, capsys):
    reference, db = ex4
    for category in ("particulier", "autres"):
        assert (
            main(
                [
                    "--db",
                    db,
                    "rates",
                    "add",
                    "--table",
                    "legal",
                    "--category",
                    category,
                    "--from",
                    "2026-07-01",
                    "--to",
                    "31/12/2026",
                    "--value",
                    "6,50",
                    "--source",
                    PROVISIONAL,
                ]
            )
            == 0
        )
    assert "Taux saisi par l'étude enregistré" in capsys.readouterr().out
    assert (
        main(
            [
                "--db",
                db,
                "rates",
                "add",
                "--table",
                "legal",
                "--category",
                "autres",
                "--from",
                "2026-01-01",
                "--to",
                "2026-06-30",
                "--value",
                "3",
                "--source",
                "x",
            ]
        )
        == 2
    )
    assert "ne peut pas être remplacé" in capsys.readouterr().err
    assert main(["--db", db, "rates", "list", "--etude"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and all("6,50" in line and PROVISIONAL in line for line in listed)
    assert main(["--db", db, "--today", "26/11/2026", "statement", reference, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["uses_etude_rates"] and data["interest_lines"][-1]["rate_from_etude"]
    close_database()


def test_statement_prints_the_day_basis_and_the_2224_warning(actor, db_path, capsys):
    from clerc_tui.services.dossiers import create_dossier
    from tests.conftest import make_input

    # 3.65 % over 365 on 10 000 € = 1.00 € a day from the judgment of 01/01/2020; arrêté 01/03/2026:
    # 2 251 days = 2 251,00 €, of which 01/01/2020 → 01/03/2021 (425,00 €) is older than five years.
    dossier = create_dossier(
        actor,
        make_input(
            title_kind="jugement",
            title_date=date(2020, 1, 1),
            interest_kind="contractual",
            contractual_rate=D("3.65"),
            contractual_day_basis="365",
            interest_from=date(2020, 1, 1),
            claims={"principal": D("10000")},
        ),
        TODAY,
    )
    close_database()
    db = str(db_path)
    assert main(["--db", db, "statement", dossier.reference, "--at", "01/03/2026"]) == 0
    text = capsys.readouterr().out
    assert "Prescription quinquennale (art. 2224 C. civ.)" in text and "425,00" in text
    assert "12\u00a0251,00\u00a0€" in text and "36\u00a0500" in text
    assert main(["--db", db, "statement", dossier.reference, "--at", "01/03/2026", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["terms"]["day_basis"] == "365" and "2224" in data["warnings"][0]
    assert data["totals"]["total_due"] == "12251.00"
    close_database()
