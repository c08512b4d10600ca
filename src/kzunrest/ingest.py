"""Ingest: read the seeds folder into documents and sentences.

Decode each file (UTF-8/UTF-16 by BOM, legacy encodings detected), clean it by the rules in
`codebook/cleaning.yaml`, hash it, split it into sentences with offsets into the cleaned
text, and place every sentence in an episode. A bad file is rejected with a reason and the
rest go through; a bad manifest stops the run (ManifestError).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import yaml

from kzunrest import schema
from kzunrest.codebook import Codebook
from kzunrest.episodes import LIST_MARKER, place_sentences

log = logging.getLogger(__name__)

MANIFEST = "manifest.yaml"
MANIFEST_KEYS = {"file", "title", "outlet", "url", "published"}
MAX_SENTENCE_CHARS = 1_000  # longer runs without sentence punctuation are cut at spaces
MAX_FILE_BYTES = 10_000_000  # an article is KBs; a bigger file is a dump or a mistake (and takes minutes)


class ManifestError(Exception):
    """The manifest cannot be trusted: the run stops (exit code 2)."""


class RejectedFile(Exception):
    """One file cannot be ingested; the reason is reported and the run goes on."""


@dataclass(frozen=True)
class Rejection:
    path: str
    reason: str


@dataclass(frozen=True)
class Source:
    """A file to ingest and what the manifest says of it."""

    path: Path
    name: str  # relative to the seeds folder, as in the manifest
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: date | None = None


@dataclass
class Corpus:
    documents: list[dict] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- manifest and files


class _ManifestLoader(yaml.SafeLoader):
    """Safe YAML with dates left as text: PyYAML raises on `2011-13-45` while loading, which
    would stop the run; `_date_or_warn` warns about it instead."""


_ManifestLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_manifest(seeds_dir: Path) -> tuple[dict[str, Source], list[str]]:
    """Manifest entries by file name, and warnings. Raises ManifestError on a bad manifest."""
    path = seeds_dir / MANIFEST
    if not path.exists():
        return {}, [f"{path}: no manifest; every .txt is ingested with its first line as title"]
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ManifestLoader) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not valid YAML: {exc}".replace("\n", " ")) from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents", []), list):
        raise ManifestError(f"{path}: expected a mapping with a 'documents' list")
    entries: dict[str, Source] = {}
    warnings: list[str] = []
    extra = sorted(str(key) for key in data if key != "documents")
    if extra:
        warnings.append(f"{path}: unknown top-level keys ignored: {', '.join(extra)}")
    for i, entry in enumerate(data.get("documents") or []):
        where = f"{path}: documents[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise ManifestError(f"{where}: each entry needs a 'file' string")
        name = entry["file"]
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise ManifestError(f"{where}: file {name!r} points outside the seeds folder")
        unknown = sorted(set(entry) - MANIFEST_KEYS)
        if unknown:
            warnings.append(f"{where} ({name}): unknown keys ignored: {', '.join(unknown)}")
        entries[name] = Source(
            path=seeds_dir / name,
            name=name,
            title=_str_or_none(entry.get("title")),
            outlet=_str_or_none(entry.get("outlet")),
            url=_str_or_none(entry.get("url")),
            published=_date_or_warn(entry.get("published"), where, name, warnings),
        )
    return entries, warnings


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def _date_or_warn(value: object, where: str, name: str, warnings: list[str]) -> date | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value)).date()
    except ValueError:
        warnings.append(f"{where} ({name}): published {value!r} is not an ISO date; ignored")
        return None


def list_sources(seeds_dir: Path) -> tuple[list[Source], list[Rejection], list[str]]:
    """Every file to ingest (manifest entries and unlisted .txt files), in name order."""
    if not seeds_dir.is_dir():
        raise ManifestError(f"{seeds_dir}: seeds folder not found")
    entries, warnings = read_manifest(seeds_dir)
    rejections: list[Rejection] = []
    root = seeds_dir.resolve()
    sources: dict[str, Source] = {}
    for name, source in entries.items():
        if not source.path.resolve().is_relative_to(root):
            what = "symlink pointing" if source.path.is_symlink() else "path points"
            rejections.append(Rejection(name, f"{what} outside the seeds folder; not read"))
        elif not source.path.is_file():
            rejections.append(Rejection(name, "named in the manifest but missing on disk"))
        else:
            sources[name] = source
    for path in sorted(seeds_dir.rglob("*")):
        name = path.relative_to(seeds_dir).as_posix()
        if name in entries or name == MANIFEST or path.is_dir():
            continue
        if path.suffix.lower() != ".txt":
            warnings.append(f"{name}: not a .txt file; skipped")
            continue
        warnings.append(f"{name}: not in the manifest; title taken from its first line")
        sources[name] = Source(path=path, name=name)
    accepted = []
    for name in sorted(sources):
        source = sources[name]
        if not source.path.resolve().is_relative_to(root):
            rejections.append(Rejection(name, "symlink pointing outside the seeds folder; not read"))
        else:
            accepted.append(source)
    return accepted, rejections, warnings


# ---------------------------------------------------------------- decoding


def decode(data: bytes) -> str:
    """Bytes to text: BOMs first, then strict UTF-8, then a detected legacy encoding."""
    if not data.strip():
        raise RejectedFile("empty file" if not data else "whitespace only")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise RejectedFile(f"undecodable: invalid {codec} after its byte-order mark") from exc
    if b"\x00" in data:
        codec = _utf16_without_bom(data)
        if codec is None:
            raise RejectedFile("binary file (contains NUL bytes)")
        return data.decode(codec)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _control_share(text) > 0.05:
            raise RejectedFile("binary file (control characters)")
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise RejectedFile("undecodable: no text encoding fits")
    text = str(best)
    if _control_share(text) > 0.05:
        raise RejectedFile(f"undecodable: looks binary even as {best.encoding}")
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) % 2:
        return None
    even_nuls = data[0::2].count(0) / (len(data) / 2)
    odd_nuls = data[1::2].count(0) / (len(data) / 2)
    codec = "utf-16-le" if odd_nuls > 0.3 > even_nuls else "utf-16-be" if even_nuls > 0.3 > odd_nuls else None
    if codec is None:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return None if _control_share(text) > 0.05 else codec


def _control_share(text: str) -> float:
    sample = text[:20_000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return controls / max(len(sample), 1)


# ---------------------------------------------------------------- cleaning

_HTML_RE = re.compile(r"<\s*(!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE_RE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # e.g. terminal escapes: never into the tables


class _TextOfHTML(HTMLParser):
    """The visible text of an HTML page, one line per block."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "title", "section", "article"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def is_html(text: str) -> bool:
    return bool(_HTML_RE.search(text[:5000]))


