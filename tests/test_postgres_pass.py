"""Which tests the PostgreSQL pass skips as the same on both passes (docs/postgresql.md § 5).

The rule (tests/postgres.py, `reaches_server`) keeps every test whose fixtures reach the suite's
base and every test of a module that names the server; the others open no base, or only SQLite
files of their own, and run the same on both passes. Each test also checks, as it ends, that a
test so classified opened no base through the suite's fixtures (tests/conftest.py)."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import postgres

HERE = Path(__file__).parent
BASE_FIXTURES = ("db_path", "actor", "sample_dossier", "demo_base", "make_app", "migrated_base", "demo_template")


def _item(module: str, *fixtures: str):
    return SimpleNamespace(
        nodeid=f"tests/{module}::t", path=HERE / module, fixturenames=["_isolated_home", "tmp_path", *fixtures]
    )


def test_every_test_that_opens_the_suites_base_runs_on_postgresql(request, sample_dossier, demo_base):
    """The fixtures that open the suite's base all request one of SERVER_FIXTURES, so every test
    using one runs on PostgreSQL, screens included (make_app requests actor): checked here on
    every test of the run (the workers collect the whole suite)."""
    for name in ("db_path", "actor", "sample_dossier", "demo_base"):
        assert name in request.node.fixturenames
    assert {"migrated_base", "demo_template"} <= set(request.node.fixturenames)
    checked = [item for item in request.session.items if set(BASE_FIXTURES).intersection(item.fixturenames)]
    assert request.node in checked
    assert [item.nodeid for item in checked if not postgres.reaches_server(item)] == []


def test_a_test_without_the_suites_base_is_the_same_on_both_passes():
    assert not postgres.reaches_server(_item("rules/test_french.py"))
    assert postgres.reaches_server(_item("rules/test_french.py", "db_path", "migrated_base"))
    assert postgres.reaches_server(_item("rules/test_french.py", "demo_template"))
    # A module that names the server (a URL of its own, a branch on the backend): kept whole.
    assert postgres.reaches_server(_item("test_inert.py"))
    assert postgres.reaches_server(_item("services/test_wage_seizure.py"))
    assert postgres.reaches_server(_item("no/such/module.py"))  # unreadable: kept
    assert postgres.reaches_server(SimpleNamespace(fixturenames=[]))  # no file: kept


def test_the_skip_is_given_only_on_postgresql_with_its_reason(monkeypatch):
    items = [_item("rules/test_french.py"), _item("rules/test_french.py", "migrated_base"), _item("e2e/test_ssh.py")]
    for item in items:
        item.markers = []
        item.add_marker = item.markers.append
    monkeypatch.setattr(postgres, "SERVER", "")
    postgres.skip_sqlite_only(items)
    assert [item.markers for item in items] == [[], [], []]
    monkeypatch.setattr(postgres, "SERVER", "postgresql://postgres@127.0.0.1:1/postgres")
    postgres.skip_sqlite_only(items)
    assert [m.kwargs["reason"] for m in items[0].markers] == [postgres.SAME_ON_BOTH]
    assert items[1].markers == []
    ssh = postgres.SQLITE_ONLY["tests/e2e/"]
    assert [m.kwargs["reason"] for m in items[2].markers] == [f"SQLite seulement : {ssh}"]


def test_a_base_free_test_that_opens_the_base_fails(tmp_path, monkeypatch):
    """What fresh_base records is what the end-of-test check reads: a test classified as never
    reaching the server that opens the suite's base anyway (a fixture asked for by name while it
    runs, say) fails, naming what it opened."""
    from tests.conftest import fresh_base

    monkeypatch.setattr(postgres, "opened", [])
    monkeypatch.setattr(postgres, "SERVER", "")  # the file path of fresh_base on either pass
    with pytest.raises(FileNotFoundError):  # no template: what matters is that it was recorded first
        fresh_base(tmp_path / "no-template.db", tmp_path / "copy.db")
    assert postgres.opened == [str(tmp_path / "copy.db")]
    with pytest.raises(pytest.fail.Exception, match="would be skipped on PostgreSQL"):
        postgres.check_opened(_item("rules/test_french.py"))
    postgres.check_opened(_item("rules/test_french.py", "migrated_base"))  # requested: fine
    postgres.opened.clear()
    postgres.check_opened(_item("rules/test_french.py"))  # nothing opened: fine
