"""Services hand plain values to screens, the app and the command line, never a Peewee row or
query: no public function of `clerc_tui.services` may be annotated to return a model (nor a
list, tuple, union or dataclass that holds one), and every one carries a return annotation so
that this test sees what it returns (issue 11, « Services return plain dataclasses »)."""

import dataclasses
import importlib
import inspect
import pkgutil
import typing
from datetime import timedelta

from peewee import Model, ModelSelect

import clerc_tui.services
from clerc_tui.errors import ClercError
from clerc_tui.models import Creditor, User
from clerc_tui.services.plain import plain

# Public functions that still return rows, by function name (the `ledger` branch moves them
# to new modules), each with the branch that removes it. The lead empties this list when
# merging those branches: an entry left here is a failure waiting to be fixed, never a licence.
STILL_ROWS: dict[str, str] = {
    # The journal core's row helpers (services/ledger.py), which billing, payments, balances
    # and remittances call inside their own write transactions: services among themselves,
    # never handed to a screen or the CLI (the layer contract forbids those the models).
    "ensure_account": "ledger",  # DossierAccount
    "existing_dossier": "ledger",  # Dossier
}


def _bare(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _public_functions():
    for info in pkgutil.iter_modules(clerc_tui.services.__path__):
        module = importlib.import_module(f"clerc_tui.services.{info.name}")
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value) or value.__module__ != module.__name__:
                continue
            yield f"{info.name}.{name}", value


def _rows_in(annotation, seen: set) -> list[str]:
    """The model (or query) classes an annotation is, or holds, through generics, unions and
    dataclass fields."""
    if isinstance(annotation, list):  # the parameters of a Callable[[…], …]
        return [row for argument in annotation for row in _rows_in(argument, seen)]
    if annotation in seen:
        return []
    seen.add(annotation)
    if isinstance(annotation, type):
        if issubclass(annotation, (Model, ModelSelect)):
            return [annotation.__name__]
        if dataclasses.is_dataclass(annotation):
            hints = typing.get_type_hints(annotation, include_extras=False)
            return [row for hint in hints.values() for row in _rows_in(hint, seen)]
    found = []
    for argument in typing.get_args(annotation):
        found += _rows_in(argument, seen)
    return found


def _findings() -> dict[str, str]:
    findings = {}
    for name, function in _public_functions():
        annotation = function.__annotations__.get("return", inspect.Signature.empty)
        if annotation is inspect.Signature.empty:
            findings[name] = "no return annotation"
            continue
        if isinstance(annotation, str):  # `from __future__ import annotations`
            try:
                annotation = eval(annotation, function.__globals__)  # our own annotations
            except NameError as error:  # a name imported under TYPE_CHECKING only: unseen, so refused
                findings[name] = f"return annotation does not resolve at run time ({error})"
                continue
        rows = _rows_in(annotation, set())
        if rows:
            findings[name] = "returns " + ", ".join(sorted(set(rows)))
    return findings


def test_services_return_plain_values():
    findings = {name: why for name, why in _findings().items() if _bare(name) not in STILL_ROWS}
    assert not findings, "\n".join(f"{name}: {why}" for name, why in sorted(findings.items()))


def test_the_allow_list_only_names_what_still_returns_rows():
    stale = sorted(set(STILL_ROWS) - {_bare(name) for name in _findings()})
    assert not stale, f"fixed, remove from STILL_ROWS: {stale}"


def test_the_check_sees_rows_inside_generics_and_dataclasses():
    from clerc_tui.models import Dossier

    @dataclasses.dataclass
    class Holder:
        rows: list[Dossier]

    assert _rows_in(Dossier | None, set()) == ["Dossier"]
    assert _rows_in(tuple[int, list[Dossier]], set()) == ["Dossier"]
    assert _rows_in(Holder, set()) == ["Dossier"]
    assert _rows_in(dict[str, int], set()) == []


