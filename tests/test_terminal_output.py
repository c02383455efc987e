"""The compacted terminal output (clerc_tui/terminal.py) shows exactly what Textual's own output
shows: both are fed into a terminal emulator (pyte) and every cell is compared, character and
colours, after every screen update of real screens (the dashboard, the list, a filter, a dialog,
PageDown, j/k) at 120×40 and 80×24, in truecolor and in 256 colours, and after random frames.

A blank's look is its background and what shows on a blank (reverse, underline, strike-through):
its foreground colour, bold or italic show nothing, and a real terminal's erase (ECH, EL: xterm's
"background colour erase") keeps only the background, where pyte keeps the whole pen."""

import random
import re

import pyte
import pytest
from pyte import modes
from pyte.screens import wcwidth
from rich.console import Console
from textual._compositor import Compositor
from textual.drivers.linux_driver import LinuxDriver

from clerc_tui.app import ClercApp
from clerc_tui.config import load_compact_output
from clerc_tui.services.context import os_login
from clerc_tui.terminal import DEFAULT, Compactor, Pen, apply_sgr, sgr_between
from tests.conftest import TODAY
from tests.screens import quiet


@pytest.fixture(autouse=True)
def _quiet_pilot(monkeypatch):
    """Pilot waits for the app to have handled each key, not for the clock (tests/screens/quiet.py)."""
    quiet.install(monkeypatch)


class _Screen(pyte.Screen):
    """pyte's screen, whose `draw` writes a run of one-column characters a line at a time rather
    than a character at a time (a namedtuple made per character: half of pyte's CPU here), in
    auto-wrap mode and not insert mode, as Textual's output leaves it; anything else is pyte's own
    `draw`. The same cells, cursor and dirty lines: `test_the_emulator_is_pytes` feeds both."""

    def draw(self, data: str) -> None:
        text = data.translate(self.g1_charset if self.charset else self.g0_charset)
        cursor, columns = self.cursor, self.columns
        chars = set(text)
        if (
            modes.IRM in self.mode
            or modes.DECAWM not in self.mode
            or cursor.x > columns
            or any(wcwidth(char) != 1 for char in chars)
        ):
            super().draw(data)
            return
        cells = {char: cursor.attrs._replace(data=char) for char in chars}
        done = 0
        while done < len(text):
            if cursor.x == columns:  # the last column written: wrap, as pyte does
                self.dirty.add(cursor.y)
                self.carriage_return()
                self.linefeed()
            line, x = self.buffer[cursor.y], cursor.x
            for char in text[done : done + columns - x]:
                line[x] = cells[char]
                x += 1
            done += x - cursor.x
            cursor.x = x
        self.dirty.add(cursor.y)


class _Stream(pyte.Stream):
    """pyte's stream, which hands the two sequences Textual writes most, a pen (CSI … m) and a
    cursor position (CSI … H), to the screen at once with the parameters pyte's parser gives
    them, when the parser stands between two sequences (else pyte reads them); the rest, pyte
    reads a character at a time. The same screen: `test_the_emulator_is_pytes`."""

    _PEN_OR_POSITION = re.compile(r"\x1b\[([0-9;]*)([mH])")

    def feed(self, data: str) -> None:
        screen = self.listener
        assert screen is not None
        done = 0
        for match in self._PEN_OR_POSITION.finditer(data):
            if match.start() > done:
                super().feed(data[done : match.start()])
            if self._taking_plain_text:
                params = [min(int(number or 0), 9999) for number in match[1].split(";")]
                (screen.select_graphic_rendition if match[2] == "m" else screen.cursor_position)(*params)
            else:
                super().feed(match[0])
            done = match.end()
        if done < len(data):
            super().feed(data[done:])


def _screen(width: int, height: int, screen_class=_Screen, stream_class=_Stream) -> tuple[pyte.Screen, pyte.Stream]:
    screen = screen_class(width, height)
    screen.set_mode(pyte.modes.LNM)  # a line feed returns the carriage, as the terminal's onlcr does
    return screen, stream_class(screen)


def _look(cell) -> tuple:
    shown = cell.reverse or cell.underscore or cell.strikethrough
    if cell.data == " ":
        return (" ", cell.bg, cell.reverse, cell.underscore, cell.strikethrough, cell.fg if shown else None)
    return tuple(cell)


def _differences(a: pyte.Screen, b: pyte.Screen) -> list[tuple[int, int]]:
    """The cells whose look differs. A line holding the same cells in both screens (pyte's line: a
    dict of the cells written, and the one cell it gives for the others) is passed over whole."""
    cells = []
    for y in range(a.lines):
        line_a, line_b = a.buffer[y], b.buffer[y]
        if line_a != line_b or line_a.default != line_b.default:
            cells += [(y, x) for x in range(a.columns) if _look(line_a[x]) != _look(line_b[x])]
    return cells


