"""Figures: every number a sentence states, with its bounds and unit, read from codebook/figures.yaml.

A figure keeps the text's own bounding ("at least 17" is at_least 17..null, "hundreds" is vague
200..999) so that disagreeing claims stay apart; which fact a figure belongs to is the
extractor's decision. The word lists, cue phrases and unit nouns are data (codebook/figures.yaml,
whose header also records the decisions for ranges, changes and non-figures).

Speed: `has_number` (a set lookup of the sentence's letter runs, then a look at the words around
each digit run) returns early for sentences with no number word and no digit other than a plain
year ("in 2011") or day ("16 December"); in the others the parser tries a quantity only at the
tokens that can start one. benchmarks/bench_figures.py measures both against tokenising.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from kzunrest import codebook as codebook_module
from kzunrest.codebook import Codebook


@dataclass(frozen=True)
class Figure:
    start: int  # span of the figure phrase (bound cue, number, unit noun) within the text passed in
    end: int
    value_low: float | None
    value_high: float | None
    unit: str | None  # one of codebook/units.yaml, or None when the text counts something else
    qualifier: str  # exact | at_least | more_than | about | up_to | vague
    role: str | None = None  # "from" | "to": the two ends of a change ("from 60 to 120 tenge")
    # the number counts what no unit lists: a length of time ("for seven months", "72 hours")
    # or a thing ("37 service vehicles")
    counts_other: bool = False


# Token kinds.
_NUM, _WORD, _PUNCT, _VFRAC = 0, 1, 2, 3
# Kind by first character; other letters (Cyrillic, accents) count as punctuation: no figure word has them.
_FIRST_CHAR_KIND = {
    **dict.fromkeys("0123456789", _NUM),
    **dict.fromkeys("½¼¾", _VFRAC),
    **dict.fromkeys("abcdefghijklmnopqrstuvwxyz", _WORD),
}
_NUMERIC_FIRST = frozenset("0123456789½¼¾")
_CLOCK_WORDS = frozenset({"am", "pm", "o'clock", "o’clock", "hrs"})

# Tokens: a number ("4,400", "10 000" (thousands set apart by a space, as ingest leaves a no-break
# space), "7.5", "1/2"), a vulgar fraction, a word (with inner apostrophes), or one other visible
# character. The capturing group makes re.split keep the tokens.
_TOKEN = re.compile(
    r"([a-z]+(?:['’][a-z]+)*|\d{1,3}(?: \d{3})+(?![\d,]|\.\d)|\d+(?:[,\u00a0\u202f]\d{3})*(?:\.\d+)?(?:/\d+)?"
    r"|[½¼¾]|[^\W\d_]+|[^\w\s])"
)
_VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75}
_DIGIT = re.compile(r"[0-9½¼¾]")
_DIGIT_RUN = re.compile(r"[0-9½¼¾](?:[0-9½¼¾,./:]*[0-9½¼¾])?")
_LETTERS = re.compile(r"[a-z]+")

# URLs and e-mail addresses hold digits but no quantity (searched only when the text has "@",
# "://" or "www."). Numeric dates, clock times, phone numbers and citation marks are recognised in
# the token stream (see _blocked).
_ADDRESSES = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True, eq=False)
class FigureLexicon:
    """codebook/figures.yaml compiled into lookups (built once per codebook)."""

    number_words: frozenset[str]  # words that make a sentence worth parsing
    starters: frozenset[str]  # lowercase words that can start a quantity
    ones: dict[str, int]
    tens: dict[str, int]
    hundred: dict[str, int]
    scales: dict[str, int]
    dozen: dict[str, int]
    fractions: dict[str, float]
    digit_scales: dict[str, int]
    vague: dict[tuple[str, ...], tuple[float, float]]
    before: dict[tuple[str, ...], str]
    after: dict[tuple[str, ...], str]
    units: dict[tuple[str, ...], str]
    durations: dict[str, tuple[str | None, float]]
    troop_collectives: frozenset[str]
    currency_prefixes: dict[str, str | None]
    per_litre: tuple[tuple[str, ...], ...]
    fuel: re.Pattern
    per_litre_max: float
    fuel_distance: int
    person_count: re.Pattern
    casualty_predicate: frozenset[str]
    max_words: int
    stop_words: frozenset[str]
    crossable: frozenset[str]
    months: frozenset[str]
    reference_words: frozenset[str]
    year_openers: frozenset[str]
    open_range_ends: tuple[tuple[str, ...], ...]
    range_words: frozenset[str]
    one_words: frozenset[str]
    another: tuple[tuple[str, ...], ...]
    another_heads: frozenset[str]
    unit_heads: frozenset[str]  # first words of the unit nouns
    figure_followers: frozenset[str]  # words after a number that make it more than a year
    cue_ends: frozenset[str]  # last words of the bound cues written before a number
    number_heads: frozenset[str]  # words that start another quantity: a unit search stops there
    longest: int  # longest multi-word entry, in words


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(str(phrase).lower()))


def _phrase_pattern(phrases: list[str]) -> re.Pattern:
    alternatives = sorted({re.escape(str(p).lower()) for p in phrases}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


def _check_words(spec: object, where: str) -> None:
    """Every word list holds strings: YAML reads a bare no, on or yes as a boolean."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key != "vague":
                _check_words(value, f"{where}: {key}")
    elif isinstance(spec, list):
        for item in spec:
            if not isinstance(item, str):
                raise ValueError(
                    f"codebook/{where}: {item!r} is not a word (quote it: YAML reads no/on/yes as booleans)"
                )


