"""The amicable desk on a real base: enrolment, the queue over simulated days, the rules of the
profession at send time, campaigns to a real SMTP server (aiosmtpd on 127.0.0.1), and a campaign
killed mid-way then run again that sends nothing twice."""

import os
import signal
import subprocess
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest

from clerc_tui.errors import ConflictError, InvalidInput
from clerc_tui.report.pdf import amicable_letters_pdf
from clerc_tui.services import amicable
from clerc_tui.services.dossier_input import DebtorInput
from clerc_tui.services.dossiers import create_dossier, get_dossier
from tests.conftest import CLERC, make_input, smtp_config

pytestmark = pytest.mark.xdist_group("smtp")

OPENED = date(2026, 11, 2)  # a Monday
MONDAY_11 = datetime(2026, 11, 2, 11, 0)


def dossier(actor, n=0, email="debiteur{n}@example.org", nature="facture"):
    debtor = DebtorInput(
        kind="physique", civility="Madame", last_name=f"Lefèvre{n}", first_name="Hélène", street=f"{n} rue Neuve",
        postcode="69002", city="Lyon", phone="06 12 34 56 78", email=email.format(n=n),
    )  # fmt: skip
    return create_dossier(actor, make_input(debtor=debtor, nature=nature), OPENED).id


def letters_as_text(letters) -> bytes:
    """The letters batch as plain text, for the tests whose subject is a later step (an email, a
    ceiling): the batch is still written whole and its sends confirmed, without laying out a PDF
    (~20 ms a letter, plus the font's subset: report/pdf.py, tested by tests/report/test_pdf.py and
    by test_the_rules_are_checked_again_at_send_time here, which reads the real batch)."""
    return "\f".join(
        "\n".join((*letter.recipient_lines, letter.subject, *letter.paragraphs)) for letter in letters
    ).encode()


def smtp_sender(port):
    from clerc_tui.config import smtp_settings
    from clerc_tui.services.channels.email import SmtpSender

    smtp_config(Path(os.environ["XDG_CONFIG_HOME"]).parent, port)
    settings = smtp_settings()
    assert settings is not None and settings.port == port
    return SmtpSender(settings)


def test_enrol_pause_advance_take_out_are_versioned_and_in_the_timeline(actor):
    d = dossier(actor)
    info = amicable.enrol(actor, d, OPENED)
    assert info.scenario == "standard" and info.steps_done == 0
    with pytest.raises(InvalidInput, match="suit déjà"):
        amicable.enrol(actor, d, OPENED)
    paused = amicable.pause(actor, d, "débiteur hospitalisé", OPENED + timedelta(days=5), info.version, OPENED)
    with pytest.raises(ConflictError):  # a screen that read the version before the pause
        amicable.advance(actor, d, "déjà appelé", info.version, OPENED)
    assert amicable.queue(OPENED, MONDAY_11).total == 0
    assert amicable.queue(OPENED + timedelta(days=6), MONDAY_11 + timedelta(days=6)).total == 1  # resumed by itself
    moved = amicable.advance(actor, d, "lettre remise en main propre", paused.version, OPENED)
    assert moved.steps_done == 1
    out = amicable.take_out(actor, d, "dossier réglé", moved.version, OPENED)
    assert out.status == "out" and amicable.queue(OPENED + timedelta(days=60), MONDAY_11).total == 0
    again = amicable.enrol(actor, d, OPENED, "loyers")
    assert again.round == 2 and again.steps_done == 0
    texts = [e.text for e in get_dossier(d).events]
    assert any("bloquée jusqu’au 07/11/2026 : débiteur hospitalisé" in t for t in texts)
    assert any("passée à la main : lettre remise en main propre" in t for t in texts)
    assert any("Sorti de la relance amiable : dossier réglé" in t for t in texts)


