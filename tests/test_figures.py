"""The figure parser: numbers in digits and words, their bounds, units, and what is not a figure."""

from __future__ import annotations

import pytest

from kzunrest.figures import Figure, find_figures, has_number, lexicon


def read(text: str) -> list[tuple]:
    """(phrase, low, high, unit, qualifier) of every figure, in order."""
    return [
        (text[f.start : f.end], f.value_low, f.value_high, f.unit, f.qualifier) for f in find_figures(text)
    ]


def only(text: str) -> tuple:
    found = read(text)
    assert len(found) == 1, found
    return found[0][1:]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Sixteen people died in Janaozen.", 16),
        ("Seventeen residents were jailed.", 17),
        ("4400 people have been arrested", 4400),
        ("4,400 people have been arrested", 4400),
        ("4,404 participants in the riots have been detained", 4404),
        ("a town of 100\u00a0000 inhabitants", 100000),
        ("10 000 people were detained", 10000),  # ingest turns a no-break space into a space
        ("2 000 protesters gathered", 2000),
        ("two hundred protesters gathered", 200),
        ("two hundred and twenty protesters gathered", 220),
        ("twenty-five workers were fired", 25),
        ("twenty five workers were fired", 25),
        ("a dozen protesters were detained", 12),
        ("two dozen protesters were detained", 24),
        ("half a dozen protesters were detained", 6),
        ("a thousand workers struck", 1000),
        ("4.4 thousand workers struck", 4400),
        ("Eighteen officers were killed", 18),
        ("Nineteen of the dead were police officers or soldiers.", 19),
    ],
)
def test_numbers_in_digits_and_words(text, value):
    low, high, unit, qualifier = only(text)
    assert (low, high, unit, qualifier) == (value, value, "people", "exact")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Kozlov was sentenced to 7 and 1/2 years in prison.", 7.5),
        ("Kozlov was sentenced to seven and a half years.", 7.5),
        ("Kozlov was sentenced to 7½ years.", 7.5),
        ("Kozlov was sentenced to 7 1/2 years.", 7.5),
        ("She was sentenced to six years in prison.", 6),
    ],
)
def test_sentence_lengths_in_years(text, value):
    assert only(text) == (value, value, "years", "exact")


def test_scales_and_money():
    assert only("more than 370 billion US dollars of investment") == (370e9, None, "usd", "more_than")
    assert only("a loan of $370bn") == (370e9, 370e9, "usd", "exact")
    assert only("a fine of 5.5 million tenge") == (5.5e6, 5.5e6, "tenge", "exact")
    assert only("a fine of KZT 50,000") == (50000, 50000, "tenge", "exact")
    assert only("a fine of 50,000 tenge for gas") == (50000, 50000, "tenge", "exact")  # not a pump price


# --------------------------------------------------------------------------- bounds (every qualifier)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sixteen people died", (16, 16, "people", "exact")),
        ("a total of 16 people died", (16, 16, "people", "exact")),
        ("at least 17 people dead", (17, None, "people", "at_least")),
        ("no fewer than 17 people died", (17, None, "people", "at_least")),
        ("100 or more victims", (100, None, "people", "at_least")),
        ("over 100 injured", (100, None, "people", "more_than")),
        ("more than 100 people were wounded", (100, None, "people", "more_than")),
        ("upwards of 100 people were wounded", (100, None, "people", "more_than")),
        ("some estimates go as high as 70 dead", (None, 70, "people", "up_to")),
        ("up to 70 people were killed", (None, 70, "people", "up_to")),
        ("as many as 70 people were killed", (None, 70, "people", "up_to")),
        ("fewer than 10 journalists", (None, 10, "people", "up_to")),
        ("Some 70 people were detained.", (70, 70, "people", "about")),
        ("about 70 people were detained", (70, 70, "people", "about")),
        ("around 70 other women went to the station", (70, 70, "people", "about")),
        ("nearly 70 people were detained", (70, 70, "people", "about")),
        ("almost 70 people were detained", (70, 70, "people", "about")),
        ("approximately 400 people were fired", (400, 400, "people", "about")),
        ("an estimated 400 people were fired", (400, 400, "people", "about")),
        ("nearly a thousand fired workers", (1000, 1000, "people", "about")),
        ("200 or so people were fired", (200, 200, "people", "about")),
        ("a 300-odd crowd of protesters", (300, 300, None, "about")),
    ],
)
def test_bounds(text, expected):
    assert only(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dozens died", (24, 99, "people", "vague")),
        ("“Dozens” died, according to media reports", (24, 99, "people", "vague")),
        ("“hundreds” had been killed", (200, 999, "people", "vague")),
        ("several hundred oil workers gathered", (200, 999, "people", "vague")),
        ("thousands of people marched", (2000, 9999, "people", "vague")),
        ("several thousand employees struck", (2000, 9999, "people", "vague")),
        ("tens of thousands of people marched", (20000, 99999, "people", "vague")),
        ("the real number of dead ran into the dozens", (24, 99, "people", "vague")),
        ("at least dozens of people were killed", (24, None, "people", "at_least")),
        ("up to hundreds of people were killed", (None, 999, "people", "up_to")),
    ],
)
def test_vague_quantities(text, expected):
    assert only(text) == expected


