"""Properties of the sentence splitter and the extractor on arbitrary text (Hypothesis).

Whatever the text: nothing raises, every offset lies within the text, every quote equals the
text at its span, and value_low <= value_high. The texts mix arbitrary Unicode with the seed
articles' own sentences and phrases that trigger the codebook's patterns and figures, so the
extractor's real paths run, not just its early exits. (Figure parsing on its own has its
properties in tests/test_properties_figures.py.)
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzunrest import codebook as codebook_module
from kzunrest import extract, ingest

SEEDS = ingest.Path(__file__).resolve().parents[1] / "seeds"

PHRASES = [
    "Police opened fire on demonstrators in Zhanaozen on 16 December 2011.",
    "At least 17 people were killed, officials said.",
    "Human rights groups said as many as 70 died.",
    "Between 10 and 20 protesters were detained;",
    "hundreds of oil workers went on strike in May 2011",
    "The workers demanded higher wages and the right to form independent unions.",
    "On 2 January 2022 the price of liquefied gas doubled to 120 tenge per litre.",
    "Tokayev ordered troops to shoot without warning.",
    "A state of emergency was declared until 5 January.",
    "The government resigned.",
    "“We will not go,” a striker said.",
    "1.",
    "•",
    "(Photo: Serik)",
    "Dec. 16",
    "U.K.-based",
    "no fewer than 225",
    "more than 10,000 people were detained",
    "2011-12-16",
    "16–17 December",
]
SEED_SENTENCES = [
    s.strip()
    for path in sorted(SEEDS.glob("*.txt"))
    for s in re.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8"))
    if 10 < len(s.strip()) < 400
]
SEPARATORS = [
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\t",
    ". ",
    "\u00a0",
    "\u2028",
    "\u200b",
    "",
    "; ",
    "\x1b[0m",
    "\f",
]

# Arbitrary Unicode (no surrogates), and pieces of real articles in any order with any glue.
anything = st.text(max_size=300)
pieces = st.lists(
    st.one_of(
        st.sampled_from(PHRASES),
        st.sampled_from(SEED_SENTENCES),
        st.text(max_size=30),
        st.from_regex(r"[0-9]{1,6}([.,][0-9]{1,3})?", fullmatch=True),
    ),
    max_size=12,
)
article_like = st.builds(
    lambda parts, glue: "".join(p + glue[i % len(glue)] for i, p in enumerate(parts)),
    pieces,
    st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=4),
)
texts = st.one_of(anything, article_like)

CODEBOOK = codebook_module.load()  # not a fixture: Hypothesis would print it with every example
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_spans(text: str, spans: list[tuple[int, int]]) -> None:
    previous_end = 0
    for start, end in spans:
        assert 0 <= previous_end <= start < end <= len(text), (start, end, len(text))
        assert text[start:end].strip(), "an empty sentence"
        previous_end = end


@SETTINGS
@given(texts)
def test_sentence_spans_lie_in_the_text_in_order_and_lose_no_text(text):
    spans = ingest.split_sentences(text)
    check_spans(text, spans)
    for start, end in spans:
        assert end - start <= ingest.MAX_SENTENCE_CHARS
    covered = bytearray(len(text))
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    lost = [ch for ch, c in zip(text, covered, strict=True) if not c and not ch.isspace()]
    assert lost == [], "characters in no sentence"


@SETTINGS
@given(texts)
def test_cleaned_text_splits_into_stripped_sentences(text):
    cleaned = ingest.clean(text, CODEBOOK.cleaning)
    spans = ingest.split_sentences(cleaned)
    check_spans(cleaned, spans)
    for start, end in spans:
        assert cleaned[start:end] == cleaned[start:end].strip()
    assert not [ch for ch in cleaned if unicodedata.category(ch) == "Cc" and ch != "\n"], (
        "control characters kept"
    )


@SETTINGS
@given(texts, st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))))
def test_extracted_rows_carry_exact_evidence(text, published):
    codebook = CODEBOOK
    cleaned = ingest.clean(text, codebook.cleaning)
    if not cleaned:
        return
    source = ingest.Source(path=SEEDS / "arbitrary.txt", name="arbitrary.txt", published=published)
    document = ingest.document_record(source, cleaned)
    sentences = ingest.sentence_records(document, codebook)
    episodes = set(codebook.episodes)
    for sentence in sentences:
        assert sentence["episode"] is None or sentence["episode"] in episodes
        assert cleaned[sentence["char_start"] : sentence["char_end"]] == sentence["text"]
    by_id = {s["sentence_id"]: s for s in sentences}
    tables = extract.extract_document(document, sentences, codebook)
    categories = {(table, cid) for table, cid in codebook.categories}
    for name, rows in tables.items():
        for row in rows:
            start, end = row["char_start"], row["char_end"]
            assert 0 <= start < end <= len(cleaned), row
            assert row["quote"] == cleaned[start:end], row
            sentence = by_id[row["sentence_id"]]
            assert sentence["char_start"] <= start and end <= sentence["char_end"], (
                "quote outside its sentence"
            )
            assert row["episode"] == sentence["episode"] and row["episode"] in episodes
            assert any(cid == row["category"] for _, cid in categories), row["category"]
            low, high = row["value_low"], row["value_high"]
            if low is not None and high is not None:
                assert low <= high, row
            assert row["doc_id"] == document["doc_id"]
        assert name in {"triggers", "demands", "state_responses", "outcomes"}


@pytest.mark.parametrize("text", ["", " ", "\n\n\n", ".", "1.", "\u200b", "\x00", "a" * 5000])
def test_edge_texts(text):
    spans = ingest.split_sentences(text)
    check_spans(text, spans)
