"""The amicable desk in the app: the dossier's keys (l enrols, the state shows on the summary) and
the day's queue, from the deadline review (a) to an e-mail read back from a real SMTP server."""

import os
from datetime import date, datetime
from pathlib import Path

import pytest

from clerc_tui.app import ClercApp
from clerc_tui.report.pdf import amicable_letters_pdf
from clerc_tui.services import amicable
from clerc_tui.services.dossier_input import DebtorInput
from clerc_tui.services.dossiers import create_dossier, get_dossier
from clerc_tui.widgets.row_table import RowTable
from tests.conftest import make_input, smtp_config
from tests.screens.conftest import settle

pytestmark = pytest.mark.xdist_group("smtp")

OPENED = date(2026, 11, 2)
DAY = date(2026, 11, 12)
NOW = datetime(2026, 11, 12, 11, 0)


def _dossier(actor, n: int) -> int:
    debtor = DebtorInput(
        kind="physique", civility="Madame", last_name=f"Lefèvre{n}", first_name="Hélène", street="1 rue Neuve",
        postcode="69002", city="Lyon", phone="06 12 34 56 78", email=f"debiteur{n}@example.org",
    )  # fmt: skip
    return create_dossier(actor, make_input(debtor=debtor), OPENED).id


async def test_from_the_queue_to_an_email_read_back_from_the_server(actor, smtp_server, tmp_path):
    port, inbox = smtp_server
    inbox.clear()
    smtp_config(Path(os.environ["XDG_CONFIG_HOME"]).parent, port)
    ids = [_dossier(actor, n) for n in range(2)]
    # The first dossier is enrolled from its view (l); the second by the service.
    app = ClercApp(actor, today=OPENED, now=datetime(2026, 11, 2, 11, 0), start="dossiers")
    async with app.run_test(size=(120, 80)) as pilot:
        from clerc_tui.screens.dossier_view import DossierScreen

        app.push_screen(DossierScreen(ids[0]))
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        body = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "Relance amiable  Loyers impayés (cadence resserrée) · étape 1/3 · en cours" in body
    amicable.enrol(actor, ids[1], OPENED)
    letters = amicable.queue(OPENED, datetime(2026, 11, 2, 11, 0)).items("letter")
    first = datetime(2026, 11, 2, 11, 0)
    amicable.run_campaign(
        actor,
        letters,
        OPENED,
        sender=None,
        clock=lambda: first,
        letters_to=tmp_path / "l.pdf",
        render_letters=amicable_letters_pdf,
    )

    app = ClercApp(actor, now=NOW, start="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        table = app.screen.query_one(RowTable)
        assert table.row_count == 2
        assert [table.get_row_at(i)[0] for i in range(2)] == ["Courriel", "Courriel"]
        await pilot.press("enter")  # preview
        await pilot.pause()
        preview = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "debiteur0@example.org" in preview and "Rappel amiable" in preview
        await pilot.press("escape")
        await pilot.press("e")  # send the first one
        await settle(app, pilot)
        assert [str(m["To"]) for m in inbox.messages] == ["debiteur0@example.org"]
        assert app.screen.query_one(RowTable).row_count == 1  # it moved on in its scenario
        await pilot.press("C")  # the whole channel as a campaign
        await settle(app, pilot)
        assert sorted(str(m["To"]) for m in inbox.messages) == ["debiteur0@example.org", "debiteur1@example.org"]
        assert app.screen.query_one(RowTable).row_count == 0
    message = inbox.messages[0]
    assert "2026-000001/lettre_1" in message.get_content() and "€" in message.get_content()
    timeline = [e.text for e in get_dossier(ids[0]).events]
    assert any(t.startswith("Courriel — Rappel par courriel : envoyé (debiteur0@example.org)") for t in timeline)


async def test_a_contact_refused_now_is_said_in_the_queue(actor, tmp_path):
    d = _dossier(actor, 0)
    amicable.enrol(actor, d, OPENED)
    app = ClercApp(actor, now=datetime(2026, 11, 2, 21, 30), start="agenda")  # a letter ignores the hours
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.query_one(RowTable).get_row_at(0)[-1] == "à envoyer"
    amicable.run_campaign(
        actor, amicable.queue(OPENED, datetime(2026, 11, 2, 11)).items("letter"), OPENED, sender=None,
        clock=lambda: datetime(2026, 11, 2, 11), letters_to=tmp_path / "l.pdf", render_letters=amicable_letters_pdf,
    )  # fmt: skip
    app = ClercApp(actor, now=datetime(2026, 11, 12, 20, 30), start="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.query_one(RowTable).get_row_at(0)[-1].startswith("20:30 : hors des heures de contact")


async def test_the_call_list_shows_hours_and_last_contacts_and_takes_one_key_per_outcome(actor):
    from textual.widgets import Input

    from tests.screens.conftest import fill

    d = _dossier(actor, 0)
    from clerc_tui.models import Dossier  # the standard scenario (letter, e-mail, SMS, then the call)

    Dossier.update(nature="facture").where(Dossier.id == d).execute()
    amicable.enrol(actor, d, OPENED)
    day = OPENED
    for _ in range(3):
        (item,) = amicable.queue(day, datetime.combine(day, NOW.time())).by_channel.popitem()[1]
        amicable.skip(actor, item, "fait à l'accueil", datetime.combine(day, NOW.time()))
        day = date.fromordinal(day.toordinal() + 14)
    app = ClercApp(actor, now=datetime.combine(day, NOW.time()), start="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.query_one(RowTable).get_row_at(0)[:1] == ["Téléphone"]
        await pilot.press("enter")
        await pilot.pause()
        shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "Heures d'appel de l'étude : du lundi au vendredi" in shown and "fait à l'accueil" in shown
        await pilot.press("escape")
        await pilot.press("e")  # « send » on a call: says which keys note its outcome (not `s`, which skips)
        await pilot.pause()
        said = str(list(app._notifications)[-1].message)
        assert "(1 promesse, 2 refus, 3 faux numéro, 4 pas de réponse)" in said, said
        await pilot.press("4")  # no answer: the call stays in the list
        await pilot.pause()
        assert app.screen.query_one(RowTable).row_count == 1
        await pilot.press("1")
        await pilot.pause()
        await fill(pilot, app.screen.query_one("#reason", Input), "20/12/2026 250,00 par virement")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one(RowTable).row_count == 0
    timeline = [e.text for e in get_dossier(d).events]
    assert any("promesse de paiement (06 12 34 56 78) — 250,00" in t for t in timeline)
    assert any("Paiement promis de 250,00" in x.label for x in get_dossier(d).deadlines)


async def test_a_campaign_of_the_marked_lines_or_of_a_filter(actor, smtp_server, tmp_path):
    from textual.widgets import Input

    from tests.screens.conftest import fill

    port, inbox = smtp_server
    inbox.clear()
    smtp_config(Path(os.environ["XDG_CONFIG_HOME"]).parent, port)
    ids = [_dossier(actor, n) for n in range(4)]
    for d in ids:
        amicable.enrol(actor, d, OPENED)
    first = datetime(2026, 11, 2, 11, 0)
    letters = amicable.queue(OPENED, first).items("letter")
    amicable.run_campaign(
        actor,
        letters,
        OPENED,
        sender=None,
        clock=lambda: first,
        letters_to=tmp_path / "l.pdf",
        render_letters=amicable_letters_pdf,
    )
    app = ClercApp(actor, now=NOW, start="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        table = app.screen.query_one(RowTable)
        assert table.row_count == 4
        await pilot.press("space", "down", "down", "space")  # mark the first and the third
        assert [table.get_row_at(i)[0] for i in range(4)] == ["✓ Courriel", "Courriel", "✓ Courriel", "Courriel"]
        await pilot.press("C")
        await settle(app, pilot)
        assert sorted(str(m["To"]) for m in inbox.messages) == ["debiteur0@example.org", "debiteur2@example.org"]
        await pilot.press("slash")
        await pilot.pause()
        await fill(pilot, app.screen.query_one("#reason", Input), "lefevre3")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one(RowTable).row_count == 1
        await pilot.press("t")  # the step of the line, as the filter shows it
        await settle(app, pilot)
        assert len(inbox.messages) == 3 and str(inbox.messages[-1]["To"]) == "debiteur3@example.org"


async def test_an_sms_line_shows_its_segments_then_goes_through_the_gateway(actor):
    """The SMS step: its preview counts the segments (an « É » makes it UCS-2) before sending, and
    « e » posts it to the [sms] gateway of the config (read back from the local server)."""
    from clerc_tui.models import Dossier  # the standard scenario: letter, e-mail, then the SMS
    from clerc_tui.widgets.sms_preview import SmsPreview
    from tests.sms_gateway import LocalGateway

    d = _dossier(actor, 0)
    Dossier.update(nature="facture").where(Dossier.id == d).execute()
    amicable.enrol(actor, d, OPENED)
    day = OPENED
    for _ in range(2):
        (item,) = amicable.queue(day, datetime.combine(day, NOW.time())).by_channel.popitem()[1]
        amicable.skip(actor, item, "fait à l'accueil", datetime.combine(day, NOW.time()))
        day = date.fromordinal(day.toordinal() + 14)
    gateway = LocalGateway()
    try:
        folder = Path(os.environ["XDG_CONFIG_HOME"]) / "clerc"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.toml").write_text(
            f'[sms]\nurl = "{gateway.url()}"\nsender = "ETUDE"\nauth = "none"\nid_key = "messageId"\n',
            encoding="utf-8",
        )
        app = ClercApp(actor, now=datetime.combine(day, NOW.time()), start="agenda")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("a")
            await pilot.pause()
            assert app.screen.query_one(RowTable).get_row_at(0)[:1] == ["SMS"]
            await pilot.press("enter")
            await pilot.pause()
            preview = app.screen.query_one(SmsPreview)
            assert "réf. 2026-000001" in preview.text and preview.length.segments >= 1
            shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
            assert "UCS-2" in shown and f"{preview.length.segments} SMS" in shown
            await pilot.press("escape")
            await pilot.press("e")
            await settle(app, pilot)
            assert app.screen.query_one(RowTable).row_count == 0
        (request,) = gateway.received
        body = request.json()
        assert isinstance(body, dict) and body["to"] == "+33612345678" and body["text"] == preview.text
    finally:
        gateway.close()
    timeline = [e.text for e in get_dossier(d).events]
    assert any(t.startswith("SMS — Rappel par SMS : envoyé (06 12 34 56 78)") for t in timeline)


async def test_letters_sent_from_the_queue_are_one_pdf_batch(actor):
    """« Maj+C » on a letter line: one PDF in exports/, a page per letter, the sends then confirmed."""
    import pypdf

    from clerc_tui.paths import exports_dir

    ids = [_dossier(actor, n) for n in range(2)]
    for d in ids:
        amicable.enrol(actor, d, OPENED)
    app = ClercApp(actor, now=datetime(2026, 11, 2, 11, 0), start="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert [app.screen.query_one(RowTable).get_row_at(i)[0] for i in range(2)] == ["Lettre", "Lettre"]
        await pilot.press("C")
        await settle(app, pilot)
        assert app.screen.query_one(RowTable).row_count == 0
    (batch,) = exports_dir().glob("lettres-amiables-*.pdf")
    pages = [page.extract_text() for page in pypdf.PdfReader(batch).pages]
    assert len(pages) == 2 and all("Réf. : 2026-00000" in text and "/lettre_1" in text for text in pages)
    timeline = [e.text for e in get_dossier(ids[1]).events]
    assert any(t.startswith("Lettre — ") and "envoyé" in t for t in timeline)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_queue_keeps_the_rule_and_the_recipient_whole_at_80_columns(actor, size):
    """As on the dossier list (RowTable's priorities): the step hides first, then the debtor."""
    for n in range(2):
        amicable.enrol(actor, _dossier(actor, n), OPENED)
    app = ClercApp(actor, now=datetime(2026, 11, 2, 11, 0), start="agenda")
    async with app.run_test(size=size) as pilot:
        await pilot.press("a")
        await pilot.pause()
        table = app.screen.query_one(RowTable)
        widths = dict(zip([c.label for c in table.columns], table._column_widths(), strict=True))
        assert sum(w + 1 for w in widths.values() if w) - 1 <= size[0]
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert rows
        assert widths["Destinataire"] >= max(len(row[4]) for row in rows)  # « 1 rue Neuve, 69002 Lyon » whole
        assert widths["Règle"] >= (28 if size[0] == 80 else 40) and widths["Canal"] and widths["Dossier"]
        header = "".join(segment.text for segment in table.render_line(0))
        assert "Règle" in header and "Destinataire" in header
        if size[0] == 80:
            assert widths["Étape"] == widths["Débiteur"] == 0  # hidden; the preview (Entrée) shows them
        else:
            assert widths["Étape"] >= 12 and widths["Débiteur"] >= 12
        # The status line wraps rather than cut its end at 80 columns (a morning of every channel).
        app.screen.counts = "Courriel 46 · SMS 12 · Lettre 30 · Téléphone 9"
        app.screen._draw()
        await pilot.pause()
        status = app.screen.query_one("#amicable-status")
        shown = " ".join(
            "".join(segment.text for segment in status.render_line(y)).strip() for y in range(status.size.height)
        )
        assert str(status.render()).split() == shown.split()
