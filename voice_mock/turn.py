"""Is the answer over? The end-of-turn decision, as pure rules on plain data.

While the person is silent, the recorder asks this module how long the
silence must last before the answer ends, given what was said (the streaming
transcript's last words), how it was said (pitch and loudness of the last
voiced stretch) and how long they have spoken against what the question
expects. A finished-sounding answer ends after a short silence; one that
stops mid-clause, after a filler, on a rhetorical question or inside a list
is waited out up to the upper bound (`--end-silence`). No I/O, no models:
every threshold is in `TurnSettings` and documented in docs/end-of-answer.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FINISHED = "finished"  # sounded finished: end after a short silence
UNSURE = "unsure"  # complete but not clearly the end (or no words yet): a middling wait
UNFINISHED = "unfinished"  # stopped mid-thought: wait up to the upper bound


@dataclass(frozen=True)
class TurnSettings:
    # A complete sentence that does not rise, once the person has spoken as
    # long as the question expects (its `target_seconds` low end), or a closing
    # phrase from half of that: a human listener takes the turn after
    # ~0.2-0.7 s (turn gaps in conversation average ~0.2 s, Levinson & Torreira
    # 2015). On the turn-taking benchmark's development answers 0.7 s cut no
    # thinking pause (docs/end-of-answer.md).
    settled_silence_s: float = 0.7
    # A complete sentence while the answer is still short of what the question
    # expects: more is probably coming, so a thinking pause between sentences,
    # or one after an "and" the transcript left out, is waited out (the
    # benchmark's pauses last up to 4 s; the old fixed rule, 2.5 s, cut them).
    finished_silence_s: float = 4.0
    # Extra wait for a complete sentence in an answer that is still short
    # against the question's expected length, scaled down to 0 at half of it.
    short_answer_extra_s: float = 0.5
    # Complete but rising (uptalk, or "...as if more was coming") at the
    # expected length, or no words heard.
    unsure_silence_s: float = 2.0
    early_speech_s: float = 8.0  # spoken less than this: not yet an answer
    early_silence_s: float = 5.0  # the old rule: people stop to think at the start
    # A rhetorical question ("...and my goal?") is usually answered by the
    # speaker after a beat.
    question_silence_s: float = 4.5
    # Final pitch slope (semitones a second over the last 0.3 s of voicing)
    # above which the end counts as rising (or held), when the loudness does not
    # fade. Statement ends fell at -2 to -24 st/s on the development answers'
    # espeak voices; "...and my goal?" rose at +4 to +16.
    rising_slope_st_s: float = 5.0
    # Steeper than this is a pitch-tracking error (an octave jump, creak), not intonation.
    max_slope_st_s: float = 60.0
    fading_db: float = -6.0  # loudness of the last 0.3 s against the 1.2 s before
    # A held, steady voiced sound this long at the very end of the speech is an
    # "um"/"uh"/"er" even when the transcript left it out (Whisper drops about a
    # third of fillers, FIELD-NOTES §2). Sentence-final syllables measured up to
    # 0.23 s on the benchmark's dev answers, trailing fillers 0.29-0.39 s.
    held_sound_s: float = 0.27


@dataclass(frozen=True)
class Prosody:
    """The last voiced stretch before the silence (speech/ measures it)."""

    pitch_slope_st_s: float = 0.0  # semitones a second over the final 0.3 s; > 0 rising
    level_change_db: float = 0.0  # final 0.3 s against the 1.2 s before; < 0 fading
    voiced_s: float = 0.0  # voicing the figures come from; 0: unknown


@dataclass(frozen=True)
class TurnEvidence:
    words: tuple[str, ...] | None  # the last words as written ("team", "and."); None: not transcribed yet
    spoken_s: float  # time since the answer's first speech, up to the silence
    expected_s: tuple[float, float] | None = None  # the question's target length (low, high)
    prosody: Prosody | None = None
    held_end_s: float = 0.0  # length of a held, steady voiced sound ending the speech (0: none)


@dataclass(frozen=True)
class TurnDecision:
    wait_s: float  # end once the silence reaches this
    verdict: str  # FINISHED, UNSURE or UNFINISHED
    reason: str  # for the person: "the sentence sounded finished"


FILLERS = {"um", "uh", "er", "erm", "hmm", "hm", "ah", "eh", "mm", "uhm", "umm", "uhh"}
# Words a sentence cannot stop on: conjunctions, articles and possessives.
STRONG = {
    "and", "or", "but", "nor", "because", "cause", "although", "though", "whereas", "unless", "if", "whether",
    "than", "the", "a", "an", "my", "your", "our", "their", "its", "every", "each", "whose", "plus", "then",
    "including", "namely", "such", "very", "also", "like",
}
# Words a sentence can stop on only in a relative or wh-clause ("what I am
# looking for", "who I am"), or after its own subject ("and I did").
WEAK = {
    "to", "of", "in", "on", "at", "for", "with", "from", "by", "about", "into", "through", "over", "under",
    "between", "during", "without", "within", "towards", "toward", "across", "around", "after", "before",
    "is", "are", "was", "were", "am", "be", "been", "being", "will", "would", "can", "could", "should", "must",
    "might", "may", "have", "has", "had", "do", "does", "did", "i", "we", "they", "he", "she", "which",
    "who", "not", "really", "just", "where", "when", "while", "as",
}
# Set phrases that end on a function word: "once in a while", "and so on", "later on".
IDIOM_ENDS = {("a", "while"), ("so", "on"), ("later", "on"), ("and", "more")}
LICENSERS = {"what", "which", "who", "whom", "that", "where", "kind", "sort", "why", "how", "whatever"}
SUBJECTS = {"i", "we", "you", "they", "he", "she", "it"}
AUXILIARIES = {"is", "are", "was", "were", "am", "will", "would", "can", "could", "should", "have", "has", "had",
               "do", "does", "did", "might", "may", "must"}
SO_ENDS = {"think", "hope", "guess", "believe", "said", "say", "do", "did", "not", "suppose", "and", "or"}
# "so" after these ends a clause ("I think so", "I hope so").
LIST_WORDS = {"things", "reasons", "ways", "steps", "points", "areas", "examples", "lessons", "parts", "goals",
              "skills", "strengths", "ideas", "priorities", "stages", "phases"}
COUNTS = {"two", "three", "four", "five", "several", "a few", "few", "couple"}
CLOSINGS = (
    "that's why", "that is why", "which is why", "thank you", "thanks", "that's it", "that's all", "that is all",
    "so that's", "so yeah", "in short", "to sum up", "in summary", "overall", "that is the reason",
    "that's the reason", "in the end", "all in all",
)


def _norm(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower().replace("’", "'"))


def last_sentence(words: tuple[str, ...]) -> list[str]:
    """The words since the last one ending in . ! ? (excluding the final word's own mark)."""
    start = 0
    for i, w in enumerate(words[:-1]):
        if w.rstrip('"\')').endswith((".", "!", "?")):
            start = i + 1
    return list(words[start:])


def _ending(sentence: list[str]) -> tuple[str, str] | None:
    """(verdict, reason) if the last words say the sentence is not over."""
    raw = sentence[-1].rstrip('"\')')
    tokens = [_norm(w) for w in sentence]
    tokens = [t for t in tokens if t]
    if not tokens:
        return None
    last = tokens[-1]
    prev = tokens[-2] if len(tokens) > 1 else ""
    if last in FILLERS:
        return UNFINISHED, f"you paused after '{last}'"
    if raw.endswith("?"):
        return "question", "it sounded like a question you were about to answer"
    if last == "so" and prev not in SO_ENDS:
        return UNFINISHED, "the sentence stopped at 'so'"
    if last in STRONG:
        if last == "like" and prev in {"would", "i'd", "we'd", "you'd", "they'd", "feel", "look", "looks"}:
            pass  # "what I would like" / "what it looks like": a verb, handled as weak
        else:
            return UNFINISHED, f"the sentence stopped at '{last}'"
    if (prev, last) in IDIOM_ENDS:
        return None
    if last in WEAK or last == "like":
        # Whisper's full stop after a function word ("...engineers who are.") is
        # not evidence of an end: only a subject right before an auxiliary ("I
        # did.") or a wh-/relative word with words between ("what I am looking
        # for.", "who I am.") lets a sentence stop there.
        licensed = raw.endswith((".", "!")) and (
            (last in AUXILIARIES and prev in SUBJECTS)
            or any(t in LICENSERS for t in tokens[:-2])
        )
        if not licensed:
            return UNFINISHED, f"the sentence stopped at '{last}'"
    if (len(tokens) <= 4 and tokens[0] in {"and", "but", "so", "or", "because"}
            and not any(t in SUBJECTS or t in AUXILIARIES for t in tokens)):
        # "And my goal." is not an answer's last sentence, whatever the punctuation.
        return "question", "a sentence was only starting"
    if raw.endswith((",", ":", ";", "-", "—", "...", "…")):
        return UNFINISHED, "the sentence was still going (a list or a clause in progress)"
    text = " ".join(tokens)
    if any(re.search(rf"\b{c}\b", text) for c in COUNTS) and any(t in LIST_WORDS for t in tokens):
        return UNFINISHED, "you announced a list"
    if tokens[0] in {"first", "firstly"} or text.startswith(("to start with", "to begin with", "for example",
                                                             "for instance", "let me")) and len(tokens) <= 4:
        return UNFINISHED, "a list or an example was starting"
    return None


CONJUNCTIONS = {"and", "but", "so", "or"}


def _fragment_end(sentence: list[str]) -> bool:
    """Ends on a short verbless phrase: a short sentence, or at most three words after
    the last "and"/"but"/"so"/"or" ("...people can trust and my goal")."""
    tokens = [t for t in (_norm(w) for w in sentence) if t]
    if len(tokens) <= 4:
        return True
    conj = [i for i, t in enumerate(tokens) if t in CONJUNCTIONS]
    if not conj:
        return False
    tail = tokens[conj[-1] + 1:]
    return 1 <= len(tail) <= 3 and not any(t in SUBJECTS or t in AUXILIARIES for t in tail)


def _closing(sentence: list[str]) -> bool:
    text = " ".join(t for t in (_norm(w) for w in sentence) if t)
    return any(re.search(rf"\b{re.escape(c)}\b", text) for c in CLOSINGS)


def decide(evidence: TurnEvidence, max_wait_s: float, settings: TurnSettings = TurnSettings()) -> TurnDecision:
    """How long the silence must last before the answer ends, and why.

    `max_wait_s` is the upper bound (the user's --end-silence): no decision
    waits longer."""
    s = settings

    def out(wait: float, verdict: str, reason: str) -> TurnDecision:
        return TurnDecision(round(min(wait, max_wait_s), 3), verdict, reason)

    if evidence.words is None:
        # Never end on a guess: the words come within a second or so.
        return out(max_wait_s, UNSURE, "the last words were not transcribed yet")
    words = tuple(w for w in evidence.words if w.strip())
    if not words:
        return out(s.unsure_silence_s, UNSURE, "no words were heard")
    sentence = last_sentence(words)
    ending = _ending(sentence)
    if ending is not None:
        verdict, reason = ending
        if verdict == "question":
            return out(s.question_silence_s, UNFINISHED, reason)
        return out(max_wait_s, verdict, reason)
    if evidence.held_end_s >= s.held_sound_s:
        return out(max_wait_s, UNFINISHED, "you paused after an 'um'-like sound")
    prosody = evidence.prosody
    rising = (prosody is not None and prosody.voiced_s > 0
              and s.rising_slope_st_s <= prosody.pitch_slope_st_s <= s.max_slope_st_s
              and prosody.level_change_db > s.fading_db)
    if rising and _fragment_end(sentence):
        # "...and my goal?" said as a question, whatever Whisper wrote.
        return out(s.question_silence_s, UNFINISHED, "it sounded like a question you were about to answer")
    low = evidence.expected_s[0] if evidence.expected_s else 0.0
    if _closing(sentence) and not rising and evidence.spoken_s >= 0.5 * low:
        return out(s.settled_silence_s, FINISHED, "the answer sounded finished")
    if evidence.spoken_s < s.early_speech_s:
        return out(s.early_silence_s, UNSURE, "the answer had only just started")
    if low and evidence.spoken_s < low:
        extra = s.short_answer_extra_s * min(1.0, max(0.0, 1.0 - evidence.spoken_s / (0.5 * low)))
        return out(s.finished_silence_s + extra, FINISHED,
                   "the sentence sounded finished, but the answer was still short for this question")
    if rising:
        return out(s.unsure_silence_s, UNSURE, "your voice rose at the end, as if more was coming")
    return out(s.settled_silence_s, FINISHED, "the sentence sounded finished")
