"""Audio files that decode to less than their header announces: cut off or damaged.

libsndfile stops at the first damaged FLAC frame and PyAV decodes what it
can, so a file cut in half would be analysed as its first half without a
word. The header's own length is compared with what was decoded instead.
"""

from __future__ import annotations

from pathlib import Path

from .formats import SAMPLE_RATE, AudioError

# Containers whose length is an estimate (MP3 from the bitrate) may differ a little.
TOLERANCE_S = 0.5
TOLERANCE_SHARE = 0.02


def declared_seconds(path) -> float | None:
    """The length the file's header announces, or None when it says none. `path`: a path or a
    seekable file object (a batch has the file's bytes in memory)."""
    def source():
        if hasattr(path, "seek"):
            path.seek(0)
            return path
        return str(path)

    try:
        import soundfile

        info = soundfile.info(source())
        if info.frames > 0 and info.samplerate > 0:
            return info.frames / info.samplerate
    except Exception:
        pass
    try:
        import av

        with av.open(source()) as container:
            if container.duration:
                return container.duration / av.time_base
    except Exception:
        pass
    return None


def check_decoded(path: str | Path, n_samples: int) -> str | None:
    """None if the whole file was decoded; a warning saying how much was, if only part;
    AudioError if nothing was (a header with no audio after it)."""
    declared = declared_seconds(path)
    decoded = n_samples / SAMPLE_RATE
    if n_samples == 0:
        if declared is None and _says_no_frames(path):  # a whole file that holds no sound: nothing is damaged
            raise AudioError(f"{path}: the recording is empty (0 s of audio)")
        said = f"; its header announces {declared:.1f} s" if declared else ""
        raise AudioError(f"{path}: no audio could be decoded (damaged or cut off{said})")
    if declared and decoded < declared - max(TOLERANCE_S, TOLERANCE_SHARE * declared):
        return (f"{path}: only {decoded:.1f} s of {declared:.1f} s could be decoded "
                f"(the file is damaged or cut off); analysing those {decoded:.1f} s")
    return None


def _says_no_frames(path) -> bool:
    """The header (read by libsndfile) announces 0 samples, and agrees with the file's size (a header
    cut from its audio announces more: libsndfile notes "data : 32000 (should be 0)")."""
    try:
        import soundfile

        info = soundfile.info(str(path))
        return info.frames == 0 and "should be" not in info.extra_info
    except Exception:
        return False
