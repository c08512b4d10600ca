"""Extract: code each sentence into triggers, demands, state responses and outcomes.

For every sentence placed in an episode, the codebook's patterns (compiled by `patterns.py`)
find the categories it evidences; a match is dropped when it is negated, hypothetical, asked
for rather than done, an outsider's call, or not voiced by the state where the category needs
that. Figures (figures.py) are given to the category they count; every row gets its claimant
(claimants.py, plus what the document's context says: a list under "X wrote:", a post written
by X), its actor and its date. One row per (sentence, category), or one per figure when a
sentence carries several claims.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kzunrest import claimants, dates, episodes, figures, schema
from kzunrest import patterns as patterns_module
from kzunrest.codebook import Codebook
from kzunrest.patterns import Category, Pattern, Ruleset

_CLAUSE_EDGE_RE = re.compile(r"[;:()\[\]–—]")
_RANGE_BEFORE_RE = re.compile(
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s*(?:and|to|-|–|&)\s*|(?:until|till|through|by|from|since|between)\s+)$"
)
_MONTH_RE = re.compile(r"\b(?:" + "|".join(sorted(dates.MONTHS, key=len, reverse=True)) + r")\b")
_RANGE_INSIDE_RE = re.compile(r"\d\s*(?:-|–|to|and)\s*\d")
_RANGE_AFTER_RE = re.compile(r"^\s*(?:-|–|to|and|&)\s*\d")
_PREPOSITION_BEFORE_RE = re.compile(
    r"\b(?:of|at|from|in|for|by|against|to|on|about|outside|inside|near|into)\s+(?:the\s+)?$"
)
_CLAUSE_CUT_RE = re.compile(r"[,;:(\[]|\s[–—-]+\s")
_RELATIVE_RE = re.compile(r"\s*(?:who|which|that)\b")
_PARTICIPLE_RE = re.compile(r"\w+ing\b")
_FIRST_PERSON_RE = re.compile(r"\b(?:i|we)\s+(?:\w+\s+){0,2}$")
_COORDINATION_RE = re.compile(r"\band\b|[,;]")
COORDINATION_COST = 40
UNITLESS_REACH = 12  # characters between a bare number and the words it counts ("killing at least 15")
EXCLUSION_REACH = 150  # characters: how far before a match an exclusion phrase may begin
_FRAME_BREAK_RE = re.compile(r"[;:]|\b(?:but|while|whereas|although|though|however)\b")
_REQUEST_BREAK_RE = re.compile(r"[;:]|,\s+(?:and|but)\b|\b(?:but|while|whereas|although|though|however)\b")


@dataclass(frozen=True)
class Hit:
    category: Category
    pattern: Pattern
    start: int  # within the sentence
    end: int


def lowercase(text: str) -> str:
    """`text` lowercased with every offset kept (a few characters grow when lowercased)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


# ---------------------------------------------------------------- one sentence


