"""The digest of an imported dossier's rows, by version (services/import_worker.digests): v1 (JSON,
every entry written before v2) and v2 (pickle protocol 4 without memo) both verified by `clerc check`."""

import hashlib
import json
import pickle
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerc_tui.models import AuditEntry, DossierSource
from clerc_tui.models.db import database, is_postgresql
from clerc_tui.rules import import_rows
from clerc_tui.services import import_worker, imports
from clerc_tui.services.integrity import check_integrity
from tests.conftest import TODAY
from tests.services.test_imports import HEADER, creditor, do_import, write

# One dossier's rows as SQLite gives them back (ISO text, 0/1) and as PostgreSQL does (dates,
# times, booleans): a text with quotes, a backslash, accents and a « ; ».
T = "2026-12-07 05:01:02.030405"
SQLITE = (
    (
        7,
        "2026-000007",
        3,
        "loyers",
        "2026-12-07",
        "jugement",
        "TJ Lyon",
        "RG 26/1",
        "2026-01-02",
        "legal",
        "civil",
        "2025-11-30",
        5,
        "frais,interets,principal",
        "alsace-moselle",
        T,
        "amiable",
        1,
        "",
        "LEFÈVRE Hélène",
        "SCI",
        123456,
        1,
        T,
    ),
    (9, "physique", "Madame", "Hélène", "Lefèvre", "", None, "", None, "", "", "", "LEFÈVRE Hélène", "lefevre helene"),
    (11, 7, 9, 0),
    [(4, 9, "12 rue de l'Œuvre", "57000", "Metz", "France", 1, "2026-12-07")],
    [(5, 9, "phone", "+33612345678", ""), (6, 9, "email", "h@exemple.fr", "")],
    [
        (21, 7, "principal", "Principal", 123456, "2025-11-30", "legal"),
        (22, 7, "depens", "Dépens", 4000, "2025-11-30", "none"),
    ],
    (31, 7, "2026-12-07", "ouverture", "Dossier ouvert par Jean « Clerc »", 1, T),
    (41, 7, 3, 'A-1;"x"\\', "créances.csv", 2, T, 12),
)
AT = datetime(2026, 12, 7, 5, 1, 2, 30405)
DAY = date(2026, 12, 7)
POSTGRESQL = (
    (
        7,
        "2026-000007",
        3,
        "loyers",
        DAY,
        "",
        "",
        "",
        None,
        "legal",
        "civil",
        None,
        5,
        "frais,interets,principal",
        "metropole",
        AT,
        "amiable",
        1,
        "",
        "X",
        "SCI",
        1,
        1,
        AT,
    ),
    (9, "morale", "", "", "", "SARL Bidule", None, "", "732829320", "", "", "", "SARL Bidule", "sarl bidule"),
    (11, 7, 9, 0),
    (),
    [],
    [(21, 7, "principal", "Principal", 1, DAY, "legal")],
    (31, 7, DAY, "ouverture", "Dossier ouvert par Jean", None, AT),
    (41, 7, 3, "A-2", "c.csv", 3, AT, 12),
)


def test_the_v1_digest_is_the_one_entries_were_written_with():
    """As the code before v2 computed them (`import_worker.digest` at 222596b): the v1 entries
    already written verify for ever."""
    assert import_worker.digest_v1(*SQLITE) == "b6bc976c085526e2d7e9f5b5e7e146d30d92ab1f0ce2bcde81d14079d8268124"
    assert import_worker.digest_v1(*POSTGRESQL) == "3b19f458241cc018a2c555770e85e255f577815b2d3c7bfe30d396b243dd29c9"


def test_the_v2_digest_of_known_rows_is_pinned():
    """The bytes of v2 are pickle's: a Python whose pickle wrote them otherwise fails here, before
    a base's v2 entries are checked by it (they would all look modified)."""
    digest = import_worker.DigestV2()
    assert digest(*SQLITE) == "99c64d7a79a989e265d3fc7f0745f61b5a4ee6bfa3f64f8d9ce31258e05e9c1e"
    assert digest(*POSTGRESQL) == "af04dc288be6cd85f0b2b02dfddc1415b1a7d7b81cdfd607f4bdadc46502ea29"
    assert digest(*SQLITE) != import_worker.digest_v1(*SQLITE)


