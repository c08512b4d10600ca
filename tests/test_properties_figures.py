"""Properties of the figure parser on arbitrary text and on text built from its own vocabulary."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kzunrest import codebook as codebook_module
from kzunrest.figures import _parse, find_figures, has_number, lexicon

CODEBOOK = codebook_module.load()
QUALIFIERS = set(CODEBOOK.qualifiers)
UNITS = set(CODEBOOK.units)
SHAPES = {  # which bounds each qualifier sets (taxonomy.yaml)
    "exact": (True, True),
    "about": (True, True),
    "vague": (True, True),
    "at_least": (True, False),
    "more_than": (True, False),
    "up_to": (False, True),
}

# Words the parser reacts to, so generated sentences reach its branches (bounds, ranges, units,
# dates, references, changes) instead of only its prefilter.
_WORDS = """
    0 1 7 16 17 31 70 100 2011 4400 4,400 1,500 0.21 7.5 1/2 ½ 24/7 10:30
    one two sixteen seventy hundred thousand million dozen dozens hundreds thousands
    a an and or to from between life half another more than at least over up as high some about
    nearly estimated or so plus odd - – , . ; : ( ) [ ] “ ” " ' % $ £ + # No. Article aged
    people troops members of the security forces outlets percent tenge per litre gas years
    days week two-week year-old old killed were died dead December May January th st s
    in since of and Dec. 1991 2011 16 31 troops or so
"""
VOCABULARY = _WORDS.split()
words = st.lists(st.sampled_from(VOCABULARY), max_size=25)
joined = st.tuples(words, st.lists(st.sampled_from([" ", "", "  ", "\n", "-"]), min_size=1)).map(
    lambda pair: "".join(w + pair[1][i % len(pair[1])] for i, w in enumerate(pair[0]))
)
texts = st.one_of(st.text(max_size=300), joined)


def check(text: str) -> None:
    found = find_figures(text)
    assert [f.start for f in found] == sorted(f.start for f in found)
    for f in found:
        assert 0 <= f.start < f.end <= len(text)
        assert f.qualifier in QUALIFIERS
        assert f.unit is None or f.unit in UNITS
        assert f.role in (None, "from", "to")
        has_low, has_high = SHAPES[f.qualifier]
        assert (f.value_low is not None) == has_low, f
        assert (f.value_high is not None) == has_high, f
        if f.value_low is not None and f.value_high is not None:
            assert f.value_low <= f.value_high


@settings(max_examples=400, deadline=None)
@given(texts)
def test_find_figures_never_raises_and_keeps_its_contract(text):
    check(text)


@settings(max_examples=300, deadline=None)
@given(joined)
def test_the_prefilter_never_hides_a_figure(text):
    """Every figure the full parser finds is in a sentence the prefilter lets through."""
    if _parse(text, lexicon()):
        assert has_number(text)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_same_text_same_figures(text):
    assert find_figures(text) == find_figures(text)
