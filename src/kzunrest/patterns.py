"""Compile the coding rules in codebook/ (patterns/*.yaml, lexicon.yaml, actors.yaml, negation.yaml).

A pattern is a lowercase regular expression over one sentence; `{name}` stands for a word class
of codebook/lexicon.yaml and `{w3}` for "up to three words". A match says which rule fired
(rule_id = table.category.pattern).

Speed: trying every pattern at every position of every sentence is what makes naive matchers
slow. For each pattern the compiler reads the parsed regex and derives the words (or word
beginnings) a match can START with, e.g. {open} for "(?:open|opened|opening) fire". A sentence is
tokenised once; a pattern is tried only at the words that can start it (`re.match` at that
offset), and which patterns a word can start is worked out once per distinct word. The start
words come from the regexes themselves, so this never loses a match the regex would make
(tests/test_extract.py checks it on every gold sentence). A pattern whose start cannot be read
(none in the shipped codebook) is searched in full.
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
# Words too common to be a useful required word (a sentence nearly always has one).
_WEAK_ANCHORS = frozenset({
    "the", "and", "for", "were", "was", "have", "has", "had", "with", "that", "this", "from", "into",
    "their", "they", "been", "are", "its", "his", "her", "who", "which", "not", "but", "than", "then",
    "there", "them", "these", "those", "will", "would",
})  # fmt: skip
_MACRO_RE = re.compile(r"\{([a-z_]+)\}")
_GAP_RE = re.compile(r"\{w(\d{1,2})\}")
_GAP = r"(?:[^\s;:.!?]+ ){{0,{n}}}?"  # up to n words (not across clause punctuation)
WORD_RE = re.compile(r"\w+")


class CodebookError(Exception):
    """A codebook file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Pattern:
    rule_id: str  # table.category.pattern_id
    source: str  # the pattern as written in the codebook
    regex: re.Pattern
    starts: frozenset[str] | None  # words a match can start with; None: searched in full
    negatable: bool  # negators before the match cancel it
    requestable: bool  # false: a demand verb before it never makes it asked for ("which ... rejected")
    own_negators: frozenset[str]  # negator words the pattern itself spells out (not a negation)
    figure_optional: bool  # a figure-required category may be coded without one from this pattern
    framed: bool  # demand patterns that carry their own frame ("down with ...")
    takes_figure: bool  # false: a number in this match does not measure the category
    requires: re.Pattern | None


@dataclass(frozen=True)
class FigureRule:
    units: tuple[str, ...]  # accepted units; a figure without a unit takes the first
    required: bool  # no row without a figure
    many: bool  # one row per figure (outcome counts), else the nearest figure only
    unitless: str | None  # the unit of a bare number right beside the words ("killing at least 15")
    reach: int  # how many characters away from its words a figure may stand
    single: re.Pattern | None  # one person named as the subject ("a 22-year-old man was shot dead"): 1
    recount: dict[str, str]  # a unit counted as another: soldiers killed are people killed

    def counted(self, unit: str | None) -> str | None:
        """The unit a figure in `unit` counts in for this category (troops killed: people)."""
        return self.recount.get(unit, unit)

    def unit_of(self, figure) -> str | None:
        """The unit this category records the figure in (a bare number: `unitless`)."""
        return self.counted(figure.unit) if figure.unit else self.unitless


@dataclass(frozen=True, eq=False)
class Category:
    table: str
    id: str
    family: str
    definition: str
    patterns: tuple[Pattern, ...]
    exclude: re.Pattern | None  # a match overlapping an exclusion is not this category
    requires: re.Pattern | None  # the sentence must also match this
    negatable: bool
    modal: bool  # modal/hypothetical cues before the match cancel it
    source: str | None  # None | state_actor | state_speaks: who must be voicing it
    figure: FigureRule | None
    requested_blocks: bool  # a match asked for ("demanded the resignation of ...") is not an act
    yields_to: frozenset[str]  # same-table categories that replace this one (extract._replaces, _continued)


