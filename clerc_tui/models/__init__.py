"""Peewee models. The schema itself is made by `models.migrations`, never by create_tables.

Each model's module is imported when one of its models is first named here (`from
clerc_tui.models import Dossier`, PEP 562): the dashboard's first paint needs four of the
twelve (~3 % of clerc's start-up). `open_database` then imports all of them (`load_all`), as
importing this package did before: a model's back-references (`dossier.ledger_entries`,
`dossier.payment_plans`…) exist only once the module declaring the foreign key is imported.
Only the app's start opens the base without them and imports them once the dashboard is
painted, or at the first key if sooner (app.ClercApp).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clerc_tui.models.amicable import AmicableContact, AmicableEnrolment, AmicableOptout, AmicableSend
    from clerc_tui.models.bank import BankLine, BankStatement
    from clerc_tui.models.dossier import ClaimItem, Dossier, DossierDebtor
    from clerc_tui.models.etude import Etude, Sequence, User
    from clerc_tui.models.imports import DossierSource, ImportMapping
    from clerc_tui.models.ledger import DocumentSnapshot, DossierAccount, LedgerEntry, RemittanceRun
    from clerc_tui.models.parties import (
        Creditor,
        Debtor,
        DebtorAddress,
        DebtorAsset,
        DebtorBankAccount,
        DebtorContact,
        DebtorDependant,
    )
    from clerc_tui.models.plans import PaymentPlan, PaymentPlanInstalment
    from clerc_tui.models.rates import EtudeRate
    from clerc_tui.models.solvency import SolvencyFact
    from clerc_tui.models.tracking import AuditEntry, Deadline, DeadlineText, TimelineEvent

# Where each model is declared.
_MODULES = {
    "AmicableContact": "amicable",
    "AmicableEnrolment": "amicable",
    "AmicableOptout": "amicable",
    "AmicableSend": "amicable",
    "AuditEntry": "tracking",
    "BankLine": "bank",
    "BankStatement": "bank",
    "ClaimItem": "dossier",
    "Creditor": "parties",
    "Deadline": "tracking",
    "DeadlineText": "tracking",
    "Debtor": "parties",
    "DebtorAddress": "parties",
    "DebtorAsset": "parties",
    "DebtorBankAccount": "parties",
    "DebtorContact": "parties",
    "DebtorDependant": "parties",
    "DocumentSnapshot": "ledger",
    "Dossier": "dossier",
    "DossierAccount": "ledger",
    "DossierDebtor": "dossier",
    "DossierSource": "imports",
    "Etude": "etude",
    "EtudeRate": "rates",
    "ImportMapping": "imports",
    "LedgerEntry": "ledger",
    "PaymentPlan": "plans",
    "PaymentPlanInstalment": "plans",
    "RemittanceRun": "ledger",
    "Sequence": "etude",
    "SolvencyFact": "solvency",
    "TimelineEvent": "tracking",
    "User": "etude",
}

__all__ = [
    "AmicableContact",
    "AmicableEnrolment",
    "AmicableOptout",
    "AmicableSend",
    "AuditEntry",
    "BankLine",
    "BankStatement",
    "ClaimItem",
    "Creditor",
    "Deadline",
    "DeadlineText",
    "Debtor",
    "DebtorAddress",
    "DebtorAsset",
    "DebtorBankAccount",
    "DebtorContact",
    "DebtorDependant",
    "DocumentSnapshot",
    "Dossier",
    "DossierAccount",
    "DossierDebtor",
    "DossierSource",
    "Etude",
    "EtudeRate",
    "ImportMapping",
    "LedgerEntry",
    "PaymentPlan",
    "PaymentPlanInstalment",
    "RemittanceRun",
    "Sequence",
    "SolvencyFact",
    "TimelineEvent",
    "User",
]


def __getattr__(name: str) -> object:
    module = _MODULES.get(name)
    if module is None:  # a submodule (`from clerc_tui.models import chain`): then imported as such
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # asked once
    return value


def load_all() -> None:
    """Every model imported, with its back-references (open_database calls it)."""
    for module in dict.fromkeys([*_MODULES.values(), "acts"]):  # acts: Act, ActTick (dossier.acts)
        import_module(f"{__name__}.{module}")
