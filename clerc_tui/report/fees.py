"""The proportional recovery fees (A444-31 / A444-32) as text, for the CLI and the calculator."""

from __future__ import annotations

from clerc_tui.rules.french import format_amount
from clerc_tui.rules.tariff import RecoveryFee

WHO = {"A444-31": "débiteur", "A444-32": "créancier"}


def fee_text(fee: RecoveryFee) -> str:
    who = WHO.get(fee.article, "")
    if fee.exempt:
        return f"{fee.article} ({who}) : {fee.exempt}.\n"
    dep = f" (DEP imputé {format_amount(fee.dep)})" if fee.dep else ""
    text = (
        f"{fee.article} ({who}) : {format_amount(fee.ht)} HT{dep}, TVA {format_amount(fee.tva)}, "
        f"{format_amount(fee.ttc)} TTC\n"
    )
    return text + "".join(f"    {mark}\n" for mark in fee.marks)


def fees_text(debtor: RecoveryFee, creditor: RecoveryFee) -> str:
    return fee_text(debtor) + fee_text(creditor)
