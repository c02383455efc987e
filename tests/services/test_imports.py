"""Creditor imports (services/imports.py, `clerc import dossiers`): real files, a real base."""

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.models import AuditEntry, Dossier, DossierSource, ImportMapping
from clerc_tui.models.db import database, is_sqlite
from clerc_tui.rules.text import spreadsheet_safe
from clerc_tui.services import imports
from clerc_tui.services.dossier_input import DebtorInput, DossierInput
from clerc_tui.services.dossiers import create_dossier, get_dossier
from clerc_tui.services.integrity import check_accounts, check_integrity
from tests import postgres
from tests.conftest import TODAY, run_clerc
from tests.test_postgresql import clerc_role  # noqa: F401 — the fixture: a clerc's PostgreSQL role

HEADER = (
    "Réf. dossier;Civilité;Nom;Prénom;Raison sociale;SIREN;Adresse;Code postal;Ville;Courriel;Téléphone;Capital;Frais"
)
GOOD = [
    "A-1;Mme;Lefèvre;Hélène;;;12 rue de la République;69002;Lyon;;06 12 34 56 78;2 000,00;",
    "A-2;;;;SARL Bidule;732829320;3 avenue Foch;57000;Metz;compta@bidule.fr;;1500.50;40,00",
    "A-3;M.;Durand;Paul;;;;;;;;99,99;",
]


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def creditor(name: str = "SCI Les Tilleuls") -> int:
    return imports.creditor_named(name)[0]


def do_import(actor, path: Path, **kwargs) -> imports.Report:
    table = imports.open_table(path)
    mapping = imports.resolve_mapping(creditor(), table.headers)
    return imports.run_import(actor, table, creditor(), mapping, TODAY, **kwargs)


