"""Normalisation, tokens, stemming and phrase matching on stemmed tokens.

A token is a run of letters (with inner apostrophes: "don't", "company's")
or a number ("5,000" -> "5000", "3.5", "40%"), lower-cased. Punctuation is
kept only as `Token.punct_after`, because pause and filler rules need to know
whether a word ended a clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

try:  # Snowball English from PyPI "pystemmer"; a crude fallback otherwise.
    import Stemmer as _pystemmer

    _SNOWBALL = _pystemmer.Stemmer("english")
except ImportError:  # pragma: no cover - exercised only without pystemmer
    _SNOWBALL = None

_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*%?|[a-z]+(?:'[a-z]+)*")
SENTENCE_END = frozenset(".!?")
CLAUSE_END = frozenset(".!?,;:-\u2013\u2014")

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because
    been before being below between both but by can could did do does doing down
    during each even ever every few for from further get gets got had has have
    having he her here hers herself him himself his how i if in into is it its
    itself just let like ll made make many may me might more most much must my
    myself no nor not now of off on once one only or other our ours ourselves out
    over own per put quite rather re really s same say says she should so some
    such t than that the their theirs them themselves then there these they
    thing things this those through to too under until up upon us ve very was
    way we well were what when where which while who whom whose why will with
    would yet you your yours yourself yourselves i'm i've i'd i'll we're we've
    it's that's don't didn't can't won't isn't
    """.split()
)

NUMBER_WORDS = frozenset(
    """
    two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty
    seventy eighty ninety hundred hundreds thousand thousands million millions
    billion percent half double triple dozen dozens
    """.split()
)

# Words that negate what follows them ("I don't blame", "never start",
# "without job hopping", "stop poaching"); content.py decides the reach.
NEGATORS = frozenset(
    """
    not no never nor neither without against cannot nothing nobody none
    don't dont doesn't doesnt didn't didnt won't wont wouldn't wouldnt can't cant
    couldn't couldnt isn't isnt wasn't wasnt aren't arent weren't werent
    haven't havent hasn't hasnt hadn't hadnt shouldn't shouldnt mustn't ain't
    avoid avoids avoided avoiding stop stops stopped stopping prevent prevents
    prevented preventing fight fighting combat combating tackle tackling
    """.split()
)


@dataclass(frozen=True)
class Token:
    norm: str  # lower-case, no punctuation
    stem: str
    word: int  # index of the word this token came from
    punct_after: str = ""  # punctuation written right after the token
    clause_start: bool = False  # first token, or the previous one ended a clause

    @property
    def ends_sentence(self) -> bool:
        return any(c in SENTENCE_END for c in self.punct_after)

    @property
    def ends_clause(self) -> bool:
        return any(c in CLAUSE_END for c in self.punct_after)


def _split(text: str) -> list[tuple[str, str]]:
    """(token, punctuation after it) pairs of one piece of text."""
    lowered = text.lower().replace("\u2019", "'")
    matches = list(_TOKEN_RE.finditer(lowered))
    out = []
    for k, m in enumerate(matches):
        following = lowered[m.end() : matches[k + 1].start() if k + 1 < len(matches) else None]
        norm = m.group().replace(",", "") if m.group()[0].isdigit() else m.group()
        out.append((norm, "".join(following.split())))
    return out


def normalize(text: str) -> str:
    """Lower-case, punctuation stripped, tokens joined by single spaces."""
    return " ".join(tok for tok, _ in _split(text))


def tokenize(text: str) -> list[str]:
    return [tok for tok, _ in _split(text)]


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    if _SNOWBALL is not None:
        return _SNOWBALL.stemWord(token)
    return _fallback_stem(token)


