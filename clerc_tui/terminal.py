"""What clerc writes to the terminal, made shorter without changing what the terminal shows.

Clercs work over SSH on thin lines (issue 12). Textual writes each run of cells in one style as
a complete colour sequence followed by a reset (`ESC[38;2;…;48;2;…m text ESC[0m`, ~40 bytes in
truecolor), every blank as a space, and a line feed before each cursor move. `compact` rewrites
one write of Textual's in the way ncurses and tmux write a screen:

- **colours by difference**: the terminal keeps its current colours; a run is preceded only by
  what differs from the previous run (a row of one style costs one sequence, the next row in the
  same style none), and the reset comes once, at the end of the write;
- **blanks erased, not written**: a run of spaces in plain colours becomes ECH (erase characters,
  `ESC[nX`) and a cursor move forward (`ESC[nC`) when that is shorter, or EL (erase to the end of
  the line, `ESC[K`) when it reaches the right edge. Erased cells take the current background
  colour ("background colour erase", bce): xterm, VTE (GNOME Terminal, Tilix), tmux, screen,
  PuTTY, Windows Terminal, iTerm2, kitty, Konsole, the Linux console do it; a terminal that does
  not would show those blanks in its default background. Never for a run in reverse video,
  underline or strike-through, whose look an erase does not keep;
- **cursor moves only where needed**: a line feed just before an absolute cursor move is
  dropped; a move to where the cursor already is is dropped; a move along the same line is
  written as the shortest of CUP, CUF, CUB and CR.

Anything else (private modes, queries, OSC, unknown sequences) passes through unchanged, after
the colours and the cursor position wanted at that point have been set; a colour sequence it
cannot read (colon sub-parameters) passes through too and makes it forget what it knew. Each
write starts from the terminal's default colours and ends there, so what others write between
two of Textual's (nothing, in clerc) is never affected.

Proven equal by feeding Textual's output and the rewritten one into a terminal emulator (pyte)
and comparing every cell: tests/test_terminal_output.py. Off with `[display] compact_output =
false` in the configuration (docs/architecture.md, « How a table reaches the terminal »).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rich.cells import cell_len

# One token: a CSI sequence (parameters, intermediates, final), an OSC string, another escape,
# a line feed, a carriage return, another control character, or text.
_TOKEN = re.compile(
    r"\x1b\[([0-?]*)([ -/]*)([@-~])"  # CSI: groups 1-3
    r"|(\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?)"  # OSC: group 4
    r"|(\x1b[^\[\]]?)"  # another escape (or a lone ESC at the end): group 5
    r"|(\n)|(\r)"  # groups 6, 7
    r"|([\x00-\x1f\x7f])"  # another control character: group 8
    r"|([^\x00-\x1f\x7f]+)",  # text: group 9
    re.DOTALL,
)
_BLANKS = re.compile(r"( {6,})")  # runs shorter than 6 never gain from an erase

# Attributes an erase keeps the look of (on a blank, bold, dim or italic show nothing).
_ERASABLE = frozenset({1, 2, 3})
# The code that turns an attribute off (22 turns off both bold and dim).
_OFF = {1: 22, 2: 22, 3: 23, 4: 24, 21: 24, 5: 25, 6: 25, 7: 27, 8: 28, 9: 29, 51: 54, 52: 54, 53: 55}
_ATTRIBUTES = frozenset(_OFF)


class Pen(NamedTuple):
    """The colours and attributes the terminal draws with (SGR state)."""

    attributes: frozenset[int] = frozenset()
    fg: tuple[str, ...] | None = None  # the codes that set it, e.g. ("38", "2", "224", "224", "224")
    bg: tuple[str, ...] | None = None


DEFAULT = Pen()


_PENS: dict[tuple[Pen, str], Pen | None] = {}  # what apply_sgr found: the same few sequences come again and again


def apply_sgr(pen: Pen, parameters: str) -> Pen | None:
    """The pen after `ESC[<parameters>m`; None when the sequence is not understood. Equal pens
    come back as the same object (their comparison is then immediate)."""
    key = (pen, parameters)
    found = _PENS.get(key, pen)
    if found is pen and key not in _PENS:
        if len(_PENS) > 4096:
            _PENS.clear()
        found = _read_sgr(pen, parameters)
        if found is not None:
            found = _INTERNED.setdefault(found, found)
        _PENS[key] = found
    return found


_INTERNED: dict[Pen, Pen] = {}


def _read_sgr(pen: Pen, parameters: str) -> Pen | None:
    if ":" in parameters:
        return None
    codes = parameters.split(";") if parameters else ["0"]
    attributes, fg, bg = set(pen.attributes), pen.fg, pen.bg
    i = 0
    while i < len(codes):
        text = codes[i]
        if not text.isdigit():
            if text:
                return None
            text = "0"  # an empty parameter is 0
        code = int(text)
        if code == 0:
            attributes, fg, bg = set(), None, None
        elif code in _ATTRIBUTES:
            attributes.add(code)
        elif code in (22, 23, 24, 25, 27, 28, 29, 54, 55):
            attributes -= {a for a, off in _OFF.items() if off == code}
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fg = (text,)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = (text,)
        elif code == 39:
            fg = None
        elif code == 49:
            bg = None
        elif code in (38, 48):
            kind = codes[i + 1] if i + 1 < len(codes) else ""
            size = {"5": 1, "2": 3}.get(kind)
            if size is None or i + 2 + size > len(codes) or not all(c.isdigit() for c in codes[i + 2 : i + 2 + size]):
                return None
            colour = (text, *codes[i + 1 : i + 2 + size])
            if code == 38:
                fg = colour
            else:
                bg = colour
            i += 1 + size
        else:
            return None
        i += 1
    return Pen(frozenset(attributes), fg, bg)


def _full(pen: Pen) -> list[str]:
    return ["0", *(str(a) for a in sorted(pen.attributes)), *(pen.fg or ()), *(pen.bg or ())]


def sgr_between(old: Pen | None, new: Pen) -> str:
    """The shortest SGR sequence that turns pen `old` (None: unknown) into `new`; "" if equal."""
    if old == new:
        return ""
    if new == DEFAULT:
        return "\x1b[m"
    full = _full(new)
    if old is not None and 2 not in old.attributes - new.attributes:
        codes: list[str] = []
        removed = old.attributes - new.attributes
        added = new.attributes - old.attributes
        offs = sorted({_OFF[a] for a in removed})
        codes += [str(code) for code in offs]
        if 22 in offs:  # also turned off whichever of bold and dim stays
            added |= new.attributes & {1, 2}
        codes += [str(a) for a in sorted(added)]
        if old.fg != new.fg:
            codes += new.fg or ("39",)
        if old.bg != new.bg:
            codes += new.bg or ("49",)
        if len(";".join(codes)) < len(";".join(full)):
            full = codes
    return f"\x1b[{';'.join(full)}m"


def _number(value: int) -> str:
    return "" if value == 1 else str(value)


class Compactor:
    """Rewrites Textual's writes for a screen of `width` × `height` cells (see the module's doc).

    It keeps what it believes each cell of the screen shows (`cells`: the character and how it
    looks; None: unknown) and writes only the cells that differ. Anything it cannot follow (a
    sequence it does not know, text at an unknown place, a line feed that may scroll, a change
    of size) makes it forget the cells concerned, which are then written in full again."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.cells: list[list[tuple[str, Pen] | None]] = []
        self.scrolling_region = False  # set by the program: line feeds are then always written
        self.forget()

    def resize(self, width: int, height: int) -> None:
        if (width, height) != (self.width, self.height):
            self.width, self.height = width, height
            self.forget()

    def forget(self) -> None:
        """The screen is unknown (nothing is skipped until written again)."""
        self.cells = [[None] * self.width for _ in range(self.height)]

    def compact(self, data: str) -> str:
        out: list[str] = []
        emit = out.append
        width, height, cells = self.width, self.height, self.cells
        pen: Pen | None = DEFAULT  # what the terminal draws with; None: unknown
        wanted: Pen | None = DEFAULT  # what the next text must be drawn with; None: what the terminal has
        at: tuple[int, int] | None = None  # where the terminal's cursor is (x, y); None: unknown
        to: tuple[int, int] | None = None  # where the next text goes; None: where the cursor is

        def set_pen() -> None:
            nonlocal pen
            if wanted is not None and pen != wanted:
                emit(sgr_between(pen, wanted))
                pen = wanted

        def move() -> None:
            nonlocal at
            if to is None or to == at:
                return
            x, y = to
            if x >= width:  # the end of the line: nothing is drawn from there before a move
                return
            cup = f"\x1b[{y + 1}H" if x == 0 else f"\x1b[{y + 1};{x + 1}H"
            best = cup
            if at is not None and at[1] == y:
                if x == 0:
                    best = "\r"
                elif x > at[0]:
                    best = min(cup, f"\x1b[{_number(x - at[0])}C", key=len)
                else:
                    best = min(cup, f"\x1b[{_number(at[0] - x)}D", key=len)
            emit(best)
            at = to

        def draw(x: int, y: int, text: str, line_ends: bool) -> None:
            """`text` (one cell per character) at (x, y) in pen `wanted`: only what differs."""
            nonlocal at, to
            assert wanted is not None
            row = cells[y]
            blank = _blank(wanted)
            end = min(x + len(text), width)
            shown = [(ch, blank if ch == " " else wanted) for ch in text[: end - x]]
            edge = end == width and not line_ends  # what follows needs the cursor past the last cell
            if not edge and row[x:end] == shown:
                to = (end, y)
                return
            same = [a == b for a, b in zip(row[x:end], shown, strict=True)]
            if edge:
                same[-1] = False
            erasable = wanted.attributes <= _ERASABLE
            # Erase to the end of the line: the blanks that end the line, from the first that differs.
            stop = len(shown)
            if erasable and line_ends and end == width and x + len(text) == width:
                tail = len(text) - len(text.rstrip(" "))
                first = next((i for i in range(len(shown) - tail, len(shown)) if not same[i]), None)
                if first is not None and len(shown) - first >= 3:
                    stop = first
            i = 0
            while i < stop:
                if same[i]:
                    j = i
                    while j < stop and same[j]:
                        j += 1
                    # A short stretch already shown between two changes costs less rewritten than skipped.
                    gap = text[i:j]
                    if j < stop and i > 0 and len(gap.encode()) <= len(f"\x1b[{_number(j - i)}C"):
                        same[i:j] = [False] * (j - i)
                        continue
                    i = j
                    continue
                j = i
                while j < stop and not same[j]:
                    j += 1
                chunk = text[i:j]
                for number, piece in enumerate(_BLANKS.split(chunk) if erasable and " " * 6 in chunk else [chunk]):
                    if not piece:
                        continue
                    size = len(piece)
                    to = (x + i, y)
                    if number % 2 and x + i + size < width and len(f"\x1b[{size}X") + len(f"\x1b[{size}C") < size:
                        set_pen()
                        move()
                        emit(f"\x1b[{size}X")
                    else:
                        set_pen()
                        move()
                        emit(piece)
                        at = (x + i + size, y) if x + i + size < width else None  # at the edge a wrap is pending
                    row[x + i : x + i + size] = shown[i : i + size]
                    i += size
            if stop < len(shown):
                to = (x + stop, y)
                set_pen()
                move()
                emit("\x1b[K")
                row[x + stop :] = [(" ", blank)] * (width - x - stop)
            to = (end, y)

        tokens = _TOKEN.findall(data)
        count = len(tokens)
        for index, (parameters, intermediates, final, osc, escape, lf, cr, control, text) in enumerate(tokens):
            if text:
                if to is not None and wanted is not None and to[1] < height and to[0] + cell_len(text) <= width:
                    if cell_len(text) == len(text):
                        draw(to[0], to[1], text, _ends_line(tokens, index + 1))
                        continue
                    x, y = to
                    size = cell_len(text)
                    cells[y][x : x + size] = [None] * len(
                        cells[y][x : x + size]
                    )  # wide or combining: rewritten next time
                    set_pen()
                    move()
                    emit(text)
                    at = to = (x + size, y) if x + size < width else None
                    continue
                set_pen()
                move()
                emit(text)
                self.forget()  # drawn somewhere unknown, or past the edge (wrapped, maybe scrolled)
                cells = self.cells
                at = to = None
            elif final:
                if final == "H" and not intermediates and _is_position(parameters):
                    row, _, column = parameters.partition(";")
                    to = (max(int(column or 1), 1) - 1, max(int(row or 1), 1) - 1)
                    continue
                if final == "m" and not intermediates:
                    base = wanted if wanted is not None else (DEFAULT if _resets(parameters) else None)
                    understood = apply_sgr(base, parameters) if base is not None else None
                    if understood is not None:
                        wanted = understood
                        continue
                    set_pen()
                    move()
                    emit(f"\x1b[{parameters}{intermediates}{final}")
                    pen = wanted = None  # not understood: drawn with whatever the terminal has
                    continue
                set_pen()
                move()
                emit(f"\x1b[{parameters}{intermediates}{final}")
                if final == "r":  # a scrolling region: a line feed may scroll above the bottom line
                    self.scrolling_region = True
                private_mode = parameters.startswith("?") and final in "hl"
                if not private_mode or any(m in _SCREEN_MODES for m in parameters[1:].split(";")):
                    self.forget()  # what it does to the screen is not followed here
                    cells = self.cells
                if not private_mode:
                    at = to = None
            elif lf:
                if (
                    index + 1 < count
                    and _is_cup(tokens[index + 1])
                    and to is not None
                    and to[1] < height - 1
                    and not self.scrolling_region
                ):
                    continue  # not on the bottom line (no scroll) and the next move is absolute: it does nothing
                set_pen()  # a line feed at the bottom scrolls: the new line takes the background
                move()
                emit("\n")
                self.forget()
                cells = self.cells
                at = to = None
            elif cr and to is not None:
                to = (0, to[1])  # written when something is drawn there
            else:
                set_pen()
                move()
                emit(osc or escape or control or cr)
                if escape:  # ESC 7 / ESC 8 / ESC c…: the cursor, the pen, the screen may have changed
                    pen, wanted, at, to = None, None, None, None
                    self.forget()
                    cells = self.cells
                elif not osc:
                    at = to = None
        move()
        if pen != DEFAULT:
            emit("\x1b[m")
        return "".join(out)


