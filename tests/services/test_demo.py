"""The demo étude: deterministic, realistic, complete, fast to load, searchable."""

import re
import shutil
import sqlite3
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from clerc_tui.cli import main
from clerc_tui.demo import build_demo
from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.models.db import close_database, open_database, write_transaction
from clerc_tui.rules.identifiers import (
    validate_email,
    validate_iban,
    validate_phone,
    validate_postcode,
    validate_siren,
    validate_siret,
)
from clerc_tui.rules.names import debtors_label, fold, person_name
from clerc_tui.services import context
from clerc_tui.services.context import os_login
from tests.conftest import run_clerc

TODAY = date(2026, 3, 15)
N = 600

# The 600-dossier base is built once per worker that runs these tests: keep them on one.
pytestmark = pytest.mark.xdist_group("demo")


# Session scope, not module: xdist may interleave other modules' tests with these on one worker,
# and a module fixture is then torn down and rebuilt (8 s each time). The tests only read it.
@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    summary = build_demo(str(path), dossiers=N, seed=1, today=TODAY)
    return path, summary


@pytest.fixture
def con(demo_db):
    connection = sqlite3.connect(demo_db[0])
    yield connection
    connection.close()


def _column(con, sql, *params):
    return [row[0] for row in con.execute(sql, params)]


def _fingerprint(path) -> list[tuple]:
    with sqlite3.connect(path) as c:
        return c.execute(
            "SELECT reference, debtor_name, creditor_name, nature, phase, balance, opened_on FROM dossier ORDER BY id"
        ).fetchall()


def test_summary_is_french_and_counts_the_dossiers(demo_db):
    _path, summary = demo_db
    assert "600 dossiers" in summary
    assert "créée" in summary


def test_same_seed_gives_the_same_etude_and_another_seed_differs(tmp_path):
    a, b, c = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    build_demo(str(a), dossiers=150, seed=7, today=TODAY)
    build_demo(str(b), dossiers=150, seed=7, today=TODAY)
    build_demo(str(c), dossiers=150, seed=8, today=TODAY)
    assert _fingerprint(a) == _fingerprint(b)
    assert _fingerprint(a) != _fingerprint(c)
    with sqlite3.connect(a) as ca, sqlite3.connect(b) as cb:
        for table in ("debtor", "creditor", "deadline", "deadline_text", "timeline_event", "claim_item", "user"):
            assert (
                ca.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
                == cb.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
            ), table


def test_every_phase_nature_activity_and_interest_kind_is_present(con):
    assert set(_column(con, "SELECT DISTINCT phase FROM dossier")) == {"amiable", "judiciaire", "execution", "clos"}
    assert set(_column(con, "SELECT DISTINCT nature FROM dossier")) == {
        "loyers",
        "pension_alimentaire",
        "charges_sociales",
        "credit",
        "commercial",
        "autre",
    }
    assert set(_column(con, "SELECT DISTINCT activity FROM creditor")) == {
        "bailleur",
        "banque",
        "organisme_social",
        "particulier",
        "commercant",
    }
    assert set(_column(con, "SELECT DISTINCT interest_kind FROM dossier")) == {
        "legal",
        "contractual",
        "commercial",
        "none",
    }
    # Every phase × nature, even in a small demo.
    assert con.execute("SELECT COUNT(*) FROM (SELECT DISTINCT phase, nature FROM dossier)").fetchone()[0] == 24


def test_creditors_are_of_every_kind_with_valid_identifiers(con):
    rows = con.execute(
        "SELECT kind, is_individual, activity, siren, siret, iban, phone, email, postcode, "
        "display_name, search_name FROM creditor"
    ).fetchall()
    assert len({r[9] for r in rows}) == len(rows)  # display names are distinct
    for kind, individual, activity, siren, siret, iban, phone, email, postcode, display, search in rows:
        assert validate_iban(iban) == iban
        assert validate_phone(phone) == phone
        assert validate_email(email) == email
        assert validate_postcode(postcode) == postcode
        assert search == fold(display)
        if kind == "morale":
            assert not individual
            assert validate_siren(siren) == siren
            assert validate_siret(siret) == siret and siret.startswith(siren)
        else:
            assert individual and siren == "" and siret == ""
        if activity == "particulier":
            assert kind == "physique" and individual
    kinds = set(_column(con, "SELECT DISTINCT kind || '/' || activity FROM creditor"))
    assert {
        "morale/bailleur",
        "physique/bailleur",
        "morale/banque",
        "morale/organisme_social",
        "physique/particulier",
        "morale/commercant",
    } <= kinds


