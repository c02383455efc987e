"""A creditor's file, row by row: which column is which field, and what a row means (pure).

The file is decoded and split elsewhere (services/imports.py); here are the fields an import
knows (`FIELDS`), the guess of a mapping from the header names (`guess_mapping`), how the bytes
of a CSV are decoded (`decode`) and split (`sniff_delimiter`), and `parse_row`, which turns the
cells of one row into an `ImportRow` or the list of its refusals, in French. Amounts and dates
go through rules/french.py, the SIREN and the postcode through rules/identifiers.py, every text
through rules/text.check_text: the same checks as the dossier form (services/dossier_form.py).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import lru_cache, partial
from itertools import chain
from operator import itemgetter
from typing import Any, Generic, NamedTuple, TypeVar

from clerc_tui.errors import InvalidInput
from clerc_tui.rules import identifiers
from clerc_tui.rules.french import format_date, format_integer, parse_amount, parse_date
from clerc_tui.rules.money import to_cents
from clerc_tui.rules.names import fold, person_name
from clerc_tui.rules.text import _BAD_LINE, SINGLE_LINE_MAX, check_text
from clerc_tui.rules.vocabulary import CIVILITIES, NATURES, TITLE_KINDS


# Field and Refusal are named tuples, not dataclasses, as ImportRow: the import's child process
# (services/import_worker.py) then never imports `dataclasses` and, through it, `inspect`, ast,
# dis and tokenize (~40 million instructions, a third of what the child imports).
class Field(NamedTuple):
    key: str
    label: str  # French, as the preview and the refusals say it
    headers: tuple[str, ...]  # header names that mean this field (folded: see `header_key`)
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field(
        "reference",
        "Référence du créancier",
        (
            "reference",
            "ref",
            "reference creancier",
            "reference client",
            "votre reference",
            "n dossier",
            "numero dossier",
            "numero de dossier",
            "reference dossier",
            "ref dossier",
            "id",
        ),
        required=True,
    ),
    Field("debtor_kind", "Type de débiteur", ("type", "type debiteur", "type de debiteur", "personne", "forme")),
    Field("civility", "Civilité", ("civilite", "civ", "titre de civilite")),
    Field("last_name", "Nom", ("nom", "nom debiteur", "nom du debiteur", "nom de famille", "debiteur")),
    Field("first_name", "Prénom", ("prenom", "prenom debiteur", "prenoms")),
    Field(
        "company_name",
        "Raison sociale",
        ("raison sociale", "societe", "denomination", "entreprise", "nom societe"),
    ),
    Field("siren", "SIREN", ("siren", "siret", "n siren", "numero siren")),
    Field("street", "Adresse", ("adresse", "rue", "voie", "adresse 1", "adresse1", "adresse postale")),
    Field("postcode", "Code postal", ("code postal", "cp", "codepostal", "cp debiteur")),
    Field("city", "Ville", ("ville", "commune", "localite")),
    Field("email", "Courriel", ("courriel", "email", "e mail", "mail", "adresse electronique")),
    Field("phone", "Téléphone", ("telephone", "tel", "portable", "mobile", "numero de telephone")),
    Field(
        "principal",
        "Principal",
        ("principal", "montant principal", "capital", "montant", "creance", "montant du", "principal du"),
        required=True,
    ),
    Field(
        "interest",
        "Intérêts échus",
        ("interets", "interets echus", "interets a date", "interets de retard", "interet"),
    ),
    Field("costs", "Frais", ("frais", "depens", "frais de procedure", "accessoires")),
    Field(
        "due_on",
        "Date de la créance",
        (
            "date",
            "date creance",
            "date de la creance",
            "echeance",
            "date echeance",
            "date d echeance",
            "date d exigibilite",
            "exigibilite",
            "date arrete",
        ),
    ),
    Field("title_kind", "Titre", ("titre", "type de titre", "titre executoire", "nature du titre")),
    Field("title_court", "Juridiction", ("juridiction", "tribunal")),
    Field("title_date", "Date du titre", ("date du titre", "date titre", "date jugement", "date de decision")),
    Field(
        "title_reference",
        "Référence du titre",
        ("reference du titre", "reference titre", "rg", "n rg", "numero rg", "numero du titre"),
    ),
    Field("nature", "Nature", ("nature", "nature creance", "nature de la creance", "type de creance")),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096)  # a file repeats its civilities, natures, titles: folded once each
def header_key(header: str) -> str:
    """« Réf. Dossier » → « ref dossier »: folded (accents, case), punctuation as spaces."""
    return _NOT_ALNUM.sub(" ", fold(header)).strip()


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """`{field: header}` for each field one of the headers names (the first such header);
    a header serves one field only."""
    keys = {header_key(h): h for h in reversed(headers) if h.strip()}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for item in FIELDS:
        for name in item.headers:
            header = keys.get(name)
            if header is not None and header not in used:
                mapping[item.key] = header
                used.add(header)
                break
    return mapping


def mapping_problems(mapping: dict[str, str], headers: list[str]) -> list[str]:
    """What keeps a mapping from being used on a file with these headers, in French."""
    problems = []
    present = set(headers)
    for key, header in mapping.items():
        if key not in FIELD_BY_KEY:
            problems.append(f"Champ « {key} » inconnu (champs : {', '.join(FIELD_BY_KEY)}).")
        elif header not in present:
            problems.append(f"{FIELD_BY_KEY[key].label} : colonne « {header} » absente du fichier.")
    for item in FIELDS:
        if item.required and item.key not in mapping:
            problems.append(f"{item.label} : aucune colonne (champ obligatoire).")
    if "last_name" not in mapping and "company_name" not in mapping:
        problems.append("Ni nom ni raison sociale : aucune colonne pour nommer le débiteur.")
    return problems


# --- bytes of a CSV -------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM says it (UTF-8, UTF-16); else UTF-8 if the bytes are valid UTF-8
    (accented text in another encoding almost never is); else Windows-1252, what French Excel
    writes (« CSV (séparateur : point-virgule) »). Bytes that are neither: InvalidInput."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise InvalidInput("Fichier UTF-16 illisible (octets incomplets).") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"Encodage non reconnu (ni UTF-8 ni Windows-1252 : octet 0x{data[error.start]:02X} "
            f"à la position {error.start + 1}). Enregistrez le fichier en « CSV UTF-8 »."
        ) from None


def sniff_delimiter(first_line: str) -> str:
    """`;`, `,` or tab: the one the header line holds most of, outside quotes (a header
    names at least two columns). French Excel writes `;`; « 1 234,56 » holds commas only
    in the rows, never in the header names."""
    outside = re.sub(r'"[^"]*"', "", first_line)
    counts = {sep: outside.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: counts[sep])
    if counts[best] == 0:
        raise InvalidInput(
            "Séparateur introuvable dans la ligne d'en-tête (point-virgule, virgule ou tabulation attendu)."
        )
    return best


def csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The data rows of a decoded CSV: (line number as a spreadsheet shows it, cells); the
    header line skipped, blank lines left out."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0  # the last row read whole: none yet, then the header
    try:
        next(reader, None)
        number = 1
        for number, cells in enumerate(reader, start=2):
            if any(map(str.strip, cells)):  # a cell not blank (no Python frame per cell)
                yield number, cells
    except csv.Error as error:  # the csv module's English words never reach the clerc
        # The row the unreadable one starts at, as the refusals name rows: where the csv module
        # gave up (`reader.line_num`) is thousands of lines further when a quote left open
        # swallowed them, and the clerc would look for the fault there.
        raise InvalidInput(_unreadable_csv(number + 1, str(error))) from None


def _unreadable_csv(line: int, error: str) -> str:
    if "field larger than field limit" in error:
        cause = (
            f"une cellule de plus de {format_integer(csv.field_size_limit())} caractères "
            '(un guillemet « " » ouvert et jamais fermé ?)'
        )
    else:
        cause = "une mise en forme CSV incorrecte"
    return f"Le fichier ne se lit pas à la ligne {line} : {cause}. Corrigez-le, puis recommencez."


# --- one row --------------------------------------------------------------------------


class ImportRow(NamedTuple):
    """A row that can become a dossier: texts checked, amounts in cents, dates parsed. (A named
    tuple: immutable as a frozen dataclass, made 7× faster, ~3 µs less a row.)"""

    line: int
    reference: str
    debtor_kind: str  # physique | morale
    civility: str
    last_name: str
    first_name: str
    company_name: str
    siren: str
    street: str
    postcode: str
    city: str
    email: str
    phone: str
    principal: int
    interest: int
    costs: int
    due_on: date | None
    title_kind: str
    title_court: str
    title_date: date | None
    title_reference: str
    nature: str
    display_name: str  # as lists show it (rules/names.person_name)
    search_name: str  # folded (rules/names.fold)


class Refusal(NamedTuple):
    line: int
    reference: str
    reason: str


_KINDS = {
    "physique": "physique",
    "p": "physique",
    "pp": "physique",
    "personne physique": "physique",
    "particulier": "physique",
    "morale": "morale",
    "m": "morale",
    "pm": "morale",
    "personne morale": "morale",
    "societe": "morale",
    "entreprise": "morale",
}
_CIVILITIES = {
    "m": "Monsieur",
    "mr": "Monsieur",
    "monsieur": "Monsieur",
    "mme": "Madame",
    "madame": "Madame",
    "mlle": "Madame",
    "mademoiselle": "Madame",
}
_TITLE_KINDS = (
    {header_key(label): key for key, label in TITLE_KINDS.items()}
    | {header_key(key): key for key in TITLE_KINDS if key}
    | {"injonction de payer": "ordonnance_ip", "ip": "ordonnance_ip", "oip": "ordonnance_ip"}
)
_NATURES = {header_key(label): key for key, label in NATURES.items()} | {header_key(key): key for key in NATURES}


def _choice(value: str, table: dict[str, str], label: str, allowed: Iterable[str]) -> str:
    found = table.get(header_key(value))
    if found is None:
        raise InvalidInput(f"{label} « {value} » non prévu ({', '.join(allowed)}).")
    return found


# « 1 234,56 », « 1234.56 », « 12 » once the spaces are gone: digits, then at most two decimals
# after one comma or dot. Read straight into cents (3× faster than Decimal, the import reads up
# to three amounts a row); anything else (« 1.234,56 », « 12 € », a typo) goes to
# rules/french.parse_amount, which accepts or refuses it as the form does.
_PLAIN_AMOUNT = re.compile(r"([0-9]{1,13})(?:[,.]([0-9]{1,2}))?")


def _cents(raw: str) -> int:
    plain = _PLAIN_AMOUNT.fullmatch(raw.replace(" ", "").replace("\u00a0", "").replace("\u202f", ""))
    if plain is None:
        return to_cents(parse_amount(raw))
    euros, decimals = plain.groups()
    return int(euros) * 100 + (int(decimals.ljust(2, "0")) if decimals else 0)


def _past(what: str, today: date) -> Callable[[str], date]:
    def parse(raw: str) -> date:
        value = parse_date(raw)
        if value > today:
            raise InvalidInput(f"{what} postérieure à aujourd'hui ({format_date(today)}).")
        if value.year < 1900:
            raise InvalidInput(f"année {value.year} improbable.")
        return value

    return parse


_KEYS = tuple(f.key for f in FIELDS)
T = TypeVar("T")


def _kind(raw: str) -> str:
    return _choice(raw, _KINDS, "Type de débiteur", ("physique", "morale"))


def _civility(raw: str) -> str:
    return _choice(raw, _CIVILITIES, "Civilité", CIVILITIES)


def _title_kind(raw: str) -> str:
    return _choice(raw, _TITLE_KINDS, "Titre", TITLE_KINDS)


def _nature(raw: str) -> str:
    return _choice(raw, _NATURES, "Nature", NATURES)


class _Repeated(Generic[T]):
    """A check of a value that a file repeats (dates, postcodes, civilities, natures, titles),
    done once per distinct value: its result, or its refusal, given again (a file of 100,000 rows
    holds a few thousand dates and postcodes)."""

    def __init__(self, parser: Callable[[str], T]):
        self.parser = parser
        self.seen: dict[str, T | InvalidInput] = {}

    def __call__(self, raw: str) -> T:
        found = self.seen.get(raw)
        if found is None:
            try:
                found = self.parser(raw)
            except InvalidInput as error:
                found = error
            if len(self.seen) < 50_000:
                self.seen[raw] = found
        if isinstance(found, InvalidInput):
            raise InvalidInput(found.message)
        return found


@lru_cache(maxsize=4)
def _parsers(
    today: date,
) -> tuple[
    _Repeated[str], _Repeated[str], _Repeated[str], _Repeated[date], _Repeated[str], _Repeated[date], _Repeated[str]
]:
    """The checks of repeated values for rows read on `today`, each with its memory of values."""
    return (
        _Repeated(_kind),
        _Repeated(_civility),
        _Repeated(identifiers.validate_postcode),
        _Repeated(parse_date),
        _Repeated(_title_kind),
        _Repeated(_past("date du titre", today)),
        _Repeated(_nature),
    )


def parse_row(line: int, cells: dict[str, str], today: date, *, stripped: bool = False) -> ImportRow | Refusal:
    """The row's cells by field (missing fields: ""), checked as the dossier form checks them;
    the refusal names every problem of the row. `stripped`: `cells` has every field, stripped
    (RowChecker's; the dictionary is then used as it is)."""
    values = cells if stripped else {key: (cells.get(key) or "").strip() for key in _KEYS}
    problems: list[str] = []
    try:  # the whole row at once; only a row with a bad character is checked field by field
        check_text(" ".join(values.values()), field="", max_len=SINGLE_LINE_MAX * len(values))
        if max(map(len, values.values())) > SINGLE_LINE_MAX:
            raise InvalidInput("")
    except InvalidInput:
        for key, raw in values.items():
            try:
                check_text(raw, field=FIELD_BY_KEY[key].label)
            except InvalidInput as error:
                problems.append(error.message)
                values[key] = ""
    kind_of, civility_of, postcode_of, date_of, title_of, title_date_of, nature_of = _parsers(today)

    def convert(key: str, parser: Callable[[str], T]) -> T | None:
        try:
            return parser(values[key])
        except InvalidInput as error:
            label = FIELD_BY_KEY[key].label
            said = label.casefold() in error.message[: len(label) + 12].casefold()
            problems.append(error.message if said else f"{label} : {error.message}")
            return None

    reference = values["reference"]
    if not reference and not problems:
        problems.append("Référence du créancier manquante.")
    last_name, company_name = values["last_name"], values["company_name"]
    if values["debtor_kind"]:
        kind = convert("debtor_kind", kind_of)
    else:
        kind = "morale" if company_name and not last_name else "physique"
    if kind == "physique" and not last_name:
        problems.append("Nom du débiteur manquant.")
    if kind == "morale" and not company_name:
        problems.append("Raison sociale du débiteur manquante.")
    # Each optional field converted only when filled (an empty one is "", 0 or None).
    civility = (convert("civility", civility_of) or "") if kind == "physique" and values["civility"] else ""
    siren = (convert("siren", _siren) or "") if values["siren"] else ""
    postcode = (convert("postcode", postcode_of) or "") if values["postcode"] else ""
    email = (convert("email", identifiers.validate_email) or "") if values["email"] else ""
    phone = (convert("phone", identifiers.validate_phone) or "") if values["phone"] else ""
    if values["principal"]:
        principal = convert("principal", _cents)
        if principal == 0:
            problems.append("Principal : le montant doit être supérieur à zéro.")
    else:
        principal = None
        problems.append("Principal manquant.")
    interest = (convert("interest", _cents) or 0) if values["interest"] else 0
    costs = (convert("costs", _cents) or 0) if values["costs"] else 0
    due_on = convert("due_on", date_of) if values["due_on"] else None
    title_kind = (convert("title_kind", title_of) or "") if values["title_kind"] else ""
    title_date = convert("title_date", title_date_of) if values["title_date"] else None
    nature = (convert("nature", nature_of) or "autre") if values["nature"] else "autre"
    if problems:
        return Refusal(line, reference, " ; ".join(problems))
    if kind == "morale":
        last_name = first_name = ""
        display = company_name
    else:
        first_name, company_name = values["first_name"], ""
        display = person_name(kind="physique", first_name=first_name, last_name=last_name)
    return ImportRow(
        line,
        reference,
        kind or "physique",
        civility,
        last_name,
        first_name,
        company_name,
        siren,
        values["street"],
        postcode,
        values["city"],
        email,
        phone,
        principal or 0,
        interest,
        costs,
        due_on,
        title_kind,
        values["title_court"],
        title_date,
        values["title_reference"],
        nature,
        display,
        fold(display),
    )


_FAIL = object()  # a conversion refused: the row goes through parse_row, which words it
_BAD_TEXT = _BAD_LINE.search


def _converted(column: list[str], parser: Callable[[str], object], default: object) -> tuple[list[Any], bool]:
    """`parser` of each filled cell of a column, once per distinct value; `default` for an
    empty cell (parse_row's: "", 0, None, « autre »), and for a falsy result too (parse_row's
    `convert(…) or default`, where the default is not None); _FAIL for a refused value. And
    whether any value was refused."""
    results: dict[str, object] = {"": default}
    failed = False
    for value in set(column):
        if value:
            try:
                result = parser(value)
            except InvalidInput:
                result = _FAIL
                failed = True
            results[value] = (result or default) if default is not None and default is not _FAIL else result
    return list(map(results.__getitem__, column)), failed


# Amounts as spreadsheets write them, with two decimals (« 1 234,56 », « 1234.56 »), once their
# spaces are gone, every one of a column at once: _cents gives int(digits without the comma).
_TWO_DECIMALS = re.compile(r"(?:[0-9]{1,13}[,.][0-9]{2}\n)*+[0-9]{1,13}[,.][0-9]{2}")


def _amounts(column: list[str], default: object) -> tuple[list[Any], bool]:
    """`_converted(column, _cents, default)`, without a call per value when every filled cell
    has two decimals (a value holding a line break is not such a cell: the count says so)."""
    values = list(set(column).difference(("",)))
    if values:
        plain = "\n".join(values).replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        if plain.count("\n") == len(values) - 1 and _TWO_DECIMALS.fullmatch(plain):
            cents = map(int, plain.replace(",", "").replace(".", "").split("\n"))
            results: dict[str, Any] = dict(zip(values, cents, strict=True))
            results[""] = default
            return list(map(results.__getitem__, column)), False
    return _converted(column, _cents, default)


# The usual shapes of a phone number and an e-mail address, which the form's rules
# (identifiers.validate_phone, validate_email) accept as they are: « 06 12 34 56 78 » or
# « 0612345678 » gives « 06 12 34 56 78 »; an address with a lower-case domain is kept as typed.
# Anything else goes through those rules.
_USUAL_PHONE = re.compile(r"0[1-9](?:[0-9]{8}|(?: [0-9]{2}){4})")
_USUAL_EMAIL = re.compile(
    r"[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*@[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*\.[a-z]{2,24}"
)
# The same shapes, every cell of a column at once (an empty cell too), where the form's rules give
# the cell back as it is: « 06 12 34 56 78 », an address with a lower-case domain of 64
# characters at most.
_AS_TYPED_PHONES = re.compile(r"(?:(?:0[1-9](?: [0-9]{2}){4})?\n)*+")
_AS_TYPED_EMAILS = re.compile(f"(?:(?:(?=[^\\n]{{1,64}}\\n){_USUAL_EMAIL.pattern})?\\n)*+")


def _as_typed(column: list[str], shapes: re.Pattern[str], parser: Callable[[str], object]) -> tuple[list[Any], bool]:
    """`_converted(column, parser, "")`: the column itself when every cell has one of `shapes`
    (one per line: a cell holding a line break is not one, the count says so)."""
    joined = "\n".join(column) + "\n"
    if joined.count("\n") == len(column) and shapes.fullmatch(joined):
        return column, False
    return _converted(column, parser, "")


def _phone(raw: str) -> str:
    if _USUAL_PHONE.fullmatch(raw):
        digits = raw.replace(" ", "")
        return f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:8]} {digits[8:]}"
    return identifiers.validate_phone(raw)


