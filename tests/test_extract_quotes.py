"""Unit tests for pipeline.extract.quotes: quotation spans and speaker attribution."""
from __future__ import annotations

import pytest

from pipeline.extract.article import extract_article
from pipeline.textnorm import normalise_text


def quotes_of(text: str):
    body = normalise_text(text)
    facts = extract_article(body)
    for q in facts.quotes:
        assert body[q.start:q.end] == q.text
    return body, facts


def one_quote(text: str):
    _, facts = quotes_of(text)
    assert len(facts.quotes) == 1, [q.text for q in facts.quotes]
    return facts.quotes[0], facts


def test_curly_quotes_are_normalised_before_extraction():
    q, _ = one_quote("Russian President Vladimir Putin said: \u201cWe will never accept these terms.\u201d")
    assert q.text == "We will never accept these terms."
    assert (q.speaker, q.person, q.cue) == ("Vladimir Putin", 0, "said")


@pytest.mark.parametrize("text, speaker, cue", [
    # "X said" after the quote
    ('Russian President Vladimir Putin spoke in Kazan. "The world is changing before our eyes," Putin said.',
     "Vladimir Putin", "said"),
    # "said X" after the quote
    ('German Chancellor Olaf Scholz arrived in Elmau. "This is a moment for unity among democracies," said Scholz.',
     "Olaf Scholz", "said"),
    # "X told Y"
    ('Chinese leader Xi Jinping met Putin in the Kremlin. "Our friendship has no limits at all," Xi told Putin.',
     "Xi Jinping", "told"),
    # quote-first, titled name with "told reporters"
    ('"The door to the alliance remains open to all," NATO Secretary General Jens Stoltenberg told reporters in Vilnius.',
     "Jens Stoltenberg", "told"),
    # "X added:" before the quote, pronoun subject
    ('French President Emmanuel Macron spoke at the Elysee. He added: "Europe must be able to defend itself."',
     "Emmanuel Macron", "added"),
    # "X said," before the quote
    ('Russian President Vladimir Putin arrived. Putin said, "Nobody can isolate a country like ours."',
     "Vladimir Putin", "said"),
    # appositive title then "told reporters:"
    ('Emmanuel Macron, the French president, told reporters: "We will not let this stand any longer."',
     "Emmanuel Macron", "told"),
    # "X added" after the quote
    ('Ukrainian President Volodymyr Zelensky addressed the summit by video. "Every day of delay costs lives," Zelensky added.',
     "Volodymyr Zelensky", "added"),
    # "X told the summit that"
    ('Japanese Prime Minister Shinzo Abe told the G20 summit in Osaka that "free trade is the foundation of peace and prosperity".',
     "Shinzo Abe", "told"),
])
def test_named_speaker(text, speaker, cue):
    q, facts = one_quote(text)
    assert q.speaker == speaker
    assert facts.people[q.person].name == speaker
    assert q.cue == cue


def test_speaker_named_only_after_the_quote_in_the_lead():
    q, _ = one_quote('Putin said, "Nobody can isolate a country like ours."\n\n'
                     'Russian President Vladimir Putin left the hall soon after.')
    assert q.speaker == "Vladimir Putin"


@pytest.mark.parametrize("text, speaker", [
    ('German Chancellor Angela Merkel flew to Brussels.\n\n'
     '"We need a solution this week, not next month," the German chancellor said.', "Angela Merkel"),
    ('US President Joe Biden met Japanese Prime Minister Fumio Kishida. '
     '"The alliance has never been stronger than today," the Japanese prime minister said.', "Fumio Kishida"),
    ('US President Joe Biden met Japanese Prime Minister Fumio Kishida. '
     '"The alliance has never been stronger than today," the American president said.', "Joe Biden"),
    ('Chinese President Xi Jinping visited Moscow. "I am very happy to be here again," said the Chinese leader.',
     "Xi Jinping"),
    ('"I am very happy to be here in this beautiful city," said the Chinese president, Xi Jinping.',
     "Xi Jinping"),
])
def test_description_speaker(text, speaker):
    q, _ = one_quote(text)
    assert q.speaker == speaker
    assert q.cue == "said"


@pytest.mark.parametrize("text, speaker", [
    ('Indian Prime Minister Narendra Modi spoke to delegates. '
     '"Terrorism is the biggest threat to humanity today," he said.', "Narendra Modi"),
    # the pronoun refers to the subject of the previous sentence, not its object
    ('Turkish President Recep Tayyip Erdogan met Russian President Vladimir Putin. '
     '"We want the grain deal back on track," he said.', "Recep Tayyip Erdogan"),
])
def test_pronoun_speaker(text, speaker):
    q, _ = one_quote(text)
    assert q.speaker == speaker
    assert q.cue == "said"


def test_quoted_as_saying():
    q, _ = one_quote('State news agency Xinhua quoted Chinese President Xi Jinping as saying that '
                     '"the two sides must deepen mutual trust".')
    assert q.speaker == "Xi Jinping"
    assert q.cue == "quoted as"


def test_indirect_clause_before_partial_quote():
    q, _ = one_quote('South Korean President Moon Jae-in met North Korean leader Kim Jong Un. '
                     'Moon said the two Koreas "will never again go to war with each other".')
    assert q.speaker == "Moon Jae-in"
    assert q.text == "will never again go to war with each other"