def _replay(frames: list[str], width: int, height: int) -> tuple[int, int]:
    """Each frame as Textual wrote it and compacted, into two emulators: equal after each one.
    The bytes of both."""
    plain, plain_stream = _screen(width, height)
    compact, compact_stream = _screen(width, height)
    compactor = Compactor(width, height)
    before = after = 0
    for number, frame in enumerate(frames):
        shorter = compactor.compact(frame)
        plain_stream.feed(frame)
        compact_stream.feed(shorter)
        before += len(frame.encode())
        after += len(shorter.encode())
        assert _differences(plain, compact) == [], f"frame {number}: {frame!r} → {shorter!r}"
        assert (compact.cursor.x, compact.cursor.y) == (plain.cursor.x, plain.cursor.y), f"frame {number}"
    return before, after


@pytest.fixture
def frames(monkeypatch):
    """Every screen update from now on, as Textual writes it to a terminal (set `console`)."""
    written: list[str] = []
    consoles: list[Console] = []
    render_update = Compositor.render_update

    def recording(self, *args, **kwargs):
        update = render_update(self, *args, **kwargs)
        if update is not None and consoles:
            # As App._display writes it: the update, then the cursor put where the app wants it.
            written.append(update.render_segments(consoles[0]) + "\x1b[1;1H")
        return update

    monkeypatch.setattr(Compositor, "render_update", recording)
    return written, consoles


@pytest.fixture
def demo_app(demo_base):
    from clerc_tui.models import User
    from clerc_tui.services.context import identify
    from clerc_tui.services.users import add_user

    demo_base(dossiers=30, seed=3, today=TODAY)
    if User.get_or_none(User.login == os_login()) is None:
        add_user(os_login(), "Claire Martin", "clerc")
    return ClercApp(identify(), today=TODAY)


@pytest.mark.parametrize(
    ("size", "colours"), [((120, 40), "truecolor"), ((80, 24), "256")], ids=["120x40-truecolor", "80x24-256"]
)
async def test_the_compacted_output_shows_what_textual_wrote_on_real_screens(demo_app, frames, size, colours):
    written, consoles = frames
    width, height = size
    consoles.append(Console(color_system=colours, force_terminal=True, width=width, height=height))
    async with demo_app.run_test(size=size) as pilot:
        await pilot.press("m", "h", "h", "h")  # every open deadline of everyone: more than a screen
        await pilot.press("j", "j", "k", "pagedown", "pagedown", "pageup", "G", "g")
        await pilot.press("d")  # the dossier list
        await pilot.press("j", "pagedown", "pagedown", "k", "t")  # and another sort
        await pilot.press("slash", "l", "e", "f", "backspace", "escape", "escape")
        await pilot.press("question_mark")  # a dialog over the list (the keys' help)
        await pilot.pause()
        await pilot.press("escape", "enter")  # a dossier
        await pilot.press("2", "1", "escape")
        await pilot.pause()
    assert len(written) > 20
    before, after = _replay(written, width, height)
    assert after < before * 0.6, (before, after)


def _random_frame(chance: random.Random, width: int, height: int) -> str:
    pens = [
        "0",
        "38;2;224;224;224;48;2;18;18;18",
        "1;7;38;2;244;0;95;48;2;18;18;18",
        "2;38;5;250;48;5;234",
        "1;2;3",
        "4;38;5;196",
        "9;48;2;1;120;212",
        "31;42",
        "",
        "22;27",
        "58;5;1",  # an underline colour: not understood here, passed through
    ]
    texts = ["Clos", " " * 7, " " * 30, "2020-000001 JACOB Eugénie", "€", "中文", "é", "x" * 5]
    parts: list[str] = []
    for _ in range(chance.randint(1, 40)):
        what = chance.random()
        if what < 0.3:
            parts.append(f"\x1b[{chance.randint(1, height)};{chance.randint(1, width)}H")
        elif what < 0.55:
            parts.append(f"\x1b[{chance.choice(pens)}m")
        elif what < 0.9:
            parts.append(chance.choice(texts))
        elif what < 0.93:
            parts.append("\n")
        elif what < 0.95:
            parts.append("\r")
        elif what < 0.97:
            parts.append(chance.choice(["\x1b[?25l", "\x1b[2J", "\x1b[K", "\x1b[3C", "\x1b]0;titre\x07"]))
        else:
            # A line filled to the edge, then an absolute move: EL is allowed there.
            parts.append(f"\x1b[{chance.randint(1, height)};{width - 10}H{chance.choice(['abc', ''])}{' ' * 10}")
    return "".join(parts) + f"\x1b[0m\x1b[{chance.randint(1, height)};{chance.randint(1, width)}H"


@pytest.mark.parametrize("seed", range(12))
def test_the_compacted_output_shows_what_was_written_for_random_frames(seed):
    chance = random.Random(seed)
    frames = [_random_frame(chance, 40, 12) for _ in range(60)]
    _replay(frames, 40, 12)


def _state(screen: pyte.Screen, stream: pyte.Stream) -> tuple:
    cursor = screen.cursor
    return (
        [(dict(screen.buffer[y]), screen.buffer[y].default) for y in range(screen.lines)],
        (cursor.x, cursor.y, cursor.attrs, cursor.hidden),
        set(screen.dirty),
        set(screen.mode),
        (screen.charset, screen.g0_charset, screen.g1_charset, screen.margins, screen.title, screen.icon_name),
        stream._taking_plain_text,
    )


