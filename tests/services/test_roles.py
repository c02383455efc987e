"""Roles enforced inside the services (issue 10, item 9): every permission of
data/permissions.toml × every role, each calling the real service on a real base."""

from datetime import timedelta
from decimal import Decimal
from types import MappingProxyType

import pytest

from clerc_tui.errors import AccessDenied
from clerc_tui.models import AuditEntry, LedgerEntry, User
from clerc_tui.models.db import close_database
from clerc_tui.rules import acts as act_rules
from clerc_tui.rules import permissions
from clerc_tui.rules.vocabulary import ROLES
from clerc_tui.services import acts, billing, etude, payments, rates, remittances, users
from clerc_tui.services.context import identify, os_login
from clerc_tui.services.creditors import set_creditor_bank
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, fresh_base, make_input

# `etude_template` is built once per worker that runs these tests: keep them on one.
pytestmark = pytest.mark.xdist_group("roles")

IBAN = "FR7630004000310001234567865"

# The étude's choice, written out by hand (docs/trust.md, « Rôles »): the test fails if the
# table is changed without this line, or if a service forgets to ask.
C, PC, CL, CO, LE = "commissaire", "principal_clerc", "clerc", "comptable", "lecture"
EXPECTED = {
    "write": {C, PC, CL, CO},
    "payment.record": {C, PC, CL, CO},
    "payment.reverse": {C, PC, CO},
    "refund.record": {C, PC, CO},
    "remittance.run": {C, PC, CO},
    "creditor.bank": {C, PC, CO},
    "rate.add": {C, PC},
    "tariff.figure": {C, PC},
    "act.validate": {C, PC},
    "act.serve": {C},
    "etude.settings": {C, PC},
    "users.manage": {C},
}


def test_the_permission_table_is_the_one_documented():
    table = permissions.table()
    assert {pid: set(p.roles) for pid, p in table.permissions.items()} == EXPECTED
    assert all(p.label and p.reason for p in table.permissions.values())
    assert table.refusal("clerc", "act.validate") == (
        "Action réservée à : principal clerc, commissaire (vous êtes clerc) — valider un acte."
    )


def test_the_table_refuses_an_unknown_role():
    text = permissions.resources.files("clerc_tui.data").joinpath("permissions.toml").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="rôle inconnu : stagiaire"):
        permissions.load_table(text.replace('roles = ["commissaire"]', 'roles = ["stagiaire"]'))


@pytest.fixture(scope="session")
def etude_template(tmp_path_factory, demo_template):
    """A demo base (its OS user is commissaire, the administrateur) plus one user per role,
    and a fresh dossier paid 1 300 € on a claim of 1 234,56 € (65,44 € overpaid): built once
    per test process, each test working on its own copy (`etude_base`)."""
    path = fresh_base(demo_template(dossiers=30, seed=3, today=TODAY), tmp_path_factory.mktemp("etude") / "demo.db")
    admin = identify()
    assert admin.role == "commissaire"
    who = {}
    for role in ROLES:
        login = f"r_{role}"
        users.add_user(login, f"Essai {role}", role, actor=admin)
        who[role] = identify(login)
    dossier = create_dossier(admin, make_input(), TODAY)
    payment = payments.record_payment(admin, dossier.id, on=TODAY, amount="1300", mode="virement", today=TODAY)
    close_database()
    return path, (admin, MappingProxyType(who), dossier, payment)  # shared: read-only


@pytest.fixture
def etude_base(tmp_path, etude_template):
    template, made = etude_template
    fresh_base(template, tmp_path / "demo.db")
    yield made
    close_database()


def _verifiable_act(admin):
    from clerc_tui.models import Dossier

    dossier = Dossier.select().where(Dossier.title_kind == "jugement").order_by(Dossier.id).first()
    act = acts.draft_act(admin, dossier.id, "commandement_saisie_vente", today=TODAY)
    for state in acts.act_view(act.id).draft.states:
        if state.mention.manual:
            acts.tick(admin, act.id, state.mention.id)
    return act


def _next_ecb_period():
    end = max(r.valid_to for r in rates.current_rates().ecb.rows)  # shipped + the demo's own rows
    return end + timedelta(days=1), end + timedelta(days=30)


def _verify(actor, admin, dossier, payment):
    return acts.verify(actor, _verifiable_act(admin).id, today=TODAY)


def _serve(actor, admin, dossier, payment):
    act = acts.verify(admin, _verifiable_act(admin).id, today=TODAY)
    mode = act_rules.act_type(act.act_type).service_modes[0]
    return acts.serve(actor, act.id, TODAY, mode, today=TODAY)