@cache
def lexicon(codebook: Codebook | None = None) -> FigureLexicon:
    """Compile the figure rules of `codebook` (default: the project's codebook/)."""
    spec = (codebook or codebook_module.load()).figures
    if not spec:
        raise ValueError("codebook has no figures.yaml: the figure parser needs its word lists")
    _check_words(spec, "figures.yaml")
    words = spec["number_words"]
    qualifiers = spec["qualifiers"]
    units = {_words(noun): unit for unit, nouns in spec["units"].items() for noun in nouns}
    vague = {_words(k): (float(v[0]), float(v[1])) for k, v in spec["vague"].items()}
    before = {_words(cue): q for q, cues in qualifiers["before"].items() for cue in cues}
    after = {_words(cue): q for q, cues in qualifiers["after"].items() for cue in cues}
    refuse = spec["not_figures"]
    number_words = [
        *words["ones"],
        *words["tens"],
        *words["hundred"],
        *words["scales"],
        *words["dozen"],
        *(k[-1] for k in vague),
        *(_words(a)[0] for a in refuse["another_words"]),
    ]
    currency = {str(k).lower() for k in spec["currency_prefixes"]}
    keyed = [*units, *vague, *before, *after]
    return FigureLexicon(
        number_words=frozenset(number_words),
        starters=frozenset([*number_words, *(k[0] for k in vague), "a", "an", "half", "us", *currency]),
        ones=dict(words["ones"]),
        tens=dict(words["tens"]),
        hundred=dict(words["hundred"]),
        scales=dict(words["scales"]),
        dozen=dict(words["dozen"]),
        fractions={k: float(v) for k, v in words["fractions"].items()},
        digit_scales=dict(words["digit_scales"]),
        vague=vague,
        before=before,
        after=after,
        units=units,
        durations={k: (v["unit"], float(v["factor"])) for k, v in spec["durations"].items()},
        troop_collectives=frozenset(spec["troop_collectives"]),
        currency_prefixes={str(k).lower(): v for k, v in spec["currency_prefixes"].items()},
        per_litre=tuple(sorted((_words(p) for p in spec["per_litre"]), key=len, reverse=True)),
        fuel=_phrase_pattern(spec["fuel_words"]),
        per_litre_max=float(spec["per_litre_max"]),
        fuel_distance=int(spec["fuel_distance"]),
        person_count=_phrase_pattern(spec["person_count_words"]),
        casualty_predicate=frozenset(spec["casualty_predicate"]),
        max_words=int(spec["window"]["max_words"]),
        stop_words=frozenset(spec["window"]["stop_words"]),
        crossable=frozenset(spec["window"]["crossable"]),
        months=frozenset(refuse["months"]),
        reference_words=frozenset(str(w).lower() for w in refuse["reference_words"]),
        year_openers=frozenset(refuse["year_openers"]),
        open_range_ends=tuple(sorted((_words(p) for p in refuse["open_range_ends"]), key=len, reverse=True)),
        range_words=frozenset(refuse["range_words"]),
        one_words=frozenset(refuse["one_words"]),
        another=tuple(sorted((_words(p) for p in refuse["another_words"]), key=len, reverse=True)),
        another_heads=frozenset(_words(p)[0] for p in refuse["another_words"]),
        unit_heads=frozenset(k[0] for k in units),
        figure_followers=frozenset(
            [
                *(k[0] for k in units),
                *(k[0] for k in after),
                *number_words,
                *words["digit_scales"],
                "and",
                "-",
            ]
        ),
        cue_ends=frozenset(k[-1] for k in before),
        number_heads=frozenset([*number_words, *(k[0] for k in vague), "half"]),
        longest=max(len(k) for k in keyed),
    )