def html_to_text(text: str) -> str:
    parser = _TextOfHTML()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def clean(text: str, rules: dict) -> str:
    """NFC, one kind of line ending, single spaces, boilerplate and repeated lines dropped.

    Lines are kept as paragraphs; runs of blank lines become one blank line.
    """
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL_RE.sub(" ", text)
    drop = [re.compile(p, re.IGNORECASE) for p in rules.get("drop_lines", [])]
    bullets = rules.get("bullets", "")
    lines: list[str] = []
    for raw in text.split("\n"):
        line = _SPACES_RE.sub(" ", raw).strip()
        if line and any(p.match(line) for p in drop):
            continue
        if line and rules.get("drop_repeated_lines"):
            previous = next((p for p in reversed(lines) if p), None)
            if previous is not None and previous.lstrip(bullets).strip() == line.lstrip(bullets).strip():
                continue
        if line or (lines and lines[-1]):
            lines.append(line)
    lines = _drop_repeated_title(lines, rules.get("repeated_title_window", 0))
    return "\n".join(lines).strip()


def _drop_repeated_title(lines: list[str], window: int) -> list[str]:
    """'Title / standfirst / Title / standfirst / body' -> 'Title / standfirst / body'."""
    content = [i for i, line in enumerate(lines) if line][: 2 * window]
    for k in range(1, min(window, len(content) // 2) + 1):
        first, second = content[:k], content[k : 2 * k]
        if [lines[i] for i in first] == [lines[i] for i in second]:
            end = second[-1] + 1
            while end < len(lines) and not lines[end]:
                end += 1
            return lines[: second[0]] + lines[end:]
    return lines


# ---------------------------------------------------------------- sentences

_OPENERS = "([{“‘«"
_LIST_MARKER_RE = re.compile(rf"^(?:{LIST_MARKER})$")
_nlp = None


def _sentencizer():
    global _nlp
    if _nlp is None:
        import spacy

        _nlp = spacy.blank("en")
        _nlp.add_pipe("sentencizer")
        _nlp.max_length = 10**9
    return _nlp


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) into `text`: per line, then by spaCy's sentencizer.

    A lone list marker ("1.") joins the sentence after it; a run longer than
    MAX_SENTENCE_CHARS is cut at spaces so no sentence is unbounded.
    """
    spans: list[tuple[int, int]] = []
    lines = list(_lines(text))
    docs = _sentencizer().pipe((line for _, line in lines), batch_size=256)
    for (offset, _), doc in zip(lines, docs, strict=True):
        for sent in doc.sents:
            stripped = sent.text.strip()
            if not stripped:
                continue
            start = offset + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            end = start + len(stripped)
            start = _take_opener(text, spans, start, line_start=offset)
            if spans and spans[-1][0] >= offset and _LIST_MARKER_RE.match(text[slice(*spans[-1])]):
                start = spans.pop()[0]  # "1." joins the sentence it numbers
            spans.extend(_bounded(text, start, end))
    return _rejoin_exclamations(text, spans)


_INNER_END_RE = re.compile(r"[!?][\"”’')\]]*[,;:]?$")
_LOWER_START_RE = re.compile(r"^[\"“‘'(\[]*[a-z]")


def _rejoin_exclamations(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join what the sentencizer cut after an inner "!" or "?" ("Members of the Alga! party were
    arrested", "Kozlov, of Alga!, was jailed", "the leader of Alga!, Vladimir Kozlov, was arrested",
    'were chanting "Shal, ket!" ("Old man, go!") at Nazarbayev'): a piece that goes on in lowercase
    or after a comma, or one left ending in an opening bracket or quote, is not a sentence's end."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and "\n" not in text[joined[-1][1] : start]:
            before = text[slice(*joined[-1])]
            inner = _INNER_END_RE.search(before)
            goes_on = inner and (
                inner.group().endswith((",", ";", ":")) or _LOWER_START_RE.match(text[start:end])
            )
            if goes_on or before.rstrip("\"' ").endswith(tuple(_OPENERS)):
                joined[-1] = (joined[-1][0], end)
                continue
        joined.append((start, end))
    return joined


def _take_opener(text: str, spans: list[tuple[int, int]], start: int, line_start: int) -> int:
    """'Janaozen. (Photo: ...)': an opening bracket or quote left at the end of the sentence
    before belongs to this one. Moves it over; returns this sentence's start."""
    if not spans or spans[-1][0] < line_start:
        return start
    prev_start, prev_end = spans[-1]
    stripped = text[prev_start:prev_end].rstrip(_OPENERS + " ")
    cut = prev_start + len(stripped)
    if cut in (prev_end, prev_start):
        return start
    spans[-1] = (prev_start, cut)
    return cut + (len(text[cut:prev_end]) - len(text[cut:prev_end].lstrip()))


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            yield offset, line
        offset += len(line) + 1


def _bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + 1, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        yield start, cut
        start = cut + 1 if text[cut] == " " else cut
    yield start, end


# ---------------------------------------------------------------- documents


def document_record(source: Source, text: str) -> dict:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    title = source.title or next((line for line in text.split("\n") if line.strip()), source.name)
    return {
        "doc_id": sha[:16],
        "path": source.name,
        "title": title[:300],
        "outlet": source.outlet,
        "url": source.url,
        "published": source.published,
        "sha256": sha,
        "n_chars": len(text),
        "text": text,
    }


def read_document(source: Source, codebook: Codebook) -> tuple[dict, list[str]]:
    """One file to a document record (raises RejectedFile), with warnings."""
    warnings = []
    try:
        size = source.path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RejectedFile(f"too large: {size / 1e6:.1f} MB (the limit is {MAX_FILE_BYTES / 1e6:.0f} MB)")
        data = source.path.read_bytes()
    except OSError as exc:
        raise RejectedFile(f"unreadable: {exc.strerror}") from exc
    text = decode(data)
    if is_html(text):
        text = html_to_text(text)
        warnings.append(f"{source.name}: HTML page; markup stripped, text kept")
    text = clean(text, codebook.cleaning)
    if not text:
        raise RejectedFile("no text left after cleaning")
    return document_record(source, text), warnings


def sentence_records(document: dict, codebook: Codebook) -> list[dict]:
    text = document["text"]
    spans = split_sentences(text)
    placements = place_sentences(text, spans, document["published"], codebook)
    return [
        {
            "doc_id": document["doc_id"],
            "sentence_id": f"{document['doc_id']}:{i:05d}",
            "char_start": start,
            "char_end": end,
            "text": text[start:end],
            "episode": episode,
            "episode_reason": reason,
        }
        for i, ((start, end), (episode, reason)) in enumerate(zip(spans, placements, strict=True))
    ]


def ingest(seeds_dir: Path, codebook: Codebook) -> Corpus:
    """Read, clean, de-duplicate and split every source; bad files become rejections."""
    sources, rejections, warnings = list_sources(seeds_dir)
    corpus = Corpus(rejections=rejections, warnings=warnings)
    seen: dict[str, str] = {}
    for source in sources:
        try:
            document, doc_warnings = read_document(source, codebook)
        except RejectedFile as exc:
            corpus.rejections.append(Rejection(source.name, str(exc)))
            continue
        corpus.warnings.extend(doc_warnings)
        if document["doc_id"] in seen:
            corpus.warnings.append(
                f"{source.name}: same content as {seen[document['doc_id']]}; ingested once"
            )
            continue
        seen[document["doc_id"]] = source.name
        corpus.documents.append(document)
    corpus.documents.sort(key=lambda d: d["doc_id"])
    for document in corpus.documents:
        corpus.sentences.extend(sentence_records(document, codebook))
    corpus.rejections.sort(key=lambda r: r.path)
    return corpus


def write(corpus: Corpus, folder: Path) -> None:
    """documents, sentences and rejections as Parquet in `folder`."""
    schema.write_table(schema.to_table(corpus.documents, schema.DOCUMENTS), folder / "documents.parquet")
    schema.write_table(schema.to_table(corpus.sentences, schema.SENTENCES), folder / "sentences.parquet")
    rejections = [{"path": r.path, "reason": r.reason} for r in corpus.rejections]
    schema.write_table(schema.to_table(rejections, schema.REJECTIONS), folder / "rejections.parquet")
