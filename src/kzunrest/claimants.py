"""Claimants: who a sentence attributes a fact or figure to, from the cues in codebook/claimants.yaml.

Figures disagree by source ("State officials admit that 16 were killed – but campaigners say
there were dozens"), so each figure keeps the claimant of the nearest attribution cue whose
clause covers it, typed by the taxonomy's claimant types. What the cues are, which nouns make
a claimant official, ngo, media, activist or other, and where a clause ends are data
(codebook/claimants.yaml, whose header lists the cue forms).

Most sentences name no claimant: a set lookup of their words against the cue words returns
`unattributed` before any parsing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import accumulate

from kzunrest import codebook as codebook_module
from kzunrest.codebook import Codebook

UNATTRIBUTED = "unattributed"


@dataclass(frozen=True)
class Claim:
    claimant: (
        str | None
    )  # as named in the text ("General Prosecutor Askhat Daulbayev"); None when unattributed
    claimant_type: str  # taxonomy claimant_types: official, ngo, media, activist, other, unattributed


# Words (letters and digits, with inner hyphens, apostrophes, dots, slashes: "kasym-jomart",
# "prosecutor's", "rfe/rl", "k+") and single other characters.
_TOKEN = re.compile(r"([^\W_]+(?:[-'’./&][^\W_]+)*\+?|[^\w\s])")
_LEADING = ("", "“", '"', "(", "'", "‘", "[", "«")
_TRAILING = ("", ",", ".", ";", ":", "”", '"', ")", "'", "’", "]", "?", "!", "»", ",”", ".”", ',"', '."')
_OPEN_QUOTES = ("“", "«")
_CLOSE_QUOTES = ("”", "»")
_NAME_PATTERN = re.compile(r"[A-ZА-ЯЁ][\w’'-]*(?:\s+(?:[A-ZА-ЯЁ][\w’'-]*|of|the|for|and)){0,5}")


@dataclass(frozen=True, eq=False)
class ClaimantLexicon:
    """codebook/claimants.yaml compiled into lookups (built once per codebook)."""

    prefilter_words: frozenset[str]
    according: tuple[tuple[str, ...], ...]
    citing: frozenset[str]
    verbs: dict[str, tuple[tuple[str, ...], ...]]  # first word -> phrases, longest first
    put_verbs: frozenset[str]
    put_window: int
    participles: frozenset[str]
    sources: frozenset[str]
    counts: frozenset[str]  # "by the official count", "by the Monitor's tally"
    source_followers: frozenset[str]
    source_links: frozenset[str]
    exclusions: tuple[tuple[str, ...], ...]
    auxiliaries: frozenset[str]
    passive: frozenset[str]
    np_stops: frozenset[str]
    np_ed_words: frozenset[str]
    np_max_words: int
    relatives: frozenset[str]
    pronouns: dict[str, str]
    people: frozenset[str]  # typed claimants a pronoun may point back to
    function_words: frozenset[str]
    segment_breaks: frozenset[str]
    quotation_min_words: int
    type_phrases: dict[tuple[str, ...], str]  # claimant words -> claimant type
    type_heads: frozenset[str]
    type_longest: int
    cue_heads: frozenset[str]  # first words of every cue
    according_by_head: dict[str, tuple[tuple[str, ...], ...]]
    months: frozenset[str]


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(str(phrase).lower().replace("’", "'")))


def _check_words(spec: object, where: str) -> None:
    """Every word list holds strings: YAML reads a bare no, on or yes as a boolean."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            _check_words(value, f"{where}: {key}")
    elif isinstance(spec, list):
        for item in spec:
            if not isinstance(item, str):
                raise ValueError(
                    f"codebook/{where}: {item!r} is not a word (quote it: YAML reads no/on/yes as booleans)"
                )


