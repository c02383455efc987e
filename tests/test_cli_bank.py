"""`clerc import bank` and `clerc bank camt053` (cli/bank.py): the demo's day of
transfers written, matched, its sure lines recorded, the same file again changing nothing; a CFONB 120
statement; refusals in French (code 2)."""

import argparse

from clerc_tui.cli import bank as bank_cli
from clerc_tui.cli.options import Parser
from clerc_tui.models import LedgerEntry
from tests.conftest import TODAY, run_clerc


def _payments() -> int:
    return LedgerEntry.select().where(LedgerEntry.kind == "payment").count()


def test_a_demo_day_is_written_matched_and_recorded_once(demo_base, tmp_path):
    base = demo_base(dossiers=30, seed=3, today=TODAY)
    out = tmp_path / "jour.xml"
    common = ("--db", str(base), "--today", "26/11/2026")
    written = run_clerc(None, "bank", "camt053", "--date", "26/11/2026", "--count", "12", "--out", str(out), *common)
    assert written.returncode == 0, written.stderr
    assert written.stdout.startswith(f"{out} : 12 virement(s) reçu(s) le 26/11/2026, ")
    again = run_clerc(None, "bank", "camt053", "--out", str(out), *common)
    assert again.returncode == 2 and "existe déjà : clerc n'écrase pas un fichier" in again.stderr

    before = _payments()
    dry = run_clerc(None, "import", "bank", str(out), "--dry-run", *common)
    assert dry.returncode == 0, dry.stderr
    assert "jour.xml : CAMT.053 (ISO 20022) (camt.053.001.08), 1 relevé(s), 12 crédit(s), 0 débit(s) ignoré(s)." in (
        dry.stdout
    )
    assert "Essai (--dry-run) : rien n'a été enregistré." in dry.stdout
    counts = next(line for line in dry.stdout.splitlines() if line.startswith("Rapprochement : "))
    sure = int(counts.split()[2])
    assert sure >= 5 and _payments() == before

    recorded = run_clerc(None, "import", "bank", str(out), "--record-sure", *common)
    assert recorded.returncode == 0, recorded.stderr
    assert counts in recorded.stdout
    assert f"{sure} versement(s) sûr(s) enregistré(s)." in recorded.stdout
    assert _payments() == before + sure

    twice = run_clerc(None, "import", "bank", str(out), "--record-sure", *common)
    assert twice.returncode == 0
    assert "relevé déjà importé le " in twice.stdout and f"{sure} déjà enregistrés" in twice.stdout
    assert _payments() == before + sure


def record(code: str, amount: str, label: str = "", *, qualifier: str = "", detail: str = "") -> str:
    line = [" "] * 120
    for start, text in ((1, code), (3, "30004"), (12, "00099"), (17, "EUR"), (20, "2"), (22, "00012345678")):
        line[start - 1 : start - 1 + len(text)] = list(text)
    fields = (
        ((35, "261126"), (46, qualifier), (49, detail)) if code == "05" else ((35, "261126"), (49, label), (91, amount))
    )
    for start, text in fields:
        line[start - 1 : start - 1 + len(text)] = list(text)
    return "".join(line)


def test_a_cfonb_statement_and_refusals(actor, sample_dossier, db_path, tmp_path):
    statement = tmp_path / "releve.cfonb"
    statement.write_text(
        "\r\n".join(
            (
                record("01", "0000000000000{"),
                record("04", "0000000001500{", f"VIR {sample_dossier.reference}"),
                record("05", "", qualifier="NPY", detail="MME LEFEVRE HELENE"),
                record("07", "0000000001500{"),
            )
        ),
        encoding="latin-1",
    )
    common = ("--db", str(db_path), "--today", "26/11/2026")
    done = run_clerc(None, "import", "bank", str(statement), "--record-sure", *common)
    assert done.returncode == 0, done.stderr
    assert "CFONB 120 (CFONB 120), 1 relevé(s), 1 crédit(s)" in done.stdout
    assert "1 versement(s) sûr(s) enregistré(s)." in done.stdout
    (payment,) = LedgerEntry.select().where(LedgerEntry.kind == "payment")
    assert (payment.dossier_id, str(payment.amount), payment.payer) == (
        sample_dossier.id,
        "150.00",
        "MME LEFEVRE HELENE",
    )

    broken = tmp_path / "court.cfonb"
    broken.write_text(record("01", "0000000000000{")[:100] + "\n")
    refused = run_clerc(None, "import", "bank", str(broken), *common)
    assert refused.returncode == 2
    assert (
        refused.stderr == "clerc : Ligne 1 : 100 caractères au lieu de 120 (format CFONB 120) ; le fichier est "
        "peut-être tronqué ou modifié. Rien n'a été importé.\n"
    )
    missing = run_clerc(None, "import", "bank", str(tmp_path / "absent.xml"), *common)
    assert missing.returncode == 2 and "Fichier introuvable" in missing.stderr


def test_the_import_group_can_take_the_bank_command():
    """What the lead's `import` group does with it: `clerc import bank FILE` parses to the same run."""
    parser = Parser(prog="clerc")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    group = sub.add_parser("import").add_subparsers(dest="import_command", required=True, parser_class=Parser)
    bank_cli.add_bank_parser(group)
    args = parser.parse_args(["import", "bank", "releve.xml", "--dry-run"])
    assert isinstance(args, argparse.Namespace)
    assert (args.import_command, args.file, args.dry_run, args.record_sure) == ("bank", "releve.xml", True, False)
    assert args.bank_run is bank_cli.run_import_bank
