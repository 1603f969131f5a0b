"""Filled pauses, filler phrases, silent pauses, repetitions and restarts.

Filler phrases are matched on token sequences with context rules, because
the same words are often ordinary language (FIELD-NOTES §3):

- "like" is a filler only with a sign of being parenthetical: a comma after
  it, or it opens a clause (after punctuation, a conjunction or a filled
  pause). Never after a subject, modal or perception verb ("I like my team",
  "would like to", "looks like"), a be-verb ("it's like a family"), or in
  "like I said"; "tools like Jira" has no sign and is not counted.
- "sort of" / "kind of" after a determiner or "what" is a noun phrase ("what
  kind of leader", "the kind of person"): never a filler. Elsewhere it is a
  hedge ("sort of blue", content.py counts it) and a filler only when set off
  by a comma or a filled pause ("it was, kind of, um, hard").
- "you know" is not a filler after "do/did/if/as/would..." ("did you know",
  "as you know") nor when an object follows without a comma ("you know the
  answer"); "I mean" not before "it/that/to/what..." nor after "what".
- "right" only as a tag ("right?") or a clause-opening "Right, ...".
- "basically", "actually", "literally" always count.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Sequence

from voice_mock.types import Interval

from .words import FILLER, AlignedWord, said
from .config import FillerConfig, PauseConfig
from .feedback import Cluster, FilledPause, FillerPhrase, Hesitation, Pause, Repetition, Restart
from .intervals import gaps
from .text import Token

CONJUNCTIONS = frozenset({"and", "but", "so", "or", "because", "then", "cause", "cuz"})
CLAUSE_STARTERS = CONJUNCTIONS | frozenset(
    {"when", "while", "if", "although", "though", "since", "which", "after", "before",
     "also", "however", "yet", "once", "whereas", "unless"}
)
LIKE_NOT_AFTER = frozenset(
    """i you we they he she it people who would i'd you'd we'd they'd he'd she'd
    to do does did don't didn't doesn't really also always still just
    feel feels felt look looks looked looking sound sounds sounded seem seems seemed
    something anything nothing more much exactly things stuff someone somebody anyone
    is was are were be been being it's that's am i'm we're they're you're
    """.split()
)
DETERMINERS = frozenset(
    """what which the a an this that these those any some every same different other
    one my your our their his her its no certain whatever each""".split()
)
YOU_KNOW_NOT_AFTER = frozenset(
    "do did does don't didn't if as would will should could might to what let whether".split()
)
OBJECT_STARTERS = frozenset(
    """the a an that how what why where when who whether him her them it about this
    these those my your our their his its if""".split()
)
I_MEAN_NOT_BEFORE = frozenset("it that this what to well business every exactly no".split())
ALWAYS_FILLERS = frozenset({"basically", "actually", "literally"})
# Doubled words that are ordinary English ("I knew that that was", "very very").
ALLOWED_DOUBLES = frozenset({"had", "that", "very", "really", "no", "bye", "ha", "so", "is", "do"})
DASHES = frozenset("-\u2013\u2014")
# Words a phrase cannot end on: a fragment ending with one was abandoned.
DANGLING = frozenset(
    """to the a an of for with from by into about at in on my our your their his her its
    is was are were be been will would can could should have has had""".split()
)


def _has_filler_between(a: Token, b: Token) -> bool:
    return b.word - a.word > 1


def _opens_clause(tokens: Sequence[Token], i: int) -> bool:
    """Token i begins a clause: first, after punctuation or a filled pause,
    or after a conjunction that itself opens a clause."""
    t = tokens[i]
    if i == 0 or t.clause_start or _has_filler_between(tokens[i - 1], t):
        return True
    prev = tokens[i - 1]
    return prev.norm in CONJUNCTIONS and not prev.ends_clause


def _set_off_after(tokens: Sequence[Token], i: int) -> bool:
    """A comma (or other break) or a filled pause right after token i."""
    t = tokens[i]
    return t.ends_clause or (i + 1 < len(tokens) and _has_filler_between(t, tokens[i + 1]))


def _prev_attached(tokens: Sequence[Token], i: int) -> str:
    """The previous token's text when nothing separates it from token i."""
    if i == 0:
        return ""
    prev = tokens[i - 1]
    if prev.ends_clause or _has_filler_between(prev, tokens[i]):
        return ""
    return prev.norm


