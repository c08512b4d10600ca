"""Place each sentence in an episode (or in neither), and say which cue decided.

Evidence in order of strength: dates and years in the sentence; cue phrases from
`codebook/episodes.yaml`; relative phrases counted from the section's date; then context
(the paragraph, the section, the document, the published date). A line that is only a date
("December 15, 2021") starts a section: it is the reference date for what follows, which is
how a file holding several dated posts is read post by post.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache

from kzunrest import dates, patterns
from kzunrest.codebook import Codebook

NEITHER = None
LIST_MARKER = r"\(?\d{1,2}(?:\.\d{1,2})*[.)]|\(?[a-z]\)|[•·▪‣◦*–—-]"  # "1.", "12.1.", "(3)", "(a)", "•"
LIST_ITEM_RE = re.compile(rf"^(?:{LIST_MARKER})\s")
_CONTRAST_RE = re.compile(r"\b(?:unlike|compared\s+(?:with|to)|than|as)\s+(?:in\s+)?(?:the\s+)?$", re.I)
_IN_YEAR_RE = re.compile(r"\b(?:in|during|by)\s+(?:the\s+)?(?:early\s+|late\s+|mid-)?$", re.I)
_DURATION_RE = re.compile(
    r"\b(?:since|until|till|from|before|after|between)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)


@dataclass(frozen=True)
class _Rules:
    cues: list[tuple[re.Pattern, str, bool]]  # (phrase regex, episode, a name: needs an event named)
    neither: re.Pattern | None
    event_terms: re.Pattern
    ruleset: patterns.Ruleset  # a sentence the codebook codes a fact in names an event too
    anaphora: re.Pattern
    present_tense: re.Pattern  # a quotation speaking of today, not recalling the events
    neither_lines: re.Pattern
    relative_back: list[re.Pattern]
    relative_here: list[re.Pattern]
    windows: dict[str, tuple[date, date]]


@cache
def _rules(codebook: Codebook) -> _Rules:
    spec = codebook.episode_cues
    cues = [
        (
            re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE if not phrase.isupper() else 0),
            eid,
            kind == "name_cues",
        )
        for kind in ("cues", "name_cues")
        for eid, phrases in spec.get(kind, {}).items()
        for phrase in phrases
    ]
    neither = spec.get("neither") or []
    event_terms = "|".join(re.escape(t) for t in spec.get("event_terms", []))
    return _Rules(
        cues=cues,
        neither_lines=re.compile("|".join(f"(?:{p})" for p in spec.get("neither_lines", ["(?!)"]))),
        event_terms=re.compile(rf"(?<!\w)(?:{event_terms})", re.IGNORECASE),
        ruleset=patterns.load(codebook),
        anaphora=re.compile(spec.get("anaphora", "(?!)")),
        present_tense=re.compile(spec.get("quote_present_tense", "(?!)"), re.IGNORECASE),
        neither=re.compile("|".join(re.escape(p) for p in neither), re.IGNORECASE) if neither else None,
        relative_back=[re.compile(p, re.IGNORECASE) for p in spec.get("relative", {}).get("back", [])],
        relative_here=[re.compile(p, re.IGNORECASE) for p in spec.get("relative", {}).get("here", [])],
        windows={eid: ep.window for eid, ep in codebook.episodes.items()},
    )


def _names_event(sentence: str, rules: _Rules) -> bool:
    """Whether the sentence names an event of unrest: one of the event words, or language the
    codebook codes as a fact ("This was an attempted coup d'état.", "the price was capped").
    What a demand asks for ("freedom of expression") is no event until someone asks for it."""
    if rules.event_terms.search(sentence):
        return True
    categories = rules.ruleset.categories
    return any(categories[i].table != "demand" for i in rules.ruleset.scan(sentence.lower())[0])


def is_neither_line(sentence: str, codebook: Codebook) -> bool:
    """A byline, credit, letterhead, tag or contact line (episodes.yaml neither_lines): never about
    an event, so it states no fact either."""
    return bool(_rules(codebook).neither_lines.match(sentence))


def _episode_of_year(year: int, rules: _Rules) -> str | None:
    for eid, (start, end) in rules.windows.items():
        if start.year <= year <= end.year:
            return eid
    return None


_HEADING_WORDS = 10
_SINCE_RE = re.compile(r"\bsince\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_CLOCK_RE = re.compile(
    r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b\.?|\b\d{1,2}[.:]\d{2}\b|\b(?:gmt|utc|bst|cet|am|pm)\b", re.I
)


CLOSING = (".", "!", "?", ":", ";", '"', "”", ")")  # what ends a sentence, not a heading


def heading_words(text: str, start: int, end: int) -> int | None:
    """How many words the sentence at [start, end) has when it is a heading, a line of its own
    without closing punctuation; None when it is not one."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if text[line_start:start].strip() or text[end : len(text) if line_end < 0 else line_end].strip():
        return None
    line = text[start:end].strip()
    return None if line.endswith(CLOSING) else len(line.split())


