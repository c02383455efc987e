"""Claim items' own interest terms through the base: migration m0021 of an existing base, the
dossier form, and the décompte as the app computes it (docs/law/interest.md §6)."""

import sqlite3
from datetime import date
from decimal import Decimal

import pytest

from clerc_tui.models import ClaimItem
from clerc_tui.models.db import close_database, database, open_database
from clerc_tui.report.statement import statement_text
from clerc_tui.rules.statement import Payment, compute_statement
from clerc_tui.services.dossier_form import FormErrors, form_values, parse_dossier_form
from clerc_tui.services.dossiers import create_dossier, get_dossier, update_dossier
from clerc_tui.services.statement import dossier_statement
from tests.conftest import TODAY, make_input
from tests.models.old_schema import old_database

# A loan at 9,90 % from 01/02/2025, a judgment of 10/03/2025 signified on 24/03/2025 (the
# figures of tests/rules/test_statement_claims.py, worked out by hand there).
LOAN_DOSSIER = (
    "UPDATE dossier SET interest_kind = 'contractual', contractual_rate = '9.90', interest_from = '2025-02-01', "
    "title_kind = 'jugement', title_date = '2025-03-10', title_signified_on = '2025-03-24', "
    "title_enforceable_on = '2025-03-24' WHERE id = 1"
)
OLD_ITEMS = (  # kind, amount in cents, bears_interest as schema 18 stored it
    ("principal", 500000, 1),
    ("article_700", 150000, 1),
    ("depens", 31240, 0),
    ("clause_penale", 40000, 0),
    ("autre", 4000, 1),
)


def test_migration_gives_an_existing_700_item_the_legal_rate_from_the_judgment(tmp_path):
    path = tmp_path / "v18.db"
    old_database(path, 18, reference="2025-000001", opened_on="2025-04-01", debtor_name="X", balance_cents=0)
    connection = sqlite3.connect(path)
    connection.execute(LOAN_DOSSIER)
    connection.executemany(
        "INSERT INTO claim_item (dossier_id, kind, label, amount, bears_interest) VALUES (1, ?, ?, ?, ?)",
        [(kind, kind, cents, bears) for kind, cents, bears in OLD_ITEMS],
    )
    connection.commit()
    connection.close()

    open_database(str(path))
    try:
        regimes = {item.kind: (item.interest_regime, item.interest_from) for item in ClaimItem.select()}
        assert regimes == {
            "principal": ("dossier", None),
            "article_700": ("legal", None),  # NULL start: the title's date
            "depens": ("none", None),
            "clause_penale": ("none", None),  # bore no interest: unchanged
            "autre": ("dossier", None),  # an « autre somme » keeps what it bore
        }
        assert "bears_interest" not in {c.name for c in database.get_columns("claim_item")}
        s = dossier_statement(1, date(2025, 9, 15))
        principal, article_700 = s.streams
        assert [i.kind for i in principal.items] == ["principal", "autre"]
        assert article_700.start == date(2025, 3, 10) and article_700.terms.kind == "legal"
        assert article_700.terms.majoration_from == date(2025, 5, 25)  # 24/03 + 2 months + 1 day
        # 10/03 → 25/05 at 3,71 %, 25/05 → 01/07 at 8,71 %, 01/07 → 15/09 at 7,76 % (« autres cas »).
        assert [line.amount for line in article_700.lines] == [Decimal("11.59"), Decimal("13.24"), Decimal("24.24")]
        # Loan + « autre »: 5 040 × 9,90 × 226 / 36 500 = 308,9450 → 308,95.
        assert [line.amount for line in principal.lines] == [Decimal("308.95")]
        assert s.interest_due == Decimal("358.02")  # 308,95 + 49,07
    finally:
        close_database()


def test_a_new_700_item_bears_the_legal_rate_and_the_form_can_change_it(actor):
    data = make_input(
        claims={"principal": Decimal("5000"), "article_700": Decimal("1500"), "depens": Decimal("50")},
        title_kind="jugement",
        title_date=date(2025, 3, 10),
        title_enforceable_on=date(2025, 3, 24),
        interest_kind="contractual",
        contractual_rate=Decimal("9.90"),
        interest_from=date(2025, 2, 1),
    )
    dossier = create_dossier(actor, data, TODAY)
    view = get_dossier(dossier.id)
    assert {c.kind: c.interest_regime for c in view.claims} == {
        "principal": "dossier",
        "article_700": "legal",
        "depens": "none",
    }
    values = form_values(view)
    assert (values["article_700_interest"], values["article_700_interest_from"]) == ("legal", "")
    # The judge fixed another start: recorded on the item, the décompte runs from it.
    changed = make_input(
        claims={"principal": Decimal("5000"), "article_700": Decimal("1500"), "depens": Decimal("50")},
        claim_interest={"article_700": ("legal", date(2025, 7, 1))},
        creditor_id=dossier.creditor_id,
        title_kind="jugement",
        title_date=date(2025, 3, 10),
        title_enforceable_on=date(2025, 3, 24),
        interest_kind="contractual",
        contractual_rate=Decimal("9.90"),
        interest_from=date(2025, 2, 1),
    )
    update_dossier(actor, dossier.id, get_dossier(dossier.id).dossier.version, changed, TODAY)
    s = dossier_statement(dossier.id, date(2025, 9, 15))
    assert s.streams[1].start == date(2025, 7, 1)
    # 01/07 → 15/09, 76 d × 7,76 % (majorated from 25/05): 1 500 × 7,76 × 76 / 36 500 = 24,2367 → 24,24.
    assert [line.amount for line in s.streams[1].lines] == [Decimal("24.24")]


def test_the_form_reads_each_item_interest_and_names_a_bad_date(db_path):
    from tests.services.test_dossier_form import VALID

    data = parse_dossier_form(
        {**VALID, "article_700": "800", "article_700_interest": "none", "clause_penale_interest_from": "01/04/2025"},
        TODAY,
    )
    assert data.claim_interest == {"article_700": ("none", None), "clause_penale": ("legal", date(2025, 4, 1))}
    with pytest.raises(FormErrors) as error:
        parse_dossier_form({**VALID, "article_700_interest_from": "31/02/2025"}, TODAY)
    assert set(error.value.errors) == {"article_700_interest_from"}


def test_the_printed_decompte_shows_one_group_per_regime_with_its_rate_and_start():
    from tests.rules.test_statement_claims import _input

    text = statement_text(compute_statement(_input(payments=(Payment(date(2025, 6, 30), Decimal("2000")),))), 120)
    text = " ".join(text.replace("\xa0", " ").split())  # one line, ordinary spaces: what a reader sees
    assert "Intérêts — Principal : intérêt conventionnel au taux de 9,90 % l'an" in text
    assert "Intérêts — Article 700 CPC : intérêt légal (autres cas), majoré de 5 points à partir du 25/05/2025" in text
    assert "intérêt légal dès le 10/03/2025" in text  # the item's row says what it bears
    assert "au taux le plus élevé au jour du paiement" in text  # the order between the groups is printed
    assert "Article 700 CPC : intérêts = base × taux × jours / 36 500" in text  # its own day basis