def _norm_at(tokens: Sequence[Token], i: int) -> str:
    return tokens[i].norm if 0 <= i < len(tokens) else ""


def _like_is_filler(tokens: Sequence[Token], i: int) -> bool:
    if _prev_attached(tokens, i) in LIKE_NOT_AFTER:
        return False
    if _norm_at(tokens, i + 1) == "i" and _norm_at(tokens, i + 2) in {"said", "say"}:
        return False
    return _set_off_after(tokens, i) or _opens_clause(tokens, i)


def is_noun_sort_of(tokens: Sequence[Token], i: int) -> bool:
    """"what kind of leader", "the sort of person": a noun phrase, not a hedge."""
    return i > 0 and tokens[i - 1].norm in DETERMINERS and not tokens[i - 1].ends_clause


def filler_phrase_spans(tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
    """[start, end) token spans of filler phrases, with the phrase."""
    out = []
    i = 0
    while i < len(tokens):
        t, nxt = tokens[i].norm, _norm_at(tokens, i + 1)
        found = None
        if t in ALWAYS_FILLERS:
            found = (i, i + 1, t)
        elif t == "like" and _like_is_filler(tokens, i):
            found = (i, i + 1, "like")
        elif t in {"sort", "kind"} and nxt == "of" and not tokens[i].ends_clause:
            if not is_noun_sort_of(tokens, i) and _set_off_after(tokens, i + 1):
                found = (i, i + 2, f"{t} of")
        elif t == "you" and nxt == "know" and not tokens[i].ends_clause:
            if _prev_attached(tokens, i) not in YOU_KNOW_NOT_AFTER and (
                _set_off_after(tokens, i + 1) or _norm_at(tokens, i + 2) not in OBJECT_STARTERS
            ):
                found = (i, i + 2, "you know")
        elif t == "i" and nxt == "mean" and not tokens[i].ends_clause:
            if _prev_attached(tokens, i) != "what" and (
                _set_off_after(tokens, i + 1) or _norm_at(tokens, i + 2) not in I_MEAN_NOT_BEFORE
            ):
                found = (i, i + 2, "i mean")
        elif t == "right" and (
            "?" in tokens[i].punct_after or (_opens_clause(tokens, i) and tokens[i].ends_clause)
        ):
            found = (i, i + 1, "right")
        if found:
            out.append(found)
            i = found[1]
        else:
            i += 1
    return out


def filler_phrases(words: Sequence[AlignedWord], tokens: Sequence[Token]) -> list[FillerPhrase]:
    return [
        FillerPhrase(phrase, *said(words, tokens, a, b)[1:])
        for a, b, phrase in filler_phrase_spans(tokens)
    ]


def filled_pauses(words: Sequence[AlignedWord]) -> list[FilledPause]:
    return [
        FilledPause(w.filler if w.source != "audio" else w.text, w.start, w.end, w.confidence, w.source)
        for w in words
        if w.kind == FILLER
    ]


def repetitions(words: Sequence[AlignedWord], tokens: Sequence[Token]) -> list[Repetition]:
    """Immediate repeats of one to three words ("I I", "we we we", "I was I was");
    fillers in between do not break a repeat, a sentence end does."""
    norms = [t.norm for t in tokens]
    out = []
    i = 0
    while i < len(tokens):
        step = 1
        for n in (1, 2, 3):
            unit = norms[i : i + n]
            if i + 2 * n > len(norms) or norms[i + n : i + 2 * n] != unit:
                continue
            if any(t.ends_sentence or t.punct_after[-1:] in DASHES for t in tokens[i : i + n]):
                continue  # "...the team. Team work" / "I- I" (a restart)
            if n == 1 and (unit[0] in ALLOWED_DOUBLES or unit[0][0].isdigit()):
                continue
            j = i + 2 * n
            while j + n <= len(norms) and norms[j : j + n] == unit:
                j += n
            out.append(Repetition(*said(words, tokens, i, j), (j - i) // n))
            step = j - i
            break
        i += step
    return out


def restarts(words: Sequence[AlignedWord], tokens: Sequence[Token]) -> list[Restart]:
    """Phrases abandoned and begun again.

    - a word cut off with a dash ("we were go- we went"): the cut word and
      the next one;
    - a clause opening said again after a short abandoned fragment with a
      different continuation, compared by stem: "I think we, I think the
      team..." or "the team is, the teams are" (an opening of 2-3 words,
      fragment of 1-3 words); a one-word opening needs a sign the fragment
      was abandoned: a dash, a filled pause, a last word that cannot end a
      phrase ("I went to, I decided"), or a one-word fragment cut by a
      comma ("We decided, we chose").
    """
    stems = [t.stem for t in tokens]
    out = []
    covered_until = -1
    for i, tok in enumerate(tokens):
        if i <= covered_until:
            continue
        if tok.punct_after[-1:] in DASHES and i + 1 < len(tokens):
            out.append(Restart(*said(words, tokens, i, i + 2)))
            covered_until = i
            continue
        if not _opens_clause(tokens, i):
            continue
        hit = _reopened_at(tokens, stems, i)
        if hit is not None:
            out.append(Restart(*said(words, tokens, i, hit)))
            covered_until = hit - 1
    return out


def _reopened_at(tokens: Sequence[Token], stems: Sequence[str], i: int) -> int | None:
    """Index where the opening at i is begun again, or None. Openings are
    compared by stem, so "the team is, the teams are" is a restart."""
    for k in (3, 2, 1):
        opening = stems[i : i + k]
        if len(opening) < k:
            continue
        for fragment in (1, 2, 3):
            j = i + k + fragment
            if j + k > len(stems) or stems[j : j + k] != opening:
                continue
            if j + k < len(stems) and stems[j + k] == stems[i + k]:
                continue  # same continuation: a repetition, not a restart
            last = tokens[j - 1]
            if last.ends_sentence:
                continue  # a new sentence may start the same way
            if k == 1 and not _abandoned(last, tokens[j], fragment):
                continue
            return j
    return None


def _abandoned(last: Token, next_: Token, fragment: int) -> bool:
    """Signs that a fragment after a one-word opening was given up: a dash, a
    filled pause, a word that cannot end a phrase ("I went to, I decided"),
    or a one-word fragment cut by a comma ("We decided, we chose")."""
    return (
        last.punct_after[-1:] in DASHES
        or _has_filler_between(last, next_)
        or last.norm in DANGLING
        or (fragment == 1 and last.ends_clause)
    )


def silent_pauses(speech: Sequence[Interval], span: Interval | None, min_s: float) -> list[Interval]:
    """Gaps of at least `min_s` between speech intervals inside the answer:
    leading silence is latency and trailing silence the end of the answer,
    so neither is a pause."""
    if span is None:
        return []
    return [
        g for g in gaps(speech)
        if g.start >= span.start and g.end <= span.end and g.duration >= min_s
    ]


def classify_pauses(
    pauses: Sequence[Interval], words: Sequence[AlignedWord], tokens: Sequence[Token], cfg: PauseConfig
) -> list[Pause]:
    """Long/very long, and where: within a clause, between clauses or sentences
    (from the punctuation of the word before and the word after)."""
    ends = [words[t.word].end for t in tokens]
    starts = [words[t.word].start for t in tokens]
    out = []
    for p in pauses:
        kind = "very_long" if p.duration >= cfg.very_long_s else "long" if p.duration >= cfg.long_s else "counted"
        b = bisect_right(ends, p.start + 0.05) - 1
        a = bisect_left(starts, p.end - 0.05)
        before = tokens[b] if b >= 0 else None
        after = tokens[a] if a < len(tokens) else None
        if before is not None and before.ends_sentence:
            location = "between_sentences"
        elif (before is not None and before.ends_clause) or (after is not None and after.norm in CLAUSE_STARTERS):
            location = "between_clauses"
        else:
            location = "within_clause"
        out.append(
            Pause(p.start, p.end, p.duration, kind, location,
                  before.norm if before else "", after.norm if after else "")
        )
    return out


def pause_weight(p: Pause, cfg: PauseConfig) -> float:
    """Weight of a long pause for the score (0 for pauses under long_s)."""
    if p.kind == "counted":
        return 0.0
    weight = {
        "within_clause": cfg.weight_within_clause,
        "between_clauses": cfg.weight_between_clauses,
        "between_sentences": cfg.weight_between_sentences,
    }[p.location]
    return weight * (cfg.very_long_factor if p.kind == "very_long" else 1.0)


def clusters(h: Hesitation, min_confidence: float, cfg: FillerConfig) -> list[Cluster]:
    """Stretches where hesitation events follow each other closely."""
    events = [(f.start, f.end, "filled_pause") for f in h.filled_pauses if f.confidence >= min_confidence]
    events += [(f.start, f.end, "filler_phrase") for f in h.filler_phrases]
    events += [(p.start, p.end, "long_pause") for p in h.pauses if p.kind != "counted"]
    events += [(r.start, r.end, "repetition") for r in h.repetitions]
    events += [(r.start, r.end, "restart") for r in h.restarts]
    events = sorted(e for e in events if e[0] is not None)
    out: list[Cluster] = []
    group: list[tuple[float, float, str]] = []
    for e in events + [None]:
        if e is not None and group and e[0] - max(g[1] for g in group) <= cfg.cluster_gap_s:
            group.append(e)
            continue
        if len(group) >= cfg.cluster_min_events:
            kinds = sorted({g[2] for g in group})
            out.append(Cluster(group[0][0], max(g[1] for g in group), len(group), kinds))
        group = [e] if e is not None else []
    return out


def measure_hesitation(
    words: Sequence[AlignedWord],
    tokens: Sequence[Token],
    silent: Sequence[Interval] | None,
    fillers_cfg: FillerConfig,
    pauses_cfg: PauseConfig,
    minutes: float | None,
    rate_words_ok: bool,
) -> Hesitation:
    """`silent`: the silent pauses measured on the audio (None for typed
    answers); `minutes`: speaking time for rates (None when too short to
    rate); `rate_words_ok`: enough words for rates per 100 words."""
    h = Hesitation()
    h.filled_pauses = filled_pauses(words)
    h.filler_phrases = filler_phrases(words, tokens)
    h.repetitions = repetitions(words, tokens)
    h.restarts = restarts(words, tokens)
    if silent is not None:
        h.pauses = classify_pauses(silent, words, tokens, pauses_cfg)
        h.pauses_measured = True
    h.filled_pause_count = sum(1 for f in h.filled_pauses if f.confidence >= fillers_cfg.min_confidence)
    h.filler_phrase_count = len(h.filler_phrases)
    h.long_pause_count = sum(1 for p in h.pauses if p.kind != "counted")
    h.very_long_pause_count = sum(1 for p in h.pauses if p.kind == "very_long")
    if minutes:
        h.filled_pauses_per_min = h.filled_pause_count / minutes
        h.filler_phrases_per_min = h.filler_phrase_count / minutes
        h.weighted_long_pauses_per_min = sum(pause_weight(p, pauses_cfg) for p in h.pauses) / minutes
    if rate_words_ok and tokens:
        per100 = 100.0 / len(tokens)
        h.filled_pauses_per_100_words = h.filled_pause_count * per100
        h.filler_phrases_per_100_words = h.filler_phrase_count * per100
        h.repetitions_per_100_words = (len(h.repetitions) + len(h.restarts)) * per100
        disfluencies = h.filled_pause_count + h.filler_phrase_count + len(h.repetitions) + len(h.restarts)
        h.disfluencies_per_100_words = disfluencies * per100
    h.clusters = clusters(h, fillers_cfg.min_confidence, fillers_cfg)
    return h