@dataclass(frozen=True)
class TableRules:
    frame: re.Pattern | None  # demand: a demand verb must govern the object
    frame_window: int
    outsiders_block: bool


@dataclass(frozen=True, eq=False)
class Ruleset:
    categories: tuple[Category, ...]
    tables: dict[str, TableRules]
    matcher: Matcher  # every pattern of every category (in category order), then every actor
    owners: tuple[tuple[int, int], ...]  # matcher index -> (category index, pattern index)
    negators: re.Pattern
    modal: dict[str, re.Pattern]  # table -> modal cues
    requested: re.Pattern
    requested_window: int  # words a demand verb may stand before what it asks for
    scope_breaks: re.Pattern
    window_words: int
    actor_ids: tuple[tuple[str, str], ...]  # (actor id, side) of the matcher's regexes after the patterns
    state_speaks: re.Pattern
    state_actor: re.Pattern
    asking_state: re.Pattern  # state actors whose calls are the state's (not companies, media)
    outsider: re.Pattern
    protester: re.Pattern
    context: dict  # codebook/context.yaml, compiled

    def scan(
        self, lowered: str
    ) -> tuple[dict[int, list[tuple[int, int, Pattern]]], list[tuple[int, int, str, str]]]:
        """One pass over a (lowercased) sentence: its matches per category index, sorted by start,
        and the actors it names as (start, end, actor id, side), in order."""
        found: dict[int, list[tuple[int, int, Pattern]]] = {}
        actors = []
        n_patterns = len(self.owners)
        for i, start, end in self.matcher.find(lowered):
            if i < n_patterns:
                category, pattern = self.owners[i]
                found.setdefault(category, []).append(
                    (start, end, self.categories[category].patterns[pattern])
                )
            else:
                actors.append((start, end, *self.actor_ids[i - n_patterns]))
        for spans in found.values():
            spans.sort(key=lambda m: (m[0], m[1], m[2].rule_id))
        actors.sort()
        return found, actors


