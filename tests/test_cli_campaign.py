"""`clerc campaign`: the cron command of the amicable desk, its refusals and exit codes, and --now."""

from datetime import date, datetime

import pypdf
import pytest

from clerc_tui.services import amicable
from clerc_tui.services.dossier_input import DebtorInput
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import make_input, run_clerc, smtp_config
from tests.sms_gateway import LocalGateway

pytestmark = pytest.mark.xdist_group("smtp")  # one SMTP server (session fixture) for its tests

OPENED = date(2026, 11, 2)


def _dossier(actor) -> int:
    debtor = DebtorInput(
        kind="physique", civility="Madame", last_name="Lefèvre", first_name="Hélène", street="1 rue Neuve",
        postcode="69002", city="Lyon", phone="06 12 34 56 78", email="helene@example.org",
    )  # fmt: skip
    return create_dossier(actor, make_input(debtor=debtor, nature="facture"), OPENED).id


def test_letters_then_emails_with_dry_run_optout_and_exit_codes(actor, db_path, tmp_path, smtp_server):
    port, inbox = smtp_server
    inbox.clear()
    amicable.enrol(actor, _dossier(actor), OPENED)
    db = str(db_path)
    batch = tmp_path / "lot.pdf"
    done = run_clerc(None, "campaign", "run", "--channel", "letter", "--db", db, "--now", "2026-11-02 21:00",
                     "--out", str(batch))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 envoyé" in done.stdout and f"Lot de lettres : {batch}" in done.stdout
    (page,) = pypdf.PdfReader(batch).pages  # one letter, one page, ready to print
    text = page.extract_text()
    assert (
        "Objet : Demande amiable de règlement" in text
        and "LEFÈVRE Hélène\n1 rue Neuve\n69002 Lyon" in text
        and "€" in text
    )
    dry = run_clerc(None, "campaign", "run", "--channel", "email", "--db", db, "--now", "2026-11-12 11:00", "--dry-run")
    assert dry.returncode == 0 and "helene@example.org\tà envoyer" in dry.stdout and inbox.messages == []
    other_step = run_clerc(None, "campaign", "run", "--channel", "email", "--db", db, "--now", "2026-11-12 11:00",
                           "--dry-run", "--etape", "courriel_plan")  # fmt: skip
    assert other_step.returncode == 0 and "rien à envoyer" in other_step.stdout
    late = run_clerc(None, "campaign", "run", "--channel", "email", "--db", db, "--now", "2026-11-12 20:15",
                     "--dry-run")  # fmt: skip
    assert late.returncode == 1 and "20:15 : hors des heures de contact" in late.stdout
    assert run_clerc(None, "campaign", "refus", "2026-000001", "--channel", "email", "--db", db).returncode == 0
    refused = run_clerc(None, "campaign", "run", "--channel", "email", "--db", db, "--now", "2026-11-12 11:00",
                        "--dry-run")  # fmt: skip
    assert refused.returncode == 1 and "refusé le canal courriel" in refused.stdout
    assert (
        run_clerc(None, "campaign", "refus", "2026-000001", "--channel", "email", "--retrait", "--db", db).returncode
        == 0
    )
    home = tmp_path / "home"
    smtp_config(home, port)
    sent = run_clerc(home, "campaign", "run", "--channel", "email", "--db", db, "--now", "2026-11-12 11:00")
    assert sent.returncode == 0 and "1 envoyé" in sent.stdout
    assert [str(m["To"]) for m in inbox.messages] == ["helene@example.org"]


def test_refusals_in_french(actor, db_path):
    db = str(db_path)
    no_gateway = run_clerc(None, "campaign", "run", "--channel", "sms", "--db", db)
    assert no_gateway.returncode == 2 and "Aucune passerelle SMS n'est configurée" in no_gateway.stderr
    no_smtp = run_clerc(None, "campaign", "run", "--channel", "email", "--db", db)
    assert no_smtp.returncode == 2 and "Aucun serveur de courriel n'est configuré" in no_smtp.stderr
    both = run_clerc(None, "campaign", "run", "--channel", "letter", "--db", db, "--now", "2026-11-12 11:00",
                     "--today", "13/11/2026")  # fmt: skip
    assert both.returncode == 2 and "se contredisent" in both.stderr
    bad = run_clerc(None, "campaign", "run", "--channel", "letter", "--db", db, "--now", "demain")
    assert bad.returncode == 2 and "AAAA-MM-JJ HH:MM" in bad.stderr