def test_a_csv_becomes_dossiers_and_a_second_import_changes_nothing(actor, sample_dossier, tmp_path):
    path = write(tmp_path / "créances.csv", [HEADER, *GOOD], encoding="cp1252")
    report = do_import(actor, path)
    assert (report.created, report.present, report.refused) == (3, 0, [])
    assert report.summary == "3 créés, 0 déjà présent, 0 refusé (3 lignes lues)"
    count = Dossier.select().count()
    audit = AuditEntry.select().count()
    again = do_import(actor, path)
    assert again.summary == "0 créé, 3 déjà présents, 0 refusé (3 lignes lues)"
    assert (Dossier.select().count(), AuditEntry.select().count()) == (count, audit)
    company = get_dossier(DossierSource.get(DossierSource.creditor_reference == "A-2").dossier_id)
    assert company.dossier.reference == "2026-000003"
    assert company.dossier.zone == "alsace-moselle"  # Metz: the local holidays apply
    assert company.debtors[0].debtor.siren == "732829320"
    assert company.debtors[0].first_contact("email") == "compta@bidule.fr"
    assert [(c.kind, c.amount) for c in company.claims] == [
        ("principal", Decimal("1500.50")),
        ("depens", Decimal("40.00")),
    ]
    assert company.dossier.balance == Decimal("1540.50")
    # One audit entry for the batch: who, the file and its SHA-256, the lines, each dossier's digest.
    entry = AuditEntry.get(AuditEntry.action == imports.BATCH_ACTION)
    after = json.loads(entry.after)
    assert (after["file"], after["lines"], after["uid"]) == ("créances.csv", [2, 4], os.getuid())
    assert after["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [dossier_id for dossier_id, _digest in after["dossiers"]] == [company.dossier.id - 1 + i for i in range(3)]
    assert company.source == f"Importé de créances.csv, ligne 3 (audit n° {entry.id})"
    from rich.console import Console

    from clerc_tui.screens.dossier_view import timeline_table

    console = Console(width=100, record=True)
    console.print(timeline_table(company))  # the dossier's « Historique » tab
    assert f"Importé de créances.csv, ligne 3 (audit n° {entry.id})" in console.export_text()
    assert DossierSource.get(DossierSource.creditor_reference == "A-2").audit_id == entry.id
    assert check_integrity() == []
    assert check_accounts()[1] == []


def test_an_imported_dossier_is_the_dossier_the_form_would_have_made(actor, sample_dossier, tmp_path, db_path):
    row = "Z-9;Mme;Lefèvre;Hélène;;;12 rue de la République;69002;Lyon;helene@exemple.fr;0612345678;2000;40"
    assert do_import(actor, write(tmp_path / "f.csv", [HEADER, row])).created == 1
    debtor = DebtorInput(
        kind="physique",
        civility="Madame",
        last_name="Lefèvre",
        first_name="Hélène",
        street="12 rue de la République",
        postcode="69002",
        city="Lyon",
        phone="06 12 34 56 78",
        email="helene@exemple.fr",
    )
    claims = {"principal": Decimal("2000.00"), "depens": Decimal("40.00")}
    # As the form makes it: the creditor chosen, the clerc who types it assigned (its default).
    data = DossierInput(
        debtor=debtor, creditor_id=creditor(), nature="autre", claims=claims, assigned_to_id=actor.user_id
    )
    typed = get_dossier(create_dossier(actor, data, TODAY).id)
    imported = get_dossier(DossierSource.get(DossierSource.creditor_reference == "Z-9").dossier_id)

    def values(item, ignore=("id", "reference", "created_at", "updated_at", "debtor_id")):
        return {f.name: getattr(item, f.name) for f in fields(item) if f.name not in ignore}

    assert values(imported.dossier) == values(typed.dossier)
    assert values(imported.creditor) == values(typed.creditor)
    assert values(imported.debtors[0].debtor) == values(typed.debtors[0].debtor)
    assert [values(a) for a in imported.debtors[0].addresses] == [values(a) for a in typed.debtors[0].addresses]
    assert [values(c) for c in imported.debtors[0].contacts] == [values(c) for c in typed.debtors[0].contacts]
    assert [values(c) for c in imported.claims] == [values(c) for c in typed.claims]
    assert [(e.kind, e.text, e.occurred_on) for e in imported.events] == [
        (e.kind, e.text, e.occurred_on) for e in typed.events
    ]
    assert imported.deadlines == typed.deadlines == []
    check = run_clerc(None, "check", "--db", str(db_path))
    assert check.returncode == 0, check.stdout + check.stderr


def test_an_xlsx_is_read_with_its_dates_numbers_and_lost_leading_zeros(actor, sample_dossier, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Référence", "Nom", "Prénom", "Code postal", "Ville", "Montant", "Date", "SIREN"])
    sheet.append(["X1", "Martin", "Zoé", 1000, "Bourg-en-Bresse", 1234.56, date(2026, 3, 1), None])
    sheet.append(["X2", "Petit", "Luc", "75011", "Paris", 250, "15/04/2026", 123456789])
    sheet.append([None, None, None, None, None, None, None, None])
    sheet.append(["X3", "Roux", "Léa", "01000", "Bourg-en-Bresse", 99.5, date(2026, 3, 1), 732829320])
    book.save(tmp_path / "f.xlsx")
    table = imports.open_table(tmp_path / "f.xlsx")
    assert table.description == "XLSX (première feuille)"
    mapping = imports.resolve_mapping(creditor(), table.headers)
    report = imports.analyse(table, creditor(), mapping, TODAY)
    assert (report.rows, report.valid) == (3, 1)
    assert [(r.line, r.reason) for r in report.refused] == [
        (2, "Code postal : « 1000 » n'est pas un code postal : il faut 5 chiffres (exemple : 69002)."),
        (3, "SIREN 123 456 789 invalide : la clé de contrôle ne correspond pas (vérifiez une faute de frappe)."),
    ]
    assert imports.run_import(actor, imports.open_table(tmp_path / "f.xlsx"), creditor(), mapping, TODAY).created == 1
    view = get_dossier(DossierSource.get(DossierSource.creditor_reference == "X3").dossier_id)
    assert (view.dossier.interest_from, view.claims[0].amount) == (date(2026, 3, 1), Decimal("99.50"))
    assert view.debtors[0].debtor.siren == "732829320"


def test_broken_files_are_refused_in_french(actor, sample_dossier, tmp_path):
    with pytest.raises(InvalidInput, match=r"« .*absent\.csv » illisible : fichier introuvable\.$"):
        imports.open_table(tmp_path / "absent.csv")  # in French, not the OS's « No such file or directory »
    (tmp_path / "faux.xlsx").write_bytes(b"PK\x03\x04 pas un classeur")
    with pytest.raises(InvalidInput, match=r"Classeur « faux\.xlsx » illisible"):
        imports.open_table(tmp_path / "faux.xlsx")
    (tmp_path / "mauvais.csv").write_bytes(b"R\xe9f;Nom\x81\n")
    with pytest.raises(InvalidInput, match="Encodage non reconnu"):
        imports.open_table(tmp_path / "mauvais.csv")
    table = imports.open_table(write(tmp_path / "colonnes.csv", ["Nom;Ville", "Dupont;Paris"]))
    mapping = imports.resolve_mapping(creditor(), table.headers)
    with pytest.raises(InvalidInput, match="Référence du créancier : aucune colonne"):
        imports.analyse(table, creditor(), mapping, TODAY)


MIXED = [
    HEADER,
    *GOOD,
    "A-4;M.;Martin;Luc;;;;;;;;12,5O;",
    "A-5;;;;SARL X;123456789;;96000;;;;10;",
    "A-1;M.;Autre;Paul;;;;;;;;10;",
    "A-6;Mme;Lefèvre;Hélène;;;;;;;;2000;",
    "A-7;M.;Dupont;\x07Jean;;;;;;;;10;",
    "A-8;Mme;Lefèvre;Hélène;;;;;;;;1234,56;",
]


def test_refused_rows_are_listed_by_line_and_the_others_imported(actor, sample_dossier, tmp_path):
    report = do_import(actor, write(tmp_path / "f.csv", MIXED))
    assert report.created == 3
    assert [(r.line, r.reference) for r in report.refused] == [
        (5, "A-4"),
        (6, "A-5"),
        (7, "A-1"),
        (8, "A-6"),
        (9, "A-7"),
        (10, "A-8"),
    ]
    reasons = [r.reason for r in report.refused]
    assert "« 12,5O » n'est pas un montant" in reasons[0]
    assert "SIREN 123 456 789 invalide" in reasons[1] and "« 96000 » ne correspond à aucun département" in reasons[1]
    assert reasons[2] == "Doublon dans le fichier : même référence qu'à la ligne 2."
    assert reasons[3] == "Doublon dans le fichier : même débiteur, même principal et même date qu'à la ligne 2."
    assert reasons[4].startswith("Prénom : caractère")
    assert reasons[5] == "Doublon du dossier 2026-000001 : même débiteur, même principal."


def test_the_mapping_is_saved_audited_and_reused_with_corrections(actor, sample_dossier, tmp_path):
    path = write(tmp_path / "f.csv", ["Ref;Débiteur;Somme;Autre", "R1;Durand;10;x"])
    table = imports.open_table(path)
    guessed = imports.resolve_mapping(creditor(), table.headers)
    assert guessed.columns == {"reference": "Ref", "last_name": "Débiteur"}
    assert guessed.saved is None
    fixed = imports.resolve_mapping(creditor(), table.headers, imports.parse_mapping_text("principal=Somme"))
    assert fixed.origin == "devinée d'après les en-têtes, corrigée"
    assert imports.run_import(actor, table, creditor(), fixed, TODAY).created == 1
    assert json.loads(ImportMapping.get().mapping) == {
        "reference": "Ref",
        "last_name": "Débiteur",
        "principal": "Somme",
    }
    assert AuditEntry.select().where(AuditEntry.action == "import_mapping.create").count() == 1
    reused = imports.resolve_mapping(creditor(), table.headers)
    assert (reused.columns, reused.origin) == (fixed.columns, "enregistrée")
    changed = imports.resolve_mapping(creditor(), table.headers, {"city": "Autre"})
    assert imports.save_mapping(actor, creditor(), changed.columns) is True
    entry = AuditEntry.get(AuditEntry.action == "import_mapping.update")
    assert "city" not in json.loads(entry.before)["mapping"] and json.loads(entry.after)["mapping"]["city"] == "Autre"
    with pytest.raises(InvalidInput, match="champ=Colonne attendu"):
        imports.parse_mapping_text("montant=Somme")


def test_a_hostile_header_is_shown_inert_and_still_maps(actor, sample_dossier, tmp_path):
    path = write(tmp_path / "f.csv", ["Réf\x1b[2J;Nom;Capital", "R1;Durand;10"])
    table = imports.open_table(path)
    assert "\x1b" not in table.headers[0] and table.headers[1:] == ["Nom", "Capital"]
    mapping = imports.resolve_mapping(creditor(), table.headers, {"reference": table.headers[0]})
    assert imports.run_import(actor, table, creditor(), mapping, TODAY).created == 1


def test_hostile_cells_are_stored_as_text_and_exported_inert(actor, sample_dossier, tmp_path):
    formula = "=cmd|' /C calc'!A0"
    markup = "[bold red]Dupont[/] [link=file:///etc/passwd]x[/link]"
    path = write(tmp_path / "f.csv", [HEADER, f"H-1;;{markup};{formula};;;;;;;;10;"])
    assert do_import(actor, path).created == 1
    view = get_dossier(DossierSource.get().dossier_id)
    assert (view.debtors[0].debtor.last_name, view.debtors[0].debtor.first_name) == (markup, formula)
    assert spreadsheet_safe(view.debtors[0].debtor.first_name) == "'" + formula


def test_the_command_lists_refusals_and_says_so_by_its_exit_code(actor, sample_dossier, tmp_path, db_path):
    path = write(tmp_path / "f.csv", [HEADER, *GOOD, "A-4;M.;Martin;Luc;;;;;;;;12,5O;"])
    base = str(db_path)
    dry = run_clerc(None, "import", "dossiers", str(path), "--creditor", "sci les tilleuls", "--dry-run", "--db", base)
    assert dry.returncode == 1, dry.stderr
    assert "Capital" in dry.stdout and "ligne 5 (réf. A-4) : Principal : « 12,5O » n'est pas un montant" in dry.stdout
    assert "Essai, rien n'est enregistré : 3 à créer, 0 déjà présent(s), 1 refusé(s) (4 lignes lues)." in dry.stdout
    unconfirmed = run_clerc(None, "import", "dossiers", str(path), "--creditor", "SCI Les Tilleuls", "--db", base)
    assert unconfirmed.returncode == 2 and "--accept-mapping" in unconfirmed.stderr
    done = run_clerc(
        None, "import", "dossiers", str(path), "--creditor", "SCI Les Tilleuls", "--accept-mapping", "--db", base
    )
    assert done.returncode == 1 and "Import terminé : 3 créés, 0 déjà présent, 1 refusé (4 lignes lues)." in done.stdout
    clean = write(tmp_path / "g.csv", [HEADER, *GOOD])
    again = run_clerc(None, "import", "dossiers", str(clean), "--creditor", "SCI Les Tilleuls", "--db", base)
    assert again.returncode == 0 and "0 créé, 3 déjà présents, 0 refusé" in again.stdout
    unknown = run_clerc(None, "import", "dossiers", str(clean), "--creditor", "Personne", "--db", base)
    assert unknown.returncode == 2 and "Aucun créancier « Personne »" in unknown.stderr


KILLER = """
import os, signal, sys
from datetime import date
from pathlib import Path
from clerc_tui.services import imports
from clerc_tui.services.context import identify
from clerc_tui.services.database import open_database

open_database(sys.argv[1])
batches = []
original, copied = imports._insert, imports._copy

def dossiers(path):
    batches.append(path)
    if len(batches) == 3:  # inside the third batch's transaction, its search trigger dropped
        print(path, file=sys.stderr, flush=True)  # the way the rows came: tuples, or a draft (SQLite)
        print(*children, file=sys.stderr, flush=True)  # the import's children: they must end with it
        os.kill(os.getpid(), signal.SIGKILL)

def insert(table, columns, rows, constant=None):
    if table == "dossier":
        dossiers("tuples")
    original(table, columns, rows, constant)

def copy(table, columns, constant=None):
    if table == "dossier":
        dossiers("draft")
    copied(table, columns, constant)

imports._insert, imports._copy = insert, copy
started = imports.import_worker.Worker.__init__
children = []

def start(self, config, count=1):
    started(self, config, count)
    children.extend(p.pid for p in (self.process, self.reader) if p is not None)

imports.import_worker.Worker.__init__ = start
table = imports.open_table(Path(sys.argv[2]))
creditor = imports.creditor_named("SCI Les Tilleuls")[0]
mapping = imports.resolve_mapping(creditor, table.headers)
imports.run_import(identify(), table, creditor, mapping, date(2026, 11, 26), batch=40, children=int(sys.argv[3]))
"""


def _gone(pid: int) -> bool:
    """Whether process `pid` has ended (gone, or a zombie its new parent has not reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.parametrize("children", [1, 2])
def test_a_killed_import_leaves_whole_batches_and_running_it_again_completes_it(
    actor, sample_dossier, tmp_path, db_path, children
):
    rows = [f"K-{i:03d};M.;Nom{i};Jean;;;{i} rue Haute;69002;Lyon;;;{100 + i},00;" for i in range(150)]
    path = write(tmp_path / "k.csv", [HEADER, *rows])
    from clerc_tui.models.db import close_database

    close_database()
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(db_path), str(path), str(children)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"PYTHONPATH": str(Path.cwd())},
    )
    assert killed.returncode == -9, killed.stderr
    way, pids = killed.stderr.strip().splitlines()
    assert way == ("draft" if is_sqlite() else "tuples")  # killed while copying the batch
    assert len(pids.split()) == children
    import time

    deadline = time.monotonic() + 30
    while not all(_gone(int(pid)) for pid in pids.split()):  # the children see their pipes close: they stop
        assert time.monotonic() < deadline, "an import's child outlived it"
        time.sleep(0.05)
    assert DossierSource.select().count() == 80  # two whole batches of 40, nothing of the third
    assert Dossier.select().count() == 81
    if is_sqlite():
        trigger = database.execute_sql("SELECT 1 FROM sqlite_master WHERE name = 'dossier_fts_insert'").fetchone()
        assert trigger is not None  # dropped inside the killed transaction: rolled back with it
    report = do_import(actor, path, children=children)
    assert (report.created, report.present) == (70, 80)
    assert DossierSource.select().count() == 150 and Dossier.select().count() == 151
    refs = [s.creditor_reference for s in DossierSource.select()]
    assert len(set(refs)) == 150
    assert check_integrity() == []
    from clerc_tui.services.dossier_list import ListQuery, count

    assert count(ListQuery("nom149")) == 1  # found through the search index like a typed one


@pytest.mark.parametrize("children", [1, 2])
@pytest.mark.parametrize(("seconds", "sizes"), [(0.0, [100, 100, 10, 10]), (1e6, [100, 100, 150, 225, 37])])
def test_batches_are_sized_to_hold_the_write_lock_briefly(
    actor, sample_dossier, tmp_path, monkeypatch, seconds, sizes, children
):
    """Each batch's size follows from the duration of the last one written when it is asked for
    (one behind: the child prepares a batch while the one before is written; no clock asserted: a
    target of 0 s is always exceeded, one of 10⁶ s never reached)."""
    rows = [f"B-{i:03d};M.;Nom{i};Jean;;;;;;;;{100 + i},00;" for i in range(sum(sizes))]
    monkeypatch.setattr(imports, "BATCH", 100)
    monkeypatch.setattr(imports, "BATCH_MIN", 10)
    monkeypatch.setattr(imports, "BATCH_SECONDS", seconds)
    written: list[int] = []
    real = imports._Writer.write
    monkeypatch.setattr(imports._Writer, "write", lambda self, new: written.append(new.created) or real(self, new))
    assert do_import(actor, write(tmp_path / "b.csv", [HEADER, *rows]), children=children).created == sum(sizes)
    assert written == sizes


# --- one audit entry per batch, and the child that prepares the batches ------------------


def test_an_imported_dossier_altered_outside_clerc_is_reported_by_check(actor, sample_dossier, tmp_path):
    """The batch's audit entry holds the digest of each dossier's rows: a row changed by SQL (no
    audit) is seen; one changed through clerc (audited since) is not a break."""
    rows = [f"T-{i};M.;Nom{i};Jean;;;{i} rue Haute;69002;Lyon;;;{100 + i},00;" for i in range(6)]
    assert do_import(actor, write(tmp_path / "t.csv", [HEADER, *rows]), batch=3).created == 6
    assert AuditEntry.select().where(AuditEntry.action == imports.BATCH_ACTION).count() == 2
    assert check_integrity() == []
    source = {s.creditor_reference: s.dossier_id for s in DossierSource.select()}
    debtor_id = get_dossier(source["T-1"]).debtors[0].debtor.id
    database.execute_sql(
        'UPDATE "debtor" SET "last_name" = \'Autre\' WHERE "id" = ?'.replace("?", database.param), (debtor_id,)
    )
    database.execute_sql(
        'UPDATE "claim_item" SET "amount" = 1 WHERE "dossier_id" = ?'.replace("?", database.param), (source["T-4"],)
    )
    breaks = check_integrity()
    assert [(b.table, b.row_id) for b in breaks] == [("dossier", source["T-1"]), ("dossier", source["T-4"])]
    assert "dossier importé modifié hors de clerc" in str(breaks[0])
    # Changed through clerc afterwards: its audit entry says so, the import's digest no longer applies.
    view = get_dossier(source["T-4"])
    data = DossierInput(
        debtor=DebtorInput(kind="physique", civility="Monsieur", last_name="Nom4", first_name="Jean"),
        creditor_id=creditor(),
        nature="autre",
        claims={"principal": Decimal("50.00")},
        assigned_to_id=actor.user_id,
    )
    from clerc_tui.services.dossiers import update_dossier

    update_dossier(actor, view.dossier.id, view.dossier.version, data, TODAY)
    assert [(b.table, b.row_id) for b in check_integrity()] == [("dossier", source["T-1"])]


@pytest.mark.parametrize("children", [1, 2])
def test_a_killed_child_stops_the_import_in_french_and_a_new_run_completes_it(
    actor, sample_dossier, tmp_path, monkeypatch, children
):
    rows = [f"C-{i:03d};M.;Nom{i};Jean;;;{i} rue Haute;69002;Lyon;;;{100 + i},00;" for i in range(90)]
    path = write(tmp_path / "c.csv", [HEADER, *rows])
    real = imports._Writer.write
    workers = []
    real_init = imports.import_worker.Worker.__init__

    def remember(self, config, children=1):
        real_init(self, config, children)
        workers.append(self)

    def write_then_kill(self, batch):
        written = real(self, batch)
        workers[0].process.kill()  # the child dies while the parent writes: its next batch never comes
        return written

    monkeypatch.setattr(imports.import_worker.Worker, "__init__", remember)
    monkeypatch.setattr(imports._Writer, "write", write_then_kill)
    with pytest.raises(ClercError, match=r"La lecture du fichier a échoué en cours d.import .* relancez l.import"):
        do_import(actor, path, batch=30, children=children)
    assert DossierSource.select().count() in (30, 60)  # whole batches only: the one asked before the kill, or not
    monkeypatch.setattr(imports._Writer, "write", real)
    report = do_import(actor, path, batch=30, children=children)
    assert report.created + report.present == 90 and DossierSource.select().count() == 90
    assert check_integrity() == []


def test_a_child_that_fails_says_why_in_french_and_writes_nothing(actor, sample_dossier, tmp_path):
    path = write(tmp_path / "gone.csv", [HEADER, *GOOD])
    table = imports.open_table(path)
    mapping = imports.resolve_mapping(creditor(), table.headers)
    path.unlink()  # read by the parent for its header, gone when the child opens it
    with pytest.raises(ClercError, match="La lecture du fichier a échoué en cours d'import"):
        imports.run_import(actor, table, creditor(), mapping, TODAY)
    assert DossierSource.select().count() == 0 and Dossier.select().count() == 1


@pytest.mark.parametrize("children", [1, 2])
def test_a_batch_prepared_on_ids_another_clerc_took_is_prepared_again(
    actor, sample_dossier, tmp_path, monkeypatch, children
):
    """Ids are predicted for the child, checked under the write lock: another clerc's dossier
    created between two batches makes the batch come back on the new ids, nothing lost."""
    rows = [f"D-{i:03d};M.;Nom{i};Jean;;;{i} rue Haute;69002;Lyon;;;{100 + i},00;" for i in range(40)]
    real = imports._Writer.write
    calls: list[bool] = []
    drafts: list[bool] = []  # SQLite: each batch (the one prepared again too) came as a draft

    def another_clerc_first(self, batch):
        drafts.append(bool(batch.draft) and not batch.rows)
        if len(calls) == 1:
            create_dossier(
                actor,
                DossierInput(
                    debtor=DebtorInput(kind="physique", last_name="Tiers"),
                    creditor_id=creditor(),
                    claims={"principal": Decimal("1")},
                ),
                TODAY,
            )
        written = real(self, batch)
        calls.append(written)
        return written

    monkeypatch.setattr(imports._Writer, "write", another_clerc_first)
    assert do_import(actor, write(tmp_path / "d.csv", [HEADER, *rows]), batch=20, children=children).created == 40
    assert calls == [True, False, True]
    assert drafts == [is_sqlite()] * 3
    assert Dossier.select().count() == 42
    references = sorted(d.reference for d in Dossier.select())
    assert references == [f"2026-{n:06d}" for n in range(1, 43)]
    assert check_integrity() == []


@pytest.mark.skipif(not postgres.enabled(), reason="needs the PostgreSQL backend (CLERC_TEST_DATABASE_URL)")
def test_the_application_role_imports_on_postgresql(clerc_role, actor, sample_dossier, tmp_path):  # noqa: F811
    """As a clerc's role (member of clerc_app, m0018): the batch's ids drawn from the sequences,
    its audit entry appended; no privilege beyond the application's."""
    from clerc_tui.models.db import close_database, open_database

    path = write(tmp_path / "r.csv", [HEADER, *GOOD])
    close_database()
    open_database(clerc_role)
    assert do_import(actor, path, batch=2).created == 3
    assert do_import(actor, path).present == 3
    assert check_integrity() == []


OTHER_CLERC = """
import sys
from clerc_tui.models.db import write_transaction
from clerc_tui.services.audit import record
from clerc_tui.services.context import identify
from clerc_tui.services.database import open_database

open_database(sys.argv[1])
sys.stdin.readline()  # told to write: during the import's second batch
with write_transaction():
    record(identify(), "test.other_clerc", "dossier", 0)
"""


def _waits_for_the_write_lock(pid: int, db_path) -> bool:
    """Whether process `pid` has asked for the base's write lock: announced on BASE.writers
    (SQLite, read in /proc/locks), or waiting for the advisory lock of this base (PostgreSQL,
    pg_locks: the only other session on it is the import's, which holds that lock)."""
    from clerc_tui.models.db import WRITERS_SUFFIX

    if not is_sqlite():
        # This test's database only: the PostgreSQL pass runs three workers on one server, whose
        # other tests' waits (a lock another test's process holds) are not this clerc asking.
        waiting = database.execute_sql(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'advisory' "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return waiting.fetchone()[0] > 0
    st = os.stat(str(db_path) + WRITERS_SUFFIX)
    inode = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if len(fields) > 5 and fields[1] == "FLOCK" and fields[4] == str(pid) and fields[5] == inode:
            return True
    return False


@pytest.mark.parametrize("children", [1, 2])
def test_another_clerc_waiting_writes_right_after_the_batch_in_progress(
    actor, sample_dossier, tmp_path, db_path, monkeypatch, children
):
    """No fixed gap between batches: the next one follows at once unless a clerc waits for the
    lock (SQLite: he announced himself, models/db.BulkTurns; PostgreSQL: the advisory lock is a
    queue). A real second process asks for the lock in the middle of the second batch: its write
    comes right after that batch, before the third (without the turns it lands wherever SQLite's
    retries find the lock free, most often after the import)."""
    import time

    rows = [f"W-{i:03d};M.;Nom{i};Jean;;;;;;;;{100 + i},00;" for i in range(200)]
    path = write(tmp_path / "w.csv", [HEADER, *rows])
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_CLERC, str(db_path)],
        stdin=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(Path.cwd())},
    )
    real = imports._Writer._audit
    batches: list[int] = []

    def audit(self, batch):
        batches.append(batch.number)
        if len(batches) == 2:  # inside the second batch's transaction: the other clerc asks now
            other.stdin.write("go\n")
            other.stdin.flush()
            deadline = time.monotonic() + 30
            while not _waits_for_the_write_lock(other.pid, db_path):
                assert other.poll() is None and time.monotonic() < deadline, "the other clerc never asked"
                time.sleep(0.01)
        real(self, batch)

    monkeypatch.setattr(imports._Writer, "_audit", audit)
    try:
        assert do_import(actor, path, batch=20, children=children).created == 200
    finally:
        other.stdin.close()
        assert other.wait(timeout=60) == 0
    entries = [
        e.action
        for e in AuditEntry.select()
        .where(AuditEntry.action.in_(("test.other_clerc", imports.BATCH_ACTION)))
        .order_by(AuditEntry.id)
    ]
    assert entries.count(imports.BATCH_ACTION) == 10
    assert entries.index("test.other_clerc") == 2  # after the second batch, before the third


