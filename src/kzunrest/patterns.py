"""Compile the coding rules in codebook/ (patterns/*.yaml, lexicon.yaml, actors.yaml, negation.yaml).

A pattern is a lowercase regular expression over one sentence; `{name}` stands for a word class
of codebook/lexicon.yaml and `{w3}` for "up to three words". Each category's patterns become one
alternation (a named group per pattern, so a match says which rule fired).

Speed: running every category's regex on every sentence is what makes naive matchers slow. For
each pattern the compiler derives its *anchors*: words (or word beginnings) one of which any
match must contain, found by reading the parsed regex. A sentence is tokenised once into its set
of words and only categories with an anchor among them are tried; the anchors come from the
patterns themselves, so the prefilter never loses a match the regex would make.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from re import _constants as sre_constants  # noqa: PLC2701 - the parser behind `re`, read-only use
from re import _parser as sre_parser  # noqa: PLC2701

import yaml

from kzunrest.codebook import Codebook

TABLES = ("trigger", "demand", "state_response", "outcome")
_MACRO_RE = re.compile(r"\{([a-z_]+)\}")
_GAP_RE = re.compile(r"\{w(\d{1,2})\}")
_GAP = r"(?:[^\s;:.!?]+ ){{0,{n}}}?"  # up to n words (not across clause punctuation)
WORD_RE = re.compile(r"\w+")
# Words too common to be worth an anchor (the prefilter would pass nearly every sentence).
_WEAK_ANCHORS = frozenset({
    "the", "and", "for", "were", "was", "have", "has", "had", "with", "that", "this", "from", "into",
    "their", "they", "been", "are", "its", "his", "her", "who", "which", "not", "but", "than", "then",
    "there", "them", "these", "those", "will", "would",
})  # fmt: skip


class CodebookError(Exception):
    """A codebook file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Pattern:
    rule_id: str  # table.category.pattern_id
    source: str  # the pattern as written in the codebook
    anchors: frozenset[str] | None  # None: no anchor found, the pattern runs on every sentence
    negatable: bool  # negators before the match cancel it
    own_negators: frozenset[str]  # negator words the pattern itself spells out (not a negation)
    figure_optional: bool  # a figure-required category may be coded without one from this pattern
    framed: bool  # demand patterns that carry their own frame ("down with ...")
    requires: re.Pattern | None


@dataclass(frozen=True)
class FigureRule:
    units: tuple[str, ...]  # accepted units; a figure without a unit takes the first
    required: bool  # no row without a figure
    many: bool  # one row per figure (outcome counts), else the nearest figure only
    count_units: frozenset[str]  # which of `units` count persons (for `requires_count`)


@dataclass(frozen=True, eq=False)
class Category:
    table: str
    id: str
    family: str
    definition: str
    regex: re.Pattern
    patterns: tuple[Pattern, ...]
    exclude: re.Pattern | None  # a match overlapping an exclusion is not this category
    requires: re.Pattern | None  # the sentence must also match this
    negatable: bool
    modal: bool  # modal/hypothetical cues before the match cancel it
    source: str | None  # None | state_actor | state_speaks: who must be voicing it
    figure: FigureRule | None
    requested_blocks: bool  # a match asked for ("demanded the resignation of ...") is not an act


@dataclass(frozen=True)
class TableRules:
    frame: re.Pattern | None  # demand: a demand verb must govern the object
    frame_window: int
    outsiders_block: bool


@dataclass(frozen=True, eq=False)
class Ruleset:
    categories: tuple[Category, ...]
    tables: dict[str, TableRules]
    anchor_index: dict[str, tuple[tuple[str, int], ...]]  # first 2 letters -> (anchor, category index)
    always: tuple[int, ...]  # categories with a pattern that has no anchor
    negators: re.Pattern
    modal: dict[str, re.Pattern]  # table -> modal cues
    requested: re.Pattern
    scope_breaks: re.Pattern
    window_words: int
    actors: dict[str, tuple[str, re.Pattern]]  # actor id -> (side, regex)
    state_speaks: re.Pattern
    state_actor: re.Pattern
    asking_state: re.Pattern  # state actors whose calls are the state's (not companies, media)
    outsider: re.Pattern
    protester: re.Pattern
    context: dict  # codebook/context.yaml, compiled

    def candidates(self, lowered: str) -> list[int]:
        """Indexes of the categories whose anchors occur in the (lowercased) sentence, in order."""
        found = set(self.always)
        index = self.anchor_index
        for word in set(WORD_RE.findall(lowered)):
            for anchor, i in index.get(word[:2], ()):
                if word.startswith(anchor):
                    found.add(i)
        return sorted(found)


