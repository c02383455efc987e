"""What the tests' child processes run.

multiprocessing's "spawn" starts a new interpreter that imports the module of its target: a
target defined in a test module makes each child import pytest, hypothesis and the test's
fixtures too (0.5 s of CPU per child against 0.14 s for this module, which imports only clerc).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal


def bill(target: str, dossier_id: int, count: int, fail_every: int, today: date, queue) -> None:
    """Bill `count` fees with invoice numbers on the base `target`; every `fail_every`-th is
    rolled back after its number was taken (the number must come back, not leave a gap).
    Puts the numbers of the invoices committed on `queue`."""
    from clerc_tui.models.db import open_database, write_transaction
    from clerc_tui.services import billing
    from clerc_tui.services.context import identify

    open_database(target)
    actor = identify()
    numbers = []
    for n in range(count):
        try:
            with write_transaction():
                entry = billing.record_charge(
                    actor, dossier_id, kind="fee", on=today, amount=Decimal("10.00"), label=f"Acte {n}", today=today
                )
                if n % fail_every == fail_every - 1:
                    raise RuntimeError("rolled back")
            numbers.append(entry.document_number)
        except RuntimeError:
            pass
    queue.put(numbers)
