"""A big import's two children (services/import_worker.py: one reads and checks the whole file,
the other cuts the batches and assembles them) give what one child gives: the same rows, the
same verdicts word for word (duplicates inside the file far apart, across the reading child's
chunks and the batches; references already present; debts already in the base), the same
batches, the same dossiers; and a child that dies or fails stops the import in French, whole
batches only, a new run completing it."""

import json
import os
import pickle
import random
import signal
import threading
from datetime import date, datetime
from pathlib import Path

import pytest

from clerc_tui.errors import ClercError
from clerc_tui.models import AuditEntry, Dossier, DossierSource
from clerc_tui.models.db import close_database, database
from clerc_tui.rules.import_rows import ImportRow, Refusal, RowChecker, duplicate_key, guess_mapping
from clerc_tui.services import import_worker, imports
from clerc_tui.services.context import identify, os_login
from clerc_tui.services.dossiers import create_dossier
from clerc_tui.services.integrity import check_integrity
from tests.conftest import TODAY, fresh_base, make_input

HEADER = "Réf. dossier;Civilité;Nom;Prénom;Raison sociale;Code postal;Ville;Téléphone;Capital;Frais;Date d'échéance"
NAMES = ("Martin", "Lefèvre", "Müller", "O'Brien", "Durand", "de la Tour")


def mutated(count: int, seed: int = 7) -> list[str]:
    """`count` rows of a creditor's file, a fifth of them refused one way or another: references
    and debts repeated from far above (thousands of rows: other chunks of the reading child,
    other batches), amounts and postcodes wrong, a repeated reference of a refused row."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    for i in range(count):
        last = f"{rng.choice(NAMES)}{i % 400}"
        row = [
            f"R-{i:05d}",
            rng.choice(("M.", "Mme", "")),
            last,
            rng.choice(("Jean", "Zoé", "")),
            "",
            rng.choice(("69002", "57000", "75011", "97400")),
            "Lyon",
            rng.choice(("06 12 34 56 78", "", "0612")),
            f"{100 + i % 900},{i % 100:02d}",
            rng.choice(("", "15,00")),
            rng.choice(("", f"{1 + i % 28:02d}/0{1 + i % 9}/2025")),
        ]
        far = i - 1_500 - rng.randrange(1_500)
        if far >= 0 and i % 7 == 0:  # the same reference as a row far above
            row[0] = rows[far][0]
        elif far >= 0 and i % 11 == 0:  # the same debt as a row far above, another reference
            row[2], row[3], row[8], row[10] = rows[far][2], rows[far][3], rows[far][8], rows[far][10]
        if i % 13 == 0:
            row[8] = "12,5O"
        if i % 17 == 0:
            row[5] = "96000"
        rows.append(row)
    return [HEADER, *(";".join(row) for row in rows)]


def write(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


# --- the children's code, in this process: every row's verdict, every batch -----------------


def _config(path: Path) -> dict:
    """What run_import gives the children for `path`, with references already present and debts
    already in the base taken from the file itself (every 19th and 23rd row that passes)."""
    table = imports.open_table(path)
    index = {h: i for i, h in enumerate(table.headers)}
    columns = [(key, index[header]) for key, header in guess_mapping(table.headers).items()]
    checker = RowChecker(columns, TODAY)
    passed = [row for line, cells in table.rows() if isinstance(row := checker.check(line, cells), ImportRow)]
    existing_keys = {duplicate_key(row): f"2026-9{n:05d}" for n, row in enumerate(passed[::23])}
    existing_names = {key[:2]: reference for key, reference in existing_keys.items()}
    context = import_worker.Context(1, "SCI Les Tilleuls", 1, "Claire Martin", path.name, TODAY, True)
    return {
        "path": str(path),
        "columns": columns,
        "context": context,
        "present": {row.reference for row in passed[::19]},
        "existing": (existing_keys, existing_names),
    }


def _verdicts(config: dict) -> list:
    """Each row's verdict as the form's rules give it, row by row (RowChecker.check: the
    oracle), settled against the base as the import does it."""
    checker = RowChecker(config["columns"], TODAY)
    keys, names = config["existing"]
    out: list = []
    for line, cells in imports.open_table(Path(config["path"])).rows():
        row = checker.check(line, cells)
        if isinstance(row, Refusal):
            out.append(row)
        elif row.reference in config["present"]:
            out.append(line)
        else:
            name, cents, on = duplicate_key(row)
            hit = keys.get((name, cents, on)) if on else names.get((name, cents))
            if hit is None:
                out.append(row)
            else:
                same = " et même date." if on else "."
                reason = f"Doublon du dossier {hit} : même débiteur, même principal{same}"
                out.append(Refusal(line, row.reference, reason))
    return out


def _batches(rows: import_worker._Rows, sizes: list[int]) -> list:
    """The batches taken with these sizes in turn until the file's end, each one asked twice (as
    when another clerc's write makes the parent ask it again), assembled on moving bases."""
    bases = dict.fromkeys(import_worker.ID_TABLES, 1) | {"number": 1}
    context = import_worker.Context(1, "SCI Les Tilleuls", 1, "Claire Martin", "f.csv", TODAY, True)
    out = []
    number = 1
    while True:
        taken = rows.take(number, sizes[number % len(sizes)])
        assert rows.take(number, 1) == taken  # asked again: the same rows, whatever the size
        tables, digests, constants = import_worker.assemble(taken[0], bases, context, datetime(2026, 12, 7, 8))
        batch = import_worker.Batch(number, bases, tables, digests, taken[4], taken[2], taken[3], taken[1], taken[5])
        out.append((taken, tables, digests, constants))
        if taken[5]:
            return out
        bases = batch.next_bases()
        number += 1


