"""`clerc report creditor` (issue 16, item 4): the CSV on stdout or in a file, the French
refusals (unknown creditor, a period upside down, PDF until its renderer is there)."""

from clerc_tui.services import payments
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input, run_clerc


def test_report_creditor_csv_to_file_and_stdout(actor, db_path, tmp_path):
    dossier = create_dossier(actor, make_input(), TODAY)
    payments.record_payment(actor, dossier.id, on=TODAY, amount="75,10", mode="virement", today=TODAY)
    base = ("--db", str(db_path), "--today", "26/11/2026")
    args = ("report", "creditor", "sci les", "--from", "01/11/2026", "--to", "26/11/2026")
    done = run_clerc(None, *args, *base)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Dossier;Débiteur;Phase;") and lines[1].startswith(f"{dossier.reference};")
    assert ";75,10;" in lines[1] and lines[-1].startswith("Total;")
    out = tmp_path / "rapport.csv"
    done = run_clerc(None, *args, "--output", str(out), *base)
    assert done.returncode == 0 and "SCI Les Tilleuls" in done.stderr
    assert out.read_text(encoding="utf-8-sig") == done_text(lines)


def done_text(lines):
    return "\n".join(lines) + "\n"


def test_report_creditor_refusals_in_french(actor, db_path):
    create_dossier(actor, make_input(), TODAY)
    base = ("--db", str(db_path), "--today", "26/11/2026")
    unknown = run_clerc(None, "report", "creditor", "zzz", "--from", "01/11/2026", "--to", "26/11/2026", *base)
    assert unknown.returncode == 2 and "Aucun créancier dont le nom commence par « zzz »" in unknown.stderr
    upside = run_clerc(None, "report", "creditor", "sci", "--from", "26/11/2026", "--to", "01/11/2026", *base)
    assert upside.returncode == 2 and "précède" in upside.stderr
    pdf = run_clerc(
        None, "report", "creditor", "sci", "--from", "01/11/2026", "--to", "26/11/2026", "--format", "pdf", *base
    )
    assert pdf.returncode == 2 and "PDF" in pdf.stderr and "Traceback" not in pdf.stderr