# Private modes that change what the screen shows (the alternate screen, reverse video).
_SCREEN_MODES = frozenset({"5", "47", "1047", "1049"})
# Attributes that show on a blank (their colour is the foreground's).
_SHOWN_ON_BLANK = frozenset({4, 7, 9, 21, 51, 52, 53})


def _blank(pen: Pen) -> Pen:
    """How a blank drawn with `pen` looks, as an erase with that pen would leave it."""
    shown = pen.attributes & _SHOWN_ON_BLANK
    blank = Pen(shown, pen.fg if shown else None, pen.bg)
    return _INTERNED.setdefault(blank, blank)


def _resets(parameters: str) -> bool:
    first = parameters.split(";", 1)[0]
    return first in ("", "0")


def _is_position(parameters: str) -> bool:
    row, _, column = parameters.partition(";")
    return (not row or row.isdigit()) and (not column or column.isdigit()) and parameters.count(";") <= 1


def _is_cup(token: tuple[str, ...]) -> bool:
    return token[2] == "H" and not token[1] and _is_position(token[0])


def _ends_line(tokens: list[tuple[str, ...]], index: int) -> bool:
    """Whether what follows token `index - 1` leaves the line without drawing on it: an
    absolute move or the end, possibly after colour changes and a line feed."""
    feed = False
    for token in tokens[index:]:
        if _is_cup(token):
            return True
        if (token[2] == "m" and not token[1]) or (token[5] and not feed):
            feed = feed or bool(token[5])
            continue
        return False
    return not feed


def compact_driver() -> type:
    """Textual's Linux driver with its writes compacted (the class `App(driver_class=…)` takes)."""
    import os

    from textual.drivers.linux_driver import LinuxDriver

    class CompactDriver(LinuxDriver):
        _compactor: Compactor | None = None

        def forget_screen(self) -> None:
            """Write the next screens in full (after a resize: the terminal may have reflowed)."""
            if self._compactor is not None:
                self._compactor.forget()

        def write(self, data: str) -> None:
            try:
                if self._file is None:
                    raise OSError("no terminal")
                width, height = os.get_terminal_size(self._file.fileno())
            except (OSError, ValueError):
                self._compactor = None  # no size to follow: written as Textual wrote it
                super().write(data)
                return
            if self._compactor is None:
                self._compactor = Compactor(width, height)
            else:
                self._compactor.resize(width, height)
            super().write(self._compactor.compact(data))

    return CompactDriver
