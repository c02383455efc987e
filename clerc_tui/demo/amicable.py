"""The demo's amicable desk (issue 15 item 5): dossiers of the amicable phase enrolled in their
scenario (data/scenarios.toml) at varied steps, their past contacts (`amicable_contact`, the send
log, the timeline), and payment plans (`payment_plan`, instalments, the payments made on them).

Rows are tuples handed to the builder (`add`), ids from its counters (`next_id`), dates as ISO
strings: bulk-loaded with the rest (demo/build.py). Drawn from their own generator, so the rest
of the étude stays as it was for a seed.

Whatever the seed and the size, the first amicable dossiers that fit are made to show each
feature once (`SHOWCASE`): a step due today on every channel (to a debtor who has the address it
needs), a debtor who refused SMS with his SMS due today, a paused dossier, a plan in default
(an instalment missed past the grace) and plans in progress.
"""

from collections.abc import Callable
from datetime import date

from clerc_tui.rules import amicable as rules
from clerc_tui.rules.french import format_cents, format_date
from clerc_tui.rules.plans import DEFAULT_GRACE_DAYS, due_dates

# What the first fitting amicable dossiers show, in this order.
SHOWCASE = (
    ("due", "letter"),
    ("due", "email"),
    ("due", "sms"),
    ("due", "phone"),
    ("optout", "sms"),
    ("paused", ""),
    ("plan_default", ""),
    ("plan", ""),
    ("plan", ""),
)
DUE_SHARE = 0.2  # enrolments whose next step is due on the demo's today (the morning queue)
PLAN_SHARE = 0.06  # amicable dossiers with a payment plan in progress
DONE_SHARE = 0.04  # enrolments whose scenario is over
PAUSE_REASON = "Débiteur hospitalisé : relances suspendues à la demande du mandant"
OPTOUT_REASON = "Le débiteur refuse les SMS (dit au téléphone)"
PHONE_OUTCOMES = ("no_answer", "no_answer", "promise", "refusal")
LEDGER_BY = "pcharrier"  # who records the payments, as in the rest of the demo's ledger