def _dossier_view_as_peewee_reads_it(dossier_id: int):
    """`get_dossier` as it was written before its reads had their SQL written once (peewee's
    queries, back-references and foreign keys): the reference its result must equal."""
    from clerc_tui.models import (
        ClaimItem,
        Deadline,
        Debtor,
        DebtorAddress,
        DebtorAsset,
        DebtorBankAccount,
        DebtorContact,
        DebtorDependant,
        Dossier,
        DossierDebtor,
        TimelineEvent,
    )
    from clerc_tui.services import dossiers as s
    from clerc_tui.services.context import UserInfo
    from clerc_tui.services.deadlines import deadline_info
    from clerc_tui.services.imports import source_of

    dossier = Dossier.get_or_none(Dossier.id == dossier_id)
    links = (
        DossierDebtor.select(DossierDebtor, Debtor)
        .join(Debtor)
        .where(DossierDebtor.dossier == dossier)
        .order_by(DossierDebtor.position)
    )

    def detail(debtor):
        return s.DebtorDetail(
            debtor=plain(s.DebtorInfo, debtor),
            addresses=[
                plain(s.AddressInfo, a)
                for a in DebtorAddress.select()
                .where(DebtorAddress.debtor == debtor.id)
                .order_by(DebtorAddress.is_current.desc(), DebtorAddress.id)
            ],
            contacts=[
                plain(s.ContactInfo, c)
                for c in DebtorContact.select().where(DebtorContact.debtor == debtor.id).order_by(DebtorContact.id)
            ],
            bank_accounts=[
                plain(s.BankAccountInfo, b)
                for b in DebtorBankAccount.select()
                .where(DebtorBankAccount.debtor == debtor.id)
                .order_by(DebtorBankAccount.id)
            ],
            assets=[
                plain(s.AssetInfo, a)
                for a in DebtorAsset.select().where(DebtorAsset.debtor == debtor.id).order_by(DebtorAsset.id)
            ],
            dependants=[
                plain(s.DependantInfo, d)
                for d in DebtorDependant.select()
                .where(DebtorDependant.debtor == debtor.id)
                .order_by(DebtorDependant.id)
            ],
        )

    clerc = User.get_or_none(User.id == dossier.assigned_to_id) if dossier.assigned_to_id else None
    return s.DossierView(
        dossier=plain(s.DossierInfo, dossier),
        creditor=plain(s.CreditorInfo, Creditor.get(Creditor.id == dossier.creditor_id)),
        clerc=plain(UserInfo, clerc) if clerc is not None else None,
        debtors=[detail(Debtor.get(Debtor.id == link.debtor_id)) for link in links],
        claims=[
            plain(s.ClaimInfo, c)
            for c in ClaimItem.select().where(ClaimItem.dossier == dossier_id).order_by(ClaimItem.id)
        ],
        deadlines=[
            deadline_info(d, dossier.reference)
            for d in Deadline.select()
            .where(Deadline.dossier == dossier_id)
            .order_by(Deadline.done, Deadline.due_date, Deadline.id)
        ],
        events=[
            plain(s.EventInfo, e)
            for e in TimelineEvent.select()
            .where(TimelineEvent.dossier == dossier_id)
            .order_by(TimelineEvent.occurred_on.desc(), TimelineEvent.id.desc())
        ],
        source=source_of(dossier_id),
    )


def _parties_as_peewee_reads_them(dossier_id: int):
    from clerc_tui.models import Debtor, DebtorAddress, DossierDebtor
    from clerc_tui.rules.calendar import distance_of_address
    from clerc_tui.services.deadlines import ServedParty

    parties = []
    for debtor_id, name in (
        Debtor.select(Debtor.id, Debtor.display_name)
        .join(DossierDebtor, on=(DossierDebtor.debtor == Debtor.id))
        .where(DossierDebtor.dossier == dossier_id)
        .order_by(DossierDebtor.position, Debtor.id)
        .tuples()
    ):
        address = (
            DebtorAddress.select(DebtorAddress.country, DebtorAddress.postcode)
            .where(DebtorAddress.debtor == debtor_id, DebtorAddress.is_current == True)  # noqa: E712
            .order_by(DebtorAddress.id.desc())
            .first()
        )
        distance = distance_of_address(address.country, address.postcode) if address else None
        parties.append(ServedParty(debtor_id, name or "", distance))
    return parties