@cache
def lexicon(codebook: Codebook | None = None) -> ClaimantLexicon:
    """Compile the claimant rules of `codebook` (default: the project's codebook/)."""
    book = codebook or codebook_module.load()
    spec = book.claimants
    if not spec:
        raise ValueError("codebook has no claimants.yaml: claimant attribution needs its cue lists")
    _check_words({k: v for k, v in spec.items() if k != "pronouns"}, "claimants.yaml")
    cues = spec["cues"]
    unknown = set(spec["types"]) - set(book.claimant_types)
    if unknown:
        raise ValueError(f"codebook/claimants.yaml: types {sorted(unknown)} are not taxonomy claimant_types")
    verbs: dict[str, list[tuple[str, ...]]] = {}
    for phrase in cues["verbs"]:
        words = _words(phrase)
        verbs.setdefault(words[0], []).append(words)
    according = tuple(sorted({_words(p) for p in cues["according"]}, key=len, reverse=True))
    cue_words = {
        *(w[0] for w in according),
        *verbs,
        *cues["put_verbs"],
        *cues["participles"],
        *cues["sources"],
        *cues["counts"],
        *(_words(p)[0] for p in cues["citing"]),
    }
    # The prefilter needs one telling word per cue: "reported" for "as reported by", not "as".
    signal_words = (cue_words - {w[0] for w in according}) | {max(w, key=len) for w in according}
    type_phrases: dict[tuple[str, ...], str] = {}
    for kind, phrases in spec["types"].items():
        for phrase in phrases:
            type_phrases.setdefault(_words(phrase), kind)
    months = book.figures.get("not_figures", {}).get("months", []) if book.figures else []
    return ClaimantLexicon(
        prefilter_words=frozenset(a + w + b for w in signal_words for a in _LEADING for b in _TRAILING),
        according=according,
        citing=frozenset(_words(p)[0] for p in cues["citing"]),
        verbs={k: tuple(sorted(v, key=len, reverse=True)) for k, v in verbs.items()},
        put_verbs=frozenset(cues["put_verbs"]),
        put_window=int(cues["put_window"]),
        participles=frozenset(cues["participles"]),
        sources=frozenset(cues["sources"]),
        counts=frozenset(cues["counts"]),
        source_followers=frozenset(cues["source_followers"]),
        source_links=frozenset(cues["source_links"]),
        exclusions=tuple(_words(p) for p in cues["exclusions"]),
        auxiliaries=frozenset(spec["auxiliaries"]),
        passive=frozenset(spec["passive_markers"]),
        np_stops=frozenset(spec["np_stops"]),
        np_ed_words=frozenset(spec["np_ed_words"]),
        np_max_words=int(spec["np_max_words"]),
        relatives=frozenset(spec["relatives"]),
        pronouns=dict(spec["pronouns"]),
        people=frozenset(spec.get("people") or ()),
        function_words=frozenset(spec["function_words"]),
        segment_breaks=frozenset(spec["segment_breaks"]),
        quotation_min_words=int(spec["quotation_min_words"]),
        type_phrases=type_phrases,
        type_heads=frozenset(k[0] for k in type_phrases),
        type_longest=max(len(k) for k in type_phrases),
        cue_heads=frozenset(cue_words),
        according_by_head={
            head: tuple(p for p in according if p[0] == head) for head in {p[0] for p in according}
        },
        months=frozenset(months),
    )


def claimant_type(phrase: str, context: str = "", lexicon_: ClaimantLexicon | None = None) -> str:
    """The claimant type of a claimant phrase; a bare name is typed from how `context` introduces it."""
    lex = lexicon_ or lexicon()
    found = _type_of(phrase, lex)
    if found is None and context:
        found = _type_from_introduction(phrase, context, lex)
    return found or "other"


def _type_of(phrase: str, lex: ClaimantLexicon) -> str | None:
    found = _mentions(phrase, lex, first_only=True)
    return found[0][2] if found else None


