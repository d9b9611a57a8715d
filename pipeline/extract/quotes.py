"""Direct quotations and who said them: the one place for the attribution rules.

A quotation is text between double quote marks (the body's marks are normalised to '"')
of at least four words that is not a title-cased name. Its speaker comes from, in order:

1. "quoted X as saying/thanking ..." / "X, who was quoted by ... as ..." before the quote;
2. a cue right after the closing mark: '..., Putin said' / '..., said Putin' /
   '..., the Russian president said' / '..., Xi told Putin' / '..., he added';
3. a cue right before the opening mark: 'he added: "...' / 'Putin said, "...';
4. an indirect clause before the quote in the same sentence: 'Ned Price said China and
   Russia "share ..."' / 'A joint communique said the states "noted ..."' (last speech verb wins);
5. "according to X" after the quote;
6. continuation: a quote in a paragraph without a cue continues the previous quote's speaker
   when it follows it directly (same paragraph, or the next paragraph opening with a quote).

Speakers are people (resolved through names, descriptions like "the Chinese leader" and
pronouns) or organisations/documents ("China's foreign ministry", "joint communique").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline import reference
from pipeline.extract import people as P
from pipeline.extract.units import UPPER, Units
from pipeline.textnorm import alternation

MIN_WORDS = 4

SPEECH_VERBS = (
    "said|says|say|told|tells|tell|added|adds|stressed|stresses|emphasi[sz]ed|noted|notes|declared|"
    "declares|insisted|insists|warned|warns|urged|urges|wrote|writes|tweeted|posted|remarked|argued|"
    "argues|asserted|explained|explains|announced|announces|acknowledged|replied|responded|continued|"
    "concluded|observed|suggested|complained|promised|vowed|pledged|claimed|claims|conceded|cautioned|"
    "recalled|quipped|joked|predicted|affirmed|reaffirmed|reiterated|stated|states|told reporters|"
    "underlined|underscored|highlighted|maintained|demanded|proclaimed|announced|thundered|mused|"
    "admitted|agreed|boasted|charged|commented|countered|lamented|pointed out|went on|said in a statement|"
    "called for|called on|called|described|hailed|praised|assured|proposed|spoke of|spoke"
)
_VERB = re.compile(rf"\b{alternation(SPEECH_VERBS.split('|'))}\b", re.I)
_AFTER_SPEAKER_VERB = re.compile(
    rf"^\s*[,\u2014\-]?(?!\s*(?:while|and|but|as|after|before|when|because|although|whereas|though|since)\b)\s*(?P<who>[^,;\"]{{1,80}}?)\s+(?:also\s+|later\s+|then\s+|has\s+|had\s+|would\s+|will\s+)?"
    rf"(?P<verb>{SPEECH_VERBS})\b", re.I)
_AFTER_APPOSITIVE = re.compile(
    rf"^\s*,?\s*(?P<who>(?:the|a|an|[{UPPER}][\w\-]+'s)\s+[^,;\"]{{1,60}}?,\s+[^,;\"]{{1,60}}?),\s+(?:also\s+)?(?P<verb>{SPEECH_VERBS})\b", re.I)
_ACCORDING_BEFORE = re.compile(r"\b[Aa]ccording\s+to\s+(?P<who>[^,;\"]{1,80}?)\s*,[^\"]*$")
_DOC_NOUN = re.compile(r"\b(?:declaration|communiqu[eé]|statement|resolution|decision|document|report|"
                       r"letter|ruling|text|draft|treaty|agreement|accord|pact|charter)\b", re.I)
_AFTER_SPEAKER_APPOSITIVE = re.compile(
    rf"^\s*,?\s*(?P<who>[^,;\"]{{1,80}}?),\s+(?:the|a|an|his|her)\s+[^,;\"]{{1,50}},\s+(?:also\s+)?(?P<verb>{SPEECH_VERBS})\b", re.I)
_AFTER_VERB_SPEAKER = re.compile(
    rf"^\s*[,\u2014\-]?\s*(?P<verb>{SPEECH_VERBS})\s+(?P<who>[^,;.\"]{{1,80}})", re.I)
# what follows the speaker and its whitespace in _BEFORE_CUE: "said on Tuesday:"
_BEFORE_CUE_REST = (
    rf"(?:also\s+|later\s+|then\s+|has\s+|had\s+)?(?P<verb>{SPEECH_VERBS})"
    rf"(?:\s+(?:reporters|journalists|the\s+\w+|him|her|them|[{UPPER}][\w'\-]+(?:\s+[{UPPER}][\w'\-]+)*))?"
    rf"(?:\s+(?:on|at|in|during)\s+[^,:\"]{{1,40}})?\s*[:,]?\s*$")
_BEFORE_CUE = re.compile(rf"(?P<who>[^,;.\"]{{1,100}}?)\s+{_BEFORE_CUE_REST}", re.I)
_BEFORE_CUE_TAIL = re.compile(rf"\s{_BEFORE_CUE_REST}", re.I)
_QUOTED_AS = re.compile(
    r"\bquoted\s+(?!by\b)(?P<who>.{1,80}?)\s+as\s+(?:saying|telling|thanking|stating|calling|describing|"
    r"warning|urging|adding|\w+ing)\b", re.I)
_WAS_QUOTED = re.compile(r"(?P<who>[^,;]{1,80}?),?\s+(?:who\s+)?(?:was|were)\s+quoted\b", re.I)
_ACCORDING = re.compile(r"^\s*[,\u2014\-]?\s*according\s+to\s+(?P<who>[^,;.\"]{1,80})", re.I)
_PRONOUN = re.compile(r"^(?:he|she|him|her)$", re.I)
_UNNAMED_LEADER = re.compile(r"^(?:the|a)\s+(?:[\w\-']+\s+){0,2}?(?P<title>leader|president|prime\s+minister|premier|"
                             r"chancellor|king|emir|host|statesman)$", re.I)
_ORG_HEADS = (
    "ministry|ministries|kremlin|white house|communique|communiqué|statement|declaration|spokesman|"
    "spokeswoman|spokesperson|spokespeople|office|government|embassy|agency|council|commission|"
    "department|cabinet|presidency|palace|secretariat|administration|readout|state media|media|"
    "broadcaster|newspaper|military|army|foreign office|summit|leaders|report|resolution|letter|"
    "document|press service|bloc|alliance|organi[sz]ation|party|parliament|senate|court|decision|ruling|"
    "official|officials|diplomat|diplomats|aide|aides|source|sources|negotiator|negotiators|envoy|"
    "draft|judges|assembly|committee|union"
)
_ORG = re.compile(rf"\b(?:{_ORG_HEADS})\b", re.I)
# modifiers kept in an organisation speaker ("joint communique", "senior official"); demonyms
# and capitalised words are kept too (see _org_phrase)
_KEEP_MODIFIERS = {"joint", "final", "foreign", "defence", "defense", "state", "official", "presidential", "senior",
                   "draft", "constitutional", "supreme", "western", "news", "press", "trade", "finance",
                   "interior", "economy", "white", "closing", "summit", "leaders"}
_DETERMINERS = {"a", "an", "the", "this", "that", "its", "their", "his", "her"}


@dataclass(frozen=True)
class QuoteFact:
    start: int
    end: int
    text: str
    speaker: str | None
    person: int | None  # index into the article's people
    cue: str | None


def _before_cue(before: str) -> re.Match | None:
    """``_BEFORE_CUE.search(before)``, without trying its long lazy speaker group at every
    start of a text that cannot match."""
    # A match ends with a match of _BEFORE_CUE_TAIL: from the last whitespace before the verb.
    if not _BEFORE_CUE_TAIL.search(before):
        return None
    # No part of a match holds '"', nor ',' but one followed only by whitespace to the end:
    # a match starts after every other '"' or ','.
    stripped = before.rstrip()
    last_comma = stripped.rfind(",", 0, len(stripped) - 1 if stripped.endswith(",") else len(stripped))
    return _BEFORE_CUE.search(before, max(before.rfind('"'), last_comma) + 1)


def _words(text: str) -> int:
    return len(re.findall(r"[^\W_]+", text))


def _is_name_not_speech(text: str) -> bool:
    """Title-cased short phrases in quotes are names ("Belt and Road Initiative"), not speech."""
    words = text.strip(" ,.").split()
    if len(words) > 8 or re.search(r"[.!?,;]\s", text):
        return False
    small = {"and", "of", "the", "for", "in", "on", "to", "a", "an", "de", "du", "la"}
    return all(w[0].isupper() or w.lower() in small for w in words if w[0].isalpha())


class _Resolver:
    def __init__(self, units: Units, people: list[P.Person], descriptions: list[P.Description]):
        self.units, self.people, self.descriptions = units, people, descriptions
        self.body = units.body

    def speaker(self, start: int, end: int) -> tuple[str | None, int | None]:
        """Resolve the speaker phrase at body[start:end]."""
        body = self.body
        phrase = body[start:end].strip()
        if not phrase:
            return None, None
        # A person mention inside the phrase: the last one (closest to the verb) wins,
        # unless a "who" clause follows the first.
        ments = P.mentions_in(self.people, start, end + 1)
        ments = [m for m in ments if not re.search(r"\b(?:by|of|from|with|to)\s*$",
                                                   body[max(start, m[0] - 12):m[0]], re.I)
                 or m == ments[-1]]
        if ments and _PRONOUN.match(phrase) is None:
            s, e, i = ments[-1]
            if re.match(r",\s*(?:who|whose)\b", body[ments[0][1]:ments[0][1] + 10]):
                s, e, i = ments[0]  # "Xi, who met Putin on Tuesday, called for ..."
            tail = body[e:end].strip(" ,")
            # "X's foreign ministry": the possessor is not the speaker
            appositive = body[e:end].lstrip().startswith(",")
            if not re.match(r"^'s\b", body[e:e + 2]) and (appositive or len(tail.split()) <= 3 and not _ORG.search(tail)):
                return self.people[i].name, i
        for d in self.descriptions:
            if start <= d.start and d.end <= end + 1:
                i = P.resolve_description(self.people, d, d.start)
                if i is not None:
                    return self.people[i].name, i
        if _PRONOUN.match(phrase):
            i = P.resolve_pronoun(self.people, start, sentences=self.units.sentences)
            if i is not None:
                return self.people[i].name, i
            return None, None
        if _UNNAMED_LEADER.match(phrase):
            # "the Kremlin leader", "the 60-year-old prime minister": the leader just written about
            i = P.resolve_pronoun(self.people, start, sentences=self.units.sentences)
            if i is not None and self.people[i].level in {"head_of_state", "head_of_government", "leader"}:
                return self.people[i].name, i
        org = _org_phrase(phrase)
        if org:
            return org, None
        bare = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I).strip()
        canon = reference.organization(bare)
        if canon:
            return canon, None
        # a capitalised institution speaking in a statement: "The Elysee said in a statement"
        if re.match(r"\s*(?:also\s+)?said\s+in\s+a\s+(?:statement|communiqu|readout|post)", body[end:end + 40]) \
                and re.fullmatch(rf"(?:[{UPPER}][\w'\-.]*\s*){{1,4}}", bare):
            return bare, None
        # a name the people rules did not catch ("'...,' Faki said"): keep it as written
        if re.fullmatch(rf"[{UPPER}][\w'\-]+(?:\s+[{UPPER}][\w'\-]+){{0,3}}", phrase) and \
                phrase.split()[0].lower() not in P._NOT_NAME and not reference.country_code(phrase):
            return phrase, None
        return None, None

    def speaker_of(self, m: re.Match, base: int) -> tuple[str | None, int | None]:
        """The speaker named by the "who" group of a match over body[base:]."""
        return self.speaker(base + m.start("who"), base + m.end("who"))


def _org_phrase(phrase: str) -> str | None:
    """'A bland joint communique from the summit' -> 'joint communique'."""
    phrase = re.sub(r"\s+(?:from|of|at|after|issued|released|published|adopted|agreed|signed|seen|by|in|on)\b.*$", "",
                    phrase.strip(), flags=re.I)
    heads = list(_ORG.finditer(phrase))
    if not heads:
        return None
    head = heads[-1]
    words = phrase[: head.end()].split()
    keep: list[str] = []
    for w in reversed(words[:-len(head.group(0).split())]):
        lw = w.lower()
        if lw in _DETERMINERS:
            break
        if w[0].isupper() or lw in _KEEP_MODIFIERS or lw.endswith("'s") or reference.demonym_country(w):
            keep.append(w)
        else:
            break
    result = " ".join([*reversed(keep), *head.group(0).split()])
    return result if len(result) >= 3 else None


def extract_quotes(units: Units, people: list[P.Person], descriptions: list[P.Description]) -> list[QuoteFact]:
    body = units.body
    res = _Resolver(units, people, descriptions)
    facts: list[QuoteFact] = []
    prev: QuoteFact | None = None
    prev_para = -2
    prev_end = -1
    for q in units.quotes:
        text = body[q.start:q.end]
        if _words(text) < MIN_WORDS or _is_name_not_speech(text):
            continue
        sent_open = units.sentence_at(q.open_mark)
        sent_close = units.sentence_at(max(q.open_mark, q.close_mark - 1)) or sent_open
        para = units.paragraphs[q.paragraph]
        s_start = sent_open.start if sent_open else para.start
        s_end = sent_close.end if sent_close else para.end
        before = body[s_start:q.open_mark]
        after = body[min(q.close_mark + 1, len(body)):s_end] if q.closed else ""
        speaker = person = cue = None

        # 1. "quoted X as saying" / "X, who was quoted by ... as"
        m = _QUOTED_AS.search(before)
        if m:
            speaker, person = res.speaker_of(m, s_start)
            cue = "quoted as"
        if speaker is None and re.search(r"\bwas\s+quoted\b", before):
            m = _WAS_QUOTED.search(before)
            if m:
                seg_start = s_start + m.start("who")
                seg_end = s_start + m.end("who")
                # take the first person mention of the clause
                ments = P.mentions_in(people, seg_start, seg_end + 1)
                if ments:
                    speaker, person = people[ments[0][2]].name, ments[0][2]
                    cue = "was quoted"
        # 2. cue right after the closing mark
        if speaker is None and after:
            m = _QUOTED_AS.search(after)
            if m:
                speaker, person = res.speaker_of(m, q.close_mark + 1)
                cue = "quoted as" if speaker else None
            for rx, tag in ((_AFTER_VERB_SPEAKER, "said X"), (_AFTER_APPOSITIVE, "X, Y, said"),
                            (_AFTER_SPEAKER_APPOSITIVE, "X, the Y, said"), (_AFTER_SPEAKER_VERB, "X said")):
                if speaker:
                    break
                m = rx.match(after)
                if m:
                    base = q.close_mark + 1
                    who_s, who_e = base + m.start("who"), base + m.end("who")
                    if tag == "said X":
                        # "said Putin, who ..." / "said the Russian president"
                        who_e = who_s + len(re.split(r"\s+(?:who|in|at|on|during|after|before|adding)\b",
                                                     body[who_s:who_e])[0])
                    speaker, person = res.speaker(who_s, who_e)
                    if speaker:
                        cue = m.group("verb").lower()
                        break
        # 3./4. cue before the opening mark, in the same sentence
        if speaker is None and before.strip():
            m = _before_cue(before)
            if m:
                who_s, who_e = s_start + m.start("who"), s_start + m.end("who")
                speaker, person = res.speaker(*_trim_subject(body, who_s, who_e))
                if speaker:
                    cue = m.group("verb").lower()
            if speaker is None:
                verbs = list(_VERB.finditer(before))
                for v in reversed(verbs):
                    subj_end = s_start + v.start()
                    subj_start = _clause_start(body, s_start, subj_end)
                    speaker, person = res.speaker(*_trim_subject(body, subj_start, subj_end))
                    if speaker:
                        cue = v.group(0).lower()
                        break
        if speaker is None and before.strip():
            m = _ACCORDING_BEFORE.search(before)
            if m:
                speaker, person = res.speaker_of(m, s_start)
                cue = "according to" if speaker else None
        if speaker is None and before.strip() and _VERB.search(before):
            # the sentence's subject, when it opens with a named person: "UN Secretary-General
            # Antonio Guterres, who addressed the session, called for ... and said the world ..."
            ments = P.mentions_in(people, s_start, q.open_mark)
            if ments and ments[0][0] - s_start <= 70 and not re.search(
                    r"[,;]|\b(?:said|told|after|when|while|as)\b", body[s_start:ments[0][0]]):
                speaker, person = people[ments[0][2]].name, ments[0][2]
                cue = _VERB.search(before).group(0).lower()
        if speaker is None and re.match(r"\s*(?:It|They)\s+(?:also\s+)?(?:said|says|stated|added|noted|called)\b", before):
            # "It said all states ..." after a sentence about a declaration
            window = body[max(0, s_start - 300):s_start]
            docs = list(re.finditer(rf"(?:(?:[{UPPER}][\w'\-]*|joint|final|draft|leaders'?)\s+){{0,4}}{_DOC_NOUN.pattern}",
                                    window, re.I))
            if docs:
                speaker = _org_phrase(docs[-1].group(0)) or docs[-1].group(0).strip()
                cue = "said"
        # 5. "according to X"
        if speaker is None and after:
            m = _ACCORDING.match(after)
            if m:
                speaker, person = res.speaker_of(m, q.close_mark + 1)
                cue = "according to" if speaker else None
        # 6. continuation of the previous quote
        if speaker is None and prev is not None:
            same_para = q.paragraph == prev_para and not re.search(r"\w", body[prev_end:q.open_mark].replace("said", ""))
            next_para = (q.paragraph == prev_para + 1 and q.open_mark == units.paragraphs[q.paragraph].start)
            between = body[prev_end:q.open_mark]
            if same_para or next_para or (q.paragraph == prev_para and len(between) < 60):
                speaker, person, cue = prev.speaker, prev.person, "continued"
        fact = QuoteFact(q.start, q.end, text, speaker, person, cue)
        facts.append(fact)
        if speaker is not None:
            prev, prev_para = fact, q.paragraph
        prev_end = q.close_mark + 1
        if speaker is not None:
            # the paragraph's attribution tail belongs to this quote
            prev_end = s_end
    return _propagate_chains(units, facts)


def _propagate_chains(units: Units, facts: list[QuoteFact]) -> list[QuoteFact]:
    """A quotation running over several paragraphs ('"A.' / '"B," he said.') is attributed
    where it ends: earlier links that only had a continuation guess take that speaker."""
    by_start = {f.start: k for k, f in enumerate(facts)}
    quotes = [q for q in units.quotes if q.start in by_start]
    for k in range(len(quotes) - 2, -1, -1):
        q, nxt = quotes[k], quotes[k + 1]
        if q.closed or nxt.paragraph != q.paragraph + 1 or nxt.open_mark != units.paragraphs[nxt.paragraph].start:
            continue
        fi, fn = by_start[q.start], by_start[nxt.start]
        if facts[fn].speaker and facts[fn].cue not in (None, "continued") or facts[fn].cue == "chain":
            if facts[fi].cue in (None, "continued"):
                f = facts[fi]
                facts[fi] = QuoteFact(f.start, f.end, f.text, facts[fn].speaker, facts[fn].person, "chain")
    return facts


def _clause_start(body: str, floor: int, pos: int) -> int:
    seg = body[floor:pos]
    cut = max(seg.rfind(", while "), seg.rfind("; "), seg.rfind(" and "), seg.rfind(", but "))
    return floor + cut + 1 if cut >= 0 else floor


def _trim_subject(body: str, start: int, end: int) -> tuple[int, int]:
    """Keep the noun phrase right before a verb: drop leading clauses and adverbs."""
    seg = body[start:end]
    for sep in (", ", " that ", " while ", " as "):
        k = seg.rfind(sep)
        if k >= 0 and sep != ", ":
            seg_start = start + k + len(sep)
            start, seg = seg_start, body[seg_start:end]
    # "Expressing concern about X, he" -> "he"
    if ", " in seg:
        k = seg.rfind(", ")
        tail = seg[k + 2:]
        if tail.strip():
            start, seg = start + k + 2, tail
    seg2 = re.sub(r"\s+(?:also|later|then|again|repeatedly|previously|on\s+\w+day)\s*$", "", seg)
    return start, start + len(seg2.rstrip())