# --- SQLite: a batch's rows sent as a draft database ------------------------------------


def test_a_batch_copied_from_its_draft_stores_the_very_values_its_tuples_would(actor, sample_dossier, tmp_path):
    """On SQLite the child sends a batch's rows as an in-memory database (import_worker.draft_of)
    that the parent copies by INSERT … SELECT (imports._copy): the same batch written both ways
    stores the same values with the same types, column by column (SQLite's quote() and typeof()),
    constants as literals included (a file name with an apostrophe and guillemets)."""
    if not is_sqlite():
        pytest.skip("the draft is SQLite's path; PostgreSQL receives the tuples")
    from datetime import datetime

    from clerc_tui.rules import import_rows
    from clerc_tui.services import import_worker

    header = HEADER + ";Intérêts;Date d'échéance;Titre;Juridiction;Date du titre;N° RG;Nature"
    lines = [
        GOOD[0] + ";12,00;05/03/2025;Jugement;TJ de Lyon;15/01/2024;24/00012;Loyers",
        GOOD[1] + ";;;;;;;",
        GOOD[2] + ";;31/12/2024;;;;;Crédit",
    ]
    path = write(tmp_path / "l'export « créances ».csv", [header, *lines])
    table = imports.open_table(path)
    mapping = imports.resolve_mapping(creditor(), table.headers)
    index = {h: i for i, h in enumerate(table.headers)}
    columns = [(key, index[header]) for key, header in mapping.columns.items() if header in index]
    context = import_worker.Context(creditor(), "SCI Les Tilleuls", actor.user_id, actor.name, path.name, TODAY, True)
    checked = import_rows.RowChecker(columns, TODAY).check_rows(list(table.rows()))
    assert len(checked) == 3 and all(isinstance(row, import_rows.ImportRow) for row in checked)
    writer = imports._Writer(actor, context)
    bases = writer.bases()
    tables, _digests, constants = import_worker.assemble(checked, bases, context, datetime.now())
    assert constants["dossier_source"][4] == path.name  # a constant written as a literal
    draft = import_worker.draft_of(tables, constants)

    def stored(write_batch) -> dict[str, list[tuple]]:
        out = {}
        with database.atomic() as transaction:
            for name, values in tables.items():
                write_batch(name, values)
                shown = ", ".join(f'typeof("{c}"), quote("{c}")' for c in import_worker.TABLES[name])
                out[name] = database.execute_sql(
                    f'SELECT {shown} FROM "{name}" WHERE "id" >= ? ORDER BY "id"', (bases[name],)
                ).fetchall()
            transaction.rollback()
        return out

    by_tuples = stored(
        lambda name, values: imports._insert(name, import_worker.TABLES[name], values, constants.get(name))
    )
    writer._load(draft)
    try:
        by_draft = stored(lambda name, values: imports._copy(name, import_worker.TABLES[name], constants.get(name)))
    finally:
        writer.close()
    assert [len(by_tuples[name]) for name in tables] == [3, 3, 3, 2, 2, 5, 3, 3]
    assert by_draft == by_tuples
    assert database.execute_sql("SELECT count(*) FROM pragma_database_list WHERE name = 'draft'").fetchone() == (0,)