def _copy(value):
    """The same values, each text a new object (as the base gives them back, where the child
    shares one text object between rows)."""
    if isinstance(value, (tuple, list)):
        return type(value)(_copy(v) for v in value)
    return "".join(list(value)) if isinstance(value, str) and len(value) > 1 else value


def test_the_v2_digest_depends_on_the_values_not_on_the_objects_holding_them():
    digest = import_worker.DigestV2()
    shared = "2026-12-07"
    rows = list(SQLITE)
    rows[6] = (31, 7, shared, "ouverture", "Dossier ouvert par Jean « Clerc »", 1, T)
    rows[3] = [(4, 9, "12 rue de l'Œuvre", "57000", "Metz", "France", 1, shared)]
    copied = _copy(rows)
    assert copied[6][2] is not shared
    assert digest(*rows) == digest(*copied) == digest(*SQLITE)
    # Groups as lists (the base) or tuples (the child): the same encoding.
    assert digest(*(tuple(r) if i in (3, 4, 5) else r for i, r in enumerate(rows))) == digest(*rows)


# --- injective: two different sets of rows never share an encoding ------------------------

VALUES = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.binary(max_size=6),
    st.dates(),
    st.datetimes(),
)
ROW = st.lists(VALUES, max_size=5).map(tuple)
ROWS = st.lists(ROW, max_size=3)
DOSSIER = st.lists(VALUES, min_size=import_worker.DOSSIER_KEPT, max_size=import_worker.DOSSIER_KEPT + 2).map(tuple)
SET = st.tuples(DOSSIER, ROW, ROW, ROWS, ROWS, ROWS, ROW, ROW)


def _typed(value):
    """A value with the type of every part: 1, True and 1.0 differ, as 0.0 and -0.0 do."""
    if isinstance(value, (tuple, list)):
        return ("seq", tuple(_typed(v) for v in value))
    return (type(value).__name__, repr(value))


def _kept(rows):
    dossier, *others = rows
    return (dossier[: import_worker.DOSSIER_KEPT], *others)


@given(SET)
def test_the_v2_encoding_gives_back_the_very_values(rows):
    """pickle.loads undoes it, types included: the encoding is injective (a left inverse)."""
    encoded = import_worker.DigestV2().encode(*rows)
    assert _typed(pickle.loads(encoded)) == _typed(_kept(rows))


@given(SET, SET)
def test_two_different_sets_of_rows_never_share_a_v2_encoding(one, other):
    digest = import_worker.DigestV2()
    if digest.encode(*one) == digest.encode(*other):
        assert _typed(_kept(one)) == _typed(_kept(other))


@pytest.mark.parametrize(
    "changed",
    [
        lambda r: (r[0], r[1], r[2], r[3], r[4], r[5], (*r[6][:3], "ouvertureD", r[6][4][1:], *r[6][5:]), r[7]),  # text
        lambda r: (r[0], (*r[1][:6], "None", *r[1][7:]), *r[2:]),  # None → « None »
        lambda r: (r[0], r[1], r[2], r[3], r[4], r[5], r[6], (*r[7][:5], "2", *r[7][6:])),  # 2 → « 2 »
        lambda r: (r[0], r[1], r[2], [(*r[3][0][:6], True, r[3][0][7])], *r[4:]),  # 1 → True
        lambda r: (r[0], r[1], r[2], r[3], r[4][:1], r[4][1:] + r[5], *r[6:]),  # a row moved to another group
        lambda r: (r[0], r[1], r[2], r[3], r[4], [r[5][0] + r[5][1]], *r[6:]),  # two rows joined
        lambda r: (r[0], (*r[1][:3], r[1][3] + r[1][4], "", *r[1][5:]), *r[2:]),  # a text moved to its neighbour
    ],
)
def test_a_value_shifted_retyped_or_moved_changes_the_v2_digest(changed):
    digest = import_worker.DigestV2()
    other = changed(SQLITE)
    assert _typed(other) != _typed(SQLITE)
    assert digest(*other) != digest(*SQLITE)


# --- clerc check: v1 entries as before, v2 by v2 ----------------------------------------

ROWS_CSV = [f"D-{i};M.;Nom{i};Jean;;;{i} rue Haute;69002;Lyon;;;{100 + i},00;" for i in range(4)]


