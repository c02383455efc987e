"""The reversement run writes a pain.001.001.09 file beside its CSV (issue 16, item 3;
docs/sepa.md): valid against its schema, names cleaned, creditors SEPA cannot pay held back and
named, all or nothing (no file without a complete run, no complete run without its file), and
`reversements fichier RUN --sepa` gives back the same bytes. The commands as typed, real
SQLite files, a real `kill -9`."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.models.db import close_database, open_database
from clerc_tui.report.sepa import NAMESPACE, pain001, schema_problem
from clerc_tui.services import payments, remittances
from clerc_tui.services.context import identify, os_login
from clerc_tui.services.dossier_input import CreditorInput
from clerc_tui.services.dossiers import create_dossier
from tests.conftest import TODAY, make_input, migrated_copy, run_clerc

# The pain.001 schema (xmlschema: ~0.45 s of CPU to import and build, once per process) built by
# one worker for the SEPA tests of tests/report/test_sepa.py and tests/test_payout_sepa.py.
pytestmark = pytest.mark.xdist_group("sepa")

IBAN = "FR7630004000310001234567865"
ETUDE_IBAN = "FR3140031000010000123456C01"
DB = ["--today", "26/11/2026"]
NS = {"p": NAMESPACE}
HOSTILE = 'SCI « Les Œillets » & Fils <b>"Durand"</b> — Résidence de la Vallée de l\'Huveaune, lot Est n°2'


def _base(path: Path, names: list[str], per_creditor: int = 1, *, etude_account: bool = True) -> list[list[int]]:
    """One creditor per name (all with IBAN), `per_creditor` dossiers each, 100 € received on
    each; the user is the étude's commissaire (runs and settings)."""
    from clerc_tui.services.etude import set_bank_account, set_setting
    from clerc_tui.services.users import add_user

    migrated_copy(path)
    add_user(os_login(), "Claire Martin", "commissaire")
    actor = identify()
    set_setting(actor, "name", "Étude de Maître Lefèvre & Associés")
    if etude_account:
        set_bank_account(actor, ETUDE_IBAN, "CDCGFRPPXXX")
    ids = []
    for name in names:
        creditor = CreditorInput(kind="morale", is_individual=False, activity="bailleur", name=name, iban=IBAN)
        creditor_id, mine = None, []
        for _ in range(per_creditor):
            given = make_input(new_creditor=creditor)
            if creditor_id is not None:
                given = replace(given, creditor_id=creditor_id, new_creditor=None)
            dossier = create_dossier(actor, given, TODAY)
            creditor_id = dossier.creditor_id
            payments.record_payment(actor, dossier.id, on=TODAY, amount="100", mode="virement", today=TODAY)
            mine.append(dossier.id)
        ids.append(mine)
    close_database()
    return ids


def _sql(path: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(path) as con:
        return con.execute(sql, params).fetchall()


def _runs(path: Path) -> list[tuple]:
    return _sql(path, "SELECT id, state, entries, sepa IS NOT NULL FROM remittance_run ORDER BY id")


def _counts(path: Path) -> tuple:
    return _sql(path, "SELECT (SELECT COUNT(*) FROM ledger_entry), (SELECT COUNT(*) FROM remittance_run)")[0]


def _transfers(data: bytes) -> list[tuple[str, str, str, str]]:
    """(creditor name, IBAN, amount, remittance text) of each transfer of a pain.001 document."""
    root = ET.fromstring(data)
    return [
        (
            t.findtext("p:Cdtr/p:Nm", namespaces=NS) or "",
            t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) or "",
            t.findtext("p:Amt/p:InstdAmt", namespaces=NS) or "",
            t.findtext("p:RmtInf/p:Ustrd", namespaces=NS) or "",
        )
        for t in root.iterfind(".//p:CdtTrfTxInf", NS)
    ]