def _mentions(text: str, lex: ClaimantLexicon, first_only: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, claimant type) of every typed phrase in `text`, leftmost-longest first
    ("Russian state media" is media, not the official "state media")."""
    lowered = text.lower().replace("’", "'")
    if len(lowered) != len(text):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text).replace("’", "'")
    parts = _TOKEN.split(lowered)
    edges = list(accumulate(map(len, parts)))
    words = parts[1::2]
    bare = [w[:-2] if w.endswith("'s") else w for w in words]  # "the strike's account" names the strike
    found = []
    i, n = 0, len(words)
    while i < n:
        if words[i] in lex.type_heads or bare[i] in lex.type_heads:
            for length in range(min(lex.type_longest, n - i), 0, -1):
                kind = lex.type_phrases.get(tuple(words[i : i + length])) or lex.type_phrases.get(
                    tuple(bare[i : i + length])
                )
                if kind:
                    found.append((edges[2 * i], edges[2 * (i + length) - 1], kind))
                    if first_only:
                        return found
                    i += length - 1
                    break
        i += 1
    return found


# ---------------------------------------------------------------------------------------------
# The sentence


class _Sentence:
    """Tokens of a sentence (lowercase text, character spans) and its clause structure."""

    def __init__(self, text: str, lex: ClaimantLexicon) -> None:
        self.text = text
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        self.lowered = lowered
        parts = _TOKEN.split(lowered)
        edges = list(accumulate(map(len, parts)))
        self.low: list[str] = parts[1::2]
        self.start: list[int] = edges[0:-1:2]
        self.end: list[int] = edges[1::2]
        self.n = len(self.low)
        self.lex = lex

    def capitalised(self, i: int) -> bool:
        return self.text[self.start[i]].isupper()

    @cached_property
    def segments(self) -> list[tuple[int, int]]:
        """Token ranges of the clauses: a cue in one does not reach into the next."""
        breaks = self.lex.segment_breaks
        cuts = [i for i, t in enumerate(self.low) if t in breaks and (t != "–" or i > 0)]
        edges = [0, *cuts, self.n]
        return [(a, b) for a, b in zip(edges, edges[1:], strict=False) if b > a] or [(0, self.n)]

    def segment_of(self, i: int) -> tuple[int, int]:
        for a, b in self.segments:
            if a <= i < b:
                return a, b
        return 0, self.n

    @cached_property
    def brackets(self) -> list[tuple[int, int]]:
        found, stack = [], []
        for i, t in enumerate(self.low):
            if t in "([" and len(t) == 1:
                stack.append(i)
            elif t in ")]" and len(t) == 1 and stack:
                found.append((stack.pop(), i + 1))
        return found

    @cached_property
    def quotations(self) -> list[tuple[int, int]]:
        """Token ranges inside quotation marks that hold at least `quotation_min_words` words."""
        found = []
        opened = None
        straight_open = None
        for i, t in enumerate(self.low):
            if t in _OPEN_QUOTES and opened is None:
                opened = i
            elif t in _CLOSE_QUOTES and opened is not None:
                found.append((opened, i + 1))
                opened = None
            elif t == '"':
                if straight_open is None:
                    straight_open = i
                else:
                    found.append((straight_open, i + 1))
                    straight_open = None
        for left in (opened, straight_open):
            if left is not None:
                found.append((left, self.n))
        least = self.lex.quotation_min_words
        return [(a, b) for a, b in found if sum(1 for t in self.low[a:b] if t[0].isalnum()) >= least]

    def token_at(self, offset: int) -> int:
        """Index of the token at or after character `offset`."""
        return bisect_right(self.end, offset)


@dataclass
class _Cue:
    anchor: int  # token index of the cue word
    scope: tuple[int, int]  # token range it governs
    claimant: tuple[int, int] | None  # token range of the claimant phrase, in this sentence
    named: str | None = None  # the claimant's text when it comes from elsewhere (a resolved pronoun)
    kind: str = "verb"  # verb | according | citing | source | participle
    appositive: tuple[int, int] | None = None  # ", a reporter for ..." right after the claimant


# ---------------------------------------------------------------------------------------------
# Attribution


def attribute(
    sentence: str,
    span: tuple[int, int] | None = None,
    *,
    context: str = "",
    lexicon_: ClaimantLexicon | None = None,
) -> Claim:
    """Who `sentence` attributes the fact or figure at `span` (character offsets in it) to.

    The nearest attribution cue whose clause covers the span decides; none means the text
    states it in its own voice (`unattributed`). `context` (the text before the sentence, e.g.
    the document up to it) resolves a pronoun claimant ("she says") and types a bare name
    from how the text introduced it ("Janar Kasymbekova, a reporter for ...").
    """
    lex = lexicon_ or lexicon()
    lowered = sentence.lower()
    if lex.prefilter_words.isdisjoint(lowered.replace("-", " ").split()):
        return Claim(None, UNATTRIBUTED)
    s = _Sentence(sentence, lex)
    cues = _cues(s, lex)
    if not cues:
        return Claim(None, UNATTRIBUTED)
    if span is None:
        first, last = 0, s.n
    else:
        first = s.token_at(span[0])
        last = max(first + 1, s.token_at(span[1]))
    cue = _governing(s, cues, first, last)
    if cue is None:
        return Claim(None, UNATTRIBUTED)
    return _claim(s, cue, context, lex)


def _governing(s: _Sentence, cues: list[_Cue], first: int, last: int) -> _Cue | None:
    """The nearest cue whose scope covers tokens [first, last), quotation and bracket aware."""

    def inside(ranges: list[tuple[int, int]], a: int, b: int) -> tuple[int, int] | None:
        best = None
        for r in ranges:
            if r[0] <= a and b <= r[1] and (best is None or r[1] - r[0] < best[1] - best[0]):
                best = r
        return best

    whole = first == 0 and last >= s.n
    span_bracket = None if whole else inside(s.brackets, first, last)
    span_quote = None if whole else inside(s.quotations, first, last)
    ranked = []
    for cue in cues:
        a, b = cue.scope
        if b <= first or a >= last:
            continue
        cue_bracket = inside(s.brackets, cue.anchor, cue.anchor + 1)
        cue_quote = inside(s.quotations, cue.anchor, cue.anchor + 1)
        if cue_bracket is not None and cue_bracket != span_bracket:
            continue  # a bracket's cue speaks for the bracket only
        rank = 0
        if span_bracket is not None and cue_bracket is None:
            rank += 1  # the bracket's own cue first
        if cue_quote is not None:
            rank += 2  # the speaker outside a quotation before anyone quoted inside it
        distance = (
            0 if first <= cue.anchor < last else min(abs(cue.anchor - first), abs(cue.anchor - (last - 1)))
        )
        ranked.append((rank, distance, cue.anchor, cue))
    if not ranked:
        return None
    if span_quote is None and not whole:
        outside = [r for r in ranked if r[0] < 2]
        ranked = outside or ranked
    return min(ranked, key=lambda r: r[:3])[3]


def _claim(s: _Sentence, cue: _Cue, context: str, lex: ClaimantLexicon) -> Claim:
    if cue.named is not None:
        text = cue.named
        pronoun = lex.pronouns.get(text.lower())
        if pronoun is not None and context:  # "she says": the person the text spoke of last
            text = _last_mention(context, pronoun, lex) or text
        return Claim(text, claimant_type(text, context, lex))
    a, b = cue.claimant
    text = s.text[s.start[a] : s.end[b - 1]]
    kind = _type_of(text, lex)
    if kind is None and cue.appositive is not None:
        kind = _type_of(s.text[s.start[cue.appositive[0]] : s.end[cue.appositive[1] - 1]], lex)
    if kind is None:
        kind = _type_from_introduction(text, f"{context} {s.text}", lex) or "other"
    return Claim(text, kind)


# ---------------------------------------------------------------------------------------------
# Finding the cues


def _cues(s: _Sentence, lex: ClaimantLexicon) -> list[_Cue]:
    cues: list[_Cue] = []
    low = s.low
    heads = lex.cue_heads
    for i in [i for i, t in enumerate(low) if t in heads]:
        t = low[i]
        cue = None
        if t in lex.citing and cues and i > 0:
            cue = _according(s, i, 1, lex, "citing")
        if cue is None:
            for phrase in lex.according_by_head.get(t, ()):
                if tuple(low[i : i + len(phrase)]) == phrase:
                    cue = _according(s, i, len(phrase), lex, "according")
                    break
        if cue is None and t in lex.counts:
            cue = _by_count(s, i, lex)
        if cue is None and t in lex.participles:
            cue = _participle(s, i, cues[-1] if cues else None, lex)
        speaker_before = i > 0 and (s.capitalised(i - 1) or low[i - 1] in lex.pronouns)
        is_source = t in lex.sources and i + 1 < s.n and low[i + 1] in lex.source_followers
        if cue is None and is_source and not (speaker_before and t in lex.verbs):
            cue = _source(s, i, lex)  # ("Kasymbekova reports that" is the verb)
        if cue is None and (t in lex.verbs or t in lex.put_verbs):
            cue = _verb(s, i, lex)
        if cue is not None:
            if cue.kind == "citing" and cues:
                previous = cues[-1]
                previous.claimant, previous.named, previous.appositive = cue.claimant, None, None
            else:
                cues.append(cue)
    # A clause with no cue of its own ("..., but were prevented by the 1,000 to 1,500 ...") stays
    # with the cue before it: a scope that reaches its clause's end runs on to the next cue's clause.
    cued = sorted({s.segment_of(c.anchor)[0] for c in cues})
    for cue in cues:
        segment = s.segment_of(cue.anchor)
        if cue.scope[1] == segment[1]:
            cue.scope = (cue.scope[0], next((a for a in cued if a >= segment[1]), s.n))
    return cues


def _according(s: _Sentence, i: int, length: int, lex: ClaimantLexicon, kind: str) -> _Cue | None:
    """ "according to X", "citing X": X up to the end of its phrase; the whole clause is X's."""
    a = i + length
    b = a
    while b < s.n and b - a < lex.np_max_words:
        t = s.low[b]
        if len(t) == 1 and t in ",;:.)]–—" or t in lex.relatives or t in ("that", "but", "when", "while"):
            break
        b += 1
    # "data from the Zhanaozen hospital" -> the Zhanaozen hospital
    for k in range(a, min(b, a + 4)):
        if s.low[k] in lex.source_links and any(s.low[j] in lex.sources for j in range(a, k)):
            a = k + 1
            break
    if b <= a:
        return None
    segment = s.segment_of(i)
    scope = segment
    if i > segment[0] and s.low[i - 1] == "," and _ends_clause(s, b, segment[1], lex):
        # postposed: "killing 16 and wounding 100, according to official figures" covers its own chunk
        chunk = next((k + 1 for k in range(i - 2, segment[0] - 1, -1) if s.low[k] == ","), segment[0])
        scope = (chunk, segment[1])
    return _Cue(anchor=i, scope=scope, claimant=(a, b), kind=kind)


