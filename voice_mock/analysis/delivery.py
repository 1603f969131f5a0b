"""Delivery: how the voice carries the answer. Pitch and loudness figures,
monotone stretches, rising endings on statements (uptalk), sentences that
trail off, and a quiet recording or voice, each with times and words.

Plain data in (a `types.PitchTrack` measured by voice_mock.speech.prosody,
the analysed words and speech intervals), plain data out; no I/O. Pitch
spans are in semitones (12 * log2 of a ratio), so one threshold serves low
and high voices (Traunmuller & Eriksson 1995). Thresholds: config.DeliveryConfig,
sources in docs/feedback.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from voice_mock.types import Interval, PitchTrack

from .config import DeliveryConfig
from .words import WORD, AlignedWord

SENTENCE_END = (".", "!", "?", "\u2026")
# Speech this long with too small a voiced share is called whispered rather
# than too short (our choice: a few words).
MIN_SPEECH_FOR_WHISPER_S = 1.0
# F0 changes by at most about 1-2 semitones in 20 ms in speech (Sundberg 1979,
# "Maximum speed of pitch changes in singers and untrained subjects"); a
# bigger step between neighbouring frames is the tracker jumping.
MAX_STEP_ST = 4.0


@dataclass
class PitchFigures:
    median_hz: float | None = None
    range_st: float | None = None  # 5th to 95th percentile of voiced F0, semitones
    variation_st: float | None = None  # SD of voiced F0 around its median, semitones
    voiced_s: float = 0.0
    voiced_share: float | None = None  # voiced frames / frames inside speech


@dataclass
class LoudnessFigures:
    level_dbfs: float | None = None  # median RMS level of voiced frames
    variation_db: float | None = None  # SD of that level over voiced frames
    noise_dbfs: float | None = None  # median level outside speech (room, microphone)


@dataclass
class PitchWindow:
    start: float
    end: float
    range_st: float | None  # None: too little voiced speech in the window
    median_hz: float | None
    level_dbfs: float | None


@dataclass
class DeliveryFinding:
    """One piece of evidence: a monotone stretch, an ending, a quiet answer."""

    kind: str  # monotone, uptalk, trailing_off, quiet_recording, quiet_voice
    start: float
    end: float
    value: float  # range st (monotone), rise st (uptalk), drop dB (trailing_off), level dBFS (quiet)
    words: str = ""
    message: str = ""


@dataclass
class Ending:
    """The end of one sentence: did it rise (uptalk) or fade (trailing off)?"""

    start: float  # the sentence
    end: float
    words: str  # its last words
    statement: bool  # not written with a question mark
    rise_st: float | None = None  # last word: lowest point to end
    drop_db: float | None = None  # last word below the sentence's typical word
    uptalk: bool = False
    trailing_off: bool = False


@dataclass
class Delivery:
    measured: bool = False
    reason: str = ""  # why not, when not measured
    pitch: PitchFigures = field(default_factory=PitchFigures)
    loudness: LoudnessFigures = field(default_factory=LoudnessFigures)
    monotone: bool | None = None  # None: not measured (see monotone_reason)
    monotone_reason: str = ""
    monotone_threshold_st: float | None = None
    windows: list[PitchWindow] = field(default_factory=list)
    endings: list[Ending] = field(default_factory=list)
    findings: list[DeliveryFinding] = field(default_factory=list)
    sentences: int = 0
    statements: int = 0
    uptalk_count: int = 0
    trailing_off_count: int = 0
    quiet: str | None = None  # "recording" (microphone level) or "voice" (against your baseline)
    baseline_used: bool = False


def semitones(hz: float, ref: float) -> float:
    return 12.0 * math.log2(hz / ref)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (as numpy's default) of unsorted values."""
    v = sorted(values)
    k = (len(v) - 1) * q / 100.0
    lo = math.floor(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50.0)


def pitch_range_st(f0: Sequence[float]) -> float:
    return semitones(percentile(f0, 95.0), percentile(f0, 5.0))


def _sd(values: Sequence[float]) -> float:
    m = sum(values) / len(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / len(values))


def not_measured(reason: str) -> Delivery:
    return Delivery(measured=False, reason=reason, monotone=None, monotone_reason=reason)