def test_the_rows_streamed_by_the_reading_child_make_the_batches_of_one_child(tmp_path):
    """In this process: the rows settled by one child (_Checked, chunks the size of what the
    batch lacks) and those the reading child streams (`stream`, chunks of 256 growing to 1,024)
    through a pipe to the assembling one (_Stream) make the same batches, with the same rows,
    refusals, present rows, lines and ids, batch after batch; and together, in the file's order,
    each row's verdict of the form's rules checked row by row."""
    path = write(tmp_path / "m.csv", mutated(9_000))
    config = _config(path)
    sizes = [200, 1, 37, 1_000, 5, 700, 450]
    one = _batches(import_worker._Rows(import_worker._Checked(config)), sizes)

    read_end, write_end = os.pipe()
    outbox = open(write_end, "wb")  # noqa: SIM115 — closed by the thread when the stream ends

    def reading() -> None:
        with outbox:
            import_worker.stream(config | {"chunk": 1_024}, outbox)

    reader = threading.Thread(target=reading)
    reader.start()
    with open(read_end, "rb") as inbox:
        two = _batches(import_worker._Rows(import_worker._Stream(inbox)), sizes)
    reader.join()
    assert len(one) == len(two) > 10
    assert one == two

    settled: list = []
    for (new, refused, _read, _present, _lines, _end), *_assembled in one:
        settled += new + refused
    expected = [v for v in _verdicts(config) if type(v) is not int]
    assert sorted(settled, key=lambda v: v.line) == expected
    reasons = {r.reason.split(" :")[0] for r in expected if isinstance(r, Refusal)}
    assert "Doublon dans le fichier" in reasons and any(r.startswith("Doublon du dossier 2026-9") for r in reasons)
    far = [r for r in expected if isinstance(r, Refusal) and "qu'à la ligne" in r.reason]
    assert max(r.line - int(r.reason.rsplit(" ", 1)[1].rstrip(".")) for r in far) > 2_000  # across chunks
    assert sum(present for (_n, _r, _read, present, _l, _e), *_ in one) == len(config["present"])