class AmicableDemo:
    def __init__(
        self,
        rng,
        t0: int,
        iso: Callable[[int], str],
        next_id: Callable[[str], int],
        add: Callable[[str, tuple], None],
    ):
        self.rng = rng
        self.t0 = t0
        self.iso = iso
        self.next_id = next_id
        self.add = add
        self.pending = list(SHOWCASE)
        self.scenarios: dict[tuple[str, str], rules.Scenario] = {}

    def dossier(
        self,
        did: int,
        *,
        opened: int,
        nature: str,
        creditor_siren: str,
        reference: str,
        debtor_id: int,
        reach: tuple[str, str, str, str],
        assigned: int,
        balance: int,
    ) -> int:
        """Enrol the amicable dossier or give it a payment plan; return what its payments take
        off the balance (cents, ≤ 0). `reach`: the debtor's e-mail, mobile, phone and address
        ("" when unknown)."""
        rng = self.rng
        chosen = self.scenarios.get((creditor_siren, nature))
        if chosen is None:
            chosen = self.scenarios[(creditor_siren, nature)] = rules.choose_scenario(creditor_siren, nature)
        show = self._showcase(chosen, opened, reach, balance)
        if show == "plan_default" or show == "plan" or (show is None and rng.random() < PLAN_SHARE):
            paid = self._plan(did, opened, assigned, balance, default=show == "plan_default")
            if paid is not None:
                return -paid
        self._enrol(did, chosen, show, opened, reference, debtor_id, reach, assigned)
        return 0

    # --- which showcase a dossier takes -------------------------------------------------------

    def _showcase(self, chosen: rules.Scenario, opened: int, reach, balance: int) -> str | None:
        if not self.pending or opened > self.t0 - 100 or balance < 30_000:
            return None  # old enough for any step and any plan, with a debt worth a plan
        what, channel = self.pending[0]
        if channel:
            if not any(step.channel == channel for step in chosen.steps):
                return None
            if channel != "letter" and not reach[("email", "sms", "phone").index(channel)]:
                return None  # the showcase needs a recipient for its channel
        self.pending.pop(0)
        return f"{what}:{channel}" if channel else what

    # --- enrolment and past contacts ----------------------------------------------------------

    def _enrol(self, did, chosen, show, opened, reference, debtor_id, reach, assigned) -> None:
        rng, t0, iso = self.rng, self.t0, self.iso
        steps = chosen.steps
        status, reason, until = "active", "", None
        if show is not None and ":" in show:
            what, channel = show.split(":")
            done = next(i for i, step in enumerate(steps) if step.channel == channel)
            due = True
        elif show == "paused":
            what, done, due = show, min(2, len(steps) - 1), True
            status, reason, until = "paused", PAUSE_REASON, iso(t0 + 21)
        else:
            what = ""
            r = rng.random()
            done = len(steps) if r < DONE_SHARE else (0 if r < 0.15 else rng.randint(1, len(steps) - 1))
            due = rng.random() < DUE_SHARE
        if done >= len(steps):
            status = "done"
        # The day of the last step done: the next one due today (or a few days late), or later.
        last = None
        if done:
            nxt = steps[done] if done < len(steps) else None
            wait = nxt.days if nxt is not None and nxt.start == "previous" else 10
            last = t0 - wait - rng.randint(0, 2) if due else t0 - rng.randint(0, max(0, wait - 1))
            if last < opened + 2:  # too young a dossier for so many steps: at its first one
                done, last, status = 0, None, "active"
        # The days of the steps done, back from the last one.
        days: list[int] = []
        day = last
        for index in range(done - 1, -1, -1):
            assert day is not None
            day = max(opened + 1, min(day, t0))
            weekday = (day + 6) % 7  # date.weekday() of an ordinal: no contact on a week-end
            day -= max(0, weekday - 4)
            days.append(max(opened + 1, day))
            day -= steps[index].days if steps[index].start == "previous" else 7
        days.reverse()
        for index, on in enumerate(days):
            self._contact(did, chosen, steps[index], on, reference, debtor_id, reach, assigned)
        eid = self.next_id("amicable_enrolment")
        self.add(
            "amicable_enrolment",
            (
                eid,
                did,
                chosen.id,
                1,
                done,
                iso(days[-1]) if days else None,
                iso(opened),
                status,
                reason,
                until,
                1 + done + (status == "paused"),
                assigned,
                f"{iso(days[-1] if days else opened)} 18:00:00",
            ),
        )
        self._timeline(did, opened, "amicable_enrol", f"Relance amiable : scénario « {chosen.label} »", assigned)
        if status == "paused":
            self._timeline(
                did,
                t0 - 3,
                "amicable_pause",
                f"Relance amiable bloquée jusqu'au {format_date(date.fromordinal(t0 + 21))} : {reason}",
                assigned,
            )
        if what == "optout":
            at = f"{iso(t0 - 10)} 11:00:00"
            self.add(
                "amicable_optout",
                (self.next_id("amicable_optout"), debtor_id, "sms", 1, OPTOUT_REASON, assigned, at),
            )
            self._timeline(did, t0 - 10, "amicable_optout", f"Refus des SMS enregistré : {OPTOUT_REASON}", assigned)

    def _contact(self, did, chosen, step, on: int, reference: str, debtor_id: int, reach, assigned: int) -> None:
        rng, iso = self.rng, self.iso
        channel = step.channel
        recipient = {"letter": reach[3], "email": reach[0], "sms": reach[1], "phone": reach[2]}[channel]
        at = f"{iso(on)} {rng.clock(10, 12)}"
        key = rules.message_key(did, chosen.id, 1, step.code, channel)
        outcome, detail = "sent", ""
        if channel == "phone":
            outcome = rng.choice(PHONE_OUTCOMES) if recipient else "wrong_number"
            if outcome == "promise":
                promised = format_cents(rng.randint(5, 40) * 1_000)
                detail = f"Promesse de {promised} au {format_date(date.fromordinal(on + 10))}"
        elif not recipient and channel != "letter":  # a letter goes to the debtor's address (always known)
            outcome, detail = "skipped", rules.MISSING_RECIPIENT[channel]
        self.add(
            "amicable_contact",
            (
                self.next_id("amicable_contact"),
                did,
                debtor_id,
                at,
                channel,
                chosen.id,
                step.code,
                key,
                recipient,
                step.label if channel in ("letter", "email") else "",
                f"Réf. {reference} — {step.label}",
                outcome,
                detail,
                assigned,
            ),
        )
        if outcome == "sent":
            provider = f"demo-{did}-{step.code}" if channel in ("email", "sms") else ""
            self.add(
                "amicable_send",
                (self.next_id("amicable_send"), key, did, channel, "sent", at, LEDGER_BY, at, provider, ""),
            )
        text = f"{rules.CHANNEL_LABELS[channel]} — {step.label} : {rules.OUTCOMES[outcome]}"
        if recipient and channel != "letter":
            text += f" ({recipient})"
        if detail:
            text += f" — {detail}"
        self._timeline(did, on, f"amicable_{channel}", text, assigned, at)

    def _timeline(self, did: int, on: int, kind: str, text: str, user: int, at: str = "") -> None:
        self.add(
            "timeline_event",
            (self.next_id("timeline_event"), did, self.iso(on), kind, text, user, at or f"{self.iso(on)} 17:00:00"),
        )

    # --- payment plans ------------------------------------------------------------------------

    def _plan(self, did: int, opened: int, assigned: int, balance: int, *, default: bool) -> int | None:
        """A plan made some weeks ago for the whole debt, its instalments, the payments received
        on it (recorded after the plan: services/plans.py counts only those); in `default`, one
        instalment missed past the étude's grace (DEFAULT_GRACE_DAYS), the earlier ones paid.
        Returns the cents paid, None when the dossier is too young or its debt too small."""
        rng, t0, iso = self.rng, self.t0, self.iso
        start = t0 - rng.randint(45, 160)
        if start < opened + 5 or balance < 20_000:
            return None
        first = start + rng.randint(7, 20)
        elapsed = (t0 - first) // 30 + 1
        count = elapsed + rng.randint(2, 8)
        monthly = balance // count // 100 * 100
        if monthly < 1_000:
            return None
        amounts = [monthly] * (count - 1) + [balance - monthly * (count - 1)]
        dues = [d.toordinal() for d in due_dates(date.fromordinal(first), count)]
        missed = None
        if default:
            late = [n for n, due in enumerate(dues) if due + DEFAULT_GRACE_DAYS < t0]
            if not late:
                return None
            missed = late[-1]
        plan_id = self.next_id("payment_plan")
        created_at = f"{iso(start)} 09:30:00"
        self.add(
            "payment_plan",
            (plan_id, did, "amiable", "actif", balance, iso(start), None, None, 0, None, "", assigned, created_at, 1),
        )
        for number, (due, cents) in enumerate(zip(dues, amounts, strict=True), start=1):
            self.add(
                "payment_plan_instalment", (self.next_id("payment_plan_instalment"), plan_id, number, iso(due), cents)
            )
        self._timeline(
            did,
            start,
            "echeancier",
            f"Échéancier (amiable) : {count} échéance(s) de {format_cents(monthly)}, du "
            f"{format_date(date.fromordinal(dues[0]))} au {format_date(date.fromordinal(dues[-1]))}, "
            f"total {format_cents(balance)}",
            assigned,
            created_at,
        )
        paid = 0
        for number, due in enumerate(dues):
            if (missed is not None and number >= missed) or due >= t0:
                break
            day = min(max(due + rng.randint(-3, 4), start + 1), t0 - 1)
            cents = amounts[number]
            self.add(
                "ledger_entry",
                (
                    self.next_id("ledger_entry"),
                    did,
                    "payment",
                    iso(day),
                    iso(day + 1),
                    cents,
                    "Versement du débiteur (échéancier)",
                    "virement",
                    "Le débiteur",
                    f"VIR{rng.randint(10**9, 10**10 - 1)}",
                    None,
                    "",
                    LEDGER_BY,
                    f"{iso(day)} {rng.clock(10, 16)}",
                ),
            )
            self._timeline(
                did, day, "ledger_payment", f"Paiement de {format_cents(cents)} reçu", assigned, f"{iso(day)} 10:00:00"
            )
            paid += cents
        return paid