def _add_rate(actor, admin, dossier, payment):
    start, end = _next_ecb_period()
    return rates.add_etude_rate(
        actor,
        table="ecb",
        valid_from=start,
        valid_to=end,
        value="2.15",
        source="BCE, communiqué du taux de refinancement",
    )


def _batch(actor, admin, dossier, payment):
    line = payments.check_line(dossier.reference, "10", "26/11/2026", "virement", today=TODAY)
    return payments.record_batch(actor, [line], today=TODAY)


# (permission, service called, call(actor, admin, dossier, payment)): each service that asks.
CASES = [
    ("write", "dossiers.create_dossier", lambda a, *_: create_dossier(a, make_input(), TODAY)),
    (
        "write",
        "billing.record_charge",
        lambda a, _adm, d, _p: billing.record_charge(
            a, d.id, kind="disbursement", on=TODAY, amount="12.50", label="Frais postaux", today=TODAY
        ),
    ),
    (
        "payment.record",
        "payments.record_payment",
        lambda a, _adm, d, _p: payments.record_payment(a, d.id, on=TODAY, amount="10", mode="virement", today=TODAY),
    ),
    ("payment.record", "payments.record_batch", _batch),
    (
        "payment.reverse",
        "payments.reverse_entry",
        lambda a, _adm, _d, p: payments.reverse_entry(a, p.id, "Virement rejeté par la banque", TODAY, today=TODAY),
    ),
    (
        "refund.record",
        "payments.record_refund",
        lambda a, _adm, d, _p: payments.record_refund(
            a, d.id, on=TODAY, amount="10", payer="Hélène Lefèvre", reason="Trop-perçu", today=TODAY
        ),
    ),
    (
        "remittance.run",
        "remittances.execute_run",
        lambda a, _adm, d, _p: remittances.execute_run(a, TODAY, today=TODAY, creditor_id=d.creditor_id),
    ),
    (
        "remittance.run",
        "remittances.record_remittance",
        lambda a, _adm, d, _p: remittances.record_remittance(a, d.id, on=TODAY, amount="10", today=TODAY),
    ),
    (
        "creditor.bank",
        "creditors.set_creditor_bank",
        lambda a, _adm, d, _p: set_creditor_bank(a, d.creditor_id, IBAN, "BNPAFRPPXXX"),
    ),
    ("rate.add", "rates.add_etude_rate", _add_rate),
    (
        "tariff.figure",
        "billing.bill_act (émolument saisi)",
        lambda a, _adm, d, _p: billing.bill_act(a, d.id, "assignation", TODAY, base=Decimal("100.00"), today=TODAY),
    ),
    ("act.validate", "acts.verify", _verify),
    ("act.serve", "acts.serve", _serve),
    ("etude.settings", "etude.set_fee_base_interest", lambda a, *_: etude.set_fee_base_interest(a, True)),
    ("users.manage", "users.add_user", lambda a, *_: users.add_user("nouveau", "Nina Nouveau", "clerc", actor=a)),
    ("users.manage", "users.set_role", lambda a, *_: users.set_role("r_clerc", "comptable", actor=a)),
    ("users.manage", "users.deactivate", lambda a, *_: users.deactivate("r_clerc", actor=a)),
]


def test_every_permission_is_asked_by_a_service_here():
    assert {permission for permission, _name, _call in CASES} == set(permissions.table().permissions)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("permission", "service", "call"), CASES, ids=[c[1] for c in CASES])
def test_each_service_asks_its_permission(etude_base, permission, service, call, role):
    admin, who, dossier, payment = etude_base
    actor = who[role]
    if role in EXPECTED[permission]:
        call(actor, admin, dossier, payment)  # allowed: the real service does its work
        return
    # Refused before anything is written: the message names the roles allowed and the user's.
    audits, entries = AuditEntry.select().count(), LedgerEntry.select().count()
    with pytest.raises(AccessDenied) as refused:
        call(actor, admin, dossier, payment)
    assert refused.value.message == permissions.table().refusal(role, permission)
    mine = permissions.table().role_names[role]
    assert f"(vous êtes {mine})" in refused.value.message
    allowed = [permissions.table().role_names[r] for r in EXPECTED[permission]]
    assert all(name in refused.value.message.split("(vous")[0] for name in allowed)
    # The act and the users helpers write (draft, ticks) with the admin first: count after them.
    if permission not in ("act.validate", "act.serve"):
        assert (AuditEntry.select().count(), LedgerEntry.select().count()) == (audits, entries)


