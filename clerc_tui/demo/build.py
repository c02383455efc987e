"""`clerc demo`: a realistic, deterministic demonstration étude.

Everything is drawn from `Draws(seed)` (a `random.Random`: demo/draws.py) and dated relative
to the `today` given, so one seed always gives the same étude. Rows are generated as tuples
(money in integer cents, dates as ISO strings, booleans as 0/1) and loaded with `executemany`
in one transaction, 1,000 dossiers at a time, without foreign-key checks nor secondary
indexes; the indexes and the FTS5 search index are built once at the end, then `ANALYZE`
(docs/architecture.md, « Measured facts »). In a demo file of SECOND_PROCESS_FROM dossiers or
more, the deadlines are walked, loaded and indexed by a second process meanwhile, then copied in
(demo/worker.py); in a smaller one, here.
"""

import gc
import os
from array import array
from bisect import bisect
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from itertools import accumulate, count
from pathlib import Path

from peewee import BooleanField

from clerc_tui.demo import data as D
from clerc_tui.demo.amicable import AmicableDemo
from clerc_tui.demo.deadlines import COLUMNS as DEADLINE_COLUMNS
from clerc_tui.demo.deadlines import LITERALS as DEADLINE_LITERALS
from clerc_tui.demo.deadlines import DayTexts, DeadlineWalker
from clerc_tui.demo.draws import Draws
from clerc_tui.demo.worker import (
    AUDIT_COLUMNS,
    LEDGER_COLUMNS,
    LEDGER_TABLES,
    Chains,
    DeadlineWorker,
    Phases,
    insert_sql,
)
from clerc_tui.errors import ClercError, InvalidInput
from clerc_tui.models.db import (
    BUSY_TIMEOUT_SECONDS,
    SQLITE_PRAGMAS,
    close_database,
    database,
    is_sqlite,
    make_database,
    open_database,
    sqlite_path,
)
from clerc_tui.rules.french import format_cents, format_date, format_integer
from clerc_tui.rules.identifiers import luhn_check_digit, make_french_iban
from clerc_tui.rules.names import debtors_label, fold, person_name
from clerc_tui.rules.rates import LEGAL_CATEGORIES, Rates, half_year_name, next_half_year
from clerc_tui.services import context
from clerc_tui.services.files import fsync_path as _fsync

MAX_DOSSIERS = 1_000_000
LOAD_CACHE_KIB = -8_000  # PRAGMA cache_size while loading (negative: KiB)
# Balances with interest are computed for small démos only (≈ 2 ms a dossier); a large one
# keeps claims + ledger until `clerc balances` is run (as an étude would each night).
BALANCES_UP_TO = 10_000
# From this many dossiers a demo file's deadlines are walked by a second process (demo/worker.py);
# below, by the builder. The child's start (an interpreter and its imports, ~0.1 s of CPU) and the
# copy of its tables cost more than the walk it would take off the builder (~0.5 ms of CPU a
# dossier): 0.1–0.15 s of CPU more per demo up to 400 dossiers (cold `clerc demo`), 0.13–0.23 s more
# inside a process that has already computed deadlines (the tests). The same rows either way
# (tests/services/test_demo.py builds one through the child and one here and compares them).
SECOND_PROCESS_FROM = 200
# Dossiers generated, then flushed, per round: the rows of a round are all that is held (the
# oldest dossiers carry ~30 deadlines each: 1,000 of them are ~30,000 rows, ~20 MB).
BATCH = 1_000

NATURES = ("loyers", "pension_alimentaire", "charges_sociales", "credit", "commercial", "autre")
PHASES = ("amiable", "judiciaire", "execution", "clos")
NATURE_WEIGHTS = (30, 6, 10, 20, 20, 14)
PHASE_WEIGHTS = (30, 20, 32, 18)
# Days between opening and today, per phase.
PHASE_AGE = {"amiable": (1, 240), "judiciaire": (100, 900), "execution": (150, 2200), "clos": (200, 2500)}
CREDITOR_ACTIVITIES = ("bailleur", "banque", "organisme_social", "particulier", "commercant")
ACTIVITY_WEIGHTS = (30, 20, 10, 20, 20)
ACTIVITY_OF_NATURE = {
    "loyers": ("bailleur",),
    "credit": ("banque",),
    "charges_sociales": ("organisme_social",),
    "pension_alimentaire": ("particulier",),
    "commercial": ("commercant",),
    "autre": ("particulier", "commercant"),
}
# Principal amount range per nature, in cents.
PRINCIPAL_CENTS = {
    "loyers": (45_000, 1_500_000),
    "pension_alimentaire": (120_000, 2_000_000),
    "charges_sociales": (30_000, 4_000_000),
    "credit": (150_000, 6_000_000),
    "commercial": (25_000, 8_000_000),
    "autre": (10_000, 600_000),
}
# Share of companies among the first debtors, per nature.
MORALE_SHARE = {
    "commercial": 0.75,
    "charges_sociales": 0.5,
    "loyers": 0.08,
    "credit": 0.04,
    "autre": 0.2,
    "pension_alimentaire": 0.0,
}
PRINCIPAL_LABELS = {
    "pension_alimentaire": "Arriérés de pension alimentaire",
    "charges_sociales": "Cotisations et contributions sociales impayées",
}
OTHER_CLAIMS = ("Reconnaissance de dette", "Solde de travaux", "Prêt entre particuliers", "Dommages et intérêts")
TITLE_LABELS = {
    "jugement": "Jugement",
    "ordonnance_ip": "Ordonnance d'injonction de payer",
    "acte_notarie": "Acte notarié",
    "contrainte": "Contrainte",
    "titre_pc": "Titre exécutoire petites créances",
}
SAMPLE_CREDITOR = "Paris Habitat"  # the creditor of docs/exemples/creances-paris-habitat.csv
SAMPLE_SIREN_BODY = "41234567"  # its SIREN, made up (with its Luhn key), as every identifier of the demo
CONTRACTUAL_RATES = ("3.90", "4.50", "5.95", "6.80", "7.20", "9.90", "12.50", "14.90", "19.90")

EXECUTION_ACTS = {
    "saisie_attribution": "Procès-verbal de saisie-attribution signifié à {bank}",
    "saisie_vente": "Commandement de payer aux fins de saisie-vente signifié",
    "saisie_remunerations": "Commandement de payer aux fins de saisie des rémunérations signifié",
    "expulsion": "Commandement de quitter les lieux signifié",
}
CONTACT_EVENTS = (
    ("appel", "Appel du débiteur : promesse de règlement sous quinzaine"),
    ("appel", "Appel sortant : messagerie, message laissé"),
    ("courrier", "Lettre de relance envoyée"),
    ("courrier", "Courrier du débiteur : demande de délais de paiement"),
    ("email", "Courriel au débiteur : proposition d'échéancier"),
    ("sms", "SMS de relance envoyé"),
    ("courrier", "Point adressé au mandant"),
    ("paiement", "Versement partiel du débiteur annoncé"),
)
NOTES = (
    "",
    "",
    "",
    "",
    "",
    "",
    "Débiteur injoignable par téléphone.",
    "Le mandant souhaite être consulté avant toute saisie.",
    "Adresse à vérifier (courrier revenu NPAI).",
    "Débiteur de bonne foi : privilégier un échéancier.",
    "Dossier signalé par le mandant comme prioritaire.",
)
# Why a dossier was closed with money still due: the demo's payments are partial only (_ledger),
# so a closed dossier always keeps a balance, and « paiement intégral », « échéancier soldé » or an
# erased debt (effacement) would contradict its décompte. Five reasons, as before, so that a seed
# draws the same étude otherwise.
CLOSE_REASONS = (
    "Dossier clos : créance irrécouvrable (procès-verbal de carence)",
    "Dossier clos : retrait du mandat par le créancier",
    "Dossier clos : débiteur introuvable (procès-verbal de recherches infructueuses)",
    "Dossier clos : créance contestée, dossier rendu au mandant",
    # C. consom. art. L722-2: the admissibility of the debtor's file suspends every enforcement.
    "Dossier clos : surendettement, demande déclarée recevable (poursuites suspendues)",
)

# Overseas departments: (mobile prefix, landline prefix) by postcode.
DOM_PHONE_PREFIXES = {
    "971": ("0690", "0590"),
    "972": ("0696", "0596"),
    "973": ("0694", "0594"),
    "974": ("0692", "0262"),
    "976": ("0639", "0269"),
}

