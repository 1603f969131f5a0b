"""Audio constants, decoding and the crash-safe WAV writer.

Internal audio currency: mono float32 in [-1, 1] at 16 kHz, the rate Whisper
and Silero VAD work at. Everything converts to it once, at the edge.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np

from voice_mock import interrupts
from voice_mock.errors import VoiceMockError
from voice_mock.files import FileProblem, WriteError, regular_file, why_not_written

SAMPLE_RATE = 16_000
BLOCK_SECONDS = 0.032  # 512 samples: one Silero VAD frame per block
BLOCK_SIZE = int(SAMPLE_RATE * BLOCK_SECONDS)
HEADER_BYTES = 44  # of the WAV files written here


class AudioError(VoiceMockError):
    pass


def to_mono_16k(data: np.ndarray, rate: int) -> np.ndarray:
    """Mix down to mono and resample to 16 kHz (linear: fine for speech ASR)."""
    data = np.asarray(data, dtype=np.float32)
    if data.ndim == 2:
        data = data.mean(axis=1)
    if rate != SAMPLE_RATE and len(data):
        n_out = int(round(len(data) * SAMPLE_RATE / rate))
        t_out = np.arange(n_out) * (rate / SAMPLE_RATE)
        data = np.interp(t_out, np.arange(len(data)), data).astype(np.float32)
    return np.ascontiguousarray(data, dtype=np.float32)


def load_audio(path: str | Path) -> np.ndarray:
    """Read any audio file into the internal format.

    libsndfile (WAV, FLAC, OGG, MP3) first; PyAV, which faster-whisper
    already depends on, for the rest (M4A, AAC, video containers).
    """
    try:
        path = regular_file(path, "audio file")  # a FIFO would block the read
    except FileProblem as exc:
        raise AudioError(str(exc)) from None
    if path.stat().st_size == 0:
        raise AudioError(f"{path}: the file is empty")
    try:
        return _decode(lambda: str(path))
    except AudioError as exc:
        raise AudioError(f"{path}: {exc}") from None


def decode_audio_bytes(data: bytes) -> np.ndarray:
    """The same from a file's contents (a batch worker gets the bytes, not the path)."""
    import io

    if not data:
        raise AudioError("the file is empty")
    return _decode(lambda: io.BytesIO(data))


def _decode(source) -> np.ndarray:
    """`source()` gives a path or a fresh file object for each decoder tried."""
    try:
        import soundfile

        data, rate = soundfile.read(source(), dtype="float32", always_2d=False)
        return to_mono_16k(data, rate)
    except Exception:
        pass
    try:
        from faster_whisper.audio import decode_audio

        return np.asarray(decode_audio(source(), sampling_rate=SAMPLE_RATE), dtype=np.float32)
    except Exception as exc:  # PyAV raises many types; all mean "not audio"
        raise AudioError(f"not a readable audio file ({type(exc).__name__})") from None


def float_to_int16(block: np.ndarray) -> np.ndarray:
    return (np.clip(block, -1.0, 1.0) * 32767).astype("<i2")


class StreamingWavWriter:
    """16-bit mono WAV written block by block, valid on disk after every block.

    The RIFF sizes are patched after each write, so a crash or power cut
    leaves a playable file holding everything up to the last block. A block
    the disk has no room for is cut off again (the file stays valid, with
    every block before it) and a WriteError says the disk is full.
    """

    def __init__(self, path: str | Path, sample_rate: int = SAMPLE_RATE, fsync_every_s: float = 1.0):
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.frames = 0
        self._fsync_every = int(fsync_every_s * sample_rate)
        self._since_sync = 0
        self._fd: int | None = None
        try:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            self._put(self._header(0), 0)
        except OSError as exc:
            self.close()
            raise WriteError(f"cannot write {self.path}: {why_not_written(exc)}") from None

    def _header(self, n_frames: int) -> bytes:
        data_bytes = n_frames * 2
        return (
            b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, self.sample_rate, self.sample_rate * 2, 2, 16)
            + b"data" + struct.pack("<I", data_bytes)
        )

    def _put(self, data: bytes, offset: int) -> None:
        view = memoryview(data)
        while view:
            done = os.pwrite(self._fd, view, offset)
            view, offset = view[done:], offset + done

    def write(self, block: np.ndarray) -> None:
        pcm = float_to_int16(np.asarray(block).reshape(-1))
        end = HEADER_BYTES + self.frames * 2
        try:
            self._put(pcm.tobytes(), end)
        except OSError as exc:
            # Keep the file as it was before this block: whole blocks and a true header.
            try:
                os.ftruncate(self._fd, end)
                os.fsync(self._fd)
            except OSError:
                pass
            raise WriteError(f"cannot write {self.path}: {why_not_written(exc)}") from None
        self.frames += len(pcm)
        self._put(self._header(self.frames), 0)  # rewrites bytes already on disk: needs no room
        self._since_sync += len(pcm)
        if self._since_sync >= self._fsync_every:
            os.fsync(self._fd)
            self._since_sync = 0

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.fsync(fd)
            except OSError:
                pass
            os.close(fd)

    def __enter__(self) -> "StreamingWavWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_wav(path: str | Path, audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> None:
    """Write a whole clip atomically (temp file, then rename); no temp file is left on failure."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with interrupts.deferred():
        try:
            with StreamingWavWriter(tmp, sample_rate) as w:
                w.write(audio)
            os.replace(tmp, path)
        except BaseException as exc:
            try:
                tmp.unlink()
            except OSError:
                pass
            if isinstance(exc, OSError):
                raise WriteError(f"cannot write {path}: {why_not_written(exc)}") from None
            if isinstance(exc, WriteError):
                raise WriteError(str(exc).replace(str(tmp), str(path))) from None
            raise


def rms_dbfs(audio: np.ndarray) -> float:
    if len(audio) == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))
    return 20 * np.log10(max(rms, 1e-6))