def test_debtors_have_french_accented_names_addresses_and_contacts(con):
    names = " ".join(_column(con, "SELECT display_name FROM debtor"))
    assert re.search(r"[ÉÈÊËÀÂÎÏÔÖÙÛÜÇéèêëàâîïôöùûüç]", names)
    assert set(_column(con, "SELECT DISTINCT civility FROM debtor WHERE kind = 'physique'")) == {"Madame", "Monsieur"}
    assert _column(con, "SELECT COUNT(*) FROM debtor WHERE kind = 'morale'")[0] > 0
    for siren in _column(con, "SELECT siren FROM debtor WHERE kind = 'morale'"):
        assert validate_siren(siren) == siren
    # Exactly one current address each; some have a former one.
    per_debtor = con.execute(
        "SELECT debtor_id, SUM(is_current), COUNT(*) FROM debtor_address GROUP BY debtor_id"
    ).fetchall()
    assert len(per_debtor) == con.execute("SELECT COUNT(*) FROM debtor").fetchone()[0]
    assert all(current == 1 for _d, current, _n in per_debtor)
    assert any(n == 2 for _d, _c, n in per_debtor)
    for postcode in _column(con, "SELECT DISTINCT postcode FROM debtor_address"):
        assert validate_postcode(postcode) == postcode
    for kind, value in con.execute("SELECT kind, value FROM debtor_contact"):
        assert (validate_phone(value) if kind == "phone" else validate_email(value)) == value
    for iban in _column(con, "SELECT iban FROM debtor_bank_account"):
        assert validate_iban(iban) == iban
    for table in ("debtor_asset", "debtor_dependant", "debtor_bank_account"):
        assert con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] > 0, table
    assert con.execute("SELECT COUNT(*) FROM debtor WHERE employer_name != ''").fetchone()[0] > 0


def test_references_are_unique_well_formed_and_numbered_per_year(con):
    rows = con.execute("SELECT reference, opened_on FROM dossier ORDER BY id").fetchall()
    refs = [r for r, _o in rows]
    assert len(set(refs)) == len(refs) == N
    by_year: dict[int, list[int]] = {}
    for reference, opened_on in rows:
        assert re.fullmatch(r"\d{4}-\d{6}", reference)
        year, number = reference.split("-")
        assert year == opened_on[:4]
        by_year.setdefault(int(year), []).append(int(number))
    for numbers in by_year.values():
        assert numbers == list(range(1, len(numbers) + 1))
    sequences = dict(con.execute("SELECT year, last FROM sequence WHERE name = 'dossier'").fetchall())
    assert sequences == {year: len(numbers) for year, numbers in by_year.items()}


def test_a_new_dossier_continues_the_numbering(demo_db, con):
    from clerc_tui.services.dossiers import next_reference

    last = con.execute("SELECT last FROM sequence WHERE name = 'dossier' AND year = ?", (TODAY.year,)).fetchone()[0]
    assert last > 0
    open_database(str(demo_db[0]))
    try:
        with write_transaction() as txn:
            assert next_reference(TODAY.year) == f"{TODAY.year}-{last + 1:06d}"
            txn.rollback()
    finally:
        close_database()


def test_users_include_every_role_and_the_current_login(con):
    users = con.execute('SELECT login, role, active FROM "user"').fetchall()
    roles = [role for _l, role, _a in users]
    assert roles.count("clerc") >= 3  # the three clercs of the staff
    assert {"commissaire", "principal_clerc", "comptable"} <= set(roles)
    # The visitor may try everything (validate, serve, reverse, run reversements): commissaire.
    assert (os_login(), "commissaire", 1) in users


def test_a_login_that_is_already_a_demo_user_is_not_added_twice(tmp_path, monkeypatch):
    monkeypatch.setattr(context, "os_login", lambda: "kbenali")
    path = tmp_path / "d.db"
    summary = build_demo(str(path), dossiers=30, seed=1, today=TODAY)
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT COUNT(*) FROM user WHERE login = 'kbenali'").fetchone()[0] == 1
    assert "kbenali" in summary


def test_dossier_columns_are_coherent(con):
    assert set(_column(con, "SELECT typeof(balance) FROM dossier")) == {"integer"}
    assert set(_column(con, "SELECT typeof(amount) FROM claim_item")) == {"integer"}
    assert set(_column(con, "SELECT typeof(estimated_value) FROM debtor_asset")) == {"integer"}
    # Closed dossiers: balance = claims + frais − payments, entries cancelled by a reversal
    # left out (the services' fallback without interest; see services/balances.py).
    mismatched = con.execute(
        "SELECT COUNT(*) FROM dossier d WHERE phase = 'clos' AND balance != "
        "(SELECT SUM(amount) FROM claim_item c WHERE c.dossier_id = d.id) + COALESCE((SELECT SUM(CASE l.kind "
        "WHEN 'payment' THEN -l.amount ELSE l.amount END) FROM ledger_entry l WHERE l.dossier_id = d.id "
        "AND l.kind != 'reversal' AND l.id NOT IN (SELECT reverses_id FROM ledger_entry "
        "WHERE reverses_id IS NOT NULL)), 0)"
    ).fetchone()[0]
    assert mismatched == 0
    assert con.execute("SELECT COUNT(*) FROM dossier WHERE balance < 0").fetchone()[0] == 0
    assert set(_column(con, "SELECT DISTINCT kind FROM claim_item")) >= {
        "principal",
        "depens",
        "article_700",
        "clause_penale",
    }
    assert (
        con.execute(
            "SELECT COUNT(*) FROM dossier d WHERE NOT EXISTS (SELECT 1 FROM claim_item c "
            "WHERE c.dossier_id = d.id AND c.kind = 'principal')"
        ).fetchone()[0]
        == 0
    )
    assert set(_column(con, "SELECT version FROM dossier")) == {1}
    # creditor_name is the creditor's display name.
    assert (
        con.execute(
            "SELECT COUNT(*) FROM dossier d JOIN creditor c ON c.id = d.creditor_id "
            "WHERE d.creditor_name != c.display_name"
        ).fetchone()[0]
        == 0
    )
    rates = _column(con, "SELECT contractual_rate FROM dossier WHERE interest_kind = 'contractual'")
    assert rates and all(Decimal(rate) > 0 for rate in rates)
    assert (
        con.execute(
            "SELECT COUNT(*) FROM dossier WHERE interest_kind != 'contractual' AND contractual_rate IS NOT NULL"
        ).fetchone()[0]
        == 0
    )