def test_run_writes_a_valid_sepa_file_holds_back_who_sepa_cannot_pay_and_fichier_gives_it_back(tmp_path):
    base = tmp_path / "etude.db"
    names = [HOSTILE, "Bailleur Sans Compte", "Banque Suisse SA", "SCI Clé Fausse", "SCI Les Tilleuls"]
    hostile, no_iban, swiss, bad_key, tilleuls = _base(base, names, per_creditor=2)
    # An older base may hold what the forms refuse today: a control character in a name, an IBAN
    # with a wrong key; a Swiss account needs its BIC (non-EEA SEPA country).
    creditor_of = dict(_sql(base, "SELECT id, creditor_id FROM dossier"))
    _sql(base, "UPDATE creditor SET iban = '' WHERE id = ?", creditor_of[no_iban[0]])
    _sql(base, "UPDATE creditor SET iban = 'CH9300762011623852957' WHERE id = ?", creditor_of[swiss[0]])
    _sql(base, "UPDATE creditor SET iban = 'FR7630004000310001234567864' WHERE id = ?", creditor_of[bad_key[0]])
    _sql(base, "UPDATE creditor SET display_name = 'SCI Les\x1b[2J Tilleuls' WHERE id = ?", creditor_of[tilleuls[0]])
    sepa_file, csv_file = tmp_path / "virements.xml", tmp_path / "virements.csv"
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--sepa", str(sepa_file),
                       "--csv", str(csv_file))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"Virements SEPA : {sepa_file}." in result.stderr
    data = sepa_file.read_bytes()
    assert schema_problem(data) is None
    # One transfer per creditor paid (in the run's order, by name: « « » after « L »), two dossiers
    # each: 2 × (100 − 14,08 A444-32) = 171,84 €.
    transfers = _transfers(data)
    assert [(n[:20], i, a) for n, i, a, _ in transfers] == [
        ("SCI Les(2J Tilleuls", IBAN, "171.84"),
        ("SCI 'Les OEillets' +", IBAN, "171.84"),
    ]
    name = transfers[1][0]  # cut at 70, the space before the cut dropped
    assert name == "SCI 'Les OEillets' + Fils .b.'Durand'./b. - Residence de la Vallee de"
    refs = dict(_sql(base, "SELECT id, reference FROM dossier"))
    assert transfers[1][3] == f"Reversement 1 - 2 dossier(s) : {refs[hostile[0]]}, {refs[hostile[1]]}"
    root = ET.fromstring(data)
    assert root.findtext(".//p:Dbtr/p:Nm", namespaces=NS) == "Etude de Maitre Lefevre + Associes"
    assert root.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == ETUDE_IBAN
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "343.68"
    # Held back, each with its reason, nothing recorded for them; the CSV says the same payees.
    assert "ATTENTION : 6 dossier(s) retenu(s), créancier sans IBAN : Bailleur Sans Compte" in result.stderr
    assert "(BIC manquant : obligatoire pour un compte hors de l'Espace économique européen (CH)) : " in result.stderr
    assert "Banque Suisse SA" in result.stderr and "(IBAN invalide (IBAN FR76" in result.stderr
    held = [d for d in no_iban + swiss + bad_key]
    assert _sql(base, f"SELECT COUNT(*) FROM ledger_entry WHERE kind IN ('remittance', 'fee') AND dossier_id IN "
                f"({','.join(map(str, held))})") == [(0,)]  # fmt: skip
    assert csv_file.read_text(encoding="utf-8").count("Reversement dossier") == 4
    assert _runs(base) == [(1, "complete", 4, 1)]
    # Written again, byte for byte (the creation time and the ids are those of the run).
    again = tmp_path / "again.xml"
    result = run_clerc(tmp_path, "--db", str(base), "reversements", "fichier", "1", "--sepa", str(again))
    assert result.returncode == 0 and result.stdout == "", result.stderr
    assert again.read_bytes() == data
    # The held-back creditor's account put right: the next run pays them, in a new message.
    _sql(base, "UPDATE creditor SET bic = 'UBSWCHZH80A' WHERE id = ?", creditor_of[swiss[0]])
    second = tmp_path / "second.xml"
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--sepa", str(second))
    assert result.returncode == 0, result.stderr
    assert [(n, a) for n, _, a, _ in _transfers(second.read_bytes())] == [("Banque Suisse SA", "171.84")]
    assert ET.fromstring(second.read_bytes()).findtext(".//p:MsgId", namespaces=NS).startswith("CLERC-R000002-")


