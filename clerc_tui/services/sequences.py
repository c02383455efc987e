"""The one sequence allocator: continuous numbers per name and year (dossier references,
invoices and credit notes, receipts), stored in the `sequence` table."""

from clerc_tui.models import Sequence
from clerc_tui.services.plain import Prepared

# The number just taken, and the counter moved on, for each entry, invoice or dossier written:
# their SQL written once.
_LAST = Prepared(
    lambda name, year: (
        Sequence.select(Sequence.last).where(Sequence.name == name, Sequence.year == year).limit(1).tuples()
    ),
    2,
)
_NEXT = Prepared(
    lambda name, year: Sequence.update(last=Sequence.last + 1).where(Sequence.name == name, Sequence.year == year),
    2,
)


def allocate(name: str, year: int) -> int:
    """The next number of the `name` sequence for `year` (1 for the first).

    Must run inside the write transaction of the row that carries the number: the increment
    and the row commit or roll back together (no gap), and the write lock taken at BEGIN
    (SQLite IMMEDIATE; the row lock of the UPDATE on PostgreSQL) serialises the writers (no reuse).
    The counter's row is made (at 0) only when the increment finds none: the first number of a
    name and year."""
    if _NEXT.run(name, year) == 0:
        Sequence.insert(name=name, year=year, last=0).on_conflict_ignore().execute()
        _NEXT.run(name, year)
    ((last,),) = _LAST.rows(name, year)
    return int(last)


def allocate_range(name: str, year: int, count: int) -> int:
    """The first of `count` consecutive numbers of the `name` sequence for `year`, taken at once
    (a batch of imported dossiers); same rules as `allocate`."""
    Sequence.insert(name=name, year=year, last=0).on_conflict_ignore().execute()
    Sequence.update(last=Sequence.last + count).where(Sequence.name == name, Sequence.year == year).execute()
    return Sequence.get(Sequence.name == name, Sequence.year == year).last - count + 1
