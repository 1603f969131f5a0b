import wave

import numpy as np
import pytest

from voice_mock.audio.formats import AudioError, StreamingWavWriter, load_audio, to_mono_16k, write_wav
from conftest import tone


def test_streaming_wav_is_playable_after_every_block(tmp_path):
    path = tmp_path / "a.wav"
    writer = StreamingWavWriter(path)
    for n in range(1, 4):
        writer.write(tone(0.032))
        # Read it back while still open, as after a crash: header matches data.
        with wave.open(str(path)) as w:
            assert w.getnframes() == n * 512
            assert w.getframerate() == 16000 and w.getnchannels() == 1
    # No close(): as if the process died here; every block is already in the file.
    audio = load_audio(path)
    assert len(audio) == 3 * 512
    assert np.allclose(audio, np.tile(tone(0.032), 3), atol=1e-3)
    writer.close()


def test_write_wav_round_trip_and_atomic(tmp_path):
    path = tmp_path / "b.wav"
    write_wav(path, tone(0.5))
    assert not list(tmp_path.glob("*.tmp"))
    assert len(load_audio(path)) == 8000


def test_resample_and_mixdown():
    stereo = np.stack([tone(1.0, rate=48000), tone(1.0, rate=48000)], axis=1)
    mono = to_mono_16k(stereo, 48000)
    assert mono.dtype == np.float32 and len(mono) == 16000
    assert np.allclose(mono[:100], tone(1.0)[:100], atol=1e-3)


@pytest.mark.parametrize("content,expect", [(b"", "empty"), (b"this is not audio at all" * 50, "not a readable audio file")])
def test_bad_files_give_clear_errors(tmp_path, content, expect):
    path = tmp_path / "x.wav"
    path.write_bytes(content)
    with pytest.raises(AudioError, match=expect):
        load_audio(path)


def test_missing_file(tmp_path):
    with pytest.raises(AudioError, match="no such file"):
        load_audio(tmp_path / "nope.flac")


def test_an_empty_recording_is_called_empty_not_damaged(tmp_path):
    """A well-formed WAV of 0 samples (a recorder stopped at once) was said to be 'damaged or cut off'."""
    import soundfile as sf

    from voice_mock.audio.damage import check_decoded

    path = tmp_path / "empty.wav"
    sf.write(path, np.zeros(0, dtype=np.float32), 16000)
    with pytest.raises(AudioError, match=r"the recording is empty \(0 s of audio\)"):
        check_decoded(path, 0)
    cut = tmp_path / "cut.wav"
    sf.write(cut, np.zeros(16000, dtype=np.float32), 16000)
    cut.write_bytes(cut.read_bytes()[:44])  # the header announces 1 s; nothing follows it
    with pytest.raises(AudioError, match="damaged or cut off"):
        check_decoded(cut, 0)
