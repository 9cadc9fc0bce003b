from cleaner.segment import is_bullet, segment_parts, segment_text


def test_blank_line_separated_text_keeps_offsets():
    text = "Title\n\n\nFirst paragraph.\n\n  • a bullet\nlast"
    doc = segment_text(text)
    assert [b.text for b in doc.blocks] == ["Title", "First paragraph.", "• a bullet", "last"]
    assert all(text[b.start : b.end] == b.text for b in doc.blocks)
    assert [b.tag for b in doc.blocks] == ["p", "p", "li", "p"]
    assert doc.separator == "\n\n"


def test_single_newline_text_gets_single_separator():
    doc = segment_text("One line.\nTwo line.\nThree.\n")
    assert len(doc.blocks) == 3
    assert doc.separator == "\n"


def test_crlf_and_whitespace_only():
    assert [b.text for b in segment_text("a\r\nb\r\n").blocks] == ["a", "b"]
    assert segment_text(" \n\t\n").blocks == ()


def test_bullets_and_non_bullets():
    assert is_bullet("- item") and is_bullet("2) second") and is_bullet("✅ done")
    assert not is_bullet("-5 degrees") and not is_bullet("2020 was a year")


def test_parts_split_on_line_breaks_and_keep_tags():
    doc = segment_parts([("Head", "h"), ("a\nb", "p"), ("• x", "p")], metadata={"title": "T"})
    assert [(b.text, b.tag) for b in doc.blocks] == [("Head", "h"), ("a", "p"), ("b", "p"), ("• x", "li")]
    assert all(doc.text[b.start : b.end] == b.text for b in doc.blocks)
    assert dict(doc.metadata) == {"title": "T"}
