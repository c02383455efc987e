"""The demo's deadlines: real procedure steps walked through `deadlines_for_step`.

Each dossier runs the procedures of its life (the title's flow, then successive execution
measures), step after step: a step is done within the window its open deadlines allow
(not before an earliest day or the end of a waiting period, not after a last day), which
closes them, and creates the deadlines the procedures data defines, dated by the real
calendar (CPC 640-642, holidays, Alsace-Moselle). The walk stops at today: what is still
open is the clerc's agenda (mostly ahead, some today, a share overdue: acts not recorded
in time); everything before is done, with the act that closed it.

A step's deadlines cost ~20–35 µs to compute: they are cached by step (procedure, step, zone,
facts), then by day, and each rule's result by (rule, start, zone), so 1,100,000 deadlines need
~53,000 rule computations (100,000 dossiers).
At that scale this walk runs in a second process (demo/worker.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from clerc_tui.rules.french import format_date
from clerc_tui.rules.procedures import ComputedDeadline, applies, compute_deadline, deadlines_for_step, procedure

COLUMNS = (
    "id",
    "dossier_id",
    "procedure_id",
    "step_id",
    "rule_id",
    "kind",
    "due_date",
    "text_id",  # the label, basis, sanction and note, stored once in deadline_text (m0017)
    "assigned_to_id",
    "done",
    "done_on",
    "done_by_id",
    "done_reason",
    "created_at",
    "original_due_date",
    "moved_reason",
    "unverified",
)
# Columns given the same value in every row, as SQL literals: the deadline's own text is ""
# (NOT NULL without a default in the schema), its text being `text_id`'s.
LITERALS = (("label", "''"), ("basis", "''"), ("sanction", "''"), ("note", "''"))

# The path through each procedure (a procedure with alternatives has several).
PATHS = {
    "injonction_de_payer": (
        ("ordonnance", "signification", "verification_non_opposition", "premier_acte_execution"),
        # served at domicile: the first measure opens the opposition month (CPC 1416 al. 2)
        ("ordonnance", "signification", "premier_acte_execution", "verification_opposition_apres_mesure"),
    ),
    "signification_jugement": (("jugement", "signification", "certificat_non_appel"),),
    "saisie_attribution": (("acte_saisie", "denonciation", "paiement"),),
    "saisie_vente": (
        ("commandement", "pv_saisie", "vente"),
        ("commandement", "pv_carence"),
        ("commandement", "pv_saisie", "signification_debiteur", "vente"),
    ),
    "saisie_remunerations": (
        (
            "commandement",
            "inscription_registre_commandement",
            "pv_saisie",
            "inscription_registre_pv",
            "denonciation",
            "declaration_employeur",
        ),
    ),
    "expulsion": (
        (
            "commandement_payer_clause_resolutoire",
            "assignation",
            "notification_prefet_assignation",
            "commandement_quitter_lieux",
            "saisine_prefet_cql",
            "requisition_force_publique",
            "pv_expulsion",
            "sort_des_meubles",
        ),
    ),
    "petites_creances": (("invitation", "accord"), ("invitation", "echec")),
}
# Steps that follow an event the data does not model (judgment, hearing…): days after the previous step.
GAPS = {
    ("expulsion", "assignation"): (1, 20),
    ("expulsion", "commandement_quitter_lieux"): (75, 150),
    ("expulsion", "requisition_force_publique"): (62, 80),
    ("injonction_de_payer", "signification"): (10, 60),
    ("signification_jugement", "signification"): (5, 45),
}
# Steps that answer an `expiry` deadline before it ends (the debtor's reply, the employer's declaration).
BEFORE_EXPIRY = {("petites_creances", "accord"), ("saisie_remunerations", "declaration_employeur")}
MOVE_REASONS = (
    "Délai de grâce accordé par le juge",
    "Audience renvoyée",
    "Débiteur hospitalisé : à reprendre",
    "Demande du mandant",
    "Pièces attendues du créancier",
)
LEASE_LAW = date(2023, 7, 29).toordinal()  # the day in the fact's name
NOTHING: dict = {}  # an empty cache (never written)
# The steps whose deadlines depend on a fact drawn for the dossier (DeadlineWalker._facts).
FACT_STEPS = frozenset(
    {
        ("injonction_de_payer", "signification"),
        ("injonction_de_payer", "premier_acte_execution"),
        ("saisie_attribution", "acte_saisie"),
        ("signification_jugement", "jugement"),
        ("signification_jugement", "signification"),
        ("expulsion", "commandement_payer_clause_resolutoire"),
        ("expulsion", "assignation"),
        ("saisie_vente", "commandement"),
    }
)
EXECUTION = ("saisie_attribution", "saisie_attribution", "saisie_attribution", "saisie_vente", "saisie_remunerations")


class DayTexts(dict):
    """Day ordinal → `render(day)`, computed once: a hit is one dict lookup, in C, through
    `DayTexts(render).__getitem__` (the demo writes some millions of dates)."""

    def __init__(self, render: Callable[[date], str]):
        super().__init__()
        self.render = render

    def __missing__(self, ordinal: int) -> str:
        text = self[ordinal] = self.render(date.fromordinal(ordinal))
        return text


class DeadlineWalker:
    """Walks each dossier's procedures and appends its deadline rows (COLUMNS, as tuples) to `out`.

    The per-step data of the catalogue (act, the rules it closes, the waiting gap) is read
    once; the rules' computation is cached by its inputs (`_computed`); each text of the
    catalogue gets its `deadline_text` id (through `next_id` and `add`) when a deadline first
    uses it."""

    def __init__(self, rng: random.Random, today: int, iso, next_id, add, out: list):
        self.rng, self.t0, self.iso, self.next_id, self.add, self.out = rng, today, iso, next_id, add, out
        self._cache: dict[tuple, dict[int, tuple]] = {}
        self._rules: dict[tuple[str, str], tuple] = {}  # (procedure, step) → its rules, in the catalogue's order
        # rule → zone → start → its entry (_computed): nested, a key tuple per entry would cost ~3 MB more
        self._by_rule: dict[str, dict[str, dict[int, tuple]]] = {}
        # (label, basis, sanction, note) → [its id (0 until a deadline uses it), the text], shared by
        # the cache entries: a row holds the list until it is added, then the id.
        self._texts: dict[tuple[str, str, str, str], list] = {}
        self._french_day = DayTexts(format_date).__getitem__
        self._created: dict[int, str] = {}
        # (procedure, step) → (act, the rules it closes in a fixed order, the gap after the previous step,
        # whether it answers an expiry before its end)
        self._steps = {
            (p, s.id): (s.act, tuple(sorted(s.closes)), GAPS.get((p, s.id)), (p, s.id) in BEFORE_EXPIRY)
            for p in PATHS
            for s in procedure(p).steps
        }
        # procedure → its paths (PATHS' order), each a tuple of its steps: (step, act, the rules it closes —
        # None for the first step, which closes nothing —, gap, before expiry, whether facts are drawn for it)
        self._plans = {p: tuple(self._plan(p, path) for path in paths) for p, paths in PATHS.items()}
        self.deadline_id = 0
        self.closing: int | None = None
        self.path: tuple[str, ...] = ()

    def _plan(self, procedure_id: str, path: tuple[str, ...]) -> tuple[tuple, ...]:
        plan = []
        for index, step_id in enumerate(path):
            act, closes, gap, before_expiry = self._steps[(procedure_id, step_id)]
            fact_step = (procedure_id, step_id) in FACT_STEPS
            plan.append((step_id, act, closes if index else None, gap, before_expiry, fact_step))
        return tuple(plan)

    # --- one step -----------------------------------------------------------------------

    def _text(self, label: str, basis: str, sanction: str, note: str) -> list:
        key = (label, basis, sanction, note)
        return self._texts.setdefault(key, [0, key])

    def _computed(self, step: tuple, day: int) -> tuple:
        """(rule id, kind, due ordinal, due ISO, text while open, text once done, unverified) of each
        deadline the step (procedure, step, zone, facts) done on `day` creates, as `deadlines_for_step`
        computes them (rules are pure: cached by step, then by day: ~100 bytes a day and step).

        The step's rules are those `deadlines_for_step` applies, in its order and from the same start
        (the step's day, or the hearing's); each rule's result is cached by (rule, start, zone): steps
        that differ only by a fact, or by the day of a hearing, share it (at 100,000 dossiers 64,447
        computations were 52,863 distinct ones). tests/services/test_demo_worker.py pins the two ways."""
        procedure_id, step_id, zone, facts = step
        values = dict(facts)
        if "hearing_on" in values:
            values["hearing_on"] = date.fromordinal(values["hearing_on"])
        rules = self._rules.get((procedure_id, step_id))
        if rules is None:
            rules = self._rules[(procedure_id, step_id)] = tuple(procedure(procedure_id).step(step_id).deadlines)
        served_on = date.fromordinal(day)
        found = []
        for rule in rules:
            if not applies(rule, values):
                continue
            rule_start = served_on
            if rule.start == "hearing_on":
                hearing = values.get("hearing_on")
                if not isinstance(hearing, date):  # refused as deadlines_for_step refuses it (InvalidInput)
                    deadlines_for_step(procedure_id, step_id, served_on, zone=zone, facts=values)
                    raise AssertionError("a rule counted from the hearing without its date")
                rule_start = hearing
            by_start = self._by_rule.setdefault(rule.id, {}).setdefault(zone, {})
            entry = by_start.get(rule_start.toordinal())
            if entry is None:
                entry = by_start[rule_start.toordinal()] = self._entry(compute_deadline(rule, rule_start, zone=zone))
            found.append(entry)
        by_day = self._cache.get(step)
        if by_day is None:
            by_day = self._cache[step] = {}
        result = by_day[day] = tuple(found)
        return result

    def _entry(self, c: ComputedDeadline) -> tuple:
        due = c.due
        if c.kind == "last_day" and c.act_by is not None and c.act_by < due:
            due = c.act_by  # as services.deadlines.record_step keeps it
        note = "\n".join(
            ([f"Point non vérifié : {c.unverified}"] if c.unverified else [])
            + ([f"Attention : {c.caveat}"] if c.caveat else [])
        )
        return (
            c.deadline_id,
            c.kind,
            due.toordinal(),
            self.iso(due.toordinal()),
            self._text(c.label, c.basis, c.sanction, note),
            # the unverified/caveat note matters while it is open (keeps the file small)
            self._text(c.label, c.basis, c.sanction, ""),
            1 if c.unverified else 0,
        )

    def _facts(self, procedure_id: str, step_id: str, day: int) -> tuple:
        """The facts a step's deadlines depend on (drawn here); only for the steps of FACT_STEPS."""
        r = self.rng.random
        if procedure_id == "injonction_de_payer" and step_id in ("signification", "premier_acte_execution"):
            return (("served_in_person", "verification_opposition_apres_mesure" not in self.path),)
        if procedure_id == "saisie_attribution" and step_id == "acte_saisie":
            return (("bank_account", r() < 0.85),)
        if procedure_id == "signification_jugement":
            if step_id == "jugement":
                return (("judgment_by_default", r() < 0.3),)
            if step_id == "signification":
                return (("short_appeal_delay", r() < 0.1),)
        if procedure_id == "expulsion":
            if step_id == "commandement_payer_clause_resolutoire":
                return (("lease_from_2023_07_29", day >= LEASE_LAW and r() < 0.5),)
            if step_id == "assignation":
                return (("hearing_on", day + self.rng.randint(56, 100)),)
        if procedure_id == "saisie_vente" and step_id == "commandement":
            return (("small_claim_in_dwelling", r() < 0.05),)
        return ()

    # --- one procedure --------------------------------------------------------------------

    def walk(
        self,
        dossier_id: int,
        procedure_id: str,
        start: int,
        until: int,
        zone: str,
        assigned: int,
        late_share: float = 0.1,
    ) -> int | None:
        """Run one procedure from `start`; return the day its last step was done, or None if still running.

        The hot loop of the demo (a million deadlines): an open deadline is a short tuple (id, its
        entry of the cache — rule, kind, due ordinal, due ISO, text, text once done, unverified —,
        step, created); its row is made once, when it is closed (here, inline) or the walk stops."""
        rng, iso, cache, out_append = self.rng, self.iso, self._cache, self.out.append
        randint, random_ = rng.randint, rng.random
        paths = PATHS[procedure_id]
        chosen = 0 if len(paths) == 1 else int(random_() ** 1.5 * len(paths))
        self.path = paths[chosen]
        open_rows: dict[str, tuple] = {}
        pop = open_rows.pop
        next_id = self.deadline_id
        day = start
        for step_id, act, closes, gap, before_expiry, fact_step in self._plans[procedure_id][chosen]:
            if closes is not None:  # every step but the first
                low, high = day, None
                if gap:
                    low = day + randint(*gap)
                for rule_id in closes:
                    row = open_rows.get(rule_id)
                    if row is None:
                        continue
                    entry = row[1]
                    kind, due = entry[1], entry[2]
                    if kind == "last_day" or (kind == "expiry" and before_expiry):
                        high = due if high is None else min(high, due)
                    elif kind == "earliest_day":
                        low = max(low, due)
                    else:
                        low = max(low, due + 1)
                if high is None or high < low:
                    high = low + randint(0, 20)
                high = min(high, low + 60)  # a clerc acts within weeks, not at the very end of a 2-year window
                day = randint(low, high)
                if day > until:
                    if low > until or random_() < late_share:
                        break  # not done yet: its deadlines stay open (overdue when already past)
                    day = randint(low, until)
                reason = done_on = None
                for rule_id in closes:
                    row = pop(rule_id, None)
                    if row is not None:
                        if reason is None:
                            reason = f"acte accompli : {act} le {self._french_day(day)}"
                            done_on = iso(day)
                        entry = row[1]
                        text = entry[5]  # the text once done
                        out_append(
                            (
                                row[0],
                                dossier_id,
                                procedure_id,
                                row[2],
                                rule_id,
                                entry[1],
                                entry[3],
                                text[0] or self._text_id(text),
                                assigned,
                                1,
                                done_on,
                                assigned,
                                reason,
                                row[3],
                                None,
                                "",
                                entry[6],
                            )
                        )
            elif day > until:
                return None
            created = self._created.get(day)
            if created is None:
                created = self._created[day] = f"{iso(day)} {9 + day % 9:02d}:{day % 60:02d}:00"
            step = (procedure_id, step_id, zone, self._facts(procedure_id, step_id, day) if fact_step else ())
            found = cache.get(step, NOTHING).get(day)
            if found is None:
                found = self._computed(step, day)
            for entry in found:
                next_id += 1
                open_rows[entry[0]] = (next_id, entry, step_id, created)
        else:
            if not open_rows:
                self.deadline_id = next_id
                return day
        self.deadline_id = next_id
        emit = self._emit
        for row in open_rows.values():
            entry = row[1]
            if self.closing is not None:  # the dossier was closed: what was left open became moot
                emit(dossier_id, procedure_id, row, entry[4], assigned, 1, iso(self.closing), assigned, "dossier clos")
            elif random_() < 0.01:  # a few were moved, with their reason
                reason = rng.choice(MOVE_REASONS)
                moved = iso(entry[2] + randint(7, 30))
                emit(dossier_id, procedure_id, row, entry[4], assigned, 0, None, None, "", moved, entry[3], reason)
            else:
                emit(dossier_id, procedure_id, row, entry[4], assigned)
        return None

    def _text_id(self, text: list) -> int:
        """The `deadline_text` id of a text of the catalogue, given (and its row added) on first use."""
        text_id = text[0] = self.next_id("deadline_text")
        self.add("deadline_text", (text_id, *text[1]))
        return text_id

    def _emit(
        self,
        dossier_id: int,
        procedure_id: str,
        row: tuple,
        text: list,
        assigned: int,
        done: int = 0,
        done_on: str | None = None,
        done_by: int | None = None,
        done_reason: str = "",
        due_iso: str | None = None,
        original_due: str | None = None,
        moved_reason: str = "",
    ) -> None:
        """Append the row (COLUMNS) of a deadline left open by its walk (or closed with its dossier)."""
        entry = row[1]
        self.out.append(
            (
                row[0],
                dossier_id,
                procedure_id,
                row[2],
                entry[0],
                entry[1],
                due_iso or entry[3],
                text[0] or self._text_id(text),
                assigned,
                done,
                done_on,
                done_by,
                done_reason,
                row[3],
                original_due,
                moved_reason,
                entry[6],
            )
        )

    # --- a dossier's life -------------------------------------------------------------------

    def dossier(  # its facts in worker.FACTS order: the child passes them by position
        self,
        dossier_id: int,
        phase: str,
        nature: str,
        title_kind: str,
        title_date: int | None,
        enforceable: int | None,
        closed: int | None,
        first_procedure: str | None,
        zone: str,
        assigned: int,
    ) -> None:
        rng = self.rng
        until = closed if closed is not None else self.t0
        self.closing = closed
        late = 0.0 if closed is not None else 0.06
        if title_date is not None:
            flow = {"ordonnance_ip": "injonction_de_payer", "jugement": "signification_jugement"}.get(title_kind)
            if flow:
                self.walk(dossier_id, flow, title_date, until, zone, assigned, late)
        if phase == "amiable":
            if first_procedure == "petites_creances":
                self.walk(dossier_id, "petites_creances", self.t0 - rng.randint(0, 45), until, zone, assigned, 0.15)
            return
        if phase not in ("execution", "clos") or enforceable is None:
            return
        options = EXECUTION + (("expulsion",) if nature == "loyers" else ())
        # One line of measures from the title's enforceability; often a second one running alongside
        # (a wage seizure in progress while bank accounts are seized again, a saisie-vente…).
        self._measures(
            dossier_id,
            enforceable + rng.randint(3, 40),
            until,
            zone,
            assigned,
            late,
            options,
            first_procedure if first_procedure in options else rng.choice(options),
        )
        if rng.random() < 0.15:
            self._measures(
                dossier_id,
                enforceable + rng.randint(30, 200),
                until,
                zone,
                assigned,
                late,
                options,
                rng.choice(options),
            )

    def _measures(self, dossier_id, start, until, zone, assigned, late, options, current) -> None:
        for _ in range(20):
            if start > until:
                break
            end = self.walk(dossier_id, current, start, until, zone, assigned, late)
            if end is None:
                break
            start = end + self.rng.randint(10, 60)
            current = self.rng.choice(options)
