"""The demo's random generator: `random.Random`'s very numbers, drawn with fewer Python calls.

`Random.randint` goes through `randrange` (argument checks, three Python frames) before
`_randbelow`; the demo draws some millions of integers (~0.6 µs each). `Draws.randint` and
`Draws.choice` run `_randbelow_with_getrandbits` inline: the same calls to `getrandbits`
with the same widths, hence the same numbers and the same state after them, so a seed
still gives the same étude (tests/services/test_demo_draws.py compares them draw by draw).
"""

import random
from typing import Any


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
