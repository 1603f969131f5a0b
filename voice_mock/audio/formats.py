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
        return read_soundfile(source())
    except Exception:
        pass
    try:
        from faster_whisper.audio import decode_audio

        return np.asarray(decode_audio(source(), sampling_rate=SAMPLE_RATE), dtype=np.float32)
    except Exception as exc:  # PyAV raises many types; all mean "not audio"
        raise AudioError(f"not a readable audio file ({type(exc).__name__})") from None


READ_FRAMES = 1 << 16  # frames decoded at a time: ~1.4 s at 48 kHz


class Resampler:
    """`to_mono_16k` block by block: the same samples as over the whole file
    (linear interpolation at the same positions), with only one block in
    memory. Push mono blocks in order, then `finish()` for the tail."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.step = rate / SAMPLE_RATE
        self.n_in = 0  # input samples pushed
        self.n_out = 0  # output samples produced
        self._last = np.float32(0.0)  # the previous block's last sample

    def push(self, mono: np.ndarray) -> np.ndarray:
        mono = np.asarray(mono, dtype=np.float32)
        if self.rate == SAMPLE_RATE or not len(mono):
            self.n_in += len(mono)
            self.n_out += len(mono) if self.rate == SAMPLE_RATE else 0
            return mono
        if self.n_in:  # interpolate across the joint with the previous block
            xs, base = np.concatenate([[self._last], mono]), self.n_in - 1
        else:
            xs, base = mono, 0
        last = self.n_in + len(mono) - 1  # index of the newest input sample
        t = np.arange(self.n_out, int(np.floor(last / self.step)) + 1) * self.step
        t = t[t <= last]
        out = np.interp(t, np.arange(base, base + len(xs)), xs).astype(np.float32)
        self.n_in += len(mono)
        self.n_out += len(out)
        self._last = mono[-1]
        return out

    def finish(self) -> int:
        """How many outputs the whole-file conversion has beyond those pushed
        out so far: positive, the tail to add (np.interp holds the last sample
        past the end, see `tail`); negative, the surplus to drop (its rounding
        of the length)."""
        if self.rate == SAMPLE_RATE or not self.n_in:
            return 0
        return int(round(self.n_in * SAMPLE_RATE / self.rate)) - self.n_out

    def tail(self, count: int) -> np.ndarray:
        return np.full(max(count, 0), self._last, dtype=np.float32)


def read_soundfile(path) -> np.ndarray:
    """A file libsndfile reads, decoded and converted block by block into
    the internal format: a 30-minute 48 kHz stereo file never sits in memory
    whole (only its 16 kHz mono result, 4 bytes a sample)."""
    import soundfile

    with soundfile.SoundFile(str(path) if isinstance(path, (str, Path)) else path) as f:
        resampler = Resampler(f.samplerate)
        out = np.empty(int(round(max(f.frames, 0) * SAMPLE_RATE / f.samplerate)) + 1, dtype=np.float32)
        n = 0
        for block in f.blocks(blocksize=READ_FRAMES, dtype="float32", always_2d=True):
            part = resampler.push(block.mean(axis=1) if block.shape[1] > 1 else block[:, 0])
            if n + len(part) > len(out):  # the header undercounted
                out = np.resize(out, max(2 * len(out), n + len(part)))
            out[n : n + len(part)] = part
            n += len(part)
        more = resampler.finish()
        if n + more > len(out):
            out = np.resize(out, n + more)
        out[n : n + max(more, 0)] = resampler.tail(more)
        n += more
    # A copy only when most of the buffer would be wasted (a header that overcounted).
    return out[:n].copy() if n < len(out) // 2 else out[:n]


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