def test_contact_hours_and_ceiling_are_etude_settings(actor, db_path):
    db = str(db_path)
    done = run_clerc(
        None, "etude", "set", "--heures-contact", "lun-sam 09:00-12:00", "--plafond-contacts", "3", "--db", db
    )
    assert done.returncode == 0, done.stderr
    assert "contacts du lundi au samedi, de 9 h à 12 h, hors jours fériés ; au plus 3 par débiteur" in done.stdout
    sunday = run_clerc(None, "etude", "set", "--heures-contact", "lun-dim 09:00-12:00", "--db", db)
    assert sunday.returncode == 2 and "Aucun contact le dimanche" in sunday.stderr
    assert "au plus 3 par débiteur" in run_clerc(None, "etude", "show", "--db", db).stdout


def _sms_config(home, url: str) -> None:
    """A user config whose [sms] posts to the local gateway (no token: auth = "none")."""
    folder = home / "config" / "clerc"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(
        f'[sms]\nurl = "{url}"\nsender = "ETUDE"\nauth = "none"\nid_key = "messageId"\n', encoding="utf-8"
    )


def test_sms_step_goes_through_the_configured_gateway_once(actor, db_path, tmp_path):
    """The scenario's SMS step is posted to the [sms] gateway, recorded in the timeline, and a
    second run sends nothing twice (the send log)."""
    dossier_id = _dossier(actor)
    amicable.enrol(actor, dossier_id, OPENED)
    db = str(db_path)
    letters = run_clerc(None, "campaign", "run", "--channel", "letter", "--db", db, "--now", "2026-11-02 11:00",
                        "--out", str(tmp_path / "lot.pdf"))  # fmt: skip
    assert letters.returncode == 0, letters.stderr
    (email,) = amicable.queue(date(2026, 11, 12), datetime(2026, 11, 12, 11)).items("email")
    amicable.skip(actor, email, "débiteur joint par téléphone", datetime(2026, 11, 12, 11))
    gateway = LocalGateway()
    try:
        home = tmp_path / "home"
        _sms_config(home, gateway.url("/ok"))
        sent = run_clerc(home, "campaign", "run", "--channel", "sms", "--db", db, "--now", "2026-11-19 11:00")
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert "Rappel par SMS\t06 12 34 56 78\tenvoyé" in sent.stdout and "1 envoyé" in sent.stdout
        (request,) = gateway.received
        body = request.json()
        assert isinstance(body, dict) and body["to"] == "+33612345678" and body["from"] == "ETUDE"
        assert "rappel amiable, réf. 2026-000001" in body["text"]
        again = run_clerc(home, "campaign", "run", "--channel", "sms", "--db", db, "--now", "2026-11-19 11:30")
        assert again.returncode == 0 and len(gateway.received) == 1
        timeline = [line for line in amicable.last_contacts(dossier_id) if "SMS" in line]
        assert len(timeline) == 1 and "envoyé" in timeline[0]
    finally:
        gateway.close()


def test_sms_the_gateway_may_have_taken_is_uncertain_and_never_resent(actor, db_path, tmp_path):
    """A gateway that drops the connection: « envoi incertain », exit 1, and the next run does not
    post it again (ChannelUncertain is the shared ChannelError with uncertain=True)."""
    dossier_id = _dossier(actor)
    amicable.enrol(actor, dossier_id, OPENED, "standard")
    now = datetime(2026, 11, 2, 11)
    (letter,) = amicable.queue(OPENED, now).items("letter")
    amicable.skip(actor, letter, "remise en main propre", now)
    (email,) = amicable.queue(date(2026, 11, 12), datetime(2026, 11, 12, 11)).items("email")
    amicable.skip(actor, email, "débiteur joint par téléphone", datetime(2026, 11, 12, 11))
    gateway = LocalGateway()
    try:
        home = tmp_path / "home"
        _sms_config(home, gateway.url("/drop"))
        db = str(db_path)
        cut = run_clerc(home, "campaign", "run", "--channel", "sms", "--db", db, "--now", "2026-11-19 11:00")
        assert cut.returncode == 1 and "INCERTAIN" in cut.stdout and "SMS peut-être envoyé" in cut.stdout
        again = run_clerc(home, "campaign", "run", "--channel", "sms", "--db", db, "--now", "2026-11-19 11:30")
        assert again.returncode == 1 and "envoi incertain, à vérifier" in again.stdout
        assert len(gateway.received) == 1
    finally:
        gateway.close()
