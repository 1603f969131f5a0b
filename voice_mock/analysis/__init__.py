"""The analysis engine: plain data in, `Feedback` out. No I/O of any kind.

- `analyze(words, speech, duration_s, question=None, company=None,
  response_latency_s=None, config=None, steady=None)` for a spoken answer:
  `words` are the raw ASR words (fillers as Whisper wrote them, "Um,"),
  `speech` the VAD speech intervals (no padding, short minimum silence),
  `steady` the steady voiced stretches (voice_mock.speech.acoustics), all in
  seconds from the start of the answer recording; `prosody` the pitch and
  loudness contour (voice_mock.speech.prosody), None when not measured.
- `analyze_text(text, question=None, company=None, config=None)` for a typed
  answer: content and filler phrases only; pacing and pauses not measured.

Modules: config (thresholds), text (tokens, stems, phrases), intervals,
words (the analysed words, read back as evidence), alignment (words vs
audio), pacing, hesitation, content (with answer: look-ups and negation, and
company: the profile's terms), scoring, findings, feedback (the JSON
contract). docs/feedback.md documents the output.
"""

from __future__ import annotations

from typing import Sequence

from voice_mock.types import Company, Interval, PitchTrack, Question, Word

from .alignment import Alignment, align
from .words import WORD, AlignedWord, lexical_tokens, speaking_span, words_from_text
from .config import AnalysisConfig
from .content import analyze_content
from .delivery import delivery_findings, measure_delivery, not_measured
from .meaning import CueScorer
from .feedback import SCHEMA_VERSION, Feedback, FeedbackWord, Finding, Measured, Note, Pacing
from .findings import content_findings, hesitation_findings, pacing_findings, rank
from .hesitation import measure_hesitation, silent_pauses
from .held_pitch import promote_tuned_held_voice, tune_test
from .lengthening import lengthened_words
from .intervals import IntervalIndex
from .pacing import measure_pacing
from .scoring import score

__all__ = ["AnalysisConfig", "Feedback", "Finding", "SCHEMA_VERSION", "analyze", "analyze_text"]


def analyze(
    words: Sequence[Word],
    speech: Sequence[Interval],
    duration_s: float,
    question: Question | None = None,
    company: Company | None = None,
    response_latency_s: float | None = None,
    config: AnalysisConfig | None = None,
    steady: Sequence[Interval] | None = None,
    prosody: PitchTrack | None = None,
    meaning: CueScorer | None = None,
) -> Feedback:
    """`steady`: steady voiced stretches measured on the audio
    (voice_mock.speech.acoustics.steady_voiced), where held "um"/"uh" may be; None
    when the audio was not measured. `meaning`: a sentence-meaning scorer
    (voice_mock.meaning.MeaningMatcher) so talking points and red flags are
    also recognised in the speaker's own words; None: keywords only."""
    cfg = config or AnalysisConfig()
    tune = tune_test(prosody, cfg.alignment)
    aligned = align(words, speech, duration_s, cfg.alignment, steady, tune)
    # Held voice with no word on it is counted when its pitch has a filled pause's tune.
    promote_tuned_held_voice(aligned.words, steady, tune, cfg.alignment)
    kept = aligned.words
    lexical = [w for w in kept if w.kind == WORD]
    tokens = lexical_tokens(kept)
    span = speaking_span(kept, IntervalIndex(aligned.speech))
    silent = silent_pauses(aligned.speech, span, cfg.pauses.counted_s)
    pacing = measure_pacing(lexical, span, silent, cfg.pacing, question, response_latency_s)
    minutes = span.duration / 60.0 if pacing.measured and span else None
    hesitation = measure_hesitation(
        kept, tokens, silent if span else None, cfg.fillers, cfg.pauses, minutes, pacing.measured
    )
    hesitation.lengthened_words = lengthened_words(kept, steady)
    content, missing = analyze_content(kept, tokens, question, company, cfg.content, meaning)
    measured = _audio_notes(aligned, pacing, response_latency_s, cfg)
    measured.not_measured += missing
    delivery = measure_delivery(prosody, kept, aligned.speech, span, cfg.delivery)
    if not delivery.measured:
        measured.not_measured.append(Note("delivery", delivery.reason))

    findings = pacing_findings(pacing, cfg)
    findings += hesitation_findings(hesitation, cfg, span)
    findings += [Finding(*f) for f in delivery_findings(delivery, cfg.delivery)]
    if tokens:  # absent talking points mean nothing when nothing was said
        findings += content_findings(content, cfg, question, company, span)
    if not aligned.speech or not kept:
        findings.append(Finding("speech.none", "high",
            "No speech was found in the answer, so nothing could be measured: check the "
            "microphone and speak after the question.", 0.0, duration_s or None))
    scores = score(pacing, hesitation, content, question, cfg)
    _note_missing_scores(scores, measured.not_measured, question)
    return Feedback(
        transcript=_transcript(kept),
        words=[FeedbackWord(w.text, w.start, w.end, w.probability, w.kind) for w in kept],
        pacing=pacing,
        hesitation=hesitation,
        content=content,
        delivery=delivery,
        findings=rank(findings),
        scores=scores,
        measured=measured,
    )