def _import_v1(actor, path):
    """The batch as the code before v2 wrote it: its digests by v1, its entry without « digest »
    (the parent writes what the child prepared: assembled here, in this process, by v1)."""
    table = imports.open_table(path)
    mapping = imports.resolve_mapping(creditor(), table.headers)
    index = {h: i for i, h in enumerate(table.headers)}
    columns = [(key, index[header]) for key, header in mapping.columns.items() if header in index]
    context = import_worker.Context(
        creditor(), "SCI Les Tilleuls", actor.user_id, actor.name, path.name, TODAY, not is_postgresql()
    )
    rows = import_rows.RowChecker(columns, TODAY).check_rows(list(table.rows()))
    writer = imports._Writer(actor, context)
    bases = writer.bases()
    real = import_worker._DIGEST
    import_worker._DIGEST = import_worker.digest_v1
    try:
        tables, digests, constants = import_worker.assemble(rows, bases, context, datetime.now())
    finally:
        import_worker._DIGEST = real
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    batch = import_worker.Batch(1, bases, tables, digests, (2, 5), 4, 0, [], True, sha, constants, 1)
    assert writer.write(batch)


def _tamper(reference):
    dossier_id = DossierSource.get(DossierSource.creditor_reference == reference).dossier_id
    database.execute_sql(
        'UPDATE "claim_item" SET "amount" = "amount" + 1 WHERE "dossier_id" = ?'.replace("?", database.param),
        (dossier_id,),
    )
    return dossier_id


def test_check_verifies_v1_entries_as_before_and_v2_ones_by_v2(actor, sample_dossier, tmp_path):
    _import_v1(actor, write(tmp_path / "v1.csv", [HEADER, *ROWS_CSV[:2]]))
    assert do_import(actor, write(tmp_path / "v2.csv", [HEADER, *ROWS_CSV]), batch=2).created == 2
    entries = [json.loads(e.after) for e in AuditEntry.select().where(AuditEntry.action == imports.BATCH_ACTION)]
    assert ["digest" in e for e in entries] == [False, True]  # v1: the entry as the code before v2 wrote it
    assert entries[1]["digest"] == 2
    v1_digest = entries[0]["dossiers"][0][1]
    assert v1_digest != entries[1]["dossiers"][0][1]
    assert check_integrity() == []
    # Tampering either is seen.
    v1, v2 = _tamper("D-0"), _tamper("D-3")
    breaks = check_integrity()
    assert [(b.table, b.row_id) for b in breaks] == [("dossier", v1), ("dossier", v2)]
    assert all("dossier importé modifié hors de clerc" in str(b) for b in breaks)


def test_an_entry_of_an_unknown_digest_version_is_said_not_verifiable(actor, sample_dossier, tmp_path, monkeypatch):
    monkeypatch.setattr(import_worker, "digests", lambda: {1: import_worker.digest_v1})  # a clerc before v2
    monkeypatch.setattr(import_worker, "KNOWN_DIGEST_VERSIONS", (1,))
    assert do_import(actor, write(tmp_path / "v2.csv", [HEADER, *ROWS_CSV[:1]])).created == 1
    (only,) = check_integrity()
    assert "dossier importé non vérifiable : son empreinte est de version 2, que ce clerc ne connaît pas" in str(only)


def test_a_python_whose_pickle_changed_says_v2_entries_cannot_be_checked_not_that_they_were_modified(
    actor, sample_dossier, tmp_path, monkeypatch
):
    """An étude's server upgraded to a Python that pickles otherwise (never run through this suite):
    the sample no longer gives its pinned digest, so `clerc check` does not call every v2 entry
    modified; and this Python's imports write v1."""
    assert import_worker.v2_reproducible() and import_worker.DIGEST_VERSION == 2
    assert do_import(actor, write(tmp_path / "v2.csv", [HEADER, *ROWS_CSV[:1]])).created == 1
    monkeypatch.setattr(import_worker, "_V2_SAMPLE_DIGEST", "0" * 64)
    assert sorted(import_worker.digests()) == [1]
    (only,) = check_integrity()
    assert "non vérifiable : son empreinte (version 2) ne peut être recalculée avec ce Python" in str(only)
    assert "modifié" not in str(only)
