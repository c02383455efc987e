"""The import's child (services/import_worker.py) reads the file as the parent does, with a light
start: it imports neither services/imports (models, peewee) nor the interest rules."""

import hashlib
import subprocess
import sys
from datetime import date

import pytest

from clerc_tui.rules.statement import DEFAULT_REGIMES
from clerc_tui.services import import_worker, imports

HEADER = "Réf. dossier;Nom;Prénom;Code postal;Capital"
LINES = ["A-1;Lefèvre;Hélène;69002;1 234,56", "", 'A-2;"Dupont; fils";"Jean\r\nPaul";75011;12', "A-3;Œuvre;Zoé;;7,5"]


def test_the_claims_regimes_are_those_of_the_dossier_form():
    for name, kind in (("principal", "principal"), ("costs", "depens")):
        assert import_worker.AMOUNT_CLAIMS[name][0] == kind
        assert import_worker.AMOUNT_CLAIMS[name][2] == DEFAULT_REGIMES[kind]


@pytest.mark.parametrize(
    ("encoding", "separator", "newline"),
    [("cp1252", ";", "\r\n"), ("utf-8-sig", ",", "\n"), ("utf-16", "\t", "\r\n"), ("utf-8", ";", "\n")],
)
def test_the_child_reads_a_csv_as_the_parent_does(tmp_path, encoding, separator, newline):
    path = tmp_path / "créances.csv"
    text = newline.join(line.replace(";", separator) for line in [HEADER, *LINES]) + newline
    path.write_bytes(text.encode(encoding))
    sha256, rows = import_worker.file_rows(path)
    assert sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    expected = list(imports.open_table(path).rows())
    assert list(rows) == expected
    assert [line for line, _cells in expected] == [2, 4, 5]  # the spreadsheet's rows: a quoted line break is one


def test_the_child_reads_an_xlsx_as_the_parent_does(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["Référence", "Nom", "Montant", "Date"])
    book.active.append(["X1", "Martin", 1234.56, date(2026, 3, 1)])
    book.save(tmp_path / "f.xlsx")
    sha256, rows = import_worker.file_rows(tmp_path / "f.xlsx")
    assert sha256 == hashlib.sha256((tmp_path / "f.xlsx").read_bytes()).hexdigest()
    assert (
        list(rows)
        == list(imports.open_table(tmp_path / "f.xlsx").rows())
        == [(2, ["X1", "Martin", "1234.56", "01/03/2026"])]
    )


def test_the_child_starts_and_reads_a_csv_without_the_models_nor_the_interest_rules(tmp_path):
    """What the child imports to read a CSV (python -P -m clerc_tui.services.import_worker)."""
    path = tmp_path / "créances.csv"
    path.write_bytes(("\r\n".join([HEADER, *LINES]) + "\r\n").encode("cp1252"))
    heavy = ("clerc_tui.services.imports", "clerc_tui.models", "peewee", "clerc_tui.rules.statement")
    heavy += ("subprocess", "tempfile")  # the parent's, to start the child (~10 ms of each child's start)
    heavy += ("dataclasses", "inspect")  # ~40 million instructions of each child's start (import_worker.Context)
    code = (
        "import sys; from pathlib import Path; from clerc_tui.services import import_worker; "
        f"rows = list(import_worker.file_rows(Path({str(path)!r}))[1]); "
        f"print(len(rows), [m for m in {heavy!r} if m in sys.modules])"
    )
    found = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "3 []"
