"""Claimant attribution: cues, the nearest governing cue, claimant types, unattributed text."""

from __future__ import annotations

import shutil

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kzunrest import codebook as codebook_module
from kzunrest.claimants import Claim, attribute, claimant_type, lexicon
from kzunrest.figures import find_figures


def at(sentence: str, phrase: str, **kwargs) -> Claim:
    """The claim for the first occurrence of `phrase` in `sentence`."""
    start = sentence.index(phrase)
    return attribute(sentence, (start, start + len(phrase)), **kwargs)


def per_figure(sentence: str) -> list[tuple[str, str | None, str]]:
    out = []
    for f in find_figures(sentence):
        claim = attribute(sentence, (f.start, f.end))
        out.append((sentence[f.start : f.end], claim.claimant, claim.claimant_type))
    return out


# --------------------------------------------------------------------------- each claimant type


@pytest.mark.parametrize(
    ("sentence", "phrase", "claimant", "kind"),
    [
        ("Officials say 14 people, most of them protesters, died.", "14 people", "Officials", "official"),
        (  # "always", "long" between the speaker and the verb; "complained" is a speech verb
            "Local activists have always insisted that the real toll was higher.",
            "real toll",
            "Local activists",
            "activist",
        ),
        ("Strikers had complained that the oil wealth had left them.", "oil wealth", "Strikers", "activist"),
        (
            "At least 11 defendants told the court that they had been beaten.",
            "beaten",
            "At least 11 defendants",
            "activist",
        ),
        (
            "The internal affairs ministry has said that more than 4400 people have been arrested.",
            "more than 4400",
            "The internal affairs ministry",
            "official",
        ),
        (
            "On 7 January president Kasym-Jomart Tokaev let slip that “hundreds” had been killed.",
            "hundreds",
            "president Kasym-Jomart Tokaev",
            "official",
        ),
        (
            "According to the Prosecutor General's Office, 238 people died.",
            "238",
            "the Prosecutor General's Office",
            "official",
        ),
        ("“Dozens” died, according to media reports.", "Dozens", "media reports", "media"),
        (
            "Janar Kasymbekova, a reporter for the Respublika newspaper, said workers were told to leave.",
            "workers",
            "Janar Kasymbekova",
            "media",
        ),
        (
            "But rights groups like Human Rights Watch (HRW) say most prosecutions targeted protesters.",
            "prosecutions",
            "Human Rights Watch (HRW)",
            "ngo",
        ),
        ("The Collective Security Treaty Organization said it would send peacekeepers.", "peacekeepers",
         "The Collective Security Treaty Organization", "ngo"),
        ("Campaigners say there were dozens more.", "dozens", "Campaigners", "activist"),
        ("Six died, according to lawyers and relatives.", "Six", "lawyers and relatives", "activist"),
        ("Residents say the regional government is trying to help.", "government", "Residents", "activist"),
        (
            "According to data from the Zhanaozen hospital, over 85 percent of patients had bullet wounds.",
            "85 percent",
            "the Zhanaozen hospital",
            "other",
        ),
        ("Historians regard the shootings as the end of a contract.", "shootings", "Historians", "other"),
        ("Some 70 people were detained.", "Some 70", None, "unattributed"),
        ("Police opened fire on demonstrators in the town.", "Police opened fire", None, "unattributed"),
    ],
)  # fmt: skip
def test_each_claimant_type(sentence, phrase, claimant, kind):
    assert at(sentence, phrase) == Claim(claimant, kind)


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [
        ("state media", "official"),
        ("The official media", "official"),
        ("Russian state media", "media"),
        ("the strike's official Twitter account", "activist"),
        ("the human rights activist Galym Ageleuov", "activist"),
        ("General Prosecutor Askhat Daulbayev", "official"),
        ("the akimat", "official"),
        ("Amnesty International", "ngo"),
        ("the OSCE", "ngo"),
        ("a trade union", "ngo"),
        ("campaigners", "activist"),
        ("eyewitnesses", "activist"),
        ("Reuters", "media"),
        ("the Zhanaozen hospital", "other"),
        ("the company", "other"),
        ("some estimates", "other"),
        ("Zhylkybek Unknownov", "other"),  # a name the text never introduces
    ],
)
def test_claimant_types_of_phrases(phrase, kind):
    assert claimant_type(phrase) == kind


