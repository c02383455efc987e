"""The SMS preview widget on a minimal App: the text, its length and segments, the characters
that force UCS-2 highlighted, and the GSM offer taken only when asked."""

from textual.app import App

from clerc_tui.widgets import CSS_PATHS
from clerc_tui.widgets.sms_preview import SmsPreview


class PreviewApp(App):
    CSS_PATH = CSS_PATHS

    def compose(self):
        yield SmsPreview("Bonjour, votre échéance est due.", id="preview")


def _said(app, part: str) -> str:
    return str(app.query_one(f"#preview > .{part}").content)


async def test_a_gsm_text_is_one_sms_and_offers_nothing():
    app = PreviewApp()
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        preview = app.query_one(SmsPreview)
        assert _said(app, "sms-text") == "Bonjour, votre échéance est due."
        assert _said(app, "sms-length") == "1 SMS · 32/160 caractères (alphabet GSM)"
        assert not app.query_one("#preview > .sms-offer").display
        assert preview.offer is None and not preview.accept_offer()


async def test_one_character_outside_gsm_says_why_and_the_offer_waits_for_the_clerc():
    app = PreviewApp()
    async with app.run_test(size=(100, 20)) as pilot:
        preview = app.query_one(SmsPreview)
        text = "Madame, votre échéance de 120 € reste due ; merci de régulariser sous huit jours. Bien à vous. Étude"
        text = text.replace("reste", "reste bien") + " Tête"
        preview.text = text
        await pilot.pause()
        assert len(text) > 70
        assert _said(app, "sms-length") == (
            f"2 SMS de 67 caractères · {len(text)} caractères · encodage UCS-2 "
            "(70 caractères par SMS au lieu de 160) à cause de « ê »"
        )
        # The offending character is highlighted in the text, and only it.
        body = app.query_one("#preview > .sms-text").content
        marked = {body.plain[span.start : span.end] for span in body.spans}
        assert marked == {"ê"}
        offer_line = app.query_one("#preview > .sms-offer")
        assert offer_line.display
        assert _said(app, "sms-offer").startswith("En remplaçant ê → e : 1 SMS ·")
        assert preview.text == text  # nothing replaced on its own
        assert preview.accept_offer()
        await pilot.pause()
        assert preview.text == text.replace("Tête", "Tete")
        assert _said(app, "sms-length").startswith("1 SMS · ") and "GSM" in _said(app, "sms-length")
        assert not offer_line.display


async def test_hostile_text_is_shown_inert():
    app = PreviewApp()
    async with app.run_test(size=(100, 20)) as pilot:
        preview = app.query_one(SmsPreview)
        preview.text = "[bold]Durand[/] \x1b[31m"
        await pilot.pause()
        shown = _said(app, "sms-text")
        assert "[bold]Durand[/]" in shown and "\x1b" not in shown
