"""The garbage collector once per screen test, at its end, instead of during it.

A screen test builds an app (a few hundred widgets, their styles, messages, timers: objects that
refer to each other) that lives until the test ends, then is garbage in cycles, which only the
collector frees. Collected as usual (tests/conftest.py: a young generation of 10,000 objects), each
of those objects was walked by several passes while the app still lived: a young pass (it survived),
a middle one (it survived again), then the full passes until one freed it — ~10 % of the CPU of
tests/screens and tests/widgets, `gc.callbacks`: 1.6 s of 14 s for test_forms, test_keys and
test_dossier_screens in one process, one full pass up to 0.27 s.

Here the automatic collection is off while the test runs and its young generation is collected
once when it ends, its app gone by then: the app's cycles are walked once and freed at once, never
promoted to the older generations that every later full pass walks (0.9 s there; the process's peak
memory lower, 103 MB against 117). What a test sees does not change: only when unreachable cycles
are freed does, and a test whose subject is what the collector frees or leaves says so itself
(tests/widgets/test_prerendered.py turns it off, and on again: the rest of its test collects as usual)."""

import gc
from collections.abc import Iterator


def collected_at_the_end() -> Iterator[None]:
    """For an autouse fixture: no automatic collection during the test, its young generation
    collected when it is done; the collector as it was before the test afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect(0)
        if enabled:
            gc.enable()