def test_a_bound_cue_keeps_to_its_own_number():
    found = read("at least 16 died and 60 were wounded")
    assert [f[1:] for f in found] == [(16, None, "people", "at_least"), (60, 60, "people", "exact")]


# --------------------------------------------------------------------------- ranges and changes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the 1,000 to 1,500 members of the armed security forces", (1000, 1500, "troops", "about")),
        ("between 8 and 10 people were hurt", (8, 10, "people", "about")),
        ("8-10 people were hurt", (8, 10, "people", "about")),
        ("two or three men were hurt", (2, 3, "people", "about")),
        ("between 8 and 10 years in prison", (8, 10, "years", "about")),
        ("about 1,000 to 1,500 troops", (1000, 1500, "troops", "about")),
        ("sentences of between eight years and life will be imposed", (8, None, "years", "at_least")),
    ],
)
def test_ranges(text, expected):
    assert only(text) == expected


def test_a_price_change_gives_both_ends_with_roles():
    text = "sparked by a doubling of the price of gas to 120 tenge (about £0.21) per litre from 60 tenge."
    found = find_figures(text)
    roles = {f.role: (f.value_low, f.value_high, f.unit, f.qualifier) for f in found if f.role}
    assert roles == {
        "to": (120, 120, "tenge_per_litre", "exact"),
        "from": (60, 60, "tenge_per_litre", "exact"),
    }
    pound = [f for f in found if f.role is None]
    assert [(f.value_low, f.unit, f.qualifier) for f in pound] == [(0.21, None, "about")]


def test_from_to_order_and_unit_sharing():
    found = find_figures("the price rose from 60 to 120 tenge per litre")
    assert [(f.value_low, f.unit, f.role) for f in found] == [
        (60, "tenge_per_litre", "from"),
        (120, "tenge_per_litre", "to"),
    ]
    plain = find_figures("the death toll rose from 10 to 16")
    assert [(f.value_low, f.role) for f in plain] == [(10, "from"), (16, "to")]


def test_a_to_without_from_is_no_change():
    found = find_figures("Officials first put the death toll at 14, later raising it to 16.")
    assert [(f.value_low, f.value_high, f.unit, f.qualifier, f.role) for f in found] == [
        (14, 14, "people", "exact", None),
        (16, 16, "people", "exact", None),
    ]


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Sixteen people died", "people"),
        ("55 civilians were arrested", "people"),
        ("300 demonstrators gathered", "people"),
        ("the bodies of 12 men", "people"),
        ("four law enforcement officials were arrested", "people"),
        ("Five police officers were put on trial", "people"),
        ("the 3000 Russian and other troops flown in", "troops"),
        ("about 2,000 troops, mostly Russian", "troops"),
        ("500 soldiers were deployed", "troops"),
        ("200 servicemen arrived", "troops"),
        ("around 100 members of the security forces stayed overnight", "troops"),
        ("Eight members of the security forces were killed", "people"),  # casualties, not a deployment
        ("300 members of the union", "people"),
        ("a court action to ban more than 30 TV, online and print outlets", "outlets"),
        ("12 websites were blocked", "outlets"),
        ("five newspapers were closed", "outlets"),
        ("over 85 percent of patients had bullet wounds", "percent"),
        ("over 85% of patients had bullet wounds", "percent"),
        ("growth of 4 per cent", "percent"),
        ("Gas for 50 tenge.", "tenge_per_litre"),
        ("the price of gas was reduced to 50 tenge per litre", "tenge_per_litre"),
        ("a bonus of 120 tenge", "tenge"),
        ("three days of official mourning", "days"),
        ("absent from work for 20 days", "days"),
        ("a 20-day state of emergency", "days"),
        ("six years in prison", "years"),
        ("Ten years after the massacre", "years"),
    ],
)
def test_units(text, unit):
    found = read(text)
    assert len(found) == 1, found
    assert found[0][3] == unit


