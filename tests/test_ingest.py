"""Ingest: decoding, cleaning, sentence offsets, manifest and bad input."""

from __future__ import annotations

import pytest

from kzunrest import ingest

TEXT = "Kazakstan: Janaozen.\nПолиция открыла огонь. Café «Шетпе» — 16 декабря."


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"],
)
def test_decode_unicode_encodings(encoding):
    assert ingest.decode(TEXT.encode(encoding)) == TEXT


def test_decode_cp1251_russian():
    text = "Полиция открыла огонь по демонстрантам в Жанаозене. " * 5
    assert ingest.decode(text.encode("cp1251")) == text


def test_decode_latin1():
    text = "Le café où les grévistes se réunissaient était fermé à Aktau. " * 5
    assert ingest.decode(text.encode("latin-1")) == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty file"), (b"  \n\t ", "whitespace only"), (b"\x89PNG\x00\x01\x02\x00abc", "binary")],
)
def test_decode_rejects(data, reason):
    with pytest.raises(ingest.RejectedFile, match=reason):
        ingest.decode(data)


def test_clean_normalises_and_drops_boilerplate(codebook):
    raw = (
        "UNITED24 - Make a charitable donation in support of Ukraine!\r\n\r\n"
        "Title here\r\nStandfirst.\r\n\r\nTitle here\r\nStandfirst.\r\n"
        "Cafe\u0301  and\ttabs\u00a0here.\r\n\r\n\r\n\r\nJoin the conversation\nLast line."
    )
    assert ingest.clean(raw, codebook.cleaning) == (
        "Title here\nStandfirst.\n\nCafé and tabs here.\n\nLast line."
    )


def test_clean_drops_repeated_caption(codebook):
    raw = "• Riot unit patrols Janaozen.\nRiot unit patrols Janaozen.\nBody."
    assert ingest.clean(raw, codebook.cleaning) == "• Riot unit patrols Janaozen.\nBody."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Both are funded by M. Ablyazov, a banker. The U.K.-based group said so.",
            ["Both are funded by M. Ablyazov, a banker.", "The U.K.-based group said so."],
        ),
        ("On Dec. 16 police fired. They left.", ["On Dec. 16 police fired.", "They left."]),
        ("1. The uprising began. It spread.", ["1. The uprising began.", "It spread."]),
        ("12.1. release the prisoners;", ["12.1. release the prisoners;"]),
        (
            "He said: “We will not go.” Then they left.",
            ["He said: “We will not go.”", "Then they left."],
        ),
        ("• Riot unit patrols Janaozen. (Photo: Serik)", ["• Riot unit patrols Janaozen.", "(Photo: Serik)"]),
        ("First line\nSecond line.", ["First line", "Second line."]),
        (
            "Members of the Alga! party were arrested. Why? Nobody knows. Kozlov, of Alga!, was jailed.",
            [
                "Members of the Alga! party were arrested.",
                "Why?",
                "Nobody knows.",
                "Kozlov, of Alga!, was jailed.",
            ],
        ),
        (
            "The leader of Alga!, Vladimir Kozlov, was arrested. Why? No one said.",
            ["The leader of Alga!, Vladimir Kozlov, was arrested.", "Why?", "No one said."],
        ),
        (
            'Crowds were chanting "Shal, ket!" ("Old man, go!") at Nazarbayev. Then police came.',
            ['Crowds were chanting "Shal, ket!" ("Old man, go!") at Nazarbayev.', "Then police came."],
        ),
    ],
)
def test_split_sentences(text, expected):
    assert [text[a:b] for a, b in ingest.split_sentences(text)] == expected


def test_long_run_without_punctuation_is_cut():
    text = "word " * 5000
    spans = ingest.split_sentences(text)
    assert all(b - a <= ingest.MAX_SENTENCE_CHARS for a, b in spans)
    assert spans[0][0] == 0 and spans[-1][1] == len(text.rstrip())


def test_seed_sentence_offsets(codebook):
    corpus = ingest.ingest(ingest.Path("seeds"), codebook)
    texts = {d["doc_id"]: d["text"] for d in corpus.documents}
    assert len(corpus.documents) == 5 and not corpus.rejections
    for s in corpus.sentences:
        assert texts[s["doc_id"]][s["char_start"] : s["char_end"]] == s["text"]
        assert s["text"] == s["text"].strip() and s["text"]


@pytest.mark.parametrize("name", ["../etc/passwd", "/etc/passwd", "sub/../../x.txt"])
def test_manifest_path_outside_seeds_stops_the_run(tmp_path, name):
    (tmp_path / "a.txt").write_text("Some text.")
    (tmp_path / "manifest.yaml").write_text(f"documents:\n  - file: {name}\n")
    with pytest.raises(ingest.ManifestError, match="points outside the seeds folder"):
        ingest.list_sources(tmp_path)


def test_manifest_invalid_yaml_stops(tmp_path):
    (tmp_path / "manifest.yaml").write_text("documents: [unclosed\n")
    with pytest.raises(ingest.ManifestError, match="not valid YAML"):
        ingest.list_sources(tmp_path)


def test_bad_files_rejected_good_kept(tmp_path, codebook):
    (tmp_path / "good.txt").write_text("Police opened fire in Zhanaozen on 16 December 2011.")
    (tmp_path / "same.txt").write_text("Police opened fire in Zhanaozen on 16 December 2011.")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff\x00\x10" * 10)
    (tmp_path / "manifest.yaml").write_text("documents:\n  - file: missing.txt\n  - file: good.txt\n")
    corpus = ingest.ingest(tmp_path, codebook)
    assert [d["path"] for d in corpus.documents] == ["good.txt"]
    assert {r.path: r.reason for r in corpus.rejections} == {
        "binary.txt": "binary file (contains NUL bytes)",
        "empty.txt": "empty file",
        "missing.txt": "named in the manifest but missing on disk",
    }
    assert any("same.txt: same content as good.txt" in w for w in corpus.warnings)
