"""Peewee models. The schema itself is made by `models.migrations`, never by create_tables."""

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
