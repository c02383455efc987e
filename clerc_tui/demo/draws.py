"""The demo's random generator: `random.Random`'s very numbers, drawn with fewer Python calls.

`Random.randint` goes through `randrange` (argument checks, three Python frames) before
`_randbelow`; the demo draws some millions of integers (~0.6 µs each). `Draws.randint` and
`Draws.choice` run `_randbelow_with_getrandbits` inline: the same calls to `getrandbits`
with the same widths, hence the same numbers and the same state after them, so a seed
still gives the same étude (tests/services/test_demo_draws.py compares them draw by draw).
"""

import random
from typing import Any

# "HH:MM:00" for every hour and minute, made once (the demo writes ~700,000 times of day).
_CLOCK = tuple(tuple(f"{hour:02d}:{minute:02d}:00" for minute in range(60)) for hour in range(24))


class Draws(random.Random):
    def randint(self, a: int, b: int) -> int:
        n = b - a + 1
        if n <= 0:
            raise ValueError(f"empty range for randint({a}, {b})")
        getrandbits = self.getrandbits
        k = n.bit_length()
        r = getrandbits(k)
        while r >= n:
            r = getrandbits(k)
        return a + r

    def choice(self, seq: Any) -> Any:  # typeshed's own parameter type is private (_typeshed)
        n = len(seq)
        if not n:
            raise IndexError("Cannot choose from an empty sequence")
        getrandbits = self.getrandbits
        k = n.bit_length()
        r = getrandbits(k)
        while r >= n:
            r = getrandbits(k)
        return seq[r]

    def clock(self, first_hour: int, last_hour: int) -> str:
        """`f"{randint(first_hour, last_hour):02d}:{randint(0, 59):02d}:00"`: the same two draws
        (inline, as randint above), the text from a table rather than formatted each time."""
        getrandbits = self.getrandbits
        n = last_hour - first_hour + 1
        k = n.bit_length()
        hour = getrandbits(k)
        while hour >= n:
            hour = getrandbits(k)
        minute = getrandbits(6)  # randint(0, 59): 60 values, 6 bits
        while minute >= 60:
            minute = getrandbits(6)
        return _CLOCK[first_hour + hour][minute]
