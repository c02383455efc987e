"""report/sepa.py: the pain.001.001.09 document, checked against the ISO 20022 schema shipped
in clerc_tui/data (issue 16, item 3; docs/sepa.md)."""

import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal as D

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.report import sepa as report
from clerc_tui.rules import sepa
from clerc_tui.rules.identifiers import make_french_iban

# The pain.001 schema (xmlschema: ~0.45 s of CPU to import and build, once per process) built by
# one worker for the SEPA tests of tests/report/test_sepa.py and tests/test_payout_sepa.py.
pytestmark = pytest.mark.xdist_group("sepa")

NS = {"p": report.NAMESPACE}
HOSTILE = [
    "SCI « Les Œillets » & Fils",
    'Dupont "<script>alert(1)</script>" & Cie',
    "Bailleur\x1b[2J\x07 effacé\u202e à l'envers",
    "Société Civile Immobilière des Résidences du Grand Parc de la Vallée de l'Huveaune — Lot Est",
    "]]></Nm><Nm>injection",
    "张伟 Ltd",
    "L’Hôpital-Saint-Blaise; Ærø ß",
]


def _order(creditors: int = 300) -> sepa.Order:
    debtor = sepa.party("Étude de Maître Lefèvre & Associés", make_french_iban("40031", "00001", "0000123456C"), "")
    payees = [
        sepa.Payee(
            n,
            HOSTILE[n % len(HOSTILE)] + f" {n}",
            make_french_iban("30004", f"{n % 99999:05d}", f"{n:011d}"),
            "" if n % 3 else "BNPAFRPPXXX",
            D(n) + D("0.07"),
            tuple(f"2026-{d:06d}" for d in range(n, n + n % 25)),
        )
        for n in range(1, creditors + 1)
    ]
    return sepa.make_order(42, datetime(2026, 11, 26, 10, 42, 7), date(2026, 11, 27), debtor, payees)


def test_many_creditors_with_hostile_names_make_a_valid_document():
    order = _order()
    data = report.pain001(order)  # refused if the schema finds anything wrong
    assert report.schema_problem(data) is None
    root = ET.fromstring(data)
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header is not None
    assert header.findtext("p:MsgId", namespaces=NS) == "CLERC-R000042-20261126104207"
    assert header.findtext("p:CreDtTm", namespaces=NS) == "2026-11-26T10:42:07"
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "300"
    amounts = [D(a.text or "") for a in root.iterfind(".//p:InstdAmt", NS)]
    assert len(amounts) == 300 and all(a.get("Ccy") == "EUR" for a in root.iterfind(".//p:InstdAmt", NS))
    assert D(header.findtext("p:CtrlSum", namespaces=NS) or "") == sum(amounts) == order.total
    payment = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert payment is not None
    assert payment.findtext("p:PmtMtd", namespaces=NS) == "TRF"
    assert payment.findtext("p:ChrgBr", namespaces=NS) == "SLEV"
    assert payment.findtext("p:ReqdExctnDt/p:Dt", namespaces=NS) == "2026-11-27"
    assert payment.findtext("p:DbtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=NS) == "NOTPROVIDED"
    names = [n.text or "" for n in root.iterfind(".//p:Nm", NS)]
    assert all(sepa.is_sepa_text(n) and 0 < len(n) <= 70 for n in names), names
    assert "SCI 'Les OEillets' + Fils 7" in names
    texts = [t.text or "" for t in root.iterfind(".//p:Ustrd", NS)]
    assert all(sepa.is_sepa_text(t) and len(t) <= 140 for t in texts)
    # Every creditor once, their BIC only when known (CdtrAgt is optional within the EEA).
    ids = [i.text for i in root.iterfind(".//p:EndToEndId", NS)]
    assert len(set(ids)) == 300
    assert len(root.findall(".//p:CdtTrfTxInf/p:CdtrAgt", NS)) == 100
    # Nothing of the hostile text is markup, nothing is a control character.
    assert b"<script" not in data and b"\x1b" not in data and b"]]>" not in data


def test_the_same_order_gives_the_same_bytes():
    assert report.pain001(_order(20)) == report.pain001(_order(20))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.replace(b"<MsgId>CLERC-R000042-20261126104207</MsgId>", b""), "MsgId"),
        (lambda d: d.replace(b'Ccy="EUR">1.07<', b'Ccy="EUR">1.0.7<'), "InstdAmt"),
        (lambda d: d.replace(b"<ChrgBr>SLEV</ChrgBr>", b"<ChrgBr>XXXX</ChrgBr>"), "ChrgBr"),
        (lambda d: d.replace(b"<PmtMtd>TRF</PmtMtd>", b"<PmtMtd>DD</PmtMtd>"), "PmtMtd"),
    ],
)
def test_the_schema_refuses_a_broken_document(change, reason):
    data = report.pain001(_order(3))
    broken = change(data)
    assert broken != data
    problem = report.schema_problem(broken)
    assert problem is not None and reason in problem, problem


def test_a_document_the_schema_refuses_is_never_returned(monkeypatch):
    real = report.document

    def without_debtor_account(order):
        root = real(order)
        payment = root.find("CstmrCdtTrfInitn/PmtInf")
        assert payment is not None
        payment.remove(payment.find("DbtrAcct"))
        return root

    monkeypatch.setattr(report, "document", without_debtor_account)
    with pytest.raises(InvalidInput, match=r"Fichier SEPA \(pain\.001\.001\.09\) refusé par son schéma"):
        report.pain001(_order(2))