# Table columns in the order of the generated tuples.
COLUMNS = {
    "etude": (
        "id",
        "name",
        "commissaire_name",
        "address",
        "postcode",
        "city",
        "siren",
        "phone",
        "email",
        "day_count",
        "rounding",
        "demo",
        "bank_iban",
        "bank_bic",
    ),
    "user": ("id", "login", "name", "role", "active"),
    "sequence": ("id", "name", "year", "last"),
    "creditor": (
        "id",
        "kind",
        "is_individual",
        "activity",
        "civility",
        "first_name",
        "last_name",
        "company_name",
        "siren",
        "siret",
        "street",
        "postcode",
        "city",
        "country",
        "email",
        "phone",
        "iban",
        "bic",
        "display_name",
        "search_name",
    ),
    "debtor": (
        "id",
        "kind",
        "civility",
        "first_name",
        "last_name",
        "company_name",
        "birth_date",
        "birth_place",
        "siren",
        "employer_name",
        "employer_address",
        "notes",
        "display_name",
        "search_name",
    ),
    "debtor_address": ("id", "debtor_id", "street", "postcode", "city", "country", "is_current", "since"),
    "debtor_contact": ("id", "debtor_id", "kind", "value", "label"),
    "debtor_bank_account": ("id", "debtor_id", "bank_name", "iban"),
    "debtor_asset": ("id", "debtor_id", "kind", "description", "estimated_value"),
    "debtor_dependant": ("id", "debtor_id", "relation", "name", "birth_date"),
    "solvency_fact": (
        "id",
        "debtor_id",
        "kind",
        "label",
        "detail",
        "amount",
        "known_on",
        "source",
        "ended_on",
        "supersedes_id",
        "card_ref",
        "recorded_by_id",
        "recorded_at",
    ),
    "dossier": (
        "id",
        "reference",
        "creditor_id",
        "nature",
        "phase",
        "assigned_to_id",
        "opened_on",
        "closed_on",
        "title_kind",
        "title_court",
        "title_reference",
        "title_date",
        "title_signified_on",
        "title_enforceable_on",
        "interest_kind",
        "contractual_rate",
        "interest_from",
        "majoration_points",
        "capitalisation_from",
        "allocation_order",
        "zone",
        "notes",
        "debtor_name",
        "creditor_name",
        "balance",
        "version",
        "created_at",
        "updated_at",
    ),
    "dossier_debtor": ("id", "dossier_id", "debtor_id", "position"),
    "claim_item": ("id", "dossier_id", "kind", "label", "amount", "due_on", "interest_regime", "interest_from"),
    "deadline_text": ("id", "label", "basis", "sanction", "note"),
    "deadline": DEADLINE_COLUMNS,
    "timeline_event": ("id", "dossier_id", "occurred_on", "kind", "text", "user_id", "created_at"),
    "etude_rate": (
        "id",
        "rate_table",
        "category",
        "valid_from",
        "valid_to",
        "value",
        "source",
        "entered_by",
        "entered_at",
    ),
    "ledger_entry": (
        "id",
        "dossier_id",
        "kind",
        "entry_date",
        "value_date",
        "amount",
        "label",
        "mode",
        "payer",
        "bank_reference",
        "reverses_id",
        "reason",
        "created_by",
        "created_at",
    ),
    "audit_entry": ("id", "at", "user_login", "action", "table_name", "row_id", "dossier_id", "before", "after"),
    # The amicable desk (demo/amicable.py; m0022, m0023).
    "amicable_enrolment": (
        "id",
        "dossier_id",
        "scenario",
        "round",
        "steps_done",
        "last_step_on",
        "enrolled_on",
        "status",
        "paused_reason",
        "paused_until",
        "version",
        "updated_by_id",
        "updated_at",
    ),
    "amicable_contact": (
        "id",
        "dossier_id",
        "debtor_id",
        "at",
        "channel",
        "scenario",
        "step",
        "send_key",
        "recipient",
        "subject",
        "content",
        "outcome",
        "detail",
        "user_id",
    ),
    "amicable_send": (
        "id",
        "key",
        "dossier_id",
        "channel",
        "state",
        "claimed_at",
        "claimed_by",
        "sent_at",
        "provider_id",
        "detail",
    ),
    "amicable_optout": ("id", "debtor_id", "channel", "opted_out", "reason", "recorded_by_id", "recorded_at"),
    "payment_plan": (
        "id",
        "dossier_id",
        "kind",
        "status",
        "total",
        "starts_on",
        "replaces_id",
        "letter_act_id",
        "alerted_number",
        "ended_on",
        "ended_reason",
        "created_by_id",
        "created_at",
        "version",
    ),
    "payment_plan_instalment": ("id", "plan_id", "number", "due_on", "amount"),
}
# Other creditors a debtor declares (the solvency file's « autres créanciers et saisies »).
SOLVENCY_CREDITORS = (
    ("Trésor public", "saisie administrative à tiers détenteur"),
    ("Cofidis", "saisie des rémunérations en cours"),
    ("Bailleur précédent", "jugement, arriéré de loyers"),
    ("Banque Populaire", "saisie-attribution sur le compte"),
)
# Columns given the same SQL literal in every row of a table (not sent with each row).
LITERALS = {"deadline": DEADLINE_LITERALS}
# Parents before children, so that foreign keys hold at every insert.
LOAD_ORDER = (
    "etude",
    "user",
    "creditor",
    "debtor",
    "debtor_address",
    "debtor_contact",
    "debtor_bank_account",
    "debtor_asset",
    "debtor_dependant",
    "solvency_fact",
    "dossier",
    "dossier_debtor",
    "claim_item",
    "deadline_text",
    "deadline",
    "timeline_event",
    "sequence",
    "etude_rate",
    "ledger_entry",
    "audit_entry",
    "amicable_enrolment",
    "amicable_contact",
    "amicable_send",
    "amicable_optout",
    "payment_plan",
    "payment_plan_instalment",
)
# Provisional rows so that the demo's décomptes run to its `today`, whatever that day: from the
# end of each shipped table to the end of today's half-year (the legal rate one half-year per
# row, for each category). The values repeat the last published ones; the source says loudly
# that they are to be checked (docs/law/rates.md).
PROVISIONAL_MARK = "provisoire — à vérifier"
LEDGER_SHARE = 0.15  # dossiers with a title that get fees and payments


def provisional_rates(today: date, rates: Rates | None = None) -> list[tuple]:
    """(table, category, valid_from, valid_to, value, source) rows, ISO dates, that carry the
    `rates` (default: shipped) tables from their last day to the end of `today`'s half-year;
    none for a table that already reaches that far."""
    rates = rates or Rates.shipped()
    end = next_half_year(today) - timedelta(days=1)
    rows: list[tuple[str, str | None, str, str, str, str]] = []
    for category in LEGAL_CATEGORIES:
        last = rates.legal.rows_for(category)[-1]
        start = last.valid_to + timedelta(days=1)
        while start <= end:
            stop = next_half_year(start) - timedelta(days=1)
            rows.append(
                (
                    "legal",
                    category,
                    start.isoformat(),
                    stop.isoformat(),
                    str(last.value),
                    f"{PROVISIONAL_MARK} (taux du {half_year_name(start)} non relevé)",
                )
            )
            start = stop + timedelta(days=1)
    last = rates.ecb.rows_for(None)[-1]
    if last.valid_to < end:
        rows.append(
            (
                "ecb",
                None,
                (last.valid_to + timedelta(days=1)).isoformat(),
                end.isoformat(),
                str(last.value),
                f"{PROVISIONAL_MARK} (décisions de la BCE après le {format_date(last.valid_to)} non relevées)",
            )
        )
    return rows


def is_demo_base(path: Path) -> bool:
    """Whether the file is a base built by `clerc demo` (its étude row carries the mark).
    Read without writing anything: a file that is not a clerc base at all is not a demo."""
    import sqlite3

    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.Error:
        return False
    try:
        return bool(connection.execute('SELECT 1 FROM "etude" WHERE "demo" LIMIT 1').fetchone())
    except sqlite3.Error:  # not SQLite, not clerc, or a base from before demo bases were marked
        return False
    finally:
        connection.close()