class _Sentence:
    """A sentence being coded: its text and what the checks need, computed once when asked."""

    def __init__(self, record: dict, rules: Ruleset, doc: _Document, index: int) -> None:
        self.record = record
        self.text = record["text"]
        self.lowered = lowercase(self.text)
        self.matches, self._actors = rules.scan(self.lowered)
        self.rules = rules
        self.doc = doc
        self.index = index
        self._claims: dict[tuple[int, int] | None, object] = {}
        self._breaks: list[int] | None = None
        self._dates: list[dates.DateMention] | None = None

    def breaks(self) -> list[int]:
        if self._breaks is None:
            self._breaks = [m.end() for m in self.rules.scope_breaks.finditer(self.lowered)]
        return self._breaks

    def window(self, start: int) -> str:
        """The words before `start` in the same clause, at most `window_words` of them."""
        scope = 0
        for end in self.breaks():
            if end > start:
                break
            scope = end
        before = self.lowered[scope:start]
        if "may" in before:  # keep "May" the month from reading as the modal "may"
            words = self.text[scope:start].split()[-self.rules.window_words :]
            return " ".join(w if w.startswith("May") else lowercase(w) for w in words)
        return " ".join(before.split()[-self.rules.window_words :])

    def claim(self, span: tuple[int, int] | None):
        if span not in self._claims:
            claim = self.doc.attribute(self.index, span)
            context = self.doc.context_claims.get(self.index)
            if claim.claimant_type == "unattributed" and context is not None:
                claim = context
            self._claims[span] = claim
        return self._claims[span]

    def day_dates(self) -> list[dates.DateMention]:
        if self._dates is None:
            self._dates = day_dates(self.text) if _MONTH_RE.search(self.lowered) else []
        return self._dates

    def actors(self) -> list[tuple[int, int, str, str]]:
        """(start, end, actor id, side) of every actor named in the sentence."""
        return self._actors

    def state_claim(self, start: int):
        """The state actor named last before `start`, as the claimant of what it voices ("The
        authorities called the strikers hooligans"), or None."""
        named = [(s, e) for s, e, _, side in self._actors if side == "state" and e <= start]
        if not named:
            return None
        name = self.text[slice(*named[-1])]
        kind = claimants.claimant_type(name, "", self.doc.claimant_lexicon)
        return claimants.Claim(name, kind if kind != "other" else "official")


def _negated(sentence: _Sentence, start: int, end: int, pattern: Pattern) -> bool:
    """A negator in the words before the match (same clause) or inside it, unless the pattern spells it."""
    rules = sentence.rules
    if rules.negators.search(sentence.window(start)):
        return True
    return any(
        n.group() not in pattern.own_negators for n in rules.negators.finditer(sentence.lowered, start, end)
    )


def _framed(sentence: _Sentence, hit_start: int, hit_end: int) -> int | None:
    """Where the demand verb governing the object at [hit_start, hit_end) starts, or None."""
    rules = sentence.rules.tables["demand"]
    window = rules.frame_window
    lowered = sentence.lowered
    for f in rules.frame.finditer(lowered):
        if f.start() <= hit_start < f.end() or hit_start <= f.start() < hit_end:
            return f.start()
        if f.end() <= hit_start:
            if _opens_list(lowered, f.end(), hit_start):
                return f.start()
            between = lowered[f.end() : hit_start]
            if len(between.split()) <= window and not _FRAME_BREAK_RE.search(between):
                return f.start()
        elif f.start() >= hit_end:
            between = lowered[hit_end : f.start()]
            if len(between.split()) <= 4 and not _FRAME_BREAK_RE.search(between):
                return f.start()
    return None


def _opens_list(lowered: str, verb_end: int, start: int) -> bool:
    """A colon a few words after the demand verb opens the list of what is asked for, to the end
    of the sentence: "They asked for very simple things: that ..., that ..., and that ..."."""
    colon = lowered.find(":", verb_end, start)
    return colon >= 0 and len(lowered[verb_end:colon].split()) <= 4 and ";" not in lowered[colon:start]


def _asker(sentence: _Sentence, frame_start: int) -> str | None:
    """Who asks: "protesters", "state", "outsider", or None when the text does not say.

    The asker is the last actor named as a subject in the clause of the demand verb; a relative
    clause ("..., who demanded") or a participle ("..., demanding") takes it from the clauses
    before. Mentions after a preposition ("workers of Ozenmunaigaz") are not subjects.
    """
    rules = sentence.rules
    frame = rules.tables["demand"].frame.match(sentence.lowered, frame_start)
    if rules.context["mobilised_to"].search(sentence.lowered, 0, frame.end() if frame else frame_start):
        return "protesters"  # "..., went on strike to demand": the strikers ask
    before = sentence.lowered[:frame_start]
    cuts = [0, *(m.end() for m in _CLAUSE_CUT_RE.finditer(before))]
    inherits = bool(_PARTICIPLE_RE.match(sentence.lowered, frame_start))
    for cut in reversed(cuts):
        clause = before[cut:]
        found = []
        # at the same place an outsider wins: "the European Parliament" is not the state's parliament
        for rank, (side, regex) in enumerate(
            (("protesters", rules.protester), ("state", rules.asking_state), ("outsider", rules.outsider))
        ):
            found.extend(
                (m.end(), rank, side)
                for m in regex.finditer(clause)
                if not _PREPOSITION_BEFORE_RE.search(clause, 0, m.start())
            )
        if found:
            return max(found)[2]
        # an inserted clause ("Relatives, who gathered outside ..., demanded") leaves the subject before it
        inserted = not clause.strip() or _RELATIVE_RE.match(clause)
        if not (inherits or inserted):
            return None
        before = before[:cut]
    return None


