"""Extraction: the codebook's patterns, the rules that keep a match from being coded, figures,
claimants, actors, dates, and the evidence every row carries. Plain functions, no Prefect."""

from __future__ import annotations

import re
from datetime import date

import pyarrow.parquet as pq
import pytest

from kzunrest import extract, ingest, patterns, schema

EPISODE_2011 = "zhanaozen-2011"
EPISODE_2022 = "january-2022"


def code(text: str, codebook, episode: str = EPISODE_2011, published=date(2012, 1, 10), **document):
    """Rows per table for `text` as one document whose sentences all belong to `episode`."""
    doc = {"doc_id": "d0", "text": text, "published": published, "title": "t", "outlet": None, **document}
    sentences = [
        {
            "doc_id": "d0",
            "sentence_id": f"d0:{i:05d}",
            "char_start": s,
            "char_end": e,
            "text": text[s:e],
            "episode": episode,
        }
        for i, (s, e) in enumerate(ingest.split_sentences(text))
    ]
    return extract.extract_document(doc, sentences, codebook)


def categories(rows: dict[str, list[dict]], table: str) -> list[str]:
    return [r["category"] for r in rows[schema.FACT_TABLES[table]]]


def row(rows: dict[str, list[dict]], table: str, category: str) -> dict:
    found = [r for r in rows[schema.FACT_TABLES[table]] if r["category"] == category]
    assert len(found) == 1, f"expected one {table}/{category} row, got {found}"
    return found[0]


# ---------------------------------------------------------------- the codebook


def test_every_taxonomy_category_has_patterns_and_every_pattern_start_words(codebook):
    rules = patterns.load(codebook)
    coded = {(c.table, c.id): c for c in rules.categories}
    assert set(coded) == set(codebook.categories), "codebook/patterns must cover the taxonomy exactly"
    for (table, cid), category in coded.items():
        assert category.patterns, f"{table}/{cid} has no pattern"
        assert category.family == codebook.categories[(table, cid)].family
        for p in category.patterns:
            assert p.rule_id.startswith(f"{table}.{cid}."), p.rule_id
            assert p.starts, f"{p.rule_id}: start words unknown, so it would be searched in every sentence"
    assert not rules.matcher.searched


def test_no_pattern_ends_in_one_digit(codebook):
    """A pattern is bounded by (?!\\w): one that ends in a lone \\d ("set at \\d") can never match
    "set at 50", so it silently never fires."""
    rules = patterns.load(codebook)
    for category in rules.categories:
        for p in category.patterns:
            assert not re.search(r"\\d(?:\||\)*$)", p.source), f"{p.rule_id}: ends in one digit; write \\d+"


@pytest.mark.parametrize("corpus", ["seeds", "heldout"])
def test_matching_only_at_start_words_never_loses_a_match(codebook, extracted, corpus):
    """Trying each regex only where its start words stand (in sentences holding its required
    words) finds every match a full search finds."""
    rules = patterns.load(codebook)
    sentences = pq.read_table(extracted(corpus) / "sentences.parquet").to_pylist()
    assert len(sentences) > 100
    for sentence in sentences:
        lowered = extract.lowercase(sentence["text"])
        found: dict[int, list[tuple[int, int]]] = {}
        for i, start, end in rules.matcher.find(lowered):
            found.setdefault(i, []).append((start, end))
        for i, regex in enumerate(rules.matcher.regexes):
            for m in regex.finditer(lowered):
                # the same match, or the same without a leading optional part ("the court" -> "court")
                same = [(s, e) for s, e in found.get(i, []) if m.start() <= s < m.end() and e == m.end()]
                assert same, f"regex {i} lost at {m.group()!r} in {sentence['text']!r}"


def test_start_and_required_words_are_read_from_the_regex():
    # whole words end in a space; word beginnings ("teargas", "tear gas") do not
    assert patterns.start_anchors(r"\b(?:(?:open|opened|opening) fire)") == {"open ", "opened ", "opening "}
    assert patterns.start_anchors(r"\b(?:(?:a |the )?court ruled)") == {"court "}  # a leading "the" may go
    assert patterns.start_anchors(r"\b(?:tear ?gas)(?!\w)") == {"tear ", "teargas "}
    assert patterns.start_anchors(r"\b(?:un|eu)(?!\w)") == {"un ", "eu "}  # "un", never "unrest"
    assert patterns.start_anchors(r"\b(?:\w+ing)") is None  # nothing literal: searched in full
    assert patterns.required_words(r"\b(?:(?:was|were) (?:tried|charged))")[0] == {"tried", "charged"}
    assert patterns.required_words(r"\b(?:in (?:support|solidarity) of)")[0] == {"support", "solidarity"}
    assert patterns.required_words(r"\b(?:(?:a |the )?court ruled)(?!\w)") == ({"court "}, {"ruled "})


def test_the_word_trie_finds_whole_words_and_word_beginnings():
    import re

    trie = re.compile(r"\b" + patterns._trie({"un ", "open", "opened ", "fire "}))
    words = [m.group() for m in trie.finditer("un unrest opening opened fire fires reopen")]
    assert words == ["un", "opening", "opened", "fire"]


def test_a_malformed_codebook_names_its_file(codebook, tmp_path):
    import shutil

    from kzunrest import codebook as codebook_module

    folder = tmp_path / "codebook"
    shutil.copytree(codebook.directory, folder)
    path = folder / "patterns" / "trigger.yaml"
    path.write_text(path.read_text() + "  not_a_category:\n    patterns: [{id: x, regex: 'y'}]\n")
    with pytest.raises(patterns.CodebookError, match="trigger.yaml: not_a_category"):
        patterns.load(codebook_module.load(folder))