def test_a_name_is_typed_from_how_the_text_introduced_it():
    context = (
        "Aleksandra Zernova is a lawyer with the U.K.-based Solicitors International human rights group."
    )
    assert claimant_type("Zernova", context) == "ngo"
    assert (
        claimant_type(
            "Kasymbekova", "Janar Kasymbekova, a reporter for the Respublika online newspaper, said"
        )
        == "media"
    )
    assert (
        claimant_type("Ageleuov", "the human rights activist Galym Ageleuov wrote on social media:")
        == "activist"
    )
    assert claimant_type("Zernova") == "other"  # no introduction to go by


# --------------------------------------------------------------------------- nearest governing cue


def test_two_claims_in_one_sentence_each_get_their_own_claimant():
    sentence = (
        "State officials admit that 16 were killed and 64 injured on 16 December 2011 – but campaigners "
        "say there were dozens, perhaps hundreds, more."
    )
    assert per_figure(sentence) == [
        ("16", "State officials", "official"),
        ("64 injured", "State officials", "official"),
        ("dozens", "campaigners", "activist"),
        ("hundreds", "campaigners", "activist"),
    ]


def test_according_to_and_let_slip_in_one_sentence():
    sentence = (
        "“Dozens” died, according to media reports, but on 7 January president Kasym-Jomart Tokaev let slip "
        "that “hundreds” had been killed."
    )
    assert per_figure(sentence) == [
        ("Dozens", "media reports", "media"),
        ("hundreds", "president Kasym-Jomart Tokaev", "official"),
    ]


def test_a_bracket_keeps_its_own_cue_and_the_text_keeps_its_voice():
    sentence = (
        "Public violence left at least 17 people dead [some estimates go as high as 70] and over 100 injured."
    )
    assert per_figure(sentence) == [
        ("at least 17 people dead", None, "unattributed"),
        ("as high as 70", "some estimates", "other"),
        ("over 100 injured", None, "unattributed"),
    ]


def test_a_postposed_source_covers_its_own_chunk_only():
    sentence = (
        "whereas police fired on striking oil workers, killing at least 16 people and wounding more than "
        "100, according to official figures;"
    )
    assert at(sentence, "police fired") == Claim(None, "unattributed")
    assert at(sentence, "at least 16") == Claim("official figures", "official")
    assert at(sentence, "more than 100") == Claim("official figures", "official")


def test_a_claimant_ends_at_another_cues_verb():
    sentence = "The prosecutor said claims about hundreds of unrecorded dead do not correspond to reality."
    assert at(sentence, "hundreds") == Claim("The prosecutor", "official")


def test_by_a_count_the_counter_claims_its_clause():
    sentence = (
        "Police opened fire, killing 14 people by the official count; local activists said dozens more died."
    )
    assert per_figure(sentence) == [
        ("14 people", "the official count", "official"),
        ("dozens", "local activists", "activist"),
    ]
    sentence = "By the Monitor's count, at least 30 detainees were tortured."
    assert at(sentence, "at least 30") == Claim("the Monitor", "other")
    assert at("The count of the dead rose to 14 by Friday.", "14") == Claim(None, "unattributed")


def test_claimant_after_the_clause():
    assert at("Some 2,300 people had been detained, the interior ministry said.", "Some 2,300") == Claim(
        "the interior ministry", "official"
    )
    assert at("Some 2,300 people had been detained, said the interior ministry.", "Some 2,300") == Claim(
        "the interior ministry", "official"
    )


def test_citing_names_the_source_of_the_reporter():
    sentence = "Eight soldiers were killed, state television reported, citing the interior ministry."
    assert at(sentence, "Eight soldiers") == Claim("the interior ministry", "official")