def _by_count(s: _Sentence, i: int, lex: ClaimantLexicon) -> _Cue | None:
    """ "by the official count", "By the Monitor's count, at least 30 ...": the counter claims its
    clause, or (after a comma) the chunk before it, as "according to" does."""
    by = next((k for k in range(i - 1, max(i - 5, -1), -1) if s.low[k] == "by"), None)
    if by is None or any(not s.low[k][0].isalnum() for k in range(by + 1, i)):
        return None
    cue = _according(s, by, 1, lex, "according")
    if cue is None:
        return None
    cue.claimant = (by + 1, i + 1)
    owner = _possessor(s, by + 1, i)
    if owner is not None:  # "the Monitor's count" -> the Monitor
        cue.claimant, cue.named = None, owner
    return cue


def _participle(s: _Sentence, i: int, previous: _Cue | None, lex: ClaimantLexicon) -> _Cue | None:
    """ "..., adding that ...": the claimant of the cue before carries on after the participle;
    with no cue before, the subject of its clause speaks ("The defendants retracted ..., saying")."""
    if i == 0 or s.low[i - 1] not in (",", "and"):
        return None
    segment = s.segment_of(i)
    if previous is None:
        a = segment[0] + 1 if s.low[segment[0]] in lex.segment_breaks else segment[0]
        b = a
        while (
            b < i
            and s.low[b][0].isalnum()
            and s.low[b] not in lex.auxiliaries
            and not _has_verb(s, b, b + 1, lex)
        ):
            b += 1
        if b == a or b >= i or not _names_someone(s, a, b, lex):
            return None
        return _Cue(anchor=i, scope=(i, segment[1]), claimant=_trim(s, a, b, lex), kind="participle")
    return _Cue(
        anchor=i,
        scope=(i, segment[1]),
        claimant=previous.claimant,
        named=previous.named,
        kind="participle",
        appositive=previous.appositive,
    )


