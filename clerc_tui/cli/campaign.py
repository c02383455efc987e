"""`clerc campaign run --channel email|sms|letter [--dry-run]`: what today's amicable queue holds
for that channel, sent (for cron), with what was done printed line by line.

Exit codes: 0 every message due was sent (or, with --dry-run, listed); 1 some were not sent (a
rule forbade them now, the channel refused them, or an earlier send is uncertain: each line says
why); 2 a refused input (unknown channel, no channel configured, conflicting --today/--now).
A message already sent is not an error: its line says « déjà envoyé le … »."""

from __future__ import annotations

import sys

from clerc_tui.cli.options import now_of, open_base, today_of
from clerc_tui.cli.progress import progress_bar
from clerc_tui.errors import InvalidInput

COMMANDS = ("campaign",)
OPTOUT_CHANNELS = ("email", "sms", "letter", "phone")
CHANNELS = ("email", "sms", "letter")
OUTCOME_TEXT = {
    "sent": "envoyé",
    "already": "déjà fait",
    "uncertain": "INCERTAIN",
    "refused": "refusé",
    "failed": "échec",
    "dry": "à envoyer",
}


def add_parsers(sub) -> None:
    campaign = sub.add_parser("campaign", help="relances amiables : envoie la file du jour d'un canal")
    campaign_sub = campaign.add_subparsers(dest="campaign_command", required=True, parser_class=sub._parser_class)
    run = campaign_sub.add_parser("run", help="envoie ce que la file du jour contient pour un canal (cron)")
    run.add_argument("--channel", required=True, choices=CHANNELS, help="canal : email, sms ou letter")
    run.add_argument("--dry-run", action="store_true", help="montre ce qui serait envoyé, n'envoie rien")
    run.add_argument("--clerc", metavar="LOGIN", help="seulement les dossiers de ce clerc")
    run.add_argument("--etape", metavar="CODE", help="seulement cette étape des scénarios (ex. courriel_1)")
    run.add_argument("--out", metavar="FICHIER", help="lettres : le fichier du lot (par défaut dans exports/)")
    optout = campaign_sub.add_parser("refus", help="le débiteur d'un dossier refuse un canal (enregistré, audité)")
    optout.add_argument("reference", metavar="DOSSIER", help="référence du dossier (son débiteur principal)")
    optout.add_argument("--channel", required=True, choices=OPTOUT_CHANNELS, help="canal refusé")
    optout.add_argument("--motif", default="", help="ce que le débiteur a dit, et quand")
    optout.add_argument("--retrait", action="store_true", help="le débiteur accepte de nouveau ce canal")


def run(args) -> int:
    if args.campaign_command == "refus":
        return _optout(args)
    return _run(args)


def _optout(args) -> int:
    from clerc_tui.services import amicable
    from clerc_tui.services.context import identify
    from clerc_tui.services.dossiers import find_by_reference, get_dossier

    open_base(args)
    actor = identify()
    dossier_id = find_by_reference(args.reference)
    if dossier_id is None:
        raise InvalidInput(f"Dossier inconnu : « {args.reference} ».")
    debtor = get_dossier(dossier_id).debtors[0].debtor
    amicable.set_optout(actor, debtor.id, args.channel, not args.retrait, args.motif)
    what = "accepte de nouveau" if args.retrait else "refuse"
    sys.stdout.write(f"{debtor.display_name} {what} le canal {args.channel} (dossier {args.reference}).\n")
    return 0


def _run(args) -> int:
    from pathlib import Path

    from clerc_tui.config import channel_settings
    from clerc_tui.report.pdf import amicable_letters_pdf
    from clerc_tui.services import amicable
    from clerc_tui.services.channels import ChannelError, sender_for
    from clerc_tui.services.context import identify

    today, now = today_of(args), now_of(args)
    open_base(args)
    actor = identify()
    clerc_id = None
    if args.clerc:
        from clerc_tui.services.deadlines import clerc_by_login

        clerc_id = clerc_by_login(args.clerc).id
    sender = None
    if args.channel != "letter" and not args.dry_run:
        try:
            sender = sender_for(args.channel, *channel_settings(args.channel))
        except ChannelError as error:
            raise InvalidInput(error.message) from None
    items = amicable.queue(today, now, clerc_id, args.channel).items(args.channel)
    if args.etape:
        items = tuple(item for item in items if item.step_code == args.etape)
    fixed = getattr(args, "now", None)
    clock = (lambda: fixed) if fixed is not None else None
    out = sys.stdout
    try:
        with progress_bar(f"Campagne {args.channel}") as tick:
            report = amicable.run_campaign(
                actor,
                items,
                today,
                sender=sender,
                clock=clock or _clock,
                dry_run=args.dry_run,
                progress=tick,
                letters_to=Path(args.out) if args.out else None,
                render_letters=amicable_letters_pdf,
            )
    finally:
        close = getattr(sender, "close", None)
        if close is not None:
            close()
    for result in report.results:
        item = result.item
        out.write(
            f"{item.reference}\t{item.step_label}\t{item.recipient}\t{OUTCOME_TEXT[result.outcome]}\t{result.detail}\n"
        )
    counts = ", ".join(f"{report.count(k)} {v}" for k, v in OUTCOME_TEXT.items() if report.count(k))
    out.write(f"Campagne {args.channel} du {today:%d/%m/%Y} à {now:%H:%M} : {counts or 'rien à envoyer'}.\n")
    if report.batch_file is not None:
        out.write(f"Lot de lettres : {report.batch_file}\n")
    not_done = sum(report.count(k) for k in ("uncertain", "refused", "failed"))
    return 1 if not_done else 0


def _clock():
    from datetime import datetime

    return datetime.now()
