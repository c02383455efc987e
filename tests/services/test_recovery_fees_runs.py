"""Reversement runs recompute A444-31 / A444-32 on the cumulated base (docs/law/recovery-fees.md)."""

import json
from datetime import date
from decimal import Decimal as D

import pytest

from clerc_tui.cli import main
from clerc_tui.errors import AccessDenied
from clerc_tui.models import AuditEntry, LedgerEntry
from clerc_tui.rules.ledger import CREDITOR, DEBTOR, FEE, REMITTANCE, REVERSAL
from clerc_tui.services import billing, etude, payments, remittances, users
from clerc_tui.services.context import identify, os_login
from clerc_tui.services.dossiers import create_dossier
from clerc_tui.services.recovery_fees import fee_base
from clerc_tui.services.users import add_user
from tests.conftest import TODAY, make_input


def _dossier(actor, **kw):
    kw.setdefault("interest_kind", "none")
    return create_dossier(actor, make_input(**kw), TODAY)


def _pay(actor, dossier_id, amount, on=TODAY):
    return payments.record_payment(actor, dossier_id, on=on, amount=amount, mode="virement", today=TODAY)


def _fees(dossier_id, bearer):
    return [
        e
        for e in LedgerEntry.select()
        .where(LedgerEntry.dossier == dossier_id, LedgerEntry.kind == FEE, LedgerEntry.bearer == bearer)
        .order_by(LedgerEntry.id)
    ]


def test_partial_recovery_retains_14_08_not_25_80(actor):
    dossier = _dossier(actor)  # claim 1 234,56 €, no title: no A444-31
    _pay(actor, dossier.id, "100")
    [line] = remittances.plan_run(TODAY)
    # 100 × 11,73 % = 11,73 HT → 14,08 TTC (2026 tariff: 2024 figures carried over, marked).
    assert (line.base, line.fee, line.net, line.debtor_fee) == (D(100), D("14.08"), D("85.92"), D(0))
    assert any("à confirmer" in m for m in line.fee_marks)
    remittances.execute_run(actor, TODAY, today=TODAY)
    [fee] = _fees(dossier.id, CREDITOR)
    assert fee.amount == D("14.08") and json.loads(fee.breakdown)["base"] == "100.00"
    assert _fees(dossier.id, DEBTOR) == []
    assert remittances.plan_run(TODAY) == []  # the same day again: nothing more


def test_old_flat_retention_is_given_back_by_new_lines(actor):
    dossier = _dossier(actor)
    _pay(actor, dossier.id, "100", on=date(2026, 11, 2))
    # What the old code did on 2 Nov: the flat 21,50 HT = 25,80 TTC retained, 74,20 paid back.
    old = billing.record_charge(
        actor,
        dossier.id,
        kind=FEE,
        on=date(2026, 11, 2),
        amount=D("25.80"),
        label=remittances.FEE_LABEL,
        bearer=CREDITOR,
        today=TODAY,
        breakdown={"article": "A444-32", "collected": "100", "ttc": "25.80"},
    )
    remittances.record_remittance(actor, dossier.id, on=date(2026, 11, 2), amount=D("74.20"), today=TODAY)
    [line] = remittances.plan_run(TODAY)
    # Due 14,08 TTC; retained 25,80: 11,72 given back and paid with this run.
    assert (line.fee, line.regularisation, line.net) == (D(0), D("11.72"), D("11.72"))
    remittances.execute_run(actor, TODAY, today=TODAY)
    reversal = LedgerEntry.get(LedgerEntry.kind == REVERSAL)
    assert reversal.reverses_id == old.id and reversal.document_number.startswith("F2026-")
    assert [e.amount for e in _fees(dossier.id, CREDITOR)] == [D("25.80"), D("14.08")]
    remit = list(LedgerEntry.select().where(LedgerEntry.kind == REMITTANCE).order_by(LedgerEntry.id))
    assert [e.amount for e in remit] == [D("74.20"), D("11.72")]
    assert LedgerEntry.get_by_id(old.id).amount == D("25.80")  # never edited
    releve = remittances.creditor_statement(dossier.creditor_id, date(2026, 11, 1), TODAY)
    assert "Régularisation (retenue rendue)" in releve and "hors intérêts" in releve
    assert "14,08" in releve.split("Retenu (frais à votre charge, régularisations déduites) : ")[1]
    assert remittances.plan_run(TODAY) == []


