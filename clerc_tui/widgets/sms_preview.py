"""An SMS as it will leave: the text, its length, the SMS it costs, and why.

`SmsPreview` shows the message (user data: inert, never parsed as markup), the characters that
force UCS-2 highlighted in it, one line from `rules.sms.length_summary` (« 2 SMS de 67
caractères · … encodage UCS-2 … à cause de « ê » ») and, when a GSM transliteration would cost
fewer SMS, that offer (« ê → e ») for the clerc to accept: `accept_offer()`, which the screen that
places the widget binds to a key. Nothing is replaced without that.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Static

from clerc_tui.rules.sms import SmsLength, gsm_transliteration, length_summary, segments
from clerc_tui.rules.text import inert


class SmsPreview(Vertical):
    COMPONENT_CLASSES = {"sms-preview--offending"}

    text: reactive[str] = reactive("", init=False)

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.set_reactive(SmsPreview.text, text)

    def compose(self):
        yield Static(classes="sms-text")
        yield Static(classes="sms-length")
        yield Static(classes="sms-offer")

    def on_mount(self) -> None:
        self._show()

    def watch_text(self) -> None:
        self._show()

    @property
    def length(self) -> SmsLength:
        return segments(self.text)

    @property
    def offer(self) -> str | None:
        """The transliterated text when it costs fewer SMS than the text as typed; else None."""
        offered = gsm_transliteration(self.text)
        if offered == self.text or segments(offered).segments >= self.length.segments:
            return None
        return offered

    def accept_offer(self) -> bool:
        """Take the offer (the clerc asked for it); False when there is none."""
        offered = self.offer
        if offered is None:
            return False
        self.text = offered
        return True

    def _show(self) -> None:
        if not self.children:  # before compose: on_mount shows it
            return
        length = self.length
        body = Text(inert(self.text))
        if length.offending_chars:
            style = self.get_component_rich_style("sms-preview--offending", partial=True)
            for index, char in enumerate(self.text):
                if char in length.offending_chars:
                    body.stylize(style, index, index + 1)
        self.query_one(".sms-text", Static).update(body)
        self.query_one(".sms-length", Static).update(Text(length_summary(length)))
        offer = self.offer
        offer_line = self.query_one(".sms-offer", Static)
        offer_line.display = offer is not None
        if offer is not None:
            changes = dict.fromkeys(
                f"{char} → {gsm_transliteration(char)}"
                for char in length.offending_chars
                if gsm_transliteration(char) != char
            )
            shown = ", ".join(list(changes)[:5]) + ("…" if len(changes) > 5 else "")
            offer_line.update(Text(inert(f"En remplaçant {shown} : {length_summary(segments(offer))}.")))
