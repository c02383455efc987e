"""The day's amicable queue (`a` on the deadline review, or the palette): what the scenarios say
is due today, per channel; preview one (Entrée), send it (e), skip it with a reason (s), or send
the whole channel of the line as a campaign (c) in a worker with its progress. The dossier view's
keys for the dossier's scenario are `amicable_keys` (l, u, y, z)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from clerc_tui.errors import ClercError
from clerc_tui.rules.amicable import CHANNEL_LABELS
from clerc_tui.rules.french import format_date, parse_amount, parse_date
from clerc_tui.screens.base import ClercModal, ClercScreen
from clerc_tui.screens.work import in_worker, progress_text
from clerc_tui.services import amicable
from clerc_tui.widgets.header import TitleBar
from clerc_tui.widgets.inert import inert_renderable
from clerc_tui.widgets.key_bar import KeyBar
from clerc_tui.widgets.row_table import ColumnFit, RowTable

ORDER = ("email", "sms", "letter", "phone")


class PreviewScreen(ClercModal[None]):
    CSS_PATH = "amicable.tcss"
    BINDINGS = [Binding("escape,enter", "close", "Fermer", id="amicable.preview_close")]

    def __init__(self, prepared: amicable.Prepared, history: list[str] | None = None):
        super().__init__()
        self.prepared = prepared
        self.history = history or []

    def compose(self) -> ComposeResult:
        from clerc_tui.widgets.sms_preview import SmsPreview

        m = self.prepared.message
        head = f"{CHANNEL_LABELS[m.channel]} à {m.to or '—'}\n"
        if m.subject:
            head += f"Objet : {m.subject}\n"
        sms = m.channel == "sms"  # its text with its length in SMS segments, shown before sending
        text = head if sms else head + "\n" + m.body
        if self.history:
            text += "\nDerniers contacts :\n" + "\n".join(f"  {line}" for line in self.history)
        with Vertical(id="preview"), VerticalScroll():
            yield Static(inert_renderable(Text(text.rstrip("\n"))), id="preview-body")
            if sms:
                yield SmsPreview(m.body, id="preview-sms")
            yield Static(Text("Échap : fermer", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)


# (label, width, how it gives way: RowTable.fit_widths, as on the dossier list). At 80 columns the
# channel, the dossier, the recipient (an e-mail address, a number) and the rule that holds the
# line back stay in sight; the step hides first, then the debtor (the preview, Entrée, shows both).
COLUMNS: tuple[tuple[str, int, ColumnFit], ...] = (
    ("Canal", 9, ColumnFit()),
    ("Dossier", 11, ColumnFit()),
    ("Débiteur", 22, ColumnFit(priority=2, min_width=12)),
    ("Étape", 28, ColumnFit(priority=1, min_width=12)),
    ("Destinataire", 28, ColumnFit()),
    ("Règle", 40, ColumnFit(min_width=24)),
)


class AmicableQueueScreen(ClercScreen[None]):
    HELP_TITLE = "Relances amiables du jour"
    CSS_PATH = "amicable.tcss"
    BINDINGS = [
        Binding("escape", "back", "Retour", id="amicable.back"),
        Binding("enter", "preview", "Aperçu", id="amicable.preview"),
        Binding("e", "send_one", "Envoyer", id="amicable.send"),
        Binding("s", "skip", "Passer", id="amicable.skip"),
        Binding("C", "campaign", "Campagne (marquées, sinon le canal)", id="amicable.campaign"),
        Binding("t", "campaign_step", "Campagne de l'étape", id="amicable.campaign_step"),
        Binding("space", "mark", "Marquer", id="amicable.mark"),
        Binding("slash", "filter", "Filtrer", id="amicable.filter"),
        Binding("m", "cycle_clerc", "Mes/toutes", id="amicable.clerc"),
        # The outcome of a call (phone lines): one key each.
        Binding("1", "call('promise')", "Promesse", id="amicable.call_promise"),
        Binding("2", "call('refusal')", "Refus", id="amicable.call_refusal"),
        Binding("3", "call('wrong_number')", "Faux numéro", id="amicable.call_wrong_number"),
        Binding("4", "call('no_answer')", "Pas de réponse", id="amicable.call_no_answer"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mine = False
        self.all_items: list[amicable.QueueItem] = []
        self.items: list[amicable.QueueItem] = []  # those the filter keeps, as shown
        self.marked: set[str] = set()  # keys
        self.filter_text = ""
        self.counts = ""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="amicable-status")
        yield RowTable(id="amicable-queue", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        for label, width, fit in COLUMNS:
            table.add_column(label, width=width, **fit)
        self.refresh_data()
        table.focus()

    def refresh_data(self) -> None:
        try:
            queue = amicable.queue(self.app.today, self.app.now(), self.app.actor.user_id if self.mine else None)
        except Exception as error:
            self.app.show_error(error, "file des relances")
            return
        self.all_items = [item for channel in ORDER for item in queue.items(channel)]
        self.marked &= {item.key for item in self.all_items}
        self.counts = " · ".join(f"{CHANNEL_LABELS[c]} {len(queue.items(c))}" for c in ORDER if queue.items(c))
        self._draw()

    def _draw(self) -> None:
        from clerc_tui.rules.names import fold

        wanted = fold(self.filter_text)
        self.items = [
            item
            for item in self.all_items
            if not wanted or wanted in fold(f"{item.reference} {item.debtor_name} {item.step_label} {item.step_code}")
        ]
        table = self.query_one(RowTable)
        cursor = table.cursor_row if table.row_count else 0
        table.clear()
        for item in self.items:
            table.add_row(
                ("✓ " if item.key in self.marked else "") + CHANNEL_LABELS[item.channel],
                item.reference,
                item.debtor_name,
                item.step_label,
                item.recipient,
                item.refusal or "à envoyer",
                key=item.key,
            )
        if self.items:
            table.move_cursor(row=min(cursor, len(self.items) - 1))
        who = "mes dossiers" if self.mine else "tous les clercs"
        status = (
            f"Relances du {format_date(self.app.today)} à {self.app.now():%H:%M} · {who} · "
            f"{self.counts or 'rien à faire'}"
        )
        if self.filter_text:
            status += f" · filtre « {self.filter_text} » : {len(self.items)}"
        if self.marked:
            status += f" · {len(self.marked)} marquée(s)"
        self.query_one("#amicable-status", Static).update(inert_renderable(Text(status)))

    def action_mark(self) -> None:
        item = self._current()
        if item is not None:
            self.marked ^= {item.key}
            self._draw()

    def action_filter(self) -> None:
        from clerc_tui.screens.deadline_modals import ReasonDialog

        def submit(text: str) -> bool:
            self.filter_text = text.strip()
            return True

        dialog = ReasonDialog(
            "Filtrer la file", "Référence, débiteur ou étape ; Entrée sur un texte vide : toute la file", submit,
            placeholder="ex. 2026-0001, lefevre, mise en demeure",
        )  # fmt: skip
        self.app.push_screen(dialog, lambda done: self._draw() if done else None)

    def _current(self) -> amicable.QueueItem | None:
        if not self.items:
            self.app.notify("Aucune relance due aujourd'hui.", markup=False)
            return None
        return self.items[self.query_one(RowTable).cursor_row]

    def action_back(self) -> None:
        self.dismiss(None)

    @on(RowTable.RowSelected)
    def _selected(self, _event: RowTable.RowSelected) -> None:
        self.action_preview()

    def action_cycle_clerc(self) -> None:
        self.mine = not self.mine
        self.refresh_data()

    def action_preview(self) -> None:
        item = self._current()
        if item is None:
            return
        try:
            prepared = amicable.prepare(item, self.app.today)
        except ClercError as error:
            self.app.notify(error.message, severity="error", markup=False)
            return
        history = amicable.last_contacts(item.dossier_id) if item.channel == "phone" else []
        if item.channel == "phone":
            history.insert(0, f"Heures d'appel de l'étude : {amicable.contact_rules().hours.describe()}")
        self.app.push_screen(PreviewScreen(prepared, history))

    def action_send_one(self) -> None:
        item = self._current()
        if item is not None:
            self._send([item])

    def action_campaign(self) -> None:
        """The marked lines (one channel at a time: the line's), else the line's whole channel as
        the filter shows it."""
        item = self._current()
        if item is None:
            return
        marked = [i for i in self.items if i.key in self.marked and i.channel == item.channel]
        self._send(marked or [i for i in self.items if i.channel == item.channel])

    def action_campaign_step(self) -> None:
        """Every line of the same scenario step as this one (as the filter shows them)."""
        item = self._current()
        if item is not None:
            self._send([i for i in self.items if (i.scenario, i.step_code) == (item.scenario, item.step_code)])

    def _send(self, items: list[amicable.QueueItem]) -> None:
        from clerc_tui.config import channel_settings
        from clerc_tui.report.pdf import amicable_letters_pdf
        from clerc_tui.services.channels import sender_for

        channel = items[0].channel
        if channel == "phone":
            outcomes = ", ".join(  # the outcome keys, as the keymap has them
                f"{self.app.key_for(self, f'amicable.call_{outcome}')} {label}"
                for outcome, label in (
                    ("promise", "promesse"),
                    ("refusal", "refus"),
                    ("wrong_number", "faux numéro"),
                    ("no_answer", "pas de réponse"),
                )
            )
            self.app.notify(
                f"Un appel se passe au téléphone : notez son issue une fois fait ({outcomes}).", markup=False
            )
            return
        try:
            sender = None if channel == "letter" else sender_for(channel, *channel_settings(channel))
        except ClercError as error:
            self.app.notify(error.message, severity="error", timeout=10, markup=False)
            return
        status = self.query_one("#amicable-status", Static)
        app, today = self.app, self.app.today

        def show(done: int, total: int) -> None:
            app.call_from_thread(status.update, progress_text(f"{CHANNEL_LABELS[channel]} :", done, total, "messages"))

        def work() -> amicable.CampaignReport:
            try:
                return amicable.run_campaign(
                    app.actor, items, today, sender=sender, clock=app.now, progress=show,
                    render_letters=amicable_letters_pdf,
                )  # fmt: skip
            finally:
                close = getattr(sender, "close", None)
                if close is not None:
                    close()

        def failed(error: Exception) -> None:
            # The progress line (« Courriel : 3/10 ») gives way to the queue as it now is.
            if isinstance(error, ClercError):
                self.app.notify(f"Campagne interrompue : {error.message}", severity="error", timeout=10, markup=False)
            else:
                self.app.show_error(error, "campagne")
            self.refresh_data()

        in_worker(self, work, self._sent, "campagne", failed=failed)

    def _sent(self, report: amicable.CampaignReport) -> None:
        counts = {k: report.count(k) for k in ("sent", "already", "uncertain", "refused", "failed")}
        text = (
            f"{counts['sent']} envoyé(s), {counts['already']} déjà envoyé(s), {counts['uncertain']} incertain(s), "
            f"{counts['refused']} refusé(s), {counts['failed']} en échec."
        )
        problems = [f"{r.item.reference} : {r.detail}" for r in report.results if r.outcome not in ("sent",)]
        if report.batch_file is not None:
            text += f" Lot : {report.batch_file}"
        self.app.notify(" ".join([text, *problems[:5]]), timeout=10, markup=False)
        self.refresh_data()

    def action_call(self, outcome: str) -> None:
        from clerc_tui.screens.deadline_modals import ReasonDialog

        item = self._current()
        if item is None:
            return
        if item.channel != "phone":
            self.app.notify("Les touches 1 à 4 notent l'issue d'un appel (lignes Téléphone).", markup=False)
            return
        app = self.app
        if outcome != "promise":
            try:
                amicable.record_call(app.actor, item, outcome, app.now())
            except ClercError as error:
                app.notify(error.message, severity="error", markup=False)
                return
            self.refresh_data()
            return

        def submit(text: str) -> bool:
            words = text.split(maxsplit=2)
            if len(words) < 2:
                raise ClercError("Écrivez la date puis le montant : « 15/12/2026 250,00 ».")
            amicable.record_call(
                app.actor, item, "promise", app.now(), promise_on=parse_date(words[0]),
                amount=parse_amount(words[1]), note=words[2] if len(words) > 2 else "",
            )  # fmt: skip
            return True

        detail = f"{item.reference} — {item.debtor_name} ({item.recipient})"
        dialog = ReasonDialog(
            "Promesse de paiement : date, montant (et note)", detail, submit, placeholder="15/12/2026 250,00 virement"
        )
        app.push_screen(dialog, lambda done: self.refresh_data() if done else None)

    def action_skip(self) -> None:
        from clerc_tui.screens.deadline_modals import ReasonDialog

        item = self._current()
        if item is None:
            return
        detail = f"{item.reference} — {item.step_label} ({CHANNEL_LABELS[item.channel].lower()})"

        def submit(reason: str) -> bool:
            amicable.skip(self.app.actor, item, reason, self.app.now())
            return True

        dialog = ReasonDialog("Passer cette relance", detail, submit, placeholder="ex. débiteur joint par téléphone")
        self.app.push_screen(dialog, lambda done: self.refresh_data() if done else None)


# --- The dossier view's keys --------------------------------------------------------------------

UNTIL = re.compile(r"\s*jusqu'au\s+(\d{1,2}/\d{1,2}/\d{4})\s*$")


def split_until(text: str) -> tuple[str, date | None]:
    """« hospitalisé jusqu'au 15/01/2027 » → (« hospitalisé », 15/01/2027)."""
    match = UNTIL.search(text)
    if match is None:
        return text.strip(), None
    return text[: match.start()].strip(), parse_date(match.group(1))


def amicable_line(dossier_id: int, today: date, enrol_key: str) -> str:
    info = amicable.enrolment(dossier_id, today)
    return info.summary if info is not None else f"aucun scénario ({enrol_key} : inscrire)"


def _info(screen: Any) -> amicable.EnrolmentInfo | None:
    info = amicable.enrolment(screen.dossier_id, screen.app.today)
    if info is None or info.status == "out":
        enrol_key = screen.app.key_for(screen, "dossier.amicable_enrol")
        screen.app.notify(f"Ce dossier ne suit aucun scénario de relance : {enrol_key} pour l'inscrire.", markup=False)
        return None
    return info


def enrol(screen: Any) -> None:
    try:
        info = amicable.enrol(screen.app.actor, screen.dossier_id, screen.app.today)
    except ClercError as error:
        screen.app.notify(error.message, severity="error", markup=False)
        return
    screen.app.notify(f"Relance amiable : {info.summary}", markup=False)
    screen.refresh_data()


def _with_reason(screen: Any, title: str, placeholder: str, call: Any) -> None:
    from clerc_tui.screens.deadline_modals import ReasonDialog

    info = _info(screen)
    if info is None:
        return
    dialog = ReasonDialog(title, info.summary, lambda text: call(info, text), placeholder=placeholder)
    screen.app.push_screen(dialog, lambda done: screen.refresh_data() if done else None)


def pause(screen: Any) -> None:
    """`u`: block the scenario (reason, until when); on a blocked one, resume it."""
    app = screen.app
    info = _info(screen)
    if info is not None and info.status == "paused":
        try:
            amicable.resume(app.actor, screen.dossier_id, info.version, app.today)
        except ClercError as error:
            app.notify(error.message, severity="error", markup=False)
            return
        app.notify("Relance amiable reprise.", markup=False)
        screen.refresh_data()
        return

    def call(info: amicable.EnrolmentInfo, text: str) -> object:
        reason, until = split_until(text)
        return amicable.pause(app.actor, screen.dossier_id, reason, until, info.version, app.today)

    _with_reason(
        screen,
        "Bloquer la relance (motif, et « jusqu'au jj/mm/aaaa » à la fin)",
        "ex. contestation en cours jusqu'au 15/01/2027",
        call,
    )


def advance(screen: Any) -> None:
    app = screen.app

    def call(info: amicable.EnrolmentInfo, text: str) -> object:
        return amicable.advance(app.actor, screen.dossier_id, text, info.version, app.today)

    _with_reason(screen, "Passer à l'étape suivante", "ex. débiteur joint par téléphone", call)


def take_out(screen: Any) -> None:
    app = screen.app

    def call(info: amicable.EnrolmentInfo, text: str) -> object:
        return amicable.take_out(app.actor, screen.dossier_id, text, info.version, app.today)

    _with_reason(screen, "Sortir le dossier de la relance amiable", "ex. dette réglée, passage au contentieux", call)