def test_enforceable_title_bills_a444_31_to_the_debtor_once(actor):
    dossier = _dossier(actor, title_kind="jugement", title_date=date(2026, 1, 15))
    first = date(2026, 11, 2)
    _pay(actor, dossier.id, "100", on=first)
    [line] = remittances.plan_run(first)
    # A444-31: 100 × 9,77 % = 9,77 HT → 11,72 TTC, kept by the étude first: the creditor's
    # share is 88,28; A444-32 on the same base of 100 € (the fee is owed after that day's
    # payment, not paid by it): 14,08; net 88,28 − 14,08 = 74,20.
    assert (line.debtor_fee, line.collected, line.fee, line.net) == (D("11.72"), D("88.28"), D("14.08"), D("74.20"))
    remittances.execute_run(actor, first, today=TODAY)
    [a31] = _fees(dossier.id, DEBTOR)
    assert a31.amount == D("11.72") and json.loads(a31.breakdown)["article"] == "A444-31"
    assert fee_base(dossier.id, first).base == D(100)
    assert remittances.plan_run(first) == []  # stable: never billed twice
    # A second instalment: the fee is recomputed on the cumulated base. The 200 € first pay
    # the 11,72 of A444-31 (frais first), 188,28 go to the principal: base 288,28.
    # A444-31: 12,2125 + 163,28 × 6,35 % (10,36828) = 22,58078 → 22,58 HT → 27,10 TTC; +15,38.
    # A444-32: 14,6625 + 163,28 × 10,75 % (17,5526) = 32,2151 → 32,22 HT → 38,66 TTC; +24,58.
    _pay(actor, dossier.id, "200", on=TODAY)
    [line] = remittances.plan_run(TODAY)
    assert (line.base, line.debtor_fee, line.fee) == (D("288.28"), D("15.38"), D("24.58"))


def test_interest_in_base_is_an_audited_etude_setting(actor, db_path, capsys):
    # Interest legal « autres » from 1 Jan 2025; 1 000 € paid 30 Jun 2025: 1 234,56 × 3,71 % ×
    # 180 / 36 500 = 22,587 → 22,59 interest first, 977,41 principal.
    dossier = _dossier(actor, interest_kind="legal", interest_from=date(2025, 1, 1))
    on = date(2025, 6, 30)
    _pay(actor, dossier.id, "1000", on=on)
    # Excluded (default): 14,6625 + 52,1375 + 367,41 × 10,26 % = 104,496266 → 104,50 HT → 125,40 TTC.
    [line] = remittances.plan_run(on)
    assert (line.base, line.fee) == (D("977.41"), D("125.40"))
    add_user("bdupont", "Bruno Dupont", "clerc")
    with pytest.raises(AccessDenied, match=r"principal clerc, commissaire \(vous êtes clerc\)"):
        etude.set_fee_base_interest(identify("bdupont"), True)  # a clerc cannot
    add_user("pcharrier", "Paul Charrier", "principal_clerc")
    etude.set_fee_base_interest(identify("pcharrier"), True)
    assert AuditEntry.select().where(AuditEntry.action == "etude.fee_base_interest").count() == 1
    # Included: 14,6625 + 52,1375 + 390 × 10,26 % = 106,814 → 106,81 HT → 128,17 TTC.
    [line] = remittances.plan_run(on)
    assert (line.base, line.fee) == (D(1000), D("128.17"))
    releve = remittances.creditor_statement(dossier.creditor_id, on, TODAY)
    assert "principal et intérêts encaissés, hors dépens" in releve
    base = ["--db", str(db_path), "--today", "26/11/2026"]
    assert main([*base, "etude", "show"]) == 0
    assert "principal et intérêts" in capsys.readouterr().out
    assert main([*base, "etude", "set", "--interets-dans-assiette", "peut-être"]) == 2
    add_user("mdubois", "Marie Dubois", "commissaire")
    users.set_role(os_login(), "clerc", actor=identify("mdubois"))
    assert main([*base, "etude", "set", "--interets-dans-assiette", "non"]) == 2  # the clerc: refused
    assert "principal clerc" in capsys.readouterr().err


def test_fee_lines_book_their_own_tva_in_the_fec(actor):
    from clerc_tui.services import accounting

    dossier = _dossier(actor)
    _pay(actor, dossier.id, "100")
    remittances.execute_run(actor, TODAY, today=TODAY)
    [fee] = _fees(dossier.id, CREDITOR)
    detail = json.loads(fee.breakdown)
    # 14,08 TTC split at 20 %: 14,08 / 1,2 = 11,7333 → 11,73 HT, TVA 2,35.
    assert (detail["ht"], detail["tva"], detail["due_ttc"]) == ("11.73", "2.35", "14.08")
    rows = [line.split("|") for line in accounting.fec_lines(date(2026, 11, 1), TODAY)[1:]]
    assert any(r[4] == "44571" and r[12] == "2,35" for r in rows)
