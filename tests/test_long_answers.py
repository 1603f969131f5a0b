"""Long recordings: decoded block by block, the VAD run batch by batch, and
transcribed in windows cut at pauses, with the same results as the
whole-file versions where those are exact, and no speech lost.

Memory and speed are measured by benchmarks/long_answer.py, not here.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from conftest import SAMPLES
from voice_mock.audio import formats
from voice_mock.audio.formats import load_audio, read_soundfile, to_mono_16k
from voice_mock.speech.streaming import SegmentingTranscriber, Segment


@pytest.mark.parametrize("rate,channels", [(48000, 2), (44100, 1), (22050, 2), (16000, 1), (8000, 1)])
@pytest.mark.parametrize("block", [7, 1000, 1 << 16])
def test_block_by_block_decoding_equals_the_whole_file_conversion(tmp_path, monkeypatch, rate, channels, block):
    rng = np.random.default_rng(rate + channels)
    data = rng.uniform(-0.5, 0.5, (rate * 3 + 17, channels)).astype(np.float32)
    path = tmp_path / "x.wav"
    sf.write(path, data, rate, subtype="FLOAT")
    monkeypatch.setattr(formats, "READ_FRAMES", block)
    whole, whole_rate = sf.read(path, dtype="float32", always_2d=False)
    expected = to_mono_16k(whole, whole_rate)
    got = read_soundfile(path)
    assert got.dtype == np.float32 and len(got) == len(expected)
    assert np.array_equal(got, expected)


def test_load_audio_of_a_48k_stereo_flac_is_the_16k_mono_answer(tmp_path):
    mono = load_audio(SAMPLES / "hard-quiet.flac")
    t = np.arange(int(len(mono) * 3)) / 3
    up = np.interp(t, np.arange(len(mono)), mono).astype(np.float32)
    path = tmp_path / "stereo48.flac"
    sf.write(path, np.stack([up, 0.5 * up], axis=1), 48000, subtype="PCM_24")
    back = load_audio(path)
    assert abs(len(back) - len(mono)) <= 1
    n = min(len(back), len(mono))
    assert np.max(np.abs(back[:n] - 0.75 * mono[:n])) < 1e-3


def test_batched_vad_gives_faster_whispers_numbers_across_a_batch_edge():
    from faster_whisper.vad import get_vad_model

    from voice_mock.audio.vad import BATCH, FRAME, speech_probabilities

    clip = load_audio(SAMPLES / "hard-long.flac")
    audio = np.tile(clip, 3)[: BATCH * FRAME + 3000]  # a little over one batch, not a whole frame at the end
    ours = speech_probabilities(audio)
    theirs = np.asarray(get_vad_model()(np.pad(audio, (0, (-len(audio)) % FRAME)))).reshape(-1)
    assert len(ours) == len(theirs) == BATCH + 6
    assert np.array_equal(ours, theirs)


class _NoModel:
    name = "none"

    def transcribe(self, audio):
        return []


def test_a_segment_is_cut_from_the_chunks_it_spans_only():
    rng = np.random.default_rng(1)
    audio = rng.standard_normal(50_000).astype(np.float32)
    seg = SegmentingTranscriber(_NoModel())
    try:
        i = 0
        for size in rng.integers(1, 3000, size=1000):
            if i >= len(audio):
                break
            seg.push(audio[i : i + size], [])
            i += size
        for start, end in [(0, 10), (0, i), (123, 4567), (i - 5, i), (2999, 3001), (4000, 4000)]:
            got = seg._slice(Segment(start, end, voiced_end=end))
            assert np.array_equal(got, audio[start:end])
    finally:
        seg.close()


@pytest.mark.model
def test_a_long_recording_keeps_its_pace_and_its_words(whisper):
    """About 4 minutes (three rounds of three answers) against one round:
    the long one goes through the windows, the short one through one pass."""
    from voice_mock.interview.pipeline import WINDOWED_FROM_S, analyze_audio

    one_round = np.concatenate([load_audio(SAMPLES / f"{s}.flac")
                                for s in ("career-aspirations", "leadership", "why-leaving")])
    long = np.tile(one_round, 3)
    assert len(one_round) / 16000 < WINDOWED_FROM_S < len(long) / 16000
    done: list[float] = []
    short = analyze_audio(one_round, whisper).feedback.to_dict()["pacing"]
    longer = analyze_audio(long, whisper, on_progress=done.append).feedback.to_dict()["pacing"]
    assert abs(longer["words_per_minute"] - short["words_per_minute"]) <= 0.10 * short["words_per_minute"]
    assert longer["word_count"] >= 0.95 * 3 * short["word_count"], (longer["word_count"], short["word_count"])
    assert longer["word_count"] <= 1.05 * 3 * short["word_count"]
    assert len(done) >= 8 and done == sorted(done) and done[-1] > len(long) / 16000 - 2  # progress, window by window


def test_freed_memory_goes_back_between_the_windows_and_stages_of_a_long_recording(monkeypatch):
    """A long recording's stages hand what they freed back to the system (audio/memory.py): before
    the voice detector, after it, after every window, after transcription and after held sounds.
    A short one (one pass) is left alone."""
    from voice_mock.audio import memory
    from voice_mock.interview import pipeline

    if memory._TRIM is None:
        pytest.skip("not glibc: release_freed_memory does nothing")
    assert memory.release_freed_memory() is True
    calls: list[str] = []
    monkeypatch.setattr(pipeline, "release_freed_memory", lambda: calls.append("stage"))
    monkeypatch.setattr(memory, "release_freed_memory", lambda: calls.append("window"))  # pipeline.transcribe_in_windows
    clip = load_audio(SAMPLES / "hard-long.flac")
    long = np.tile(clip, 2)  # 236 s: over WINDOWED_FROM_S
    assert len(long) / 16000 > pipeline.WINDOWED_FROM_S
    pipeline.analyze_audio(long, _NoModel())
    windows = calls.count("window")
    assert calls.count("stage") == 4 and windows >= 8, calls
    calls.clear()
    pipeline.analyze_audio(clip, _NoModel())
    assert calls == []