def test_a_chunk_packed_by_columns_comes_back_the_same_values_types_and_order():
    """import_worker.pack / unpack: texts joined by column and split again; a column whose texts
    hold the separator, or whose values are not all texts, sent as its values; refusals and
    present lines back at their place."""
    path_rows = [
        ImportRow(
            2,
            "A-1",
            "physique",
            "Madame",
            "Lefèvre",
            "Zoé",
            "",
            "",
            "",
            "69002",
            "Lyon",
            "",
            "",
            100,
            0,
            0,
            date(2025, 1, 2),
            "",
            "",
            None,
            "",
            "loyers",
            "LEFÈVRE Zoé",
            "lefevre zoe",
        ),
        ImportRow(
            5,
            "A-\x1f2",
            "morale",
            "",
            "",
            "",
            "SARL « X »",
            "732829320",
            "",
            "",
            "",
            "",
            "",
            250,
            3,
            4,
            None,
            "jugement",
            "TJ",
            date(2024, 1, 15),
            "24/1",
            "autre",
            "SARL « X »",
            "sarl x",
        ),
        ImportRow(
            6,
            "A-3",
            "physique",
            "",
            "O'Brien",
            "",
            "",
            "",
            "",
            "",
            "",
            "a@b.fr",
            "0612345678",
            2**40,
            0,
            0,
            None,
            "",
            "",
            None,
            "",
            "autre",
            "O'BRIEN",
            "o'brien",
        ),
    ]
    refusal = Refusal(3, "A-9", "Montant illisible : « 12,5O ».")
    for chunk in ([], [refusal, 4], [refusal, *path_rows[:1], 4, *path_rows[1:]], [*path_rows, refusal], path_rows[:1]):
        packed = import_worker.pack(chunk)
        back = import_worker.unpack(pickle.loads(pickle.dumps(packed)))
        assert back == chunk
        assert [[type(value) for value in row] for row in back if isinstance(row, tuple)] == [
            [type(value) for value in row] for row in chunk if isinstance(row, tuple)
        ]
        assert all(type(row) is type(original) for row, original in zip(back, chunk, strict=True))
    _count, columns, _others = import_worker.pack(path_rows)
    assert type(columns[2]) is str  # a column of texts travels as one text
    assert columns[1] == ("A-1", "A-\x1f2", "A-3")  # one holds the separator: its values as they are
    assert columns[13] == (100, 250, 2**40)
    assert columns[16] == (date(2025, 1, 2), None, None)  # dates and None: as they are


# --- real processes: an import with two children writes what one child writes --------------


def _second_base(tmp_path: Path, request) -> None:
    """A new base like the test's own (the étude's administrateur, the sample dossier), opened."""
    close_database()
    template = request.getfixturevalue("migrated_base")
    fresh_base(template, tmp_path / "second.db")
    from clerc_tui.services.users import add_user

    add_user(os_login(), "Claire Martin", "commissaire")
    create_dossier(identify(), make_input(), TODAY)


def _imported(actor, path: Path, children: int, before: Path) -> tuple:
    """Import `before` (one child), then `path` by batches of 150 with `children`: what it
    wrote, without its times."""
    creditor = imports.creditor_named("SCI Les Tilleuls")[0]

    def run(file: Path, **kwargs) -> imports.Report:
        table = imports.open_table(file)
        return imports.run_import(
            actor, table, creditor, imports.resolve_mapping(creditor, table.headers), TODAY, **kwargs
        )

    run(before, children=1)
    table = imports.open_table(path)
    dry = imports.analyse(table, creditor, imports.resolve_mapping(creditor, table.headers), TODAY)
    report = run(path, batch=150, children=children)
    assert check_integrity() == []
    assert dry.refused == report.refused and dry.valid == report.created  # the dry run says it beforehand
    times = {"created_at", "updated_at", "imported_at"}
    rows = {}
    for table_name, columns in import_worker.TABLES.items():
        kept = ", ".join(f'"{c}"' for c in columns if c not in times)
        rows[table_name] = database.execute_sql(f'SELECT {kept} FROM "{table_name}" ORDER BY "id"').fetchall()
    entries = []
    for entry in AuditEntry.select().where(AuditEntry.action == imports.BATCH_ACTION).order_by(AuditEntry.id):
        after = json.loads(entry.after)
        after["dossiers"] = [dossier_id for dossier_id, _digest in after["dossiers"]]  # digests: of the times too
        entries.append((entry.id, entry.user_login, entry.row_id, after))
    refused = [(r.line, r.reference, r.reason) for r in report.refused]
    return (report.rows, report.created, report.present, refused), rows, entries