def test_open_dossiers_show_their_balance_at_today_with_interest(demo_db):
    from clerc_tui.models import Dossier
    from clerc_tui.models.db import close_database, open_database
    from clerc_tui.services.balances import balance_at

    open_database(str(demo_db[0]))
    try:
        open_ones = list(Dossier.select().where(Dossier.phase != "clos").order_by(Dossier.id).limit(40))
        assert open_ones and all(d.balance == balance_at(d.id, TODAY)[0] for d in open_ones)
        assert any(balance_at(d.id, TODAY)[1] for d in open_ones)  # interest included where computable
    finally:
        close_database()


def test_a_closed_dossier_says_why_it_was_closed_with_its_balance_still_due(con):
    """The demo pays in part only: a closed dossier keeps a balance, so its closing says why it
    was closed without being paid (never « paiement intégral » or an erased debt)."""
    closings = _column(
        con,
        "SELECT e.text FROM timeline_event e JOIN dossier d ON d.id = e.dossier_id "
        "WHERE d.phase = 'clos' AND e.kind = 'cloture' AND d.balance > 0",
    )
    assert closings and len(set(closings)) >= 3
    for text in closings:
        assert "intégral" not in text and "soldé" not in text and "effacement" not in text, text


def test_debtor_name_lists_the_co_obliges_in_position_order(con):
    debtors = {
        row[0]: row[1:]
        for row in con.execute("SELECT id, kind, civility, first_name, last_name, company_name FROM debtor")
    }
    links: dict[int, list[int]] = {}
    for dossier_id, debtor_id, position in con.execute(
        "SELECT dossier_id, debtor_id, position FROM dossier_debtor ORDER BY dossier_id, position"
    ):
        assert position == len(links.setdefault(dossier_id, []))
        links[dossier_id].append(debtor_id)
    for dossier_id, debtor_name in con.execute("SELECT id, debtor_name FROM dossier"):
        names = [
            person_name(kind=k, civility=c, first_name=f, last_name=last, company_name=co)
            for k, c, f, last, co in (debtors[d] for d in links[dossier_id])
        ]
        assert debtor_name == debtors_label(names)
    shared = sum(1 for ids in links.values() if len(ids) > 1) / len(links)
    assert 0.07 < shared < 0.25  # about 15 % with co-obligés


def test_titles_are_filled_and_dated_coherently(con):
    rows = con.execute(
        "SELECT phase, title_kind, title_court, title_date, title_signified_on, "
        "title_enforceable_on, opened_on FROM dossier WHERE phase IN ('judiciaire', 'execution')"
    ).fetchall()
    assert rows
    kinds = set()
    for _phase, kind, court, title_date, signified, enforceable, opened in rows:
        kinds.add(kind)
        assert kind and title_date and signified and enforceable
        assert opened < title_date < signified < enforceable <= TODAY.isoformat()
        assert court or kind == "titre_pc"
    assert {"jugement", "ordonnance_ip", "contrainte"} <= kinds
    assert con.execute("SELECT COUNT(*) FROM dossier WHERE phase = 'amiable' AND title_kind != ''").fetchone()[0] == 0
    assert any(c.startswith("Tribunal judiciaire de ") for c in _column(con, "SELECT title_court FROM dossier"))
    closed = con.execute("SELECT opened_on, closed_on FROM dossier WHERE phase = 'clos'").fetchall()
    assert all(closed_on and opened_on < closed_on <= TODAY.isoformat() for opened_on, closed_on in closed)
    assert (
        con.execute("SELECT COUNT(*) FROM dossier WHERE phase != 'clos' AND closed_on IS NOT NULL").fetchone()[0] == 0
    )


