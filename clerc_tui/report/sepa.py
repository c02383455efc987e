"""The pain.001.001.09 credit-transfer document of a reversement run, validated before it
leaves: a file the schema refuses is never written (docs/sepa.md).

`pain001(order)` writes the XML (UTF-8, declaration, two-space indent: the same order gives
the same bytes) and validates it against the ISO 20022 schema shipped in
`clerc_tui/data/pain.001.001.09.xsd` with xmlschema. What goes in is already in the SEPA
character set and lengths (`rules/sepa.py`); the writer escapes anyway.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.sepa import CURRENCY, sepa_amount

if TYPE_CHECKING:
    import xmlschema

    from clerc_tui.rules.sepa import Order, Party

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
SCHEMA_FILE = "pain.001.001.09.xsd"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _agent(parent: ET.Element, tag: str, bic: str, *, required: bool) -> None:
    """DbtrAgt (required: « NOTPROVIDED » without a BIC) or CdtrAgt (left out without one)."""
    if not bic and not required:
        return
    institution = _add(_add(parent, tag), "FinInstnId")
    if bic:
        _add(institution, "BICFI", bic)
    else:
        _add(_add(institution, "Othr"), "Id", "NOTPROVIDED")


def _account(parent: ET.Element, tag: str, party: Party) -> None:
    _add(_add(_add(parent, tag), "Id"), "IBAN", party.iban)


def document(order: Order) -> ET.Element:
    """The Document element of the order (not validated: `pain001` is the way out)."""
    root = ET.Element("Document", {"xmlns": NAMESPACE})
    initiation = _add(root, "CstmrCdtTrfInitn")
    header = _add(initiation, "GrpHdr")
    count, total = str(len(order.transfers)), sepa_amount(order.total)
    _add(header, "MsgId", order.message_id)
    _add(header, "CreDtTm", order.created_at.replace(microsecond=0).isoformat())
    _add(header, "NbOfTxs", count)
    _add(header, "CtrlSum", total)
    _add(_add(header, "InitgPty"), "Nm", order.debtor.name)
    payment = _add(initiation, "PmtInf")
    _add(payment, "PmtInfId", order.payment_id)
    _add(payment, "PmtMtd", "TRF")
    _add(payment, "NbOfTxs", count)
    _add(payment, "CtrlSum", total)
    _add(_add(_add(payment, "PmtTpInf"), "SvcLvl"), "Cd", "SEPA")
    _add(_add(payment, "ReqdExctnDt"), "Dt", order.execution_date.isoformat())
    _add(_add(payment, "Dbtr"), "Nm", order.debtor.name)
    _account(payment, "DbtrAcct", order.debtor)
    _agent(payment, "DbtrAgt", order.debtor.bic, required=True)
    _add(payment, "ChrgBr", "SLEV")
    for transfer in order.transfers:
        line = _add(payment, "CdtTrfTxInf")
        _add(_add(line, "PmtId"), "EndToEndId", transfer.end_to_end_id)
        _add(_add(line, "Amt"), "InstdAmt", sepa_amount(transfer.amount), Ccy=CURRENCY)
        _agent(line, "CdtrAgt", transfer.creditor.bic, required=False)
        _add(_add(line, "Cdtr"), "Nm", transfer.creditor.name)
        _account(line, "CdtrAcct", transfer.creditor)
        _add(_add(line, "RmtInf"), "Ustrd", transfer.text)
    return root


@cache
def schema() -> xmlschema.XMLSchema:
    """The pain.001.001.09 schema, loaded once (0.3–0.5 s: only when a file is written)."""
    import xmlschema

    with resources.as_file(resources.files("clerc_tui.data").joinpath(SCHEMA_FILE)) as path:
        return xmlschema.XMLSchema(str(path))


def schema_problem(data: bytes) -> str | None:
    """The first reason the schema refuses `data`, in its own words; None when valid."""
    for error in schema().iter_errors(io.BytesIO(data)):
        return f"{error.reason or error.message} (élément {error.path})"
    return None


def pain001(order: Order) -> bytes:
    """The document as written to the bank: UTF-8 bytes, validated against its schema.
    Raises InvalidInput (French) when the schema refuses it: nothing is written then."""
    root = document(order)
    ET.indent(root)
    data = (_DECLARATION + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8")
    problem = schema_problem(data)
    if problem is not None:
        raise InvalidInput(f"Fichier SEPA (pain.001.001.09) refusé par son schéma : {problem}.")
    return data
