"""Bank statement files (rules/bank_formats.py): CAMT.053 and CFONB 120, well-formed and broken,
written here by the tests themselves (no sample from a bank is shipped)."""

from datetime import date
from decimal import Decimal as D

import pytest

from clerc_tui.errors import InvalidInput
from clerc_tui.rules import bank_formats as bf
from clerc_tui.rules.french import format_amount

NS2 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
NS8 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def camt(entries: str, *, ns: str = NS2, opening: str = "100.00", closing: str = "280.00", ccy: str = "EUR") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{ns}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-26T20:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-2026-11-26</Id>
      <FrToDt><FrDtTm>2026-11-26T00:00:00</FrDtTm><ToDtTm>2026-11-26T23:59:59</ToDtTm></FrToDt>
      <Acct><Id><IBAN>FR76 3000 4000 9900 0123 4567 815</IBAN></Id><Ccy>{ccy}</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-26</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-26</Dt></Dt></Bal>
      {entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()


ENTRY_V2 = """
      <Ntry>
        <Amt Ccy="EUR">150.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-26</Dt></BookgDt><ValDt><Dt>2026-11-27</Dt></ValDt>
        <AcctSvcrRef>BANKREF-1</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>E2E-1</EndToEndId></Refs>
          <AmtDtls><TxAmt><Amt Ccy="EUR">150.00</Amt></TxAmt></AmtDtls>
          <RltdPties><Dbtr><Nm>Hélène LEFÈVRE</Nm></Dbtr>
            <DbtrAcct><Id><IBAN>FR7630004000310001234567865</IBAN></Id></DbtrAcct></RltdPties>
          <RmtInf><Ustrd>DOSSIER 2026-000001</Ustrd><Ustrd>ECHEANCE NOV</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">20.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-26</Dt></BookgDt><AcctSvcrRef>BANKREF-2</AcctSvcrRef>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">50.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><DtTm>2026-11-26T10:12:00</DtTm></BookgDt><AcctSvcrRef>BANKREF-3</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RltdPties><Dbtr><Nm>SARL Conseil</Nm></Dbtr></RltdPties>
          <RmtInf><Strd><CdtrRefInf><Ref>2025-000042</Ref></CdtrRefInf></Strd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">999.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts>
        <BookgDt><Dt>2026-11-26</Dt></BookgDt>
      </Ntry>"""


def test_a_camt053_001_02_statement_is_read_entry_by_entry():
    parsed = bf.parse_bank_file(camt(ENTRY_V2))
    assert parsed.format == bf.CAMT and parsed.version == "camt.053.001.02"
    (statement,) = parsed.statements
    assert statement.account == "FR7630004000990001234567815"
    assert (statement.opening, statement.closing) == (D("100.00"), D("280.00"))
    assert statement.identifier == "STMT-2026-11-26"
    first, debit, third = statement.lines  # the pending entry is not read
    assert first.credit and first.amount == D("150.00")
    assert (first.booked_on, first.value_on) == (date(2026, 11, 26), date(2026, 11, 27))
    assert first.bank_reference == "BANKREF-1" and first.end_to_end == "E2E-1"
    assert first.label == "DOSSIER 2026-000001 ECHEANCE NOV"
    assert first.debtor_name == "Hélène LEFÈVRE" and first.debtor_iban == "FR7630004000310001234567865"
    assert first.where == "Écriture 1"
    assert not debit.credit and debit.amount == D("20.00")
    assert third.label == "2025-000042" and third.booked_on == date(2026, 11, 26)  # DtTm read as its day
    assert parsed.credits == (first, third)
    assert parsed.warnings == ("1 écriture(s) non comptabilisée(s) (statut autre que BOOK) ignorée(s).",)


def test_a_later_version_is_read_by_its_namespace_with_its_own_paths():
    entry = """<Ntry><Amt Ccy="EUR">180.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
      <BookgDt><Dt>2026-11-26</Dt></BookgDt><AcctSvcrRef>R8</AcctSvcrRef>
      <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><Amt Ccy="EUR">180.00</Amt>
      <RltdPties><Dbtr><Pty><Nm>Paul Martin</Nm></Pty></Dbtr></RltdPties>
      <RmtInf><Ustrd>loyer</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
    parsed = bf.parse_bank_file(camt(entry, ns=NS8))
    assert parsed.version == "camt.053.001.08"
    (line,) = parsed.lines
    assert (line.debtor_name, line.end_to_end, line.amount) == ("Paul Martin", "", D("180.00"))


def test_a_batch_entry_gives_one_line_per_transaction():
    entry = """<Ntry><Amt Ccy="EUR">180.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
      <BookgDt><Dt>2026-11-26</Dt></BookgDt><AcctSvcrRef>LOT-7</AcctSvcrRef>
      <NtryDtls>
        <TxDtls><Refs><AcctSvcrRef>LOT-7-A</AcctSvcrRef></Refs><Amt Ccy="EUR">100.00</Amt>
          <RltdPties><Dbtr><Nm>A</Nm></Dbtr></RltdPties><RmtInf><Ustrd>2026-000001</Ustrd></RmtInf></TxDtls>
        <TxDtls><Amt Ccy="EUR">80.00</Amt>
          <RltdPties><Dbtr><Nm>B</Nm></Dbtr></RltdPties><RmtInf><Ustrd>2026-000002</Ustrd></RmtInf></TxDtls>
      </NtryDtls></Ntry>"""
    a, b = bf.parse_bank_file(camt(entry)).lines
    assert (a.where, a.amount, a.bank_reference, a.label) == (
        "Écriture 1, opération 1",
        D("100.00"),
        "LOT-7-A",
        "2026-000001",
    )
    assert (b.where, b.amount, b.bank_reference) == ("Écriture 1, opération 2", D("80.00"), "LOT-7/2")
    bad = entry.replace('<TxDtls><Amt Ccy="EUR">80.00', '<TxDtls><Amt Ccy="EUR">70.00')
    with pytest.raises(
        InvalidInput,
        match=r"^Écriture 1 : les opérations de l'écriture groupée totalisent 170,00.€, l'écriture 180,00.€",
    ):
        bf.parse_bank_file(camt(bad))


def test_a_balance_that_does_not_match_the_movements_is_a_warning():
    parsed = bf.parse_bank_file(camt(ENTRY_V2, closing="300.00"))
    assert any(
        w.startswith(
            f"Relevé 1 : le solde final ({format_amount(D(300))}) ne correspond pas au solde initial "
            f"({format_amount(D(100))})"
        )
        and f"{format_amount(D(280))} attendu" in w
        for w in parsed.warnings
    )


def test_a_truncated_xml_file_is_refused_with_its_place():
    data = camt(ENTRY_V2)
    with pytest.raises(InvalidInput, match=r"^Relevé XML illisible \(tronqué ou mal formé\) ligne \d+, colonne \d+"):
        bf.parse_bank_file(data[: len(data) // 2])


@pytest.mark.parametrize(
    "where, text",
    [
        ("entry", '<Amt Ccy="USD">150.00</Amt>'),
        ("account", "<Ccy>USD</Ccy>"),
    ],
)
def test_a_currency_other_than_the_euro_is_refused_and_said(where, text):
    data = camt(ENTRY_V2).decode()
    data = (
        data.replace('<Amt Ccy="EUR">150.00</Amt>', text, 1)
        if where == "entry"
        else data.replace("<Ccy>EUR</Ccy>", text)
    )
    with pytest.raises(InvalidInput, match="clerc n'accepte que les relevés en euros") as refused:
        bf.parse_bank_file(data.encode())
    assert "USD" in refused.value.message
    assert refused.value.message.startswith("Écriture 1" if where == "entry" else "Relevé 1")


@pytest.mark.parametrize(
    "attack",
    [
        # External entity: would read a local file into the label.
        '<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        # Billion laughs: entity expansion.
        '<!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        "<!doctype Document>",
    ],
)
def test_a_doctype_or_entity_is_refused_before_parsing(attack):
    data = camt(ENTRY_V2).decode().replace("<Document", attack + "\n<Document", 1)
    data = data.replace("ECHEANCE NOV", "&x;")
    with pytest.raises(InvalidInput, match="déclaration de type de document"):
        bf.parse_bank_file(data.encode())


def test_other_xml_and_unknown_files_are_refused_in_french():
    with pytest.raises(InvalidInput, match=r"n'est pas un relevé CAMT.053"):
        bf.parse_bank_file(b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>')
    with pytest.raises(InvalidInput, match=r"^Format de relevé non reconnu"):
        bf.parse_bank_file(b"Date;Libelle;Montant\n")
    with pytest.raises(InvalidInput, match=r"^Le fichier est vide"):
        bf.parse_bank_file(b"\n  \n")
    with pytest.raises(InvalidInput, match=r"^Écriture 1 : sens \(CdtDbtInd\) « CREDIT » inconnu"):
        bf.parse_bank_file(camt(ENTRY_V2.replace("<CdtDbtInd>CRDT</CdtDbtInd>", "<CdtDbtInd>CREDIT</CdtDbtInd>", 1)))
    with pytest.raises(InvalidInput, match=r"^Écriture 1 : montant illisible \(« 1,50 »\)"):
        bf.parse_bank_file(camt(ENTRY_V2.replace(">150.00<", ">1,50<", 1)))


# --- CFONB 120 ----------------------------------------------------------------------------------


def record(
    code: str,
    *,
    amount: str = "0000000000000{",
    date_: str = "261126",
    label: str = "",
    value: str = "",
    qualifier: str = "",
    detail: str = "",
    decimals: str = "2",
    currency: str = "EUR",
    number: str = "",
) -> str:
    """One 120-character record, field by field at the brochure's positions."""
    line = [" "] * 120

    def put(start: int, text: str) -> None:  # 1-based position, as the brochure numbers them
        line[start - 1 : start - 1 + len(text)] = list(text)

    put(1, code)
    put(3, "30004")
    put(12, "00099")
    put(17, currency)
    put(20, decimals)
    put(22, "00012345678")
    put(35, date_)
    if code == "05":
        put(46, qualifier)
        put(49, detail[:70])
    else:
        put(43, value)
        put(49, label[:31])
        put(82, number)
        put(91, amount)
    return "".join(line)


def cfonb(*records: str, newline: str = "\r\n") -> bytes:
    return newline.join(records).encode("latin-1") + newline.encode()


def good_cfonb() -> list[str]:
    return [
        record("01", amount="0000000010000{", date_="251126"),  # +1 000,00
        record("04", amount="0000000001234{", label="VIR SEPA 2026-000001", value="271126", number="0000001"),
        record("05", qualifier="NPY", detail="MME LEFEVRE HELENE"),
        record("05", qualifier="LIB", detail="ECHEANCE NOVEMBRE"),
        record("04", amount="0000000000500}", label="FRAIS TENUE COMPTE", number="0000002"),  # −50,00
        record("04", amount="0000000001000A", label="VIR PAUL MARTIN", number="0000003"),  # +100,01
        record("07", amount="0000000010124A"),  # 1 012,41: not 1 000 + 123,40 − 50,00 + 100,01 (a warning)
    ]


def test_signed_amounts_code_the_sign_and_the_last_digit():
    assert bf.signed_amount("0000000001234{", 2, "Ligne 1") == D("123.40")
    assert bf.signed_amount("0000000001234}", 2, "Ligne 1") == D("-123.40")
    assert bf.signed_amount("0000000001234A", 2, "Ligne 1") == D("123.41")
    assert bf.signed_amount("0000000001234R", 2, "Ligne 1") == D("-123.49")
    assert bf.signed_amount("0000000001234I", 0, "Ligne 1") == D("12349.00")
    assert bf.signed_amount("0000000001234{", 3, "Ligne 1") == D("12.34")
    with pytest.raises(InvalidInput, match=r"^Ligne 4 : montant « 0000000001234X » illisible"):
        bf.signed_amount("0000000001234X", 2, "Ligne 4")
    with pytest.raises(InvalidInput, match="illisible"):
        bf.signed_amount("00000000012 4{", 2, "Ligne 4")


def test_a_cfonb_statement_is_read_with_its_complements():
    records = good_cfonb()
    records[-1] = record("07", amount="0000000011734A")  # 1 000 + 123,40 − 50,00 + 100,01 = 1 173,41
    parsed = bf.parse_bank_file(cfonb(*records))
    assert parsed.format == bf.CFONB and parsed.warnings == ()
    (statement,) = parsed.statements
    assert statement.account == "30004 00099 00012345678"
    assert (statement.opening, statement.closing) == (D("1000.00"), D("1173.41"))
    assert statement.first_day == date(2026, 11, 25)
    first, fee, second = statement.lines
    assert first.credit and first.amount == D("123.40") and first.where == "Ligne 2"
    assert first.booked_on == date(2026, 11, 26) and first.value_on == date(2026, 11, 27)
    assert first.label == "VIR SEPA 2026-000001 ECHEANCE NOVEMBRE"
    assert first.debtor_name == "MME LEFEVRE HELENE"
    assert not fee.credit and fee.amount == D("50.00")
    assert second.amount == D("100.01") and second.debtor_name == ""
    assert len({first.key, fee.key, second.key}) == 3


def test_a_cfonb_file_without_line_breaks_is_cut_in_records():
    records = good_cfonb()
    records[-1] = record("07", amount="0000000011734A")
    assert bf.parse_bank_file("".join(records).encode()).lines == bf.parse_bank_file(cfonb(*records)).lines


def test_a_wrong_cfonb_balance_is_a_warning():
    parsed = bf.parse_bank_file(cfonb(*good_cfonb()))
    (warning,) = parsed.warnings
    assert warning.startswith(f"Relevé 1 (ligne 7) : le solde final ({format_amount(D('1012.41'))}) ne correspond pas")
    assert f"{format_amount(D('1173.41'))} attendu" in warning


def test_a_line_of_the_wrong_length_is_refused_with_its_number():
    records = good_cfonb()
    records[3] = records[3][:118]
    with pytest.raises(InvalidInput, match=r"^Ligne 4 : 118 caractères au lieu de 120 \(format CFONB 120\)"):
        bf.parse_bank_file(cfonb(*records))


def test_an_unknown_record_code_is_refused():
    records = good_cfonb()
    records[2] = "03" + records[2][2:]
    with pytest.raises(InvalidInput, match=r"^Ligne 3 : code d'enregistrement « 03 » inconnu"):
        bf.parse_bank_file(cfonb(*records))


def test_a_cfonb_currency_other_than_the_euro_is_refused():
    records = good_cfonb()
    records[1] = record("04", amount="0000000001234{", currency="USD")
    with pytest.raises(
        InvalidInput, match=r"^Ligne 2 : devise « USD » refusée ; clerc n'accepte que les relevés en euros"
    ):
        bf.parse_bank_file(cfonb(*records))


def test_a_truncated_cfonb_file_and_other_breaks_are_refused():
    records = good_cfonb()
    with pytest.raises(InvalidInput, match=r"^Relevé CFONB incomplet : le nouveau solde"):
        bf.parse_bank_file(cfonb(*records[:-1]))
    with pytest.raises(InvalidInput, match=r"^Ligne 1 : enregistrement 04 hors d'un relevé"):
        bf.parse_bank_file(cfonb(*records[1:]))
    with pytest.raises(InvalidInput, match=r"^Ligne 2 : date de comptabilisation « 311126 » n'existe pas"):
        bf.parse_bank_file(cfonb(records[0], record("04", date_="311126"), records[-1]))
    with pytest.raises(InvalidInput, match=r"^Ligne 2 : nombre de décimales « x » illisible"):
        bf.parse_bank_file(cfonb(records[0], record("04", decimals="x"), records[-1]))
    with pytest.raises(InvalidInput, match=r"^Ligne 2 : complément \(05\) sans mouvement"):
        bf.parse_bank_file(cfonb(records[0], records[2], records[-1]))


def test_the_same_movement_has_the_same_key_in_two_files_and_twins_stay_two():
    twin = record("04", amount="0000000002000{", label="VIR DUPONT", number="0000009")
    one = bf.parse_bank_file(cfonb(record("01"), twin, twin, record("07", amount="0000000004000{")))
    other = bf.parse_bank_file(
        cfonb(record("01", amount="0000000004000{"), twin, twin, record("07", amount="0000000008000{"))
    )
    assert [line.key for line in one.lines] == [line.key for line in other.lines]
    assert len({line.key for line in one.lines}) == 2
