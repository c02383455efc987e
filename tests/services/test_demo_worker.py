"""The demo's second process reads the builder's rounds ahead in a thread (demo/worker.py)."""

import io
import pickle

import pytest

from clerc_tui.demo.worker import READ_AHEAD, _messages


def _stream(*messages, cut: bool = False) -> io.BytesIO:
    data = b"".join(pickle.dumps(message) for message in messages)
    return io.BytesIO(data[:-3] if cut else data)


def test_the_rounds_come_in_order_up_to_the_final_none_and_nothing_after_it_is_read():
    rounds = [[(n, "execution")] for n in range(3 * READ_AHEAD)]
    inbox = _stream(*rounds, None, ["after the end"])
    assert list(_messages(inbox)) == rounds


def test_a_builder_gone_midway_stops_the_child_with_the_reading_error():
    # The builder killed: its pipe ends in the middle of a round (or between two). The child must
    # stop (EOFError: worker.main removes its scratch file), not wait for ever nor take half a round.
    received = []
    with pytest.raises((EOFError, pickle.UnpicklingError)):
        for message in _messages(_stream([1], [2], [3], cut=True)):
            received.append(message)
    assert received == [[1], [2]]
    with pytest.raises(EOFError):
        list(_messages(_stream([1])))


def test_the_facts_are_sent_in_the_order_the_walker_takes_them():
    # The child passes each dossier's facts by position (worker.FACTS order): a fact added or moved
    # on one side only would walk every dossier with the wrong facts.
    import inspect

    from clerc_tui.demo.deadlines import DeadlineWalker
    from clerc_tui.demo.worker import FACTS

    assert tuple(inspect.signature(DeadlineWalker.dossier).parameters)[2:] == FACTS


def test_the_walker_takes_each_steps_rules_as_deadlines_for_step_computes_them():
    # The walker caches each rule's result by (rule, start, zone) and so picks a step's rules itself
    # (DeadlineWalker._computed): the same rules, in the same order, from the same start as
    # deadlines_for_step, for every step it walks, every fact it draws, days around holidays and
    # week-ends, both zones.
    import random
    from datetime import date, timedelta

    from clerc_tui.demo.deadlines import FACT_STEPS, PATHS, DayTexts, DeadlineWalker
    from clerc_tui.errors import InvalidInput
    from clerc_tui.rules.procedures import deadlines_for_step

    hearing = date(2025, 3, 3).toordinal()
    options = {
        ("injonction_de_payer", "signification"): "served_in_person",
        ("injonction_de_payer", "premier_acte_execution"): "served_in_person",
        ("saisie_attribution", "acte_saisie"): "bank_account",
        ("signification_jugement", "jugement"): "judgment_by_default",
        ("signification_jugement", "signification"): "short_appeal_delay",
        ("expulsion", "commandement_payer_clause_resolutoire"): "lease_from_2023_07_29",
        ("saisie_vente", "commandement"): "small_claim_in_dwelling",
    }
    assert set(options) | {("expulsion", "assignation")} == FACT_STEPS
    walker = DeadlineWalker(
        random.Random(1), date(2026, 3, 15).toordinal(), DayTexts(date.isoformat).__getitem__, None, None, []
    )
    days = [date(2024, 12, 10) + timedelta(days=n) for n in range(40)]
    days += [date(2025, 4, 1) + timedelta(days=n) for n in range(60)]
    steps = {(procedure_id, step_id) for procedure_id, paths in PATHS.items() for path in paths for step_id in path}
    compared = 0
    for procedure_id, step_id in sorted(steps):
        if (procedure_id, step_id) == ("expulsion", "assignation"):
            variants: list[tuple] = [(("hearing_on", hearing + shift),) for shift in (0, 5, 40)]
        elif (procedure_id, step_id) in options:
            variants = [((options[procedure_id, step_id], value),) for value in (True, False)]
        else:
            variants = [()]
        for zone in ("metropole", "alsace-moselle"):
            for facts in variants:
                values = {name: date.fromordinal(v) if name == "hearing_on" else v for name, v in facts}
                for day in days:
                    expected = tuple(
                        walker._entry(c)
                        for c in deadlines_for_step(procedure_id, step_id, day, zone=zone, facts=values)
                    )
                    assert walker._computed((procedure_id, step_id, zone, facts), day.toordinal()) == expected
                    compared += len(expected)
    assert compared > 5_000  # 7,600 deadlines
    with pytest.raises(InvalidInput):  # a hearing's date missing: refused as deadlines_for_step refuses it
        walker._computed(("expulsion", "assignation", "metropole", ()), days[0].toordinal())


def test_the_second_process_imports_what_it_runs_and_not_the_builder_nor_every_country():
    """Its start is paid by every demo: `clerc_tui.demo` names the builder lazily (build.py: peewee,
    the services, ~40 ms of CPU) and the calendar loads the `holidays` library's France alone
    (its package imports ~250 countries, ~0.1 s): rules/calendar._france."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from datetime import date\n"
        "import clerc_tui.demo.worker\n"
        "from clerc_tui.rules.calendar import Period, compute_last_day\n"
        "assert compute_last_day(date(2026, 12, 10), Period(days=15)).due == date(2026, 12, 28)\n"  # Noël, a weekend
        "heavy = ('clerc_tui.demo.build', 'peewee')\n"
        "print(sorted(m for m in sys.modules if m in heavy or m.startswith('holidays.countries')))\n"
    )
    result = subprocess.run([sys.executable, "-P", "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['holidays.countries.france']"]
