"""Scores on real human speech (tests/data/real): pure functions on plain data.

The real set is recordings of people with verbatim transcripts in the
corpora's conventions (tests/data/real/README.md): `<cutoff-X>` a word cut
off, `<hes-X>` a word drawn out in hesitation, `[laughter]`, `<VOCNOISE>` a
cough or noise, `[adif]` a garbled word, `<unk>` an unintelligible stretch,
`yknow` for "you know"; `'er` is the pronoun "her". For the word error rate
the words are compared with fillers taken out of both sides (fillers are
scored on their own), cut-off fragments, noises and garbles left out of the
reference (nobody can be asked to write them), a drawn-out word counted as
the word, and a few spellings made equal ("alright"/"all right", "yknow"/
"you know", "gonna"/"going to", digits and number words up to ten, "MFA"/"m f
a").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from voice_mock.analysis.text import filled_pause_form

from .metrics import precision_recall

_CUT_AND_NOISE = re.compile(r"<cutoff-[^>]*>|\[[^\]]*\]|<(?!hes-)[^>]*>")
_HESITATED = re.compile(r"<hes-([^>]*)>")
_WORD = re.compile(r"[a-z0-9']+")
_NUMBERS = dict(enumerate("zero one two three four five six seven eight nine ten".split()))
SAME = {
    "alright": ["all", "right"], "yknow": ["you", "know"], "y'know": ["you", "know"], "ok": ["okay"],
    "gonna": ["going", "to"], "wanna": ["want", "to"], "mfa": ["m", "f", "a"],
    **{str(n): [w] for n, w in _NUMBERS.items()},
}


def _words(text: str) -> list[str]:
    out = []
    for raw in _WORD.findall(text.lower().replace("-", " ")):
        raw = raw.strip("'")
        if not raw or (raw != "er" and filled_pause_form(raw)):  # 'er: "her" in the corpora
            continue
        out.extend(SAME.get(raw, [raw]))
    return out


def reference_words(transcript: str) -> list[str]:
    """The words of a reference transcript in the corpus conventions (module doc)."""
    return _words(_HESITATED.sub(r"\1", _CUT_AND_NOISE.sub(" ", transcript)))


def hypothesis_words(texts: Sequence[str]) -> list[str]:
    """The words a transcriber wrote; an acronym in capitals ("MFA") is said letter by letter."""
    spaced = []
    for token in re.findall(r"[A-Za-z0-9'\-]+", " ".join(texts)):
        letters = token.isalpha() and token.isupper() and 2 <= len(token) <= 4
        spaced.append(" ".join(token) if letters else token)
    return _words(" ".join(spaced))


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i]
        for j, h in enumerate(hyp, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]


def match_within(truth: Sequence[tuple[float, float]], found: Sequence[tuple[float, float]], tolerance_s: float = 0.2):
    """One-to-one (tp, fp, fn): a found span matches a true one when they
    overlap or lie within `tolerance_s` of each other, closest first."""
    pairs = sorted(
        (max(a - e, s - b, 0.0), i, j)
        for i, (a, b) in enumerate(truth) for j, (s, e) in enumerate(found)
        if max(a - e, s - b, 0.0) <= tolerance_s
    )
    used_t, used_f = set(), set()
    for _, i, j in pairs:
        if i not in used_t and j not in used_f:
            used_t.add(i)
            used_f.add(j)
    tp = len(used_t)
    return tp, len(found) - tp, len(truth) - tp


@dataclass
class RealScore:
    id: str
    kind: str
    split: str
    ref_words: int
    found_words: int  # lexical words the product reported
    edits: int  # word edit distance, product
    raw_edits: int  # the same for raw faster-whisper without a prompt
    fillers_true: int
    fillers_found: int  # counted (confident) filled pauses
    fillers_possible: int  # listed as possible, not counted
    timed_tp: int | None = None  # matched within 0.2 s, where the truth has times
    timed_fp: int | None = None
    timed_fn: int | None = None
    pauses_true: int = 0  # silent pauses >= 0.25 s in the alignment
    pauses_found: int = 0  # of those, found with both edges within 150 ms
    wpm_truth: float | None = None
    wpm_found: float | None = None
    transcript: str = ""
    seen: str = ""  # a held-out clip studied since (the manifest's `seen`: when and why), no longer held out

    @property
    def wer(self) -> float:
        return self.edits / self.ref_words if self.ref_words else float(self.found_words > 0)

    @property
    def raw_wer(self) -> float:
        return self.raw_edits / self.ref_words if self.ref_words else 0.0

    @property
    def lost_words(self) -> bool:
        """Fewer than half of the reference words came out."""
        return self.found_words < self.ref_words / 2


def score_clip(clip: dict, feedback: dict, raw_text: str, min_confidence: float = 0.5) -> RealScore:
    ref = reference_words(clip["transcript"])
    lexical = [w["text"] for w in feedback["words"] if w.get("kind") == "word"]
    hyp = hypothesis_words(lexical)
    fillers = feedback["hesitation"]["filled_pauses"]
    counted = [f for f in fillers if f["confidence"] >= min_confidence]
    score = RealScore(
        id=clip["id"], kind=clip["kind"], split=clip.get("split", "dev"), ref_words=len(ref), found_words=len(hyp),
        edits=edit_distance(ref, hyp), raw_edits=edit_distance(ref, hypothesis_words([raw_text])),
        fillers_true=int(clip.get("filled_pauses", 0)), fillers_found=len(counted),
        fillers_possible=len(fillers) - len(counted), transcript=" ".join(lexical), seen=clip.get("seen", ""),
    )
    if "filler_times" in clip:
        truth = [(float(a), float(b)) for _, a, b in clip["filler_times"]]
        score.timed_tp, score.timed_fp, score.timed_fn = match_within(truth, [(f["start"], f["end"]) for f in counted])
    if "silent_pauses_ge_200ms" in clip:
        truth = [(a, b) for a, b in clip["silent_pauses_ge_200ms"] if b - a >= 0.25]
        found = [(p["start"], p["end"]) for p in feedback["hesitation"]["pauses"]]
        score.pauses_true = len(truth)
        score.pauses_found = sum(
            1 for a, b in truth if any(abs(a - s) <= 0.15 and abs(b - e) <= 0.15 for s, e in found)
        )
    if "speaking_span" in clip:
        start, end = clip["speaking_span"]
        score.wpm_truth = len(ref) / (end - start) * 60 if end > start else None
        score.wpm_found = feedback["pacing"].get("words_per_minute")
    return score


@dataclass
class RealTotals:
    clips: int
    wer: float  # pooled: all edits / all reference words
    raw_wer: float
    filler_precision: float  # by count per clip
    filler_recall: float
    timed_precision: float | None  # matched within 0.2 s, clips with times
    timed_recall: float | None
    possible: int
    lost: list[str] = field(default_factory=list)  # clips with fewer than half their words
    pause_recall: float | None = None  # silent pauses >= 0.25 s, both edges within 150 ms
    worst_wpm_error: float | None = None
    seen: list[str] = field(default_factory=list)  # held-out clips studied since: their figures are seen


def real_totals(scores: Sequence[RealScore]) -> RealTotals:
    ref = sum(s.ref_words for s in scores) or 1
    tp = sum(min(s.fillers_found, s.fillers_true) for s in scores)
    fp = sum(max(0, s.fillers_found - s.fillers_true) for s in scores)
    fn = sum(max(0, s.fillers_true - s.fillers_found) for s in scores)
    precision, recall = precision_recall(tp, fp, fn)
    timed = [s for s in scores if s.timed_tp is not None]
    t_p = t_r = None
    if timed:
        t_p, t_r = precision_recall(sum(s.timed_tp for s in timed), sum(s.timed_fp for s in timed),
                                    sum(s.timed_fn for s in timed))
    n_pauses = sum(s.pauses_true for s in scores)
    wpm = [abs(s.wpm_found - s.wpm_truth) / s.wpm_truth for s in scores
           if s.wpm_truth and s.wpm_found is not None]
    return RealTotals(
        clips=len(scores), wer=sum(s.edits for s in scores) / ref, raw_wer=sum(s.raw_edits for s in scores) / ref,
        filler_precision=precision, filler_recall=recall, timed_precision=t_p, timed_recall=t_r,
        possible=sum(s.fillers_possible for s in scores), lost=[s.id for s in scores if s.lost_words],
        pause_recall=sum(s.pauses_found for s in scores) / n_pauses if n_pauses else None,
        worst_wpm_error=max(wpm) if wpm else None, seen=[s.id for s in scores if s.split == "heldout" and s.seen],
    )
