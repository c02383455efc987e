"""Bank statements read from the bank's file: ISO 20022 CAMT.053 (XML) and CFONB 120 (the
French banks' fixed-width « relevé de compte »). Pure: bytes in, frozen dataclasses out.

What is read, the choices made and the sources are in docs/bank.md. In short:

- **CAMT.053** (`camt.053.001.02` and later versions, recognised by the namespace of the
  document): every `Stmt`, its account, its opening and closing balances, and each booked entry
  `Ntry` (amount and currency, `CdtDbtInd`, booking and value dates, `AcctSvcrRef`), with its
  transaction details `TxDtls` (`EndToEndId`, `Dbtr/Nm`, `DbtrAcct` IBAN, `RmtInf/Ustrd` and
  `Strd`); a batch entry with several `TxDtls` gives one line per transaction. The XML is read
  defensively: a document type declaration (`<!DOCTYPE`, hence any entity) is refused before the
  parser sees it, so no external entity is fetched and no entity expansion can blow up.
- **CFONB 120** (CFONB, « Relevé de compte sur support informatique », brochure of July 2004,
  records of 120 characters): 01 old balance, 04 movement, 05 complement of the movement before
  it (qualifiers NPY payer's name, LIB/LCC/LC2/LCS/RCN/REF texts), 07 new balance; the amount's
  last character codes its sign and its last digit (« { » and A–I: + 0–9; « } » and J–R:
  − 0–9); the number of decimals is given by the record; dates are JJMMAA.

Only euros are accepted. Errors are `InvalidInput` with a French message naming the line (CFONB)
or the entry (CAMT); a closing balance that does not match the opening one and the movements is
a warning, not a refusal (the bank's file is what it is: the clerc is told).
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from clerc_tui.errors import InvalidInput
from clerc_tui.rules.french import format_amount

CAMT = "camt.053"
CFONB = "cfonb120"
FORMAT_LABELS = {CAMT: "CAMT.053 (ISO 20022)", CFONB: "CFONB 120"}
CURRENCY = "EUR"
RECORD_LENGTH = 120
CAMT_NAMESPACE = re.compile(r"^\{urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})\}Document$")


@dataclass(frozen=True)
class BankLine:
    """One movement of a statement (for a CAMT batch entry: one of its transactions)."""

    where: str  # « ligne 12 » / « écriture 3 » / « écriture 3, opération 2 »: for messages
    credit: bool
    amount: Decimal  # > 0; `credit` says which way
    booked_on: date
    value_on: date | None
    bank_reference: str  # the bank's own reference (AcctSvcrRef; CFONB: the reference zone)
    end_to_end: str  # EndToEndId (CAMT) or the REF/RCN complement (CFONB)
    label: str  # what the payer wrote (Ustrd, Strd's reference, CFONB label and complements)
    debtor_name: str
    debtor_iban: str
    key: str  # what identifies the line across files: see `line_key`


@dataclass(frozen=True)
class BankStatement:
    account: str  # IBAN (CAMT) or « banque guichet compte » (CFONB)
    identifier: str  # the bank's statement id (CAMT Stmt/Id) or « du … au … » (CFONB)
    opening: Decimal | None
    closing: Decimal | None
    first_day: date | None
    last_day: date | None
    lines: tuple[BankLine, ...]


@dataclass(frozen=True)
class BankFile:
    format: str  # CAMT or CFONB
    version: str  # « camt.053.001.02 », « CFONB 120 »
    digest: str  # SHA-256 of the file's bytes
    statements: tuple[BankStatement, ...]
    warnings: tuple[str, ...]

    @property
    def lines(self) -> tuple[BankLine, ...]:
        return tuple(line for statement in self.statements for line in statement.lines)

    @property
    def credits(self) -> tuple[BankLine, ...]:
        return tuple(line for line in self.lines if line.credit)


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_bank_file(data: bytes) -> BankFile:
    """The statements of a CAMT.053 or CFONB 120 file (told apart by their first bytes)."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if not head:
        raise InvalidInput("Le fichier est vide : ce n'est pas un relevé bancaire.")
    if head.startswith(b"<"):
        return parse_camt053(data)
    if head[:2] in (b"01", b"04", b"05", b"07"):
        return parse_cfonb120(data)
    raise InvalidInput(
        "Format de relevé non reconnu : clerc lit les relevés CAMT.053 (XML ISO 20022) et CFONB 120 "
        "(lignes de 120 caractères commençant par 01, 04, 05 ou 07)."
    )


