"""rules/import_rows.RowChecker.check_rows (column by column, what the import's child uses) gives
the verdicts of RowChecker.check (row by row through parse_row, the dossier form's rules) on rows
mutated every way a creditor's file goes wrong: the same rows, the same refusals, word for word."""

import random
from datetime import date

import pytest

from clerc_tui.rules.identifiers import luhn_check_digit
from clerc_tui.rules.import_rows import (
    _AS_TYPED_EMAILS,
    _AS_TYPED_PHONES,
    _FAIL,
    FIELDS,
    RowChecker,
    _amounts,
    _as_typed,
    _cents,
    _converted,
    _email,
    _phone,
)

TODAY = date(2026, 12, 6)
KEYS = [f.key for f in FIELDS]
NAMES = ("Martin", "Lefèvre", "Müller", "O'Brien", "Nguyễn", "DURAND", "de la Tour", "ß-Straße")
MUTATIONS = {
    "reference": ("", "A-1", " R-7 ", "R\x1b[31m", "=cmd|' /C calc'!A0"),
    "debtor_kind": ("", "P", "M", "société", "personne physique", "robot", "PM"),
    "civility": ("", "M.", "Mme", "Dr", "mademoiselle", "MONSIEUR"),
    "last_name": ("", "x" * 201, "Dupont\u202e", "[red]Rouge[/]", " Martin ", "éLodie"),
    "first_name": ("", "Zoé", "x" * 200, "Jean\x00"),
    "company_name": ("", "SARL Dupont", "x" * 201, "Ü GmbH"),
    "siren": ("", "732829320", "732 829 320", "732829321", "73282932000074", "73282932000075", "000000000", "12"),
    "street": ("", "1 rue de la Paix", "rue\tB", "x" * 201),
    "postcode": ("", "96000", "1000", "75 002", "2A004", "00000", "97400", "98000", "57000"),
    "city": ("", "Metz", "Saint-Denis"),
    "email": (
        "",
        "a@b",
        "Jean.Dupont@Orange.FR",
        "x@y.fr.",
        "a..b@c.fr",
        "a@-b.fr",
        "a b@c.fr",
        "a_b-c@d-e.f-g.com",
        "a@b.c",
        "a@b.123",
        "é@exemple.fr",
        "a@exé.fr",
        "-a@b.fr",
        "a@b_c.fr",
        ("x" * 60) + "@exemple.fr",
    ),
    "phone": (
        "",
        "+33 6 12 34 56 78",
        "06.12.34.56.78",
        "0612",
        "+262 692 12 34 56",
        "00 44 20 1234 5678",
        "06 12 34 56 78",
        "0012345678",
        "06  12 34 56 78",
        "０６１２３４５６７８",
        "0612345678",
        "+33 (0)1 23 45 67 89",
    ),
    "principal": ("", "12,5O", "0", "0,00", "-5", "1.234,56", "1 234,56 €", "1234.5", "١٢٣", "9" * 14, "12,345"),
    "interest": ("", "0", "abc", "3,5", "1 000"),
    "costs": ("", "0,00", "x", "15"),
    "due_on": ("", "31/02/2024", "2027-01-01", "01/01/1850", "2024-03-05", "5/3/2024", "2026-12-07", "demain"),
    "title_kind": ("", "Jugement", "acte_notarie", "ip", "inconnu"),
    "title_court": ("", "TJ de Paris", "TJ\x07"),
    "title_date": ("", "15/01/2024", "01/01/2030", "31/12/1899", "x"),
    "title_reference": ("", "24/00001"),
    "nature": ("", "Loyers", "pension_alimentaire", "Crédit", "inconnue"),
}


def base_row(rng: random.Random, i: int) -> list[str]:
    company = i % 5 == 0
    eight = f"{rng.randrange(10**7, 10**8)}"
    cells = {
        "reference": f"R-{i}",
        "debtor_kind": "",
        "civility": "" if company else rng.choice(("M.", "Mme")),
        "last_name": "" if company else rng.choice(NAMES),
        "first_name": "" if company else rng.choice(("Jean", "Zoé", "")),
        "company_name": f"SARL {rng.choice(NAMES)} {i}" if company else "",
        "siren": eight + luhn_check_digit(eight) if company else "",
        "street": f"{i} rue X",
        "postcode": rng.choice(("75011", "57000", "97400", "20000")),
        "city": "Ville",
        "email": f"client.{i}@exemple.fr" if i % 3 else "",
        "phone": f"06 {i % 90 + 10} 12 34 56" if i % 3 else "",
        "principal": f"{rng.randint(1, 99_999)},{rng.randint(0, 99):02d}",
        "interest": "12,00" if i % 3 == 0 else "",
        "costs": "3" if i % 3 == 0 else "",
        "due_on": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2025",
        "title_kind": "Jugement" if i % 4 == 0 else "",
        "title_court": "TJ de Paris" if i % 4 == 0 else "",
        "title_date": "15/01/2024" if i % 4 == 0 else "",
        "title_reference": f"24/{i:05d}" if i % 4 == 0 else "",
        "nature": "Loyers",
    }
    return [cells[key] for key in KEYS]