# ---------------------------------------------------------------- loading


def _read(path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CodebookError(f"{path}: {exc}") from exc


def _alternation(entries: list[str]) -> str:
    return "(?:" + "|".join(sorted({str(e) for e in entries}, key=len, reverse=True)) + ")"


class _Expander:
    """Expands `{name}` word classes (recursively) and `{wN}` gaps in a pattern."""

    def __init__(self, words: dict[str, list[str]], where: str) -> None:
        self.words = words
        self.where = where
        self.done: dict[str, str] = {}

    def __call__(self, pattern: str, seen: tuple[str, ...] = ()) -> str:
        pattern = _GAP_RE.sub(lambda m: _GAP.format(n=m.group(1)), _comma_tolerant(str(pattern)))
        return _MACRO_RE.sub(lambda m: self._macro(m.group(1), seen), pattern)

    def _macro(self, name: str, seen: tuple[str, ...]) -> str:
        if name in self.done:
            return self.done[name]
        if name not in self.words:
            raise CodebookError(f"{self.where}: unknown word class {{{name}}}")
        if name in seen:
            raise CodebookError(f"{self.where}: word class {{{name}}} refers to itself")
        entries = self.words[name]
        _check_strings(entries, f"{self.where}: {name}")
        expanded = _alternation([self(e, (*seen, name)) for e in entries])
        self.done[name] = expanded
        return expanded


_SPACE = '[,"”’]? ["“‘]?'  # a space in a pattern: after a comma or closing quote, before an opening quote


def _comma_tolerant(pattern: str) -> str:
    """Each space between words in a pattern also accepts a comma or quote around it:
    "Sokolova, was detained", 'had "liquidated" dozens'."""
    out, in_class, escaped = [], False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == " " and not in_class and not (out and out[-1] in ',"”’'):
            out.append(_SPACE)
            continue
        out.append(ch)
    return "".join(out)


def _compile(regex: str, where: str) -> re.Pattern:
    try:
        return re.compile(regex)
    except re.error as exc:
        raise CodebookError(f"{where}: bad pattern: {exc}") from exc


def _bounded(expanded: str) -> str:
    return rf"\b(?:{expanded})(?!\w)"


def _check_strings(entries, where: str) -> None:
    """YAML reads `a(?: b)` unquoted as a mapping: say so instead of compiling nonsense."""
    if not isinstance(entries, list):
        raise CodebookError(f"{where}: expected a list of patterns")
    for entry in entries:
        if not isinstance(entry, str):
            raise CodebookError(f"{where}: {entry!r} is not a string (quote entries containing ': ')")


def _phrase_list(entries, expand: _Expander, where: str) -> re.Pattern | None:
    if not entries:
        return None
    _check_strings(entries, where)
    return _compile(_bounded("|".join(f"(?:{expand(e)})" for e in entries)), where)


# ---------------------------------------------------------------- anchors


def anchors_of(regex: str) -> frozenset[str] | None:
    """Word beginnings of which every match of `regex` contains one (as the start of a word), or None."""
    try:
        parsed = sre_parser.parse(regex)
    except re.error:
        return None
    found = _sequence_anchors(list(parsed), None)
    return frozenset(found) if found else None


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _as_anchor(lead: str | None) -> set[str] | None:
    return {lead} if lead is not None and len(lead) >= 2 else None


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """The more selective of two anchor sets: no common words, fewer alternatives, longer words."""
    if not a:
        return b
    if not b:
        return a
    return min(
        a, b, key=lambda s: (any(w in _WEAK_ANCHORS or len(w) < 3 for w in s), len(s), -min(map(len, s)))
    )


def _optional_punctuation(op, av) -> bool:
    c = sre_constants
    return op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] == 0 and _non_word_only(list(av[2]))


def _non_word_only(items: list) -> bool:
    """The items match only punctuation or spaces (a comma, a quote, a hyphen), never a word character."""
    c = sre_constants
    for op, av in items:
        if op is c.LITERAL and not _is_word_char(chr(av)):
            continue
        if op is c.IN and all(o is c.LITERAL and not _is_word_char(chr(v)) for o, v in av):
            continue
        if _optional_punctuation(op, av):
            continue
        return False
    return True


def _ends_non_word(items: list) -> bool:
    """Whatever the items match ends with a non-word character (so a word may start after it)."""
    c = sre_constants
    items = list(items)
    while items and _optional_punctuation(*items[-1]):
        items.pop()
    if not items:
        return False
    op, av = items[-1]
    if op is c.SUBPATTERN:
        return _ends_non_word(list(av[-1]))
    if op is c.BRANCH:
        return all(_ends_non_word(list(b)) for b in av[1])
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
        return _ends_non_word(list(av[2]))
    return _non_word_only([(op, av)])