_PLACE_COMMA_RE = re.compile(r"[A-Z][\w.'’-]*(?:[ -][A-Z][\w.'’-]*){0,2},\s*")


def _section_date(sentence: str, reference: date | None) -> date | None:
    """The date of a line that is nothing but a full date (a post's dateline), or a place and a
    day ("MOSCOW, January 6."), whose year is the one before it."""
    found = dates.find_dates(sentence)
    if len(found) != 1 or not found[0].day:
        return None
    if found[0].year:
        rest = _CLOCK_RE.sub("", sentence[: found[0].start] + sentence[found[0].end :]).strip(" .,:-–|")
        if len(rest) <= 12:  # e.g. "Posted on", "Updated", "Fri 7 Jan 2022 17.25 GMT"
            return dates.resolve(found[0].month, found[0].day, found[0].year, None)
    elif _PLACE_COMMA_RE.fullmatch(sentence[: found[0].start]) and not sentence[found[0].end :].strip(" ."):
        return dates.resolve(found[0].month, found[0].day, None, reference)
    return None


_ISSUED_RE = re.compile(r"(?:,|\b(?:published|posted|updated|issued|dated?|until):?)\s*$", re.I)


def _is_masthead(sentence: str) -> bool:
    """A line naming a publication or a briefing and ending in its date ("Briefing by the Caspian
    Rights Monitor, 15 November 2012", "Policy brief, Central Eurasia Policy Forum, September
    2023"): it says when the text was written, not when anything happened."""
    line = sentence.strip()
    if line.endswith(CLOSING) or len(line.split()) > 14:
        return False
    found = dates.find_dates(line)
    return bool(
        found
        and found[-1].year
        and not line[found[-1].end :].strip()
        and _ISSUED_RE.search(line[: found[-1].start])
    )