def test_scenario_progression_over_simulated_days(actor, tmp_path):
    d = dossier(actor)
    amicable.enrol(actor, d, OPENED)
    seen = []
    for offset in range(80):
        today = OPENED + timedelta(days=offset)
        now = datetime.combine(today, MONDAY_11.time())
        queue = amicable.queue(today, now)
        for channel, items in queue.by_channel.items():
            for item in items:
                if item.refusal:
                    continue  # a weekend or a holiday: tomorrow
                if channel in ("letter", "email"):
                    report = amicable.run_campaign(
                        actor,
                        [item],
                        today,
                        sender=_Inbox(),
                        clock=lambda now=now: now,
                        letters_to=tmp_path / "l.pdf",
                        render_letters=amicable_letters_pdf,
                    )
                    assert report.results[0].outcome == "sent"
                else:
                    amicable.skip(actor, item, f"{channel} pas encore branché", now)
                seen.append((item.step_code, today))
    assert [code for code, _ in seen] == [s.code for s in amicable.rules.scenario("standard").steps]
    assert all(day.weekday() < 5 for code, day in seen if code != "lettre_1")
    assert amicable.enrolment(d, OPENED + timedelta(days=80)).status == "done"


class _Inbox:
    channel = "email"

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return f"<{len(self.sent)}@test>"


def test_the_rules_are_checked_again_at_send_time(actor, tmp_path):
    ids = [dossier(actor, n) for n in range(3)]
    for d in ids:
        amicable.enrol(actor, d, OPENED)
    letters = amicable.queue(OPENED, MONDAY_11).items("letter")
    amicable.run_campaign(
        actor,
        letters,
        OPENED,
        sender=None,
        clock=lambda: MONDAY_11,
        letters_to=tmp_path / "l.pdf",
        render_letters=amicable_letters_pdf,
    )
    day = OPENED + timedelta(days=10)
    emails = amicable.queue(day, datetime.combine(day, MONDAY_11.time())).items("email")
    assert len(emails) == 3
    view = get_dossier(ids[0])
    amicable.set_optout(actor, view.debtors[0].debtor.id, "email", True, "demande écrite du 03/11")
    inbox = _Inbox()
    late = datetime.combine(day, datetime.min.time()).replace(hour=20, minute=5)
    report = amicable.run_campaign(actor, emails, day, sender=inbox, clock=lambda: late)
    assert {r.outcome for r in report.results} == {"refused"} and inbox.sent == []
    report = amicable.run_campaign(actor, emails, day, sender=inbox, clock=lambda: late.replace(hour=14))
    assert [r.outcome for r in report.results] == ["refused", "sent", "sent"]
    assert "refusé le canal courriel" in report.results[0].detail
    # The first letter's reference and date are recalled; no fee is claimed without a title.
    assert "2026-000002/lettre_1" in inbox.sent[0].body and "02/11/2026" in inbox.sent[0].body
    assert "L111-8" in inbox.sent[0].body
    # The letters batch: one PDF, a page per letter, all of them, the address in the window.
    pages = pypdf.PdfReader(tmp_path / "l.pdf").pages
    texts = [page.extract_text() for page in pages]
    assert len(pages) == 3 and all("Objet : Demande amiable de règlement" in text for text in texts)
    assert all("Réf. : 2026-00000" in text and "/lettre_1" in text for text in texts)
    assert not list(tmp_path.glob(".l.pdf.*"))  # written whole: no temporary file left


def test_ceiling_per_debtor(actor, tmp_path):
    from clerc_tui.services.etude import set_setting

    set_setting(actor, "contact_ceiling", 1)
    d = dossier(actor)
    amicable.enrol(actor, d, OPENED)
    letters = amicable.queue(OPENED, MONDAY_11).items("letter")
    amicable.run_campaign(
        actor,
        letters,
        OPENED,
        sender=None,
        clock=lambda: MONDAY_11,
        letters_to=tmp_path / "l.pdf",
        render_letters=letters_as_text,
    )
    day = OPENED + timedelta(days=10)
    item = amicable.queue(day, datetime.combine(day, MONDAY_11.time())).items("email")[0]
    assert item.refusal.startswith("plafond atteint : 1 contact(s) sur 30 jours")
    later = OPENED + timedelta(days=31)
    assert amicable.queue(later, datetime.combine(later, MONDAY_11.time())).items("email")[0].refusal == ""