def _sequence_anchors(items: list, lead: str | None) -> set[str] | None:
    """Best anchor set of a parsed sequence. `lead`: the word characters matched since the last
    word start ("" right at a word start, None when not known to be at one)."""
    c = sre_constants
    best: set[str] | None = None
    for op, av in items:
        if op is c.LITERAL:
            ch = chr(av)
            if _is_word_char(ch):
                lead = None if lead is None else lead + ch
            else:
                best = _better(best, _as_anchor(lead))
                lead = ""
        elif op is c.AT:
            if av is c.AT_BOUNDARY and lead is None:
                lead = ""
        elif op in (c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width
        elif op is c.IN and _non_word_only([(op, av)]):
            best = _better(best, _as_anchor(lead))
            lead = ""
        elif op is c.SUBPATTERN or op is c.BRANCH:
            branches = [list(av[-1])] if op is c.SUBPATTERN else [list(b) for b in av[1]]
            found = [_sequence_anchors(b, lead) for b in branches]
            best = _better(best, _as_anchor(lead))
            if all(found):
                best = _better(best, set().union(*found))
            lead = "" if all(_ends_non_word(b) for b in branches) else None
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            low, _high, sub = av
            body = list(sub)
            if low == 0 and _non_word_only(body):
                best = _better(best, _as_anchor(lead))  # an optional comma or quote ends a word
                lead = "" if lead == "" else None
                continue
            if low >= 1:
                best = _better(best, _sequence_anchors(body, lead))
            best = _better(best, _as_anchor(lead))
            ends_at_start = _ends_non_word(body)
            lead = "" if ends_at_start and (low >= 1 or lead == "") else None
        else:
            best = _better(best, _as_anchor(lead))
            lead = None
    return _better(best, _as_anchor(lead))


# ---------------------------------------------------------------- compiling


def _words_in(text: str, vocabulary: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in WORD_RE.findall(text.lower()) if w in vocabulary)


def _figure_rule(spec: dict | None, units: tuple[str, ...], where: str) -> FigureRule | None:
    if not spec:
        return None
    accepted = tuple(spec.get("units") or ())
    unknown = [u for u in accepted if u not in units]
    if unknown or not accepted:
        raise CodebookError(f"{where}: figure units must be a non-empty list of {units}; got {accepted}")
    return FigureRule(
        units=accepted,
        required=bool(spec.get("required", False)),
        many=bool(spec.get("many", False)),
        count_units=frozenset(u for u in accepted if u in ("people", "troops")),
    )


@cache
def load(codebook: Codebook) -> Ruleset:
    """The codebook's patterns compiled (once per loaded codebook)."""
    directory = codebook.directory
    lexicon = _read(directory / "lexicon.yaml")
    expand = _Expander(lexicon.get("words") or {}, str(directory / "lexicon.yaml"))
    negation = _read(directory / "negation.yaml")
    actors_spec = _read(directory / "actors.yaml")
    context = _read(directory / "context.yaml")
    negator_words = frozenset(str(w).lower() for w in negation["negators"] if " " not in str(w))

    categories: list[Category] = []
    tables: dict[str, TableRules] = {}
    for table in TABLES:
        where = directory / "patterns" / f"{table}.yaml"
        spec = codebook.patterns.get(table)
        if spec is None:
            raise CodebookError(f"{where}: missing")
        table_spec = spec.get("table") or {}
        tables[table] = TableRules(
            frame=_phrase_list(table_spec.get("frame"), expand, f"{where}: table.frame"),
            frame_window=int(table_spec.get("frame_window", 0)),
            outsiders_block=bool(table_spec.get("outsiders_block", False)),
        )
        for cid, cspec in (spec.get("categories") or {}).items():
            here = f"{where}: {cid}"
            known = codebook.categories.get((table, cid))
            if known is None:
                raise CodebookError(f"{here}: not a {table} category of taxonomy.yaml")
            patterns, alternatives = [], []
            for i, pspec in enumerate(cspec.get("patterns") or []):
                if (
                    not isinstance(pspec, dict)
                    or "id" not in pspec
                    or not isinstance(pspec.get("regex"), str)
                ):
                    raise CodebookError(f"{here}: patterns[{i}] needs an id and a regex string")
                expanded = expand(pspec["regex"])
                _compile(expanded, f"{here}.{pspec['id']}")
                negatable = bool(
                    pspec.get("negation", cspec.get("negation", table_spec.get("negation", True)))
                )
                patterns.append(
                    Pattern(
                        rule_id=f"{table}.{cid}.{pspec['id']}",
                        source=str(pspec["regex"]),
                        anchors=anchors_of(_bounded(expanded)),
                        negatable=negatable,
                        own_negators=_words_in(str(pspec["regex"]), negator_words),
                        figure_optional=bool(pspec.get("figure_optional", False)),
                        framed=bool(pspec.get("framed", False)),
                        requires=_phrase_list(
                            pspec.get("requires"), expand, f"{here}.{pspec['id']}.requires"
                        ),
                    )
                )
                alternatives.append(f"(?P<p{i}>{expanded})")
            if not patterns:
                raise CodebookError(f"{here}: a category needs at least one pattern")
            categories.append(
                Category(
                    table=table,
                    id=cid,
                    family=known.family,
                    definition=known.definition,
                    regex=_compile(_bounded("|".join(alternatives)), here),
                    patterns=tuple(patterns),
                    exclude=_phrase_list(cspec.get("exclude"), expand, f"{here}.exclude"),
                    requires=_phrase_list(cspec.get("requires"), expand, f"{here}.requires"),
                    negatable=bool(cspec.get("negation", table_spec.get("negation", True))),
                    modal=bool(cspec.get("modal", table_spec.get("modal", False))),
                    source=cspec.get("source"),
                    figure=_figure_rule(cspec.get("figure"), codebook.units, here),
                    requested_blocks=bool(
                        cspec.get("requested_blocks", table_spec.get("requested_blocks", False))
                    ),
                )
            )

    index: dict[str, list[tuple[str, int]]] = {}
    always = []
    for i, category in enumerate(categories):
        if any(p.anchors is None for p in category.patterns):
            always.append(i)
            continue
        for anchor in sorted({a for p in category.patterns for a in p.anchors}):
            index.setdefault(anchor[:2], []).append((anchor, i))

    actors = {}
    for side in ("state", "protesters", "outsiders"):
        for actor_id, entries in (actors_spec.get(side) or {}).items():
            actors[actor_id] = (side, _phrase_list(entries, expand, f"actors.yaml: {side}.{actor_id}"))

    def side_regex(side: str) -> re.Pattern:
        entries = [e for entries in (actors_spec.get(side) or {}).values() for e in entries]
        return _phrase_list(entries, expand, f"actors.yaml: {side}")

    return Ruleset(
        categories=tuple(categories),
        tables=tables,
        anchor_index={k: tuple(v) for k, v in index.items()},
        always=tuple(always),
        negators=_phrase_list(negation["negators"], expand, "negation.yaml: negators"),
        modal={
            t: _phrase_list(words, expand, f"negation.yaml: modal.{t}")
            for t, words in negation["modal"].items()
        },
        requested=_phrase_list(negation["requested"], expand, "negation.yaml: requested"),
        scope_breaks=_compile(negation["scope_breaks"], "negation.yaml: scope_breaks"),
        window_words=int(negation.get("window_words", 6)),
        actors=actors,
        state_speaks=_phrase_list(actors_spec["state_speaks"], expand, "actors.yaml: state_speaks"),
        state_actor=side_regex("state"),
        asking_state=_phrase_list(
            [e for a in actors_spec["asking_state"] for e in actors_spec["state"][a]], expand, "actors.yaml"
        ),
        outsider=side_regex("outsiders"),
        protester=side_regex("protesters"),
        context={
            "lead_in": _compile(context["lead_in"], "context.yaml: lead_in"),
            "list_item": _compile(context["list_item"], "context.yaml: list_item"),
            "bare_marker": _compile(context["bare_marker"], "context.yaml: bare_marker"),
            "authored": _compile(context["authored"], "context.yaml: authored"),
            "authored_type": str(context["authored_type"]),
            "section_break": _compile(context["section_break"], "context.yaml: section_break"),
            "pronoun_speaker": _compile(expand(context["pronoun_speaker"]), "context.yaml: pronoun_speaker"),
            "state_voice": _compile(context["state_voice"], "context.yaml: state_voice"),
            "outsider_voice": _compile(context["outsider_voice"], "context.yaml: outsider_voice"),
            "other_claim": _compile(context["other_claim"], "context.yaml: other_claim"),
        },
    )


def describe(rules: Ruleset) -> list[str]:
    """The codebook as a table a reader can scan: category, family, #patterns, definition."""
    lines = [f"{'table':<15} {'category':<27} {'family':<13} {'#pat':>4}  definition"]
    for category in rules.categories:
        lines.append(
            f"{category.table:<15} {category.id:<27} {category.family:<13} {len(category.patterns):>4}  "
            f"{category.definition}"
        )
    return lines