def test_reversing_a_fee_stays_everyday_work(etude_base):
    """A fee or disbursement booked by mistake: the clerc cancels it (permission write);
    money that came in or went out is the accounts' (payment.reverse)."""
    _admin, who, dossier, _payment = etude_base
    charge = billing.record_charge(
        who["clerc"], dossier.id, kind="disbursement", on=TODAY, amount="12.50", label="Frais postaux", today=TODAY
    )
    payments.reverse_entry(who["clerc"], charge.id, "Saisi deux fois", TODAY, today=TODAY)
    with pytest.raises(AccessDenied, match="lecture seule"):
        payments.reverse_entry(who["lecture"], charge.id, "Saisi deux fois", TODAY, today=TODAY)


def test_billing_at_the_tariff_needs_no_tariff_permission(etude_base):
    _admin, who, dossier, _payment = etude_base
    # A444-11 assignation at the 2024 tariff (18,28 € × coefficient): nothing typed by hand.
    entry = billing.bill_act(who["clerc"], dossier.id, "assignation", TODAY, today=TODAY)
    assert entry.amount > 0


# --- users: the last administrateur, deactivation ---------------------------------------


def test_the_last_active_administrateur_stays(etude_base):
    admin, _who, _dossier, _payment = etude_base
    # Two commissaires: the demo's own (Maître …) and this OS account; plus r_commissaire.
    others = [u for u in User.select().where(User.role == "commissaire", User.login != admin.login)]
    for user in others:
        users.deactivate(user.login, actor=admin)
    with pytest.raises(AccessDenied, match=r"dernier administrateur actif.*désactivation refusée"):
        users.deactivate(admin.login, actor=admin)
    with pytest.raises(AccessDenied, match=r"dernier administrateur actif.*changement de rôle refusé"):
        users.set_role(admin.login, "principal_clerc", actor=admin)
    assert User.get(User.login == admin.login).active and User.get(User.login == admin.login).role == "commissaire"
    users.set_role("r_clerc", "commissaire", actor=admin)  # a second one: now he may step down
    users.set_role(admin.login, "principal_clerc", actor=admin)
    assert identify().role == "principal_clerc"


def test_a_deactivated_user_is_refused_at_start_but_kept_with_his_audit(etude_base):
    admin, who, dossier, _payment = etude_base
    billing.record_charge(
        who["clerc"], dossier.id, kind="disbursement", on=TODAY, amount="3", label="Copie", today=TODAY
    )
    users.deactivate("r_clerc", actor=admin)
    with pytest.raises(AccessDenied, match=r"« r_clerc » \(Essai clerc\) est désactivé"):
        identify("r_clerc")
    assert User.get(User.login == "r_clerc").active is False  # never deleted
    assert AuditEntry.select().where(AuditEntry.user_login == "r_clerc").exists()
    change = AuditEntry.select().where(AuditEntry.action == "user.deactivate").get()
    assert (change.user_login, '"active": true' in change.before, '"active": false' in change.after) == (
        admin.login,
        True,
        True,
    )
    users.set_role("r_clerc", "clerc", actor=admin)  # a role given again reactivates
    assert identify("r_clerc").role == "clerc"


def test_an_empty_base_takes_its_first_user_then_only_the_administrateur_adds(db_path):
    first = users.add_user(os_login(), "Claire Martin", "clerc")  # bootstrap: no administrateur yet
    with pytest.raises(AccessDenied, match=r"pas d'administrateur actif.*--role commissaire"):
        users.add_user("bdupont", "Bruno Dupont", "clerc")
    users.add_user("mdubois", "Marie Dubois", "commissaire")  # naming the administrateur is allowed
    with pytest.raises(AccessDenied, match=r"Action réservée à : commissaire \(vous êtes clerc\)"):
        users.add_user("bdupont", "Bruno Dupont", "clerc")  # this OS account is the clerc
    users.add_user("bdupont", "Bruno Dupont", "clerc", actor=identify("mdubois"))
    assert first.role == "clerc" and User.select().count() == 3


def test_an_open_session_acts_with_the_role_of_now(etude_base):
    """A session opened as comptable, demoted then deactivated while it runs:
    the services read his role again at each action."""
    admin, who, dossier, payment = etude_base
    session = who["comptable"]
    users.set_role(session.login, "clerc", actor=admin)
    with pytest.raises(AccessDenied, match=r"\(vous êtes clerc\) — annuler un versement"):
        payments.reverse_entry(session, payment.id, "Virement rejeté", TODAY, today=TODAY)
    users.deactivate(session.login, actor=admin)
    with pytest.raises(AccessDenied, match="« r_comptable » \\(Essai comptable\\) est désactivé"):
        payments.record_payment(session, dossier.id, on=TODAY, amount="10", mode="virement", today=TODAY)
    assert not LedgerEntry.select().where(LedgerEntry.reverses == payment.id).exists()