def line_key(account: str, bank_reference: str, fallback: tuple[object, ...], seen: dict[str, int]) -> str:
    """What identifies a movement across files, so that the same movement in two overlapping
    statements (or the same file twice) is recognised: the account and the bank's reference when
    it gives one; otherwise the account, the movement's date, direction, amount and texts, with
    the number of identical movements before it in the same statement (two identical payments
    the same day stay two)."""
    if bank_reference:
        return f"{account}|ref|{bank_reference}"
    base = f"{account}|" + "|".join(str(part) for part in fallback)
    seen[base] = seen.get(base, 0) + 1
    return f"{base}|{seen[base]}"


def _balance_warning(statement: BankStatement, where: str) -> str | None:
    if statement.opening is None or statement.closing is None:
        return None
    movements = sum((line.amount if line.credit else -line.amount for line in statement.lines), Decimal(0))
    expected = statement.opening + movements
    if expected == statement.closing:
        return None
    return (
        f"{where} : le solde final ({format_amount(statement.closing)}) ne correspond pas au solde initial "
        f"({format_amount(statement.opening)}) et aux mouvements ({format_amount(movements)}) : "
        f"{format_amount(expected)} attendu. Vérifiez que le relevé est complet."
    )


# --- CAMT.053 ---------------------------------------------------------------------------------

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _camt_root(data: bytes) -> tuple[ET.Element, str]:
    if _DOCTYPE.search(data):
        raise InvalidInput(
            "Relevé XML refusé : il contient une déclaration de type de document (<!DOCTYPE> ou <!ENTITY>), "
            "qu'un relevé CAMT.053 n'a jamais ; clerc ne la lit pas (protection contre les entités externes)."
        )
    parser = ET.XMLParser()
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        line, column = exc.position
        raise InvalidInput(
            f"Relevé XML illisible (tronqué ou mal formé) ligne {line}, colonne {column + 1} : "
            "le fichier est incomplet ou n'est pas du XML. Rien n'a été importé."
        ) from None
    match = CAMT_NAMESPACE.match(root.tag)
    if match is None:
        raise InvalidInput(
            "Ce fichier XML n'est pas un relevé CAMT.053 : son élément racine doit être <Document> dans l'espace "
            "de noms urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN."
        )
    for element in root.iter():  # local names: one path per element whatever the version
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root, f"camt.053.001.{match.group(1)}"


def _find(element: ET.Element | None, path: str) -> ET.Element | None:
    """`element.find(path)` one tag at a time: a plain tag is looked up in C, a path with « / »
    goes through ElementPath in Python (a third of the time of reading a statement)."""
    for tag in path.split("/"):
        if element is None:
            return None
        element = element.find(tag)
    return element


def _find_all(element: ET.Element, path: str) -> list[ET.Element]:
    parent, _, tag = path.rpartition("/")
    holder = _find(element, parent) if parent else element
    return holder.findall(tag) if holder is not None else []


def _text(element: ET.Element | None, path: str) -> str:
    found = _find(element, path)
    return " ".join(found.text.split()) if found is not None and found.text else ""


def _camt_date(element: ET.Element | None, where: str, what: str) -> date | None:
    """`<Dt>AAAA-MM-JJ</Dt>` or `<DtTm>AAAA-MM-JJThh:mm:ss…</DtTm>`."""
    if element is None:
        return None
    raw = _text(element, "Dt") or _text(element, "DtTm")[:10]
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise InvalidInput(f"{where} : {what} illisible (« {raw} », attendu AAAA-MM-JJ).") from None


def _camt_amount(element: ET.Element | None, where: str) -> Decimal:
    if element is None or not (element.text or "").strip():
        raise InvalidInput(f"{where} : montant absent.")
    currency = element.get("Ccy", "")
    if currency != CURRENCY:
        raise InvalidInput(
            f"{where} : devise « {currency or 'absente'} » refusée ; clerc n'accepte que les relevés en euros (EUR)."
        )
    try:
        amount = Decimal(element.text.strip())  # type: ignore[union-attr]
    except InvalidOperation:
        raise InvalidInput(f"{where} : montant illisible (« {element.text} »).") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(f"{where} : montant illisible (« {element.text} »).")
    return amount.quantize(Decimal("0.01"))


