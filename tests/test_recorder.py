"""The recorder on real speech (espeak-ng) fed as blocks, as the microphone feeds it."""

import numpy as np

from voice_mock.audio.formats import load_audio
from voice_mock.audio.endpoint import EndpointSettings
from voice_mock.audio.recorder import ENTER, SOURCE_ENDED, record_answer
from voice_mock.audio.sources import array_source
from voice_mock.audio.vad import StreamingVad, speech_intervals


class StopAfter:
    """Like the Enter key, pressed after n blocks."""

    def __init__(self, n):
        self.n = n

    def is_set(self):
        self.n -= 1
        return self.n < 0


def test_answer_ends_after_trailing_silence_and_is_on_disk(tmp_path, espeak_speech):
    lead = np.zeros(16000, dtype=np.float32)  # 1 s before the person starts
    clip = np.concatenate([lead, espeak_speech])
    rec = record_answer(array_source(clip, trailing_silence_s=10.0), tmp_path / "a.wav", StreamingVad(),
                        EndpointSettings(end_silence_s=2.0, early_end_silence_s=2.0))
    assert rec.end_reason == "finished"
    speech_end = len(clip) / 16000
    # Ends about 2 s after the last word: not before, and not much after.
    assert speech_end + 1.5 < rec.duration_s < speech_end + 2.6
    assert 0.8 < rec.first_speech_s < 1.3
    on_disk = load_audio(tmp_path / "a.wav")
    assert len(on_disk) == len(rec.audio)
    assert np.allclose(on_disk, rec.audio, atol=1e-4)


def test_enter_stops_and_keeps_audio(tmp_path, espeak_speech):
    rec = record_answer(array_source(espeak_speech), tmp_path / "a.wav", StreamingVad(), stop=StopAfter(20))
    assert rec.end_reason == ENTER
    assert len(load_audio(tmp_path / "a.wav")) == 21 * 512


def test_source_end(tmp_path, espeak_speech):
    rec = record_answer(array_source(espeak_speech[:8000]), tmp_path / "a.wav", StreamingVad())
    assert rec.end_reason == SOURCE_ENDED


def test_streaming_vad_matches_offline(espeak_speech):
    audio = np.concatenate([np.zeros(8000, np.float32), espeak_speech, np.zeros(16000, np.float32)])
    vad = StreamingVad()
    probs = []
    for block in array_source(audio):
        probs += vad.push(block)
    voiced = np.array(probs) >= 0.5
    first = np.argmax(voiced) * 0.032
    intervals = speech_intervals(audio)
    assert intervals and abs(intervals[0].start - first) < 0.05
    assert abs(intervals[0].start - 0.5) < 0.15