def measure_delivery(
    track: PitchTrack | None,
    words: Sequence[AlignedWord],
    speech: Sequence[Interval],
    span: Interval | None,
    cfg: DeliveryConfig,
) -> Delivery:
    """Figures, windows, endings and evidence for one spoken answer. `span`
    is the speaking span (first to last speech); `words` the analysed words."""
    if track is None:
        return not_measured("pitch and loudness were not measured on this recording")
    if span is None or not len(track):
        return not_measured("no speech to measure")
    # Speech is where the VAD heard it or the recogniser put words: the VAD
    # misses much of a whisper that the words still cover.
    said = [Interval(w.start, w.end) for w in words if w.kind == WORD and w.start is not None and w.end > w.start]
    inside = _inside(track, list(speech) + said, span)
    voiced = [i for i in inside if track.f0_hz[i] is not None]
    voiced_s = len(voiced) * track.hop_s
    share = len(voiced) / len(inside) if inside else 0.0
    d = Delivery()
    d.pitch.voiced_s, d.pitch.voiced_share = voiced_s, share
    speech_levels = [track.level_db[i] for i in inside]
    _loudness(d.loudness, track, voiced or inside, speech, span)
    if len(inside) * track.hop_s >= MIN_SPEECH_FOR_WHISPER_S and share < cfg.min_voiced_share:
        return _unmeasured(d, f"whispered, breathy or hoarse speech: only {share:.0%} of the speech is "
                              "voiced, so pitch is not measured")
    if voiced_s < cfg.min_voiced_s:
        return _unmeasured(d, f"too little voiced speech to measure pitch ({voiced_s:.1f} s; needs {cfg.min_voiced_s:g} s)")
    f0 = [track.f0_hz[i] for i in voiced]
    d.measured = True
    d.pitch.median_hz = median(f0)
    d.pitch.range_st = pitch_range_st(f0)
    d.pitch.variation_st = _sd([semitones(f, d.pitch.median_hz) for f in f0])
    _quiet(d, cfg, speech_levels)
    _monotone(d, track, span, words, cfg)
    _endings(d, track, words, cfg)
    return d


def _unmeasured(d: Delivery, reason: str) -> Delivery:
    d.measured, d.reason, d.monotone, d.monotone_reason = False, reason, None, reason
    return d


def _inside(track: PitchTrack, speech: Sequence[Interval], span: Interval) -> list[int]:
    """Frames inside speech intervals within the speaking span."""
    out: list[int] = []
    for iv in speech:
        a, b = max(iv.start, span.start), min(iv.end, span.end)
        if b > a:
            out.extend(range(track.index(a), track.index(b)))
    return sorted(set(out))


def _loudness(out: LoudnessFigures, track: PitchTrack, frames: list[int],
              speech: Sequence[Interval], span: Interval) -> None:
    levels = [track.level_db[i] for i in frames if track.level_db[i] > -100.0]
    if levels:
        out.level_dbfs = median(levels)
        out.variation_db = _sd(levels)
    inside = set(_inside(track, speech, Interval(0.0, track.time(len(track)))))
    rest = [v for i, v in enumerate(track.level_db) if i not in inside and v > -100.0]
    out.noise_dbfs = median(rest) if rest else None


def _quiet(d: Delivery, cfg: DeliveryConfig, speech_levels: list[float]) -> None:
    level = d.loudness.level_dbfs
    if level is None:
        return
    if cfg.baseline_level_dbfs and level <= cfg.baseline_level_dbfs - cfg.quiet_voice_drop_db:
        d.quiet = "voice"
        drop = cfg.baseline_level_dbfs - level
        d.findings.append(DeliveryFinding("quiet_voice", 0.0, 0.0, level, "", (
            f"You spoke {drop:.0f} dB more quietly than in your earlier answers ({level:.0f} vs "
            f"{cfg.baseline_level_dbfs:.0f} dBFS): project your voice as if to the back of the room.")))
    elif level < cfg.quiet_recording_dbfs:
        d.quiet = "recording"
        d.findings.append(DeliveryFinding("quiet_recording", 0.0, 0.0, level, "", (
            f"The recording is very quiet ({level:.0f} dBFS): that is the microphone level, not "
            "necessarily your voice. Move closer to the microphone or raise its input gain.")))