def mutated_rows(seed: int, count: int) -> list[tuple[int, list[str]]]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        cells = base_row(rng, i)
        cut = False
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            what = rng.random()
            if what < 0.75:
                field = rng.randrange(len(KEYS))
                cells[field] = rng.choice(MUTATIONS[KEYS[field]])
            elif what < 0.85 and rows:  # the same reference, or the same debt, as an earlier row
                earlier = rng.choice(rows)[1]
                for field in (0,) if rng.random() < 0.5 else (1, 2, 3, 4, 5, 12, 15):
                    cells[field] = earlier[field]
            elif what < 0.95:  # a row cut short (in the file's column order: see the test)
                cut = True
            else:  # a cell moved to another column
                a, b = rng.randrange(len(KEYS)), rng.randrange(len(KEYS))
                cells[a] = cells[b]
        rows.append((i + 2, cells, rng.randrange(len(cells)) if cut else len(cells)))
    return rows


@pytest.mark.parametrize("seed", [1, 2])
def test_column_checks_give_the_row_checks_verdicts_on_5000_mutated_rows(seed):
    """5,000 rows a seed (20,000 until issue 11). Of 35 faults put by hand in check_rows and its
    conversions, the 17 that 20,000 rows caught on both seeds, 500 rows catch too (the rows cut
    short included, which only this test makes). An 18th was caught at 20,000 on one seed, by
    luck: a zero principal in a small chunk where no other principal is refused or missing; the
    test of each wrong cell alone in a chunk of good rows catches it every time."""
    rows = mutated_rows(seed, 5_000)
    # The file's columns in another order than the fields' (file column p holds field order[p]);
    # the second file has no column for one field.
    order = list(range(len(KEYS)))
    random.Random(seed).shuffle(order)
    columns = [(KEYS[field], p) for p, field in enumerate(order) if KEYS[field] != "title_reference" or seed == 1]
    shuffled = [(line, [cells[field] for field in order][:width]) for line, cells, width in rows]
    by_row, by_column = RowChecker(columns, TODAY), RowChecker(columns, TODAY)
    expected = [by_row.check(line, cells) for line, cells in shuffled]
    got = []
    rng, start = random.Random(seed), 0
    while start < len(shuffled):
        size = rng.choice((1, 7, 250, 1_000, 4_000))
        got += by_column.check_rows(shuffled[start : start + size])
        start += size
    refused = sum(1 for r in expected if not hasattr(r, "search_name"))
    assert 0.2 * len(rows) < refused < 0.8 * len(rows)  # both verdicts well represented
    assert got == expected


# Cells that pass as they are, or that the column-wide conversions must send back to the rules one
# by one (another shape, a line break inside a cell, spaces of every kind, too many digits).
AMOUNTS = (
    "12,50",
    "1 234,56",
    "1\u00a0234.56",
    "1\u202f234,56",
    "12",
    "12,5",
    "9" * 13 + ",99",
    "9" * 14 + ",99",
    "12,5O",
    "0,00",
    "1.234,56",
    "12,00\n13,00",
    "\n",
    "12,345",
    "-5,00",
    " 7,00",
)
PHONES = (
    "06 12 34 56 78",
    "0612345678",
    "06 12 34 56 7",
    "06 12 34 56 78\n06 12 34 56 78",
    "+33 6 12 34 56 78",
    "00 12 34 56 78",
    "06.12.34.56.78",
    "\n",
)
EMAILS = (
    "a@b.fr",
    "Jean.Dupont@orange.fr",
    "Jean.Dupont@Orange.FR",
    ("x" * 58) + "@b.fr",
    ("x" * 59) + "@b.fr",
    "a@b.fr\nc@d.fr",
    "a..b@c.fr",
    "é@exemple.fr",
    "a@b",
    "\n",
)