def _votes(sentence: str, reference: date | None, rules: _Rules) -> tuple[Counter, list[str]]:
    """Episode votes from the sentence alone, and the cues that cast them."""
    votes: Counter = Counter()
    reasons: list[str] = []
    mentioned_dates = dates.find_dates(sentence)
    date_years = set()
    for m in mentioned_dates:
        resolved = dates.resolve(m.month, m.day, m.year, reference)
        if m.year:
            date_years.add(m.year)
        if resolved is None:
            continue
        eid = _episode_of_date_rules(resolved, rules)
        if eid is not None or m.year:
            votes[eid] += 3 if m.year else 1
            reasons.append(f"date {sentence[m.start : m.end]}")
    cued = set()
    for pattern, eid, name in rules.cues:
        if eid in cued:  # one cue per episode is enough; more do not outvote a year
            continue
        m = pattern.search(sentence)
        if m is None or (name and not _names_event(sentence, rules)):
            continue  # "The Uzen field is operated by OzenMunaiGas": a company, not its strike
        cued.add(eid)
        votes[eid] += 2
        reasons.append(f"cue '{m.group(0)}'")
    other_span = False
    for year, start in dates.find_years_at(sentence):
        if year in date_years or _CONTRAST_RE.search(sentence, 0, start):
            continue  # "Unlike in 2011, ...": the year is what the sentence is set against
        eid = _episode_of_year(year, rules)
        if eid is None and _DURATION_RE.search(sentence, 0, start):
            other_span = other_span or bool(_SINCE_RE.search(sentence, 0, start))
            continue  # "ruled until 2019", "since 1991": a span of time, not when it happened
        # A year outside both episodes dates the sentence when it leads it ("In 2016, police
        # ..."), or says when ("collapsed in 1991") in a sentence naming neither episode;
        # otherwise it is an aside ("parallels with the 2005 Andijan massacre").
        dating = eid is not None or len(sentence[:start].split()) <= 3
        dating = dating or (not cued and bool(_IN_YEAR_RE.search(sentence, 0, start)))
        votes[eid] = votes[eid] + 3 if dating else max(votes[eid], 1)
        reasons.append(f"year {year}")
    if rules.neither is not None:
        m = rules.neither.search(sentence)
        if m:  # outweighs one dated year: "the early parliamentary elections of 15 January 2012"
            votes[NEITHER] += 4
            reasons.append(f"other event '{m.group(0)}'")
    if reference is not None:
        for pattern in rules.relative_back:
            m = pattern.search(sentence)
            if not m:
                continue
            unit = m.groupdict().get("unit") or "year"
            n = dates.number_value(m.groupdict().get("n") or "1")
            if n is None:
                continue
            target = dates.shift(reference, -n, unit)
            votes[_episode_of_date_rules(target, rules)] += 2
            reasons.append(f"relative '{m.group(0)}' from {reference.isoformat()}")
    if other_span and not votes:  # "has monitored trials since 2008": going on since another year
        votes[NEITHER] += 2
        reasons.append("a span of other years")
    return votes, reasons


def _episode_of_date_rules(day: date, rules: _Rules) -> str | None:
    for eid, (start, end) in rules.windows.items():
        if start <= day <= end:
            return eid
    return None