def test_a_relative_clause_takes_the_noun_before_it():
    sentence = (
        "Official reaction came with a press briefing from General Prosecutor Askhat Daulbayev, who admitted "
        "the death of 10, and more wounded in clashes with police."
    )
    assert at(sentence, "10") == Claim("General Prosecutor Askhat Daulbayev", "official")
    sentence = "Our researchers interviewed 42 former detainees, 30 of whom said they had been beaten."
    assert at(sentence, "30 of whom") == Claim("former detainees", "activist")
    assert at(sentence, "42 former") == Claim(None, "unattributed")


def test_a_participle_carries_the_claim_on():
    sentence = (
        "“They gather towards midday and leave in the evening,” Kasymbekova said, adding that around 100 "
        "members of the security forces stayed overnight."
    )
    context = "Janar Kasymbekova, a reporter for the Respublika online newspaper, said the talks failed."
    assert at(sentence, "around 100", context=context) == Claim("Kasymbekova", "media")
    assert at(sentence, "They gather", context=context) == Claim("Kasymbekova", "media")
    sentence = "Officials first put the death toll at 14, later raising it to 16."
    assert [c for _, *c in per_figure(sentence)] == [["Officials", "official"], ["Officials", "official"]]


def test_a_quotation_is_its_speakers():
    sentence = "“They said Shukeev’s proposal was no more than an attempt to buy them out,” Kasymbekova said."
    assert at(sentence, "Shukeev’s proposal") == Claim("Kasymbekova", "other")  # without context: a bare name
    sentence = (
        "Kasymbekova added, “Officials are refusing to resign, insisting that they acted within the law."
    )
    context = "Janar Kasymbekova, a reporter for the Respublika online newspaper, said the talks failed."
    assert at(sentence, "acted within the law", context=context) == Claim("Kasymbekova", "media")


def test_inside_an_open_quotation_its_own_cue_speaks():
    sentence = "“The official media have reported that there are drunk hooligans among the protesters."
    assert at(sentence, "hooligans") == Claim("The official media", "official")


def test_a_pronoun_is_resolved_in_the_sentence_or_from_context():
    sentence = (
        "Interestingly, the day before that, minister of interior Kalmukhanbet Kassymov named the strikers "
        "as organizers of protests when he reported on the situation in Zhanaozen, after detaining 70."
    )
    assert at(sentence, "70") == Claim("minister of interior Kalmukhanbet Kassymov", "official")
    context = (
        "Aleksandra Zernova is a lawyer with the U.K.-based Solicitors International human rights group, "
        "which analyzed the Kozlov trial. "
    )
    sentence = (
        "She says none of the evidence suggests the Algha! leader was to blame for inciting the events."
    )
    assert at(sentence, "none of the evidence", context=context) == Claim("Aleksandra Zernova", "ngo")
    context = "Tokayev asked the Collective Security Treaty Organization for help. "
    sentence = "In a televised address on 7 January he said he had authorised troops to fire without warning."
    assert at(sentence, "fire without", context=context) == Claim("Tokayev", "official")  # a known person
    sentence = "On Friday he said he had authorised troops to fire without warning."  # a weekday is no name
    assert at(sentence, "fire without", context=context) == Claim("Tokayev", "official")


def test_whole_sentence_when_no_span_is_given():
    assert attribute("Residents say the regional government is trying to help.") == Claim(
        "Residents", "activist"
    )
    sentence = "On Tuesday 4 January, the human rights activist Galym Ageleuov wrote on social media:"
    assert attribute(sentence) == Claim("the human rights activist Galym Ageleuov", "activist")


# --------------------------------------------------------------------------- no attribution


@pytest.mark.parametrize(
    "sentence",
    [
        "More than 4,500 people were reported injured.",  # passive, no agent
        "The Kazakh government has refused to say who ordered the shootings.",  # infinitive
        "The clashes claimed the lives of 16 people.",  # not a speech act
        "The United States and the European Union called for restraint on all sides.",  # "States" is a name
        "In 2011 police shot dead at least 14 striking oil workers in Zhanaozen.",
        "The strike began in spring 2011, following demands for higher salaries.",
    ],
)
def test_unattributed(sentence):
    assert attribute(sentence) == Claim(None, "unattributed")