def _outsiders_ask(sentence: _Sentence, frame_start: int) -> bool:
    """An outsider (UN, NGO, foreign parliament) or the state is the one asking.

    In a document written by an outsider (a parliament's resolution, an NGO's report) the text's
    own voice is the outsider's: a demand then needs protesters named as the ones asking.
    """
    if sentence.rules.outsider.search(sentence.lowered, 0, frame_start):
        return True
    asker = _asker(sentence, frame_start)
    return asker == "state" or (asker is None and sentence.doc.outsider_voice)


def _requested(sentence: _Sentence, start: int) -> bool:
    """A demand verb governs the match ("called for the resignation of ..., the release of ..."),
    and not the state's own: "Tokayev requested help from the CSTO" is an act of the state."""
    lowered = sentence.lowered
    window = sentence.rules.requested_window
    for f in sentence.rules.requested.finditer(lowered):  # whole text: look-aheads see past `start`
        if f.end() > start:
            break
        between = lowered[f.end() : start]
        near = len(between.split()) <= window and not _REQUEST_BREAK_RE.search(between)
        if (near or _opens_list(lowered, f.end(), start)) and _asker(sentence, f.start()) != "state":
            if (
                sentence.doc.state_voice
                and sentence.rules.context["own_proposal"].match(lowered, f.start())
                and _FIRST_PERSON_RE.search(lowered, 0, f.start())
            ):
                continue  # "I propose a referendum" in the President's own address: the state acts
            return True
    return False


def _state_voiced(sentence: _Sentence, span: tuple[int, int], need: str) -> bool:
    rules = sentence.rules
    if sentence.doc.state_voice:
        return True
    regex = rules.state_speaks if need == "state_speaks" else rules.state_actor
    if regex.search(sentence.lowered):
        return True
    if sentence.claim(span).claimant_type == "official":
        return True
    previous = sentence.doc.previous_text(sentence.index)
    return bool(
        previous
        and rules.context["pronoun_speaker"].search(sentence.text)
        and (rules.state_speaks.search(previous) or rules.state_actor.search(previous))
    )


def _overlaps(regex: re.Pattern, lowered: str, start: int, end: int) -> bool:
    """A match of `regex` overlaps [start, end) (exclusions are phrases: looked for nearby only)."""
    for x in regex.finditer(lowered, max(0, start - EXCLUSION_REACH)):
        if x.start() >= end:
            return False
        if x.end() > start:
            return True
    return False


def first_hit(
    sentence: _Sentence, category: Category, spans: list[tuple[int, int, Pattern]], list_frame: bool
) -> Hit | None:
    """The first match of `category` (its `spans`, in order) that survives every check, or None."""
    lowered = sentence.lowered
    if category.requires is not None and not category.requires.search(lowered):
        return None
    for start, end, pattern in spans:
        if pattern.requires is not None and not pattern.requires.search(lowered):
            continue
        if category.exclude is not None and _overlaps(category.exclude, lowered, start, end):
            continue
        if category.negatable and pattern.negatable and _negated(sentence, start, end, pattern):
            continue
        if category.modal and sentence.rules.modal[category.table].search(sentence.window(start)):
            continue
        if category.requested_blocks and pattern.requestable and (list_frame or _requested(sentence, start)):
            continue
        if category.table == "demand" and not (pattern.framed or list_frame):
            frame_start = _framed(sentence, start, end)
            if frame_start is None:
                continue
            if sentence.rules.tables["demand"].outsiders_block and _outsiders_ask(sentence, frame_start):
                continue
        if category.source and not _state_voiced(sentence, (start, end), category.source):
            continue
        return Hit(category, pattern, start, end)
    return None


