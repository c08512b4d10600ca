"""Episode placement: unit rules, and accuracy against the hand-placed sentences in tests/gold/."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from kzunrest import ingest
from kzunrest.episodes import place_sentences

GOLD = Path(__file__).parent / "gold"


def place(text: str, codebook, published: date | None = None) -> list[tuple[str, str | None]]:
    spans = ingest.split_sentences(text)
    placed = place_sentences(text, spans, published, codebook)
    return [(text[a:b], ep) for (a, b), (ep, _) in zip(spans, placed, strict=True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # naming both episodes alike sets one against the other: the sentence before does not decide
            "Police opened fire on the strikers on 16 December 2011. "
            "In 2011 the state could isolate one town; in 2022 the protests reached every region.",
            ["zhanaozen-2011", None],
        ),
        (  # a pronoun carries the paragraph's episode where no event is named; background does not
            "Roza Tuletayeva told the court she had been tortured after the December 2011 shootings. "
            "They hung her up by her hair. "
            "The town's economy depends almost entirely on oil.",
            ["zhanaozen-2011", "zhanaozen-2011", None],
        ),
        (  # the language of verdicts, tolls and orders names an event: the paragraph decides
            "Police opened fire on the strikers on 16 December 2011. "
            "The officers received terms of five to seven years. "
            "The verdict may be appealed within 15 days. "
            "Residents put the real number far higher. "
            "None of the commanders who gave the order to open fire was identified. "
            "Entry to the city is through checkpoints. "
            "The families of the deceased will be given material assistance. "
            "The National Guard is continuing operations in the town. "
            "26 armed criminals were liquidated.",
            ["zhanaozen-2011"] * 9,
        ),
        (  # what the codebook codes as a fact names an event, with no event word in it
            "Protesters in Zhanaozen demanded a lower LPG price on 3 January 2022. "
            "This was an attempted coup d'état. "
            "Well-trained groups of militants, including fighters from abroad, moved into the cities. "
            "The state has reshuffled the elite and rewritten the constitution. "
            "The town's economy depends almost entirely on oil.",
            ["january-2022"] * 4 + [None],
        ),
    ],
    ids=["both episodes alike", "pronoun", "field words", "codebook facts"],
)
def test_what_the_sentence_before_decides(codebook, text, expected):
    assert [episode for _, episode in place(text, codebook)] == expected


def test_a_resolutions_citations_and_closing_formula_are_neither(codebook):
    text = (
        "– having regard to the statement by the UN High Commissioner of 6 January 2022,\n"
        "1. Condemns the killing of protesters in Almaty in January 2022;\n"
        "2. Instructs its President to forward this resolution to the Council."
    )
    assert [ep for _, ep in place(text, codebook)] == [None, "january-2022", None]


def test_a_quotation_recalling_the_past_goes_on_with_its_story(codebook):
    text = (
        "On 16 December 2011 police opened fire on the strikers in Zhanaozen. "
        "“There was a stage, music, yurts for the celebration. "
        "We were just standing there with our placards.” "
        "“Today I want the truth,” she said."
    )
    assert [ep for _, ep in place(text, codebook)] == ["zhanaozen-2011"] * 3 + [None]


def test_letterheads_signatures_and_keywords_are_neither(codebook):
    text = (
        "On 16 December 2011 police opened fire on strikers in Zhanaozen.\n\n"
        "PROSECUTOR GENERAL'S OFFICE OF THE REPUBLIC OF KAZAKHSTAN\n\n"
        "Press Service of the Prosecutor General's Office\n\n"
        "Keywords: Kazakhstan; labour unrest; oil; Zhanaozen; trade unions\n\n"
        "Tags: Zhanaozen, Kozlov, Alga, trial, torture\n\n"
        "AMNESTY INTERNATIONAL\n\n"
        "Spokesperson for the UN High Commissioner for Human Rights: Liz Throssell\n\n"
        "(Khabar TV, Astana, in Russian 1500 gmt 16 Dec 11)\n\n"
        "Information on detained persons: 8 (7172) 72-22-77."
    )
    placed = place(text, codebook, published=date(2011, 12, 21))  # "16 Dec" is a date of the events
    assert [ep for _, ep in placed] == ["zhanaozen-2011"] + [None] * 8


def test_years_dates_and_cues(codebook):
    placed = place(
        "Oil workers went on strike in May 2011.\n"
        "Protests over the LPG price began in Zhanaozen.\n"
        "In 2016, police detained dozens of land protesters.",
        codebook,
    )
    assert [ep for _, ep in placed] == ["zhanaozen-2011", "january-2022", None]


def test_relative_phrase_counts_back_from_published_date(codebook):
    placed = place("Ten years ago police shot the strikers.", codebook, published=date(2021, 12, 15))
    assert placed[0][1] == "zhanaozen-2011"


def test_a_dateline_may_carry_the_weekday_and_the_time(codebook):
    text = "Fri 7 Jan 2022 17.25 GMT\nTroops fired on protesters two days ago."
    assert [ep for _, ep in place(text, codebook)] == [None, "january-2022"]


def test_dateline_starts_a_section_with_its_own_reference_date(codebook):
    text = (
        "January 9, 2022\nTroops fired on protesters a week ago.\n"
        "December 15, 2021\nTen years ago police fired on protesters."
    )
    assert [ep for _, ep in place(text, codebook)] == [None, "january-2022", None, "zhanaozen-2011"]


def test_a_place_and_a_day_is_a_dateline_dated_from_the_one_before(codebook):
    text = (
        "MOSCOW, January 6.\nThe first CSTO units landed at the airport.\n"
        "Almaty, 11 January.\nThe withdrawal of the contingent will begin in two days."
    )
    placed = place(text, codebook, published=date(2022, 1, 12))
    assert [ep for _, ep in placed] == [None, "january-2022", None, "january-2022"]


def test_a_day_without_a_year_defers_to_its_sections_episode(codebook):
    text = (
        "Police shot striking oil workers in Zhanaozen in December 2011.\n"
        "Nazarbayev declared a state of emergency in the town in 2011.\n\n"
        "On 22 December he visited Zhanaozen and promised new jobs to the dismissed workers."
    )  # published in 2023: "22 December" read from that date alone would fall in 2022
    placed = place(text, codebook, published=date(2023, 1, 15))
    assert placed[-1][1] == "zhanaozen-2011"


def test_a_heading_naming_an_episode_labels_its_section(codebook):
    text = (
        "The 2011 strike and shooting\n"
        "In May 2011 oil workers went on strike.\n"
        "Police opened fire on the square.\n\n"
        "The 2022 unrest\n"
        "Residents took to the streets in January 2022 over the gas price.\n"
        "Internet access was shut down across much of the country.\n"
        "Officials later reported that 238 people had died.\n\n"
        "Context\n"
        "Protesters have been detained before.\n"
    )  # one sentence per line: no paragraph carries the episode from one sentence to the next
    placed = [ep for _, ep in place(text, codebook)]
    assert placed[4:7] == ["january-2022"] * 3
    assert placed[2] == "zhanaozen-2011"


def test_a_name_that_served_in_both_episodes_is_no_cue(codebook):
    # Karim Massimov was prime minister in 2011 and head of the security service in 2022
    text = (
        "Police opened fire on striking oil workers on 16 December 2011. "
        "A government commission headed by Prime Minister Karim Massimov arrived in the town."
    )
    assert [ep for _, ep in place(text, codebook)] == ["zhanaozen-2011"] * 2


def test_a_heading_naming_only_a_year_labels_its_section_without_outvoting_the_text(codebook):
    text = (
        "Protests over the LPG price began in Zhanaozen.\n"
        "Tokayev declared a state of emergency.\n"
        "Police fired on the crowd in Almaty.\n\n"
        "The shadow of 2011\n"
        "A court ruled the strike illegal.\n"
        "Police opened fire on the crowd, killing 14 people.\n"
    )
    placed = [ep for _, ep in place(text, codebook)]
    assert placed[3:] == ["zhanaozen-2011"] * 3
    assert placed[:3] == ["january-2022"] * 3
    # the heading's own vote would tie the document's majority and leave "Crowds gathered" unplaced
    text = (
        "Protests over the LPG price spread.\n\nCrowds gathered on the square.\n\n"
        "The shadow of 2011\nPolice opened fire on the crowd.\n"
    )
    assert [ep for _, ep in place(text, codebook)] == ["january-2022"] * 2 + ["zhanaozen-2011"] * 2


def test_duration_year_does_not_date_the_sentence(codebook):
    text = "Protests over the LPG price spread, fuelled by anger at Nazarbayev, who ruled until 2019."
    assert place(text, codebook)[0][1] == "january-2022"


def test_sentence_without_event_is_neither_but_list_items_follow_their_list(codebook):
    text = (
        "Protesters in Zhanaozen over the LPG price listed their demands:\n"
        "1. Gas for 50 tenge.\n2. The return of the stolen money.\n"
        "The author is a journalist based in London.\n"
        "Wages in the oil sector are higher than the national average, but so is the cost of living.\n"
        "Freedom of expression is guaranteed by the Constitution."
    )  # pay and prices are background; a freedom is no one freed
    assert [ep for _, ep in place(text, codebook)] == ["january-2022"] * 3 + [None] * 3


def placement_accuracy(seeds_dir: Path, gold_file: Path, codebook) -> tuple[float, list[str]]:
    """Share of gold sentences placed as labelled, and the misplaced ones.

    A gold sentence that cleaning removed (site boilerplate) counts as placed in neither.
    """
    corpus = ingest.ingest(seeds_dir, codebook)
    documents = {d["path"]: d for d in corpus.documents}
    gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))["sentences"]
    errors = []
    for entry in gold:
        document = documents[entry["doc"]]
        pattern = r"\s+".join(re.escape(word) for word in entry["starts"].split())
        found = re.search(pattern, document["text"])
        episode = None
        if found:
            sentence = next(
                s
                for s in corpus.sentences
                if s["doc_id"] == document["doc_id"] and s["char_start"] <= found.start() < s["char_end"]
            )
            episode = sentence["episode"]
        if episode != entry["episode"]:
            errors.append(f"{entry['doc']}: {entry['starts']!r} gold {entry['episode']} got {episode}")
    return 1 - len(errors) / len(gold), errors


# Placement floors per gold set. The dev sets were written outside the repo (tests/gold/README.md);
# their floors sit below today's scores (blind3 0.942, blind4 0.962, blind5 0.905, blind6 0.907,
# blind7 0.820, blind8 0.845) or below their first, blind scores, so a regression fails.
PLACEMENT_FLOORS = {
    "seeds": 0.95,
    "heldout": 0.95,
    "blind3": 0.92,
    "blind4": 0.94,
    "blind5": 0.88,
    "blind6": 0.88,
    "blind7": 0.79,  # its coder places Q&A lines too
    "blind8": 0.82,
    "blind9": 0.87,  # blind score 0.891
    "blind10": 0.78,  # blind score 0.802
    "blind11": 0.86,  # blind score 0.878
    "blind12": 0.80,  # blind score 0.817
    "blind13": 0.80,  # blind score 0.816
    "blind14": 0.85,  # blind score 0.873
    "blind15": 0.77,  # blind score 0.794
    "blind16": 0.80,  # blind score 0.830
    "blind17": 0.77,  # blind score 0.797
    "blind18": 0.80,  # blind score 0.832
    "blind19": 0.81,  # blind score 0.838
    "blind20": 0.83,  # blind score 0.863
    "blind21": 0.82,  # blind score 0.850
    "blind22": 0.88,  # blind score 0.913
    "blind23": 0.78,  # blind score 0.803
    "blind24": 0.85,  # blind score 0.883
    "blind25": 0.79,  # blind score 0.816
    "blind26": 0.77,  # blind score 0.805
    "blind27": 0.78,  # blind score 0.807
    "blind28": 0.86,  # blind score 0.889
    "blind29": 0.80,  # blind score 0.834
    "blind30": 0.79,  # blind score 0.824
    "blind31": 0.86,  # blind score 0.887
    "blind32": 0.76,  # blind score 0.786
}


@pytest.mark.parametrize(("name", "floor"), PLACEMENT_FLOORS.items(), ids=list(PLACEMENT_FLOORS))
def test_placement_accuracy_against_gold(name, floor, codebook):
    texts = Path("seeds") if name == "seeds" else GOLD / name
    gold = GOLD / "episodes.yaml" if name == "seeds" else GOLD / name / "episodes.yaml"
    accuracy, errors = placement_accuracy(texts, gold, codebook)
    assert accuracy >= floor, f"accuracy {accuracy:.3f}:\n" + "\n".join(errors)


@pytest.mark.parametrize(
    ("sentence", "episode"),
    [
        ("Unlike in 2011, the cabinet of Askar Mamin was dismissed.", "january-2022"),
        ("When the Soviet Union collapsed in 1991, our leaders offered stability.", None),
        ("By Aigerim Sarsenova, civil-society activist, Almaty", None),
        ("By September, 700 people had been convicted over the January 2022 unrest.", "january-2022"),
        ("Briefing by the Caspian Rights Monitor, 15 November 2012", None),  # a masthead's date
        ("Policy brief, Central Eurasia Policy Forum, September 2023", None),
        ("Mangistau Riot - December 2011", "zhanaozen-2011"),  # a headline naming its event's date
        ("Kazakhstan's economy grew by about 5 percent in 2023.", None),  # a year, but no event
        ("The Uzen field is operated by OzenMunaiGas, a subsidiary of KazMunayGas.", None),  # a company
        ("OzenMunaiGas sacked hundreds of the strikers.", "zhanaozen-2011"),  # and its strike
        ("On 22 December 2011 the President removed the governor of the region.", "zhanaozen-2011"),
        ("Section III - The events of 16 and 17 December 2011", "zhanaozen-2011"),
        ("Other protests followed over the next decade.", None),
        ("Our organisation has monitored trials in Kazakhstan since 2008.", None),  # ongoing since
        ("Plenary Watch, published 20 January 2022", None),
        ("Posted on 14 December 2012 by Erlan Dzhumabaev", None),
        ("Dear President Tokayev,", None),
        ("This paper compares two waves of protest in Kazakhstan.", None),
        ("This report is based on 53 interviews conducted between February and May 2022.", None),
        ("For this report, researchers interviewed 27 former detainees in Aktau in April 2012.", None),
        ("Human Rights Watch (2012) Striking Oil, Striking Workers: Violations in Kazakhstan.", None),
        ("[3] CSTO press release, 19 January 2022.", None),  # an endnote citing a source
        ("– having regard to the statement by the UN High Commissioner of 6 January 2022,", None),
        ("Kazakhstan held early parliamentary elections on 15 January 2012.", None),  # another event
        ("[8] The official toll was 17, including one man killed in Shetpe.", "zhanaozen-2011"),  # a fact
        ("UA 04/22 Index: EUR 57/5131/2022 Kazakhstan Date: 21 January 2022", None),  # when it was issued
        ("PLEASE TAKE ACTION AS SOON AS POSSIBLE UNTIL: 4 March 2022", None),
        ("Kudaibergenova, D. (2022) 'Making sense of the January 2022 protests'.", None),
        ("Zhanaozen (Kazakh: Жаңаөзен) saw troops fire on strikers in December 2011.", "zhanaozen-2011"),
        (
            "They drew parallels with the 2005 Andijan massacre during the oil workers' strike.",
            "zhanaozen-2011",
        ),
    ],
)
def test_contrast_dating_years_and_bylines(sentence, episode, codebook):
    assert place(sentence, codebook)[0][1] == episode