def test_according_to_after_quote():
    q, _ = one_quote('"Our positions on this matter are very close," according to Russian Foreign '
                     'Minister Sergei Lavrov.')
    assert (q.speaker, q.cue) == ("Sergei Lavrov", "according to")


@pytest.mark.parametrize("text, speaker", [
    ('China\'s foreign ministry said the visit "would further deepen mutual political trust".',
     "China's foreign ministry"),
    ('A joint communique said the leaders "agreed to expand trade in national currencies".',
     "joint communique"),
    ('The final declaration said the members "oppose unilateral sanctions that violate international law".',
     "final declaration"),
    ('The Kremlin said in a statement that the talks were "constructive and very useful for both sides".',
     "Kremlin"),
    ('"The summit is a clear signal to the whole world," the Kremlin said.', "Kremlin"),
    ('"We reject any attempt to interfere in our internal affairs," China\'s foreign ministry said in a statement.',
     "China's foreign ministry"),
])
def test_organisation_and_document_speakers(text, speaker):
    q, _ = one_quote(text)
    assert q.speaker == speaker
    assert q.person is None


def test_multi_paragraph_quote_attributed_where_it_ends():
    body, facts = quotes_of(
        'Brazilian President Luiz Inacio Lula da Silva spoke first.\n\n'
        '"We are not here to pick sides.\n\n'
        '"We are here to build peace," Lula said.')
    first, second = facts.quotes
    assert first.text == "We are not here to pick sides."
    assert (first.speaker, first.cue) == ("Luiz Inacio Lula da Silva", "chain")
    assert (second.speaker, second.cue) == ("Luiz Inacio Lula da Silva", "said")


def test_second_quote_in_paragraph_continues_speaker():
    _, facts = quotes_of(
        'Russian President Dmitry Medvedev met German Chancellor Angela Merkel.\n\n'
        '"We have agreed on many important things," Medvedev told journalists. '
        '"The rest will follow next year."')
    first, second = facts.quotes
    assert (first.speaker, first.cue) == ("Dmitry Medvedev", "told")
    assert (second.speaker, second.cue) == ("Dmitry Medvedev", "continued")


@pytest.mark.parametrize("text", [
    'The leaders discussed the so-called "special relationship" at length.',
    'Kazakh President Kassym-Jomart Tokayev said the "Astana spirit" would prevail.',
    'Indian Prime Minister Narendra Modi said the "Global South" must be heard.',
    'The "Shanghai spirit" remained a key phrase for the "new era".',
    'The leaders endorsed the "Belt and Road Initiative for Common Prosperity" in their talks.',
])
def test_scare_quotes_and_names_are_not_quotes(text):
    _, facts = quotes_of(text)
    assert facts.quotes == []


def test_unattributed_quote_kept_without_speaker():
    q, _ = one_quote('"Nobody expected the talks to last this long into the night."')
    assert (q.speaker, q.person, q.cue) == (None, None, None)


@pytest.mark.parametrize("text, speaker, cue", [
    ('Chinese President Xi Jinping, who was quoted by state broadcaster CCTV as saying '
     '"the world needs more cooperation, not less", left early.', "Xi Jinping", "was quoted"),
    ('Russian President Vladimir Putin, who arrived late, said: "We are ready for dialogue with everyone."',
     "Vladimir Putin", "said"),
    ('"Trade must be free and fair for all," said Italian Prime Minister Giorgia Meloni, who chaired the meeting.',
     "Giorgia Meloni", "said"),
    ('British Prime Minister Margaret Thatcher met Soviet leader Mikhail Gorbachev. '
     '"We can do business together," she said.', "Margaret Thatcher", "said"),
    ('US Secretary of State Antony Blinken met Chinese Foreign Minister Wang Yi. '
     '"Our countries must manage differences responsibly," Wang said.', "Wang Yi", "said"),
    ('Mexican President Andres Manuel Lopez Obrador told his morning press conference: '
     '"I will not go to the summit this year."', "Andres Manuel Lopez Obrador", "told"),
])
def test_more_person_phrasings(text, speaker, cue):
    q, facts = one_quote(text)
    assert (q.speaker, q.cue) == (speaker, cue)
    assert facts.people[q.person].name == speaker


@pytest.mark.parametrize("text, speaker", [
    ('"We will keep working for peace in the region," the White House said in a statement.', "White House"),
    ('The White House said: "The president looks forward to a productive meeting with his counterparts."',
     "White House"),
    ('"We will respond to any provocation firmly," the Chinese defence ministry said.', "Chinese defence ministry"),
])
def test_more_institution_speakers(text, speaker):
    q, _ = one_quote(text)
    assert (q.speaker, q.person) == (speaker, None)


def test_quote_after_attributed_quote_in_same_sentence_run_continues():
    _, facts = quotes_of('Chinese leader Xi Jinping spoke. "The Cold War mentality must end," Xi said. '
                         '"Bloc confrontation leads nowhere."')
    assert [(q.speaker, q.cue) for q in facts.quotes] == [("Xi Jinping", "said"), ("Xi Jinping", "continued")]
