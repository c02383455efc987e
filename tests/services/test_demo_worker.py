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