class _Tokens:
    """A sentence's tokens as parallel lists (kind, lowercase text, character span)."""

    __slots__ = ("kind", "low", "start", "end", "n", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters grow when lowercased: keep offsets
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        parts = _TOKEN.split(lowered)
        edges = list(accumulate(map(len, parts)))
        self.low = parts[1::2]
        self.start = edges[0:-1:2]
        self.end = edges[1::2]
        self.n = len(self.low)
        self.kind = [_FIRST_CHAR_KIND.get(t[0], _PUNCT) for t in self.low]

    def raw(self, i: int) -> str:
        return self.text[self.start[i] : self.end[i]]

    def words_at(self, i: int, phrase: tuple[str, ...]) -> bool:
        return i + len(phrase) <= self.n and tuple(self.low[i : i + len(phrase)]) == phrase


@dataclass
class _Quantity:
    first: int  # token index of the first token (currency or number)
    last: int  # token index after the last number token
    low: float | None
    high: float | None
    qualifier: str
    unit: str | None = None  # set by a currency or percent sign
    unit_from: int | None = None  # where to look for the unit noun, when not right after the quantity
    cue: str | None = None  # the bound cue before the quantity ("at least" -> at_least)
    cue_start: int = 0  # token index where the cue (or the quantity) starts
    year_like: bool = False
    bare_one: bool = False  # a lone "one": a figure only with a unit noun


def find_figures(text: str, lexicon_: FigureLexicon | None = None) -> list[Figure]:
    """Every figure in `text` (a sentence), in order of position."""
    lex = lexicon_ or lexicon()
    if not has_number(text, lex):
        return []
    return _parse(text, lex)


def has_number(text: str, lexicon_: FigureLexicon | None = None) -> bool:
    """The prefilter: could `text` hold a figure? (False means it holds none.)

    True when it has a number word, or a digit that is not plainly a year after a year opener
    ("in 2011") or a day beside its month ("16 December", "December 16"). Cheap: a set lookup of
    its words and a look at the words around each digit run, no tokenizing.
    """
    lex = lexicon_ or lexicon()
    if not lex.number_words.isdisjoint(_LETTERS.findall(text.lower())):
        return True  # every word the parser can read is a run of letters: none is missed
    return _DIGIT.search(text) is not None and any(
        not _plain_year_or_day(text, m, lex) for m in _DIGIT_RUN.finditer(text)
    )


def _plain_year_or_day(text: str, m: re.Match, lex: FigureLexicon) -> bool:
    """The digit run `m` is a year after a year opener or a day beside a capitalised month, standing
    alone between spaces: the parser reads neither as a figure (see _figure and _is_date)."""
    run = m.group()
    start, end = m.start(), m.end()
    if not run.isdigit() or (start and not text[start - 1].isspace()):
        return False
    next_char = text[end] if end < len(text) else " "
    if not (next_char.isspace() or next_char in ",.;:)"):
        return False
    before = text[max(0, start - 30) : start].split()
    after = text[end : end + 30].split()
    previous = before[-1] if before else ""
    following = after[0].strip(",.;:)") if after and next_char.isspace() else ""
    value = int(run)
    if len(run) == 4 and 1800 <= value <= 2100:
        return previous.lower() in lex.year_openers and following.lower() not in lex.figure_followers
    if 1 <= value <= 31 and len(run) <= 2:
        month = previous[:-1] if previous.endswith(".") else previous
        return _month_word(month, lex) or _month_word(following, lex)
    return False


def _month_word(word: str, lex: FigureLexicon) -> bool:
    return bool(word) and word[0].isupper() and word.lower() in lex.months


def _parse(text: str, lex: FigureLexicon) -> list[Figure]:
    toks = _Tokens(text)
    blocked = _blocked(toks, lex)
    lowered = text.lower()
    figures: list[tuple[Figure, int, int]] = []  # figure, first token, start of its bound cue
    starters = lex.starters
    done = 0  # tokens before this index belong to a quantity already read
    for i in [i for i, t in enumerate(toks.low) if t[0] in _NUMERIC_FIRST or t in starters]:
        if i < done or i in blocked:
            continue
        q = _quantity(toks, i, lex, blocked)
        if q is None:
            continue
        figure = _figure(toks, q, lex, lowered)
        if figure is not None:
            figures.append((figure, q.first, q.cue_start))
        done = q.last
    return _pair_changes(toks, figures)


# ---------------------------------------------------------------------------------------------
# Tokens that are never figures


def _blocked(toks: _Tokens, lex: FigureLexicon) -> set[int]:
    """Indexes of number tokens that are dates, references, list markers, glued codes or masked."""
    blocked: set[int] = set()
    numbers = [i for i, k in enumerate(toks.kind) if k == _NUM]
    if not numbers:
        return blocked
    text = toks.text
    masks = []
    if "@" in text or "://" in text or "www." in text:
        masks = [m.span() for m in _ADDRESSES.finditer(text)]
    for i in numbers:
        if i in blocked:
            continue
        s, e = toks.start[i], toks.end[i]
        if masks and any(ms <= s < me for ms, me in masks):
            blocked.add(i)
            continue
        before = text[s - 1] if s else ""
        after = text[e] if e < len(text) else ""
        glued = before.isalpha() or (before == "-" and s >= 2 and text[s - 2].isalpha())
        if glued or (before and before in "#№'’/+"):
            blocked.add(i)  # MH17, Covid-19, #5, '90s, .../2020, +7
            if before == "+":
                _block_run(toks, i, blocked)
            continue
        if _block_run(toks, i, blocked):
            continue  # 16.12.2011, 2011-12-16, 10:30, 727 123 4567
        if after.isalpha():
            suffix = toks.low[i + 1] if i + 1 < toks.n else ""
            if suffix not in lex.digit_scales:
                blocked.add(i)  # 20th, 1990s, 5pm, 4G
                continue
        if "/" in toks.raw(i) and not _is_fraction_part(toks, i):
            blocked.add(i)  # 24/7
            continue
        previous = _previous_word(toks, i)
        if previous is not None and toks.low[previous] in lex.reference_words:
            _block_chain(toks, i, blocked)  # Article 164, Articles 164 and 174
            continue
        if _is_list_marker(toks, i) or _is_date(toks, i, lex) or _is_age(text, s, lex):
            blocked.add(i)
    return blocked


_NAME_COMMA_RE = re.compile(r"\b([A-Z][\w'’-]+), $")
_AGE_AFTER_RE = re.compile(r"\d{1,2}(?:,\s|\.(?!\d)|\s*\))")


def _is_age(text: str, start: int, lex: FigureLexicon) -> bool:
    """An age after a name: "said Aigerim Suleimenova, 29, a teacher" (not "11 January, 9,900")."""
    name = _NAME_COMMA_RE.search(text, max(0, start - 40), start)
    return bool(name and _AGE_AFTER_RE.match(text, start) and name.group(1).lower() not in lex.months)


def _block_run(toks: _Tokens, i: int, blocked: set[int]) -> bool:
    """Block a run of numbers that is a code, not a quantity: three or more numbers joined by one
    separator with no spaces (dates "2011-12-16", "16.12.2011", times "10:29:19"), a clock time
    "10:30" or "5 pm", a citation "[12]", or after "+" a phone number "+7 727 123 4567"."""
    text, low, n = toks.text, toks.low, toks.n
    run = [i]
    j = i
    separator = None
    while (
        j + 2 < n
        and toks.kind[j + 2] == _NUM
        and low[j + 1] in ".-/:"
        and (separator or low[j + 1]) == low[j + 1]
    ):
        if toks.end[j] != toks.start[j + 1] or toks.end[j + 1] != toks.start[j + 2]:
            break
        separator = low[j + 1]
        run.append(j + 2)
        j += 2
    code = (
        len(run) >= 3
        or separator == ":"
        or separator == "."
        and "." in low[i]  # "16.12.2011" reads as "16.12" "." "2011"
        or i + 1 < n
        and low[i + 1] in _CLOCK_WORDS
        or toks.words_at(i + 1, ("a", ".", "m"))
        or toks.words_at(i + 1, ("p", ".", "m"))
        or 0 < i < n - 1
        and low[i - 1] == "["
        and low[i + 1] == "]"
    )
    if not code and i > 0 and text[toks.start[i] - 1] == "+":
        while j + 1 < n and toks.kind[j + 1] == _NUM and toks.start[j + 1] - toks.end[j] == 1:
            run.append(j + 1)
            j += 1
        code = True
    if code:
        blocked.update(run)
    return code


def _previous_word(toks: _Tokens, i: int) -> int | None:
    """The token before `i`, stepping over an abbreviation's full stop ("No. 5", "Art. 164")."""
    j = i - 1
    if j >= 0 and toks.low[j] == ".":
        j -= 1
    return j if j >= 0 and toks.kind[j] in (_WORD, _PUNCT) else None


def _block_chain(toks: _Tokens, i: int, blocked: set[int]) -> None:
    blocked.add(i)
    j = i + 1
    while j + 1 < toks.n and toks.low[j] in {",", "and", "or", "-", "–"} and toks.kind[j + 1] == _NUM:
        blocked.add(j + 1)
        j += 2


def _is_list_marker(toks: _Tokens, i: int) -> bool:
    """ "1." or "1)" opening the sentence (or a line) and followed by a space."""
    text = toks.text
    line_start = text.rfind("\n", 0, toks.start[i]) + 1
    if text[line_start : toks.start[i]].strip(" \t(•·-*–—") != "":
        return False
    if i + 1 >= toks.n or toks.low[i + 1] not in {".", ")"}:
        return False
    after = toks.end[i + 1]
    return after >= len(text) or text[after].isspace()


def _day_number(toks: _Tokens, i: int) -> bool:
    if not (0 <= i < toks.n) or toks.kind[i] != _NUM:
        return False
    low = toks.low[i]
    return low.isdigit() and 1 <= int(low) <= 31


_DATE_LINKS = frozenset({"-", "–", "and", "to", "or", "&"})


def _is_month(toks: _Tokens, i: int, lex: FigureLexicon) -> bool:
    """A month name, capitalised (not the verb "may" or "march")."""
    return 0 <= i < toks.n and toks.low[i] in lex.months and toks.text[toks.start[i]].isupper()


def _is_date(toks: _Tokens, i: int, lex: FigureLexicon) -> bool:
    """A day of the month: "16 December", "December 16-17", "4 and 5 January", "Dec. 16"."""
    if not _day_number(toks, i):
        return False
    j = i  # "16 December", "4 and 5 January"
    while j + 2 < toks.n and toks.low[j + 1] in _DATE_LINKS and _day_number(toks, j + 2):
        j += 2
    if _is_month(toks, j + 1, lex):
        return True
    j = i  # "December 16", "December 16 to 17", "Dec. 16"
    while j - 2 >= 0 and toks.low[j - 1] in _DATE_LINKS | {","} and _day_number(toks, j - 2):
        j -= 2
    if j - 1 >= 0 and toks.low[j - 1] == ".":
        j -= 1
    return _is_month(toks, j - 1, lex)


def _is_fraction_part(toks: _Tokens, i: int) -> bool:
    """ "1/2" in "7 and 1/2" or "7 1/2"."""
    j = i - 1
    if j >= 0 and toks.low[j] == "and":
        j -= 1
    return j >= 0 and toks.kind[j] in (_NUM, _WORD) and toks.end[j] < toks.start[i]


# ---------------------------------------------------------------------------------------------
# Quantities: the number itself


def _quantity(toks: _Tokens, i: int, lex: FigureLexicon, blocked: set[int]) -> _Quantity | None:
    """The quantity starting at token `i` (a vague word, a number, a range), or None."""
    for length in range(min(3, toks.n - i), 0, -1):
        key = tuple(toks.low[i : i + length])
        if key in lex.vague:
            low, high = lex.vague[key]
            return _cued(toks, _Quantity(i, i + length, low, high, "vague"), lex)
    for phrase in lex.another if toks.low[i] in lex.another_heads else ():
        if toks.words_at(i, phrase) and _number(toks, i + len(phrase), lex, blocked) is None:
            return _cued(toks, _Quantity(i, i + len(phrase), 1.0, 1.0, "exact", bare_one=True), lex)
    unit, j = _currency(toks, i, lex)
    number = _number(toks, j, lex, blocked)
    if number is None:
        return None
    value, last, kind = number
    if kind == "one" and (last < toks.n and toks.low[last] == "of"):
        return None
    q = _cued(
        toks,
        _Quantity(i, last, value, value, "exact", unit=unit, bare_one=kind == "one" and unit is None),
        lex,
    )
    q.year_like = kind == "digits" and unit is None and _year_like(toks.raw(j))
    if last < toks.n and toks.low[last] in ("%",):
        q.unit, q.last = "percent", last + 1
    _range(toks, q, lex, blocked)
    return q


def _cued(toks: _Tokens, q: _Quantity, lex: FigureLexicon) -> _Quantity:
    q.cue, q.cue_start = _cue_start(toks, q.first, lex)
    return q


def _currency(toks: _Tokens, i: int, lex: FigureLexicon) -> tuple[str | None, int]:
    low = toks.low[i]
    if low == "us" and i + 1 < toks.n and toks.low[i + 1] == "$":
        return "usd", i + 2
    if low in lex.currency_prefixes and i + 1 < toks.n and toks.kind[i + 1] == _NUM:
        return lex.currency_prefixes[low], i + 1
    return None, i


def _year_like(raw: str) -> bool:
    return raw.isdigit() and len(raw) == 4 and 1800 <= int(raw) <= 2100


def _number(toks: _Tokens, i: int, lex: FigureLexicon, blocked: set[int]) -> tuple[float, int, str] | None:
    """(value, index after it, kind) of the number at `i`: digits or words, with scale and fraction."""
    if i >= toks.n or i in blocked:
        return None
    if toks.kind[i] == _NUM:
        raw = toks.raw(i)
        if "/" in raw:
            return None
        value = float(re.sub(r"[, \u00a0\u202f]", "", raw))
        j = i + 1
        value, j = _fraction(toks, j, value, lex)
        if j < toks.n and toks.kind[j] == _WORD:
            low = toks.low[j]
            if low in lex.scales or low in lex.hundred:
                return value * (lex.scales.get(low) or lex.hundred[low]), j + 1, "scaled"
            if low in lex.digit_scales:
                return value * lex.digit_scales[low], j + 1, "scaled"
        return value, j, "digits"
    if toks.kind[i] == _WORD:
        return _number_words(toks, i, lex)
    return None


def _fraction(toks: _Tokens, j: int, value: float, lex: FigureLexicon) -> tuple[float, int]:
    """ "7 and 1/2", "7 1/2", "7½", "seven and a half" add their fraction to `value`."""
    if j < toks.n and toks.kind[j] == _VFRAC and toks.start[j] == toks.end[j - 1]:
        return value + _VULGAR[toks.raw(j)], j + 1
    k = j + 1 if j < toks.n and toks.low[j] == "and" else j
    if k < toks.n and toks.kind[k] == _NUM and "/" in toks.raw(k):
        top, bottom = toks.raw(k).split("/", 1)
        if bottom != "0" and float(top) < float(bottom):
            return value + float(top) / float(bottom), k + 1
    if k > j and k + 1 < toks.n and toks.low[k] in ("a", "one") and toks.low[k + 1] in lex.fractions:
        return value + lex.fractions[toks.low[k + 1]], k + 2
    return value, j


def _number_words(toks: _Tokens, i: int, lex: FigureLexicon) -> tuple[float, int, str] | None:
    """ "Sixteen", "two hundred", "nearly a thousand", "twenty-five", "a dozen", "half a dozen"."""
    low = toks.low
    j = i
    if low[j] == "half" and toks.words_at(j + 1, ("a", "dozen")):
        return 6.0, j + 3, "words"
    if low[j] in ("a", "an"):
        nxt = low[j + 1] if j + 1 < toks.n else ""
        if nxt not in lex.hundred and nxt not in lex.scales and nxt not in lex.dozen:
            return None
        j += 1
        current = 1.0
        started_with_a = True
    else:
        current = 0.0
        started_with_a = False
    total = 0.0
    count = 0
    last = ""  # kind of the previous number word: ones, tens, hundred, scale
    while j < toks.n:
        w = low[j]
        joiner = w == "-" and last == "tens" or w == "and" and last in ("hundred", "scale")
        if joiner and j + 1 < toks.n and (low[j + 1] in lex.ones or low[j + 1] in lex.tens):
            j += 1  # "twenty-five", "two hundred and twenty"
            continue
        if w in lex.ones and (last in ("", "hundred", "scale") or last == "tens" and lex.ones[w] < 10):
            current += lex.ones[w]
            last = "ones"
        elif w in lex.tens and last in ("", "hundred", "scale"):
            current += lex.tens[w]
            last = "tens"
        elif w in lex.hundred and last in ("", "ones", "tens") and (current or started_with_a):
            current = (current or 1) * lex.hundred[w]
            last = "hundred"
        elif w in lex.scales and last in ("", "ones", "tens", "hundred") and (current or started_with_a):
            total += (current or 1) * lex.scales[w]
            current = 0.0
            last = "scale"
        elif w in lex.dozen and last in ("", "ones", "tens") and (current or started_with_a):
            current = (current or 1) * lex.dozen[w]
            last = "dozen"
        else:
            break
        count += 1
        started_with_a = False
        j += 1
    if count == 0:
        return None
    value = total + current
    value, j = _fraction(toks, j, value, lex)
    kind = "one" if count == 1 and low[i] in lex.one_words else "words"
    return value, j, kind


def _range(toks: _Tokens, q: _Quantity, lex: FigureLexicon, blocked: set[int]) -> None:
    """Widen `q` into a range: "1,000 to 1,500", "8-10", "two or three", "between 8 and 10 (years)"."""
    j = q.last
    before = toks.low[q.cue_start - 1] if q.cue_start > 0 else ""
    between = before == "between"
    if between:
        k = j
        while k < min(j + 3, toks.n) and toks.low[k] != "and":
            k += 1
        if k < toks.n and toks.low[k] == "and" and not q.year_like:
            if k > j:
                q.unit_from = j  # "between 8 years and 10", "between eight years and life"
            for end in lex.open_range_ends:
                if toks.words_at(k + 1, end):
                    q.qualifier, q.high, q.last = "at_least", None, k + 1 + len(end)
                    q.bare_one = q.year_like = False
                    return
            other = _number(toks, k + 1, lex, blocked)
            if other is not None:
                q.high, q.last = other[0], other[1]
                q.bare_one = q.year_like = False
        return
    if j + 1 >= toks.n or toks.low[j] not in ("-", "–", "to", "or"):
        return
    if toks.low[j] == "to" and before == "from":
        ranged = q.cue_start > 1 and toks.low[q.cue_start - 2] in lex.range_words
        if not ranged:
            return  # a change ("rose from 60 to 120"), not a range ("range from two to eight")
    other = _number(toks, j + 1, lex, blocked)
    if other is None or other[0] <= (q.low or 0) or q.year_like:
        return
    if toks.low[j] in ("-", "–") and toks.kind[j + 1] != toks.kind[q.last - 1]:
        return
    q.high, q.last = other[0], other[1]
    q.bare_one = q.year_like = False


# ---------------------------------------------------------------------------------------------
# Bounds and units around the quantity


def _cue_start(toks: _Tokens, first: int, lex: FigureLexicon) -> tuple[str | None, int]:
    """The bound cue ending right before token `first` (opening quotes skipped): (qualifier, its start)."""
    j = first
    while j > 0 and toks.low[j - 1] in ("“", '"', "‘", "'", "«"):
        j -= 1
    if j == 0 or toks.low[j - 1] not in lex.cue_ends:
        return None, first
    for length in range(min(lex.longest, j), 0, -1):
        key = tuple(toks.low[j - length : j])
        if key in lex.before:
            return lex.before[key], j - length
    return None, first


def _figure(toks: _Tokens, q: _Quantity, lex: FigureLexicon, lowered: str) -> Figure | None:
    cue, cue_start = q.cue, q.cue_start
    unit, factor, unit_end, bare, unit_index = _unit(toks, q, lex)
    last = q.last
    after_cue = None
    probe = last + 1 if last + 1 < toks.n and toks.low[last] == "-" else last  # "50-plus", "300-odd"
    for length in range(min(2, toks.n - probe), 0, -1):
        key = tuple(toks.low[probe : probe + length])
        if key in lex.after:
            after_cue, last = lex.after[key], probe + length
            break
    if q.bare_one and unit is None:
        return None
    if unit == "years" and _age(toks, unit_index):
        return None
    if unit is None and _age_when(toks, q):
        return None
    if q.year_like and cue is None:
        previous = toks.low[q.first - 1] if q.first > 0 else ""
        if previous in lex.year_openers or (q.first > 0 and _is_date(toks, q.first - 1, lex)):
            return None  # "in 2011", "December 16 2011"
        if after_cue is None and (unit is None or unit_index != q.last):
            return None  # "since 1991 or so", "the 2012 trial"; but "2000 troops", "2000 or more"
    if unit is None and bare and lex.person_count.search(lowered):
        unit = "people"
    if unit == "tenge" and _per_litre(toks, unit_index + 1, lex, lowered, q):
        unit = "tenge_per_litre"
    if unit == "troops" and _casualties_after(toks, unit_index, lex):
        unit = "people"
    low = q.low * factor if q.low is not None else None
    high = q.high * factor if q.high is not None else None
    qualifier = cue or after_cue or q.qualifier
    low, high, qualifier = _bounds(low, high, q.qualifier, qualifier)
    start = toks.start[cue_start]
    end = max(toks.end[last - 1], unit_end)
    counts_other = unit is None and unit_end >= 0  # a noun without a unit of its own
    return Figure(start, end, low, high, unit, qualifier, counts_other=counts_other)


def _age(toks: _Tokens, j: int) -> bool:
    """ "a 25-year-old", "40 years old": an age, not a duration."""
    k = j + 1
    if k < toks.n and toks.low[k] in ("-", "–"):
        k += 1
    return k < toks.n and toks.low[k] in ("old", "olds")


def _age_when(toks: _Tokens, q: _Quantity) -> bool:
    """ "he was 23 when he was shot": a person's age at the time, not a count."""
    return (
        q.first >= 2
        and toks.low[q.first - 2] in ("he", "she", "who", "i")
        and toks.low[q.first - 1] in ("was", "is")
        and q.last < toks.n
        and toks.low[q.last] == "when"
    )


def _bounds(low, high, shape: str, qualifier: str) -> tuple[float | None, float | None, str]:
    """Apply the bound cue to the quantity's own shape (exact value, range or vague)."""
    if qualifier in ("at_least", "more_than"):
        return low, None, qualifier
    if qualifier == "up_to":
        return None, high, qualifier
    if shape == "vague":
        return low, high, "vague"
    if shape == "at_least":  # an open range ("between 8 years and life")
        return low, None, "at_least"
    if qualifier == "exact" and low != high:
        return low, high, "about"  # a stated range: bounded on both sides, but not one number
    return low, high, qualifier


def _unit(toks: _Tokens, q: _Quantity, lex: FigureLexicon) -> tuple[str | None, float, int, bool, int]:
    """(unit, factor, end of the unit noun, bare count?, token index of the unit noun); a noun no
    unit lists right after the number ("37 service vehicles") gives unit None and its end.

    Looks at up to `max_words` words after the quantity for a unit noun; "bare" means the
    search ended at a stop word or punctuation without crossing any other word.
    """
    if q.unit is not None:
        return q.unit, 1.0, toks.end[q.last - 1], False, q.last - 1
    j = first = q.last if q.unit_from is None else q.unit_from
    if j + 1 < toks.n and toks.low[j] in ("-", "–") and toks.kind[j + 1] == _WORD:
        return _compound_unit(toks, j + 1, lex)  # "20-day", "two-week", "eight-month"
    words = 0
    bare = True
    while j < toks.n and words < lex.max_words:
        for length in range(min(lex.longest, toks.n - j), 0, -1) if toks.low[j] in lex.unit_heads else ():
            key = tuple(toks.low[j : j + length])
            if key in lex.units:
                unit = lex.units[key]
                end = j + length
                while end < toks.n and lex.units.get((toks.low[end],)) == unit:
                    end += 1  # "police officers", "members of ..." ends at the last noun
                if unit == "people" and toks.low[end - 1] in ("members", "member"):
                    unit = _members(toks, end, lex)
                return unit, 1.0, toks.end[end - 1], False, end - 1
        low = toks.low[j]
        if low in lex.durations:
            unit, factor = lex.durations[low]
            return unit, factor, toks.end[j], False, j
        if toks.kind[j] == _NUM or low in lex.stop_words or low in lex.number_heads:
            break
        if low in lex.crossable:
            j += 1
            continue
        if toks.kind[j] != _WORD:
            break
        bare = False
        if len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")):
            # a plural noun not listed is the head of something else; right after the number
            # ("37 service vehicles") it is what the number counts
            if words <= 1 and all(toks.low[k] not in lex.crossable for k in range(first, j)):
                return None, 1.0, toks.end[j], False, j
            break
        words += 1
        j += 1
    return None, 1.0, -1, bare, j


def _compound_unit(toks: _Tokens, j: int, lex: FigureLexicon) -> tuple[str | None, float, int, bool, int]:
    low = toks.low[j]
    if low in lex.durations:
        unit, factor = lex.durations[low]
        return unit, factor, toks.end[j], False, j
    unit = lex.units.get((low,))
    if unit in ("years", "days"):
        return unit, 1.0, toks.end[j], False, j
    return None, 1.0, -1, False, j


def _members(toks: _Tokens, j: int, lex: FigureLexicon) -> str:
    """ "members of the (armed) security forces" are troops; other members are people."""
    if j < toks.n and toks.low[j] == "of":
        for k in range(j + 1, min(j + 6, toks.n)):
            if toks.low[k] in lex.troop_collectives:
                return "troops"
            if toks.kind[k] != _WORD:
                break
    return "people"


def _casualties_after(toks: _Tokens, j: int, lex: FigureLexicon) -> bool:
    """Troops counted as casualties: "Eight members of the security forces were killed"."""
    for k in range(j + 1, min(j + 10, toks.n)):
        if toks.low[k] in lex.casualty_predicate:
            return True
        if toks.kind[k] != _WORD:
            return False
    return False


def _per_litre(toks: _Tokens, j: int, lex: FigureLexicon, lowered: str, q: _Quantity) -> bool:
    """Tenge per litre: a per-litre phrase follows, or a fuel word is near and the amount is a pump price."""
    at = toks.start[q.first]
    if j < toks.n and toks.low[j] == "(":
        depth_end = next((k for k in range(j, min(j + 12, toks.n)) if toks.low[k] == ")"), None)
        if depth_end is not None:
            j = depth_end + 1
    if any(toks.words_at(j, phrase) for phrase in lex.per_litre):
        return True
    value = q.high if q.high is not None else q.low
    if value is None or value >= lex.per_litre_max:
        return False
    clause = max(lowered.rfind(";", 0, at), at - lex.fuel_distance, 0)  # the fuel word is in the same clause
    return lex.fuel.search(lowered, clause, at) is not None


def _pair_changes(toks: _Tokens, found: list[tuple[Figure, int, int]]) -> list[Figure]:
    """Mark the ends of a change ("from 60 to 120 tenge") with roles and give them one unit."""
    figures = [f for f, _, _ in found]
    marker = [toks.low[p - 1] if p > 0 else "" for _, _, p in found]
    for a, mark in enumerate(marker):
        if mark != "from":
            continue
        partners = [
            b
            for b in range(len(found))
            if marker[b] == "to" and abs(figures[b].start - figures[a].start) <= 80 and b != a
        ]
        if not partners:
            continue
        b = min(partners, key=lambda k: abs(figures[k].start - figures[a].start))
        units = {figures[a].unit, figures[b].unit} - {None}
        if units - {"tenge", "tenge_per_litre"} and len(units) > 1:
            continue
        unit = "tenge_per_litre" if "tenge_per_litre" in units else (units.pop() if units else None)
        figures[a] = _with(figures[a], unit=unit, role="from")
        figures[b] = _with(figures[b], unit=unit, role="to")
    return figures


def _with(figure: Figure, **changes) -> Figure:
    return Figure(**{**figure.__dict__, **changes})