def monotone_threshold(cfg: DeliveryConfig) -> float:
    if cfg.baseline_range_st > 0:
        return min(6.0, max(3.0, 0.5 * cfg.baseline_range_st))
    return cfg.monotone_range_st


def _window(track: PitchTrack, start: float, end: float, cfg: DeliveryConfig) -> PitchWindow:
    part = track.span(start, end)
    f0 = [f for f in part.f0_hz if f is not None]
    levels = [v for f, v in zip(part.f0_hz, part.level_db) if f is not None]
    if len(f0) * track.hop_s < cfg.min_voiced_in_window_s:
        return PitchWindow(start, end, None, None, None)
    return PitchWindow(start, end, pitch_range_st(f0), median(f0), median(levels))


def _monotone(d: Delivery, track: PitchTrack, span: Interval, words: Sequence[AlignedWord],
              cfg: DeliveryConfig) -> None:
    threshold = monotone_threshold(cfg)
    d.monotone_threshold_st = threshold
    d.baseline_used = cfg.baseline_range_st > 0 or bool(cfg.baseline_level_dbfs)
    w = cfg.window_s
    if span.duration < w:
        d.monotone_reason = f"the answer is shorter than {w:g} s, the window pitch range is judged over"
        return
    # Windows 1 s apart for the verdict; every 5th is kept for the figures.
    starts = [span.start + k for k in range(int(span.duration - w) + 1)]
    windows = [_window(track, a, a + w, cfg) for a in starts]
    d.windows = [x for k, x in enumerate(windows) if k % 5 == 0 or k == len(windows) - 1]
    measured = [x for x in windows if x.range_st is not None]
    if not measured:
        d.monotone_reason = f"no {w:g} s stretch with {cfg.min_voiced_in_window_s:g} s of voiced speech"
        return
    flat = [x for x in measured if x.range_st < threshold]
    d.monotone = len(flat) >= cfg.monotone_share * len(measured)
    d.monotone_reason = (f"{len(flat)} of {len(measured)} windows of {w:g} s kept the pitch within "
                         f"{threshold:.1f} semitones")
    for a, b in _merge([(x.start, x.end) for x in flat]):
        f0 = [f for f in track.span(a, b).f0_hz if f is not None]
        rng = pitch_range_st(f0)
        text = _words_between(words, a, b)
        d.findings.append(DeliveryFinding("monotone", a, b, rng, text, (
            f"Your pitch stayed within {rng:.1f} semitones for {b - a:.0f} s{_quoted(text)}: "
            "lift the words that matter and let statements fall, so the answer does not sound flat.")))


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _words_between(words: Sequence[AlignedWord], a: float, b: float, limit: int = 8) -> str:
    inside = [w.text for w in words if w.kind == WORD and w.start is not None and a <= w.start < b]
    text = " ".join(inside[:limit])
    return text + (" …" if len(inside) > limit else "")


def _quoted(text: str) -> str:
    return f' ("{text}")' if text else ""


def sentences(words: Sequence[AlignedWord]) -> list[list[AlignedWord]]:
    """Timed lexical words grouped into sentences by the transcript's end punctuation."""
    out: list[list[AlignedWord]] = [[]]
    for w in words:
        if w.kind != WORD or w.start is None:
            continue
        out[-1].append(w)
        if w.text.rstrip("\"')]").endswith(SENTENCE_END):
            out.append([])
    return [s for s in out if s]


def _endings(d: Delivery, track: PitchTrack, words: Sequence[AlignedWord], cfg: DeliveryConfig) -> None:
    for sent in sentences(words):
        last = sent[-1]
        statement = not last.text.rstrip("\"')]").endswith("?")
        tail = " ".join(w.text for w in sent[-3:])
        e = Ending(sent[0].start, last.end, tail, statement)
        e.rise_st = _final_rise(track, sent, last)
        e.drop_db = _final_drop(track, sent, last)
        e.uptalk = statement and e.rise_st is not None and cfg.uptalk_rise_st <= e.rise_st <= cfg.max_rise_st
        e.trailing_off = len(sent) >= 3 and e.drop_db is not None and e.drop_db >= cfg.trailing_drop_db
        d.endings.append(e)
        if e.uptalk:
            d.findings.append(DeliveryFinding("uptalk", last.start, last.end, e.rise_st, tail, (
                f'"…{tail}" rose {e.rise_st:.0f} semitones at the end, as a question does: '
                "let a statement fall at its end so it sounds sure.")))
        if e.trailing_off:
            d.findings.append(DeliveryFinding("trailing_off", last.start, last.end, e.drop_db, tail, (
                f'"…{tail}" faded {e.drop_db:.0f} dB below the rest of the sentence: '
                "keep your voice up to the last word.")))
    d.sentences = len(d.endings)
    d.statements = sum(e.statement for e in d.endings)
    d.uptalk_count = sum(e.uptalk for e in d.endings)
    d.trailing_off_count = sum(e.trailing_off for e in d.endings)