def place_sentences(
    text: str, spans: list[tuple[int, int]], published: date | None, codebook: Codebook
) -> list[tuple[str | None, str]]:
    """(episode, reason) for each sentence span of one document."""
    rules = _rules(codebook)
    reference = published
    section = 0
    own: list[tuple[str | None, str] | None] = []
    weak: dict[int, tuple[str | None, str]] = {}  # weak own evidence, used when context is silent
    sections: list[int] = []
    heading_starts: list[bool] = []  # a heading line: the episode it names labels what follows
    paragraph_starts: list[bool] = []
    previous_end = None
    for start, end in spans:
        sentence = text[start:end]
        paragraph_starts.append(previous_end is None or "\n" in text[previous_end:start])
        previous_end = end
        dateline = _section_date(sentence, reference)
        if dateline is not None:
            reference, section = dateline, section + 1
        sections.append(section)
        words = heading_words(text, start, end)
        heading_starts.append(words is not None and words <= _HEADING_WORDS)
        if dateline is not None:
            own.append((NEITHER, "dateline"))
            continue
        if rules.neither_lines.match(sentence) or _is_masthead(sentence):
            own.append((NEITHER, "byline or credit"))
            continue
        votes, reasons = _votes(sentence, reference, rules)
        if not votes:
            own.append(None)
            continue
        ranked = votes.most_common()
        tie = len(ranked) > 1 and ranked[0][1] == ranked[1][1]
        if tie and {ranked[0][0], ranked[1][0]} == set(rules.windows) and ranked[0][1] >= 2:
            own.append((NEITHER, "names both episodes alike"))  # a comparison: "in 2011 ..., in 2022 ..."
        elif tie:
            own.append(None)  # a tie: let the context decide
        elif ranked[0][1] <= 1:  # only a date without its year, or an aside about another year
            own.append(None)
            if ranked[0][0] is not NEITHER:  # an aside about another year never decides
                weak[len(own) - 1] = (ranked[0][0], "; ".join(reasons) + " (weak; no context)")
        elif (
            ranked[0][0] is not NEITHER
            and not (heading_starts[-1] and len(sentence.split()) > 1)  # "The shadow of 2011" names its topic
            and not _names_event(sentence, rules)
            and all(r.startswith("year") for r in reasons)  # a full date says when something happened
        ):
            own.append((NEITHER, "no event named"))  # "The economy grew by 5 percent in 2023"
        else:
            own.append((ranked[0][0], "; ".join(reasons)))

    by_section: dict[int, Counter] = {}
    whole = Counter()
    for i, (decided, sec) in enumerate(zip(own, sections, strict=True)):
        decided = decided or weak.get(i)
        if heading_starts[i]:
            continue  # a heading labels what follows it; it does not outvote the text around it
        if decided is not None and decided[0] is not NEITHER:
            by_section.setdefault(sec, Counter())[decided[0]] += 1
            whole[decided[0]] += 1
    default = _majority(whole)
    default_reason = "document majority"
    if default is None and published is not None:
        default, default_reason = _episode_of_date_rules(published, rules), "published date"

    placed: list[tuple[str | None, str]] = []
    context: tuple[str | None, str] | None = None  # the paragraph's (or list's) last placement
    heading: str | None = None  # the episode the last heading names ("The 2022 unrest")
    for i, decided in enumerate(own):
        if heading_starts[i]:
            heading = decided[0] if decided is not None else None
        sentence = text[slice(*spans[i])]
        list_item = bool(LIST_ITEM_RE.match(sentence))
        if paragraph_starts[i] and not (list_item and context is not None and context[1] == "list"):
            context = None
        in_list = list_item and context is not None and context[1] == "list"
        if decided is not None:
            placed.append(decided)
        elif i in weak and (context is None or context[0] is NEITHER):
            # a day without a year is dated from the publication date; the section's own episode
            # outweighs that ("On 22 December he visited ..." in a 2023 text about 2011)
            section_choice = _majority(by_section.get(sections[i], Counter()))
            section_placed = (section_choice, "context: section majority")
            placed.append(weak[i] if section_choice in (None, weak[i][0]) else section_placed)
        elif (
            not in_list
            and not _names_event(sentence, rules)
            and not rules.anaphora.match(sentence)
            and not _recalls_in_quotes(text, spans[i][0], sentence, rules)
        ):
            placed.append((NEITHER, "no event named"))
        elif context is not None and (context[0] is not NEITHER or in_list):
            placed.append((context[0], "context: the sentence or list before it"))
        elif heading is not None:
            placed.append((heading, "context: its section's heading"))
        elif (section_choice := _majority(by_section.get(sections[i], Counter()))) is not None:
            placed.append((section_choice, "context: section majority"))
        else:
            placed.append((default, f"context: {default_reason}" if default else "no cue"))
        episode, reason = placed[-1]
        if reason not in ("no event named", "dateline"):
            context = (episode, "list" if sentence.endswith(":") or list_item else "sentence")
    return placed


def _recalls_in_quotes(text: str, start: int, sentence: str, rules: _Rules) -> bool:
    """A quotation (opening on a quotation mark, or inside one opened earlier in its paragraph)
    that recalls the past goes on with the story around it: "“People were running and falling.”"."""
    if rules.present_tense.search(sentence):
        return False  # "“I do not want revenge.”": the speaker speaks of today
    if sentence.lstrip().startswith(("“", '"')):
        return True
    paragraph = text[text.rfind("\n", 0, start) + 1 : start]
    return paragraph.count("“") > paragraph.count("”") or paragraph.count('"') % 2 == 1


def _majority(counts: Counter) -> str | None:
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]