# ---------------------------------------------------------------- figures


def _distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    if a[0] < b[1] and b[0] < a[1]:
        return 0
    return b[0] - a[1] if a[1] <= b[0] else a[0] - b[1]


def _accepts(category: Category, figure, hit: Hit | None = None) -> bool:
    """The category counts in the figure's unit; a bare number ("killing at least 15") only
    right beside the words it counts, and only for categories that say what it counts."""
    if figure.role == "from":
        return False  # the old value of a change ("from 60 to 120 tenge")
    if figure.unit is None:
        rule = category.figure
        return bool(
            rule.unitless
            and not figure.counts_other  # "For seven months, the sacked workers ...": no one counted
            and hit
            and _distance((hit.start, hit.end), (figure.start, figure.end)) <= UNITLESS_REACH
        )
    return figure.unit in category.figure.units


def _figure_distance(text: str, hit: Hit, figure) -> int | None:
    """How far a figure is from the words it might count; None when too far to count them.

    Crossing a coordination ("killed and 748 were injured", "..., 64 injured") costs extra, so
    each figure goes to the words of its own clause.
    """
    distance = _distance((hit.start, hit.end), (figure.start, figure.end))
    if distance > hit.category.figure.reach:
        return None
    between = text[min(hit.end, figure.end) : max(hit.start, figure.start)]
    return distance + (COORDINATION_COST if _COORDINATION_RE.search(between) else 0)


def assign_figures(hits: list[Hit], figures: list, sentence: _Sentence) -> dict[int, list]:
    """Figures per hit index: each figure-taking category gets its nearest figure; figures left
    over that are other claims for the same count (bounded "up to"/vague, claimed by someone
    else, or introduced as a revision or estimate) join the sentence's first counted category."""
    takers = [i for i, h in enumerate(hits) if h.category.figure is not None and h.pattern.takes_figure]
    given: dict[int, list] = {i: [] for i in takers}
    if not takers or not figures:
        return given
    pairs = []
    for i in takers:
        for k, f in enumerate(figures):
            if _accepts(hits[i].category, f, hits[i]):
                distance = _figure_distance(sentence.lowered, hits[i], f)
                if distance is not None:
                    pairs.append((distance, k, i))
    used: set[int] = set()
    for _, k, i in sorted(pairs):
        if k in used or given[i]:
            continue
        given[i].append(figures[k])
        used.add(k)
    owners = sorted(
        (figures.index(fs[0]), i) for i, fs in given.items() if fs and hits[i].category.figure.many
    )
    other_claim_cue = sentence.rules.context["other_claim"]
    another_estimate = sentence.rules.context["another_estimate"]
    for k, figure in enumerate(figures):
        if k in used:
            continue
        for _, i in owners:
            own, rule = given[i][0], hits[i].category.figure
            if not _accepts(hits[i].category, figure, hits[i]):
                continue
            other_claim = (
                # another measure of it ("13 ... received terms of up to 7 years"), or a bare number
                rule.counted(figure.unit) != rule.counted(own.unit)
                or (
                    figure.qualifier in ("up_to", "vague")
                    and another_estimate.search(sentence.lowered, own.end, figure.start)
                )
                or other_claim_cue.search(sentence.text, max(0, figure.start - 60), figure.start)
                or sentence.claim((figure.start, figure.end)).claimant_type
                != sentence.claim((own.start, own.end)).claimant_type
            )
            if other_claim:
                given[i].append(figure)
                used.add(k)
            break
    return given


# ---------------------------------------------------------------- dates, actors, evidence


