"""Tests of voice_mock.evaluation.metrics on hand-made data, and of samples/ against its ground truth."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from voice_mock.evaluation.metrics import (
    as_interval,
    load_ground_truth,
    match_spans,
    normalize_words,
    pause_recall,
    precision_recall,
    relative_error,
    word_error_rate,
    words_in_silence,
)
from voice_mock.types import Interval, Word

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.json"))
FILLER_WORDS = {"um", "uh", "er", "erm", "hmm", "ah", "mm"}


# ---------------------------------------------------------------- word error rate


def test_normalize_words():
    assert normalize_words("Um, so: my company's MISSION!") == ["um", "so", "my", "company's", "mission"]
    assert normalize_words("grew 35% to 1,200 in 2023") == ["grew", "35", "percent", "to", "1200", "in", "2023"]
    assert normalize_words("a check-in — then 'quoted'") == ["a", "check", "in", "then", "quoted"]
    assert normalize_words("grew 3.5 times. Then 2.") == ["grew", "3.5", "times", "then", "2"]
    assert normalize_words("  ") == []


@pytest.mark.parametrize(
    "ref, hyp, expected",
    [
        ("the cat sat on the mat", "the cat sat on the mat", 0.0),
        ("The cat sat, on the mat.", "the cat sat on the mat", 0.0),  # case, punctuation
        ("the cat sat on the mat", "the cat sit on the mat", 1 / 6),  # substitution
        ("the cat sat on the mat", "the cat on the mat", 1 / 6),  # deletion
        ("the cat sat on the mat", "the big cat sat on the mat", 1 / 6),  # insertion
        ("the cat", "the cat sat on the mat", 2.0),  # insertions can exceed 1
        ("grew by 35 percent", "grew by 35%", 0.0),
        ("1200 accounts", "1,200 accounts", 0.0),
        ("35 percent", "thirty five percent", 1.0),  # numbers are compared as written
        ("", "", 0.0),
        ("", "hello", 1.0),
        ("hello world", "", 1.0),
    ],
)
def test_word_error_rate(ref, hyp, expected):
    assert word_error_rate(ref, hyp) == pytest.approx(expected)


def test_word_error_rate_is_the_minimal_edit_count():
    # "a b c d" -> "d c b a": four substitutions; keeping "b" or "c" as a match
    # costs two edits on each side of it, four again. So the distance is 4.
    assert word_error_rate("a b c d", "d c b a") == pytest.approx(1.0)
    assert word_error_rate("a b c d", "b c d") == pytest.approx(0.25)


# ---------------------------------------------------------------- spans


def test_as_interval_accepts_the_usual_shapes():
    expected = Interval(1.0, 2.0)
    assert as_interval(Interval(1.0, 2.0)) == expected
    assert as_interval({"start": 1, "end": 2, "text": "um"}) == expected
    assert as_interval((1, 2)) == expected
    assert as_interval(Word("um", 1.0, 2.0)) == expected


def test_match_spans_simple():
    truth = [(0, 1), (2, 3)]
    found = [(0.5, 1.5), (2.9, 3.5), (5, 6)]
    assert match_spans(truth, found) == (2, 1, 0)
    assert match_spans(truth, []) == (0, 0, 2)
    assert match_spans([], found) == (0, 3, 0)


def test_match_spans_is_one_to_one():
    # Two found spans on one true filler: one is a true positive, one false.
    assert match_spans([(1, 2)], [(1.0, 1.4), (1.5, 1.9)]) == (1, 1, 0)
    # One long found span over two true fillers: it can only match one.
    assert match_spans([(1, 2), (3, 4)], [(0, 5)]) == (1, 0, 1)


def test_match_spans_greedy_by_overlap():
    # Y overlaps A by 1.8 s, X overlaps A by 0.5 s and B by 1.5 s.
    # Greedy by overlap pairs Y-A first, then X-B: two matches.
    a, b = (0, 2), (2, 4)
    x, y = (1.5, 3.5), (0, 1.8)
    assert match_spans([a, b], [x, y]) == (2, 0, 0)


def test_match_spans_zero_length_and_touching():
    # Whisper stamps fillers with start == end: a point inside a true span matches.
    assert match_spans([(1, 1.5)], [Word("um", 1.2, 1.2)]) == (1, 0, 0)
    # Spans that only touch do not match.
    assert match_spans([(1, 2)], [(2, 3)]) == (0, 1, 1)
    # A minimum overlap rules out the point and the small overlap.
    assert match_spans([(1, 2)], [(1.2, 1.2)], min_overlap_s=0.05) == (0, 1, 1)
    assert match_spans([(1, 2)], [(1.96, 3)], min_overlap_s=0.05) == (0, 1, 1)
    assert match_spans([(1, 2)], [(1.9, 3)], min_overlap_s=0.05) == (1, 0, 0)


def test_precision_recall():
    assert precision_recall(8, 2, 0) == (0.8, 1.0)
    assert precision_recall(3, 0, 1) == (1.0, 0.75)
    assert precision_recall(0, 0, 0) == (1.0, 1.0)
    assert precision_recall(0, 4, 0) == (0.0, 1.0)
    assert precision_recall(0, 0, 4) == (1.0, 0.0)


# ---------------------------------------------------------------- pauses


def test_pause_recall_hand_made():
    truth = [
        {"start": 1.0, "end": 2.5, "duration_s": 1.5},
        {"start": 5.0, "end": 5.5, "duration_s": 0.5},  # shorter than min_duration: ignored
        {"start": 8.0, "end": 10.0, "duration_s": 2.0},
    ]
    found = [Interval(1.05, 2.45), Interval(8.3, 10.0), Interval(12, 13)]
    recall, err = pause_recall(truth, found)
    # The first is within 0.15 s at both ends; the second starts 0.3 s late.
    assert recall == pytest.approx(0.5)
    assert err == pytest.approx(((0.05 + 0.05) / 2 + (0.3 + 0.0) / 2) / 2)
    recall, err2 = pause_recall(truth, found, tolerance_s=None)
    assert recall == pytest.approx(1.0) and err2 == pytest.approx(err)
    recall, _ = pause_recall(truth, found, min_duration=0.25, tolerance_s=None)
    assert recall == pytest.approx(2 / 3)


def test_pause_recall_edge_cases():
    recall, err = pause_recall([], [Interval(0, 1)])
    assert recall == 1.0 and math.isnan(err)
    recall, err = pause_recall([Interval(0, 2)], [])
    assert recall == 0.0 and math.isnan(err)
    # One found pause cannot account for two true ones.
    recall, _ = pause_recall([(0, 1.5), (2, 3.5)], [(0, 3.5)], tolerance_s=None)
    assert recall == pytest.approx(0.5)


def test_words_in_silence():
    pauses = [Interval(2.0, 4.0), {"start": 10.0, "end": 10.15}]
    words = [
        Word("so", 1.5, 1.9),  # before the pause
        Word("Thank", 2.5, 2.8),  # well inside: reported
        Word("you.", 2.8, 3.0),  # well inside: reported
        Word("um,", 3.95, 3.95),  # inside, but within the margin of the end
        Word("then", 1.9, 2.6),  # straddles the start: timestamp drift, not reported
        Word("oh", 10.05, 10.1),  # the short pause shrinks to nothing
    ]
    assert [w.text for w in words_in_silence(words, pauses)] == ["Thank", "you."]
    assert [w.text for w in words_in_silence(words, pauses, margin_s=0.0)] == [
        "Thank",
        "you.",
        "um,",
        "oh",
    ]


def test_relative_error():
    assert relative_error(105, 100) == pytest.approx(0.05)
    assert relative_error(95, 100) == pytest.approx(0.05)
    assert relative_error(0, 0) == 0.0
    assert relative_error(1, 0) == math.inf


def test_load_ground_truth(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"id": "x", "fillers": [{"text": "um", "start": 0.1, "end": 0.4}]}))
    assert load_ground_truth(path)["fillers"][0]["text"] == "um"


# ---------------------------------------------------------------- samples/ against ground truth


def _dbfs(x: np.ndarray) -> float:
    return 20 * math.log10(math.sqrt(float(np.mean(x.astype(np.float64) ** 2))) + 1e-12)


def test_samples_cover_the_requirements():
    truths = [load_ground_truth(p) for p in SAMPLE_FILES]
    ordinary = [t for t in truths if not t["id"].startswith("hard-")]
    assert len(ordinary) >= 6
    assert {t["voice"].split(":")[0] for t in truths} == {"piper", "espeak-ng"}
    assert sum(t["voice"].startswith("espeak") for t in truths) >= 2
    assert any(p["duration_s"] >= 4.0 for t in ordinary for p in t["pauses"])
    assert any(90 <= t["duration_s"] <= 120 for t in truths)
    size = sum(p.stat().st_size for p in SAMPLES.iterdir() if p.is_file())
    assert size < 10 * 1024 * 1024


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_sample_ground_truth_is_consistent(path):
    t = load_ground_truth(path)
    assert t["id"] == path.stem
    duration = t["duration_s"]

    # Every span in order, not overlapping, within the file, after the lead-in.
    spans = sorted(
        [(f["start"], f["end"], "filler") for f in t["fillers"]]
        + [(p["start"], p["end"], "pause") for p in t["pauses"]]
        + [(s["start"], s["end"], "speech") for s in t["speech"]]
    )
    assert spans[0][0] == pytest.approx(t["lead_s"], abs=0.001)
    assert spans[-1][1] == pytest.approx(duration - t["tail_s"], abs=0.001)
    for (s1, e1, _), (s2, e2, _) in zip(spans, spans[1:]):
        assert s1 < e1 <= s2 + 1e-9
    for p in t["pauses"]:
        assert p["duration_s"] == pytest.approx(p["end"] - p["start"], abs=0.002)
    for f in t["fillers"]:
        assert f["text"] in FILLER_WORDS
        assert 0.25 <= f["end"] - f["start"] <= 0.6

    # Transcript = text + fillers; text = the speech parts.
    verbatim = normalize_words(t["transcript"])
    assert [w for w in verbatim if w not in FILLER_WORDS] == normalize_words(t["text"])
    assert [w for w in verbatim if w in FILLER_WORDS] == [f["text"] for f in t["fillers"]]
    assert normalize_words(" ".join(s["text"] for s in t["speech"])) == normalize_words(t["text"])
    lexical = [w for w in t["text"].split() if re.search(r"\w", w)]
    assert t["words_per_minute"] == pytest.approx(len(lexical) * 60 / duration, abs=0.06)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_sample_audio_matches_ground_truth(path):
    sf = pytest.importorskip("soundfile")
    t = load_ground_truth(path)
    flac = path.with_suffix(".flac")
    info = sf.info(flac)
    assert info.format == "FLAC"
    assert info.samplerate == 16000 and info.channels == 1
    assert info.frames / 16000 == pytest.approx(t["duration_s"], abs=0.001)
    audio, sr = sf.read(flac, dtype="float32")

    def cut(start: float, end: float) -> np.ndarray:
        return audio[int(round(start * sr)) : int(round(end * sr))]

    # Silent inside every inserted pause and in the lead-in and tail, unless noise was added.
    silences = [(p["start"], p["end"]) for p in t["pauses"]]
    silences += [(0.0, t["lead_s"]), (t["duration_s"] - t["tail_s"], t["duration_s"])]
    if not t.get("noise"):
        for start, end in silences:
            if end - start > 0.001:
                assert _dbfs(cut(start, end)) < -50, (start, end)
    # Loud inside every filler and every speech part (the quiet sample is ~-35 dBFS).
    for span in t["fillers"] + t["speech"]:
        assert _dbfs(cut(span["start"], span["end"])) > -45, span
    # No silence of 250 ms or more that the ground truth does not list (pause
    # detectors count from 250 ms): 10 ms frames 30 dB below the speech level.
    if not t.get("noise"):
        frames = len(audio) // 160
        db = 20 * np.log10(np.sqrt((audio[: frames * 160].reshape(frames, 160) ** 2).mean(axis=1)) + 1e-9)
        listed = np.zeros(frames, dtype=bool)
        for start, end in silences:
            listed[int(start * 100) : int(math.ceil(end * 100))] = True
        quiet = np.concatenate([[0], ((db < t["level_dbfs"] - 30) & ~listed).astype(int), [0]])
        edges = np.flatnonzero(np.diff(quiet))
        longest = max(edges[1::2] - edges[::2], default=0) * 0.01
        assert longest < 0.25
    # And the fillers and speech were trimmed tight: their first and last 20 ms are not silence.
    for span in t["fillers"] + t["speech"]:
        assert np.abs(cut(span["start"], span["start"] + 0.02)).max() > 0
        assert np.abs(cut(span["end"] - 0.02, span["end"])).max() > 0
