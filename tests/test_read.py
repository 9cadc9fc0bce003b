import codecs

import pytest

from cleaner.errors import InputError
from cleaner.read import decode, looks_like_html, to_text


def test_decode_encodings():
    assert decode("naïve café".encode("utf-8")) == "naïve café"
    assert decode("naïve café".encode("cp1252")) == "naïve café"
    assert decode(codecs.BOM_UTF16_LE + "hé".encode("utf-16-le")) == "hé"
    html = '<html><head><meta charset="iso-8859-1"></head><body>é</body></html>'.encode("latin-1")
    assert "é" in decode(html)


def test_binary_is_refused_with_a_reason():
    with pytest.raises(InputError, match="binary"):
        decode(b"\x00\x01\x02\x03 PNG")
    with pytest.raises(InputError, match="str or bytes"):
        to_text(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("other", ["a", "é", "\u20ac", "\U0001f600", "\x7f", "\t"])
def test_control_characters_are_counted_in_characters_not_bytes(other):
    # one control character in 100 is text, a little more is binary, whatever the other characters
    assert to_text(other * 990 + "\x01\x1b\x0e" * 3 + "\x1f") == other * 990 + "\x01\x1b\x0e" * 3 + "\x1f"
    with pytest.raises(InputError, match="control characters"):
        to_text(other * 989 + "\x01\x1b\x0e" * 3 + "\x1f\x08")


def test_html_detection():
    assert looks_like_html("<!DOCTYPE html><html><body></body></html>")
    assert looks_like_html("<div><p>a</p><p>b</p></div>")
    assert not looks_like_html("Prices <rose> 3% in May.\nNo markup here.")