def _source(s: _Sentence, i: int, lex: ClaimantLexicon) -> _Cue | None:
    """ "some estimates go as high as", "credible allegations that", "the hospital's data show"."""
    if s.capitalised(i) and i > 0:
        return None
    a = _np_start(s, i, lex)
    scope = (a, s.segment_of(i)[1])
    owner = _possessor(s, a, i)
    if owner is not None:  # "the hospital's data show" -> the hospital
        return _Cue(anchor=i, scope=scope, claimant=None, named=owner, kind="source")
    return _Cue(anchor=i, scope=scope, claimant=(a, i + 1), kind="source")


def _possessor(s: _Sentence, a: int, b: int) -> str | None:
    """The owner named in tokens [a, b) before its "'s" ("the hospital's data" -> "the hospital")."""
    owner = next((k for k in range(a, b) if s.low[k].endswith(("'s", "’s"))), None)
    return None if owner is None else s.text[s.start[a] : s.end[owner] - 2]


def _verb(s: _Sentence, i: int, lex: ClaimantLexicon) -> _Cue | None:
    """ "X said ...", "..., X said.", "..., said X.", "X, who admitted ...", "she says"."""
    low = s.low
    if low[i] in lex.put_verbs:
        window = low[i + 1 : i + 1 + lex.put_window]
        if "at" not in window:
            return None
        length = 1
    else:
        length = next((len(p) for p in lex.verbs[low[i]] if tuple(low[i : i + len(p)]) == p), 0)
        if not length:
            return None
    if s.capitalised(i):
        return None  # "the United States", "Said ..." as a name
    after = i + length
    if any(tuple(low[after : after + len(e)]) == e for e in lex.exclusions):
        return None
    before = i - 1
    while before >= 0 and low[before] in lex.auxiliaries:
        before -= 1
    if before >= 0 and low[before] == "to":
        return None  # "refused to say"
    if before >= 0 and low[before] in lex.passive or after < s.n and low[after] == "by":
        return _passive(s, i, after, lex)  # "were reported injured", "described by officials as"
    segment = s.segment_of(i)
    backward = _ends_clause(s, after, segment[1], lex)
    a = _np_start(s, before + 1, lex) if before >= 0 else 0
    b = before + 1
    if any(low[k] in lex.relatives for k in range(a, b)):
        return _relative(s, i, a, b, segment, backward, lex)
    if a < b and b - a == 1 and low[a] in lex.pronouns:
        scope = (segment[0], a) if backward else (a, segment[1])
        return _Cue(anchor=i, scope=scope, claimant=None, named=_resolve(s, a, lex), kind="verb")
    if a < b and _names_someone(s, a, b, lex):
        scope = (segment[0], a) if backward else (a, segment[1])
        return _Cue(anchor=i, scope=scope, claimant=_trim(s, a, b, lex), kind="verb")
    if before >= 0 and (low[before] == "," or low[before] in _CLOSE_QUOTES or low[before] == '"'):
        inverted = _inverted(s, i, after, segment, lex)
        if inverted is not None:
            return inverted
        return _fronted(s, i, before, segment, backward, lex)
    return None


