"""SMS length (3GPP TS 23.038): encoding, units and segments, and the transliteration offer."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerc_tui.rules.sms import (
    GSM_7,
    GSM_BASIC,
    GSM_EXTENSION,
    UCS_2,
    gsm_transliteration,
    length_summary,
    segments,
)


def test_the_default_alphabet_has_127_characters_and_the_extension_ten():
    # 128 codes, 0x1B being the escape to the extension table (TS 23.038 § 6.2.1).
    assert len(GSM_BASIC) == 127
    assert set("\f^{}\\[~]|€") == GSM_EXTENSION
    assert not GSM_BASIC & GSM_EXTENSION


@pytest.mark.parametrize(
    "text, encoding, chars, count, per_segment",
    [
        ("", GSM_7, 0, 0, 160),
        ("a" * 160, GSM_7, 160, 1, 160),
        ("a" * 161, GSM_7, 161, 2, 153),
        ("a" * 306, GSM_7, 306, 2, 153),
        ("a" * 307, GSM_7, 307, 3, 153),
        # é, è, à, ù, É and Ç are in the default alphabet: one septet, still 160 per SMS.
        ("é" * 160, GSM_7, 160, 1, 160),
        ("Échéance réglée à Paris, où ? Ç" * 2, GSM_7, 62, 1, 160),
        # € is in the extension table: two septets.
        ("€" * 80, GSM_7, 160, 1, 160),
        ("€" * 81, GSM_7, 162, 2, 153),
        ("a" * 159 + "€", GSM_7, 161, 2, 153),
        # An escape pair is never split: 152 + € fills the first part, the next char opens a second.
        ("a" * 152 + "€" + "a" * 153, GSM_7, 307, 3, 153),
        # One ê (or ç, œ, ’) turns the whole message into UCS-2.
        ("ê" * 70, UCS_2, 70, 1, 70),
        ("ê" * 71, UCS_2, 71, 2, 67),
        ("a" * 69 + "ê", UCS_2, 70, 1, 70),
        ("a" * 70 + "ç", UCS_2, 71, 2, 67),
        ("a" * 134, GSM_7, 134, 1, 160),
        ("ê" * 134, UCS_2, 134, 2, 67),
        ("ê" * 135, UCS_2, 135, 3, 67),
        # Outside the BMP: a surrogate pair, two units, never split between parts.
        ("😀" * 35, UCS_2, 70, 1, 70),
        ("😀" * 36, UCS_2, 72, 2, 67),
        ("a" * 66 + "😀" + "a" * 67, UCS_2, 135, 3, 67),
    ],
)
def test_boundaries(text, encoding, chars, count, per_segment):
    length = segments(text)
    assert (length.encoding, length.chars, length.segments, length.per_segment) == (
        encoding,
        chars,
        count,
        per_segment,
    )


def test_offending_characters_are_named_once_in_order():
    length = segments("Votre échéance : ça fait 12\u00a0€ — merci, à bientôt ça")
    assert length.encoding == UCS_2
    assert length.offending_chars == ("ç", "\u00a0", "—", "ô")


@given(st.text(max_size=800))
def test_the_segments_always_hold_the_text(text):
    length = segments(text)
    assert length.segments * length.per_segment >= length.chars
    assert length.remaining >= 0
    if length.encoding == GSM_7:
        assert all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text)
        assert length.chars == len(text) + sum(ch in GSM_EXTENSION for ch in text)
    else:
        assert length.offending_chars
        assert length.chars == len(text.encode("utf-16-le")) // 2
    # Packing without splitting a character costs at most one part more than the plain division.
    if length.segments > 1:
        assert math.ceil(length.chars / length.per_segment) <= length.segments
        assert length.segments <= math.ceil(length.chars / length.per_segment) + 1


@given(st.text(alphabet=sorted(GSM_BASIC), min_size=1, max_size=1000))
def test_basic_alphabet_texts_follow_the_plain_division(text):
    length = segments(text)
    expected = 1 if len(text) <= 160 else math.ceil(len(text) / 153)
    assert (length.encoding, length.segments) == (GSM_7, expected)


def test_transliteration_is_an_offer_that_keeps_the_gsm_letters():
    text = "Échéance : « 12\u00a0€ » dûs — c’est bientôt, ça coûte. Œuvre. 😀"
    offered = gsm_transliteration(text)
    assert offered == 'Échéance : " 12 € " dus - c\'est bientot, ca coute. OEuvre. 😀'
    # The emoji has no GSM form: the offer is still UCS-2 and says why.
    assert segments(offered).offending_chars == ("😀",)
    plain = gsm_transliteration(text[:-2])
    assert segments(plain).encoding == GSM_7
    # Nothing changes a text already in the alphabet.
    assert gsm_transliteration("Déjà payé : 10 € [réf. 12]") == "Déjà payé : 10 € [réf. 12]"


def test_summary_says_why_ucs2():
    assert length_summary(segments("")) == "Message vide : aucun SMS."
    assert length_summary(segments("Bonjour")) == "1 SMS · 7/160 caractères (alphabet GSM)"
    summary = length_summary(segments("Tête" * 20))
    assert summary.startswith("2 SMS de 67 caractères · 80 caractères · encodage UCS-2")
    assert summary.endswith("à cause de « ê »")
    assert "« espace insécable »" in length_summary(segments("12\u00a0€"))
    many = length_summary(segments("êâîôûç"))
    assert many.endswith("… (6 caractères)")