class Matcher:
    """Regexes tried only where they can match: at a word that can start them, and only in a
    sentence holding, for each word set the regex requires, one of its words.

    Per sentence: one pass of a compiled trie of every start and required word (so the words
    that start or satisfy nothing are skipped in C), then one `re.match` per plausible start.
    What a word can start or satisfy is worked out once per distinct word and remembered.
    """

    def __init__(self, regexes: list[re.Pattern]) -> None:
        self.regexes = regexes
        starts = [start_anchors(r.pattern) for r in regexes]
        needs = [required_words(r.pattern) for r in regexes]
        self.searched = tuple(i for i, found in enumerate(starts) if found is None)
        self._start_words, self._start_prefixes = _word_index(starts)
        # each required set of each regex is one key (regex * 3 + set number)
        self._needs = tuple(frozenset(i * 3 + k for k in range(len(found))) for i, found in enumerate(needs))
        self._need_words, self._need_prefixes = _word_index(
            {i * 3 + k: words for i, found in enumerate(needs) for k, words in enumerate(found)}
        )
        entries = {e for found in [*starts, *(w for found in needs for w in found)] for e in found or ()}
        self._useful_words = re.compile(r"\b" + _trie(entries))
        self._useful: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}  # word -> (starts, satisfies)

    def _lookup(self, word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(regexes `word` can start, regexes whose required word `word` is), remembered."""
        found = (
            _ids_for(word, self._start_words, self._start_prefixes),
            _ids_for(word, self._need_words, self._need_prefixes),
        )
        self._useful[word] = found
        return found

    def find(self, lowered: str) -> list[tuple[int, int, int]]:
        """(regex index, start, end) of every match in `lowered`: at most one per regex and start word."""
        useful, lookup = self._useful, self._lookup
        satisfied: set[int] = set()
        starts = []
        for m in self._useful_words.finditer(lowered):
            word = m.group()
            can_start, sets = useful.get(word) or lookup(word)
            if sets:
                satisfied.update(sets)
            if can_start:
                starts.append((m.start(), can_start))
        found = []
        regexes, needs = self.regexes, self._needs
        ready: dict[int, bool] = {}
        for position, can_start in starts:
            for i in can_start:
                ok = ready.get(i)
                if ok is None:
                    ok = ready[i] = needs[i] <= satisfied
                if ok:
                    match = regexes[i].match(lowered, position)
                    if match is not None:
                        found.append((i, match.start(), match.end()))
        for i in self.searched:
            found.extend((i, match.start(), match.end()) for match in regexes[i].finditer(lowered))
        return found


def _trie(entries: set[str]) -> str:
    r"""One regex for a set of whole words ("un ") and word beginnings ("open"), shaped as a trie
    (sre tries alternatives one by one: shared prefixes make a miss cost a character or two).
    It matches a whole word: a beginning runs on with \w*, a whole word must end there."""
    root: dict = {}
    for entry in entries:
        node = root
        for ch in entry:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        children = sorted((ch, child) for ch, child in node.items() if ch)
        alternatives = [r"(?!\w)" if ch == " " else re.escape(ch) + emit(child) for ch, child in children]
        if "" in node:
            alternatives.append(r"\w*")
        return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"

    return emit(root) if root else "(?!)"


def _word_index(sets) -> tuple[dict, dict]:
    """Whole words ("a ") and word beginnings ("open") of each key's word set, for `_ids_for`."""
    words: dict[str, list[int]] = {}
    prefixes: dict[str, list[tuple[str, int]]] = {}  # first two letters -> (beginning, key)
    items = sets.items() if isinstance(sets, dict) else enumerate(sets)
    for key, found in items:
        for entry in sorted(found or ()):
            if entry.endswith(" "):
                words.setdefault(entry[:-1], []).append(key)
            else:
                prefixes.setdefault(entry[:2], []).append((entry, key))
    return words, prefixes


def _ids_for(word: str, words: dict, prefixes: dict) -> tuple[int, ...]:
    ids = set(words.get(word, ()))
    ids.update(i for prefix, i in prefixes.get(word[:2], ()) if word.startswith(prefix))
    return tuple(sorted(ids))


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
    "Sokolova, was detained", 'had "liquidated" dozens'. Spaces in a look-behind stay as they
    are (it must keep a fixed width)."""
    out, in_class, escaped = [], False, False
    depth, behind = 0, []  # group depth; depths of open look-behinds
    for k, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
            if pattern.startswith(("(?<=", "(?<!"), k):
                behind.append(depth)
        elif ch == ")":
            if behind and behind[-1] == depth:
                behind.pop()
            depth -= 1
        elif ch == " " and not behind and not (out and out[-1] in ',"”’'):
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


# ---------------------------------------------------------------- reading the parsed regexes
#
# Both analyses walk the parse tree of a regex (re._parser) and return words: a word beginning
# ("open" matches opened, opening) or, ending in a space, a whole word ("un " is the word "un",
# not "unrest"). A word counts as whole when the regex follows it with a non-word character, a
# space class or the closing (?!\w).


def start_anchors(regex: str) -> frozenset[str] | None:
    """Where to try `regex`: words at which every match starts, or (after a leading optional
    part such as "(?:the )?") at which a match of the rest starts; None when the parsed regex
    does not tell (then it must be searched in full)."""
    try:
        parsed = sre_parser.parse(regex)
    except re.error:
        return None
    found = _first_words(list(parsed), "")
    return frozenset(found) if found else None


def required_words(regex: str) -> tuple[frozenset[str], ...]:
    """Sets of words of which every match of `regex` contains one each (at the start of a word):
    at most three, the most selective, none with a short or common word ("the" is in every
    sentence: requiring it filters nothing); empty when the regex names no such set."""
    try:
        parsed = sre_parser.parse(regex)
    except re.error:
        return ()
    found = [s for s in sorted(_required(list(parsed), None), key=_selectivity) if not _selectivity(s)[0]]
    return tuple(frozenset(s) for s in found[:3])


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _ends_word(op, av) -> bool:
    r"""The item matches only non-word characters (a space, a comma, an optional quote), or is the
    zero-width (?!\w): either way a word before it is whole."""
    c = sre_constants
    if op is c.LITERAL:
        return not _is_word_char(chr(av))
    if op is c.IN:
        return all(o is c.LITERAL and not _is_word_char(chr(v)) for o, v in av)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):  # only a repeat that must match: "tear ?gas" may be "teargas"
        return av[0] >= 1 and all(_ends_word(o, v) for o, v in av[2])
    if op is c.ASSERT_NOT:
        return av[0] == 1 and list(av[1]) == [(c.IN, [(c.CATEGORY, c.CATEGORY_WORD)])]
    return False


def _optional_punctuation(op, av) -> bool:
    """An optional comma, quote or space."""
    c = sre_constants
    return op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] == 0 and all(_ends_word(o, v) for o, v in av[2])


def _word(lead: str, whole: bool) -> set[str] | None:
    if whole and lead:
        return {lead + " "}
    return {lead} if len(lead) >= 2 else None


def _first_words(items: list, lead: str) -> set[str] | None:
    """Start words of a parsed sequence; `lead` holds the word characters already matched."""
    c = sre_constants
    for k, (op, av) in enumerate(items):
        if op is c.LITERAL and _is_word_char(chr(av)):
            lead += chr(av)
            continue
        if lead and _ends_word(op, av):
            return _word(lead, whole=True)
        if op is c.AT or op in (c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width
        rest = items[k + 1 :]
        if op is c.SUBPATTERN:
            found = _first_words(list(av[-1]) + rest, lead)
        elif op is c.BRANCH:
            branches = [_first_words(list(branch) + rest, lead) for branch in av[1]]
            found = set().union(*branches) if all(branches) else None
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            low, _high, body = av
            without = _first_words(rest, lead) if low == 0 else None
            if without and lead == "" and _ends_at_word_start(list(body)):
                # a leading optional word ("(?:the )?court"): wherever a match starts with it, one
                # starts at the word that follows it, so that word is enough to try
                return without
            with_body = _first_words(list(body) + rest, lead)
            without = with_body if low >= 1 else without
            found = with_body | without if with_body and without else None
        else:
            found = None  # a character class or wildcard
        return found or _word(lead, whole=False)
    return _word(lead, whole=False)


def _selectivity(words: set[str]) -> tuple:
    """Sort key: sets of long, uncommon words first, then sets with fewer words."""
    weak = any(w.strip() in _WEAK_ANCHORS or len(w.strip()) < 4 for w in words)
    return (weak, len(words), -min(len(w.strip()) for w in words), sorted(words))


def _ends_at_word_start(items: list) -> bool:
    """Whatever `items` match ends with a non-word character, so a word may start after it."""
    c = sre_constants
    while items and _optional_punctuation(*items[-1]):
        items = items[:-1]
    if not items:
        return False
    op, av = items[-1]
    if op is c.SUBPATTERN:
        return _ends_at_word_start(list(av[-1]))
    if op is c.BRANCH:
        return all(_ends_at_word_start(list(b)) for b in av[1])
    return _ends_word(op, av)


def _required(items: list, lead: str | None = None) -> list[set[str]]:
    """Every word set the sequence requires (each set: one of its words is in every match).
    `lead`: word characters since the last word start; None when not at a word start."""
    found, _ = _required_from(items, lead)
    unique = []
    for words in found:
        if words and words not in unique:
            unique.append(words)
    return unique


def _required_from(items: list, lead: str | None) -> tuple[list[set[str]], str | None]:
    c = sre_constants
    found: list[set[str]] = []

    def prefix() -> None:
        if lead and len(lead) >= 2:
            found.append({lead})

    for op, av in items:
        if op is c.LITERAL and _is_word_char(chr(av)):
            lead = None if lead is None else lead + chr(av)
        elif lead and _ends_word(op, av):
            found.append({lead + " "})
            lead = ""
        elif op is c.AT:
            lead = "" if av is c.AT_BOUNDARY and lead is None else lead
        elif op in (c.ASSERT, c.ASSERT_NOT):
            continue
        elif _optional_punctuation(op, av):
            prefix()
            lead = "" if lead == "" else None
        elif _ends_word(op, av):
            lead = ""
        elif op is c.SUBPATTERN:
            sub, lead = _required_from(list(av[-1]), lead)
            found.extend(sub)
        elif op is c.BRANCH:
            results = [_required_from(list(branch), lead) for branch in av[1]]
            best = [min(r[0], key=_selectivity) for r in results if r[0]]
            if len(best) == len(results):
                found.append(set().union(*best))
            else:
                prefix()
            lead = "" if all(_ends_at_word_start(list(b)) for b in av[1]) else None
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            low, _high, body = av
            prefix()
            if low >= 1:
                found.extend(_required_from(list(body), lead)[0])
            ends = _ends_at_word_start(list(body))
            lead = "" if ends and (low >= 1 or lead == "") else None
        else:
            prefix()
            lead = None
    prefix()
    return found, lead


# ---------------------------------------------------------------- compiling


def _spelled(source: str, word: re.Pattern) -> frozenset[str]:
    """The words of a pattern's source that `word` matches whole ("denied" in "denied access")."""
    return frozenset(w for w in WORD_RE.findall(source.lower()) if word.fullmatch(w))


def _figure_rule(
    spec: dict | None, units: tuple[str, ...], expand: _Expander, where: str
) -> FigureRule | None:
    if not spec:
        return None
    recount = {str(k): str(v) for k, v in (spec.get("recount") or {}).items()}
    accepted = tuple(spec.get("units") or ()) + tuple(recount)
    named = [*accepted, *recount.values(), spec.get("unitless")]
    unknown = [u for u in named if u is not None and u not in units]
    if unknown or not accepted:
        raise CodebookError(f"{where}: figure units must be a non-empty list of {units}; got {accepted}")
    return FigureRule(
        units=accepted,
        required=bool(spec.get("required", False)),
        many=bool(spec.get("many", False)),
        unitless=spec.get("unitless"),
        reach=int(spec.get("reach", 90)),
        single=_phrase_list(spec.get("single"), expand, f"{where}.figure.single"),
        recount=recount,
    )


# codebook/context.yaml entries that are plain regular expressions (the others: see `load`)
_CONTEXT_REGEXES = (
    "lead_in", "list_item", "bare_marker", "authored", "section_break", "question", "answer", "interviewee",
    "state_voice", "state_outlet", "outsider_voice", "other_claim", "another_estimate", "not_facts",
    "recommendation", "continues", "mobilised_to", "speaker_intro", "own_proposal",
)  # fmt: skip


@cache
def load(codebook: Codebook) -> Ruleset:
    """The codebook's patterns compiled (once per loaded codebook)."""
    directory = codebook.directory
    lexicon = _read(directory / "lexicon.yaml")
    expand = _Expander(lexicon.get("words") or {}, str(directory / "lexicon.yaml"))
    negation = _read(directory / "negation.yaml")
    actors_spec = _read(directory / "actors.yaml")
    context = _read(directory / "context.yaml")
    # one-word negators ("not", "deni(?:ed|es)"): a pattern spelling one out is not negated by it
    negator_word = re.compile("|".join(f"(?:{w})" for w in negation["negators"] if " " not in str(w)))

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
            patterns = []
            for i, pspec in enumerate(cspec.get("patterns") or []):
                if (
                    not isinstance(pspec, dict)
                    or "id" not in pspec
                    or not isinstance(pspec.get("regex"), str)
                ):
                    raise CodebookError(f"{here}: patterns[{i}] needs an id and a regex string")
                expanded = _bounded(expand(pspec["regex"]))
                regex = _compile(expanded, f"{here}.{pspec['id']}")
                negatable = bool(
                    pspec.get("negation", cspec.get("negation", table_spec.get("negation", True)))
                )
                patterns.append(
                    Pattern(
                        rule_id=f"{table}.{cid}.{pspec['id']}",
                        source=str(pspec["regex"]),
                        regex=regex,
                        starts=start_anchors(expanded),
                        negatable=negatable,
                        requestable=bool(pspec.get("requested_blocks", True)),
                        own_negators=_spelled(str(pspec["regex"]), negator_word),
                        figure_optional=bool(pspec.get("figure_optional", False)),
                        framed=bool(pspec.get("framed", False)),
                        takes_figure=bool(pspec.get("figure", True)),
                        requires=_phrase_list(
                            pspec.get("requires"), expand, f"{here}.{pspec['id']}.requires"
                        ),
                    )
                )
            if not patterns:
                raise CodebookError(f"{here}: a category needs at least one pattern")
            categories.append(
                Category(
                    table=table,
                    id=cid,
                    family=known.family,
                    definition=known.definition,
                    patterns=tuple(patterns),
                    exclude=_phrase_list(cspec.get("exclude"), expand, f"{here}.exclude"),
                    requires=_phrase_list(cspec.get("requires"), expand, f"{here}.requires"),
                    negatable=bool(cspec.get("negation", table_spec.get("negation", True))),
                    modal=bool(cspec.get("modal", table_spec.get("modal", False))),
                    source=cspec.get("source"),
                    figure=_figure_rule(cspec.get("figure"), codebook.units, expand, here),
                    requested_blocks=bool(
                        cspec.get("requested_blocks", table_spec.get("requested_blocks", False))
                    ),
                    yields_to=frozenset(cspec.get("yields_to") or ()),
                )
            )

    owners = tuple((c, p) for c, category in enumerate(categories) for p in range(len(category.patterns)))
    actor_ids, actor_regexes = [], []
    for side in ("state", "protesters", "outsiders"):
        for actor_id, entries in (actors_spec.get(side) or {}).items():
            actor_ids.append((actor_id, side))
            actor_regexes.append(_phrase_list(entries, expand, f"actors.yaml: {side}.{actor_id}"))

    def side_regex(side: str) -> re.Pattern:
        entries = [e for entries in (actors_spec.get(side) or {}).values() for e in entries]
        return _phrase_list(entries, expand, f"actors.yaml: {side}")

    return Ruleset(
        categories=tuple(categories),
        tables=tables,
        matcher=Matcher([categories[c].patterns[p].regex for c, p in owners] + actor_regexes),
        owners=owners,
        negators=_phrase_list(negation["negators"], expand, "negation.yaml: negators"),
        modal={
            t: _phrase_list(words, expand, f"negation.yaml: modal.{t}")
            for t, words in negation["modal"].items()
        },
        requested=_phrase_list(negation["requested"], expand, "negation.yaml: requested"),
        requested_window=int(negation.get("requested_window", 24)),
        scope_breaks=_compile(negation["scope_breaks"], "negation.yaml: scope_breaks"),
        window_words=int(negation.get("window_words", 6)),
        actor_ids=tuple(actor_ids),
        state_speaks=_phrase_list(actors_spec["state_speaks"], expand, "actors.yaml: state_speaks"),
        state_actor=side_regex("state"),
        asking_state=_phrase_list(
            [e for a in actors_spec["asking_state"] for e in actors_spec["state"][a]], expand, "actors.yaml"
        ),
        outsider=side_regex("outsiders"),
        protester=side_regex("protesters"),
        context={
            **{key: _compile(context[key], f"context.yaml: {key}") for key in _CONTEXT_REGEXES},
            "pronoun_speaker": _compile(expand(context["pronoun_speaker"]), "context.yaml: pronoun_speaker"),
            "authored_type": str(context["authored_type"]),
            "heading_words": int(context["heading_words"]),
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