def _passive(s: _Sentence, i: int, after: int, lex: ClaimantLexicon) -> _Cue | None:
    """ "described by officials as peacekeepers": the agent after "by", for what follows the verb."""
    if after < s.n and s.low[after] == "by":
        a = after + 1
        b = a
        while (
            b < s.n and b - a < lex.np_max_words and s.low[b] not in lex.np_stops and s.low[b] not in ",;:.)]"
        ):
            b += 1
        if b > a and _names_someone(s, a, b, lex):
            return _Cue(anchor=i, scope=(i, s.segment_of(i)[1]), claimant=(a, b), kind="verb")
    return None


def _ends_clause(s: _Sentence, after: int, end: int, lex: ClaimantLexicon) -> bool:
    """Nothing but punctuation follows the verb in its clause, or a participle takes over."""
    k = after
    while k < end and s.low[k] in ("”", '"', "’", "»", ")", "]"):
        k += 1
    if k >= end or s.low[k] in (".", "!", "?", ";", ":"):
        return True
    return s.low[k] == "," and k + 1 < end and (s.low[k + 1] in lex.participles or s.low[k + 1] in lex.citing)


_NAME_LINKS = frozenset({"for", "of", "to", "on", "and"})


def _np_start(s: _Sentence, b: int, lex: ClaimantLexicon) -> int:
    """Where the claimant phrase ending before token `b` starts (going back over its words)."""
    a = b
    words = 0
    while a > 0 and words < lex.np_max_words:
        t = s.low[a - 1]
        if t == ")":  # "Human Rights Watch (HRW)"
            opening = next((k for k in range(a - 2, max(a - 6, -1), -1) if s.low[k] == "("), None)
            if opening is None:
                break
            a = opening
            continue
        if not t[0].isalnum():
            if t in ("“", "”", '"', "&") and a - 1 > 0:
                a -= 1
                continue
            break
        if t in lex.relatives:
            a -= 1  # "who admitted", "30 of whom said": the relative clause starts here
            break
        if t in _NAME_LINKS and a - 2 >= 0 and s.capitalised(a) and s.capitalised(a - 2):
            a -= 1  # "Bureau for Human Rights", "Ministry of Internal Affairs"
            continue
        if t == "by" and a - 2 >= 0 and s.low[a - 2].endswith("ed") and not s.capitalised(a - 2):
            a -= 2  # "residents interviewed by our researchers believe": the head comes before
            words += 2
            continue
        if t == "at" and s.low[a] in ("least", "most"):
            a -= 1  # "At least 11 defendants told the court"
            continue
        if t in lex.np_stops or t in lex.months:
            break
        if t.endswith("ed") and t not in lex.np_ed_words and not s.capitalised(a - 1) and "-" not in t:
            break
        if t.endswith("ly") and len(t) > 4 and not s.capitalised(a - 1):
            break  # an adverb: "Interestingly", "suspiciously"
        a -= 1
        words += 1
    while a < b and s.low[a] in ("“", "”", '"', "and", "but", "so"):
        a += 1
    return a