def _email(raw: str) -> str:
    if len(raw) <= 64 and _USUAL_EMAIL.fullmatch(raw):
        return raw
    return identifiers.validate_email(raw)


def _siren(raw: str) -> str:
    """A SIREN, or the SIREN of a SIRET (its first nine digits, once the SIRET is checked)."""
    digits = re.sub(r"[\s\u00a0\u202f]", "", raw)
    if len(digits) == 14:
        return identifiers.validate_siret(raw)[:9]
    return identifiers.validate_siren(raw)


_new_row = partial(tuple.__new__, ImportRow)  # an ImportRow of a tuple of its fields, without a call of Python


def duplicate_key(row: ImportRow) -> tuple[str, int, date | None]:
    """What makes two debts the same without a common reference: the debtor's folded name, the
    principal in cents, the date of the debt (docs/imports.md, « Doublons »)."""
    return row.search_name, row.principal, row.due_on


class RowChecker:
    """The rows of one file, each checked (`parse_row`) and against the rows before it
    (same reference, or same debtor, principal and date: « Doublon dans le fichier »).
    `columns`: (field, index of its cell) pairs."""

    def __init__(self, columns: list[tuple[str, int]], today: date):
        self.columns = columns
        self.today = today
        mapped = dict(columns)
        # Fields in FIELDS order: (index of its cell, or -1 when the file has no such column).
        self._indexes = [mapped.get(key, -1) for key in _KEYS]
        self.refs_seen: dict[str, int] = {}
        self.keys_seen: dict[tuple[str, int, date | None], int] = {}

    def check(self, line: int, cells: list[str]) -> ImportRow | Refusal:
        width = len(cells)
        values = dict(zip(_KEYS, [cells[i].strip() if -1 < i < width else "" for i in self._indexes], strict=True))
        return self._against_file(parse_row(line, values, self.today, stripped=True))

    def check_rows(self, rows: list[tuple[int, list[str]]]) -> list[ImportRow | Refusal]:
        """`check` of each row, in order, with the same verdicts, done column by column: each
        column's cells stripped in one pass, the text of all the rows checked at once, each
        conversion applied once per distinct value of its column (or to the whole column at
        once: amounts with two decimals, phones and e-mails as the form keeps them), the rows
        made from their columns, and checked against the file's earlier rows at once when none
        repeats another. A row this cannot accept as it is (a refusal to word, a long or hostile
        cell) goes through `parse_row`, which says why (tests/services/test_imports_checks.py
        compares both over 10,000 mutated rows, and each wrong cell alone)."""
        if not rows:
            return []
        count = len(rows)
        needed = max(self._indexes) + 1
        lines = list(map(itemgetter(0), rows))
        cells = [c if len(c) >= needed else c + [""] * (needed - len(c)) for _line, c in rows]
        by_index = list(zip(*cells, strict=False))  # the file's columns, up to the shortest row (`needed` at least)
        empty = [""] * count
        cols = [list(map(str.strip, by_index[i])) if i >= 0 else empty for i in self._indexes]
        slow: set[int] = set()  # rows left to parse_row
        try:
            check_text(" ".join(chain.from_iterable(cols)), field="", max_len=(SINGLE_LINE_MAX + 1) * 21 * count)
            hostile = False
        except InvalidInput:
            hostile = True
        for col in cols:
            if col is not empty and (hostile or max(map(len, col)) > SINGLE_LINE_MAX):
                slow.update(
                    j for j, value in enumerate(col) if len(value) > SINGLE_LINE_MAX or (hostile and _BAD_TEXT(value))
                )
        (reference, kind_raw, civility_raw, last_names, first_names, company_names, siren_raw, streets) = cols[:8]
        (postcode_raw, cities, email_raw, phone_raw, principal_raw, interest_raw, costs_raw, due_raw) = cols[8:16]
        title_raw, courts, title_date_raw, title_refs, nature_raw = cols[16:]
        kind_of, civility_of, postcode_of, date_of, title_of, title_date_of, nature_of = _parsers(self.today)
        converted = (
            (kinds := _converted(kind_raw, kind_of, None)),
            (civilities := _converted(civility_raw, civility_of, "")),
            (sirens := _converted(siren_raw, _siren, "")),
            (postcodes := _converted(postcode_raw, postcode_of, "")),
            (emails := _as_typed(email_raw, _AS_TYPED_EMAILS, _email)),
            (phones := _as_typed(phone_raw, _AS_TYPED_PHONES, _phone)),
            (principals := _amounts(principal_raw, _FAIL)),
            (interests := _amounts(interest_raw, 0)),
            (costs := _amounts(costs_raw, 0)),
            (dues := _converted(due_raw, date_of, None)),
            (titles := _converted(title_raw, title_of, "")),
            (title_dates := _converted(title_date_raw, title_date_of, None)),
            (natures := _converted(nature_raw, nature_of, "autre")),
        )
        for values, failed in converted:
            if failed:
                slow.update(j for j, value in enumerate(values) if value is _FAIL)
        amounts = principals[0]
        if principals[1] or "" in principal_raw or 0 in amounts:  # a principal refused, missing or zero
            slow.update(j for j, value in enumerate(amounts) if value is _FAIL or value == 0)
        if "" in reference:
            slow.update(j for j, value in enumerate(reference) if not value)
        # The debtor: its kind, as typed or from the names; a person's names, or a company's.
        if kind_raw is empty or not any(kind_raw):
            kinds_of = [
                "morale" if company and not last else "physique"
                for last, company in zip(last_names, company_names, strict=True)
            ]
        else:
            kinds_of = [
                kind if raw else ("morale" if company and not last else "physique")
                for kind, raw, last, company in zip(kinds[0], kind_raw, last_names, company_names, strict=True)
            ]
        people = [
            # rules/names.person_name; no name, no display: the row is left to parse_row (below)
            (last, first, "", civility, (f"{last.upper()} {first}" if first else last.upper()) if last else "")
            if kind == "physique"
            else ("", "", company, "", company)
            for kind, last, first, company, civility in zip(
                kinds_of, last_names, first_names, company_names, civilities[0], strict=True
            )
        ]
        lasts, firsts, companies, civility_of_kind, displays = zip(*people, strict=True)
        if "" in displays:  # a person without a name, a company without one (or a kind refused)
            slow.update(j for j, display in enumerate(displays) if not display)
        folded = {display: fold(display) for display in set(displays)}  # a file repeats its debtors' names
        searches = list(map(folded.__getitem__, displays))
        out: list[ImportRow | Refusal] = list(
            map(
                _new_row,
                zip(
                    lines,
                    reference,
                    kinds_of,
                    civility_of_kind,
                    lasts,
                    firsts,
                    companies,
                    sirens[0],
                    streets,
                    postcodes[0],
                    cities,
                    emails[0],
                    phones[0],
                    amounts,
                    interests[0],
                    costs[0],
                    dues[0],
                    titles[0],
                    courts,
                    title_dates[0],
                    title_refs,
                    natures[0],
                    displays,
                    searches,
                    strict=True,
                ),
            )
        )
        for j in slow:
            row = dict(zip(_KEYS, [col[j] for col in cols], strict=True))
            out[j] = parse_row(lines[j], row, self.today, stripped=True)
        refs_seen, keys_seen = self.refs_seen, self.keys_seen
        if not slow and len(set(reference)) == count and refs_seen.keys().isdisjoint(reference):
            keys = list(zip(searches, amounts, dues[0], strict=True))
            if len(set(keys)) == count and keys_seen.keys().isdisjoint(keys):
                refs_seen.update(zip(reference, lines, strict=True))
                keys_seen.update(zip(keys, lines, strict=True))
                return out
        return list(map(self._against_file, out))

    def _against_file(self, row: ImportRow | Refusal) -> ImportRow | Refusal:
        """The row against the rows of the file before it (same reference, same debt)."""
        if isinstance(row, Refusal):
            return row
        line = row.line
        first = self.refs_seen.get(row.reference)
        if first is not None:
            return Refusal(line, row.reference, f"Doublon dans le fichier : même référence qu'à la ligne {first}.")
        self.refs_seen[row.reference] = line
        key = duplicate_key(row)
        first = self.keys_seen.get(key)
        if first is not None:
            return Refusal(
                line,
                row.reference,
                f"Doublon dans le fichier : même débiteur, même principal et même date qu'à la ligne {first}.",
            )
        self.keys_seen[key] = line
        return row
