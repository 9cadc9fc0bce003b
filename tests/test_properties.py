"""Nothing is lost: on any text, kept and removed blocks give back the input's blocks in order."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import InputError, restore
from cleaner.segment import segment_text

LINES = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=80),
        st.sampled_from(["Leave a Reply", "Reuters", "• Works on TV", "More from Site", "Adblock Detected", ""]),
    ),
    max_size=25,
)
SEPARATORS = st.sampled_from(["\n", "\n\n", "\r\n", "\n \n"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=LINES, separator=SEPARATORS)
def test_clean_then_restore_gives_back_the_blocks(cleaner, lines, separator):
    text = separator.join(lines)
    try:
        result = cleaner.clean(text)
    except InputError:
        return  # refused as binary: reported, never silently dropped
    blocks = [b.text for b in segment_text(text).blocks]
    assert result.blocks == len(blocks)
    assert restore(result.text, result.to_dict()) == result.separator.join(blocks)
    assert [r.index for r in result.removed] == sorted(r.index for r in result.removed)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_any_bytes_give_a_result_or_a_clear_error(cleaner, data):
    try:
        result = cleaner.clean(data)
    except InputError as error:
        assert str(error)
    else:
        kept = len(result.text.split(result.separator)) if result.text else 0
        assert kept + len(result.removed) == result.blocks