def _trim(s: _Sentence, a: int, b: int, lex: ClaimantLexicon) -> tuple[int, int]:
    """Drop a leading count: "42 former detainees" -> "former detainees"."""
    while a + 1 < b and s.low[a][0].isdigit():
        a += 1
    return a, b


def _names_someone(s: _Sentence, a: int, b: int, lex: ClaimantLexicon) -> bool:
    """A claimant phrase names someone: a typed noun, a source noun, or a capitalised name."""
    text = s.text[s.start[a] : s.end[b - 1]]
    if _type_of(text, lex) is not None or any(s.low[k] in lex.sources for k in range(a, b)):
        return True
    return any(s.capitalised(k) and not (k == 0 and s.low[k] in lex.function_words) for k in range(a, b))


def _relative(
    s: _Sentence, i: int, a: int, b: int, segment: tuple[int, int], backward: bool, lex: ClaimantLexicon
) -> _Cue | None:
    """ "General Prosecutor Askhat Daulbayev, who admitted ...", "42 former detainees, 30 of whom said"."""
    comma = next((k for k in range(a - 1, max(a - 5, -1), -1) if s.low[k] == ","), None)
    if comma is None:
        return None
    a = comma + 1
    start = _np_start(s, comma, lex)
    if start >= comma or not _names_someone(s, start, comma, lex):
        return None
    scope = (segment[0], a) if backward else (a, segment[1])
    return _Cue(anchor=i, scope=scope, claimant=_trim(s, start, comma, lex), kind="verb")


def _inverted(
    s: _Sentence, i: int, after: int, segment: tuple[int, int], lex: ClaimantLexicon
) -> _Cue | None:
    """ "..., said the ministry." / "“...,” says Kasymbekova.": the claimant follows the verb."""
    b = after
    while b < segment[1] and s.low[b][0].isalnum() and b - after < lex.np_max_words:
        b += 1
    if b == after or b < segment[1] and s.low[b] not in (".", ",", ";", "!", "?", ":"):
        return None
    if _has_verb(s, after, b, lex) or not _names_someone(s, after, b, lex):
        return None  # "said the workers were told to leave" is reported speech, not a claimant
    return _Cue(anchor=i, scope=(segment[0], i), claimant=(after, b), kind="verb")


def _has_verb(s: _Sentence, a: int, b: int, lex: ClaimantLexicon) -> bool:
    """Tokens [a, b) hold a verb form ("had been detained"): a clause, not a claimant phrase."""
    for k in range(a, b):
        t = s.low[k]
        if t in lex.passive or t in ("has", "have", "had", "will", "would", "did", "does", "do"):
            return True
        if t.endswith("ed") and t not in lex.np_ed_words and "-" not in t and not s.capitalised(k):
            return True
    return False


def _fronted(
    s: _Sentence, i: int, comma: int, segment: tuple[int, int], backward: bool, lex: ClaimantLexicon
) -> _Cue | None:
    """ "Janar Kasymbekova, a reporter, said": the claimant opens the clause (up to its first comma)."""
    first_comma = next((k for k in range(segment[0], comma + 1) if s.low[k] == ","), None)
    if first_comma is None:
        return None
    a = segment[0] + 1 if s.low[segment[0]] in lex.segment_breaks else segment[0]
    while a < first_comma and not s.low[a][0].isalnum():
        a += 1
    if not 0 < first_comma - a <= lex.np_max_words or _has_verb(s, a, first_comma, lex):
        return None
    if not _names_someone(s, a, first_comma, lex):
        return None
    appositive = (first_comma + 1, comma) if comma > first_comma + 1 else None
    scope = (segment[0], a) if backward else (a, segment[1])
    return _Cue(anchor=i, scope=scope, claimant=(a, first_comma), kind="verb", appositive=appositive)


# ---------------------------------------------------------------------------------------------
# Pronouns and names


def _resolve(s: _Sentence, pronoun: int, lex: ClaimantLexicon) -> str:
    """The claimant a pronoun stands for within the sentence, else the pronoun itself (resolved later)."""
    before = s.text[: s.start[pronoun]]
    found = _last_mention(before, lex.pronouns[s.low[pronoun]], lex)
    return found or s.text[s.start[pronoun] : s.end[pronoun]]