def _remove_sqlite_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _temporary_file(path: Path) -> Path:
    """Where the demo is built, next to its final place (same file system: the rename is atomic).
    Leftovers of a demo that was killed (its process is gone) are removed first."""
    for stale in path.parent.glob(f".{path.name}.demo-*.tmp"):
        pid = stale.name.rsplit("demo-", 1)[1].split(".", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            _remove_sqlite_file(stale)
    return path.parent / f".{path.name}.demo-{os.getpid()}.tmp"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build_demo(
    url: str,
    *,
    dossiers: int = 2000,
    seed: int = 1,
    today: date,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    phases: dict | None = None,
) -> str:
    """Create a demonstration étude in `url`; return a one-line French summary.

    A file is built under a temporary name in the same folder and renamed into place only
    once complete: a demo interrupted at any point leaves the target as it was. `force`
    replaces an existing file only if it is itself a demo base (docs/trust.md).
    `progress(done, total)` is told as the dossiers are generated (a bar on the CLI); `phases`,
    if given, gets the CPU and wall seconds of each phase of each process (bench/bench_demo.py)."""
    if not 1 <= dossiers <= MAX_DOSSIERS:
        raise InvalidInput(
            f"Nombre de dossiers : entre 1 et {format_integer(MAX_DOSSIERS)} (demandé : {dossiers}).",
            field="dossiers",
        )
    path = sqlite_path(url)
    building = url
    deadlines_file = None
    if path is not None:
        if path.is_dir():
            raise ClercError(f"{path} est un dossier, pas un fichier de base de données.")
        if not path.parent.is_dir():
            raise ClercError(f"Base introuvable : le dossier {path.parent} n'existe pas.")
        if path.exists():
            if not force:
                raise ClercError(
                    f"Le fichier {path} existe déjà : la démonstration ne l'écrase pas. "
                    "Choisissez un autre fichier (--db) ou ajoutez --force pour recréer une base "
                    "de démonstration."
                )
            if not is_demo_base(path):
                raise ClercError(
                    f"{path} n'est pas une base de démonstration : --force ne remplace qu'une base "
                    "créée par clerc demo. Rien n'a été modifié."
                )
        temporary = _temporary_file(path)
        _remove_sqlite_file(temporary)
        building = str(temporary)
        if dossiers >= SECOND_PROCESS_FROM:
            # The second process's scratch file (demo/worker.py), named so that the leftovers of a
            # killed build are found and removed like the temporary file's.
            deadlines_file = temporary.with_name(temporary.name.removesuffix(".tmp") + ".deadlines.tmp")
    try:
        db = open_database(building, create=True)
        if path is None and db.execute_sql('SELECT COUNT(*) FROM "etude"').fetchone()[0]:
            raise ClercError(
                "Cette base contient déjà une étude : la démonstration ne s'installe que dans "
                "une base vide (rien n'a été modifié)."
            )
        demo = _Demo(Draws(seed), today, dossiers)
        counts = demo.load(db, progress, deadlines_file)
        if phases is not None:
            phases.update({f"builder: {name}": spent for name, spent in demo.phases.items()})
            phases.update({f"worker: {name}": spent for name, spent in demo.worker_phases.items()})
        if dossiers <= BALANCES_UP_TO:
            # The list's « Solde » then equals each dossier's décompte at today, interest included.
            from clerc_tui.services.balances import refresh_balances

            refresh_balances(today)
        close_database()  # the last connection: SQLite folds the WAL back into the file
        if path is not None:
            _fsync(temporary)
            # The old demo's journal must not be paired with the new file.
            for suffix in ("-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            os.replace(temporary, path)
            _fsync(path.parent, directory=True)
            # The models follow the file to its final name (reconnected on first use).
            database.initialize(make_database(str(path)))
    except BaseException:
        close_database()
        if path is not None:
            _remove_sqlite_file(temporary)
        raise
    where = str(path) if path is not None else "la base indiquée"

    n = format_integer

    return (
        f"Étude de démonstration « {demo.etude_name} » créée dans {where} : {n(counts['dossier'])} dossiers, "
        f"{n(counts['debtor'])} débiteurs, {n(counts['creditor'])} créanciers, {n(counts['deadline'])} échéances. "
        f"Vous êtes l'utilisateur « {demo.login} » ({demo.login_role}"
        + (" : toutes les actions vous sont permises, pour essayer" if demo.login_role == "commissaire" else "")
        + ")."
    )


class _Demo:
    """Generates the rows of the étude, batch by batch, and loads them."""

    def __init__(self, rng: Draws, today: date, dossiers: int):
        self.rng = rng
        self.today = today
        self.n_dossiers = dossiers
        self.t0 = today.toordinal()
        # ISO strings of every day the demo may use, by ordinal (dates are strings in the rows).
        self.base = self.t0 - 365 * 90
        self.iso = DayTexts(date.isoformat).__getitem__
        self.french_day = DayTexts(format_date).__getitem__
        # The next id of each table: `self.ids["debtor"]()` (a counter's own `__next__`, called from C:
        # ~2 million ids at 100,000 dossiers, a Python method each cost ~0.3 s more).
        self.ids: defaultdict[str, Callable[[], int]] = defaultdict(lambda: count(1).__next__)
        self.rows: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
        self.fold_cache: dict[str, str] = {}
        self.names: dict[tuple[str, str], tuple[str, str]] = {}  # see make_debtor
        # The ledger draws from its own generator: the rest of the étude stays as it was per seed.
        self.ledger_rng = Draws(str(rng.getstate()))
        # So do the deadlines (walked through the real procedure steps, demo/deadlines.py), here or
        # in a second process (demo/worker.py) from the same seed.
        self.deadline_seed = str(rng.getstate()) + "/deadlines"
        self.deadlines: DeadlineWalker | DeadlineWorker = DeadlineWalker(
            Draws(self.deadline_seed), self.t0, self.iso, self.next_id, self.add, self.rows["deadline"]
        )
        self.cheque_rejected = False
        # The solvency facts draw from their own generator too (added later: the rest stays as it was).
        self.solvency_rng = Draws(str(rng.getstate()) + "/solvency")
        # And the amicable desk: scenarios followed, contacts, payment plans (demo/amicable.py).
        self.amicable = AmicableDemo(
            Draws(str(rng.getstate()) + "/amicable"), self.t0, self.iso, self.next_id, self.add
        )
        self.reach = (0, ("", "", "", ""))  # the last debtor made: (id, (e-mail, mobile, phone, address))

    # --- small helpers -----------------------------------------------------------------

    def next_id(self, table: str) -> int:
        return self.ids[table]()

    def add(self, table: str, row: tuple) -> None:
        self.rows[table].append(row)

    def ascii_word(self, text: str) -> str:
        folded = self.fold_cache.get(text)
        if folded is None:
            folded = "".join(ch for ch in fold(text) if ch.isascii() and (ch.isalnum() or ch == "-"))
            folded = self.fold_cache[text] = folded.strip("-")
        return folded

    def weighted(self, values, cumulative, total):
        return values[bisect(cumulative, self.rng.random() * total)]

    def siren(self) -> str:
        eight = str(self.rng.randint(30_000_000, 99_999_999))
        return eight + luhn_check_digit(eight)

    def siret(self, siren: str) -> str:
        body = siren + f"{self.rng.randint(1, 80):04d}"
        return body + luhn_check_digit(body)

    def iban(self):
        rng = self.rng
        bank_name, bank_code, branches, bic = rng.choice(D.BANKS)
        account = f"{rng.randint(0, 99_999_999_999):011d}"
        return bank_name, make_french_iban(bank_code, rng.choice(branches), account), bic

    def phone(self, postcode: str = "", mobile: bool = True) -> str:
        rng = self.rng
        dom = DOM_PHONE_PREFIXES.get(postcode[:3])
        if dom:
            digits = dom[0 if mobile else 1] + f"{rng.randint(0, 999_999):06d}"
        elif mobile:
            digits = rng.choice("67") + f"{rng.randint(10_000_000, 99_999_999):08d}"
            if digits[0] == "7" and digits[1] in "012":  # only 073 to 079 are mobile (ARCEP), as drawn
                digits = "7" + str(int(digits[1]) + 7) + digits[2:]
            digits = "0" + digits
        else:
            area = {"6": "4", "1": "4", "3": "5", "5": "3", "7": "1", "9": "1"}.get(postcode[:1], "3")
            if postcode[:2] in ("69", "01", "38", "42", "73", "74", "13", "83", "84", "06"):
                area = "4"
            elif postcode[:2] in ("75", "92", "93", "94", "78", "91", "95", "77"):
                area = "1"
            elif postcode[:2] in ("33", "31", "64", "34", "30", "66", "87", "86"):
                area = "5"
            elif postcode[:2] in ("67", "68", "57", "59", "62", "51", "21", "25", "10", "80", "76"):
                area = "3"
            elif postcode[:2] in ("44", "35", "29", "49", "72", "37", "45", "14", "63"):
                area = "2"
            digits = "0" + area + f"{rng.randint(10_000_000, 99_999_999):08d}"
        return f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:8]} {digits[8:]}"  # ten digits, in pairs

    def street(self, home: bool = True) -> str:
        rng = self.rng
        number = rng.randint(1, 180)
        suffix = " bis" if rng.random() < 0.06 else ""
        line = f"{number}{suffix} {rng.choice(D.STREET_KINDS)} {rng.choice(D.STREET_NAMES)}"
        if home and rng.random() < 0.12:
            line = f"{rng.choice(D.RESIDENCES)}, bât. {rng.choice('ABCDEF')}, {line}"
        return line

    def town(self):
        rng = self.rng
        return rng.choice(self.local_towns) if rng.random() < 0.78 else rng.choice(D.ELSEWHERE)

    def person(self):
        rng = self.rng
        if rng.random() < 0.5:
            return "Madame", rng.choice(D.FEMALE_FIRST_NAMES), rng.choice(D.LAST_NAMES)
        return "Monsieur", rng.choice(D.MALE_FIRST_NAMES), rng.choice(D.LAST_NAMES)

    def company(self, trade_owner: str | None = None) -> str:
        rng = self.rng
        owner = trade_owner or rng.choice(D.LAST_NAMES)
        return f"{rng.choice(D.COMPANY_FORMS)} {rng.choice(D.TRADES)} {owner}"

    # --- the étude, its users, its creditors -------------------------------------------

    def make_etude(self) -> None:
        rng = self.rng
        hub = rng.choice(sorted(D.HUBS))
        self.hub = hub
        self.local_towns = D.HUBS[hub]
        _civility, first, last = rng.choice(D.COMMISSAIRES)
        town = self.local_towns[0]
        self.etude_name = f"Étude de Maître {first} {last}"
        commissaire = f"{first} {last.upper()}"
        domain = self.ascii_word(last).replace("-", "") + "-commissaire.fr"
        siren = self.siren()
        # The étude's compte de tiers at the Caisse des dépôts (bank 40031): the debtor of the SEPA
        # transfer files. Made from the SIREN, not drawn: the rest of the demo stays as it was.
        bank_iban = make_french_iban("40031", "00001", f"{int(siren):011d}")
        self.rows["etude"].append(
            (
                self.ids["etude"](),
                self.etude_name,
                commissaire,
                self.street(home=False),
                town[1],
                town[0],
                siren,
                self.phone(town[1], mobile=False),
                "contact@" + domain,
                "end_minus_start",
                "per_line",
                True,
                bank_iban,
                "CDCGFRPPXXX",
            ),
        )
        login = (self.ascii_word(first)[:1] + self.ascii_word(last)).replace("-", "")[:12]
        staff = [(login, f"Maître {first} {last}", "commissaire"), *D.STAFF]
        me = context.os_login()
        self.user_ids = {}
        for user_login, name, role in staff:
            self.user_ids[user_login] = uid = self.ids["user"]()
            self.rows["user"].append((uid, user_login, name, role, True))
        self.login = me or "(aucun)"
        # The demo's visitor may try everything, validating and serving acts included
        # (data/permissions.toml): he is a commissaire of the étude.
        self.login_role = "commissaire"
        if me and me not in self.user_ids:
            self.user_ids[me] = uid = self.ids["user"]()
            self.rows["user"].append((uid, me, me.capitalize(), "commissaire", True))
        elif me:
            self.login_role = next(role for user_login, _name, role in staff if user_login == me)
        clercs = [self.user_ids[u] for u, _n, r in staff if r == "clerc"]
        mine = [self.user_ids[me]] * 2 if me else []
        self.assignees = clercs + mine + [self.user_ids["pcharrier"]]
        self.solvency_recorder = clercs[0]  # who recorded the demo's solvency facts

    def make_creditors(self) -> None:
        rng = self.rng
        count = max(24, min(400, self.n_dossiers // 50))
        hlm, banks, credit = list(D.HLM_OFFICES), list(D.BANKS), list(D.CREDIT_ORGANISMS)
        social, suppliers = list(D.SOCIAL_BODIES), list(D.SUPPLIERS)
        rng.shuffle(hlm)  # in this order: a seed gives the same demo
        rng.shuffle(banks)
        rng.shuffle(credit)
        rng.shuffle(social)
        rng.shuffle(suppliers)
        # The mandant of the sample file docs/exemples/creances-paris-habitat.csv (docs/imports.md):
        # always the first creditor, so that its import can be tried on any demo.
        hlm.remove(SAMPLE_CREDITOR)
        cumulative = list(accumulate(ACTIVITY_WEIGHTS))
        self.creditors_by_activity: dict[str, list[int]] = {a: [] for a in CREDITOR_ACTIVITIES}
        self.creditor_info: dict[int, tuple[str, str, str]] = {}  # id: (display name, kind, activity)
        self.creditor_siren: dict[int, str] = {}
        used_names = set()
        for i in range(count):
            activity = (
                CREDITOR_ACTIVITIES[i % 5] if i < 10 else self.weighted(CREDITOR_ACTIVITIES, cumulative, cumulative[-1])
            )
            town = rng.choice(self.local_towns) if rng.random() < 0.8 else rng.choice(D.ELSEWHERE)
            kind, is_individual, civility, first, last, company = "morale", False, "", "", "", ""
            bank_name, iban, bic = self.iban()
            r = rng.random()
            if activity == "bailleur":
                if r < 0.3 and hlm:
                    company = hlm.pop()
                elif r < 0.65:
                    company = f"SCI {rng.choice(D.SCI_WORDS)}"
                else:
                    kind, is_individual = "physique", True
            elif activity == "banque":
                if r < 0.5 and banks:
                    bank_name, bank_code, branches, bic = banks.pop()
                    company = bank_name
                    iban = make_french_iban(bank_code, branches[0], f"{rng.randint(0, 99_999_999_999):011d}")
                elif credit:
                    company = credit.pop()
                else:
                    company = f"Caisse de Crédit Mutuel de {town[0]}"
            elif activity == "organisme_social":
                company = social.pop() if social else f"CCAS de {town[0]}"
            elif activity == "particulier":
                kind, is_individual = "physique", True
            else:
                company = suppliers.pop() if (r < 0.4 and suppliers) else self.company()
            if kind == "physique":
                civility, first, last = self.person()
            display = person_name(kind=kind, first_name=first, last_name=last, company_name=company)
            for attempt in range(50):  # two SCI des Tilleuls: the second gets its town
                if display not in used_names:
                    break
                if kind == "physique":
                    civility, first, last = self.person()
                else:
                    company = f"{company.split(' (')[0]} ({town[0]})" if attempt == 0 else f"{company} {attempt + 1}"
                display = person_name(kind=kind, first_name=first, last_name=last, company_name=company)
            used_names.add(display)
            siren = siret = ""
            if kind == "morale":
                siren = self.siren()
                siret = self.siret(siren)
                email = "contentieux@" + self.ascii_word(company.split(" (")[0])[:20].strip("-") + ".fr"
            else:
                email = f"{self.ascii_word(first)}.{self.ascii_word(last)}@{rng.choice(D.EMAIL_DOMAINS)}"
            street = self.street(home=kind == "physique")
            phone = self.phone(town[1], mobile=kind == "physique")
            if i == 0:
                # The first creditor (a bailleur) is the mandant of the sample file
                # docs/exemples/creances-paris-habitat.csv (docs/imports.md), in Paris; drawn as
                # any other first, then renamed without drawing: the rest of the demo stays as it was.
                kind, is_individual, civility, first, last = "morale", False, "", "", ""
                company = display = SAMPLE_CREDITOR
                town, phone = D.ELSEWHERE[0], "01" + phone[2:]
                siren = SAMPLE_SIREN_BODY + luhn_check_digit(SAMPLE_SIREN_BODY)
                siret = siren + "0001" + luhn_check_digit(siren + "0001")
                email = "contentieux@" + self.ascii_word(company).replace("-", "") + ".fr"
            cid = self.ids["creditor"]()
            self.rows["creditor"].append(
                (
                    cid,
                    kind,
                    is_individual,
                    activity,
                    civility,
                    first,
                    last,
                    company,
                    siren,
                    siret,
                    street,
                    town[1],
                    town[0],
                    "France",
                    email,
                    phone,
                    iban,
                    bic,
                    display,
                    fold(display),
                ),
            )
            self.creditors_by_activity[activity].append(cid)
            self.creditor_siren[cid] = siren
            self.creditor_info[cid] = (display, kind, activity)

    # --- debtors -----------------------------------------------------------------------

    def make_debtor(
        self,
        kind: str,
        *,
        last_name: str | None = None,
        civility: str | None = None,
        town=None,
        street: str | None = None,
    ) -> int:
        rng = self.rng
        random_ = rng.random
        t0 = self.t0
        did = self.ids["debtor"]()
        town = town or self.town()
        street = street or self.street()
        first = last = company = siren = employer = employer_address = birth_place = ""
        birth = None
        if kind == "physique":
            if civility is None:
                civility, first, last = self.person()
            else:
                first = rng.choice(D.FEMALE_FIRST_NAMES if civility == "Madame" else D.MALE_FIRST_NAMES)
                last = last_name or rng.choice(D.LAST_NAMES)
            birth = self.iso(t0 - rng.randint(19 * 365, 82 * 365))
            birth_place = rng.choice(D.ELSEWHERE)[0] if random_() < 0.5 else rng.choice(self.local_towns)[0]
            if random_() < 0.55:
                employer = rng.choice(D.EMPLOYERS)
                etown = rng.choice(self.local_towns)
                employer_address = f"{self.street(home=False)}\n{etown[1]} {etown[0]}"
        else:
            civility = ""
            company = self.company()
            siren = self.siren()
        # A person's name as lists show it and its folded form, made once per name (at most 212 × 120 of
        # them, however many debtors); a company's, drawn from many more, each time.
        names = self.names.get((first, last)) if kind == "physique" else None
        if names is None:
            display = person_name(kind=kind, first_name=first, last_name=last, company_name=company)
            names = (display, fold(display))
            if kind == "physique":
                self.names[(first, last)] = names
        display, folded = names
        notes = "" if random_() < 0.9 else rng.choice(NOTES[6:])
        self.rows["debtor"].append(
            (
                did,
                kind,
                civility,
                first,
                last,
                company,
                birth,
                birth_place,
                siren,
                employer,
                employer_address,
                notes,
                display,
                folded,
            ),
        )
        self.debtor_names.append(display)
        self.debtor_towns.append(town)
        # Addresses: the current one, sometimes a former one.
        since = t0 - rng.randint(60, 4000)
        if random_() < 0.3:
            old = self.town()
            self.rows["debtor_address"].append(
                (
                    self.ids["debtor_address"](),
                    did,
                    self.street(),
                    old[1],
                    old[0],
                    "France",
                    0,
                    self.iso(since - rng.randint(400, 3000)),
                ),
            )
        self.rows["debtor_address"].append(
            (self.ids["debtor_address"](), did, street, town[1], town[0], "France", 1, self.iso(since)),
        )
        # Phones and e-mails.
        mobile = landline = email = ""
        if random_() < 0.8:
            mobile = self.phone(town[1])
            self.rows["debtor_contact"].append(
                (
                    self.ids["debtor_contact"](),
                    did,
                    "phone",
                    mobile,
                    "portable" if kind == "physique" else "standard",
                ),
            )
        if random_() < 0.25:
            landline = self.phone(town[1], mobile=False)
            self.rows["debtor_contact"].append((self.ids["debtor_contact"](), did, "phone", landline, "fixe"))
        if random_() < 0.6:
            if kind == "physique":
                local = f"{self.ascii_word(first)}.{self.ascii_word(last)}".replace("-", "")
                if random_() < 0.3:
                    local += str(rng.randint(1, 99))
                email = f"{local}@{rng.choice(D.EMAIL_DOMAINS)}"
            else:
                email = f"contact@{self.ascii_word(company.split(' ', 1)[1])[:24].strip('-')}.fr"
            self.rows["debtor_contact"].append((self.ids["debtor_contact"](), did, "email", email, ""))
        self.reach = (did, (email, mobile, mobile or landline, f"{street}, {town[1]} {town[0]}"))
        account = vehicle = None
        if random_() < 0.4:
            bank_name, iban, _bic = self.iban()
            account = (self.ids["debtor_bank_account"](), bank_name, iban)
            self.rows["debtor_bank_account"].append((account[0], did, bank_name, iban))
        if random_() < 0.2:
            r = random_()
            if r < 0.5:
                plate = (
                    f"{rng.choice('ABCDEFGHJKLMNPQRSTVWXYZ')}{rng.choice('ABCDEFGHJKLMNPQRSTVWXYZ')}-"
                    f"{rng.randint(100, 999)}-{rng.choice('ABCDEFGHJKLMNPQRSTVWXYZ')}"
                    f"{rng.choice('ABCDEFGHJKLMNPQRSTVWXYZ')}"
                )
                asset = ("vehicule", f"{rng.choice(D.VEHICLES)} immatriculé {plate}", rng.randint(150_000, 2_200_000))
            elif r < 0.7:
                asset = ("immeuble", f"Appartement, {street}, {town[1]} {town[0]}", rng.randint(8_000_000, 35_000_000))
            elif r < 0.9:
                asset = ("mobilier", "Mobilier meublant et électroménager", rng.randint(50_000, 500_000))
            else:
                asset = ("parts_sociales", f"Parts sociales de la {self.company()}", rng.randint(100_000, 5_000_000))
            asset_id = self.ids["debtor_asset"]()
            self.rows["debtor_asset"].append((asset_id, did, *asset))
            if asset[0] == "vehicule":
                vehicle = (asset_id, asset[1], asset[2])
        if kind == "physique" and random_() < 0.35:
            if random_() < 0.5:
                self.rows["debtor_dependant"].append(
                    (
                        self.ids["debtor_dependant"](),
                        did,
                        "conjoint",
                        f"{rng.choice(D.FEMALE_FIRST_NAMES + D.MALE_FIRST_NAMES)} {last}",
                        self.iso(t0 - rng.randint(20 * 365, 75 * 365)),
                    ),
                )
            for _child in range(rng.randint(1, 3)):
                self.rows["debtor_dependant"].append(
                    (
                        self.ids["debtor_dependant"](),
                        did,
                        "enfant",
                        f"{rng.choice(D.FEMALE_FIRST_NAMES + D.MALE_FIRST_NAMES)} {last}",
                        self.iso(t0 - rng.randint(200, 20 * 365)),
                    ),
                )
        self.make_solvency(did, kind, employer, employer_address, account, vehicle)
        self.debtor_kinds.append(kind)
        self.debtor_last.append(last)
        self.debtor_streets.append(street)
        return did

    def make_solvency(
        self,
        did: int,
        kind: str,
        employer: str,
        employer_address: str,
        account: tuple[int, str, str] | None,
        vehicle: tuple[int, str, int] | None,
    ) -> None:
        """Dated, sourced facts (models/solvency.py) that correct the card's undated ones: the
        employer's answer with the net pay, FICOBA answers, SIV; some older than six months
        (« ancienne »), a few PV de carence and other creditors."""
        rng = self.solvency_rng
        random_ = rng.random
        t0, iso = self.t0, self.iso
        by = self.solvency_recorder

        def fact(kind_: str, label: str, detail: str, amount, days: int, source: str, card_ref: str) -> None:
            on = iso(t0 - days)
            self.rows["solvency_fact"].append(
                (
                    self.ids["solvency_fact"](),
                    did,
                    kind_,
                    label,
                    detail,
                    amount,
                    on,
                    source,
                    None,
                    None,
                    card_ref,
                    by,
                    f"{on} 10:00:00",
                ),
            )

        if employer and random_() < 0.7:
            net = rng.randint(1_250_00, 3_600_00)
            source = "employeur" if random_() < 0.7 else "l152_1"
            fact("employment", employer, employer_address, net, rng.randint(3, 320), source, f"debtor:{did}:employer")
        if account is not None and random_() < 0.6:
            fact(
                "bank_account",
                account[1],
                account[2],
                None,
                rng.randint(3, 540),
                "ficoba",
                f"debtor_bank_account:{account[0]}",
            )
        if vehicle is not None and random_() < 0.6:
            fact("vehicle", vehicle[1], "", vehicle[2], rng.randint(10, 700), "siv", f"debtor_asset:{vehicle[0]}")
        r = random_()
        if not employer and account is None and vehicle is None and r < 0.06:
            fact("carence", "PV de carence", "Rien de saisissable au domicile", None, rng.randint(30, 900), "acte", "")
        elif kind == "physique" and r > 0.96:
            creditor, what = rng.choice(SOLVENCY_CREDITORS)
            fact("other_creditor", creditor, what, rng.randint(300_00, 9_000_00), rng.randint(10, 400), "debiteur", "")

    # --- dossiers ----------------------------------------------------------------------

    def plan_dossiers(self) -> array:
        """Every dossier, oldest first (ids and references follow this order), packed in one
        integer (`opening ordinal << 6 | phase index << 3 | nature index`: 8 bytes a dossier
        rather than a tuple's ~100). The first 24 cover every phase × nature, so even a small
        demo shows them all."""
        rng = self.rng
        pc, nc = list(accumulate(PHASE_WEIGHTS)), list(accumulate(NATURE_WEIGHTS))
        plan = []
        for i in range(self.n_dossiers):
            if i < 24:
                phase, nature = i % 4, i // 4
            else:
                phase = bisect(pc, rng.random() * pc[-1])
                nature = bisect(nc, rng.random() * nc[-1])
            low, high = PHASE_AGE[PHASES[phase]]
            plan.append((self.t0 - rng.randint(low, high)) << 6 | phase << 3 | nature)
        plan.sort(key=lambda code: code >> 6)  # stable: the same day keeps the drawing order
        return array("q", plan)

    def make_dossier(self, did: int, opened: int, phase: str, nature: str, number: int) -> None:
        rng = self.rng
        random_, randint, choice, clock = rng.random, rng.randint, rng.choice, rng.clock
        t0, iso = self.t0, self.iso
        year = date.fromordinal(opened).year
        reference = f"{year}-{number:06d}"
        # Creditor: the activity fits the nature; a few creditors bring most dossiers.
        activities = ACTIVITY_OF_NATURE[nature]
        pool = self.creditors_by_activity[activities[0] if len(activities) == 1 else choice(activities)]
        creditor_id = pool[int(len(pool) * random_() ** 2)]
        creditor_name, creditor_kind, _activity = self.creditor_info[creditor_id]
        # Debtors.
        kind = "morale" if random_() < MORALE_SHARE[nature] else "physique"
        same_kind = self.debtors_physique if kind == "physique" else self.debtors_morale
        if same_kind and random_() < 0.1:
            first_debtor = same_kind[int(len(same_kind) * random_())]  # a debtor already known to the étude
        else:
            first_debtor = self.make_debtor(kind)
            same_kind.append(first_debtor)
        # How the amicable desk reaches him (known for a debtor made here; a known one: not kept).
        first_reach = self.reach[1] if self.reach[0] == first_debtor else ("", "", "", "")
        debtors = [first_debtor]
        if nature != "pension_alimentaire" and random_() < 0.17:
            idx = first_debtor - 1
            for _extra in range(1 if random_() < 0.85 else 2):
                if self.debtor_kinds[idx] == "physique" and random_() < 0.6:
                    # Spouse or partner, co-titulaire of the lease or the loan: same home.
                    civility = "Madame" if random_() < 0.55 else "Monsieur"
                    last = self.debtor_last[idx] if random_() < 0.6 else None
                    co = self.make_debtor(
                        "physique",
                        last_name=last,
                        civility=civility,
                        town=self.debtor_towns[idx],
                        street=self.debtor_streets[idx],
                    )
                else:
                    co = self.make_debtor("physique")  # caution, gérant
                self.debtors_physique.append(co)
                debtors.append(co)
        for position, debtor_id in enumerate(debtors):
            self.rows["dossier_debtor"].append((self.ids["dossier_debtor"](), did, debtor_id, position))
        debtor_name = debtors_label([self.debtor_names[d - 1] for d in debtors])
        town = self.debtor_towns[first_debtor - 1]
        primary_is_company = self.debtor_kinds[first_debtor - 1] == "morale"
        zone = "alsace-moselle" if town[1][:2] in ("57", "67", "68") else "metropole"
        assigned = choice(self.assignees)
        # Executory title.
        title_kind = title_court = title_ref = ""
        title_date = signified = enforceable = None
        if phase in ("judiciaire", "execution") or (phase == "clos" and random_() < 0.5):
            span = t0 - opened
            title_date = opened + randint(15, max(16, span - 80))
            signified = title_date + randint(3, 40)
            enforceable = signified + randint(1, 35)
            tj = f"Tribunal judiciaire de {town[2]}"
            r = random_()
            if nature == "loyers":
                title_kind = "jugement" if r < 0.7 else "ordonnance_ip"
                title_court = f"{tj} (juge des contentieux de la protection)" if r < 0.7 else tj
            elif nature == "credit":
                title_kind = "jugement" if r < 0.4 else ("ordonnance_ip" if r < 0.85 else "acte_notarie")
                if title_kind == "acte_notarie":
                    _civ, nfirst, nlast = self.person()
                    title_court = f"Maître {nfirst} {nlast}, notaire à {town[2]}"
                else:
                    title_court = tj
            elif nature == "commercial":
                title_kind = "ordonnance_ip" if r < 0.6 else "jugement"
                title_court = f"Tribunal de commerce de {town[2]}" if primary_is_company else tj
            elif nature == "charges_sociales":
                title_kind = "contrainte" if r < 0.9 else "jugement"
                title_court = (
                    f"Directeur de l'organisme ({creditor_name})"
                    if r < 0.9
                    else f"Pôle social du tribunal judiciaire de {town[2]}"
                )
            elif nature == "pension_alimentaire":
                title_kind = "jugement"
                title_court = f"Juge aux affaires familiales du tribunal judiciaire de {town[2]}"
            else:
                title_kind = "titre_pc" if r < 0.4 else ("jugement" if r < 0.8 else "ordonnance_ip")
                title_court = "" if title_kind == "titre_pc" else tj
            yy = date.fromordinal(title_date).year % 100
            # Four numbers drawn whatever the title (as they always were: a seed gives the same étude), one written.
            minute, contrainte, pc, rg = (
                randint(100, 9999),
                randint(10**8, 10**9 - 1),
                randint(1, 999),
                randint(1, 12000),
            )
            if title_kind == "acte_notarie":
                title_ref = f"Minute n° {minute}"
            elif title_kind == "contrainte":
                title_ref = f"Contrainte n° {contrainte}"
            elif title_kind == "titre_pc":
                title_ref = f"PC {yy}/{pc:04d}"
            else:
                title_ref = f"RG {yy}/{rg:05d}"
        # Claim items.
        low, high = PRINCIPAL_CENTS[nature]
        principal = randint(low, high)
        demand = opened - randint(15, 120)  # mise en demeure before the dossier came to the étude
        # Three draws whatever the nature (as they always were: a seed gives the same étude), one label written.
        loan, invoice, other = randint(10**7, 10**8 - 1), randint(1, 9999), choice(OTHER_CLAIMS)
        if nature == "loyers":
            principal_label = f"Arriéré de loyers et charges au {self.french_day(demand)}"
        elif nature == "credit":
            principal_label = f"Capital restant dû et échéances impayées (prêt n° {loan})"
        elif nature == "commercial":
            principal_label = f"Factures impayées n° F{year}-{invoice:04d} et suivantes"
        elif nature == "autre":
            principal_label = other
        else:
            principal_label = PRINCIPAL_LABELS[nature]
        items = [("principal", principal_label, principal, demand, True)]
        if title_date is not None and title_kind in ("jugement", "ordonnance_ip", "titre_pc"):
            items.append(("depens", "Dépens", randint(3_500, 90_000), title_date, False))
            if title_kind == "jugement" and random_() < 0.55:
                items.append(
                    (
                        "article_700",
                        "Article 700 du code de procédure civile",
                        randint(5, 25) * 10_000,
                        title_date,
                        True,
                    )
                )
        if nature in ("loyers", "credit") and random_() < 0.25:
            label = "Indemnité légale de 8 %" if nature == "credit" else "Clause pénale (bail)"
            items.append(("clause_penale", label, principal * 8 // 100, demand, random_() < 0.3))
        if nature == "commercial" and primary_is_company:
            items.append(
                (
                    "autre",
                    "Indemnité forfaitaire pour frais de recouvrement (art. L441-10 C. com.)",
                    4_000,
                    demand,
                    False,
                )
            )
        # Interest terms.
        rate = None
        r = random_()
        if nature == "commercial" and primary_is_company and creditor_kind == "morale":
            interest = "commercial" if r < 0.85 else "legal"
        elif nature == "credit":
            interest = "contractual" if r < 0.7 else "legal"
        elif nature == "charges_sociales":
            interest = "none" if r < 0.6 else "legal"
        elif nature == "autre":
            interest = "legal" if r < 0.7 else ("none" if r < 0.9 else "contractual")
        elif nature == "loyers":
            interest = "legal" if r < 0.9 else "none"
        else:
            interest = "legal"
        if interest == "contractual":
            rate = choice(CONTRACTUAL_RATES)
        interest_from = None if interest == "none" else iso(demand)
        balance = 0
        for kind_, label, cents, due, bears in items:
            # An indemnity awarded by the judgment (article 700, the clause pénale's sum) bears the
            # legal rate from the judgment (art. 1231-7 C. civ.: NULL start = the title's date), or
            # without a title from the mise en demeure (art. 1231-6); the principal the dossier's
            # terms. Without either date (a dossier « sans intérêts » without a title), the
            # dossier's terms: nothing accrues (as m0021 migrates it; docs/law/interest.md §6).
            dated = title_date is not None or interest_from is not None
            regime = "none"
            if bears:
                regime = "legal" if kind_ in ("article_700", "clause_penale") and dated else "dossier"
            self.rows["claim_item"].append((self.ids["claim_item"](), did, kind_, label, cents, iso(due), regime, None))
            balance += cents
        capitalisation = (
            iso(title_date)
            if (title_date is not None and title_kind == "jugement" and interest == "legal" and random_() < 0.1)
            else None
        )
        # Closing.
        closed = None
        if phase == "clos":
            closed = min(t0 - 1, max(enforceable or opened, opened) + randint(30, 400))
        # Timeline.
        events = [(opened, "ouverture", f"Ouverture du dossier, mandat de {creditor_name}")]
        if demand + 20 < t0:
            events.append(
                (min(opened + randint(2, 15), t0), "courrier", "Lettre de mise en demeure envoyée au débiteur")
            )
        if title_date is not None and signified is not None:  # set together, with enforceable
            label = TITLE_LABELS[title_kind]
            where = f" ({title_court})" if title_court else ""
            events.append((title_date, "titre", f"{label} du {self.french_day(title_date)}{where}"))
            events.append((signified, "signification", f"Signification du titre ({title_ref})"))
        procedure = None
        if phase == "execution" and enforceable is not None:  # an execution always has its title
            procedures: tuple[str, ...] = (
                "saisie_attribution",
                "saisie_attribution",
                "saisie_vente",
                "saisie_remunerations",
            )
            if nature == "loyers":
                procedures += ("expulsion",)
            procedure = choice(procedures)
            act_day = min(t0, enforceable + randint(5, 90))
            events.append((act_day, "acte", EXECUTION_ACTS[procedure].format(bank=choice(D.BANKS)[0])))
        elif phase == "judiciaire":
            procedure = choice(
                ("injonction_de_payer", "signification_jugement", "petites_creances")
                if title_kind != "ordonnance_ip"
                else ("injonction_de_payer",)
            )
        elif phase == "amiable":
            procedure = choice(("relance", "relance", "petites_creances"))
        for _extra in range(randint(0, 2)):
            day = randint(opened, closed or t0)
            events.append((day, *choice(CONTACT_EVENTS)))
        if closed is not None:
            events.append((closed, "cloture", choice(CLOSE_REASONS)))
        last_day = opened
        for day, kind_, text in events:
            day = min(day, t0)
            last_day = max(last_day, day)
            self.rows["timeline_event"].append(
                (
                    self.ids["timeline_event"](),
                    did,
                    iso(day),
                    kind_,
                    text,
                    assigned if kind_ != "ouverture" else None,
                    f"{iso(day)} {clock(8, 18)}",
                ),
            )
        # Deadlines: the real procedure steps of the dossier's life, walked up to today (demo/deadlines.py).
        self.deadlines.dossier(
            did,
            phase=phase,
            nature=nature,
            title_kind=title_kind,
            title_date=title_date,
            enforceable=enforceable,
            closed=closed,
            first_procedure=procedure,
            zone=zone,
            assigned=assigned,
        )
        if signified is not None and enforceable is not None and self.ledger_rng.random() < LEDGER_SHARE:
            balance += self.make_ledger(did, signified, enforceable, closed, assigned, balance)
        if phase == "amiable" and closed is None:
            balance += self.amicable.dossier(
                did,
                opened=opened,
                nature=nature,
                creditor_siren=self.creditor_siren[creditor_id],
                reference=reference,
                debtor_id=first_debtor,
                reach=first_reach,
                assigned=assigned,
                balance=balance,
            )
        # The dossier itself.
        created_at = f"{iso(opened)} {clock(8, 18)}"
        updated_at = f"{iso(last_day)} 18:00:00"
        self.rows["dossier"].append(
            (
                did,
                reference,
                creditor_id,
                nature,
                phase,
                assigned,
                iso(opened),
                iso(closed) if closed else None,
                title_kind,
                title_court,
                title_ref,
                iso(title_date) if title_date else None,
                iso(signified) if signified else None,
                iso(enforceable) if enforceable else None,
                interest,
                rate,
                interest_from,
                5,
                capitalisation,
                "frais,interets,principal",
                zone,
                choice(NOTES),
                debtor_name,
                creditor_name,
                balance,
                1,
                created_at,
                updated_at,
            ),
        )

    def make_etude_rates(self) -> None:
        entered_at = f"{self.iso(self.t0)} 09:00:00"
        for table, category, valid_from, valid_to, value, source in provisional_rates(self.today):
            self.rows["etude_rate"].append(
                (
                    self.ids["etude_rate"](),
                    table,
                    category,
                    valid_from,
                    valid_to,
                    value,
                    source,
                    "pcharrier",
                    entered_at,
                ),
            )

    def make_ledger(
        self, did: int, signified: int, enforceable: int, closed: int | None, assigned: int, owed: int
    ) -> int:
        """Fees at signification and at the first act, then one to three payments (one
        cheque in the whole demo is rejected). Returns what they add to the balance, in
        cents (claims + frais − payments: the décompte adds the interest when it runs)."""
        rng, iso, t0 = self.ledger_rng, self.iso, self.t0
        end = min(closed or t0, t0)
        delta = 0

        def entry(kind, day, cents, label, mode="", payer="", bank_ref="", reverses=None, reason=""):
            entry_id = self.ids["ledger_entry"]()
            self.rows["ledger_entry"].append(
                (
                    entry_id,
                    did,
                    kind,
                    iso(day),
                    iso(day + 1) if kind == "payment" else None,
                    cents,
                    label,
                    mode,
                    payer,
                    bank_ref,
                    reverses,
                    reason,
                    "pcharrier",
                    f"{iso(day)} {rng.clock(8, 18)}",
                ),
            )
            return entry_id

        fees = [(min(signified, end), 7_318, "Signification du titre exécutoire")]
        act = enforceable + rng.randint(5, 60)
        if act <= end:
            fees.append((act, 13_691, "Commandement de payer aux fins de saisie-vente"))
        for day, cents, label in fees:
            entry("fee", day, cents, label)
            delta += cents
        if rng.random() < 0.5:
            entry("disbursement", min(signified, end), rng.choice((1_200, 2_500, 3_550)), "Frais de recherche (FICOBA)")
            delta += self.rows["ledger_entry"][-1][5]
        day = enforceable + rng.randint(10, 90)
        for _n in range(rng.randint(1, 3)):
            if day > end:
                break
            cents = min(rng.randint(5, 60) * 1_000, owed + delta - 1_000)  # partial payments only
            if cents <= 0:
                break
            mode = rng.choice(("virement", "virement", "cheque", "carte", "prelevement"))
            reference = (
                f"CHQ {rng.randint(1_000_000, 9_999_999)}"
                if mode == "cheque"
                else f"VIR{rng.randint(10**9, 10**10 - 1)}"
            )
            paid = entry("payment", day, cents, "Versement du débiteur", mode, "Le débiteur", reference)
            delta -= cents
            self.rows["timeline_event"].append(
                (
                    self.ids["timeline_event"](),
                    did,
                    iso(day),
                    "ledger_payment",
                    f"Paiement de {format_cents(cents)} reçu",
                    assigned,
                    f"{iso(day)} 10:00:00",
                ),
            )
            rejected = day + 10
            if mode == "cheque" and not self.cheque_rejected and rejected <= end:
                self.cheque_rejected = True
                entry(
                    "reversal",
                    rejected,
                    cents,
                    "Annulation du paiement (chèque rejeté)",
                    mode,
                    "Le débiteur",
                    reference,
                    reverses=paid,
                    reason="Chèque rejeté : provision insuffisante",
                )
                delta += cents
                self.rows["timeline_event"].append(
                    (
                        self.ids["timeline_event"](),
                        did,
                        iso(rejected),
                        "ledger_reversal",
                        "Chèque rejeté : paiement annulé",
                        assigned,
                        f"{iso(rejected)} 11:00:00",
                    ),
                )
            day += rng.randint(25, 70)
        return delta

    # --- loading -----------------------------------------------------------------------

    def flush(self, cursor, param: str, tables=LOAD_ORDER) -> None:
        for table in tables:
            rows = self.rows[table]
            if not rows:
                continue
            if table in self.worker_tables:  # the second process chains and loads them (demo/worker.py)
                assert isinstance(self.deadlines, DeadlineWorker)
                self.deadlines.rows(table, rows)
                self.loaded[table] = self.loaded.get(table, 0) + len(rows)
                self.rows[table] = []
                continue
            batches = [(table, COLUMNS[table], rows)]
            if table == "ledger_entry":
                self.phases.lap("insert")
                ledger, audit = self.chains.ledger(rows)
                batches = [("ledger_entry", LEDGER_COLUMNS, ledger), ("audit_entry", AUDIT_COLUMNS, audit)]
                self.phases.lap("hash chain")
            for name, columns, loaded in batches:
                if param != "?":
                    loaded = _booleans_typed(name, columns, loaded)
                cursor.executemany(insert_sql(name, columns, LITERALS.get(name, ()), param), loaded)
                self.loaded[name] = self.loaded.get(name, 0) + len(loaded)
            self.rows[table].clear()

    def load(
        self, db, progress: Callable[[int, int], None] | None = None, deadlines_file: Path | None = None
    ) -> dict[str, int]:
        """Generate and load the étude. `deadlines_file` (SQLite only): where a second process
        walks and indexes the deadlines meanwhile (demo/worker.py); without it, they are walked here."""
        self.loaded: dict[str, int] = {}
        self.phases = Phases()
        self.worker_phases: dict = {}
        self.chains = Chains()
        self.worker_tables: tuple[str, ...] = ()
        self.debtor_names: list[str] = []
        self.debtor_towns: list[tuple] = []
        self.debtor_kinds: list[str] = []
        self.debtor_last: list[str] = []
        self.debtor_streets: list[str] = []
        self.debtors_physique: list[int] = []
        self.debtors_morale: list[int] = []
        sqlite = is_sqlite(db)
        worker = None
        if sqlite:
            # A fresh file that nobody else has open: a rollback journal spares writing every
            # page twice (WAL, then the checkpoint). WAL is set back once the load is done.
            db.execute_sql("PRAGMA journal_mode = DELETE")
            # Nor an fsync at each commit (the load's, the deadlines' copy): the file is renamed into
            # place only after one fsync of the whole of it (build_demo), and a crash before leaves
            # only a temporary file that the next `clerc demo` removes.
            db.execute_sql("PRAGMA synchronous = OFF")
            # A small page cache while loading: the pages of a fresh file are written once and
            # rarely read back; the default (64 MB) only held memory (peak RSS 330 → see README).
            db.execute_sql(f"PRAGMA cache_size = {LOAD_CACHE_KIB}")
            # Building the indexes after the load sorts a million rows: on disk, not in memory
            # (temp_store = memory made the peak +80 MB at 100,000 dossiers).
            db.execute_sql("PRAGMA temp_store = FILE")
            # Every foreign key of the rows is given by the generator, which made its parent
            # first: checking each one (~4 lookups a deadline) made the inserts ~25 % slower.
            # Set back after the load (the pragma is a no-op inside a transaction);
            # tests/services/test_demo.py runs `PRAGMA foreign_key_check` on a built demo.
            # Off also for the deadlines' copy below (SQLite copies as they are only without checks).
            db.execute_sql("PRAGMA foreign_keys = OFF")
            if deadlines_file is not None:
                # The tables the child loads (the deadlines; the ledger, its audit trail chained there
                # and its running totals), with their indexes, no trigger: the copy needs the very same
                # definitions.
                from clerc_tui.services.integrity import BACKFILL_SQL

                schema = [
                    sql
                    for (sql,) in db.execute_sql(
                        "SELECT sql FROM sqlite_master WHERE tbl_name IN (?, ?, ?, ?) AND type IN ('table', 'index') "
                        "AND sql IS NOT NULL ORDER BY type = 'index', name",
                        ("deadline", *LEDGER_TABLES),
                    )
                ]
                worker = self.deadlines = DeadlineWorker(
                    deadlines_file, self.deadline_seed, self.t0, schema, BACKFILL_SQL
                )
                self.worker_tables = ("ledger_entry",)  # the generated rows sent; the audit's are made there
        # No cyclic garbage collection while loading: the rows are tuples of plain values, and
        # walking the millions of them made at 100,000 dossiers cost ~0.9 s of the builder's CPU
        # (measured with gc.callbacks); set back as it was once the load is done.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with db.atomic("IMMEDIATE") if sqlite else db.atomic():
                self._load(db, sqlite, worker, progress)
            # The planner's statistics (the deadlines' come from the worker, which computes them meanwhile).
            self.phases.lap("ledger totals, commit")
            db.execute_sql("ANALYZE")
            self.phases.lap("analyze")
            if worker is not None:
                self._copy_deadlines(db, worker, deadlines_file)
        finally:
            if collecting:
                gc.enable()
            if worker is not None:
                worker.abort()  # stopped if still running, its file removed
                self.phases.lap("copy")
        if sqlite:
            db.execute_sql(f"PRAGMA foreign_keys = {SQLITE_PRAGMAS['foreign_keys']}")
        if sqlite:
            db.execute_sql("PRAGMA journal_mode = WAL")
            db.execute_sql(f"PRAGMA synchronous = {SQLITE_PRAGMAS['synchronous']}")
            db.execute_sql(f"PRAGMA cache_size = {SQLITE_PRAGMAS['cache_size']}")
            db.execute_sql(f"PRAGMA temp_store = {SQLITE_PRAGMAS['temp_store']}")
        return self.loaded

    def _load(self, db, sqlite: bool, worker: DeadlineWorker | None, progress) -> None:
        cursor = db.cursor()
        fts_tables, fts_triggers = _suspend_fts_triggers(db) if sqlite else ((), ())
        # The deadline table stays empty here when the worker fills it: its indexes are copied with it.
        suspended = [t for t in LOAD_ORDER if worker is None or t not in ("deadline", "deadline_text")]
        indexes = _suspend_indexes(db, suspended) if sqlite else []
        self.phases.lap("start")
        self.make_etude()
        self.make_etude_rates()
        self.make_creditors()
        self.flush(cursor, db.param)
        plan = self.plan_dossiers()
        sequence: dict[int, int] = {}
        for did, code in enumerate(plan, start=1):
            opened, phase, nature = code >> 6, PHASES[code >> 3 & 7], NATURES[code & 7]
            year = date.fromordinal(opened).year
            sequence[year] = number = sequence.get(year, 0) + 1
            self.make_dossier(did, opened, phase, nature, number)
            if did % BATCH == 0:
                self.phases.lap("generate")
                if worker is not None:
                    worker.flush()  # first: the child walks this round while the rows are loaded here
                    self.phases.lap("send to the worker")
                self.flush(cursor, db.param)
                self.phases.lap("insert")
                if progress is not None:
                    progress(did, len(plan))
        for year in sorted(sequence):
            self.rows["sequence"].append((self.ids["sequence"](), "dossier", year, sequence[year]))
        self.flush(cursor, db.param)  # the last round (its ledger rows go to the child: before its end)
        if worker is not None:
            worker.end()  # its last round: the child's tail runs beside the builder's below
        if progress is not None:
            progress(len(plan), len(plan))
        self.phases.lap("generate")
        _resume_fts_triggers(db, fts_tables, fts_triggers)
        self.phases.lap("search index")
        for sql in indexes:
            db.execute_sql(sql)
        self.phases.lap("indexes")
        from clerc_tui.services.integrity import backfill_accounts

        backfill_accounts(db)  # running totals of the bulk-loaded ledger (clerc check); with a child, made there
        if not sqlite:  # ids were given explicitly: move PostgreSQL's sequences past them
            for table in LOAD_ORDER:
                db.execute_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                )

    def _copy_deadlines(self, db, worker: DeadlineWorker, path: Path | None) -> None:
        """The worker's deadlines into the demo, with their indexes, once it is done (after the
        main load's commit: SQLite attaches a file only outside a transaction)."""
        counts, texts, stats, self.worker_phases = worker.finish()
        self.phases.lap("wait for the worker")
        db.execute_sql("ATTACH DATABASE ? AS demo_deadlines", (str(path),))
        try:
            with db.atomic("IMMEDIATE"):
                self.rows["deadline_text"].extend(texts)
                self.flush(db.cursor(), db.param, ("deadline_text",))
                # The ledger, its audit trail and their running totals, made by the child, copied as
                # they are: SQLite's transfer needs a table without triggers, so the append-only ones
                # are dropped and set back verbatim in this transaction.
                triggers = db.execute_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (?, ?, ?) "
                    "ORDER BY name",
                    LEDGER_TABLES,
                ).fetchall()
                for name, _sql in triggers:
                    db.execute_sql(f'DROP TRIGGER "{name}"')
                for table in ("deadline", *LEDGER_TABLES):
                    db.execute_sql(f'INSERT INTO main."{table}" SELECT * FROM demo_deadlines."{table}"')
                for _name, sql in triggers:
                    db.execute_sql(sql)
                # Their statistics are the child's (the builder's ANALYZE saw the ledger's tables empty).
                db.execute_sql("DELETE FROM sqlite_stat1 WHERE tbl IN (?, ?, ?, ?)", ("deadline", *LEDGER_TABLES))
                db.cursor().executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", stats)
                db.execute_sql('ANALYZE "deadline_text"')
        finally:
            db.execute_sql("DETACH DATABASE demo_deadlines")
        self.loaded.update(counts)


def _booleans_typed(table: str, columns: tuple[str, ...], rows: list[tuple]) -> list[tuple]:
    """The rows with their boolean columns as bools, for PostgreSQL: the generator writes 0 and
    1 (what SQLite stores), which psycopg sends as numbers and a BOOLEAN column refuses."""
    import clerc_tui.models.acts  # noqa: F401 (its models too)
    from clerc_tui.models.base import BaseModel

    if not _BOOLEANS:
        todo = list(BaseModel.__subclasses__())
        while todo:
            model = todo.pop()
            todo.extend(model.__subclasses__())
            names = {f.column_name for f in model._meta.sorted_fields if isinstance(f, BooleanField)}
            _BOOLEANS[model._meta.table_name] = _BOOLEANS.get(model._meta.table_name, set()) | names
    flags = [i for i, column in enumerate(columns) if column in _BOOLEANS.get(table, ())]
    if not flags:
        return rows
    return [
        tuple(bool(value) if i in flags and value is not None else value for i, value in enumerate(row)) for row in rows
    ]


_BOOLEANS: dict[str, set[str]] = {}


def _suspend_indexes(db, tables) -> list[str]:
    """Drop (inside the load transaction) the secondary indexes of `tables`; return their SQL.

    Measured at 100,000 dossiers / 1.1M deadlines: keeping the seven deadline indexes up to
    date row by row makes the deadline insert ~3× slower than building them once at the end.
    The other tables' indexes too (names, balances, users: random places in each index; even
    those that lead with `dossier_id`, appended in order, cost more kept than rebuilt).
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


def _suspend_fts_triggers(db) -> tuple[list[str], list[tuple[str, str]]]:
    """Drop (inside the load transaction) the triggers that keep the FTS5 indexes.

    Measured at 100,000 dossiers: the per-row trigger makes the dossier insert ~5× slower
    than one `rebuild` at the end. The triggers are re-created verbatim from
    sqlite_master, in the same transaction, so a failed load leaves them as they were.
    """
    fts_tables = [
        name
        for (name,) in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'"
        )
    ]
    triggers = []
    for name, sql in db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"):
        if any(table in sql for table in fts_tables):
            triggers.append((name, sql))
            db.execute_sql(f'DROP TRIGGER "{name}"')
    return fts_tables, triggers


def _resume_fts_triggers(db, fts_tables, triggers) -> None:
    for _name, sql in triggers:
        db.execute_sql(sql)
    for table in fts_tables:
        db.execute_sql(f'INSERT INTO "{table}"("{table}") VALUES (\'rebuild\')')