def test_an_import_with_two_children_writes_what_one_child_writes(actor, sample_dossier, tmp_path, request):
    lines = mutated(3_000)
    path = write(tmp_path / "créances.csv", lines)
    # Already in the base: a ninth of the rows (« déjà présent »), and the debts of others under
    # other references (« Doublon du dossier … »).
    renamed = [line.replace("R-", "AV-", 1) for line in lines[5::23]]
    before = write(tmp_path / "avant.csv", [HEADER, *lines[1::9], *renamed])
    one = _imported(actor, path, 1, before)
    _second_base(tmp_path, request)
    two = _imported(identify(), path, 2, before)
    assert one[0] == two[0]
    (read, created, present, refused) = two[0]
    assert read == 3_000 and created > 1_200 and present > 150 and len(refused) > 500
    reasons = {reason.split(" :")[0] for _line, _ref, reason in refused}
    assert "Doublon dans le fichier" in reasons and any(r.startswith("Doublon du dossier 2026-") for r in reasons)
    assert any("qu'à la ligne" in reason and line > 1_600 for line, _ref, reason in refused)
    assert one[1] == two[1]
    assert one[2] == two[2]
    assert len([e for e in two[2] if e[3]["file"] == path.name]) == -(-created // 150)  # batches of 150


# --- a child that dies or fails ------------------------------------------------------------


def _kill_at_first_batch(monkeypatch, which: str) -> list:
    """Kill -9 the child `which` (« process »: the assembling one; « reader ») when the parent
    receives the first batch; the reading child streams chunks of 256 rows at most, so that it
    is then far from the file's end (at most ~10 chunks ahead of what the other one took)."""
    real_init, real_receive = import_worker.Worker.__init__, import_worker.Worker.receive
    killed: list = []

    def init(self, config, children=1):
        real_init(self, config | {"chunk": 256}, children)

    def receive(self):
        batch = real_receive(self)
        if not killed:
            stat = Path(f"/proc/{self.reader.pid}/stat").read_text().rsplit(")", 1)[1].split()
            assert int(stat[16]) == min(19, os.nice(0) + import_worker.READER_NICE)  # it yields to the others
            process = getattr(self, which)
            assert process.poll() is None  # still working: killed mid-import
            process.send_signal(signal.SIGKILL)
            killed.append(process)
        return batch

    monkeypatch.setattr(import_worker.Worker, "__init__", init)
    monkeypatch.setattr(import_worker.Worker, "receive", receive)
    return killed


@pytest.mark.parametrize("which", ["process", "reader"])
def test_a_child_killed_mid_import_leaves_whole_batches_and_a_new_run_completes_it(
    actor, sample_dossier, tmp_path, monkeypatch, which
):
    rows = [f"K-{i:04d};M.;Nom{i};Jean;;69002;Lyon;;{100 + i},00;;" for i in range(5_000)]
    path = write(tmp_path / "k.csv", [HEADER, *rows])
    killed = _kill_at_first_batch(monkeypatch, which)
    creditor = imports.creditor_named("SCI Les Tilleuls")[0]
    table = imports.open_table(path)
    mapping = imports.resolve_mapping(creditor, table.headers)
    said = r"La lecture du fichier a échoué en cours d.import \(processus de l.import arrêté par le signal SIGKILL\)"
    with pytest.raises(ClercError, match=said + r"\. .* relancez"):
        imports.run_import(actor, table, creditor, mapping, TODAY, batch=100, children=2)
    assert killed[0].returncode == -signal.SIGKILL
    written = DossierSource.select().count()
    assert written % 100 == 0 and written < 5_000  # whole batches only
    assert AuditEntry.select().where(AuditEntry.action == imports.BATCH_ACTION).count() == written // 100
    assert check_integrity() == []
    monkeypatch.undo()
    report = imports.run_import(actor, table, creditor, mapping, TODAY, children=2)
    assert (report.created, report.present) == (5_000 - written, written)
    assert Dossier.select().count() == 5_001
    again = imports.run_import(actor, table, creditor, mapping, TODAY, children=2)
    assert (again.created, again.present) == (0, 5_000)
    assert check_integrity() == []


@pytest.mark.parametrize("children", [1, 2])
def test_a_file_that_breaks_mid_way_stops_the_import_after_whole_batches(actor, sample_dossier, tmp_path, children):
    """The reading child fails at a row of the file (a cell longer than the CSV reader takes):
    the import says why in French; the batches before it are written whole."""
    rows = [f"F-{i:04d};M.;Nom{i};Jean;;69002;Lyon;;{100 + i},00;;" for i in range(3_000)]
    rows[2_500] = "F-X;M.;" + "x" * 200_000 + ";Jean;;69002;Lyon;;1,00;;"
    path = write(tmp_path / "f.csv", [HEADER, *rows])
    creditor = imports.creditor_named("SCI Les Tilleuls")[0]
    table = imports.open_table(path)
    mapping = imports.resolve_mapping(creditor, table.headers)
    said = r"^L'import s'est arrêté en cours de route\. Le fichier ne se lit pas à la ligne 2502 : une cellule de plus"
    with pytest.raises(ClercError, match=said) as stopped:
        imports.run_import(actor, table, creditor, mapping, TODAY, batch=100, children=children)
    # The file must be fixed first: « relancez l'import pour le terminer » would stop at the same line.
    assert "Corrigez-le, puis recommencez." in stopped.value.message
    assert "pour le terminer" not in stopped.value.message
    written = DossierSource.select().count()
    assert written % 100 == 0 and written < 2_500
    assert check_integrity() == []


def test_the_children_are_gone_when_the_import_ends(actor, sample_dossier, tmp_path, monkeypatch):
    workers: list = []
    real_init = import_worker.Worker.__init__

    def init(self, config, children=1):
        real_init(self, config, children)
        workers.append(self)

    monkeypatch.setattr(import_worker.Worker, "__init__", init)
    rows = [f"G-{i:04d};M.;Nom{i};Jean;;69002;Lyon;;{100 + i},00;;" for i in range(300)]
    path = write(tmp_path / "g.csv", [HEADER, *rows])
    creditor = imports.creditor_named("SCI Les Tilleuls")[0]
    table = imports.open_table(path)
    report = imports.run_import(
        actor, table, creditor, imports.resolve_mapping(creditor, table.headers), TODAY, children=2
    )
    assert report.created == 300
    (worker,) = workers
    assert worker.process.returncode == 0 and worker.reader.returncode == 0


def test_big_files_get_two_children_on_two_cores(tmp_path, monkeypatch):
    small = imports.open_table(write(tmp_path / "s.csv", [HEADER, *mutated(50)[1:]]))
    monkeypatch.setattr(imports, "TWO_CHILDREN_ROWS", 50)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    assert imports.children_for(small) == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert imports.children_for(small) == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    monkeypatch.setattr(imports, "TWO_CHILDREN_ROWS", 51)
    assert imports.children_for(small) == 1


def test_a_two_children_import_of_a_file_gone_says_why(actor, sample_dossier, tmp_path):
    """The reading child cannot open the file: its reason, not the assembling child's."""
    path = write(tmp_path / "gone.csv", [HEADER, *mutated(20)[1:]])
    table = imports.open_table(path)
    creditor = imports.creditor_named("SCI Les Tilleuls")[0]
    mapping = imports.resolve_mapping(creditor, table.headers)
    path.unlink()
    with pytest.raises(ClercError, match=r"échoué en cours d'import \(FileNotFoundError: .*gone\.csv'\)"):
        imports.run_import(actor, table, creditor, mapping, TODAY, children=2)
    assert DossierSource.select().count() == 0 and Dossier.select().count() == 1