def test_the_reads_written_once_give_what_peewee_gives_on_a_demo_base(demo_base):
    """get_dossier, served_parties, a user by login and an act's first debtor, address and
    ticked mentions read with their SQL written once (services/plain.Prepared, BaseModel.by_id):
    the very dataclasses, field by field, on every dossier of a demo base."""
    from clerc_tui.models import (
        AmicableEnrolment,
        ClaimItem,
        DebtorAddress,
        Dossier,
        DossierDebtor,
        Etude,
        LedgerEntry,
        PaymentPlan,
    )
    from clerc_tui.models.acts import Act, ActMention
    from clerc_tui.models.solvency import SolvencyFact
    from clerc_tui.rules.money import ZERO
    from clerc_tui.services import acts, amicable, billing, plans, recovery_fees, solvency
    from clerc_tui.services.context import UserInfo, identify, user_by_login
    from clerc_tui.services.deadlines import served_parties
    from clerc_tui.services.dossiers import get_dossier
    from tests.conftest import TODAY

    demo_base(dossiers=30, seed=3, today=TODAY)
    ids = [d.id for d in Dossier.select(Dossier.id).order_by(Dossier.id)]
    assert len(ids) == 30
    seen = {
        "addresses": 0,
        "contacts": 0,
        "accounts": 0,
        "assets": 0,
        "deadlines": 0,
        "events": 0,
        "clercs": 0,
        "facts": 0,
        "enrolments": 0,
        "plans": 0,
        "fee lines": 0,
    }
    actor = identify()
    made = 0
    for dossier_id in ids:  # two payment plans (the demo of 30 has none)
        try:
            proposal = plans.propose(dossier_id, TODAY, count=4, first_on=TODAY + timedelta(days=10))
            plans.create_plan(
                actor,
                dossier_id,
                "amiable",
                today=TODAY,
                expected_total=proposal.proposal.total,
                count=4,
                first_on=TODAY + timedelta(days=10),
            )
        except ClercError:  # a dossier with nothing left to spread
            continue
        made += 1
        if made == 2:
            break
    for dossier_id in ids:
        view = get_dossier(dossier_id)
        assert view == _dossier_view_as_peewee_reads_it(dossier_id)
        assert served_parties(dossier_id) == _parties_as_peewee_reads_them(dossier_id)
        for detail in view.debtors:
            seen["addresses"] += len(detail.addresses)
            seen["contacts"] += len(detail.contacts)
            seen["accounts"] += len(detail.bank_accounts)
            seen["assets"] += len(detail.assets)
        seen["deadlines"] += len(view.deadlines)
        seen["events"] += len(view.events)
        seen["clercs"] += view.clerc is not None
        link = (
            DossierDebtor.select().where(DossierDebtor.dossier == dossier_id).order_by(DossierDebtor.position).first()
        )
        (first,) = acts._FIRST_LINK.rows(dossier_id)
        assert first.__data__ == link.__data__ and first.debtor.__data__ == link.debtor.__data__
        address = (
            DebtorAddress.select()
            .where(DebtorAddress.debtor == link.debtor_id, DebtorAddress.is_current == True)  # noqa: E712
            .order_by(DebtorAddress.id)
            .first()
        )
        assert [a.__data__ for a in acts._CURRENT_ADDRESS.rows(link.debtor_id)] == (
            [address.__data__] if address else []
        )
        ids_of_debtors = DossierDebtor.select(DossierDebtor.debtor).where(DossierDebtor.dossier == dossier_id)
        ids_of_debtors = ids_of_debtors.order_by(DossierDebtor.position, DossierDebtor.id)
        assert solvency._DEBTOR_IDS.rows(dossier_id) == [(d.debtor_id,) for d in ids_of_debtors]
        for (debtor_id,) in solvency._DEBTOR_IDS.rows(dossier_id):
            facts = (
                SolvencyFact.select(SolvencyFact, User.login)
                .join(User, on=(SolvencyFact.recorded_by == User.id))
                .where(SolvencyFact.debtor == debtor_id)
                .order_by(SolvencyFact.id)
                .objects()
            )
            expected = [(f.__data__, f.login) for f in facts]
            assert [(f.__data__, f.login) for f in solvency._RECORDED.rows(debtor_id)] == expected
            seen["facts"] += len(expected)
        claims = ClaimItem.select().where(ClaimItem.dossier == dossier_id)
        assert billing.claim_amount(dossier_id) == sum((c.amount for c in claims), ZERO)
        fee_lines = (
            LedgerEntry.select()
            .where(LedgerEntry.dossier == dossier_id, LedgerEntry.kind.in_(("fee", "reversal")))
            .order_by(LedgerEntry.id)
        )
        expected_fees = [e.__data__ for e in fee_lines]
        assert [e.__data__ for e in recovery_fees._FEES_AND_REVERSALS.rows(dossier_id)] == expected_fees
        seen["fee lines"] += len(expected_fees)
        enrolled = AmicableEnrolment.get_or_none(AmicableEnrolment.dossier == dossier_id)
        assert [e.__data__ for e in amicable._ENROLMENT.rows(dossier_id)] == ([enrolled.__data__] if enrolled else [])
        seen["enrolments"] += enrolled is not None
        of_dossier = PaymentPlan.select().where(PaymentPlan.dossier == dossier_id).order_by(PaymentPlan.id.desc())
        assert [p.__data__ for p in plans._PLANS_OF.rows(dossier_id)] == [p.__data__ for p in of_dossier]
        seen["plans"] += len(of_dossier)
    assert plans.any_in_force() == PaymentPlan.select().where(PaymentPlan.status == "actif").exists()
    assert solvency.stale_months() == Etude.select().order_by(Etude.id).first().solvency_stale_months
    assert all(seen.values()), seen  # each list read holds rows somewhere in the demo
    for user in User.select():
        assert user_by_login(user.login) == plain(UserInfo, user)
    assert user_by_login("personne") is None
    drafted = acts.draft_act(actor, ids[0], "commandement_saisie_vente", today=TODAY)
    manual = [state.mention.id for state in acts.act_view(drafted.id).draft.states if state.mention.manual]
    assert len(manual) >= 2
    acts.tick(actor, drafted.id, manual[0])
    acts.tick(actor, drafted.id, manual[1])
    acts.tick(actor, drafted.id, manual[1], ticked=False)  # ticked then unticked: not among them
    for act in Act.select():
        ticked = ActMention.select().where(ActMention.act == act.id, ActMention.ticked == True)  # noqa: E712
        assert acts._ticks(act) == frozenset(t.mention_id for t in ticked)
    assert acts._ticks(Act.by_id(drafted.id)) == {manual[0]}
