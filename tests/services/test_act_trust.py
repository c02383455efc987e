"""Issue 10 items 4 (part) and 11 (acts): the décompte is frozen at verification, so neither the
service nor a later payment makes the act « incomplet »; an act billed with `b` is not billed again
when served; an edit on a stale version is refused with who and when (100/100 concurrent pairs)."""

import json
import re
import threading
from decimal import Decimal

import pytest

from clerc_tui.errors import ConflictError
from clerc_tui.models import LedgerEntry, User
from clerc_tui.models.acts import Act
from clerc_tui.report.acts import export_act
from clerc_tui.services import acts, billing, payments
from clerc_tui.services.context import Actor
from tests.conftest import TODAY
from tests.services.test_acts import _tick_all, demo  # noqa: F401 - the fixture

CODE = "commandement_saisie_vente"


def _verified(actor, dossier_id, type_id=CODE):
    act = acts.draft_act(actor, dossier_id, type_id, today=TODAY)
    _tick_all(actor, act)
    return acts.verify(actor, act.id, today=TODAY)


def _fees(dossier_id, code=CODE):
    return [
        e
        for e in LedgerEntry.select().where(LedgerEntry.dossier == dossier_id, LedgerEntry.kind == "fee")
        if e.breakdown and json.loads(e.breakdown).get("act") == code
    ]


def test_verification_freezes_the_decompte_into_the_act(demo):  # noqa: F811
    actor, dossier_id = demo
    act = _verified(actor, dossier_id)
    frozen = json.loads(Act.get_by_id(act.id).decompte)
    view = acts.act_view(act.id)
    assert frozen["total"] == act.total_cents and frozen["total"] is not None
    # The frozen parts add up to the frozen total, in cents.
    assert frozen["principal"] + frozen["frais"] + frozen["interets"] == frozen["total"]
    assert view.draft.values["principal"] == Decimal(frozen["principal"]) / 100


def test_a_payment_after_verification_does_not_block_the_service_nor_make_the_act_incomplete(demo):  # noqa: F811
    actor, dossier_id = demo
    act = _verified(actor, dossier_id)
    body = act.body
    payments.record_payment(actor, dossier_id, on=TODAY, amount=Decimal("50.00"), today=TODAY)
    served = acts.serve(actor, act.id, TODAY, "domicile", today=TODAY)
    assert served.state == "served"
    payments.record_payment(actor, dossier_id, on=TODAY, amount=Decimal("10.00"), today=TODAY)
    view = acts.act_view(act.id)
    assert view.draft.blocking == [] and view.draft.body == body
    assert export_act(acts.act_export(act.id)).incomplete is False


def test_an_act_billed_with_b_is_not_billed_again_when_served(demo):  # noqa: F811
    actor, dossier_id = demo
    act = _verified(actor, dossier_id)
    # `b` on the dossier: the clerc bills the commandement from the accounts before recording the service
    # (émolument typed, so the test does not depend on the shipped tariff covering 2026).
    billed = billing.bill_act(actor, dossier_id, CODE, TODAY, base=Decimal("100.00"), today=TODAY)
    served = acts.serve(actor, act.id, TODAY, "domicile", today=TODAY)
    assert [e.id for e in _fees(dossier_id)] == [billed.id]
    assert Act.get_by_id(act.id).fee_entry_id == billed.id
    assert any("déjà facturé" in w and "pas facturé une seconde fois" in w for w in served.warnings)
    assert acts.act_view(act.id).draft.blocking == []  # its own fee does not make it incomplete either
    # A second commandement is a new act: the fee line already claimed does not bill it.
    second = _verified(actor, dossier_id)
    acts.serve(actor, second.id, TODAY, "domicile", today=TODAY)
    assert Act.get_by_id(second.id).fee_entry_id != billed.id


def test_a_cancelled_b_fee_does_not_count_as_billed(demo):  # noqa: F811
    actor, dossier_id = demo
    act = _verified(actor, dossier_id)
    billed = billing.bill_act(actor, dossier_id, CODE, TODAY, base=Decimal("100.00"), today=TODAY)
    payments.reverse_entry(actor, billed.id, "facturé par erreur", TODAY, today=TODAY)
    acts.serve(actor, act.id, TODAY, "domicile", today=TODAY)
    assert Act.get_by_id(act.id).fee_entry_id != billed.id


@pytest.fixture
def bruno(demo):  # noqa: F811
    user = User.create(login="bdupont", name="Bruno Dupont", role="clerc", active=True)
    return Actor(user_id=user.id, login=user.login, name=user.name, role=user.role)


def test_act_edits_on_a_stale_version_are_refused_with_who_and_when(demo, bruno):  # noqa: F811
    actor, dossier_id = demo
    act = acts.draft_act(actor, dossier_id, CODE, today=TODAY)
    _tick_all(actor, act)
    seen = Act.get_by_id(act.id).version
    acts.update_act(bruno, act.id, {"act_date": "27/11/2026"}, today=TODAY, expected_version=seen)
    pattern = r"a été modifié par Bruno Dupont le \d\d/\d\d/\d{4} à \d\d:\d\d depuis que vous l'avez affiché"
    with pytest.raises(ConflictError, match=pattern):
        acts.verify(actor, act.id, today=TODAY, expected_version=seen)
    with pytest.raises(ConflictError, match=pattern):
        acts.update_act(actor, act.id, {"act_date": "28/11/2026"}, today=TODAY, expected_version=seen)
    verified = acts.verify(actor, act.id, today=TODAY, expected_version=seen + 1)
    acts.update_act(bruno, act.id, {"act_date": "26/11/2026"}, today=TODAY, expected_version=verified.version)
    with pytest.raises(ConflictError, match="Bruno Dupont"):
        acts.serve(actor, act.id, TODAY, "domicile", today=TODAY, expected_version=verified.version)
    assert Act.get_by_id(act.id).state == "draft"


def test_of_100_concurrent_pairs_on_one_act_exactly_one_edit_wins(demo, bruno):  # noqa: F811
    from clerc_tui.models.db import database

    actor, dossier_id = demo
    for _ in range(100):
        act = acts.draft_act(actor, dossier_id, CODE, today=TODAY)
        version = act.version
        barrier = threading.Barrier(2)
        outcome = {}

        def edit(who, day, slot, barrier=barrier, act=act, version=version, outcome=outcome):
            try:
                barrier.wait()
                acts.update_act(who, act.id, {"act_date": day}, today=TODAY, expected_version=version)
                outcome[slot] = "ok"
            except ConflictError as error:
                outcome[slot] = error.message
            finally:
                database.close()

        threads = [
            threading.Thread(target=edit, args=(actor, "27/11/2026", 0)),
            threading.Thread(target=edit, args=(bruno, "28/11/2026", 1)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcome) == [0, 1] and list(outcome.values()).count("ok") == 1, outcome
        winner, day = (actor.name, 27) if outcome[0] == "ok" else ("Bruno Dupont", 28)
        refused = next(v for v in outcome.values() if v != "ok")
        assert re.search(rf"modifié par {winner} le \d\d/\d\d/\d{{4}} à \d\d:\d\d", refused), refused
        assert Act.get_by_id(act.id).act_date.day == day
