"""tests/callbacks.py: the count of a callback's arguments kept per function's code gives what
`inspect.signature` gives, for each kind of callable Textual is handed."""

import functools
import inspect

from textual._callback import count_parameters

from tests import callbacks


def _made(n: int):
    """A new closure at each call, as Textual's and clerc's callbacks often are."""
    if n == 0:
        return lambda: None
    if n == 1:
        return lambda a: a
    return lambda a, b=2, *rest, c, **more: a


class _Owner:
    def method(self, a, b):
        return a

    def other(self, a, b=None, *, c=None):
        return a

    late = functools.partialmethod(other, 1)  # made from `other`, read through its partialmethod
    fewer = functools.partialmethod(method, 1)


def test_the_counts_are_inspects_whatever_the_callable():
    callbacks.install()  # idempotent: tests/conftest.py installed it already
    owner = _Owner()

    def wrapper(*args, **kwargs):
        return owner.method(*args, **kwargs)

    def wrapping(*args, **kwargs):  # the same kind of code as `wrapper`, but read as `other`
        return owner.other(*args, **kwargs)

    wraps = functools.wraps(_Owner.other)(wrapping)
    signed = _made(1)
    signed.__signature__ = inspect.signature(_made(0))
    callables = [
        *(_made(n) for n in (0, 1, 2, 0, 1, 2)),  # the same code twice: the second from the cache
        owner.method,
        _Owner().method,
        owner.other,
        owner.late,
        owner.fewer,
        wrapper,
        wraps,
        signed,
        functools.partial(owner.other, 1),
        functools.partial(_made(2), 1),
        _Owner,
    ]
    for callback in callables:
        assert count_parameters(callback) == len(inspect.signature(callback).parameters), callback
    assert [count_parameters(c) for c in (owner.late, owner.fewer, wrapper, wraps, signed)] == [2, 1, 2, 4, 0]
