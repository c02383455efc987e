"""A big CSV's rows checked in a second process while the first one writes them (issue 16 item 1).

Checking a row (rules/import_rows.RowChecker: texts, amounts, dates, SIREN, postcode, e-mail,
phone, duplicates within the file) is pure and needs nothing from the base: a child process
(`python -P -m clerc_tui.services.import_worker`) does it for the whole file and sends the
results back by chunks of `CHUNK` rows, while the parent checks them against the base and
writes its batches; the machine's second core does a third of the work. The child gets the
text the parent decoded (not the file again: the rows checked are the rows shown), the column
of each field and the day; it writes nothing anywhere. Same results as checking in the parent,
in the same order (tests/services/test_imports.py compares both).

A row comes back as the tuple of its fields (pickled and rebuilt faster than the dataclass).
If the child fails, the parent raises a French error and the batches written so far stay (as
after a kill: re-running the import completes the file); killing the parent ends the child
(its output pipe breaks).
"""

from __future__ import annotations

import contextlib
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Generator
from dataclasses import fields
from datetime import date
from operator import attrgetter
from typing import IO

from clerc_tui.errors import ClercError
from clerc_tui.rules.import_rows import ImportRow, Refusal, RowChecker, csv_rows

CHUNK = 500  # rows per message: a few hundred µs of pickling, a steady stream
FIELD_NAMES = tuple(f.name for f in fields(ImportRow))
_FIELDS_OF = attrgetter(*FIELD_NAMES)


def checked_rows(
    text: str, delimiter: str, columns: list[tuple[str, int]], today: date
) -> Generator[ImportRow | Refusal, None, None]:
    """Each data row of the CSV `text`, checked by the child: an ImportRow or its Refusal."""
    with tempfile.TemporaryFile() as errors:  # the child's traceback, never on the user's screen
        process = subprocess.Popen(
            # -P: the current directory is not put first on the child's path (demo/worker.py).
            [sys.executable, "-P", "-m", "clerc_tui.services.import_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert process.stdin is not None and process.stdout is not None
        try:
            try:
                pickle.dump((text, delimiter, columns, today), process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                process.stdin.close()
                while (chunk := pickle.load(process.stdout)) is not None:
                    for item in chunk:
                        yield ImportRow(*item) if len(item) > 3 else Refusal(*item)
            except (EOFError, OSError, pickle.UnpicklingError):
                process.wait()
                raise _failure(process, errors) from None
            if process.wait() != 0:
                raise _failure(process, errors)
        finally:
            if process.poll() is None:  # the parent stopped early (an error, a closed generator)
                process.kill()
                process.wait()
            for stream in (process.stdin, process.stdout):
                with contextlib.suppress(OSError):
                    stream.close()


def _failure(process: subprocess.Popen, errors: IO[bytes]) -> ClercError:
    errors.seek(0)
    lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    cause = lines[-1] if lines else f"code de sortie {process.returncode}"
    return ClercError(
        f"Le contrôle des lignes a échoué ({cause}). Les lots déjà écrits sont gardés : "
        "relancez l'import pour compléter le fichier."
    )


def serve(inbox: IO[bytes], outbox: IO[bytes]) -> None:
    """The child's side: check every row, send the results by chunks, then None."""
    text, delimiter, columns, today = pickle.load(inbox)
    checker = RowChecker(columns, today)
    chunk: list[tuple] = []
    for line, cells in csv_rows(text, delimiter):
        row = checker.check(line, cells)
        chunk.append(_FIELDS_OF(row) if isinstance(row, ImportRow) else (row.line, row.reference, row.reason))
        if len(chunk) >= CHUNK:
            pickle.dump(chunk, outbox, protocol=pickle.HIGHEST_PROTOCOL)
            chunk = []
    pickle.dump(chunk, outbox, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump(None, outbox, protocol=pickle.HIGHEST_PROTOCOL)
    outbox.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