def _fallback_stem(token: str) -> str:
    for suffix in ("ingly", "edly", "ing", "ies", "ed", "es", "ly", "s"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            return token[: -len(suffix)]
    return token


def stems(text: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in tokenize(text))


def content_stems(texts: Iterable[str]) -> list[str]:
    """Distinct stems of the non-stop words in `texts`, in order of appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        for tok in tokenize(text):
            if tok not in STOP_WORDS and not tok[0].isdigit() and len(tok) > 1:
                seen.setdefault(stem(tok), None)
    return list(seen)


def tokens_for_words(words: Sequence[str]) -> list[Token]:
    """Tokens of a word list (e.g. ASR words), each pointing at its word."""
    out: list[Token] = []
    for index, text in enumerate(words):
        pieces = _split(text)
        for k, (norm, punct) in enumerate(pieces):
            if k + 1 < len(pieces):
                punct = ""  # inside one word: "self-starter", "and/or"
            clause_start = not out or out[-1].ends_clause
            out.append(Token(norm, stem(norm), index, punct, clause_start))
    return out


def find_phrase(sequence: Sequence[str], phrase: Sequence[str]) -> list[tuple[int, int]]:
    """Every [start, end) token span of `sequence` equal to `phrase`."""
    n = len(phrase)
    if n == 0:
        return []
    first = phrase[0]
    return [
        (i, i + n)
        for i in range(len(sequence) - n + 1)
        if sequence[i] == first and tuple(sequence[i : i + n]) == tuple(phrase)
    ]


def is_number(norm: str) -> bool:
    return norm[0].isdigit() or norm in NUMBER_WORDS


# Filled pauses and their spellings: um umm uhm, uh uhh, er err erm, hm hmm,
# ah ahh, mm, eh. Backchannels with a hyphen ("uh-huh", "mm-hmm") are not.
_FILLED_PAUSE_RE = re.compile(r"(?:u+h*m+|u+h+|e+r+m*|h+m+|a+h+|m{2,}|e+h+)")
# "err" is also a verb ("to err", "we err on the side of caution").
_ERR_VERB_AFTER = frozenset({"to", "i", "we", "they", "you", "would", "will", "might", "may", "often"})


def filled_pause_form(text: str, previous: str = "") -> str | None:
    """The normalised filled pause ("um") a written word is, or None.

    `previous` is the normalised word before it, to keep "to err" a verb.
    A vowel-less sound written cut off ("mm-" before "Montreal") is the
    onset of a word, reported as a restart, not a filled pause ("um-" is
    still an "um"); "[laughter]"-like notes are not speech at all.
    """
    bare = text.strip().rstrip(".,;:!?\u2026\"')]")
    if bare[:1] in "[(*":
        return None  # a note of a sound ("[laughter]", "(laughs)"): not speech
    core = bare.strip("\"'()[]-\u2013\u2014").lower()
    if bare[-1:] in "-\u2013\u2014" and not any(v in core for v in "aeiou"):
        return None  # "mm-": the cut-off onset of a word ("mm- Montreal"), a restart
    if not _FILLED_PAUSE_RE.fullmatch(core):
        return None
    if core.startswith("er") and previous in _ERR_VERB_AFTER:
        return None
    return core


# ---------------------------------------------------------------- spoken words
#
# A speaking rate counts the words a person says, so a numeral counts as the
# words it is read as, in full as a cardinal (American English, no "and"):
# "35" -> "thirty five" (2), "1200" -> "one thousand two hundred" (4), "2023"
# -> "two thousand twenty three" (4), which is how the bundled voices (espeak-ng)
# read them. A year said in pairs ("twenty twenty three", 3) or "twelve hundred"
# (2) is counted one or two words high: one simple rule rather than a guess at
# each reading. A compound like "thirty-five" is two words, as the hyphen
# splits it everywhere else. Further:
# - "3.5" -> whole part + "point" + one word per decimal digit;
# - "%" adds "percent", a leading "$" adds "dollars", an ordinal suffix
#   ("3rd", "21st") adds nothing (third, twenty first);
# - a leading zero ("007") is read digit by digit.

# A numeral, or a word of letters and digits ("w0", "b2b": one word each).
_SPOKEN_RE = re.compile(r"\$?\d+(?:[.,]\d+)*(?:%|st|nd|rd|th)?(?![a-z0-9])|[a-z0-9]+(?:'[a-z]+)*")
_NUMERAL_RE = re.compile(r"(\$?)(\d+(?:,\d{3})*)(?:\.(\d+))?(%|st|nd|rd|th)?")
_SCALES = (10**9, 10**6, 10**3)  # billion, million, thousand


def _below_100(n: int) -> int:
    if n == 0:
        return 0
    return 1 if n <= 20 or n % 10 == 0 else 2


def _below_1000(n: int) -> int:
    return (2 if n >= 100 else 0) + _below_100(n % 100)


def _cardinal(n: int) -> int:
    if n == 0:
        return 1  # "zero"
    count = 0
    for scale in _SCALES:
        if n >= scale:
            count += _cardinal(n // scale) + 1
            n %= scale
    return count + _below_1000(n)


def _whole(digits: str) -> int:
    if len(digits) > 1 and digits[0] == "0":
        return len(digits)
    return _cardinal(int(digits))


def spoken_word_count(token: str) -> int:
    """Words a person says for one written token; 1 for anything that is not a numeral.

    `token` may carry "$", "%", thousands commas, a decimal part or an ordinal
    suffix: "2023" -> 4, "1200" -> 4, "35" -> 2, "$1.5" -> 4, "10%" -> 2, "3rd" -> 1.
    """
    m = _NUMERAL_RE.fullmatch(token.strip())
    if m is None:
        return 1
    dollar, whole, decimals, suffix = m.groups()
    count = _whole(whole.replace(",", ""))
    if decimals:
        count += 1 + len(decimals)
    return count + bool(dollar) + (suffix == "%")


def spoken_words(text: str) -> int:
    """Words a person says for a piece of text: letter words count one each,
    numerals as `spoken_word_count`. "grew 35% in 2023" -> 9."""
    return sum(spoken_word_count(m.group()) for m in _SPOKEN_RE.finditer(text.lower().replace("\u2019", "'")))


_GROUP_CONTINUATION = re.compile(r",\d{3}(?!\d)")


def spoken_counts(words: Sequence[str]) -> list[int]:
    """Words said for each transcribed word, at least 1 each. A transcriber
    may split a number at its thousands comma ("1", ",200"): such a piece joins
    the number before it, which gets the count of the whole ("1,200" -> 4) and
    the piece 0."""
    out: list[int] = []
    head, joined = 0, ""
    for text in words:
        piece = text.strip()
        if out and _GROUP_CONTINUATION.match(piece) and joined[-1:].isdigit():
            joined += piece
            out[head] = max(1, spoken_words(joined))
            out.append(0)
        else:
            head, joined = len(out), piece
            out.append(max(1, spoken_words(piece)))
    return out