def event_date(
    sentence: _Sentence, span: tuple[int, int], window: tuple[date, date], published
) -> date | None:
    """The date the sentence gives nearest the fact, as a full date inside the episode's window.

    A date without a year takes the earliest year that puts it inside the window (and not more
    than a month after the document was published). Ranges ("16-17 December", "until 5 January")
    are left out: they do not date one event.
    """
    mentions = sentence.day_dates()
    if not mentions:
        return None
    mention = min(mentions, key=lambda m: _distance(span, (m.start, m.end)))
    years = [mention.year] if mention.year else range(window[0].year, window[1].year + 1)
    candidates = []
    for year in years:
        try:
            candidates.append(date(year, mention.month, mention.day))
        except ValueError:
            continue
    inside = [d for d in candidates if window[0] <= d <= window[1]]
    if published is not None and not mention.year:
        limit = date.fromordinal(published.toordinal() + 31)
        inside = [d for d in inside if d <= limit] or inside
    return min(inside) if inside else None


def day_dates(text: str) -> list[dates.DateMention]:
    """The dates in `text` that name a day of one event (ranges and end dates left out)."""
    found = []
    for mention in dates.find_dates(text):
        if mention.day is None:
            continue
        if _RANGE_BEFORE_RE.search(text[max(0, mention.start - 12) : mention.start]):
            continue
        if _RANGE_AFTER_RE.match(text[mention.end : mention.end + 6]) or _RANGE_INSIDE_RE.search(
            text, mention.start, mention.end
        ):
            continue
        found.append(mention)
    return found


def actor_of(sentence: _Sentence, hit: Hit, sides: tuple[str, ...]) -> str | None:
    """The actor who does it: the nearest named before the match (its subject), else inside it
    ("taken away by police"), else after it; from the sides this table takes."""
    best = None
    for start, end, actor_id, side in sentence.actors():
        if side not in sides:
            continue
        place = 0 if end <= hit.start else 1 if start < hit.end else 2
        key = (place, _distance((hit.start, hit.end), (start, end)))
        if best is None or key < best[0]:
            best = (key, actor_id)
    return best[1] if best else None


def clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end): out to the nearest ; : brackets or dashes, else the sentence."""
    left = max((m.end() for m in _CLAUSE_EDGE_RE.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE_EDGE_RE.finditer(text, end)), len(text))
    while left < start and text[left].isspace():
        left += 1
    while right > end and text[right - 1].isspace():
        right -= 1
    return left, right


# ---------------------------------------------------------------- one document


class _Document:
    """What coding a sentence needs from the rest of its document."""

    def __init__(self, document: dict, sentences: list[dict], rules: Ruleset, codebook: Codebook) -> None:
        self._attribute = claimants.attribute
        self.claimant_lexicon = claimants.lexicon(codebook)
        self._find_figures = figures.find_figures
        self._figure_lexicon = figures.lexicon(codebook)
        self.document = document
        self.sentences = sentences
        self.rules = rules
        self.codebook = codebook
        voice = f"{document.get('title') or ''} {document.get('outlet') or ''}".lower()
        self.state_voice = bool(
            rules.context["state_voice"].search(voice)
            or rules.context["state_outlet"].search(document.get("outlet") or "")
        )
        self.outsider_voice = bool(rules.context["outsider_voice"].search(voice))
        self.list_frames: set[int] = set()
        self.context_claims: dict[int, object] = {}
        self.coded: dict[int, dict[tuple[str, str], Category]] = {}  # sentence -> (table, id) coded there
        self._read_context()

    def attribute(self, index: int, span: tuple[int, int] | None):
        """claimants.attribute for sentence `index`, with the text before it as context."""
        record = self.sentences[index]
        start = record["char_start"]
        context = self.document["text"][:start]
        return self._attribute(record["text"], span, context=context, lexicon_=self.claimant_lexicon)

    def figures(self, text: str) -> list:
        return self._find_figures(text, self._figure_lexicon)

    def previous_text(self, index: int) -> str | None:
        return lowercase(self.sentences[index - 1]["text"]) if index > 0 else None

    def states_no_fact(self, index: int) -> bool:
        """A cross-reference ("See also: ..."), a section heading, or a recommendation in the
        document's own voice ("• Invite a UN-led investigation")."""
        ctx = self.rules.context
        text = self.sentences[index]["text"].strip()
        if ctx["not_facts"].match(text) or episodes.is_neither_line(text, self.codebook):
            return True
        item = episodes.LIST_ITEM_RE.match(text)
        if item and ctx["recommendation"].match(text, item.end()) and index not in self.list_frames:
            return True
        words = self._heading_words(index)
        return words is not None and words <= ctx["heading_words"]

    def _heading_words(self, index: int) -> int | None:
        record = self.sentences[index]
        return episodes.heading_words(self.document["text"], record["char_start"], record["char_end"])

    def _new_line(self, index: int) -> bool:
        if index == 0:
            return True
        text = self.document["text"]
        return "\n" in text[self.sentences[index - 1]["char_end"] : self.sentences[index]["char_start"]]

    def _read_context(self) -> None:
        """Claims and demand frames that reach beyond one sentence.

        A line ending in ':' ("Galym Ageleuov wrote on social media:") lends its claimant (and,
        when it speaks of demands, its demand frame) to the list items after it; a post "written
        by X" lends X to every sentence up to the next dateline or "read the rest" line.
        """
        ctx = self.rules.context
        frame = self.rules.tables["demand"].frame
        lead: tuple[object | None, bool] | None = None
        author = None
        previous_bare = False
        for i, record in enumerate(self.sentences):
            text = record["text"].strip()
            lowered = lowercase(text)
            is_item = (
                bool(ctx["list_item"].match(text))
                or previous_bare
                or (lead is not None and not self._new_line(i))
            )
            previous_bare = bool(ctx["bare_marker"].match(text))
            is_item = is_item or previous_bare
            is_lead_in = bool(ctx["lead_in"].search(text))
            if lead is not None and (is_item or is_lead_in):
                claim, framed = lead
                if claim is not None:
                    self.context_claims[i] = claim
                if framed:
                    self.list_frames.add(i)
                if is_lead_in:
                    framed = framed or bool(
                        frame and frame.search(lowered) and not self._outsider_lead(lowered)
                    )
                    lead = (claim, framed)
                continue
            lead = None
            if is_lead_in:
                claim = self.attribute(i, None)
                framed = bool(frame and frame.search(lowered) and not self._outsider_lead(lowered))
                lead = (claim if claim.claimant_type != "unattributed" else None, framed)
            if ctx["section_break"].search(text) or _is_dateline(text):
                author = None
            elif " by " in text and (m := ctx["authored"].search(text)):
                author = self._author(m.group("claimant"), i)
            elif author is not None and i not in self.context_claims:
                self.context_claims[i] = author
        self._read_interview()
        self._read_testimonies()

    def _read_interview(self) -> None:
        """In an interview every sentence of an answer is the interviewee's ("A: The company went
        to court ..."), unless it names its own source."""
        ctx = self.rules.context
        questions = {i for i, r in enumerate(self.sentences) if ctx["question"].match(r["text"])}
        if not questions:
            return
        first = min(questions)
        found = ctx["interviewee"].search(self.document["text"][: self.sentences[first]["char_start"]])
        if found is None:
            return
        interviewee = self._author(found.group("claimant"), first)
        answering = False
        for i, record in enumerate(self.sentences):
            if i in questions:
                answering = False
            elif ctx["answer"].match(record["text"]):
                answering = True
            if answering and i not in self.context_claims:
                self.context_claims[i] = interviewee

    def _read_testimonies(self) -> None:
        """In a collection of testimonies every sentence after a speaker's line ("Serik, 47, former
        operator at OzenMunaiGas") is the speaker's, up to the next heading, unless it names its
        own source."""
        speaker = None
        for i, record in enumerate(self.sentences):
            text = record["text"].strip()
            if found := self.rules.context["speaker_intro"].match(text):
                speaker = self._author(found.group("claimant"), i)
            elif self._heading_words(i) is not None:
                speaker = None  # a heading ends the testimony
            elif speaker is not None and i not in self.context_claims:
                self.context_claims[i] = speaker

    def _author(self, name: str, index: int):
        """The claim of a post's author: typed from the name and how the text introduced it."""
        context = self.document["text"][: self.sentences[index]["char_end"]]
        kind = claimants.claimant_type(name, context, self.claimant_lexicon)
        return claimants.Claim(name, kind if kind != "other" else self.rules.context["authored_type"])

    def _outsider_lead(self, lowered: str) -> bool:
        return bool(self.rules.outsider.search(lowered))