def test_email_campaign_to_a_real_smtp_server_is_idempotent(actor, smtp_server, tmp_path):
    port, inbox = smtp_server
    inbox.clear()
    ids = [dossier(actor, n) for n in range(4)]
    for d in ids:
        amicable.enrol(actor, d, OPENED)
    letters = amicable.queue(OPENED, MONDAY_11).items("letter")
    amicable.run_campaign(
        actor,
        letters,
        OPENED,
        sender=None,
        clock=lambda: MONDAY_11,
        letters_to=tmp_path / "l.pdf",
        render_letters=letters_as_text,
    )
    day = OPENED + timedelta(days=10)
    now = datetime.combine(day, MONDAY_11.time())
    items = amicable.queue(day, now).items("email")
    sender = smtp_sender(port)
    report = amicable.run_campaign(actor, items, day, sender=sender, clock=lambda: now)
    sender.close()
    assert report.count("sent") == 4
    received = inbox.messages
    assert sorted(m["To"] for m in received) == [f"debiteur{n}@example.org" for n in range(4)]
    assert "Rappel amiable" in received[0]["Subject"] and "€" in received[0].get_content()
    again = amicable.run_campaign(actor, items, day, sender=smtp_sender(port), clock=lambda: now)
    assert again.count("already") == 4 and len(inbox.messages) == 4
    assert again.results[0].detail.startswith("déjà envoyé le 12/11/2026")


def test_a_campaign_killed_midway_then_run_again_sends_nothing_twice(actor, smtp_server, db_path, tmp_path):
    """A real `clerc campaign run` process, killed (SIGKILL) while the server is slow to accept,
    then run again: every key reaches the server at most once, and the second run says which
    were already sent and which one is uncertain."""
    port, inbox = smtp_server
    inbox.clear()
    count = 12
    for n in range(count):
        amicable.enrol(actor, dossier(actor, n), OPENED)
    letters = amicable.queue(OPENED, MONDAY_11).items("letter")
    amicable.run_campaign(
        actor,
        letters,
        OPENED,
        sender=None,
        clock=lambda: MONDAY_11,
        letters_to=tmp_path / "l.pdf",
        render_letters=letters_as_text,
    )
    home = tmp_path / "home"
    smtp_config(home, port)
    env = {k: v for k, v in os.environ.items() if k != "CLERC_DATABASE"}
    env.update({f"XDG_{k}_HOME": str(home / k.lower()) for k in ("DATA", "STATE", "CONFIG")})
    args = [str(CLERC), "campaign", "run", "--channel", "email", "--db", str(db_path), "--now", "2026-11-12 11:00"]
    inbox.delay = 0.15
    child = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(inbox.keys()) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.communicate()
    time.sleep(0.3)  # a message the server was accepting when the client died
    first = inbox.keys()
    assert 4 <= len(first) < count
    inbox.delay = 0.0
    rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    keys = inbox.keys()
    assert len(keys) == len(set(keys)), "a message was sent twice"
    assert rerun.returncode in (0, 1), rerun.stderr
    # Those confirmed before the kill have moved on in their scenario: no longer in the queue. The
    # one in flight (claimed, never confirmed) is reported, not sent again; the others are sent.
    uncertain = rerun.stdout.count("envoi incertain, à vérifier")
    assert uncertain <= 1 and rerun.returncode == (1 if uncertain else 0)
    assert count <= len(first) + rerun.stdout.count("\tenvoyé\t") + uncertain <= count + 1
    assert count - 1 <= len(keys) <= count


