"""The demo's deadlines: real procedure steps walked through `deadlines_for_step`.

Each dossier runs the procedures of its life (the title's flow, then successive execution
measures), step after step: a step is done within the window its open deadlines allow
(not before an earliest day or the end of a waiting period, not after a last day), which
closes them, and creates the deadlines the procedures data defines, dated by the real
calendar (CPC 640-642, holidays, Alsace-Moselle). The walk stops at today: what is still
open is the clerc's agenda (mostly ahead, some today, a share overdue: acts not recorded
in time); everything before is done, with the act that closed it.

`deadlines_for_step` costs ~20 µs: its results are cached by (procedure, step, day, zone,
facts), so 1,000,000 deadlines need only some tens of thousands of computations.
"""

from __future__ import annotations

import random
from datetime import date

from clerc_tui.rules.french import format_date
from clerc_tui.rules.procedures import deadlines_for_step, procedure

COLUMNS = (
    "id",
    "dossier_id",
    "procedure_id",
    "step_id",
    "rule_id",
    "kind",
    "due_date",
    "text_id",  # the label, basis, sanction and note, stored once in deadline_text (m0017)
    "label",  # then "" (NOT NULL without a default in the schema)
    "basis",
    "sanction",
    "note",
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
EXECUTION = ("saisie_attribution", "saisie_attribution", "saisie_attribution", "saisie_vente", "saisie_remunerations")


class DeadlineWalker:
    def __init__(self, rng: random.Random, today: int, iso, next_id, add):
        self.rng, self.t0, self.iso, self.next_id, self.add = rng, today, iso, next_id, add
        self._cache: dict[tuple, list[tuple]] = {}
        self._texts: dict[tuple[str, str, str, str], int] = {}
        self._reasons: dict[tuple, str] = {}
        self._acts = {(p, s.id): s.act for p in PATHS for s in procedure(p).steps}
        self.closing: int | None = None
        self.path: tuple[str, ...] = ()

    # --- one step -----------------------------------------------------------------------

    def _computed(self, procedure_id: str, step_id: str, day: int, zone: str, facts: tuple) -> list[tuple]:
        key = (procedure_id, step_id, day, zone, facts)
        found = self._cache.get(key)
        if found is None:
            values = dict(facts)
            if "hearing_on" in values:
                values["hearing_on"] = date.fromordinal(values["hearing_on"])
            found = []
            for c in deadlines_for_step(procedure_id, step_id, date.fromordinal(day), zone=zone, facts=values):
                due = c.due
                if c.kind == "last_day" and c.act_by is not None and c.act_by < due:
                    due = c.act_by  # as services.deadlines.record_step keeps it
                note = "\n".join(
                    ([f"Point non vérifié : {c.unverified}"] if c.unverified else [])
                    + ([f"Attention : {c.caveat}"] if c.caveat else [])
                )
                found.append(
                    (c.deadline_id, c.kind, due.toordinal(), c.label, c.basis, c.sanction, note, bool(c.unverified))
                )
            self._cache[key] = found
        return found

    def _reason(self, procedure_id: str, step_id: str, day: int) -> str:
        key = (procedure_id, step_id, day)
        text = self._reasons.get(key)
        if text is None:
            text = self._reasons[key] = (
                f"acte accompli : {self._acts[(procedure_id, step_id)]} le {format_date(date.fromordinal(day))}"
            )
        return text

    def _facts(self, procedure_id: str, step_id: str, day: int) -> tuple:
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
                return (("lease_from_2023_07_29", day >= date(2023, 7, 29).toordinal() and r() < 0.5),)
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
        """Run one procedure from `start`; return the day its last step was done, or None if still running."""
        rng, iso = self.rng, self.iso
        paths = PATHS[procedure_id]
        path = paths[0] if len(paths) == 1 else paths[int(rng.random() ** 1.5 * len(paths))]
        self.path = path
        open_rows: dict[str, list] = {}  # rule id → row (a list, finished when the walk decides)
        day = start
        for index, step_id in enumerate(path):
            if index:
                closes = procedure(procedure_id).step(step_id).closes
                low, high = day, None
                gap = GAPS.get((procedure_id, step_id))
                if gap:
                    low = day + rng.randint(*gap)
                for rule_id in closes:
                    row = open_rows.get(rule_id)
                    if row is None:
                        continue
                    kind, due = row[5], row[-1]
                    if kind == "last_day" or (kind == "expiry" and (procedure_id, step_id) in BEFORE_EXPIRY):
                        high = due if high is None else min(high, due)
                    elif kind == "earliest_day":
                        low = max(low, due)
                    else:
                        low = max(low, due + 1)
                if high is None or high < low:
                    high = low + rng.randint(0, 20)
                high = min(high, low + 60)  # a clerc acts within weeks, not at the very end of a 2-year window
                day = rng.randint(low, high)
                if day > until:
                    if low > until or rng.random() < late_share:
                        break  # not done yet: its deadlines stay open (overdue when already past)
                    day = rng.randint(low, until)
                reason = None
                for rule_id in closes:
                    row = open_rows.pop(rule_id, None)
                    if row is not None:
                        reason = reason or self._reason(procedure_id, step_id, day)
                        row[12], row[13], row[14], row[15] = True, iso(day), assigned, reason
                        row[10] = ""  # the unverified/caveat note matters while it is open (keeps the file small)
                        self._emit(row)
            elif day > until:
                return None
            created = f"{iso(day)} {9 + day % 9:02d}:{day % 60:02d}:00"
            for rule_id, kind, due, label, basis, sanction, note, unverified in self._computed(
                procedure_id, step_id, day, zone, self._facts(procedure_id, step_id, day)
            ):
                row = [
                    self.next_id("deadline"),
                    dossier_id,
                    procedure_id,
                    step_id,
                    rule_id,
                    kind,
                    iso(due),
                    label,
                    basis,
                    sanction,
                    note,
                    assigned,
                    False,
                    None,
                    None,
                    "",
                    created,
                    None,
                    "",
                    unverified,
                    due,
                ]
                open_rows[rule_id] = row
        else:
            if not open_rows:
                return day
        for row in open_rows.values():
            if self.closing is not None:  # the dossier was closed: what was left open became moot
                row[12], row[13], row[14], row[15] = True, iso(self.closing), assigned, "dossier clos"
            elif rng.random() < 0.01:  # a few were moved, with their reason
                row[17], row[18] = row[6], rng.choice(MOVE_REASONS)
                row[-1] += rng.randint(7, 30)
                row[6] = iso(row[-1])
            self._emit(row)
        return None

    def _emit(self, row: list) -> None:
        text = (row[7], row[8], row[9], row[10])
        text_id = self._texts.get(text)
        if text_id is None:
            text_id = self._texts[text] = self.next_id("deadline_text")
            self.add("deadline_text", (text_id, *text))
        self.add("deadline", (*row[:7], text_id, "", "", "", "", *row[11:-1]))

    # --- a dossier's life -------------------------------------------------------------------

    def dossier(
        self,
        dossier_id: int,
        *,
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


def suspend_indexes(db, tables=("deadline",)) -> list[str]:
    """Drop (inside the load transaction) the secondary indexes of `tables`; return their SQL.

    Measured at 100,000 dossiers / 1.1M deadlines: keeping the seven deadline indexes up to
    date row by row makes the deadline insert ~3× slower than building them once at the end.
    """
    names = ", ".join("?" for _ in tables)
    found = db.execute_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({names}) ORDER BY name",
        list(tables),
    ).fetchall()
    for name, _sql in found:
        db.execute_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def resume_indexes(db, statements: list[str]) -> None:
    for sql in statements:
        db.execute_sql(sql)
