"""Choice: Textual's Select, its list built the first time it is opened; the same keys, frames,
values and messages as Textual's own, step by step."""

from importlib.metadata import version

from textual.app import App
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

from clerc_tui.widgets.choice import Choice

OPTIONS = [("morale", "m"), ("physique", "p"), ("Madame", "Mme"), ("Monsieur", "M"), ("autre", "x")]
OTHERS = [("Tribunal judiciaire", "tj"), ("Cour d'appel", "ca"), ("Notaire", "n")]


class ChoiceApp(App):
    def __init__(self, kind: type[Select]):
        super().__init__()
        self.kind = kind
        self.changes: list[tuple[str | None, object]] = []

    def compose(self):
        yield self.kind(OPTIONS, value="p", allow_blank=False, id="closed")
        yield self.kind(OPTIONS, prompt="Choisir", id="blank")
        yield self.kind(OPTIONS, allow_blank=False, id="first")

    def on_select_changed(self, event: Select.Changed) -> None:
        self.changes.append((event.select.id, event.value))


def _set(name, attribute, value):
    return lambda app: setattr(app.query_one(f"#{name}", Select), attribute, value)


def _options(name, options):
    return lambda app: app.query_one(f"#{name}", Select).set_options(options)


# Keys, and what the screens do to a drop-down from code (a value set, its options replaced).
STEPS = [
    (),
    ("enter",),  # open: the list, the current value highlighted
    ("down", "down"),
    ("M",),  # type to search (one letter: a second one searches both only within 0.7 s)
    ("escape",),  # closed, the value unchanged
    ("space",),  # opened again: the highlight back on the value
    ("up", "enter"),  # chosen
    ("tab",),
    ("down",),  # opens the blank one, nothing chosen yet
    ("down", "enter"),
    ("tab", "enter", "escape"),
    (_set("first", "value", "x"),),
    (_options("closed", OTHERS),),
    ("shift+tab", "shift+tab", "enter", "down"),
    (_set("blank", "prompt", "Aucun"),),
    ("escape", "tab", "enter"),
    (_set("blank", "value", Select.NULL),),
    ("escape",),
    (_set("first", "value", "m"),),
    ("tab", "enter", "end", "enter"),
]


async def _run(kind: type[Select]) -> list[tuple]:
    app = ChoiceApp(kind)
    seen = []
    async with app.run_test(size=(50, 20)) as pilot:
        app.query_one("#closed").focus()
        await pilot.pause()
        for step in STEPS:
            for action in step:
                if callable(action):
                    action(app)
                    await pilot.pause()
                else:
                    await pilot.press(action)
            await pilot.pause()
            selects = list(app.query(Select))
            seen.append(
                (
                    [a if isinstance(a, str) else "code" for a in step],
                    [
                        [(segment.text, segment.style) for segment in strip]
                        for strip in app.screen._compositor.render_strips()
                    ],
                    "Select" if isinstance(app.focused, Select) else type(app.focused).__name__,
                    getattr(app.focused.parent, "id", None),
                    [(s.id, s.value, s.expanded) for s in selects],
                    [o.highlighted for s in selects for o in s.query(SelectOverlay) if s.expanded],
                    list(app.changes),
                )
            )
    return seen


async def test_a_choice_is_a_select_key_by_key_and_frame_by_frame():
    textual, ours = await _run(Select), await _run(Choice)
    for step, theirs, mine in zip(STEPS, textual, ours, strict=True):
        assert mine[2:] == theirs[2:], step
        assert mine[1] == theirs[1], step  # the same screen, segment by segment, colour for colour


async def test_a_choice_builds_its_list_when_first_opened():
    """What Choice is for; if Textual's Select stops building its list up front, Choice can go."""
    assert version("textual") == "8.2.8", "Choice overrides Select's methods that reach its list: check them"
    for kind, built in ((Select, 3), (Choice, 0)):
        app = ChoiceApp(kind)
        async with app.run_test(size=(50, 20)) as pilot:
            assert len(app.query(SelectOverlay)) == built
            app.query_one("#blank").focus()
            await pilot.press("enter")
            assert len(app.query(SelectOverlay)) == max(built, 1)
            assert isinstance(app.focused, SelectOverlay)


def test_every_drop_down_a_screen_makes_is_a_choice():
    """Textual's Select builds its list up front (above): the screens make Choices only."""
    import re
    from pathlib import Path

    import clerc_tui

    root = Path(clerc_tui.__file__).parent
    made = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"(?<![\w.])Select\(", line)
    ]
    assert made == []


HOSTILE = "[link=http://x]clic[/link] [bold]Mallory[/] \x1b[31m"


class HostileApp(App):
    def compose(self):
        yield Choice([("Moi", 1), (HOSTILE, 2)], value=2, allow_blank=False, id="names")


async def test_a_prompt_is_shown_as_typed_never_as_markup_nor_as_terminal_codes():
    """A clerc's or a debtor's name in a drop-down: markup drawn as typed (Select read it as
    markup: « [link=…] » raised MarkupError and stopped the form), ESC as a placeholder; the
    options replaced later likewise; searching still finds the name."""
    app = HostileApp()
    async with app.run_test(size=(80, 12)) as pilot:
        choice = app.query_one("#names", Choice)
        choice.action_show_overlay()
        await pilot.pause()
        shown = "\n".join("".join(s.text for s in strip) for strip in app.screen._compositor.render_strips())
        assert shown.count("[link=http://x]clic[/link] [bold]Mallory[/] ␛[31m") == 2  # closed and listed
        assert "\x1b" not in shown
        await pilot.press("escape")
        choice.set_options([(HOSTILE, 3), ("Moi", 4)])
        choice.value = 3
        await pilot.pause()
        shown = "\n".join("".join(s.text for s in strip) for strip in app.screen._compositor.render_strips())
        assert "[link=http://x]clic[/link] [bold]Mallory[/] ␛[31m" in shown
        choice.action_show_overlay()
        await pilot.pause()
        await pilot.press("M", "a")
        await pilot.press("enter")
        assert choice.value == 3