def test_fees_are_claimed_only_on_a_title(actor):
    """CPCE L111-8: without an enforceable title, the fees billed stay with the creditor; the
    amicable message claims principal and interest only. With a title, it may claim them."""
    from clerc_tui.models import Dossier
    from clerc_tui.services import billing

    d = dossier(actor)
    Dossier.update(interest_kind="none").where(Dossier.id == d).execute()
    billing.record_charge(actor, d, kind="fee", on=OPENED, amount=Decimal("80.00"), label="Frais", today=OPENED)
    amicable.enrol(actor, d, OPENED)
    item = amicable.queue(OPENED, MONDAY_11).items("letter")[0]
    context = amicable.message_context(item, OPENED)
    assert context["fees_claimed"] is False and context["total"] == "1\u202f234,56\u00a0€".replace("\u202f", "\u00a0")
    Dossier.update(title_kind="jugement").where(Dossier.id == d).execute()
    context = amicable.message_context(item, OPENED)
    assert context["fees_claimed"] is True and context["fees"] == "80,00\u00a0€"
    assert context["total"] == "1\u00a0314,56\u00a0€"


def test_a_hostile_address_is_refused_by_the_sender(smtp_server):
    from clerc_tui.services.channels import ChannelError, OutgoingMessage

    port, inbox = smtp_server
    inbox.clear()
    sender = smtp_sender(port)
    for to in ("a@b.fr\nBcc: tous@example.org", "a@b.fr, c@d.fr", "pas une adresse"):
        with pytest.raises(ChannelError, match="Adresse électronique invalide"):
            sender.send(OutgoingMessage("k", 1, "email", to, "Objet", "Corps"))
    assert sender.send(OutgoingMessage("k", 1, "email", "a@b.fr", "Objet é", "Corps €")).startswith("<")
    sender.close()
    assert [str(m["To"]) for m in inbox.messages] == ["a@b.fr"] and inbox.messages[0]["Subject"] == "Objet é"


def test_the_queue_leaves_out_closed_dossiers_and_filters_by_clerc(actor):
    from clerc_tui.models import Dossier
    from clerc_tui.services.users import add_user

    ids = [dossier(actor, n) for n in range(3)]
    for d in ids:
        amicable.enrol(actor, d, OPENED)
    other = add_user("clerct_amicable", "Paul Autre", "clerc")
    Dossier.update(assigned_to=other.id).where(Dossier.id == ids[1]).execute()
    Dossier.update(closed_on=OPENED).where(Dossier.id == ids[2]).execute()
    assert [i.dossier_id for i in amicable.queue(OPENED, MONDAY_11).items("letter")] == ids[:2]
    assert [i.dossier_id for i in amicable.queue(OPENED, MONDAY_11, other.id).items("letter")] == [ids[1]]


def test_call_outcomes_promise_makes_a_follow_up_deadline(actor, tmp_path):
    from clerc_tui.services.deadlines import agenda

    d = dossier(actor)
    amicable.enrol(actor, d, OPENED)
    day = OPENED
    for _ in range(3):  # letter, e-mail, SMS passed over to reach the call
        (item,) = amicable.queue(day, datetime.combine(day, MONDAY_11.time())).by_channel.popitem()[1]
        amicable.skip(actor, item, "test", datetime.combine(day, MONDAY_11.time()))
        day += timedelta(days=14)  # Mondays
    now = datetime.combine(day, MONDAY_11.time())
    call = amicable.queue(day, now).items("phone")[0]
    assert call.recipient == "06 12 34 56 78" and call.refusal == ""
    amicable.record_call(actor, call, "no_answer", now)
    call = amicable.queue(day, now).items("phone")[0]  # still due: tried again another day
    with pytest.raises(InvalidInput, match="Montant promis"):
        amicable.record_call(actor, call, "promise", now, promise_on=day + timedelta(days=10))
    amicable.record_call(actor, call, "promise", now, promise_on=day + timedelta(days=10), amount=Decimal("250"))
    assert amicable.queue(day, now).items("phone") == ()
    rows = agenda(day + timedelta(days=10), 0, limit=50)
    promised = [r for r in rows if r.dossier_id == d]
    assert promised and "Paiement promis de 250,00" in promised[0].label
    history = amicable.last_contacts(d)
    assert "promesse de paiement — 250,00" in history[0] and "pas de réponse" in history[1]