_SENTENCE_END = re.compile(r"(?<=[.!?”\"])\s+(?=[“\"A-Z])|\n+")
_INTRODUCED = re.compile(r"^\s*(?:,\s+(?:an?|the)\s|\s+(?:is|was)\s+(?:an?|the)\s)")


def _speaks(after: str, lex: ClaimantLexicon) -> bool:
    """A cue verb follows: "Kasymbekova added", "Amanjolova has said"."""
    words = _words(after[:40])
    while words and words[0] in lex.auxiliaries:
        words = words[1:]
    return bool(words) and words[0] in lex.verbs


def _last_mention(text: str, kind: str, lex: ClaimantLexicon) -> str | None:
    """Who a pronoun points back to in `text`: for he or she, the first person named in the latest
    sentence that names one (a name of two words or more, or one that speaks or is introduced:
    "Kasymbekova added", "X, a reporter"), with the title before it; for they or it, the last
    typed group ("the authorities")."""
    if kind != "person":
        recent = text[-400:]
        groups = _mentions(recent, lex)
        return recent[groups[-1][0] : groups[-1][1]] if groups else None
    sentences = _SENTENCE_END.split(text)
    for sentence in reversed(sentences[-4:]):
        for m in _NAME_PATTERN.finditer(sentence):
            name = _name_part(m, sentence, lex)
            if name is None:
                continue
            start, end = name
            single = " " not in sentence[start:end]
            known = sentence[start:end].lower() in lex.people
            if single and not (known or _INTRODUCED.match(sentence[end:]) or _speaks(sentence[end:], lex)):
                continue
            left = max(0, start - 60)
            titles = [
                m for m in _mentions(sentence[left:start], lex) if not sentence[left + m[1] : start].strip()
            ]
            return sentence[left + titles[-1][0] if titles else start : end].strip()
    return None


def _name_part(m: re.Match, sentence: str, lex: ClaimantLexicon) -> tuple[int, int] | None:
    """The span of the name in a capitalised run, without opening function words, months or type words."""
    words = list(re.finditer(r"\S+", m.group()))
    while words and (
        words[0].group().lower().strip('“"') in lex.function_words or words[0].group().lower() in lex.months
    ):
        words = words[1:]
    while words and words[-1].group().lower() in lex.months:
        words = words[:-1]
    if not words or not words[-1].group()[:1].isupper():
        return None
    start, end = m.start() + words[0].start(), m.start() + words[-1].end()
    typed = _mentions(sentence[start:end], lex)
    whole = typed and typed[0][0] == 0 and typed[0][1] == end - start
    if whole and sentence[start:end].lower() not in lex.people:
        return None  # "Official", "Police": a noun, not a name
    return start, end


def _type_from_introduction(name: str, text: str, lex: ClaimantLexicon) -> str | None:
    """A name's type from where `text` introduces it: "X, a reporter for ...", "X is a lawyer with ...",
    "the human rights activist X", "IWPR editor X"."""
    pronoun = name.strip().lower()
    if pronoun in lex.pronouns:
        mention = _last_mention(text, lex.pronouns[pronoun], lex)
        if mention is None:
            return None
        return _type_of(mention, lex) or _type_from_introduction(mention, text, lex)
    words = [w for w in re.findall(r"[\w’'-]+", name) if w[:1].isupper()]
    if not words:
        return None
    surname = re.escape(words[-1])
    for m in re.finditer(rf"(?<![\w]){surname}(?![\w])", text):
        after = re.match(
            r"\s*(?:,\s*|\s+(?:is|was|,\s*who\s+is)\s+)(?:an?\s+|the\s+)?([^,;]{0,120}?)(?:[,;]|\.\s|$)",
            text[m.end() :],
        )
        if after:
            found = _type_of(after.group(1), lex)
            if found:
                return found
        found = _type_of(_title_before(text[max(0, m.start() - 80) : m.start()], lex), lex)
        if found:
            return found
    return None


def _title_before(text: str, lex: ClaimantLexicon) -> str:
    """The lowercase words right before a name, up to a function word: "the human rights activist"."""
    words = re.findall(r"[\w’'-]+|[^\w\s]", text)
    while words and words[-1][:1].isupper():
        words.pop()  # the given names: "Galym" in "activist Galym Ageleuov"
    title: list[str] = []
    for word in reversed(words):
        lowered = word.lower()
        if not word[:1].isalnum() or lowered in lex.function_words or lowered in lex.np_stops:
            break
        title.insert(0, word)
        if len(title) == 4:
            break
    return " ".join(title)