def test_weeks_are_counted_in_days():
    assert only("a two-week state of emergency") == (14, 14, "days", "exact")
    assert only("given one week to consider the offer") == (7, 7, "days", "exact")


def test_a_count_without_a_noun_counts_people_when_the_sentence_speaks_of_casualties():
    assert [f[1:] for f in read("State officials admit that 16 were killed and 64 injured")] == [
        (16, 16, "people", "exact"),
        (64, 64, "people", "exact"),
    ]
    assert only("who admitted the death of 10, and more wounded") == (10, 10, "people", "exact")
    assert only("after detaining 70.") == (70, 70, "people", "exact")
    assert only("30 of whom said they had been beaten") == (30, 30, "people", "exact")
    assert only("more than 1,000 of them were dismissed") == (1000, None, "people", "more_than")


def test_a_count_of_something_else_has_no_unit():
    assert only("more than 400 vehicles were destroyed") == (400, None, None, "more_than")
    assert only("employment with over 20 private companies") == (20, None, None, "more_than")
    assert only("an eight-month strike") == (8, 8, None, "exact")
    assert only("three separate labor strikes") == (3, 3, None, "exact")


def test_another_man_and_one_more_man_are_one_person():
    assert only("Another man died in the nearby village of Shetpe") == (1, 1, "people", "exact")
    assert only("police shot dead one more man in the village") == (1, 1, "people", "exact")
    assert only("another 10 people were detained") == (10, 10, "people", "exact")


# --------------------------------------------------------------------------- not figures


@pytest.mark.parametrize(
    "text",
    [
        "In 2011, the city was the scene of a strike.",
        "A 2008 survey conducted in the regions.",
        "the 2012 trial of Zhanaozen protesters",
        "in the 1990s and the '90s",
        "On 16 December police opened fire.",
        "On December 16 police opened fire.",
        "On December 16 2011 police opened fire.",
        "the December 16 to 17 incident",
        "On 16 and 17 December 2011, violence broke out.",
        "On 4 and 5 January rallies were overtaken by violence.",
        "Between 2 and 11 January 2022, Kazakhstan experienced unrest.",
        "a state of emergency until January 5, or until final settlement",
        "published on 16.12.2011 or 2011-12-16 or 16/12/2011",
        "the celebrations of the 20th anniversary of independence",
        "the 1st, 2nd and 3rd days",
        "Page last modified: 21-03-2022 10:29:19 ZULU",
        "the meeting starts at 10:30 or 5 pm or 7 a.m.",
        "call +7 727 123 4567 for details",
        "charged under Article 164 of the Criminal Code",
        "Articles 164, 174 and 272 of the code",
        "see No. 5 and p. 12 and item 3",
        "as reported earlier [12]",
        "1. The uprising began as a working-class revolt.",
        "one of the largest industrial actions",
        "No one was held to account.",
        "G7 ministers, Covid-19 restrictions, MH17 and the Eur0pean Parliament",
        "a 25-year-old man aged 25",
        "the 70-year-old former president, 40 years old",
        "see www.example.kz/2020/page or write to a1@example.kz",
        "it runs 24/7",
        "a handful of police officers were tried",
        "several buildings and a number of shops burned",
        "said Aigerim Suleimenova, 29, a teacher from Zhanaozen",  # an age after a name
    ],
)
def test_not_figures(text):
    assert read(text) == []


def test_a_count_after_a_date_and_a_comma_is_not_an_age():
    assert read("As of 11 January, 9,900 people had been detained") == [
        ("9,900 people", 9900, 9900, "people", "exact")
    ]


def test_the_16_in_a_casualty_sentence_is_kept_while_the_one_is_not():
    assert read("Sixteen people died in Janaozen and one in the nearby village of Shetpe") == [
        ("Sixteen people", 16, 16, "people", "exact")
    ]


def test_a_year_with_a_bound_or_a_noun_is_a_count():
    assert only("about 2000 troops arrived") == (2000, 2000, "troops", "about")
    assert only("Police said 2000 people gathered") == (2000, 2000, "people", "exact")
    assert read("In 2011 police shot dead at least 14 striking oil workers") == [
        ("at least 14 striking oil workers", 14, None, "people", "at_least")
    ]