def test_a_passive_agent_covers_only_what_follows():
    sentence = "The CSTO sent about 2,000 troops, mostly Russian, described by officials as peacekeepers."
    assert at(sentence, "about 2,000 troops") == Claim(None, "unattributed")
    assert at(sentence, "peacekeepers") == Claim("officials", "official")


def test_claimant_is_text_of_the_sentence():
    sentence = "But the strikers say they will not be bought off, and want those behind it held to account."
    claim = at(sentence, "held to account")
    assert claim == Claim("the strikers", "activist")
    assert claim.claimant in sentence


# --------------------------------------------------------------------------- data, not code


def test_cue_verbs_and_types_come_from_the_codebook(tmp_path):
    folder = tmp_path / "codebook"
    shutil.copytree(codebook_module.DEFAULT_DIR, folder)
    spec = yaml.safe_load((folder / "claimants.yaml").read_text(encoding="utf-8"))
    sentence = "The Ombudsman hinted that 12 people had died."
    assert attribute(sentence) == Claim(None, "unattributed")
    spec["cues"]["verbs"].append("hinted")
    spec["types"]["official"].append("ombudsman")
    (folder / "claimants.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    custom = lexicon(codebook_module.load(folder))
    assert attribute(sentence, lexicon_=custom) == Claim("The Ombudsman", "official")


def test_a_type_outside_the_taxonomy_is_a_clear_error(tmp_path):
    folder = tmp_path / "codebook"
    shutil.copytree(codebook_module.DEFAULT_DIR, folder)
    spec = yaml.safe_load((folder / "claimants.yaml").read_text(encoding="utf-8"))
    spec["types"]["pundit"] = ["commentators"]
    (folder / "claimants.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="claimants.yaml.*pundit"):
        lexicon(codebook_module.load(folder))


# --------------------------------------------------------------------------- on any text

CLAIMANT_TYPES = set(codebook_module.load().claimant_types)
_PIECES = """said says , . “ ” " ( ) [ ] – but according to officials Kasymbekova she he they who whom of 30
the ministry reported citing adding put at estimates go that were Police in Almaty campaigners"""
PIECES = st.sampled_from(_PIECES.split())


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.text(max_size=200), st.lists(PIECES, max_size=30).map(" ".join)),
    st.integers(0, 250),
    st.integers(0, 60),
    st.text(max_size=80),
)
def test_attribute_never_raises_and_keeps_its_contract(sentence, start, width, context):
    start = min(start, len(sentence))
    claim = attribute(sentence, (start, min(len(sentence), start + width)), context=context)
    assert claim.claimant_type in CLAIMANT_TYPES
    assert (claim.claimant is None) == (claim.claimant_type == "unattributed")
    assert attribute(sentence) == attribute(sentence)


def test_names_with_inner_prepositions_reduced_relatives_and_long_put_frames():
    sentence = "The Kazakhstan International Bureau for Human Rights says at least 37 detainees were beaten."
    assert at(sentence, "at least 37") == Claim("The Kazakhstan International Bureau for Human Rights", "ngo")
    sentence = "Residents interviewed by journalists believe that dozens died."
    assert at(sentence, "dozens") == Claim("Residents interviewed by journalists", "activist")
    sentence = "The authorities put the death toll in Zhanaozen and the nearby village of Shetpe at 17."
    assert at(sentence, "17") == Claim("The authorities", "official")


def test_a_participle_without_a_cue_before_speaks_for_its_clause_subject():
    sentence = (
        "Many of the defendants retracted their confessions, saying they had been extracted under torture."
    )
    assert at(sentence, "extracted under torture") == Claim("Many of the defendants", "activist")
    assert at(sentence, "retracted") == Claim(None, "unattributed")