def _final_rise(track: PitchTrack, sent: list[AlignedWord], last: AlignedWord) -> float | None:
    """Semitones from the lowest point of the sentence's end to its last
    voiced frames, on 3-frame medians (one stray frame does not count); 0
    when the end stays in the bottom quarter of the sentence's pitch (a fall
    with a small recovery); None when too little of it is voiced or the
    tracker jumped (a step of more than MAX_STEP_ST between neighbouring
    frames is an octave or creak error, not intonation)."""
    # The rise starts on the last stressed syllable: the last word, or the
    # last half second when that word is short. Word ends from the
    # recogniser can be early: look a little past them.
    end_part = track.span(min(last.start, last.end - 0.5), last.end + 0.15)
    frames = [(i, f) for i, f in enumerate(end_part.f0_hz) if f is not None]
    body = [f for f in track.span(sent[0].start, last.end).f0_hz if f is not None]
    if len(frames) < 5 or len(body) < 10:
        return None
    for (i, a), (j, b) in zip(frames, frames[1:]):
        if j == i + 1 and abs(semitones(b, a)) > MAX_STEP_ST:
            return None
    part = [f for _, f in frames]
    smooth = [median(part[min(max(0, i - 1), len(part) - 3): min(max(0, i - 1), len(part) - 3) + 3])
              for i in range(len(part))]
    end = median(smooth[-2:])
    low = min(smooth[:-1])
    if end <= percentile(body, 25.0):
        return 0.0
    return max(0.0, semitones(end, low))


def _final_drop(track: PitchTrack, sent: list[AlignedWord], last: AlignedWord) -> float | None:
    """dB between the sentence's typical word (median of the words' peak
    levels) and the loudest moment of its last half second (at least its
    last word): a short unstressed last word ("it") alone is no fade."""
    def peak(a: float, b: float) -> float | None:
        levels = track.span(a, max(b, a + track.hop_s)).level_db
        return max(levels) if levels else None

    tail_start = min(last.start, last.end - 0.5)
    body = [p for w in sent if w.end <= tail_start and (p := peak(w.start, w.end)) is not None]
    tail = peak(tail_start, last.end)
    if len(body) < 2 or tail is None:
        return None
    return max(0.0, median(body) - tail)


def delivery_findings(d: Delivery, cfg: DeliveryConfig) -> list[tuple[str, str, str, float | None, float | None]]:
    """(rule, severity, message, start, end) for the ranked findings: one per kind."""
    out = []
    mono = [f for f in d.findings if f.kind == "monotone"]
    if mono:
        first = max(mono, key=lambda f: f.end - f.start)
        more = f" ({len(mono)} stretches in all)" if len(mono) > 1 else ""
        out.append(("delivery.monotone", "medium" if d.monotone else "low", first.message + more, first.start, first.end))
    for kind, total, what in (("uptalk", d.statements, "statements ended with a rising pitch (uptalk)"),
                              ("trailing_off", d.sentences, "sentences trailed off")):
        found = [f for f in d.findings if f.kind == kind]
        if found:
            # Medium when it is a habit: twice or more, and in 30% of the sentences or more.
            severe = len(found) >= 2 and len(found) >= 0.3 * max(total, 1)
            out.append((f"delivery.{kind}", "medium" if severe else "low",
                        f"{len(found)} of {total} {what}. " + found[0].message, found[0].start, found[0].end))
    for f in d.findings:
        if f.kind in ("quiet_voice", "quiet_recording"):
            out.append(("delivery.quiet", "medium" if f.kind == "quiet_voice" else "low", f.message, None, None))
    return out