def test_codebook_command_lists_every_category(codebook):
    from typer.testing import CliRunner

    from kzunrest.cli import app

    result = CliRunner().invoke(app, ["codebook"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 + len(codebook.categories)
    assert any(line.split()[:3] == ["state_response", "lethal_force", "repression"] for line in lines)


# ---------------------------------------------------------------- language of the field


@pytest.mark.parametrize(
    ("text", "table", "category"),
    [
        ("Police opened fire on demonstrators in the town square.", "state_response", "lethal_force"),
        ("Troops fired live ammunition into the crowd.", "state_response", "lethal_force"),
        ("Several protesters were gunned down by snipers.", "state_response", "lethal_force"),
        (
            "Security forces used tear gas and stun grenades to disperse the rally.",
            "state_response",
            "crowd_dispersal",
        ),
        ("Police rounded up dozens of young men on the streets.", "state_response", "arrests"),
        ("A curfew was imposed in the city.", "state_response", "state_of_emergency"),
        (
            "The internet was shut down across the country for five days.",
            "state_response",
            "internet_shutdown",
        ),
        ("CSTO peacekeepers arrived in Almaty on Thursday.", "state_response", "foreign_troops"),
        ("Detainees were tortured in police custody.", "state_response", "torture"),
        (
            "The government promised compensation to the families of the victims and paid it in March.",
            "state_response",
            "material_concession",
        ),
        (
            "The president accepted the resignation of the government.",
            "state_response",
            "officials_dismissed",
        ),
        ("Workers went on strike over unpaid wages.", "trigger", "wage_dispute"),
        (
            "The protests were sparked by a sharp rise in the price of liquefied gas.",
            "trigger",
            "price_increase",
        ),
        ("Strikers demanded the reinstatement of their sacked colleagues.", "demand", "reinstatement"),
        ("Crowds chanted “Shal, ket!” in the main square.", "demand", "leader_exit"),
        ("Rioters set fire to the mayor's office.", "outcome", "property_damage"),
        ("Yet not a single official was punished for the shootings.", "outcome", "impunity"),
        ("Nobody has explained who ordered troops to fire on crowds.", "outcome", "impunity"),
        ("The government rejected any international investigation.", "outcome", "impunity"),
        (
            "The unrest exposed a deep gap of trust between the state and society.",
            "outcome",
            "trust_breakdown",
        ),
        ("The company responded by sacking about 2,000 of them.", "outcome", "workers_dismissed"),
        ("Officers poured boiling water on his back until he signed.", "state_response", "torture"),
        (
            "In January the Government headed by Askar Mamin resigned.",
            "state_response",
            "officials_dismissed",
        ),
        ("Nationwide internet blackouts followed.", "state_response", "internet_shutdown"),
        (
            "Criminal cases for torture were opened against dozens of police officers.",
            "state_response",
            "security_forces_prosecuted",
        ),
        (
            "Several dozen officers have faced charges of torture.",
            "state_response",
            "security_forces_prosecuted",
        ),
        ("The oil workers' demands were answered with bullets.", "state_response", "lethal_force"),
        ("Management has refused every request for talks.", "state_response", "ignore"),
        ("Representatives of the strikers met regional officials.", "state_response", "negotiation"),
        ("Fires gutted the town hall.", "outcome", "property_damage"),
        ("The constitutional amendments were approved in a referendum.", "outcome", "policy_change"),
        ("Relatives demanded that those responsible be named and punished.", "demand", "accountability"),
        ("They asked for those who gave the order to shoot to be punished.", "demand", "accountability"),
        ("The opposition politician Vladimir Kozlov got seven and a half years.", "outcome", "convicted"),
        ("Her sentence was later cut to five years on appeal.", "outcome", "convicted"),
        (
            "5 January – Tokayev removes Nazarbayev as chairman of the Security Council.",
            "state_response",
            "officials_dismissed",
        ),  # a timeline's present tense
        ("Protesters storm the Almaty city administration.", "outcome", "property_damage"),
        ("Around 9,900 people were briefly held for administrative offences.", "state_response", "arrests"),
        (
            "Weapons were used by law enforcement officers strictly in accordance with the law.",
            "state_response",
            "denial",
        ),
        (
            "No order to fire on peaceful demonstrators was ever given, the prosecutor said.",
            "state_response",
            "denial",
        ),
        ("Officials dismissed reports of torture as fakes.", "state_response", "denial"),
        (
            "The riots were an attempt to seize power, the president said.",
            "state_response",
            "blame_narrative",
        ),
        ("The police came from two sides and started shooting.", "state_response", "lethal_force"),
        (
            "Interior Ministry troops and armored vehicles were seen arriving.",
            "state_response",
            "security_deployment",
        ),
        (
            "Access to four independent news websites remained blocked.",
            "state_response",
            "media_restrictions",
        ),
        ("Officers held a hot iron to his back.", "state_response", "torture"),
        ("Nobody from Astana came to talk to them.", "state_response", "ignore"),
        ("The government has poured money into the town.", "state_response", "material_concession"),
        (
            "Tokayev ordered the removal of Nazarbayev's relatives from lucrative posts.",
            "state_response",
            "officials_dismissed",
        ),
        ("His title of Elbasy was later stripped from the constitution.", "state_response", "reform"),
        ("Natasha Sokolova, their lawyer, was given six years in prison.", "state_response", "prosecutions"),
        ("Fewer than 1,000 workers were let go, the company said.", "trigger", "layoffs"),
        ("Nobody trusts the police or the akimat any more.", "outcome", "trust_breakdown"),
        ("Crowds called for Nazarbayev to leave politics altogether.", "demand", "leader_exit"),
        ("He said police were compelled to use weapons to protect citizens.", "state_response", "denial"),
        (
            "Mobile communication and Internet access have been temporarily limited.",
            "state_response",
            "internet_shutdown",
        ),
        ("On January 5 the country went almost entirely offline.", "state_response", "internet_shutdown"),
        ("Wage arrears will be paid in full, the commission said.", "state_response", "material_concession"),
        ("Poverty and inequality had been piling up for years.", "trigger", "economic_hardship"),
        (
            "Many Kazakhs also resent the wealth amassed by the Nazarbayev family.",
            "trigger",
            "political_grievance",
        ),
        (
            "The jump followed the government's decision to stop regulating LPG prices.",
            "trigger",
            "price_increase",
        ),
        ("Protesters called for direct elections of regional governors.", "demand", "political_reform"),
        ("Protesters wanted the right to elect their own regional governors.", "demand", "political_reform"),
        (
            "The protesters said they now wanted akims to be elected rather than appointed.",
            "demand",
            "political_reform",
        ),
        ("Protesters demanded that akims at all levels be elected.", "demand", "political_reform"),
        ("Protesters also wanted cheap gas back.", "demand", "price_rollback"),
        (
            "They also demanded the right to leave the management-friendly official union.",
            "demand",
            "independent_unions",
        ),
        ("Five police officers were also jailed for abuse of power.", "outcome", "convicted"),
        ("Ten years on, nobody has told me who gave the order.", "outcome", "impunity"),
        ("No independent investigation has ever been allowed.", "outcome", "impunity"),
        (
            "Cases were brought against a handful of police officers, and none had been convicted.",
            "outcome",
            "impunity",
        ),
        (
            "Human Rights Watch is not aware of any officer being charged over the killings.",
            "outcome",
            "impunity",
        ),
        ("The report backed an international inquiry, which the government rejected.", "outcome", "impunity"),
        ("The company went on to sack more than 2,000 workers.", "outcome", "workers_dismissed"),
        ("Her son was shot in the back on the town square.", "state_response", "lethal_force"),
        ("Jobs were later found for many of the sacked workers.", "state_response", "material_concession"),
        ("Protests over fuel prices erupted in the west.", "trigger", "price_increase"),
        ("Dozens of attackers have been liquidated overnight.", "state_response", "lethal_force"),
        ("Crowds demanded a return to 50 tenge.", "demand", "price_rollback"),
        (
            "Police had not fired a single shot at peaceful demonstrators, the ministry said.",
            "state_response",
            "denial",
        ),
        ("The president dismissed calls for dialogue with the protesters.", "state_response", "ignore"),
        ("Two journalists were removed from the hearing.", "state_response", "media_restrictions"),
        ("She said investigators had hung her by her hair.", "state_response", "torture"),
        (
            "The trial of five police officers opened in Aktau.",
            "state_response",
            "security_forces_prosecuted",
        ),
        (
            "Management refused to recognise the union leaders the workers had elected.",
            "trigger",
            "labour_rights_restrictions",
        ),
        (
            "Internet and mobile-phone connections to the town were cut.",
            "state_response",
            "internet_shutdown",
        ),
        ("Criminal prosecution was carried out against 1,253 persons.", "state_response", "prosecutions"),
        (
            "22 employees of law enforcement bodies have been brought to criminal liability for torture.",
            "state_response",
            "security_forces_prosecuted",
        ),
        (
            "Criminal cases have been sent to court against 6 servicemen of the National Guard.",
            "state_response",
            "security_forces_prosecuted",
        ),
        ("Nazarbayev sacked his son-in-law Timur Kulibayev.", "state_response", "officials_dismissed"),
        (
            "The price of gas in Mangystau has been set at 50 tenge per litre.",
            "state_response",
            "material_concession",
        ),
        ("The companies sacked close to 2,000 of the strikers.", "outcome", "workers_dismissed"),
        ("The protests grew out of economic and social grievances.", "trigger", "economic_hardship"),
        (
            "The Government will introduce a moratorium on utility tariff increases.",
            "state_response",
            "material_concession",
        ),
        (
            "Tokayev set up a public fund that wealthy businessmen are to pay into.",
            "state_response",
            "material_concession",
        ),
        ("They put a plastic bag over my head.", "state_response", "torture"),
        ("The defendants said their confessions were beaten out of them.", "state_response", "torture"),
        ("Officers beat him with batons for two days to make him confess.", "state_response", "torture"),
        (
            "Tokayev removed several Nazarbayev relatives from senior posts.",
            "state_response",
            "officials_dismissed",
        ),
        (
            "They were jailed, though none of the commanders who gave the order to fire has been identified.",
            "outcome",
            "impunity",
        ),
        (
            "No official account of who ordered the use of live ammunition has ever been published.",
            "outcome",
            "impunity",
        ),
        (
            "Officers were convicted, but the court did not examine who had ordered the use of live rounds.",
            "outcome",
            "impunity",
        ),
        ("Dozens of other complaints were closed without charges.", "outcome", "impunity"),
        ("Five policemen were also convicted.", "state_response", "security_forces_prosecuted"),
        (
            "Five police officers were given prison terms of five to seven years.",
            "state_response",
            "security_forces_prosecuted",
        ),
        (
            "Criminal cases had been opened by June against 12 officers of the police.",
            "state_response",
            "security_forces_prosecuted",
        ),
        (
            "Criminal cases had been brought against only a handful of police and security officers.",
            "state_response",
            "security_forces_prosecuted",
        ),
        (
            "The head of the Zhanaozen temporary detention centre was separately sentenced.",
            "state_response",
            "security_forces_prosecuted",
        ),
        ("Oil workers struck for months over pay and conditions.", "trigger", "wage_dispute"),
        ("Oil workers struck for months over pay and conditions.", "trigger", "working_conditions"),
        ("Prosecutors accused him of stirring up the strikers.", "state_response", "blame_narrative"),
        ("Prosecutors accused him of stoking the unrest.", "state_response", "blame_narrative"),
        (
            "The interior ministry said 26 armed criminals had been liquidated.",
            "state_response",
            "blame_narrative",
        ),
        ("Protests forced the resignation of the cabinet.", "outcome", "leadership_change"),
        ("Protests forced the resignation of the cabinet.", "state_response", "officials_dismissed"),
        (
            "Tokayev says he has replaced Nazarbayev as Security Council chairman.",
            "outcome",
            "leadership_change",
        ),
        ("Alikhan Smailov was appointed acting prime minister.", "outcome", "leadership_change"),
        ("Deputies approved Alikhan Smailov as Prime Minister.", "outcome", "leadership_change"),
        (
            "The President relieved Kusherbayev of the post of akim of Mangistau region.",
            "outcome",
            "leadership_change",
        ),
        ("Caused by: dismissal of the regional akim.", "outcome", "leadership_change"),
        ("Caused by: dismissal of the regional akim.", "state_response", "officials_dismissed"),
        (
            "It welcomed the removal of the first President from the Security Council.",
            "outcome",
            "leadership_change",
        ),
        (
            "Nazarbayev removed his son-in-law Timur Kulibayev as head of the fund.",
            "state_response",
            "officials_dismissed",
        ),
        ("The managers have also been released from their duties.", "state_response", "officials_dismissed"),
        ("The Government headed by Askar Mamin had resigned.", "outcome", "leadership_change"),
        (
            "Riot police used batons against the protesters on the square.",
            "state_response",
            "crowd_dispersal",
        ),
        ("Workers were fired and the leader of the union jailed.", "state_response", "arrests"),
        (
            "About 2,000 troops, mostly Russian, were deployed under the CSTO flag and withdrawn later.",
            "state_response",
            "foreign_troops",
        ),
        ("The court found 34 defendants guilty.", "outcome", "convicted"),
        ("The court found eight strikers guilty.", "state_response", "prosecutions"),
        ("Five of the strikers went to prison.", "outcome", "convicted"),
        ("The terms range from three to seven years.", "outcome", "convicted"),
        (
            "The longest term, seven years, was handed to one of the strike leaders.",
            "state_response",
            "prosecutions",
        ),
        ("The opposition politician got seven and a half years.", "state_response", "prosecutions"),
        ("Kozlov received seven years in prison.", "state_response", "prosecutions"),
        ("His family says he was beaten in a Zhanaozen police station.", "state_response", "torture"),
        (
            "He died soon after his release from police custody; relatives said he had been severely beaten.",
            "state_response",
            "torture",
        ),
        ("He told us he had been held for nine days and beaten with batons.", "state_response", "torture"),
        (
            "Defendants stated that they had been subjected to beatings in the temporary detention facility.",
            "state_response",
            "torture",
        ),
        ("A Russia-led military alliance began sending troops.", "state_response", "foreign_troops"),
        ("Five police officers went to prison.", "state_response", "security_forces_prosecuted"),
        (
            "A former head of a Zhanaozen detention center was sentenced to five years.",
            "state_response",
            "security_forces_prosecuted",
        ),
        ("26 armed criminals were liquidated.", "outcome", "killed"),
        ("The ministry said 26 armed criminals had been eliminated.", "outcome", "killed"),
        ("The ministry said 26 armed criminals had been eliminated.", "state_response", "lethal_force"),
        ("The employer terminated the labour contracts of 989 employees.", "trigger", "layoffs"),
        (
            "Tokayev also removed Nursultan Nazarbayev from the Security Council.",
            "outcome",
            "leadership_change",
        ),
        ("No official above the rank of city police chief has been charged.", "outcome", "impunity"),
        (
            "None of the complaints of torture made by detainees has led to a prosecution.",
            "outcome",
            "impunity",
        ),
        (
            "Hundreds had been sacked, and a lawyer for their union had been jailed.",
            "trigger",
            "activist_arrested",
        ),
        ("The employer terminated the labour contracts of 989 employees.", "outcome", "workers_dismissed"),
        (
            'Former employees of JSC "OzenMunaiGas", dismissed for absenteeism, occupied the square.',
            "trigger",
            "layoffs",
        ),
        (
            "The alliance deployed some 2,030 troops, most of them Russian.",
            "state_response",
            "foreign_troops",
        ),
        ("He said officers burned his back with a steam iron.", "state_response", "torture"),
        ("No person in authority has been held responsible for the deaths.", "outcome", "impunity"),
        (
            "None of the commanders who gave the order to open fire was brought to justice.",
            "outcome",
            "impunity",
        ),
        ("Local courts declared the work stoppage illegal.", "trigger", "strike_ruled_illegal"),
        ("The number of those detained has risen to 7,939.", "state_response", "arrests"),
        ("Those held include journalists and civil society activists.", "state_response", "arrests"),
        ("The tragic events claimed the lives of 232 people.", "outcome", "killed"),
        ("The strike ended with the dismissal of about 2,000 workers.", "outcome", "workers_dismissed"),
        ("Weapons were stolen from police stations and gun shops.", "outcome", "property_damage"),
        ("The police had to defend themselves, the prosecutor said.", "state_response", "denial"),
        (
            "It was a labour dispute that the authorities let rot for seven months.",
            "state_response",
            "ignore",
        ),
        ("Nobody from the government in Astana came to speak to them.", "state_response", "ignore"),
        (
            "Officials insisted the officers used their weapons to defend themselves.",
            "state_response",
            "denial",
        ),
        ("None of these allegations led to a prosecution of the officers involved.", "outcome", "impunity"),
        ("Police said more than 3,000 people detained.", "state_response", "arrests"),
        ("Tokayev takes over Security Council", "state_response", "officials_dismissed"),
        ("Tokayev takes over Security Council", "outcome", "leadership_change"),
        ("He said he had taken over as chairman of the Security Council.", "outcome", "leadership_change"),
        ("Tokayev issued a shoot-without-warning order.", "state_response", "shoot_to_kill_order"),
        (
            "He said he had ordered law enforcement and the army to open fire to kill without warning.",
            "state_response",
            "shoot_to_kill_order",
        ),
        (
            "Five police officers received prison terms of up to seven years.",
            "state_response",
            "security_forces_prosecuted",
        ),
        (
            "In May five policemen were given between five and seven years.",
            "state_response",
            "security_forces_prosecuted",
        ),
        ("The town hall, the offices of OzenMunaiGas and a hotel were burned.", "outcome", "property_damage"),
        (
            "Mobile internet and most fixed-line connections were down across the country.",
            "state_response",
            "internet_shutdown",
        ),
        (
            "In July a court declared the strikes at OzenMunaiGas and KarazhanbasMunai illegal.",
            "trigger",
            "strike_ruled_illegal",
        ),
        ("A court in Aktau declared illegal the strike at Ozenmunaigas.", "trigger", "strike_ruled_illegal"),
        ("Natalia Sokolova, the workers' lawyer, was given six years.", "trigger", "activist_arrested"),
        (
            "The strike at OzenMunaiGas was declared illegal by the Aktau city court.",
            "trigger",
            "strike_ruled_illegal",
        ),
        ("Managers refused to negotiate, calling their demands unlawful.", "trigger", "strike_ruled_illegal"),
        (
            "The Government says the demands for a doubling of wages were economically unfounded.",
            "trigger",
            "strike_ruled_illegal",
        ),
        ("The court reduced her sentence to a three-year suspended term.", "state_response", "prosecutions"),
        ("The court reduced her sentence to a three-year suspended term.", "outcome", "convicted"),
        (
            "The Prosecutor General said the riots were financed and directed from abroad.",
            "state_response",
            "blame_narrative",
        ),
        (
            "The ministry said such publications are part of an information war.",
            "state_response",
            "blame_narrative",
        ),
        (
            "The prosecution said the strikers had prepared the riots in advance.",
            "state_response",
            "blame_narrative",
        ),
        ("Tokayev said the unrest was stirred up by conspirators.", "state_response", "blame_narrative"),
        (
            "The authorities accused the strikers and the Alga! party of fomenting the riots.",
            "state_response",
            "blame_narrative",
        ),
        (
            "The president said their aim was to undermine the constitutional order and seize power.",
            "state_response",
            "blame_narrative",
        ),
        (
            "The minister said that weapons were used only against those who attacked with arms.",
            "state_response",
            "denial",
        ),
        (
            "The firm fired them, and a court jailed the union's lawyer, Natalia Sokolova, for six years.",
            "state_response",
            "prosecutions",
        ),
        ("Tokayev assumed the chairmanship of the Security Council.", "outcome", "leadership_change"),
        (
            "Nazarbayev lost the chairmanship of the Security Council in the first week.",
            "state_response",
            "officials_dismissed",
        ),
        ("Tokayev had taken over from Nazarbayev as chairman.", "state_response", "officials_dismissed"),
        (
            "Tokayev said he had taken over as chairman of the Security Council.",
            "state_response",
            "officials_dismissed",
        ),
        (
            "The EU notes the transfer of the chairmanship of the Security Council.",
            "state_response",
            "officials_dismissed",
        ),
        ("The state has reshuffled the elite.", "outcome", "leadership_change"),
        ("Alikhan Smailov was confirmed as prime minister.", "outcome", "leadership_change"),
        ("The court dismissed the allegations of torture.", "outcome", "impunity"),
        ("The presiding judge did not order an inquiry into these allegations.", "outcome", "impunity"),
        ("Activists called for an inquiry, which the government rejected.", "outcome", "impunity"),
        ("The real incomes of ordinary citizens have barely grown.", "trigger", "economic_hardship"),
        (
            "Residents poured into the streets because the price of liquefied petroleum gas, which most of "
            "them burn in their cars, had jumped overnight from 60 tenge a litre to 120.",
            "trigger",
            "price_increase",
        ),
        ("The protests began over the price of fuel.", "trigger", "price_increase"),
        (
            "Rising inflation and stagnant real wages marked 2021 in the oil regions.",
            "trigger",
            "economic_hardship",
        ),
        ("Wages in the oil-producing west have stagnated.", "trigger", "economic_hardship"),
        ("Their grievances include social and economic inequality.", "trigger", "economic_hardship"),
        ("From 1 January its price was freed from state regulation.", "trigger", "price_increase"),
        ("Protesters blamed stagnant wages and mounting consumer debt.", "trigger", "economic_hardship"),
        ("They said the wealth has been captured by a small elite.", "trigger", "economic_hardship"),
        ("Ten years later, unemployment there is still high.", "trigger", "economic_hardship"),
        ("The companies refused to register the independent union.", "trigger", "labour_rights_restrictions"),
        ("Tokayev set up a public foundation for the people.", "state_response", "material_concession"),
        (
            "The government restored a price of 50 tenge per litre for LPG in Mangystau Region.",
            "state_response",
            "material_concession",
        ),
        (
            "Government decree: prices for liquefied gas, petrol and diesel will be capped for 180 days.",
            "state_response",
            "material_concession",
        ),
        ("About 2,000 new jobs will be created in the town.", "state_response", "material_concession"),
        ("The state companies re-hired several hundred strikers.", "state_response", "material_concession"),
        (
            "The families of the deceased will be given one-time material assistance.",
            "state_response",
            "material_concession",
        ),
        ("Constitutional amendments curtailed the powers of the president.", "outcome", "policy_change"),
        ("The Labour Code was amended in 2012 to strengthen mediation.", "outcome", "policy_change"),
        ("Local activists have always insisted that the real toll was higher.", "outcome", "killed"),
        ("Opposition activists and witnesses gave a much higher toll.", "outcome", "killed"),
        # a pattern spelling out a negator ("denied access") is not negated by it
        ("Journalists were denied access to Zhanaozen.", "state_response", "media_restrictions"),
        (
            "Prosecutors asked the courts to declare extremist the newspapers Respublika and Vzglyad.",
            "state_response",
            "media_restrictions",
        ),
        (
            "Police turned back a journalist who tried to reach the town.",
            "state_response",
            "media_restrictions",
        ),
        ("Their colleagues were detained in Almaty while filming.", "state_response", "media_restrictions"),
        (
            "The minister said: I must say plainly that the police did not fire on peaceful demonstrators.",
            "state_response",
            "denial",
        ),
        (
            "The police said officers had used their weapons only after the building was stormed.",
            "state_response",
            "denial",
        ),
        (
            "The prosecutor's office said the use of weapons by police officers was lawful.",
            "state_response",
            "denial",
        ),
        (
            "Claims of ill-treatment were examined by the prosecutor's office and found to be groundless.",
            "state_response",
            "denial",
        ),
        (
            "The ministry said the CSTO contingents did not take part in operations against civilians.",
            "state_response",
            "denial",
        ),
    ],
)
def test_the_language_of_the_field_is_coded(codebook, text, table, category):
    assert category in categories(code(text, codebook, EPISODE_2022), table)


@pytest.mark.parametrize(
    "text",
    [
        "The peacekeepers did not take part in operations against the population, the ministry said.",
        "Law enforcement officers used weapons exclusively against armed bandits.",
        "The prosecutor said the use of weapons against them was recognised as lawful.",
        "The Prosecutor General said it had found no evidence to support the torture allegations.",
        "The use of weapons by law enforcement officers was carried out in strict accordance with the law.",
        "The Prosecutor General stated that the police had used weapons in accordance with the law.",
        "The Government says the police used weapons only in a situation of necessary defence.",
        "The Government rejects the allegations of the complainants, the ministry said.",
        "The ministry said such statements were not supported by any facts.",
        "The Prosecutor General's Office said the opposition spread deliberately false information.",
        "Officials said the police fired only after they themselves came under attack.",
        "The akimat said police actions were carried out strictly within the framework of the legislation.",
        "The ministry spokeswoman said: We categorically reject these allegations.",
    ],
)
def test_the_states_justifications_are_denials_not_shootings(codebook, text):
    rows = code(text, codebook, EPISODE_2022)
    assert "denial" in categories(rows, "state_response")
    assert "lethal_force" not in categories(rows, "state_response")


def test_an_estimate_of_what_may_have_happened_is_coded(codebook):
    rows = code("Rights groups said as many as 70 people may have died.", codebook, EPISODE_2011)
    assert [(r["category"], r["value_high"], r["qualifier"]) for r in rows["outcomes"]] == [
        ("killed", 70, "up_to")
    ]


# ---------------------------------------------------------------- what is not coded


@pytest.mark.parametrize(
    ("text", "table", "category"),
    [
        ("Police did not open fire on the protesters.", "state_response", "lethal_force"),
        (
            "Activists say detainees are being beaten in police stations.",
            "state_response",
            "security_forces_prosecuted",
        ),  # detainees and police stations, nobody tried
        (
            "Parliament adopted an amnesty covering most of those convicted over the unrest.",
            "outcome",
            "convicted",
        ),
        (
            "The Head of State authorised the army to open fire without warning.",
            "state_response",
            "lethal_force",
        ),  # the order, not the firing
        ("He said he had ordered troops to shoot to kill 20,000 terrorists.", "outcome", "killed"),
        ("As many as 70 people may die.", "outcome", "killed"),
        ("Then I saw police firing from the rooftops at the people.", "trigger", "layoffs"),
        ("Kazakhstan has ratified the Convention against Torture.", "state_response", "torture"),
        (
            "Senior officials have publicly dismissed reports of torture as fakes.",
            "state_response",
            "officials_dismissed",
        ),
        ("Every citizen has the right to a fair trial.", "state_response", "prosecutions"),
        ("The authorities failed to declare national mourning.", "demand", "official_mourning"),
        ("Prices haven't gone up in Aktau.", "trigger", "price_increase"),
        (
            "The websites that have not been blocked are the only source of news.",
            "state_response",
            "internet_shutdown",
        ),
        (
            "If the people had not come out, they would have drowned the strikers in blood.",
            "state_response",
            "lethal_force",
        ),
        ("The ministry warned that sentences of up to ten years will be imposed.", "outcome", "convicted"),
        (
            "Tokayev dismissed as “an outright lie” reports that demonstrators had been shot.",
            "state_response",
            "officials_dismissed",
        ),
        (
            "The president ordered the police, who fired on the strikers.",
            "state_response",
            "officials_dismissed",
        ),
        (
            "At least 11 defendants told the court that they had been beaten and suffocated.",
            "state_response",
            "prosecutions",
        ),  # torture, told by the defendants: no trial coded
        (
            "Several defendants retracted their confessions in court, saying they were tortured.",
            "state_response",
            "prosecutions",
        ),
        (
            "The Prosecutor General's Office said it had opened 234 criminal investigations into torture.",
            "state_response",
            "torture",
        ),  # an investigation, of complaints nobody has yet proven
        (
            "Information circulating online about torture of detainees does not correspond to reality.",
            "state_response",
            "torture",
        ),  # the claim a denial rejects
        (
            "The Prosecutor General's Office has received 243 complaints of torture and ill-treatment.",
            "state_response",
            "torture",
        ),
        (
            "The investigation has established that the riots were organised in advance.",
            "state_response",
            "investigation",
        ),  # the state's account of what it found: its narrative, not an inquiry
        (
            "Tuletayeva testified that investigators had hung her by her hair.",
            "state_response",
            "investigation",
        ),
        (
            "The investigation did not establish who gave the order to open fire.",
            "state_response",
            "lethal_force",
        ),  # a question left open: impunity, not a shooting told again
        (
            "No official account of who ordered the use of live ammunition has been published.",
            "state_response",
            "lethal_force",
        ),
        (
            "Investigators have not published a full account of who fired on civilians.",
            "state_response",
            "lethal_force",
        ),
        (
            "No one has been charged over the shooting of civilians on Republic Square.",
            "state_response",
            "lethal_force",
        ),
        (
            "Doctors said they had treated more than 100 people for gunshot wounds.",
            "state_response",
            "lethal_force",
        ),  # the injured, counted
        (
            "It welcomes the withdrawal of the CSTO contingent, completed by 19 January 2022.",
            "state_response",
            "foreign_troops",
        ),  # the troops leaving
        (
            "CSTO troops begin to withdraw; the pullout is completed on 19 January.",
            "state_response",
            "foreign_troops",
        ),
        (
            "In total, 9,900 persons have been detained in the course of the counter-terrorist operation.",
            "state_response",
            "security_deployment",
        ),  # the operation says when
        (
            "Journalists who tried to reach the town were turned back at police checkpoints.",
            "state_response",
            "security_deployment",
        ),  # who was kept out
        (
            "Many of those detained told the Monitor that they had been stripped naked and beaten.",
            "state_response",
            "arrests",
        ),  # the detained, named as who tells of their torture
        (
            "A man detained in Almaty told us that officers held a hot iron to his back.",
            "state_response",
            "arrests",
        ),
        ("The complainants allege that detained strikers were beaten.", "state_response", "arrests"),
        ("His relatives said he had been severely beaten while detained.", "state_response", "arrests"),
        ("A national day of mourning was held on 10 January.", "state_response", "arrests"),  # an event held
        ("The trial was held in open session.", "state_response", "arrests"),
        ("Are there foreigners among the detained?", "state_response", "arrests"),
        (
            "Parliament adopted an amnesty that excluded those charged with organising mass riots.",
            "state_response",
            "prosecutions",
        ),
        (
            "Officers were jailed, but no one has ever been charged with giving the order to fire.",
            "state_response",
            "shoot_to_kill_order",
        ),  # the negation reaches ten words back
        (
            "Officials said that the troops fired first.",
            "state_response",
            "officials_dismissed",
        ),  # a speaker
        (
            "In 2012, 37 people were put on trial, and 13 of them were jailed.",
            "state_response",
            "arrests",
        ),  # jailed by the court: a sentence
        ("Opposition Leader Jailed After Unfair Trial", "state_response", "arrests"),
        (
            "A man detained on 7 January told us that officers beat him with truncheons to make him confess.",
            "state_response",
            "crowd_dispersal",
        ),  # batons in custody: torture, no crowd
        (
            "The rights group has documented torture in pre-trial detention centres for a decade.",
            "state_response",
            "prosecutions",
        ),  # "pre-trial" names custody, no trial
        ("On each complaint a pre-trial investigation was initiated.", "state_response", "prosecutions"),
        (
            "Five police officers were convicted of abuse of power and given prison terms.",
            "state_response",
            "prosecutions",
        ),  # security_forces_prosecuted, which it yields to
        (
            "It ended with the removal of Nazarbayev's relatives from posts.",
            "outcome",
            "leadership_change",
        ),  # the relatives, not the leader
        ("Police beat protesters on the square, and some were later detained.", "state_response", "torture"),
        (
            "Police officers opened fire with automatic weapons, and kept firing as people ran.",
            "trigger",
            "layoffs",
        ),  # firing is shooting here
        (
            "On 16 December police opened fire on sacked oil workers gathered on the square.",
            "trigger",
            "layoffs",
        ),  # "sacked oil workers" names who they were
        (
            "The minister told reporters that 70 people had been detained.",
            "state_response",
            "media_restrictions",
        ),  # reporters told, not reporters held
        (
            "The operation will go on until all the bandits are eliminated.",
            "state_response",
            "lethal_force",
        ),  # an aim, not a killing
        (
            "The Government has kept in place the moratorium on increases in the prices of fuel.",
            "trigger",
            "price_increase",
        ),  # a freeze on rises is a concession
        (
            "The lesson everyone took from 2011 was that you don't let a labour dispute drag on.",
            "state_response",
            "ignore",
        ),
    ],
)
def test_negated_and_hypothetical_events_are_not_coded(codebook, text, table, category):
    assert category not in categories(code(text, codebook), table)


def test_the_presidents_own_proposals_are_the_states_acts(codebook):
    text = "I propose to hold a national referendum on the amendments to the Constitution."
    address = code(text, codebook, EPISODE_2022, outlet="Office of the President of Kazakhstan")
    assert categories(address, "state_response") == ["reform"]
    assert categories(code(text, codebook, EPISODE_2022), "state_response") == []  # anyone else's is a call
    rows = code("A Constitutional Court will be re-established.", codebook, EPISODE_2022)
    assert categories(rows, "state_response") == ["reform"]


def test_a_posts_tags_and_a_contact_line_are_no_facts(codebook):
    rows = code("Tags: Zhanaozen, Kozlov, Alga, trial, torture", codebook, EPISODE_2011)
    assert all(rows[table] == [] for table in rows)
    rows = code("Information on detained persons: 8 (7172) 72-22-77.", codebook, EPISODE_2022)
    assert all(rows[table] == [] for table in rows)  # a phone number, not 8 detained


def test_a_state_denial_is_a_denial_not_a_shooting(codebook):
    rows = code(
        "Meanwhile, the authorities have stuck to their version of what happened – that police only "
        "fired in self-defence.",
        codebook,
    )
    assert "denial" in categories(rows, "state_response")
    assert "lethal_force" not in categories(rows, "state_response")
    rows = code(
        "The Head of State stressed that law-enforcement officers had used weapons strictly within the "
        "law and only against armed bandits.",
        codebook,
    )
    assert categories(rows, "state_response") == ["blame_narrative", "denial"]
    assert {r["claimant_type"] for r in rows["state_responses"]} == {"official"}


def test_a_state_bodys_own_statement_speaks_in_the_states_voice(codebook):
    text = "However, the legitimate concerns of citizens were exploited by destructive forces."
    assert "blame_narrative" not in categories(code(text, codebook, EPISODE_2022), "state_response")
    ministry = code(text, codebook, EPISODE_2022, outlet="Ministry of Internal Affairs of Kazakhstan")
    assert "blame_narrative" in categories(ministry, "state_response")
    editorial = "Everyone now knows who stood behind the unrest: the strikers, egged on by outsiders."
    assert "blame_narrative" not in categories(code(editorial, codebook), "state_response")
    state_paper = code(editorial, codebook, outlet="Kazakhstanskaya Pravda editorial")
    assert "blame_narrative" in categories(state_paper, "state_response")


@pytest.mark.parametrize(
    "text",
    [
        "The verdict blamed Kozlov and the banker Mukhtar Ablyazov for inciting the strikers to violence.",
        "The court found that Kozlov had deliberately stirred up the oil workers.",
    ],
)
def test_a_verdict_speaks_for_the_state(codebook, text):
    assert "blame_narrative" in categories(code(text, codebook), "state_response")


def test_the_state_actor_named_is_the_claimant_of_its_narrative(codebook):
    rows = code("The authorities called the strikers hooligans and put their leaders on trial.", codebook)
    narrative = row(rows, "state_response", "blame_narrative")
    assert (narrative["claimant"], narrative["claimant_type"]) == ("authorities", "official")
    assert row(rows, "state_response", "prosecutions")["claimant_type"] == "unattributed"
    rows = code(
        'President Tokayev invited troops from the Russian-led Collective Security Treaty Organisation, '
        'described the protesters as "20,000 terrorists" and ordered security forces to shoot.',
        codebook,
    )  # fmt: skip
    assert "blame_narrative" in categories(rows, "state_response")


@pytest.mark.parametrize(
    "text",
    [
        "The European Parliament calls for an independent international investigation into the killings.",
        "Human rights organisations and campaigners are demanding an international inquiry into it.",
        "Amnesty International urged the authorities to release all those detained for political reasons.",
        "The authorities were urging the strikers to clear the square and end the strike.",
    ],
)
def test_outsiders_and_the_state_asking_are_not_protester_demands(codebook, text):
    rows = code(text, codebook)
    assert rows["demands"] == []
    assert "investigation" not in categories(rows, "state_response")  # asked for, not done


def test_protesters_asking_are_demands(codebook):
    rows = code(
        "Protesters demanded an independent investigation into the killings and the release of detained "
        "demonstrators.",
        codebook,
    )
    assert set(categories(rows, "demand")) == {"independent_inquiry", "release_prisoners"}
    assert "arrests" not in categories(rows, "state_response")
    rows = code(
        "The oil workers asked for what workers everywhere ask for: fair pay, safe conditions and a union "
        "of their own.",
        codebook,
    )  # a colon after the verb opens the list of what is asked for
    assert set(categories(rows, "demand")) == {"higher_wages", "working_conditions", "independent_unions"}
    rows = code(
        "They asked for very simple things: that the coefficient be paid, that they be allowed to choose "
        "their own union, and that whoever ordered the shooting be put on trial.",
        codebook,
    )  # the colon opens the list of what was asked, to the end of the sentence
    assert {"independent_unions", "accountability"} <= set(categories(rows, "demand"))
    assert "prosecutions" not in categories(rows, "state_response")  # asked for, not done
    rows = code(
        "The protesters' demands widened to include the resignation of the government and an end to the "
        "influence of former President Nursultan Nazarbayev.",
        codebook,
        EPISODE_2022,
    )
    assert set(categories(rows, "demand")) == {"government_resignation", "leader_exit"}


def test_an_outsiders_own_document_asks_in_its_own_voice(codebook):
    text = "2. Calls for the immediate release of all those detained for political reasons;"
    assert code(text, codebook)["demands"] != []
    resolution = code(
        text, codebook, title="Resolution on the situation in Kazakhstan", outlet="European Parliament"
    )
    assert resolution["demands"] == []
    relatives = code(
        "Relatives of the dead, who gathered outside the prosecutor's office in Almaty, demanded that those "
        "responsible be named and punished.",
        codebook,
        outlet="Steppe Rights Monitor (an NGO)",
    )  # the NGO reports who asked: the relatives, past the clause put between them and their verb
    assert categories(relatives, "demand") == ["accountability"]
    strikers = code(
        "Employees of Ozenmunaigas, a subsidiary of the state energy company KazMunaiGas, and of "
        "Karazhanbasmunai, a joint venture, went on strike to demand higher wages.",
        codebook,
        outlet="Human Rights Watch",
    )  # people who "went on strike to demand" are the ones asking, however far back their names are
    assert categories(strikers, "demand") == ["higher_wages"]
    briefing = code(
        "We call on the authorities to release everyone detained solely for exercising their rights.",
        codebook,
        outlet="UN Office of the High Commissioner for Human Rights",
    )
    assert briefing["demands"] == []


def test_a_demand_list_takes_its_frame_and_claimant_from_its_lead_in(codebook):
    text = (
        "On 4 January the activist Galym Ageleuov wrote on social media:\n"
        "The protesters' demands are:\n"
        "1. Gas for 50 tenge.\n"
        "2. The resignation of the government.\n"
        "Officials later met the strikers."
    )
    rows = code(text, codebook, EPISODE_2022, published=date(2022, 1, 9))
    assert categories(rows, "demand") == ["price_rollback", "government_resignation"]
    gas = row(rows, "demand", "price_rollback")
    assert (gas["value_low"], gas["unit"], gas["claimant_type"]) == (50.0, "tenge_per_litre", "activist")
    assert "officials_dismissed" not in categories(rows, "state_response")  # a demand listed is not an act


def test_a_category_yields_only_to_what_is_coded_in_its_own_clause(codebook):
    both = code(
        "Nationwide internet blackouts followed, and the authorities blocked independent news websites.",
        codebook,
        EPISODE_2022,
    )
    assert categories(both, "state_response") == ["internet_shutdown", "media_restrictions"]
    sites = code("The authorities blocked independent news websites.", codebook, EPISODE_2022)
    assert categories(sites, "state_response") == ["media_restrictions"]
    listed = code(
        "The authorities shut down the internet nationwide for five days, blocked news websites and "
        "detained several journalists.",
        codebook,
        EPISODE_2022,
    )
    assert {"internet_shutdown", "media_restrictions"} <= set(categories(listed, "state_response"))
    officers = code("Five police officers were jailed for abuse of power.", codebook, EPISODE_2011)
    assert categories(officers, "state_response") == ["security_forces_prosecuted"]
    others = code(
        "Thirty-seven residents stood trial, and five police officers were jailed for abuse of power.",
        codebook,
        EPISODE_2011,
    )
    assert categories(others, "state_response") == ["prosecutions", "security_forces_prosecuted"]


def test_they_goes_on_with_the_sentence_before(codebook):
    officers = code(
        "Five police officers were tried for abuse of power. They received sentences of five to seven years.",
        codebook,
    )
    they = [r for r in officers["state_responses"] if r["quote"].startswith("They")]
    assert [r["category"] for r in they] == ["security_forces_prosecuted"]
    both = code(
        "Five police officers were tried. They received sentences of five to seven years; two more "
        "officers were charged in June.",
        codebook,
    )
    second = [r["category"] for r in both["state_responses"] if r["sentence_id"] == "d0:00001"]
    assert second == ["security_forces_prosecuted"]  # one category, one row
    strikers = code("Twelve strikers were tried. They received sentences of five to seven years.", codebook)
    they = [r for r in strikers["state_responses"] if r["quote"].startswith("They")]
    assert [r["category"] for r in they] == ["prosecutions"]


def test_a_demand_met_is_a_concession_not_a_request(codebook):
    rows = code(
        "This demand was met within days, when the price in Mangistau was capped at 50 tenge per litre.",
        codebook,
        EPISODE_2022,
    )
    assert "material_concession" in categories(rows, "state_response")


def test_headings_and_recommendations_report_no_events(codebook):
    report = (
        "Torture in custody\n"
        "Former detainees said they were tortured in custody.\n"
        "Recommendations\n"
        "• Prosecute every official responsible for the torture of detainees.\n"
        "• Invite a UN-led international investigation into the January events.\n"
        "The Assembly calls on the authorities to:\n"
        "12.1. set up an independent inquiry into the killings;\n"
        "12.2. investigate promptly all allegations of torture of people detained;\n"
        "• Press the authorities to accept an international inquiry into the shootings.\n"
        "(a) Ensure that all allegations of torture in custody are investigated;\n"
        "b) review the convictions of persons who allege their confessions were obtained under torture;\n"
        "- to ensure a comprehensive investigation of all allegations of torture in custody;\n"
        "• police beat detainees in the Almaty city police station.\n"
    )
    rows = code(report, codebook, EPISODE_2022, published=date(2022, 9, 1))
    torture = [r["quote"] for r in rows["state_responses"]]
    assert torture == [
        "Former detainees said they were tortured in custody.",
        "• police beat detainees in the Almaty city police station.",
    ]  # a list item in lower case is a recommendation only when it opens with a verb
    demands = code(
        "The strikers' demands are:\n• Release the union lawyer Natalia Sokolova.\n", codebook
    )  # imperatives under the protesters' own lead-in are their demands
    assert categories(demands, "demand") == ["release_prisoners"]


# ---------------------------------------------------------------- one fact per sentence, figures


def test_one_row_per_category_per_sentence(codebook):
    rows = code("Police opened fire on the crowd and then shot at fleeing protesters again.", codebook)
    assert categories(rows, "state_response") == ["lethal_force"]


def test_disagreeing_figures_in_one_sentence_are_two_rows(codebook):
    rows = code(
        "On 16 and 17 December 2011, public violence left at least 17 people dead [some estimates go as "
        "high as 70] and over 100 injured.",
        codebook,
    )
    killed = sorted(
        ((r["value_low"], r["value_high"], r["qualifier"], r["claimant_type"]) for r in rows["outcomes"]
         if r["category"] == "killed"),
        key=str,
    )  # fmt: skip
    assert killed == [(17.0, None, "at_least", "unattributed"), (None, 70.0, "up_to", "other")]
    injured = row(rows, "outcome", "injured")
    assert (injured["value_low"], injured["qualifier"]) == (100.0, "more_than")
    put_at = code(
        "Activists said at least 16 people were killed and put the death toll at more than 60.", codebook
    )
    assert sorted(r["value_low"] for r in put_at["outcomes"] if r["category"] == "killed") == [16.0, 60.0]
    final_toll = code(
        "Officials said 12 people were killed that day; the final toll given by the authorities was 15 dead.",
        codebook,
    )  # a first count and the final one
    assert sorted(r["value_low"] for r in final_toll["outcomes"] if r["category"] == "killed") == [12.0, 15.0]


def test_soldiers_killed_are_counted_as_people(codebook):
    rows = code(
        "Sixteen servicemen and police officers lost their lives, and more than 1,300 were wounded.",
        codebook,
        EPISODE_2022,
    )
    killed = row(rows, "outcome", "killed")
    assert (killed["value_low"], killed["unit"], killed["qualifier"]) == (16.0, "people", "exact")
    deployed = code("The CSTO sent 2,500 troops to Kazakhstan.", codebook, EPISODE_2022)
    assert row(deployed, "state_response", "foreign_troops")["unit"] == "troops"  # deployed: troops


def test_a_looser_figure_is_another_estimate_only_when_the_text_says_so(codebook):
    rows = code(
        "One person was killed and 11 were wounded when police opened fire on several hundred protesters.",
        codebook,
    )
    assert [(r["value_low"], r["qualifier"]) for r in rows["outcomes"] if r["category"] == "killed"] == [
        (1.0, "exact")
    ]  # the several hundred are whom they fired on, not another count of the dead
    rows = code("Officials admit that 16 were killed - but campaigners say there were dozens more.", codebook)
    killed = [(r["value_low"], r["qualifier"]) for r in rows["outcomes"] if r["category"] == "killed"]
    assert sorted(killed) == [(16.0, "exact"), (24.0, "vague")]
    rows = code("13 of them received prison terms of up to seven years.", codebook)
    convicted = [(r["value_high"], r["unit"]) for r in rows["outcomes"] if r["category"] == "convicted"]
    assert sorted(convicted) == [(7.0, "years"), (13.0, "people")]  # another measure: its own row


@pytest.mark.parametrize(
    "text",
    [
        "State officials admit that 16 were killed and 64 injured on 16 December 2011.",
        "According to the ministry, 16 law enforcement officers were killed and 64 were injured.",
        "Police opened fire, killing 16 people and wounding 64.",
    ],
)
def test_each_count_goes_to_the_words_it_counts(codebook, text):
    rows = code(text, codebook)
    assert row(rows, "outcome", "killed")["value_low"] == 16.0
    assert row(rows, "outcome", "injured")["value_low"] == 64.0


def test_person_counts_need_a_number(codebook):
    rows = code("He expressed condolences to the families of people killed and detained.", codebook)
    assert rows["outcomes"] == []
    # a length of time counts no one; officialese "bodies" are agencies, not the dead
    rows = code("For seven months, the sacked workers kept up a protest on the square.", codebook)
    assert rows["outcomes"] == []
    rows = code("As a result, 22 employees of law enforcement bodies have been brought to trial.", codebook)
    assert "killed" not in categories(rows, "outcome")
    # a number with its own noun counts that noun: 37 vehicles are not 37 injured
    rows = code("95 police officers were injured, 37 service vehicles were damaged.", codebook)
    assert [r["value_low"] for r in rows["outcomes"] if r["category"] == "injured"] == [95.0]
    rows = code("The official death toll was 17, although some researchers have argued otherwise.", codebook)
    assert row(rows, "outcome", "killed")["value_low"] == 17.0  # "researchers" is not what 17 counts


@pytest.mark.parametrize(
    "text",
    [
        "A 22-year-old man who had gone out to buy bread was shot dead.",
        "Her husband was wounded in the square and died in hospital a month later.",
        "He was 23 when he was shot dead on the square.",  # an age is no count
        "Zhaksylyk Turbayev, a union activist at Karazhanbasmunai, was killed.",
        "In August, a union activist, Zhaksylyk Turbayev, was stabbed to death.",
        "Among the dead was four-year-old Aikorkem Meldekhanova.",
    ],
)
def test_one_person_killed_counts_one(codebook, text):
    killed = row(code(text, codebook), "outcome", "killed")
    assert (killed["value_low"], killed["value_high"], killed["qualifier"]) == (1.0, 1.0, "exact")


def test_one_person_detained_is_an_arrest_not_a_count(codebook):
    rows = code("A man was detained by police in Zhanaozen.", codebook)
    assert categories(rows, "state_response") == ["arrests"]  # the police detained him: not tried
    assert rows["outcomes"] == []


def test_responses_carry_the_figure_that_measures_them(codebook):
    rows = code(
        "Its forces may be emboldened by the 3000 Russian and other troops flown in.", codebook, EPISODE_2022
    )
    troops = row(rows, "state_response", "foreign_troops")
    assert (troops["value_low"], troops["unit"]) == (3000.0, "troops")
    price = row(
        code(
            "They were sparked by a doubling of the price of gas to 120 tenge per litre from 60 tenge.",
            codebook,
        ),
        "trigger",
        "price_increase",
    )
    assert (price["value_low"], price["unit"]) == (120.0, "tenge_per_litre")  # the new price, not the old


# ---------------------------------------------------------------- claimant, actor, date


def test_claimants_follow_the_attribution(codebook):
    rows = code("Officials say 14 people were killed when police opened fire on crowds.", codebook)
    killed = row(rows, "outcome", "killed")
    assert (killed["claimant_type"], killed["claimant"]) == ("official", "Officials")


def test_a_post_written_by_someone_is_theirs_until_the_next_dateline(codebook):
    text = (
        "This text was written by the activist Aidar Ergali on Thursday 6 January in Almaty.\n"
        "The government set up cordons and police opened fire on peaceful protesters.\n"
        "Read the rest of this entry\n"
        "Police opened fire on demonstrators."
    )
    rows = code(text, codebook, EPISODE_2022, published=date(2022, 1, 9))
    types = [
        (r["sentence_id"], r["claimant_type"])
        for r in rows["state_responses"]
        if r["category"] == "lethal_force"
    ]
    assert types == [("d0:00001", "activist"), ("d0:00003", "unattributed")]


def test_an_interviews_answers_are_the_interviewees(codebook):
    text = (
        "Aizhan Sarsenova, a lawyer with the Mangystau Legal Aid Centre, defended six of the accused.\n"
        "Q: What happened on the square?\n"
        "A: Police opened fire on the crowd. Many were beaten in custody.\n"
        "Q: Police say they were attacked first.\n"
        "Police opened fire on demonstrators."
    )
    rows = code(text, codebook, published=date(2012, 6, 14))
    claims = [(r["sentence_id"], r["claimant"], r["claimant_type"]) for r in rows["state_responses"]]
    assert claims[:2] == [("d0:00002", "Aizhan Sarsenova", "ngo"), ("d0:00003", "Aizhan Sarsenova", "ngo")]
    assert claims[-1][2] != "ngo"  # after the next question the text speaks for itself again


def test_a_testimonys_sentences_are_its_speakers(codebook):
    text = (
        "Serik, 47, former operator at OzenMunaiGas\n\n"
        "I heard shots, and I saw the police firing straight into the crowd.\n\n"
        "About this collection\n\n"
        "Police opened fire on the crowd."
    )
    rows = code(text, codebook, EPISODE_2011, published=date(2021, 12, 14))
    claims = [(r["claimant"], r["claimant_type"]) for r in rows["state_responses"]]
    assert claims[0] == ("Serik", "activist")
    assert claims[-1] == (None, "unattributed")  # after the next heading the text speaks for itself


@pytest.mark.parametrize(
    ("text", "table", "category", "actor"),
    [
        ("Police opened fire on demonstrators.", "state_response", "lethal_force", "police"),
        (
            "On August 8, a court convicted Sokolova of inciting social discord.",
            "state_response",
            "prosecutions",
            "court",
        ),
        ("Troops were deployed to the town.", "state_response", "security_deployment", "army"),
        (
            "The president ordered an investigation into the violence.",
            "state_response",
            "investigation",
            "president",
        ),
        ("Ozenmunaigaz fired approximately 400 people.", "trigger", "layoffs", "company"),
        ("The strikers demanded higher wages.", "demand", "higher_wages", "strikers"),
    ],
)
def test_actor_is_the_one_named_nearest(codebook, text, table, category, actor):
    assert row(code(text, codebook), table, category)["actor"] == actor


@pytest.mark.parametrize(
    ("text", "episode", "published", "expected"),
    [
        (
            "On December 16, police opened fire on demonstrators.",
            EPISODE_2011,
            date(2012, 12, 12),
            date(2011, 12, 16),
        ),  # the year the episode's window gives first, not the publication year
        ("On August 8, a court convicted Sokolova.", EPISODE_2011, date(2022, 3, 21), date(2011, 8, 8)),
        ("On 4 January the government set up cordons.", EPISODE_2022, date(2022, 1, 9), date(2022, 1, 4)),
        ("Police opened fire on 16 December 2011.", EPISODE_2011, None, date(2011, 12, 16)),
        (
            "A state of emergency was imposed and will last until January 5.",
            EPISODE_2011,
            date(2011, 12, 22),
            None,
        ),  # an end date does not date the event
        ("Police fired on crowds on 16-17 December.", EPISODE_2011, date(2011, 12, 22), None),  # a range
        ("Police opened fire on demonstrators.", EPISODE_2011, date(2011, 12, 22), None),
    ],
)
def test_event_date(codebook, text, episode, published, expected):
    rows = code(text, codebook, episode, published=published)
    dated = [r["event_date"] for r in rows["state_responses"]]
    assert dated and set(dated) == {expected}


# ---------------------------------------------------------------- rows on the seeds


def test_every_seed_row_carries_its_evidence(codebook, extracted):
    folder = extracted("seeds")
    documents = {d["doc_id"]: d for d in pq.read_table(folder / "documents.parquet").to_pylist()}
    sentences = {s["sentence_id"]: s for s in pq.read_table(folder / "sentences.parquet").to_pylist()}
    total = 0
    for table_id, name in schema.FACT_TABLES.items():
        table = pq.read_table(folder / f"{name}.parquet")
        assert table.schema.equals(schema.FACTS)
        rows = table.to_pylist()
        total += len(rows)
        for r in rows:
            text = documents[r["doc_id"]]["text"]
            assert r["quote"] == text[r["char_start"] : r["char_end"]] and r["quote"].strip() == r["quote"]
            sentence = sentences[r["sentence_id"]]
            assert sentence["char_start"] <= r["char_start"] < r["char_end"] <= sentence["char_end"]
            assert r["episode"] == sentence["episode"] is not None
            assert r["rule_id"].split(".")[:2] == [table_id, r["category"]]
            assert (r["claimant"] is None) == (r["claimant_type"] == "unattributed")
            if r["event_date"] is not None:
                window = codebook.episodes[r["episode"]].window
                assert window[0] <= r["event_date"] <= window[1]
        assert len({r["record_id"] for r in rows}) == len(rows)
        assert rows == sorted(rows, key=extract._sort_key)
    assert total > 150


def test_extraction_is_deterministic(codebook, extracted, tmp_path):
    import shutil

    folder = extracted("seeds")
    for name in ("documents", "sentences"):
        shutil.copy(folder / f"{name}.parquet", tmp_path / f"{name}.parquet")
    extract.write(tmp_path, codebook)
    for name in schema.FACT_TABLES.values():
        assert (tmp_path / f"{name}.parquet").read_bytes() == (folder / f"{name}.parquet").read_bytes()


def test_sentences_outside_both_episodes_give_no_rows(codebook):
    text = "Police opened fire on demonstrators."
    doc = {"doc_id": "d0", "text": text, "published": None, "title": "t", "outlet": None}
    sentence = {
        "doc_id": "d0",
        "sentence_id": "d0:00000",
        "char_start": 0,
        "char_end": len(text),
        "text": text,
    }
    assert extract.extract_document(doc, [{**sentence, "episode": None}], codebook)["state_responses"] == []
    assert extract.extract_document(doc, [{**sentence, "episode": EPISODE_2011}], codebook)["state_responses"]


def test_police_who_jail_people_are_not_police_jailed(codebook):
    rows = code("Police jailed dozens of strikers.", codebook)
    assert categories(rows, "state_response") == ["arrests"]
    rows = code("Five police officers jailed for abuse of power.", codebook)
    assert "security_forces_prosecuted" in categories(rows, "state_response")


def test_the_right_to_a_union_asked_for_is_no_restriction(codebook):
    rows = code("They wanted a fair wage and the right to choose their own union.", codebook)
    assert "labour_rights_restrictions" not in categories(rows, "trigger")