def _is_dateline(text: str) -> bool:
    if len(text) > 40 or not any(ch.isdigit() for ch in text):
        return False
    found = dates.find_dates(text)
    return len(found) == 1 and found[0].start <= 1 and found[0].end >= len(text.rstrip(". ")) - 1


_SIDES = {
    "trigger": ("state", "protesters"),
    "demand": ("protesters",),
    "state_response": ("state",),
    "outcome": ("state", "protesters"),
}


def _record_id(*parts) -> str:
    return hashlib.sha256("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:20]


def _replaces(other: Hit, hit: Hit, lowered: str) -> bool:
    """`other` is a category `hit` yields to, coded in the same clause ("troops" in a clause about
    Russian-led troops are those troops; "blocked news sites" is a media restriction)."""
    if other.category.table != hit.category.table or other.category.id not in hit.category.yields_to:
        return False
    between = lowered[min(hit.end, other.end) : max(hit.start, other.start)]
    return not _REQUEST_BREAK_RE.search(between)


def _continued(hits: list[Hit], sentence: _Sentence) -> list[Hit]:
    """A sentence opening on They/Their goes on with the sentence before it: after "Five police
    officers were tried", "They received sentences of five to seven years" is the officers'
    prosecution. A category coded there that a hit yields to replaces the hit (once per sentence)."""
    before = sentence.doc.coded.get(sentence.index - 1)
    if not before or not sentence.rules.context["continues"].match(sentence.text):
        return hits
    coded = {(h.category.table, h.category.id) for h in hits}
    kept = []
    for hit in hits:
        table = hit.category.table
        taken = next((before[table, c] for c in sorted(hit.category.yields_to) if (table, c) in before), None)
        if taken is None:
            kept.append(hit)
        elif (table, taken.id) not in coded:
            kept.append(Hit(taken, hit.pattern, hit.start, hit.end))
            coded.add((table, taken.id))
    return kept


def _sentence_rows(sentence: _Sentence, codebook: Codebook) -> list[dict]:
    rules = sentence.rules
    list_frame = sentence.index in sentence.doc.list_frames
    hits = []
    for i, spans in sorted(sentence.matches.items()):
        hit = first_hit(sentence, rules.categories[i], spans, list_frame)
        if hit is not None:
            hits.append(hit)
    hits = [h for h in hits if not any(_replaces(o, h, sentence.lowered) for o in hits)]
    hits = _continued(hits, sentence)
    if not hits:
        return []
    found = []
    if any(h.category.figure is not None for h in hits):
        found = sentence.doc.figures(sentence.text)
    given = assign_figures(hits, found, sentence)
    record = sentence.record
    episode = record["episode"]
    window = codebook.episodes[episode].window
    published = sentence.doc.document.get("published")
    base = record["char_start"]
    rows = []
    for i, hit in enumerate(hits):
        category = hit.category
        own = given.get(i) or []
        if category.figure is not None and category.figure.required and not own:
            one = category.figure.single and category.figure.single.search(sentence.lowered)
            if one:  # "a 22-year-old man ... was shot dead": one person
                own = [figures.Figure(one.start(), one.end(), 1.0, 1.0, "people", "exact")]
            elif not hit.pattern.figure_optional:
                continue
        for figure in own or [None]:
            span = (
                (hit.start, hit.end)
                if figure is None
                else (min(hit.start, figure.start), max(hit.end, figure.end))
            )
            start, end = clause_span(sentence.text, *span)
            claim = sentence.claim((hit.start, hit.end) if figure is None else (figure.start, figure.end))
            own_voice = claim.claimant_type == claimants.UNATTRIBUTED and not sentence.doc.state_voice
            if category.source and own_voice:
                claim = sentence.state_claim(hit.start) or claim  # a denial or narrative is the state's
            row = {
                "episode": episode,
                "category": category.id,
                "family": category.family,
                "doc_id": record["doc_id"],
                "sentence_id": record["sentence_id"],
                "char_start": base + start,
                "char_end": base + end,
                "quote": sentence.text[start:end],
                "actor": actor_of(sentence, hit, _SIDES[category.table]),
                "claimant": claim.claimant,
                "claimant_type": claim.claimant_type,
                "value_low": None if figure is None else figure.value_low,
                "value_high": None if figure is None else figure.value_high,
                "unit": None if figure is None else category.figure.unit_of(figure),
                "qualifier": None if figure is None else figure.qualifier,
                "event_date": event_date(sentence, (hit.start, hit.end), window, published),
                "rule_id": hit.pattern.rule_id,
                "table": category.table,
            }
            row["record_id"] = _record_id(
                row["doc_id"], category.table, category.id, row["char_start"], row["char_end"],
                row["value_low"], row["value_high"], row["unit"], row["qualifier"], row["claimant"],
            )  # fmt: skip
            rows.append(row)
            sentence.doc.coded.setdefault(sentence.index, {})[category.table, category.id] = category
    return rows


def _sort_key(row: dict) -> tuple:
    def num(v):
        return (v is not None, v if v is not None else 0.0)

    return (
        row["doc_id"], row["char_start"], row["char_end"], row["category"], num(row["value_low"]),
        num(row["value_high"]), row["unit"] or "", row["qualifier"] or "", row["claimant"] or "",
        row["rule_id"],
    )  # fmt: skip


def extract_document(document: dict, sentences: list[dict], codebook: Codebook) -> dict[str, list[dict]]:
    """Fact rows per output table name (triggers, demands, state_responses, outcomes) for one document."""
    rules = patterns_module.load(codebook)
    ordered = sorted(sentences, key=lambda s: s["char_start"])
    doc = _Document(document, ordered, rules, codebook)
    tables: dict[str, list[dict]] = {name: [] for name in schema.FACT_TABLES.values()}
    for index, record in enumerate(ordered):
        if record.get("episode") is None or doc.states_no_fact(index):
            continue  # facts must belong to an episode
        for row in _sentence_rows(_Sentence(record, rules, doc, index), codebook):
            tables[schema.FACT_TABLES[row.pop("table")]].append(row)
    for rows in tables.values():
        rows.sort(key=_sort_key)
    return tables


def write(folder: Path, codebook: Codebook) -> dict[str, int]:
    """Read folder/documents.parquet + sentences.parquet, write the four fact tables; rows per table."""
    import pyarrow.parquet as pq

    documents = pq.read_table(folder / "documents.parquet").to_pylist()
    sentences = pq.read_table(folder / "sentences.parquet").to_pylist()
    by_doc: dict[str, list[dict]] = {}
    for record in sentences:
        by_doc.setdefault(record["doc_id"], []).append(record)
    tables: dict[str, list[dict]] = {name: [] for name in schema.FACT_TABLES.values()}
    for document in sorted(documents, key=lambda d: d["doc_id"]):
        for name, rows in extract_document(document, by_doc.get(document["doc_id"], []), codebook).items():
            tables[name].extend(rows)
    counts = {}
    for name, rows in tables.items():
        rows.sort(key=_sort_key)
        schema.write_table(schema.to_table(rows, schema.FACTS), folder / f"{name}.parquet")
        counts[name] = len(rows)
    return counts