def analyze_text(
    text: str,
    question: Question | None = None,
    company: Company | None = None,
    config: AnalysisConfig | None = None,
    meaning: CueScorer | None = None,
) -> Feedback:
    cfg = config or AnalysisConfig()
    kept = words_from_text(text.split())
    tokens = lexical_tokens(kept)
    lexical_count = sum(1 for w in kept if w.kind == WORD)
    pacing = Pacing(word_count=lexical_count, target_seconds=list(question.target_seconds) if question else None)
    enough = lexical_count >= cfg.pacing.min_words_for_rate
    hesitation = measure_hesitation(kept, tokens, None, cfg.fillers, cfg.pauses, None, enough)
    content, missing = analyze_content(kept, tokens, question, company, cfg.content, meaning)
    measured = Measured(not_measured=[
        Note("pacing", "typed answer: speech rate, pace and answer length not measured"),
        Note("pauses", "typed answer: silent pauses and filled-pause rates not measured"),
        Note("delivery", "typed answer: pitch and loudness not measured"),
    ] + missing)
    findings = hesitation_findings(hesitation, cfg, None)
    if tokens:
        findings += content_findings(content, cfg, question, company, None)
    else:
        findings.append(Finding("speech.none", "high", "The answer is empty: nothing to judge."))
    scores = score(pacing, hesitation, content, question, cfg)
    _note_missing_scores(scores, measured.not_measured, question)
    return Feedback(
        transcript=" ".join(text.split()),
        words=[FeedbackWord(w.text, None, None, None, w.kind) for w in kept],
        pacing=pacing,
        hesitation=hesitation,
        content=content,
        delivery=not_measured("typed answer: pitch and loudness not measured"),
        findings=rank(findings),
        scores=scores,
        measured=measured,
    )


def _transcript(words: Sequence[AlignedWord]) -> str:
    return " ".join(w.text for w in words)


def _audio_notes(aligned: Alignment, pacing: Pacing, latency: float | None, cfg: AnalysisConfig) -> Measured:
    measured = Measured()
    notes, missing = measured.notes, measured.not_measured
    if not aligned.speech:
        missing.append(Note("speech", "no speech found in the recording"))
    for group in _runs(aligned.dropped):
        text = " ".join(w.text for w in group)
        notes.append(Note("words", f"dropped \"{text}\": transcribed where the audio is silent "
                                   "(likely invented by the recogniser)", group[0].start, group[-1].end))
    for w in aligned.duplicates:
        notes.append(Note("words", f"merged \"{w.text}\" into the filled pause it shares one "
                                   "voiced stretch with", w.start, w.end))
    for iv in aligned.untranscribed:
        notes.append(Note("speech", "voiced stretch with no transcribed words (missed words, "
                                    "laughter or noise?)", iv.start, iv.end))
    if not pacing.measured:
        p = cfg.pacing
        if pacing.speech_start is None:
            why = "no transcribed speech"
        elif pacing.word_count < p.min_words_for_rate:
            why = f"only {pacing.word_count} word{'s' if pacing.word_count != 1 else ''} (need {p.min_words_for_rate})"
        else:
            why = f"only {pacing.duration_s:.1f} s of speech (need {p.min_seconds_for_rate:g})"
        missing.append(Note("pacing", f"speech rate, pace windows and filler rates not measured: {why}"))
    if latency is None:
        lead = f"; the first speech comes {pacing.leading_silence_s:.2f} s into the recording" \
            if pacing.leading_silence_s is not None else ""
        missing.append(Note("response_latency", "not given by the caller" + lead))
    return measured


def _runs(words: Sequence[AlignedWord], gap_s: float = 1.0) -> list[list[AlignedWord]]:
    """Consecutive words (no more than gap_s apart) grouped together."""
    runs: list[list[AlignedWord]] = []
    for w in sorted(words, key=lambda w: w.start):
        if runs and w.start - runs[-1][-1].end <= gap_s:
            runs[-1].append(w)
        else:
            runs.append([w])
    return runs


def _note_missing_scores(scores, notes: list[Note], question: Question | None) -> None:
    if scores.pacing is None:
        notes.append(Note("scores.pacing", "not scored: pacing not measured"))
    if scores.hesitation is None:
        notes.append(Note("scores.hesitation", "not scored: needs timed speech long enough to rate"))
    if scores.content is None:
        why = "no question given" if question is None else "no words"
        notes.append(Note("scores.content", f"not scored: {why}"))