def test_sepa_file_refused_before_anything_is_recorded(tmp_path):
    base = tmp_path / "etude.db"
    _base(base, ["SCI Les Tilleuls"], etude_account=False)
    before = _counts(base)
    target = tmp_path / "v.xml"
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--sepa", str(target))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Fichier SEPA des virements impossible : le compte de l'étude n'est pas renseigné" in result.stderr
    assert "Rien n'a été enregistré" in result.stderr and _counts(base) == before and not target.exists()
    result = run_clerc(tmp_path, "--db", str(base), "etude", "set", "--iban", ETUDE_IBAN[:-1] + "0")
    assert result.returncode == 2 and "IBAN FR31 4003 1000 0100 0012 3456 C00 invalide" in result.stderr
    result = run_clerc(tmp_path, "--db", str(base), "etude", "set", "--iban", ETUDE_IBAN, "--bic", "cdcg fr pp")
    assert result.returncode == 0, result.stderr
    assert "IBAN FR31 4003 1000 0100 0012 3456 C01, BIC CDCGFRPP (réglage de l'étude)" in result.stdout
    bad = tmp_path / "absent" / "v.xml"
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--sepa", str(bad))
    assert result.returncode == 2 and f"Fichier SEPA des virements {bad} non écrit" in result.stderr
    assert "Rien n'a été enregistré" in result.stderr and _counts(base)[1] == 0
    # A run made without --sepa keeps its SEPA document all the same: fichier --sepa writes it.
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--csv", str(tmp_path / "v.csv"))
    assert result.returncode == 0 and _runs(base) == [(1, "complete", 1, 1)], result.stderr
    result = run_clerc(tmp_path, "--db", str(base), "reversements", "fichier", "1", "--sepa", str(target))
    assert result.returncode == 0 and schema_problem(target.read_bytes()) is None


def test_run_without_the_etude_account_has_no_sepa_file_and_fichier_says_why(tmp_path):
    base = tmp_path / "etude.db"
    _base(base, ["SCI Les Tilleuls"], etude_account=False)
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--csv", str(tmp_path / "v.csv"))
    assert result.returncode == 0 and _runs(base) == [(1, "complete", 1, 0)], result.stderr
    result = run_clerc(tmp_path, "--db", str(base), "reversements", "fichier", "1", "--sepa", str(tmp_path / "v.xml"))
    assert result.returncode == 2 and "Reversement n° 1 sans fichier SEPA" in result.stderr
    assert not (tmp_path / "v.xml").exists()


