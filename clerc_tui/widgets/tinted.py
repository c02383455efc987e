"""The screen below a dialog, dimmed, for the price of one tint per style rather than per segment.

A dialog (Textual's ModalScreen, a translucent background) draws the whole screen below it again
under its colour each time it is painted in full: when it opens, and again after each layout.
Textual's `BackgroundScreen` blends the colour into every segment of that screen, two colour
conversions, a blend and two new Rich styles each: ~15 % of the CPU of a key that opens or
closes a dialog in the screen tests, over a 200-field form. The tint of a segment depends only
on its style (links and meta removed) and the colour, so `TintedScreen` blends each once and
keeps it: the same segments, the same styles, the same drawing.
"""

from collections.abc import Iterable

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.renderables.background_screen import BackgroundScreen

# (colour, style without links and meta) -> the tinted style; a few hundred in a session
# (the app's styles under its dialogs' colours), forgotten at once beyond this bound.
_TINTS: dict[tuple[Color, Style | None], Style] = {}
_MAX_TINTS = 4096


class TintedScreen(BackgroundScreen):
    @classmethod
    def process_segments(cls, segments: Iterable[Segment], color: Color) -> Iterable[Segment]:
        tints = _TINTS
        blend = BackgroundScreen.process_segments
        for segment in segments:
            text, style, control = segment
            if control:
                yield segment
                continue
            key = (color, None if style is None else style.clear_meta_and_links())
            tinted = tints.get(key)
            if tinted is None:
                if len(tints) >= _MAX_TINTS:
                    tints.clear()
                tinted = next(iter(blend([Segment(" ", key[1])], color))).style
                assert tinted is not None  # Textual gives every segment a style
                tints[key] = tinted
            yield Segment(text, tinted, control)


def tinted(renderable: RenderableType) -> RenderableType:
    """What a screen renders, its background screen (if any) tinted by `TintedScreen`."""
    if isinstance(renderable, BackgroundScreen):
        return TintedScreen(renderable.screen, renderable.color)
    return renderable