# --------------------------------------------------------------------------- sentences with two claims


def test_two_claims_in_one_sentence_are_two_figures():
    text = (
        "public violence left at least 17 people dead [some estimates go as high as 70] and over 100 injured."
    )
    assert [f[1:] for f in read(text)] == [
        (17, None, "people", "at_least"),
        (None, 70, "people", "up_to"),
        (100, None, "people", "more_than"),
    ]


def test_dozens_perhaps_hundreds_are_two_vague_figures():
    text = (
        "Officials admit that 16 were killed – but campaigners say there were dozens, perhaps hundreds, more."
    )
    assert [f[1:] for f in read(text)] == [
        (16, 16, "people", "exact"),
        (24, 99, "people", "vague"),
        (200, 999, "people", "vague"),
    ]


# --------------------------------------------------------------------------- spans and the prefilter


def test_spans_cover_cue_number_and_unit():
    text = "Officials say more than 4,400 people were arrested."
    (figure,) = find_figures(text)
    assert text[figure.start : figure.end] == "more than 4,400 people"
    assert isinstance(figure, Figure)


def test_figures_come_in_order_of_position():
    found = find_figures("18 officers were killed and 748 were injured, and 4,404 were detained")
    assert [f.start for f in found] == sorted(f.start for f in found)
    assert [f.value_low for f in found] == [18, 748, 4404]


def test_prefilter_passes_digits_and_number_words_and_stops_the_rest():
    lex = lexicon()
    assert has_number("Sixteen people died", lex)
    assert has_number("“Dozens” died", lex)
    assert has_number("a two-week state of emergency", lex)
    assert has_number("4400 people", lex)
    assert not has_number("Police opened fire on demonstrators in the town.", lex)
    # digits that are plainly a year or a day of a month are no reason to parse
    assert not has_number("In 2011, the city was the scene of a strike.", lex)
    assert not has_number("On 16 December police opened fire, and on December 17 in Shetpe.", lex)
    assert has_number("about 2011 troops arrived", lex)
    assert has_number("in 2011 people marched", lex)  # ("in" makes it a year: the parser decides)
    assert has_number("On 16 and 17 December 2011", lex)  # a chain of days: left to the parser
    assert find_figures("Police opened fire on demonstrators in the town.") == []


def test_the_word_lists_come_from_the_codebook(tmp_path):
    """A unit noun added to codebook/figures.yaml is used without a code change."""
    import shutil

    import yaml

    from kzunrest import codebook as codebook_module

    folder = tmp_path / "codebook"
    shutil.copytree(codebook_module.DEFAULT_DIR, folder)
    spec = yaml.safe_load((folder / "figures.yaml").read_text(encoding="utf-8"))
    assert "gendarmes" in spec["units"]["troops"]
    assert "cossacks" not in spec["units"]["troops"]
    text = "400 cossacks were deployed"
    assert find_figures(text)[0].unit is None
    spec["units"]["troops"].append("cossacks")
    (folder / "figures.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    custom = lexicon(codebook_module.load(folder))
    assert find_figures(text, custom)[0].unit == "troops"


def test_a_yaml_boolean_in_a_word_list_is_a_clear_error(tmp_path):
    import shutil

    import yaml

    from kzunrest import codebook as codebook_module

    folder = tmp_path / "codebook"
    shutil.copytree(codebook_module.DEFAULT_DIR, folder)
    text = (folder / "figures.yaml").read_text(encoding="utf-8")
    (folder / "figures.yaml").write_text(text.replace('"no", nos', "no, nos"), encoding="utf-8")
    assert yaml.safe_load((folder / "figures.yaml").read_text())["not_figures"]["reference_words"].count(
        False
    )
    with pytest.raises(ValueError, match="figures.yaml.*False"):
        lexicon(codebook_module.load(folder))


def test_range_from_to_after_a_range_verb_is_a_range_not_a_change():
    assert read("Their sentences range from two to eight years in prison.") == [
        ("two to eight years", 2, 8, "years", "about")
    ]
    assert [f.role for f in find_figures("The price rose from 60 to 120 tenge.")] == ["from", "to"]


def test_labels_for_people_and_detention_sentences_count_people():
    assert only('he blamed the violence on 20,000 "bandits and terrorists".')[2] == "people"
    assert only("Of these, 1,070 were placed in pre-trial detention by court order.")[2] == "people"
