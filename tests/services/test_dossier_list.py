from decimal import Decimal

import pytest

from clerc_tui.services.dossier_input import CreditorInput, DebtorInput
from clerc_tui.services.dossier_list import ListQuery, count, fetch_page
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, fresh_base, make_input

# `many_template` is built once per worker that runs these tests: keep them on one.
pytestmark = pytest.mark.xdist_group("dossier_list")

NAMES = [
    ("Lefèvre", "Hélène"),
    ("Lefebvre", "Gérard"),
    ("Müller", "Anne"),
    ("Durand [/]x", "Paul"),
    ("Martin", "Léa"),
    ("Bernard", "Zoé"),
    ("Petit", "Jean"),
    ("Gérard", "Luc"),
]


@pytest.fixture(scope="session")
def many_template(tmp_path_factory, migrated_base):
    """A base with 25 dossiers (8 debtors' names, 2 creditors), built once per test process:
    the tests only read it, each from its own copy."""
    from clerc_tui.models.db import close_database
    from clerc_tui.services.context import identify, os_login
    from clerc_tui.services.users import add_user

    path = fresh_base(migrated_base, tmp_path_factory.mktemp("many") / "clerc.db")
    add_user(os_login(), "Claire Martin", "commissaire")
    actor = identify()
    created = []
    for index in range(25):
        last, first = NAMES[index % len(NAMES)]
        debtor = DebtorInput(kind="physique", civility="Monsieur", last_name=last, first_name=first)
        creditor = CreditorInput(
            kind="morale",
            is_individual=False,
            activity="banque",
            name="Crédit Lyonnais" if index % 2 else "URSSAF Rhône-Alpes",
        )
        created.append(
            create_dossier(
                actor,
                make_input(debtor=debtor, new_creditor=creditor, claims={"principal": Decimal(100 + index)}),
                TODAY,
            )
        )
    close_database()
    return path, created


@pytest.fixture
def many(tmp_path, many_template):
    from clerc_tui.models.db import close_database

    template, created = many_template
    fresh_base(template, tmp_path / "clerc.db")
    yield created
    close_database()


def test_filter_ignores_accents_and_case(many):
    names = {row.debtor_name for row in fetch_page(ListQuery("lefevre"), limit=100)}
    assert names == {"LEFÈVRE Hélène"}
    assert {row.debtor_name for row in fetch_page(ListQuery("LEF"), limit=100)} == {"LEFÈVRE Hélène", "LEFEBVRE Gérard"}
    assert {row.debtor_name for row in fetch_page(ListQuery("muller"), limit=100)} == {"MÜLLER Anne"}


def test_filter_matches_creditor_and_reference(many):
    assert count(ListQuery("urssaf")) == 13
    assert [row.reference for row in fetch_page(ListQuery("2026-00001"), limit=100)] == [
        f"2026-{n:06d}" for n in range(10, 20)
    ]
    assert count(ListQuery("gerard urssaf")) == count(ListQuery("gerard")) - count(ListQuery("gerard lyonnais"))


def test_filter_text_is_never_sql_or_fts_syntax(many):
    for text in ('"', "'", "*", "a AND", "NEAR(", "[/]", "-", "%", "_", "(("):
        fetch_page(ListQuery(text), limit=10)  # must not raise
    assert count(ListQuery("durand [/]x")) == 3


@pytest.mark.parametrize("sort", ["reference", "debtor", "creditor", "nature", "phase", "balance"])
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_cover_every_row_once_in_both_directions(many, sort, descending):
    query = ListQuery("", sort, descending)
    forward, page = [], fetch_page(query, limit=7)
    while page:
        forward += page
        page = fetch_page(query, limit=7, after=page[-1])
    assert len(forward) == 25 and len({row.id for row in forward}) == 25
    backward, page = [], fetch_page(query, limit=7, last=True)
    while page:
        backward = page + backward
        page = fetch_page(query, limit=7, before=page[0])
    assert [row.id for row in backward] == [row.id for row in forward]
    values = [row.sort_value(sort) for row in forward]
    assert values == sorted(values, reverse=descending)


@pytest.mark.parametrize("sort", ["reference", "debtor", "creditor", "nature", "phase", "balance"])
def test_keyset_pages_walk_an_index_for_every_sort_order(many, sort):
    """The page's ids come from the sort's index (no scan of the table, no sort of the matches);
    the one temporary sort left orders the page's own rows after the join."""
    from clerc_tui.models.db import database

    statements = []
    real = database.obj
    execute = real.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        statements.append((sql, params))
        return execute(sql, params, *args, **kwargs)

    real.execute_sql = spy
    try:
        for descending in (False, True):
            query = ListQuery("", sort, descending)
            page = fetch_page(query, limit=7)
            fetch_page(query, limit=7, after=page[-1])
            fetch_page(query, limit=7, before=page[-1])
            fetch_page(query, limit=7, last=True)
    finally:
        real.execute_sql = execute
    assert len(statements) == 8
    for sql, params in statements:
        plan = [str(row[-1]) for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
        page_plan = plan[: plan.index("SCAN p")]  # the subquery choosing the page's ids
        assert any("USING COVERING INDEX" in step for step in page_plan), plan
        assert not any(step == "SCAN d" or "TEMP B-TREE" in step for step in page_plan), plan


def test_next_deadline_shows_the_earliest_open_one(actor, sample_dossier):
    from datetime import date, datetime

    from clerc_tui.models import Deadline

    for due, done in ((date(2026, 12, 1), False), (date(2026, 11, 20), True), (date(2026, 12, 15), False)):
        Deadline.create(dossier=sample_dossier.id, due_date=due, label="x", done=done, created_at=datetime.now())
    (row,) = fetch_page(ListQuery(), limit=10)
    assert row.next_due == date(2026, 12, 1)


def test_one_letter_words_do_not_filter(many):
    assert count(ListQuery("l")) == 25
    assert {row.debtor_name for row in fetch_page(ListQuery("lefevre h"), limit=100)} == {"LEFÈVRE Hélène"}


def test_counts_stop_at_the_cap(many):
    assert count(ListQuery("urssaf"), cap=3) == 4  # "more than 3"
    assert count(ListQuery("2026-00001 urssaf"), cap=3) == 4
    assert count(ListQuery("urssaf"), cap=100) == 13


def test_digits_are_a_reference_typed_from_its_start(many):
    assert count(ListQuery("2026")) == 25
    assert count(ListQuery("20")) == 25
    assert [row.reference for row in fetch_page(ListQuery("2026-00002"), limit=100)] == [
        f"2026-{n:06d}" for n in range(20, 26)
    ]
    assert count(ListQuery("2027")) == 0