SLOW_RUN = """
import sys, time
from clerc_tui.services import remittances
remittances.STEP_DOSSIERS = 1
real = remittances._write_line
def slow(*args):
    real(*args)
    print("écrit", args[1].dossier_id, flush=True)
    time.sleep(0.3)
remittances._write_line = slow
from clerc_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_run_killed_9_leaves_no_sepa_file_and_the_next_run_writes_it_for_every_dossier(tmp_path):
    base = tmp_path / "etude.db"
    ids = [d for mine in _base(base, [f"SCI Créancier {n}" for n in range(4)], per_creditor=2) for d in mine]
    target = tmp_path / "virements.xml"
    env = {k: v for k, v in os.environ.items() if k != "CLERC_DATABASE"}
    env.update({f"XDG_{k}_HOME": str(tmp_path / k.lower()) for k in ("DATA", "STATE", "CONFIG")})
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_RUN, "--db", str(base), *DB, "reversements", "run", "--sepa", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    for _ in range(3):  # three dossiers written, each its own committed step
        assert process.stdout.readline().startswith("écrit"), process.stderr.read() if process.stderr else ""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    # A run without its file: « en cours », no SEPA document stored, no file, no temporary file.
    assert _runs(base)[0][1:2] == ("running",) and _runs(base)[0][3] == 0
    assert not target.exists() and list(tmp_path.glob(".*.tmp")) == []
    result = run_clerc(tmp_path, "--db", str(base), "reversements", "fichier", "1", "--sepa", str(target))
    assert result.returncode == 2 and "Reversement n° 1 en cours" in result.stderr and not target.exists()
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--sepa", str(target))
    assert result.returncode == 0 and "repris et terminé" in result.stderr, result.stderr
    assert _runs(base) == [(1, "complete", len(ids), 1)]
    data = target.read_bytes()
    transfers = _transfers(data)
    assert schema_problem(data) is None and len(transfers) == 4
    assert sum(D(a) for _, _, a, _ in transfers) == 8 * D("85.92")  # every dossier once, in one message
    again = tmp_path / "again.xml"
    run_clerc(tmp_path, "--db", str(base), "reversements", "fichier", "1", "--sepa", str(again))
    assert again.read_bytes() == data


def test_last_step_failing_removes_both_files_and_the_rerun_writes_them(tmp_path, monkeypatch):
    from clerc_tui.models.db import database

    base = tmp_path / "etude.db"
    _base(base, ["SCI A", "SCI B"])
    csv_file, sepa_file = tmp_path / "v.csv", tmp_path / "v.xml"
    sepa_file.write_bytes(b"ancien fichier\n")
    open_database(str(base))
    real_update, seen = remittances.RemittanceRun.update, {}

    def dying_update(**fields):  # the process « dies » in the last step, after both renames
        if fields.get("state") == remittances.COMPLETE:
            seen["files"] = (csv_file.exists(), sepa_file.read_bytes() != b"ancien fichier\n")
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        return real_update(**fields)

    monkeypatch.setattr(remittances.RemittanceRun, "update", dying_update)
    with pytest.raises(sqlite3.OperationalError, match="simulated"):
        remittances.execute_run(
            identify(), TODAY, today=TODAY, csv_path=csv_file, sepa_path=sepa_file, render_sepa=pain001
        )
    monkeypatch.undo()
    assert database.transaction_depth() == 0
    close_database()
    assert seen == {"files": (True, True)}
    assert not csv_file.exists() and sepa_file.read_bytes() == b"ancien fichier\n"
    assert list(tmp_path.glob(".*.tmp")) == [] and _runs(base) == [(1, "running", 2, 0)]
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--sepa", str(sepa_file))
    assert result.returncode == 0 and "repris et terminé" in result.stderr, result.stderr
    assert len(_transfers(sepa_file.read_bytes())) == 2 and _runs(base) == [(1, "complete", 2, 1)]


def test_a_sepa_document_the_schema_refuses_leaves_the_run_running_and_no_file(tmp_path):
    base = tmp_path / "etude.db"
    _base(base, ["SCI A"])
    target = tmp_path / "v.xml"
    open_database(str(base))

    def refused(order):
        raise InvalidInput("Fichier SEPA (pain.001.001.09) refusé par son schéma : (simulé).")

    with pytest.raises(InvalidInput, match=r"refusé par son schéma.*reste en cours"):
        remittances.execute_run(identify(), TODAY, today=TODAY, sepa_path=target, render_sepa=refused)
    close_database()
    assert not target.exists() and _runs(base) == [(1, "running", 1, 0)]


def test_the_etude_name_is_the_debtor_and_is_set_by_etude_set_nom(tmp_path):
    base = tmp_path / "etude.db"
    _base(base, ["SCI Les Tilleuls"])
    _sql(base, "UPDATE etude SET name = ''")  # a base made by clerc init has no name until one is set
    target = tmp_path / "v.xml"
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--sepa", str(target))
    assert (
        result.returncode == 2 and "le nom de l'étude n'est pas renseigné (clerc etude set --nom NOM)" in result.stderr
    )
    assert _counts(base)[1] == 0
    result = run_clerc(tmp_path, "--db", str(base), "etude", "set", "--nom", "Étude\x1b Durand")
    assert result.returncode == 2 and "U+001B" in result.stderr
    result = run_clerc(tmp_path, "--db", str(base), "etude", "set", "--nom", "SELARL Durand & Associés")
    assert result.returncode == 0 and "SEPA) : SELARL Durand & Associés." in result.stdout, result.stderr
    result = run_clerc(tmp_path, "--db", str(base), *DB, "reversements", "run", "--sepa", str(target))
    assert result.returncode == 0, result.stderr
    assert ET.fromstring(target.read_bytes()).findtext(".//p:Dbtr/p:Nm", namespaces=NS) == "SELARL Durand + Associes"


def test_a_run_that_only_retains_fees_has_no_sepa_file_and_still_completes(tmp_path, actor):
    """A claim under 188 € bears the A444-32 forfait: 1 € received is all retained, nothing is
    paid back. The run completes with its CSV; a pain.001 needs at least one transfer, so there
    is none, and the run says why (it never stays « en cours » for it)."""
    from clerc_tui.services.etude import set_bank_account, set_setting

    set_setting(actor, "name", "Étude Durand")
    set_bank_account(actor, ETUDE_IBAN, "")
    dossier = create_dossier(actor, make_input(claims={"principal": D("150")}), TODAY)
    payments.record_payment(actor, dossier.id, on=TODAY, amount="1", mode="virement", today=TODAY)
    target = tmp_path / "v.xml"
    result = remittances.execute_run(actor, TODAY, today=TODAY, csv_folder=tmp_path, render_sepa=pain001)
    assert [(x.fee, x.net) for x in result.lines] == [(D("1.00"), D("0.00"))]
    assert result.sepa is None and result.sepa_path is None and not target.exists()
    assert result.sepa_note == "Fichier SEPA non écrit : aucun virement dans ce reversement (retenues seules)."
    assert remittances.pending_run() is None and result.path == tmp_path / "reversement-00001.csv"