def test_deadlines_walk_real_procedure_steps_mostly_done_some_overdue_some_today(con):
    from clerc_tui.rules.procedures import procedure, rule

    today = TODAY.isoformat()
    rows = con.execute(
        "SELECT due_date, done, done_on, procedure_id, step_id, rule_id, kind, t.basis, t.label, "
        "done_reason, unverified, t.note FROM deadline JOIN deadline_text t ON t.id = deadline.text_id"
    ).fetchall()
    assert len(rows) == con.execute("SELECT COUNT(*) FROM deadline").fetchone()[0]  # each has its text
    assert len(rows) / N > 6  # about 10 per dossier at 100,000 dossiers (1,000,000 deadlines)
    open_rows = [r for r in rows if not r[1]]
    assert 0.02 < len(open_rows) / len(rows) < 0.15  # most are done, in the past
    overdue = [r for r in open_rows if r[0] < today]
    assert 0.03 < len(overdue) / len(open_rows) < 0.25
    # TODAY is a Sunday, when no last day falls (CPC 642): the next working day has some.
    assert any(r[0] == (TODAY + timedelta(days=1)).isoformat() for r in open_rows)
    assert all(done_on <= today for _due, done, done_on, *_ in rows if done)
    # Every deadline is one the procedures data defines, with its basis, for the step that creates it.
    for _due, done, _on, procedure_id, step_id, rule_id, kind, basis, label, reason, unverified, note in rows:
        data = rule(rule_id)
        assert (data.procedure_id, data.step_id, data.kind, data.basis, data.label) == (
            procedure_id,
            step_id,
            kind,
            basis,
            label,
        )
        assert bool(unverified) == bool(data.unverified)
        assert not done or reason.startswith("acte accompli : ") or reason == "dossier clos"
        assert done or not data.unverified or note.startswith("Point non vérifié")
    done_by_steps = [r for r in rows if r[1] and r[9] != "dossier clos"]
    for *_x, procedure_id, _s, rule_id, _k, _b, _l, reason, _u, _n in done_by_steps[:500]:
        closing = [s for s in procedure(procedure_id).steps if rule_id in s.closes]
        assert any(reason.startswith(f"acte accompli : {s.act} le ") for s in closing), (rule_id, reason)
    assert {r[3] for r in rows} >= {
        "saisie_attribution",
        "saisie_vente",
        "injonction_de_payer",
        "saisie_remunerations",
        "signification_jugement",
        "petites_creances",
    }
    assert {r[6] for r in rows} == {"last_day", "earliest_day", "expiry"}
    assert "CPCE R211-3" in {r[7] for r in rows}
    # Closed dossiers keep their history, all done; nothing is unassigned; a few were moved with a reason.
    assert (
        con.execute(
            "SELECT COUNT(*) FROM deadline JOIN dossier ON dossier.id = deadline.dossier_id "
            "WHERE dossier.phase = 'clos' AND deadline.done = 0"
        ).fetchone()[0]
        == 0
    )
    assert con.execute("SELECT COUNT(*) FROM deadline WHERE assigned_to_id IS NULL").fetchone()[0] == 0
    assert (
        con.execute(
            "SELECT COUNT(*) FROM deadline WHERE original_due_date IS NOT NULL "
            "AND (moved_reason = '' OR original_due_date >= due_date)"
        ).fetchone()[0]
        == 0
    )
    # The load dropped and rebuilt the deadline indexes: they are all back.
    indexes = set(_column(con, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deadline'"))
    assert indexes == {
        "deadline_dossier_done_due",
        "deadline_open_due_kind",  # m0016
        "deadline_open_clerc_due_kind",
        "deadline_open_procedure_due_kind",
        "deadline_done_on",  # m0028
    }  # m0029 dropped (done, due_date), (done, assigned_to_id, due_date), (done, procedure_id, due_date)


def test_expulsion_deadlines_only_for_rent_arrears(con):
    natures = _column(
        con,
        "SELECT d.nature FROM deadline e JOIN dossier d ON d.id = e.dossier_id WHERE e.procedure_id = 'expulsion'",
    )
    # Many expulsion deadlines, and many dossiers of other natures that could have had one.
    assert (
        len(natures) > 50 and con.execute("SELECT COUNT(*) FROM dossier WHERE nature != 'loyers'").fetchone()[0] > 100
    )
    assert set(natures) == {"loyers"}


def test_timeline_has_a_few_events_per_dossier_never_in_the_future(con):
    counts = _column(con, "SELECT COUNT(*) FROM timeline_event GROUP BY dossier_id")
    assert len(counts) == N and min(counts) >= 1 and sum(counts) / N >= 2
    assert con.execute("SELECT MAX(occurred_on) FROM timeline_event").fetchone()[0] <= TODAY.isoformat()


def test_accent_insensitive_search_finds_lefevre(con):
    found = con.execute(
        "SELECT d.debtor_name FROM dossier_fts JOIN dossier d ON d.id = dossier_fts.rowid "
        "WHERE dossier_fts MATCH 'lefevre*'"
    ).fetchall()
    assert found
    assert any("LEFÈVRE" in name for (name,) in found)
    assert con.execute("SELECT COUNT(*) FROM dossier_fts WHERE dossier_fts MATCH 'lefevre*'").fetchone()[0] == len(
        found
    )
    # The index matches the table (it was rebuilt after the load) and the triggers are back.
    con.execute("INSERT INTO dossier_fts(dossier_fts) VALUES ('integrity-check')")
    triggers = set(_column(con, "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    assert {"dossier_fts_insert", "dossier_fts_update", "dossier_fts_delete"} <= triggers
    # Folded names for the plain-index search too.
    for display, search in con.execute("SELECT display_name, search_name FROM debtor"):
        assert search == fold(display)


def test_the_fts_triggers_still_work_after_the_load(tmp_path):
    path = tmp_path / "t.db"
    build_demo(str(path), dossiers=40, seed=2, today=TODAY)
    with sqlite3.connect(path) as c:
        c.execute("UPDATE dossier SET debtor_name = 'ÉPÉE Zoé' WHERE id = 1")
        assert c.execute("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH 'epee'").fetchall() == [(1,)]


def test_the_database_is_consistent_and_readable_by_the_models(demo_db, con):
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    from clerc_tui.models import Dossier, Etude, User

    open_database(str(demo_db[0]))
    try:
        dossier = Dossier.get_by_id(1)
        assert isinstance(dossier.balance, Decimal) and dossier.balance > 0
        assert dossier.opened_on <= TODAY
        etude = Etude.get()
        assert etude.name.startswith("Étude de Maître") and etude.city and validate_siren(etude.siren)
        assert User.select().count() >= 7
    finally:
        close_database()


def test_clerc_check_finds_the_demo_clean_its_chains_included(demo_db, con):
    # The ledger and the audit trail are chained by the builder's child (demo/worker.py), their
    # values hashed as they are (chain.hash_rows(canonical_values=True)): `clerc check` walks them.
    from clerc_tui.services.integrity import check_integrity

    assert con.execute("SELECT COUNT(*) FROM ledger_entry").fetchone()[0] > 20
    assert con.execute("SELECT COUNT(*) FROM audit_entry WHERE table_name = 'ledger_entry'").fetchone()[0] > 20
    open_database(str(demo_db[0]))
    try:
        assert check_integrity() == []
    finally:
        close_database()
    # their append-only triggers were set back after the copy
    triggers = _column(con, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger_entry'")
    assert "ledger_entry_no_update" in triggers and "ledger_entry_no_delete" in triggers


def test_refuses_to_overwrite_an_existing_file_unless_forced(tmp_path):
    path = tmp_path / "existing.db"
    build_demo(str(path), dossiers=12, seed=1, today=TODAY)
    before = path.read_bytes()
    with pytest.raises(ClercError) as exc:
        build_demo(str(path), dossiers=10, seed=1, today=TODAY)
    assert "existe déjà" in exc.value.message and "--force" in exc.value.message
    assert path.read_bytes() == before
    build_demo(str(path), dossiers=10, seed=1, today=TODAY, force=True)
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT COUNT(*) FROM dossier").fetchone()[0] == 10


def test_force_never_replaces_a_file_that_is_not_a_demo(tmp_path):
    path = tmp_path / "existing.db"
    path.write_bytes(b"precious")
    with pytest.raises(ClercError, match="n'est pas une base de démonstration"):
        build_demo(str(path), dossiers=10, seed=1, today=TODAY, force=True)
    assert path.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.db"]


def test_a_nonsense_count_is_refused(tmp_path):
    with pytest.raises(InvalidInput):
        build_demo(str(tmp_path / "x.db"), dossiers=0, seed=1, today=TODAY)
    assert not (tmp_path / "x.db").exists()


def test_cli_builds_a_demo(tmp_path, capsys):
    # 40 dossiers: the command's subject is its options, output and exit codes, not the demo's size
    # (the 600-dossier `demo_db` and the other builds here are the demo's).
    path = tmp_path / "cli.db"
    assert main(["demo", "--dossiers", "40", "--db", str(path)]) == 0
    assert "40 dossiers" in capsys.readouterr().out
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT COUNT(*) FROM dossier").fetchone()[0] == 40
    # A second run refuses to overwrite, with code 2 and a French message.
    assert main(["demo", "--dossiers", "40", "--db", str(path)]) == 2
    assert "existe déjà" in capsys.readouterr().err


def test_the_demo_file_is_left_in_wal_mode_for_several_processes(con):
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_deadline_text_is_stored_once(con):
    # A million deadlines repeat a few dozen texts (m0017): each is one catalogue row, the
    # deadlines hold its id and no text of their own.
    deadlines, texts = con.execute("SELECT COUNT(*), COUNT(DISTINCT text_id) FROM deadline").fetchone()
    stored = con.execute(
        "SELECT COUNT(*), COUNT(DISTINCT label || '|' || basis || '|' || sanction || '|' || note) FROM deadline_text"
    ).fetchone()
    assert stored == (texts, texts) and texts < 200 < deadlines
    own = con.execute("SELECT SUM(LENGTH(label) + LENGTH(basis) + LENGTH(sanction) + LENGTH(note)) FROM deadline")
    assert own.fetchone()[0] == 0


def test_deadline_dates_are_the_rules_computation(con):
    # The walker caches the rules' results by their inputs: every date must still be the one
    # the rules give for the step's day (the row's created_at) and the dossier's zone.
    from clerc_tui.rules.procedures import compute_deadline, rule

    rows = con.execute(
        "SELECT e.rule_id, e.kind, e.due_date, substr(e.created_at, 1, 10), d.zone FROM deadline e "
        "JOIN dossier d ON d.id = e.dossier_id WHERE e.original_due_date IS NULL ORDER BY e.id"
    ).fetchall()
    checked = 0
    for rule_id, kind, due, created, zone in rows[::7]:
        data = rule(rule_id)
        if data.start == "hearing_on":  # counted back from the hearing, a fact the row does not keep
            continue
        c = compute_deadline(data, date.fromisoformat(created), zone=zone)
        expected = c.act_by if kind == "last_day" and c.act_by is not None and c.act_by < c.due else c.due
        assert due == expected.isoformat(), (rule_id, created, zone)
        checked += 1
    assert checked > 500
    # A moved deadline was first due on the rules' date too, then put later.
    moved = con.execute("SELECT COUNT(*) FROM deadline WHERE original_due_date >= due_date").fetchone()[0]
    assert moved == 0


def _rows(path, sql):
    with sqlite3.connect(path) as c:
        return c.execute(sql).fetchall()


def test_deadlines_walked_by_the_second_process_are_those_the_first_walks(tmp_path, monkeypatch):
    # A demo file has its deadlines walked, indexed and analysed by a child process
    # (demo/worker.py), then copied in; a base without a file (PostgreSQL), or a demo file of
    # fewer than SECOND_PROCESS_FROM dossiers, walks them in the parent. Same seed, same rows,
    # same catalogue ids, same planner statistics.
    from clerc_tui.demo import build
    from clerc_tui.demo.build import _Demo
    from clerc_tui.demo.draws import Draws

    monkeypatch.setattr(build, "SECOND_PROCESS_FROM", 150)  # this one through the child
    built = tmp_path / "built.db"
    phases: dict = {}
    build_demo(str(built), dossiers=150, seed=3, today=TODAY, phases=phases)
    assert "worker: walk" in phases  # the child walked them
    here = tmp_path / "here.db"
    db = open_database(str(here), create=True)
    try:
        _Demo(Draws(3), TODAY, 150).load(db)
    finally:
        close_database()
    for sql in (
        "SELECT * FROM deadline ORDER BY id",
        "SELECT * FROM deadline_text ORDER BY id",
        # the ledger and its audit trail, chained by the child in a demo file, by the parent here
        "SELECT * FROM ledger_entry ORDER BY id",
        "SELECT * FROM audit_entry ORDER BY id",
        "SELECT dossier_id, charged, paid, creditor_charged, remitted, refunded FROM dossier_account "
        "WHERE dossier_id IN (SELECT dossier_id FROM ledger_entry) ORDER BY 1",
        "SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx",
        "SELECT type, name, sql FROM sqlite_master ORDER BY type, name",
    ):
        assert _rows(built, sql) == _rows(here, sql), sql
    assert len(_rows(built, "SELECT id FROM deadline")) > 1000
    assert len(_rows(built, "SELECT id FROM audit_entry")) == len(_rows(built, "SELECT id FROM ledger_entry")) > 20
    assert [p.name for p in tmp_path.iterdir() if ".tmp" in p.name] == []  # the child's file is gone


def test_a_second_process_that_cannot_start_fails_the_demo_and_leaves_nothing(tmp_path, monkeypatch):
    from clerc_tui.demo import build, worker

    monkeypatch.setattr(build, "SECOND_PROCESS_FROM", 50)  # 50 dossiers: through the child
    monkeypatch.setattr(worker.sys, "executable", "/bin/false")
    with pytest.raises(ClercError, match="calcul des échéances de la démonstration a échoué"):
        build_demo(str(tmp_path / "demo.db"), dossiers=50, seed=1, today=TODAY)
    assert list(tmp_path.iterdir()) == []


def test_a_second_process_killed_midway_fails_the_demo_and_leaves_nothing(tmp_path, monkeypatch):
    from clerc_tui.demo import build
    from clerc_tui.demo.worker import DeadlineWorker

    monkeypatch.setattr(build, "SECOND_PROCESS_FROM", 50)  # 50 dossiers: through the child
    flush = DeadlineWorker.flush

    def flush_then_die(self):
        flush(self)
        self.process.kill()
        self.process.wait()

    monkeypatch.setattr(DeadlineWorker, "flush", flush_then_die)
    with pytest.raises(ClercError, match="Rien n'a été créé"):
        build_demo(str(tmp_path / "demo.db"), dossiers=50, seed=1, today=TODAY)
    assert list(tmp_path.iterdir()) == []


def test_a_small_demo_walks_its_deadlines_without_a_second_process(tmp_path, monkeypatch):
    # Below SECOND_PROCESS_FROM dossiers the child's start costs more than the walk it takes off.
    from clerc_tui.demo import build

    def no_child(*_args, **_kwargs):
        raise AssertionError("second process started")

    monkeypatch.setattr(build, "DeadlineWorker", no_child)
    small = build.SECOND_PROCESS_FROM - 1
    assert f"{small} dossiers" in build_demo(str(tmp_path / "small.db"), dossiers=small, seed=1, today=TODAY)
    with pytest.raises(AssertionError, match="second process started"):
        build_demo(str(tmp_path / "big.db"), dossiers=build.SECOND_PROCESS_FROM, seed=1, today=TODAY)


def test_solvency_facts_are_dated_sourced_some_stale_and_a_known_employer_leads_to_the_wage_seizure(demo_db, con):
    """Issue 14, « done when »: on the demo, a dossier with a known employer shows the seizable
    amount and recommends the wage seizure with its reasons."""
    from clerc_tui.rules.measures import wage_share
    from clerc_tui.services import solvency

    rows = con.execute("SELECT kind, source, known_on, card_ref FROM solvency_fact").fetchall()
    assert {kind for kind, *_ in rows} >= {"employment", "bank_account", "vehicle"}
    assert all(known_on and known_on <= TODAY.isoformat() for _k, _s, known_on, _c in rows)
    stale = (TODAY - timedelta(days=183)).isoformat()
    assert any(k == "bank_account" and s == "ficoba" and d < stale for k, s, d, _ in rows)  # some « ancienne »
    assert any(k == "employment" and d >= stale for k, _s, d, _c in rows)
    candidates = _column(
        con,
        "SELECT d.id FROM dossier d JOIN dossier_debtor dd ON dd.dossier_id = d.id AND dd.position = 0 "
        "JOIN solvency_fact f ON f.debtor_id = dd.debtor_id AND f.kind = 'employment' AND f.amount IS NOT NULL "
        "WHERE d.title_kind <> '' AND d.closed_on IS NULL AND d.balance > 0 ORDER BY d.id",
    )
    open_database(str(demo_db[0]))
    try:
        first = None
        for dossier_id in candidates:
            plan = solvency.recommend(dossier_id, TODAY)
            if plan.measures[0].measure.id == "saisie_remunerations":
                first = (dossier_id, plan.measures[0])
                break
        assert first is not None
        dossier_id, wage = first
        file = solvency.dossier_solvency(dossier_id, TODAY)
        share = wage_share(file.debtors[0].facts, TODAY)
        assert share.share is not None and wage.expected == share.share.seizable > 0
        assert any(reason.startswith("Employeur : ") for reason in wage.reasons)
    finally:
        close_database()


def test_the_demo_never_runs_a_clerc_tui_folder_found_where_the_clerc_stands(tmp_path, monkeypatch):
    """The demo's second process (demo/worker.py) is started with `python -m`: the current
    directory must not come first on its path, or a `clerc_tui` folder there (an old copy, or
    a planted one) runs instead of the installed clerc (seen: an old copy in /tmp)."""
    from clerc_tui.demo import build

    monkeypatch.setattr(build, "SECOND_PROCESS_FROM", 20)  # 20 dossiers: through the child
    planted = tmp_path / "clerc_tui" / "demo"
    planted.mkdir(parents=True)
    (tmp_path / "clerc_tui" / "__init__.py").write_text("")
    (planted / "__init__.py").write_text("")
    (planted / "worker.py").write_text("raise SystemExit('planted worker ran')\n")
    monkeypatch.chdir(tmp_path)
    result = run_clerc(None, "demo", "--db", str(tmp_path / "demo.db"), "--dossiers", "20", "--today", "2026-11-26")
    assert result.returncode == 0, result.stderr
    assert "20 dossiers" in result.stdout


# --- The amicable desk and the money in and out (issues 15 and 16) ----------------------------

SAMPLE_CSV = Path(__file__).resolve().parents[2] / "docs" / "exemples" / "creances-paris-habitat.csv"


def test_the_morning_queue_has_a_step_due_today_on_every_channel(demo_db, con):
    from datetime import datetime

    from clerc_tui.services import amicable

    open_database(str(demo_db[0]))
    try:
        queue = amicable.queue(TODAY, datetime.combine(TODAY + timedelta(days=1), datetime.min.time()).replace(hour=11))
        for channel in ("letter", "email", "sms", "phone"):
            items = queue.items(channel)
            assert items, channel
            # Each channel has one the rules let through (a recipient, no opt-out, under the ceiling).
            assert any(item.recipient and not item.refusal for item in items), channel
        # The debtor who refused SMS has his SMS step due today, refused for that reason.
        assert any("refus" in item.refusal.lower() for item in queue.items("sms"))
        # One dossier is paused (« bloqué »), with its reason and its date, and waits.
        (paused,) = con.execute(
            "SELECT dossier_id FROM amicable_enrolment WHERE status = 'paused' AND paused_reason != '' "
            "AND paused_until > ?",
            (TODAY.isoformat(),),
        ).fetchall()
        assert paused[0] not in {item.dossier_id for items in queue.by_channel.values() for item in items}
        assert "bloqué jusqu'au" in amicable.enrolment(paused[0], TODAY).summary
        # Past contacts: the call list shows « derniers contacts ».
        (phone,) = [item for item in queue.items("phone") if item.recipient and not item.refusal][:1]
        assert amicable.last_contacts(phone.dossier_id)
    finally:
        close_database()
    # Every amicable dossier open in the demo follows a scenario or has a plan.
    amicable_open = con.execute(
        "SELECT COUNT(*) FROM dossier WHERE phase = 'amiable' AND closed_on IS NULL"
    ).fetchone()[0]
    followed = con.execute(
        "SELECT COUNT(*) FROM dossier d WHERE d.phase = 'amiable' AND (d.id IN (SELECT dossier_id FROM "
        "amicable_enrolment) OR d.id IN (SELECT dossier_id FROM payment_plan))"
    ).fetchone()[0]
    assert followed == amicable_open > 0
    steps = _column(con, "SELECT DISTINCT steps_done FROM amicable_enrolment")
    assert len(steps) >= 4  # varied steps
    # The contacts are in the timelines, never in the future.
    assert con.execute("SELECT COUNT(*) FROM amicable_contact").fetchone()[0] > 0
    assert con.execute("SELECT COUNT(*) FROM timeline_event WHERE kind LIKE 'amicable_%'").fetchone()[0] > 0
    assert con.execute("SELECT MAX(at) FROM amicable_contact").fetchone()[0] < (TODAY + timedelta(days=1)).isoformat()


def test_debtors_can_be_reached_by_email_and_mobile_and_the_etude_too(con):
    from clerc_tui.rules.identifiers import validate_mobile

    phones = _column(con, "SELECT value FROM debtor_contact WHERE kind = 'phone' AND label != 'fixe'")
    mobiles = 0
    for value in phones:
        try:
            validate_mobile(value)
            mobiles += 1
        except InvalidInput:
            pass
    assert mobiles == len(phones) > 100  # the numbers drawn as mobiles are all real mobile ranges
    assert con.execute("SELECT COUNT(DISTINCT debtor_id) FROM debtor_contact WHERE kind = 'email'").fetchone()[0] > 100
    phone, email, iban, bic = con.execute("SELECT phone, email, bank_iban, bank_bic FROM etude").fetchone()
    assert validate_phone(phone) and validate_email(email) and validate_iban(iban) and bic


def test_payment_plans_are_in_progress_and_one_is_in_default(demo_db, con):
    from clerc_tui.services import plans

    ids = _column(con, "SELECT dossier_id FROM payment_plan")
    open_database(str(demo_db[0]))
    try:
        states = plans.plan_states(ids, TODAY)
    finally:
        close_database()
    kinds = [state.state for state in states.values()]
    assert kinds.count("en_defaut") == 1
    assert kinds.count("en_cours") >= 2
    # The payments that count were recorded after the plan was made, and some were.
    assert all(state.paid > 0 for state in states.values() if state.state == "en_cours")


def test_plans_check_on_the_demo_raises_the_alert_of_the_plan_in_default(demo_db, tmp_path):

    copy = tmp_path / "copy.db"
    shutil.copy(demo_db[0], copy)
    result = run_clerc(None, "--db", str(copy), "--today", TODAY.strftime("%d/%m/%Y"), "plans", "check")
    assert result.returncode == 0, result.stderr
    assert "en défaut" in result.stdout.lower()
    with sqlite3.connect(copy) as c:
        assert c.execute("SELECT COUNT(*) FROM deadline WHERE rule_id = 'echeancier_defaut'").fetchone()[0] == 1


def test_the_sample_creditor_file_dry_runs_on_the_demo_refusing_its_four_bad_rows(demo_db, con):
    (name,) = con.execute("SELECT display_name FROM creditor WHERE id = 1").fetchone()
    assert name == "Paris Habitat"
    result = run_clerc(
        None, "--db", str(demo_db[0]), "import", "dossiers", str(SAMPLE_CSV), "--creditor", "Paris Habitat", "--dry-run"
    )
    assert result.returncode == 1, result.stderr
    refused = re.findall(r"^\s*[Ll]igne (\d+)", result.stdout + result.stderr, re.MULTILINE)
    assert sorted(set(refused)) == ["10", "7", "8", "9"], result.stdout + result.stderr
    assert con.execute("SELECT COUNT(*) FROM dossier WHERE reference LIKE 'PH-%'").fetchone()[0] == 0


def test_every_creditor_can_be_paid_by_the_sepa_file(con):
    from clerc_tui.rules.sepa import payee_problem

    rows = con.execute("SELECT display_name, iban, bic FROM creditor").fetchall()
    assert rows and [payee_problem(*row) for row in rows] == [None] * len(rows)