@pytest.mark.parametrize("seed", range(60))
def test_whole_column_conversions_give_the_per_value_results(seed):
    """_amounts and _as_typed (a whole column at once when every cell allows it) give what
    _converted gives calling the form's rules on each value, refusals included."""
    rng = random.Random(seed)

    def column(cells, plain):
        """Cells of the usual shape and empty ones; then one other cell among them (a third of the
        seeds, each other cell in turn), or many (another third)."""
        out = ["" if rng.random() < 0.3 else rng.choice(plain) for _ in range(rng.randint(1, 60))]
        if seed % 3 == 1:
            out[rng.randrange(len(out))] = cells[seed // 3 % len(cells)]
        elif seed % 3 == 2:
            out = [rng.choice(cells) if rng.random() < 0.3 else cell for cell in out]
        return out

    amounts = column(AMOUNTS, [f"{rng.randint(0, 10**6)},{rng.randint(0, 99):02d}" for _ in range(5)])
    for default in (_FAIL, 0):
        assert _amounts(amounts, default) == _converted(amounts, _cents, default)
    phones = column(PHONES, [f"0{rng.randint(1, 9)} 12 34 56 {rng.randint(10, 99)}" for _ in range(5)])
    assert _as_typed(phones, _AS_TYPED_PHONES, _phone) == _converted(phones, _phone, "")
    emails = column(EMAILS, [f"client.{rng.randint(1, 99)}@exemple-{rng.randint(1, 9)}.fr" for _ in range(5)])
    assert _as_typed(emails, _AS_TYPED_EMAILS, _email) == _converted(emails, _email, "")


@pytest.mark.parametrize("seed", [3, 4])
def test_clean_files_with_repeated_rows_get_the_row_checks_verdicts(seed):
    """Files as creditors send them, few rows wrong: chunks that the column checks accept whole
    (rows made from their columns, checked against the earlier rows at once) and rows repeating
    a reference or a debt of an earlier chunk or of the same one."""
    rng = random.Random(seed)
    rows = []
    for i in range(6_000):
        cells = base_row(rng, i)
        what = rng.random()
        if what < 0.02 and rows:
            cells[0] = rng.choice(rows)[1][0]  # the same reference
        elif what < 0.04 and rows:
            earlier = rng.choice(rows)[1]
            for field in (1, 2, 3, 4, 5, 12, 15):  # the same debt
                cells[field] = earlier[field]
        elif what < 0.05:
            field = rng.randrange(len(KEYS))
            cells[field] = rng.choice(MUTATIONS[KEYS[field]])
        rows.append((i + 2, cells))
    columns = [(key, p) for p, key in enumerate(KEYS)]
    by_row, by_column = RowChecker(columns, TODAY), RowChecker(columns, TODAY)
    expected = [by_row.check(line, cells) for line, cells in rows]
    got, start = [], 0
    while start < len(rows):
        size = rng.choice((1, 30, 256, 1_000))
        got += by_column.check_rows(rows[start : start + size])
        start += size
    assert 0 < sum(1 for r in expected if not hasattr(r, "search_name")) < 0.2 * len(rows)
    assert got == expected


def test_each_wrong_cell_alone_in_a_chunk_of_good_rows_gets_the_row_checks_verdict():
    """Every mutation of every field, alone in a chunk of good rows (the column checks accept
    the rest of the chunk whole: the wrong cell must still be found), also at the chunk's ends."""
    rng = random.Random(5)
    columns = [(key, p) for p, key in enumerate(KEYS)]
    by_row, by_column = RowChecker(columns, TODAY), RowChecker(columns, TODAY)
    line = 2
    for field, key in enumerate(KEYS):
        for value in MUTATIONS[key]:
            chunk = []
            for _ in range(rng.choice((1, 2, 12))):
                chunk.append((line, base_row(rng, line)))
                line += 1
            chunk[rng.randrange(len(chunk))][1][field] = value
            expected = [by_row.check(number, cells) for number, cells in chunk]
            assert by_column.check_rows(chunk) == expected, (key, value)


def test_a_file_the_csv_reader_refuses_is_said_in_french_with_its_line():
    """The csv module's own error (a cell past its size limit: an unclosed quote swallows the rest
    of the file) reached the clerc as « Erreur inattendue » (dry run) or in English (import)."""
    from clerc_tui.errors import InvalidInput
    from clerc_tui.rules.import_rows import csv_rows

    text = f"reference;nom\nX1;DUPONT\nX2;{'A' * 200_000}\n"
    said = "Le fichier ne se lit pas à la ligne 3 : une cellule de plus de 131\u00a0072 caractères"
    with pytest.raises(InvalidInput, match=said):
        list(csv_rows(text, ";"))
    # A quote left open on row 3 swallows the rows after it: the csv module gives up ~9,000 lines
    # further, but the row to fix is the one where the quote opens.
    rows = "".join(f"Y{i};DURAND{i}\n" for i in range(20_000))
    with pytest.raises(InvalidInput, match=r"^Le fichier ne se lit pas à la ligne 3 : "):
        list(csv_rows(f'reference;nom\nX1;DUPONT\nX2;"DUPUIS\n{rows}', ";"))