def _camt_direction(element: ET.Element, where: str) -> bool:
    indicator = _text(element, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise InvalidInput(f"{where} : sens (CdtDbtInd) « {indicator or 'absent'} » inconnu (CRDT ou DBIT).")
    return indicator == "CRDT"


def _camt_balances(statement: ET.Element, where: str) -> tuple[Decimal | None, Decimal | None]:
    opening = closing = None
    for balance in statement.findall("Bal"):
        code = _text(balance, "Tp/CdOrPrtry/Cd")
        amount = _camt_amount(balance.find("Amt"), f"{where}, solde {code}")
        signed = amount if _camt_direction(balance, f"{where}, solde {code}") else -amount
        if code in ("OPBD", "PRCD") and opening is None:
            opening = signed
        elif code == "CLBD":
            closing = signed
    return opening, closing


def _remittance(details: ET.Element | None) -> str:
    if details is None:
        return ""
    parts = [" ".join((u.text or "").split()) for u in _find_all(details, "RmtInf/Ustrd")]
    for structured in _find_all(details, "RmtInf/Strd"):
        parts += [_text(structured, "CdtrRefInf/Ref"), _text(structured, "AddtlRmtInf")]
    return " ".join(part for part in parts if part)


def _party_name(details: ET.Element | None) -> str:
    # camt.053.001.02–07: RltdPties/Dbtr/Nm; .08 and later: RltdPties/Dbtr/Pty/Nm.
    return _text(details, "RltdPties/Dbtr/Nm") or _text(details, "RltdPties/Dbtr/Pty/Nm")


def _tx_amount(details: ET.Element, where: str) -> Decimal | None:
    found = details.find("Amt")  # .03 and later
    if found is None:
        found = _find(details, "AmtDtls/TxAmt/Amt")  # .02
    return _camt_amount(found, where) if found is not None else None


def _camt_entry(entry: ET.Element, where: str, account: str, seen: dict[str, int]) -> Iterator[BankLine]:
    amount = _camt_amount(entry.find("Amt"), where)
    credit = _camt_direction(entry, where)
    if _text(entry, "RvslInd").lower() == "true":  # a reversal goes the other way
        credit = not credit
    booked = _camt_date(entry.find("BookgDt"), where, "date de comptabilisation")
    value = _camt_date(entry.find("ValDt"), where, "date de valeur")
    if booked is None:
        booked = value
    if booked is None:
        raise InvalidInput(f"{where} : date de comptabilisation (BookgDt) absente.")
    entry_ref = _text(entry, "AcctSvcrRef")
    transactions = _find_all(entry, "NtryDtls/TxDtls")
    if not transactions:
        transactions = [ET.Element("TxDtls")]
    several = len(transactions) > 1
    total = Decimal(0)
    for n, details in enumerate(transactions, start=1):
        here = f"{where}, opération {n}" if several else where
        tx_amount = _tx_amount(details, here)
        if several and tx_amount is None:
            raise InvalidInput(f"{here} : écriture groupée sans montant par opération.")
        line_amount = tx_amount if (several and tx_amount is not None) else amount
        total += line_amount
        tx_ref = _text(details, "Refs/AcctSvcrRef")
        if several and not tx_ref and entry_ref:
            tx_ref = f"{entry_ref}/{n}"
        reference = tx_ref or entry_ref
        end_to_end = _text(details, "Refs/EndToEndId")
        if end_to_end == "NOTPROVIDED":
            end_to_end = ""
        label = _remittance(details) or _text(entry, "AddtlNtryInf")
        name = _party_name(details)
        iban = _text(details, "RltdPties/DbtrAcct/Id/IBAN").replace(" ", "").upper()
        key = line_key(
            account, reference, (booked.isoformat(), "C" if credit else "D", line_amount, end_to_end, label, name), seen
        )
        yield BankLine(here, credit, line_amount, booked, value, reference, end_to_end, label, name, iban, key)
    if several and total != amount:
        raise InvalidInput(
            f"{where} : les opérations de l'écriture groupée totalisent {format_amount(total)}, "
            f"l'écriture {format_amount(amount)}."
        )


def parse_camt053(data: bytes) -> BankFile:
    root, version = _camt_root(data)
    statements = []
    warnings = []
    entry_number = 0
    skipped = 0
    report_elements = _find_all(root, "BkToCstmrStmt/Stmt")
    if not report_elements:
        raise InvalidInput("Relevé CAMT.053 sans relevé de compte (aucun élément BkToCstmrStmt/Stmt).")
    for s, statement in enumerate(report_elements, start=1):
        where = f"Relevé {s}"
        account = _text(statement, "Acct/Id/IBAN").replace(" ", "").upper() or _text(statement, "Acct/Id/Othr/Id")
        currency = _text(statement, "Acct/Ccy")
        if currency and currency != CURRENCY:
            raise InvalidInput(f"{where} : compte en « {currency} » ; clerc n'accepte que les relevés en euros (EUR).")
        opening, closing = _camt_balances(statement, where)
        lines: list[BankLine] = []
        seen: dict[str, int] = {}
        for entry in statement.findall("Ntry"):
            entry_number += 1
            status = _text(entry, "Sts") or _text(entry, "Sts/Cd")
            if status and status != "BOOK":  # pending or informative: not money on the account yet
                skipped += 1
                continue
            lines.extend(_camt_entry(entry, f"Écriture {entry_number}", account, seen))
        period = statement.find("FrToDt")
        first = _iso_day(_text(period, "FrDtTm")) if period is not None else None
        last = _iso_day(_text(period, "ToDtTm")) if period is not None else None
        parsed = BankStatement(account, _text(statement, "Id"), opening, closing, first, last, tuple(lines))
        warning = _balance_warning(parsed, where)
        if warning:
            warnings.append(warning)
        statements.append(parsed)
    if skipped:
        warnings.append(f"{skipped} écriture(s) non comptabilisée(s) (statut autre que BOOK) ignorée(s).")
    return BankFile(CAMT, version, file_digest(data), tuple(statements), tuple(warnings))


def _iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


# --- CFONB 120 --------------------------------------------------------------------------------

# The amount's last character: its sign and its last digit (CFONB brochure, « montant »).
SIGNED_DIGITS = {
    **{ch: (1, digit) for digit, ch in enumerate("{ABCDEFGHI")},
    **{ch: (-1, digit) for digit, ch in enumerate("}JKLMNOPQR")},
}
RECORD_CODES = ("01", "04", "05", "07")
NAME_QUALIFIERS = ("NPY",)  # nom du payeur
LABEL_QUALIFIERS = ("LIB", "LCC", "LC2", "LCS", "RCN")  # libellés, référence du client
REFERENCE_QUALIFIERS = ("REF",)


def signed_amount(text: str, decimals: int, where: str) -> Decimal:
    """« 0000001234{ » with 2 decimals is +123,40; « 0000001234} » is −123,40."""
    if len(text) != 14 or not text[:13].isdigit() or text[13] not in SIGNED_DIGITS:
        raise InvalidInput(
            f"{where} : montant « {text} » illisible (13 chiffres puis un caractère de signe : "
            "« { » ou A à I pour un montant positif, « } » ou J à R pour un négatif)."
        )
    sign, digit = SIGNED_DIGITS[text[13]]
    return Decimal(sign * int(text[:13] + str(digit))).scaleb(-decimals).quantize(Decimal("0.01"))


def jjmmaa(text: str, where: str, what: str, *, required: bool = True) -> date | None:
    """JJMMAA; years 00–79 are 2000–2079, 80–99 are 1980–1999."""
    if not text.strip() and not required:
        return None
    if len(text) != 6 or not text.isdigit():
        raise InvalidInput(f"{where} : {what} « {text} » illisible (JJMMAA).")
    year = int(text[4:6])
    try:
        return date(2000 + year if year < 80 else 1900 + year, int(text[2:4]), int(text[0:2]))
    except ValueError:
        raise InvalidInput(f"{where} : {what} « {text} » n'existe pas.") from None


def _decimals(record: str, where: str) -> int:
    if not record[19].isdigit():
        raise InvalidInput(f"{where} : nombre de décimales « {record[19]} » illisible.")
    return int(record[19])


def _records(data: bytes) -> Iterator[tuple[int, str]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if len(lines) == 1 and len(lines[0]) > RECORD_LENGTH and len(lines[0]) % RECORD_LENGTH == 0:
        lines = [lines[0][i : i + RECORD_LENGTH] for i in range(0, len(lines[0]), RECORD_LENGTH)]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) != RECORD_LENGTH:
            raise InvalidInput(
                f"Ligne {number} : {len(line)} caractères au lieu de {RECORD_LENGTH} (format CFONB 120) ; "
                "le fichier est peut-être tronqué ou modifié. Rien n'a été importé."
            )
        yield number, line


@dataclass
class _Movement:
    number: int
    credit: bool
    amount: Decimal
    booked_on: date
    value_on: date | None
    label: str
    reference: str
    entry_number: str
    names: list[str]
    labels: list[str]
    references: list[str]


class _CfonbStatement:
    def __init__(self, account: str, opening: Decimal, first_day: date | None) -> None:
        self.account = account
        self.opening = opening
        self.first_day = first_day
        self.movements: list[_Movement] = []

    def close(self, closing: Decimal | None, last_day: date | None) -> BankStatement:
        seen: dict[str, int] = {}
        lines = []
        for m in self.movements:
            label = " ".join(part for part in (m.label, *m.labels) if part)
            end_to_end = m.references[0] if m.references else ""
            key = line_key(
                self.account,
                "",
                (m.booked_on.isoformat(), "C" if m.credit else "D", m.amount, m.entry_number, m.reference, label),
                seen,
            )
            lines.append(
                BankLine(
                    f"Ligne {m.number}",
                    m.credit,
                    m.amount,
                    m.booked_on,
                    m.value_on,
                    m.reference,
                    end_to_end,
                    label,
                    " ".join(m.names),
                    "",
                    key,
                )
            )
        span = "du " + (self.first_day.strftime("%d/%m/%Y") if self.first_day else "?")
        span += " au " + (last_day.strftime("%d/%m/%Y") if last_day else "?")
        return BankStatement(self.account, span, self.opening, closing, self.first_day, last_day, tuple(lines))


def parse_cfonb120(data: bytes) -> BankFile:
    statements: list[BankStatement] = []
    warnings: list[str] = []
    current: _CfonbStatement | None = None
    last: _Movement | None = None
    for number, record in _records(data):
        where = f"Ligne {number}"
        code = record[0:2]
        if code not in RECORD_CODES:
            raise InvalidInput(
                f"{where} : code d'enregistrement « {code} » inconnu (attendus : 01 ancien solde, 04 mouvement, "
                "05 complément, 07 nouveau solde)."
            )
        currency = record[16:19]
        if currency != CURRENCY:
            raise InvalidInput(
                f"{where} : devise « {currency.strip() or 'absente'} » refusée ; clerc n'accepte que les relevés "
                "en euros (EUR)."
            )
        account = " ".join((record[2:7], record[11:16], record[21:32].strip()))
        if code == "01":
            if current is not None:
                raise InvalidInput(f"{where} : ancien solde (01) avant le nouveau solde (07) du relevé précédent.")
            opening = signed_amount(record[90:104], _decimals(record, where), where)
            current = _CfonbStatement(account, opening, jjmmaa(record[34:40], where, "date", required=False))
            last = None
            continue
        if current is None:
            raise InvalidInput(f"{where} : enregistrement {code} hors d'un relevé (l'ancien solde 01 manque avant).")
        if account != current.account:
            raise InvalidInput(f"{where} : compte « {account} » différent de celui du relevé (« {current.account} »).")
        if code == "04":
            amount = signed_amount(record[90:104], _decimals(record, where), where)
            last = _Movement(
                number,
                amount > 0,
                abs(amount),
                jjmmaa(record[34:40], where, "date de comptabilisation"),  # type: ignore[arg-type]
                jjmmaa(record[42:48], where, "date de valeur", required=False),
                " ".join(record[48:79].split()),
                record[104:120].strip(),
                record[81:88].strip(),
                [],
                [],
                [],
            )
            current.movements.append(last)
        elif code == "05":
            if last is None:
                raise InvalidInput(f"{where} : complément (05) sans mouvement (04) avant lui.")
            qualifier, detail = record[45:48], " ".join(record[48:118].split())
            if qualifier in NAME_QUALIFIERS:
                last.names.append(detail)
            elif qualifier in REFERENCE_QUALIFIERS:
                last.references.append(detail)
            elif qualifier in LABEL_QUALIFIERS:
                last.labels.append(detail)
        else:  # 07
            closing = signed_amount(record[90:104], _decimals(record, where), where)
            statement = current.close(closing, jjmmaa(record[34:40], where, "date", required=False))
            warning = _balance_warning(statement, f"Relevé {len(statements) + 1} (ligne {number})")
            if warning:
                warnings.append(warning)
            statements.append(statement)
            current = None
            last = None
    if current is not None:
        raise InvalidInput(
            "Relevé CFONB incomplet : le nouveau solde (07) du dernier relevé manque ; le fichier est peut-être "
            "tronqué. Rien n'a été importé."
        )
    if not statements:
        raise InvalidInput("Le fichier ne contient aucun relevé CFONB 120.")
    return BankFile(CFONB, "CFONB 120", file_digest(data), tuple(statements), tuple(warnings))


# --- writing a CAMT.053 (the demonstration's day of payments, the tests' and the bench's files) -----


@dataclass(frozen=True)
class CamtCredit:
    amount: Decimal
    booked_on: date
    bank_reference: str
    end_to_end: str
    label: str
    debtor_name: str
    debtor_iban: str = ""


WRITTEN_VERSION = "08"


def write_camt053(
    account: str, identifier: str, received: list[CamtCredit] | tuple[CamtCredit, ...], *, opening: Decimal = Decimal(0)
) -> bytes:
    """A camt.053.001.08 statement of `received` only (booked, in euros), balances included: what a
    bank would send for a day of transfers received."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{WRITTEN_VERSION}"
    days = sorted(c.booked_on for c in received) or [date(2000, 1, 1)]
    document = ET.Element("Document", xmlns=ns)
    report = ET.SubElement(document, "BkToCstmrStmt")
    header = ET.SubElement(report, "GrpHdr")
    ET.SubElement(header, "MsgId").text = identifier
    ET.SubElement(header, "CreDtTm").text = f"{days[-1].isoformat()}T20:00:00"
    statement = ET.SubElement(report, "Stmt")
    ET.SubElement(statement, "Id").text = identifier
    period = ET.SubElement(statement, "FrToDt")
    ET.SubElement(period, "FrDtTm").text = f"{days[0].isoformat()}T00:00:00"
    ET.SubElement(period, "ToDtTm").text = f"{days[-1].isoformat()}T23:59:59"
    ET.SubElement(ET.SubElement(ET.SubElement(statement, "Acct"), "Id"), "IBAN").text = account
    total = sum((c.amount for c in received), Decimal(0))
    for code, amount, day in (("OPBD", opening, days[0]), ("CLBD", opening + total, days[-1])):
        balance = ET.SubElement(statement, "Bal")
        ET.SubElement(ET.SubElement(ET.SubElement(balance, "Tp"), "CdOrPrtry"), "Cd").text = code
        ET.SubElement(balance, "Amt", Ccy=CURRENCY).text = f"{abs(amount):.2f}"
        ET.SubElement(balance, "CdtDbtInd").text = "CRDT" if amount >= 0 else "DBIT"
        ET.SubElement(ET.SubElement(balance, "Dt"), "Dt").text = day.isoformat()
    for credit in received:
        entry = ET.SubElement(statement, "Ntry")
        ET.SubElement(entry, "Amt", Ccy=CURRENCY).text = f"{credit.amount:.2f}"
        ET.SubElement(entry, "CdtDbtInd").text = "CRDT"
        ET.SubElement(ET.SubElement(entry, "Sts"), "Cd").text = "BOOK"
        ET.SubElement(ET.SubElement(entry, "BookgDt"), "Dt").text = credit.booked_on.isoformat()
        ET.SubElement(ET.SubElement(entry, "ValDt"), "Dt").text = credit.booked_on.isoformat()
        ET.SubElement(entry, "AcctSvcrRef").text = credit.bank_reference
        details = ET.SubElement(ET.SubElement(entry, "NtryDtls"), "TxDtls")
        refs = ET.SubElement(details, "Refs")
        ET.SubElement(refs, "EndToEndId").text = credit.end_to_end or "NOTPROVIDED"
        ET.SubElement(details, "Amt", Ccy=CURRENCY).text = f"{credit.amount:.2f}"
        ET.SubElement(details, "CdtDbtInd").text = "CRDT"
        parties = ET.SubElement(details, "RltdPties")
        ET.SubElement(ET.SubElement(ET.SubElement(parties, "Dbtr"), "Pty"), "Nm").text = credit.debtor_name
        if credit.debtor_iban:
            ET.SubElement(ET.SubElement(ET.SubElement(parties, "DbtrAcct"), "Id"), "IBAN").text = credit.debtor_iban
        ET.SubElement(ET.SubElement(details, "RmtInf"), "Ustrd").text = credit.label
    body: bytes = ET.tostring(document, encoding="utf-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
