"""Transcribe an answer while it is being spoken.

The recorder hands every block and its VAD probabilities to a
`SegmentingTranscriber`. At each pause after enough speech it closes a
segment (cutting in the middle of the silence, never inside a word) and a
background worker transcribes it.

The last segment is guessed once a silence lasts `end_guess_s` (thrown away if
the person goes on). The last words are peeked at sooner, on a thread of their
own beside the segment work: once a silence lasts `peek_s`, the last seconds of
speech as plain text, so the end-of-turn decision (voice_mock/turn.py) knows
within a second whether the sentence stopped on "and" or sounded finished.
When the segment still open is short (`shared_span_s`), the peek covers all of
it and is the guess too: one encoding of the audio gives the decision its text,
then the transcript its words (WhisperTranscriber.transcribe_end).
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from typing import Callable

import numpy as np

from voice_mock import interrupts
from voice_mock.audio.formats import SAMPLE_RATE
from voice_mock.types import Word
from .evidence import sound_activity
from .segments import FRAME, GUESS_OVERRULED_S, TAIL_PAD_S, Peek, Segment, SegmentSettings, segment_audio, shifted  # noqa: F401 (re-exported)

log = logging.getLogger("voice_mock.streaming")
timing = logging.getLogger("voice_mock.timing")  # --debug: monotonic stamps, read by benchmarks/turn_pulse.py


class SegmentingTranscriber:
    def __init__(self, transcriber, settings: SegmentSettings | None = None,
                 on_segment: Callable[[float], None] | None = None) -> None:
        self.transcriber = transcriber
        self.settings = settings or SegmentSettings()
        self.on_segment = on_segment  # called from the worker with the end (s) of each segment transcribed
        self._chunks: list[np.ndarray] = []
        self._offsets: list[int] = []  # the first sample of each chunk
        self._n = 0  # samples received
        self._frames = 0  # VAD frames received
        self._seg_start = 0
        self._seg_voiced = False
        self._silence_frames = 0
        self._last_voiced_end = 0  # sample where the latest voiced frame ended
        self._best_cut: tuple[int, int] | None = None  # (silence length, sample) of the longest pause so far
        self._guess: Segment | None = None  # the speculative last segment, while the silence lasts
        self.guesses = 0  # speculative transcriptions started (for tests and benchmarks)
        self.peeks = 0  # tail peeks started (for tests and benchmarks)
        self._peek: Peek | None = None  # the last words before the current silence
        self._voiced_frames: list[bool] = []
        self._seq = 0
        self._jobs: queue.PriorityQueue = queue.PriorityQueue()  # segments in order (the end last)
        self._words: list[Word] = []
        self._lock = threading.Lock()
        self.segments: list[Segment] = []
        self.failed: Exception | None = None
        self._closed = False
        self._transcribing = False
        self._worker = threading.Thread(target=self._work, daemon=True, name="transcribe-segments")
        self._worker.start()
        self._peeks: queue.Queue = queue.Queue()  # beside the segments (WhisperSettings.num_workers)
        self._peeking = False
        self._peeks_pending = 0  # queued or running; segment work waits for none (a Condition, not polling)
        self._peeks_idle = threading.Condition()
        self._peeker = threading.Thread(target=self._work_peeks, daemon=True, name="transcribe-last-words")
        if self.settings.peek_s is not None:
            self._peeker.start()
        interrupts.track_worker(self)

    # -- called from the recording thread ----------------------------------
    def push(self, block: np.ndarray, probabilities: list[float]) -> None:
        self._offsets.append(self._n)
        self._chunks.append(np.asarray(block, dtype=np.float32))
        self._n += len(block)
        s = self.settings
        pause_frames = int(round(s.pause_s * SAMPLE_RATE / FRAME))
        guess_frames = int(round(s.end_guess_s * SAMPLE_RATE / FRAME)) if math.isfinite(s.end_guess_s) else -1
        peek_frames = max(1, int(round(s.peek_s * SAMPLE_RATE / FRAME))) if s.peek_s is not None else -1
        long_frames = max(1, int(round(s.long_pause_s * SAMPLE_RATE / FRAME)))
        for p in probabilities:
            self._frames += 1
            self._voiced_frames.append(p >= s.threshold)
            if p >= s.threshold:
                if self._peek is not None:
                    self._peek.cancelled = True
                    self._peek = None
                self._seg_voiced = True
                self._silence_frames = 0
                self._last_voiced_end = self._frames * FRAME
                self._cancel_guess()  # not the end after all
                continue
            self._silence_frames += 1
            if not self._seg_voiced:
                continue
            here = self._frames * FRAME
            mid = here - self._silence_frames * FRAME // 2
            if self._best_cut is None or self._silence_frames >= self._best_cut[0]:
                self._best_cut = (self._silence_frames, mid)
            seg_len = (here - self._seg_start) / SAMPLE_RATE
            if self._silence_frames == peek_frames:
                self._start_peek()
            if self._silence_frames == long_frames and seg_len >= s.long_segment_s and peek_frames >= 0:
                self._close(mid)
            elif self._silence_frames == pause_frames and seg_len >= s.min_segment_s:
                self._close(mid)
            elif self._silence_frames == guess_frames and self._guess is None:
                self._guess = Segment(self._seg_start, mid, min(mid, self._last_voiced_end), speculative=True)
                self.guesses += 1
                self._put(1, self._guess)
        if self._seg_voiced and (self._frames * FRAME - self._seg_start) / SAMPLE_RATE >= s.max_segment_s:
            # A long stretch without a real pause: cut at its longest short silence.
            cut = self._best_cut[1] if self._best_cut else self._frames * FRAME
            self._close(cut)

    def _put(self, priority: int, job) -> None:
        self._seq += 1
        self._jobs.put((priority, self._seq, job))

    def _queue_peek(self, peek: Peek) -> None:
        self._peek = peek
        self.peeks += 1
        with self._peeks_idle:
            self._peeks_pending += 1
        self._peeks.put(peek)

    def _start_peek(self) -> None:
        """Queue the last words before this silence, from a short gap if there is one;
        or, when the open segment is short, all of it as the guessed last segment."""
        s = self.settings
        end = self._last_voiced_end
        if s.shared_min_s <= (end - self._seg_start) / SAMPLE_RATE <= s.shared_span_s and hasattr(
                self.transcriber, "transcribe_end"):
            self._cancel_guess()
            self._guess = Segment(self._seg_start, self._frames * FRAME, end, speculative=True,
                                  by_peek=threading.Event())
            self.guesses += 1
            self._queue_peek(Peek(self._seg_start, end, segment=self._guess))
            return
        span = int(s.peek_span_s * SAMPLE_RATE / FRAME)
        first = max(0, end // FRAME - span)
        # Start in a gap between words where possible, so the first word is whole.
        gaps = [i for i in range(first, max(first, end // FRAME - span // 2)) if not self._voiced_frames[i]]
        start = (gaps[0] if gaps else first) * FRAME
        self._queue_peek(Peek(start, end))

    def peek_pending(self) -> bool:
        """A peek at the last words is queued or running."""
        peek = self._peek
        return peek is not None and peek.text is None and not peek.cancelled and self.failed is None

    def last_words(self) -> str | None:
        """The words said just before the current silence, once transcribed (else None)."""
        peek = self._peek
        return peek.text if peek is not None else None

    def recent_audio(self, end: int, span: int) -> np.ndarray:
        """Samples [end - span, end) of the answer so far, without joining all of it."""
        picked, have, pos = [], 0, self._n
        for chunk in reversed(list(self._chunks)):
            pos -= len(chunk)
            if pos >= end:
                continue
            piece = chunk[: end - pos] if pos + len(chunk) > end else chunk
            picked.append(piece)
            have += len(piece)
            if have >= span:
                break
        audio = np.concatenate(picked[::-1]) if picked else np.zeros(0, dtype=np.float32)
        return audio[-span:]

    def last_voiced_s(self) -> float:
        """Audio time where the latest speech ended."""
        return self._last_voiced_end / SAMPLE_RATE

    def _cancel_guess(self) -> None:
        if self._guess is not None:
            self._guess.cancelled = True
            self._guess = None

    def _close(self, cut: int) -> None:
        guess, shared = self._guess, self._guess is not None and self._guess.by_peek is not None
        if shared and guess.start == self._seg_start and guess.voiced_end == min(cut, self._last_voiced_end):
            # The peek transcribes this very segment: its words are the segment's.
            self._guess = None
            guess.speculative, guess.end = False, cut
        self._cancel_guess()
        if cut <= self._seg_start:
            return
        segment = guess if shared and not guess.speculative else Segment(self._seg_start, cut, min(cut, self._last_voiced_end))
        self.segments.append(segment)
        self._put(1, segment)
        self._seg_start = cut
        self._best_cut = None
        # A long stretch cut at an earlier short pause has speech after the cut.
        self._seg_voiced = self._last_voiced_end > cut

    def words_so_far(self) -> list[Word]:
        """The words of the segments transcribed so far (not a guessed last one), in answer time."""
        with self._lock:
            return sorted(self._words, key=lambda w: w.start)

    def audio(self) -> np.ndarray:
        return np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.float32)

    def finish(self) -> list[Word]:
        """Transcribe what is left and return all words, in answer time.

        If any segment failed, the whole answer is transcribed in one go from
        the recorded audio instead: a worker's fault never loses words. So is
        an answer VAD never heard as speech (whispered: no voicing at all),
        when it has sound in it (speech/evidence.py keeps only words with
        sound under them).
        """
        guess = self._guess
        if guess is not None and self._has_sound_after(guess.end, GUESS_OVERRULED_S):
            # VAD heard silence, but the person went on whispering (no voicing):
            # the guess does not hold the last words; the segment runs to the end.
            self._cancel_guess()
            guess = None
        if guess is not None:
            # Silent since the guess was made: it holds the last words.
            self.segments.append(guess)
            if guess.by_peek is not None:
                self._put(1, guess)  # the worker waits for the peek's words, or transcribes it if none
        elif self._n > self._seg_start and (self._seg_voiced or (self.segments and self._has_sound_after(self._seg_start))):
            self._close(self._n)
        self._put(2, None)
        self._closed = True
        self._stop_peeks()
        self._worker.join()
        if self.failed is not None:
            log.warning("transcribing while recording failed (%s); transcribing the whole answer", self.failed)
            return self.transcriber.transcribe(self.audio())
        if guess is not None:
            self._words.extend(guess.words)
        if not self.segments and self._n and sound_activity(self.audio()).any():
            return self.transcriber.transcribe(self.audio())
        return sorted(self._words, key=lambda w: w.start)

    def _has_sound_after(self, start: int, min_sound_s: float = 0.3) -> bool:
        """Sound after sample `start` that VAD never heard as speech
        (whispered words): it is transcribed too; the evidence rules keep
        only words with sound under them. Measured against the level of the
        whole answer (a tail of silence alone has no speech to compare with)."""
        if self._n <= start:
            return False
        context = min(self._n, self._n - start + 20 * SAMPLE_RATE)
        active = sound_activity(self.recent_audio(self._n, context))
        return bool(active[(context - (self._n - start)) // int(0.02 * SAMPLE_RATE):].sum() * 0.02 >= min_sound_s)

    def busy(self) -> bool:
        """Transcribing in the worker thread right now (native code: see voice_mock.interrupts)."""
        return self._transcribing or self._peeking

    def close(self) -> None:
        """Stop without the last words: queued segments are dropped and the
        segment being transcribed is waited for, so no native model code is
        still running in a thread when the process exits (that aborts it)."""
        if self._closed:
            return
        self._closed = True
        for segment in self.segments:
            segment.cancelled = True
        self._cancel_guess()
        self._put(2, None)
        self._stop_peeks()
        self._worker.join()

    def _stop_peeks(self) -> None:  # the peek queued is dropped (not a segment it carries), the one running waited for
        if self._peek is not None:
            self._peek.cancelled = True
        if self._peeker.is_alive():
            self._peeks.put(None)
            self._peeker.join()

    # -- the worker ---------------------------------------------------------
    def _work(self) -> None:
        while True:
            _, _, segment = self._jobs.get()
            if segment is None:
                return
            with self._peeks_idle:  # the last words first; a running segment is not stopped
                self._peeks_idle.wait_for(lambda: self._peeks_pending == 0)
            if segment.by_peek is not None:
                segment.by_peek.wait()
                if segment.transcribed:
                    self._segment_done(segment)
                    continue
            if self.failed is not None or segment.cancelled:
                continue
            try:
                audio = self._slice(segment)
                offset = segment.start / SAMPLE_RATE
                self._transcribing = True
                try:
                    started = time.monotonic()
                    found = self.transcriber.transcribe(audio)
                finally:
                    self._transcribing = False
                timing.debug("t=%.3f segment %.2f-%.2f s%s transcribed in %.2f s", time.monotonic(), offset,
                             segment.end / SAMPLE_RATE, " (guess)" * segment.speculative, time.monotonic() - started)
                segment.words = shifted(found, offset)
                segment.transcribed = True
                self._segment_done(segment)
            except Exception as exc:  # any fault: fall back to one-shot in finish()
                self.failed = exc

    def _segment_done(self, segment: Segment) -> None:
        if segment.speculative:
            return  # its words are used only if the answer really ended there (finish)
        with self._lock:
            self._words.extend(segment.words)
        if self.on_segment is not None:
            self.on_segment(segment.end / SAMPLE_RATE)

    def _work_peeks(self) -> None:
        while True:
            peek = self._peeks.get()
            if peek is None:
                return
            try:
                if peek.cancelled or self.failed is not None or not self._peeks.empty():
                    continue  # a newer silence has its own peek
                self._peeking = True
                try:
                    self._do_peek(peek)
                finally:
                    self._peeking = False
            finally:
                if peek.segment is not None:
                    peek.segment.by_peek.set()
                with self._peeks_idle:
                    self._peeks_pending -= 1
                    self._peeks_idle.notify_all()

    def _do_peek(self, peek: Peek) -> None:
        if peek.segment is not None:
            return self._do_shared_peek(peek, peek.segment)
        chunks = list(self._chunks)
        audio = np.concatenate(chunks)[peek.start: peek.voiced_end + int(TAIL_PAD_S * SAMPLE_RATE)]
        try:
            started, tail = time.monotonic(), getattr(self.transcriber, "transcribe_tail", None)
            text = (tail(audio, wanted=lambda: not peek.cancelled) if tail
                    else " ".join(w.text for w in self.transcriber.transcribe(audio)))
            if text is None:
                return  # the person went on while the audio was being encoded
            peek.text = text
            timing.debug("t=%.3f peek to %.2f s in %.2f s: %r", time.monotonic(), peek.voiced_end / SAMPLE_RATE,
                         time.monotonic() - started, peek.text)
        except Exception as exc:  # the decision then waits as if nothing was known
            log.warning("could not transcribe the last words (%s)", exc)
            peek.cancelled = True  # nothing to wait for

    def _do_shared_peek(self, peek: Peek, segment: Segment) -> None:
        started = time.monotonic()

        def on_text(text: str) -> bool:
            peek.text = text
            timing.debug("t=%.3f peek to %.2f s (the open segment) in %.2f s: %r", time.monotonic(),
                         peek.voiced_end / SAMPLE_RATE, time.monotonic() - started, text)
            return not segment.cancelled  # the words are wanted unless the person went on

        try:
            found = self.transcriber.transcribe_end(self._slice(segment), on_text, wanted=lambda: not peek.cancelled)
        except Exception as exc:  # the decision waits as if nothing was known; the worker transcribes the segment
            log.warning("could not transcribe the last words (%s)", exc)
            peek.cancelled = True
            return
        if segment.cancelled or peek.text is None or found is None:
            return
        offset = segment.start / SAMPLE_RATE
        segment.words = shifted(found, offset)
        segment.transcribed = True
        timing.debug("t=%.3f segment %.2f-%.2f s (guess) transcribed with the peek in %.2f s", time.monotonic(),
                     offset, peek.voiced_end / SAMPLE_RATE, time.monotonic() - started)

    def _slice(self, segment: Segment) -> np.ndarray:
        """The segment's audio (segments.segment_audio). The recording thread only
        appends; snapshots of the lists are safe."""
        n = min(len(self._chunks), len(self._offsets))
        return segment_audio(self._chunks[:n], self._offsets[:n], segment)