def test_the_emulator_is_pytes():
    """_Screen and _Stream leave the very screen pyte's own do after each piece fed (the dirty
    lines: those of that piece): a line filled to its end, wrapped, scrolled; auto-wrap off,
    insert mode, wide and combining characters (pyte's `draw`); a pen or a position cut between
    two pieces, inside a title, after a CAN, over 9999, without parameters; and random frames."""
    pieces = [
        "\x1b[38;2;224;224;224;48;2;18;18;18mabc\x1b[m┌──┐ « é »\x1b[;m",
        "\x1b[5;38H" + "x" * 10,
        "\x1b[12;1H" + "y" * 100,
        "\x1b[1;40Hz",
        "w",
        "\x1b[?7l" + "v" * 50 + "\x1b[?7h",
        "\x1b[3;3H\x1b[4hins\x1b[4l",
        "\x1b[1;39H中文é\u0301x\u0301",
        "\x1b(0lqqk\x1b(B\x0eabc\x0f",
        "\x1b]0;titre \x1b[1m\x07after",
        "\x1b[3",
        "8;5;1mA\x1b",
        "[4;7HB\x1b[",
        "1;222222H\x1b[;5HC\x1b[3\x18m\x1b[1;2;3mD\x1b[H\x1b[38;2;222222;0;0mE",
    ]
    chance = random.Random(99)
    pieces += [_random_frame(chance, 40, 12) for _ in range(40)]
    theirs, ours = _screen(40, 12, pyte.Screen, pyte.Stream), _screen(40, 12)
    for number, piece in enumerate(pieces):
        theirs[1].feed(piece)
        ours[1].feed(piece)
        assert _state(*ours) == _state(*theirs), f"piece {number}: {piece!r}"
        theirs[0].dirty.clear()
        ours[0].dirty.clear()


def test_a_pen_change_is_written_as_what_differs_and_read_back_as_the_new_pen():
    pens = [
        DEFAULT,
        Pen(frozenset({1}), ("38", "2", "1", "2", "3"), ("48", "5", "17")),
        Pen(frozenset({1, 2}), ("31",), None),
        Pen(frozenset({2}), None, ("48", "2", "9", "9", "9")),
        Pen(frozenset({7, 4}), ("38", "5", "250"), ("44",)),
        Pen(frozenset({3, 9}), None, None),
    ]
    for old in pens:
        for new in pens:
            change = sgr_between(old, new)
            assert (change == "") == (old == new)
            if change:
                assert apply_sgr(old, change[2:-1]) == new, (old, new, change)
            assert len(change) <= len(sgr_between(None, new))  # never longer than the full pen
    assert sgr_between(pens[1], pens[1]._replace(bg=("48", "5", "18"))) == "\x1b[48;5;18m"


def test_compacted_output_is_on_unless_the_configuration_turns_it_off(tmp_path, actor):
    config = tmp_path / "config.toml"
    assert load_compact_output(config) == (True, None)
    config.write_text("[display]\ncompact_output = false\n", encoding="utf-8")
    assert load_compact_output(config) == (False, None)
    config.write_text('[display]\ncompact_output = "non"\n', encoding="utf-8")
    on, warning = load_compact_output(config)
    assert on is True and warning is not None and "compact_output doit valoir true ou false" in warning
    assert ClercApp(actor, compact_output=True).driver_class.__name__ == "CompactDriver"
    assert ClercApp(actor, compact_output=False).driver_class is LinuxDriver


def test_a_resized_terminal_gets_its_next_screen_in_full():
    compactor = Compactor(20, 3)
    frame = "\x1b[1;1H\x1b[38;5;250mDossier 2026-0001\x1b[0m"
    assert "Dossier" in compactor.compact(frame)
    assert "Dossier" not in compactor.compact(frame)  # shown already: nothing to write
    compactor.forget()  # what ClercApp.on_resize does through the driver
    assert "Dossier" in compactor.compact(frame)
    compactor.resize(30, 3)
    assert "Dossier" in compactor.compact(frame)


async def test_ctrl_l_writes_the_whole_screen_again_and_forgets_what_is_shown(demo_app, frames):
    written, consoles = frames
    consoles.append(Console(color_system="truecolor", force_terminal=True, width=80, height=24))
    forgotten: list[bool] = []
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        demo_app._driver.forget_screen = lambda: forgotten.append(True)  # the compacting driver's hook
        await pilot.press("j")
        await pilot.pause()
        before = len(written)
        assert not forgotten
        await pilot.press("ctrl+l")
        await pilot.pause()
    rows = set()
    for frame in written[before:]:
        rows.update(int(row) for row in re.findall(r"\x1b\[(\d+);\d+H", frame))
    assert forgotten == [True]
    assert set(range(1, 25)) <= rows  # every line of the terminal written again
