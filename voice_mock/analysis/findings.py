"""Findings: what to work on, in words a person understands, with evidence.

Every finding has a rule id, a severity, a message and the start/end of its
evidence (for an absence, such as a missing talking point, the whole answer;
None for typed answers). They are ranked by severity, then (within a severity) each rule's first
finding before any rule's second, then by how much the rule matters to an
interviewer (IMPACT: content before delivery, rated fluency before filler
counts, after Kormos & Denes 2004 / Bosker et al. 2013), then by time, so the
first three are three different things most worth working on.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from voice_mock.types import Company, Interval, Question

from .config import AnalysisConfig
from .feedback import Content, Finding, Hesitation, Pacing

SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}
IMPACT = {
    "speech.none": 100,
    "content.red_flag": 10,
    "content.talking_point": 8,
    "content.company": 7,
    "pace.overall": 7,
    "content.relevance": 7,
    "pauses.long": 6,
    "fillers.filled_pauses": 6,
    "fillers.phrases": 5,
    "content.structure": 6,
    "content.negative": 6,
    "answer.length": 5,
    "content.specificity": 5,
    "content.ownership": 4,
    "delivery.monotone": 4,
    "delivery.trailing_off": 3,
    "delivery.uptalk": 3,
    "delivery.quiet": 3,
    "content.structure_balance": 3,
    "content.hedging": 3,
    "disfluency.repetitions": 3,
    "pace.stretch": 2,
    "pace.uneven": 2,
    "latency.long": 2,
    "content.weak_language": 1,
    "hesitation.cluster": 1,
}
# Typed answers have no minutes: per-100-word rates are turned into a rate a
# minute at a nominal conversational 150 wpm (NCVS) to use the same bands.
NOMINAL_WPM = 150.0


def clock(t: float | None) -> str:
    if t is None:
        return ""
    t = max(0.0, t)
    return f"{int(t // 60)}:{int(t % 60):02d}"


def where(times: Sequence[float], span: Interval | None) -> str:
    """"mostly in the first 20 s" when 60% or more of the times fall in one
    third of an answer of 30 s or more; "spread across the answer" otherwise."""
    if span is None or span.duration < 30 or len(times) < 3:
        return ""
    third = span.duration / 3
    counts = Counter(min(2, int((t - span.start) // third)) for t in times)
    part, n = counts.most_common(1)[0]
    if n / len(times) < 0.6:
        return ", spread across the answer"
    if part == 0:
        return f", mostly in the first {third:.0f} s"
    if part == 2:
        return f", mostly in the last {third:.0f} s"
    return f", mostly between {clock(span.start + third)} and {clock(span.start + 2 * third)}"


def _quote(items: Iterable[str], limit: int = 3) -> str:
    counts = Counter(items).most_common(limit)
    return ", ".join(f"{_said(text)} {n} time{'s' if n != 1 else ''}" for text, n in counts)


def _said(text: str) -> str:
    # A filler heard on the audio but not written by the speech model has no
    # spelling; name it as a person would.
    return "an 'um'-like sound" if text == "[um?]" else f"'{text}'"


def _severity_by_rate(rate: float, low: float, medium: float, high: float) -> str | None:
    if rate >= high:
        return "high"
    if rate > medium:
        return "medium"
    if rate > low:
        return "low"
    return None


def pacing_findings(p: Pacing, cfg: AnalysisConfig) -> list[Finding]:
    c = cfg.pacing
    out: list[Finding] = []
    if p.measured and p.words_per_minute is not None:
        wpm = p.words_per_minute
        target = f"{c.target_low_wpm:.0f}-{c.target_high_wpm:.0f}"
        if p.band == "fast":
            sev = "high" if wpm > c.fast_wpm + 30 else "medium"
            out.append(Finding("pace.overall", sev,
                f"You spoke at {wpm:.0f} words a minute, faster than the {target} target: "
                "slow down and let key points land.", p.speech_start, p.speech_end))
        elif p.band == "slow":
            sev = "high" if wpm < c.slow_wpm - 30 else "medium"
            out.append(Finding("pace.overall", sev,
                f"You spoke at {wpm:.0f} words a minute, slower than the {target} target: "
                "shorter pauses and fuller sentences will sound more confident.",
                p.speech_start, p.speech_end))
        for s in sorted(p.stretches, key=lambda s: -(s.end - s.start))[:2]:
            if s.kind == p.band:
                continue  # already said for the whole answer
            verb = "sped up to" if s.kind == "fast" else "slowed to"
            out.append(Finding("pace.stretch", "low",
                f"You {verb} {s.wpm:.0f} words a minute from {clock(s.start)} to {clock(s.end)}.",
                s.start, s.end))
        if p.variation_wpm is not None and p.variation_wpm > c.uneven_std_wpm:
            rates = [w.wpm for w in p.windows]
            out.append(Finding("pace.uneven", "low",
                f"Your pace was uneven: from {min(rates):.0f} to {max(rates):.0f} words a minute "
                f"across {c.window_s:.0f}-second stretches.", p.speech_start, p.speech_end))
    if p.length_verdict in ("short", "long") and p.target_seconds:
        low, high = p.target_seconds
        far = p.duration_s < 0.5 * low if p.length_verdict == "short" else p.duration_s > 1.5 * high
        advice = "add a concrete example and its result" if p.length_verdict == "short" else "cut to the essentials"
        out.append(Finding("answer.length", "medium" if far else "low",
            f"Your answer lasted {p.duration_s:.0f} s; aim for {low:.0f}-{high:.0f} s for this "
            f"question ({advice}).", p.speech_start, p.speech_end))
    if p.response_latency_s is not None and p.response_latency_s > c.long_latency_s:
        out.append(Finding("latency.long", "low",
            f"You took {p.response_latency_s:.1f} s to start answering: a short bridge "
            "(\"Good question, let me think\") keeps the conversation going.",
            0.0, p.speech_start))
    return out


def hesitation_findings(h: Hesitation, cfg: AnalysisConfig, span: Interval | None) -> list[Finding]:
    f = cfg.fillers
    out: list[Finding] = []
    confident = [x for x in h.filled_pauses if x.confidence >= f.min_confidence and x.start is not None]
    if h.filled_pauses_per_min is not None and len(confident) >= f.min_count_for_finding:
        sev = _severity_by_rate(h.filled_pauses_per_min, f.fine_per_min, f.work_per_min, f.serious_per_min)
        if sev:
            unsure = len(h.filled_pauses) - len(confident)
            extra = f" (and {unsure} possible one{'s' if unsure != 1 else ''} marked [um?])" if unsure else ""
            out.append(Finding("fillers.filled_pauses", sev,
                f"You said {_quote(x.text for x in confident)} ({h.filled_pauses_per_min:.1f} a minute)"
                f"{where([x.start for x in confident], span)}{extra}. Pause silently instead.",
                confident[0].start, confident[-1].end))
    phrases = h.filler_phrases
    rate = h.filler_phrases_per_min
    if rate is None and h.filler_phrases_per_100_words is not None:
        rate = h.filler_phrases_per_100_words * NOMINAL_WPM / 100
    if len(phrases) >= f.min_count_for_finding and rate is not None:
        sev = _severity_by_rate(rate, f.fine_per_min, f.work_per_min, f.serious_per_min)
        if sev:
            per = f"{h.filler_phrases_per_min:.1f} a minute" if h.filler_phrases_per_min is not None \
                else f"{h.filler_phrases_per_100_words:.1f} per 100 words"
            times = [x.start for x in phrases if x.start is not None]
            out.append(Finding("fillers.phrases", sev,
                f"Filler phrases: {_quote(x.text for x in phrases)} ({per}){where(times, span)}.",
                phrases[0].start, phrases[-1].end))
    long_pauses = [p for p in h.pauses if p.kind != "counted"]
    inside = [p for p in long_pauses if p.location == "within_clause"]
    weighted = h.weighted_long_pauses_per_min or 0.0
    if long_pauses and (inside or weighted >= 1.0):
        longest = max(long_pauses, key=lambda p: p.duration_s)
        very_inside = any(p.kind == "very_long" for p in inside)
        sev = "high" if weighted >= 3 or very_inside else "medium" if weighted >= 1.5 or inside else "low"
        after = f", after '{longest.before}'" if longest.before else ""
        out.append(Finding("pauses.long", sev,
            f"{len(long_pauses)} pause{'s' if len(long_pauses) != 1 else ''} of "
            f"{cfg.pauses.long_s:g} s or more, {len(inside)} of them mid-sentence (longest "
            f"{longest.duration_s:.1f} s at {clock(longest.start)}{after}). Pauses between "
            "sentences are fine; inside a sentence they sound like lost thread.",
            longest.start, longest.end))
    per100 = h.repetitions_per_100_words
    events = sorted(list(h.repetitions) + list(h.restarts), key=lambda r: (r.start is None, r.start or 0))
    if per100 is not None and len(events) >= 2 and per100 > f.repetitions_per_100_words:
        sev = "medium" if per100 > 2 * f.repetitions_per_100_words else "low"
        first = events[0]
        at = f" at {clock(first.start)}" if first.start is not None else ""
        out.append(Finding("disfluency.repetitions", sev,
            f"You repeated or restarted {len(events)} time{'s' if len(events) != 1 else ''} "
            f"(e.g. '{first.text}'{at}): finish the thought you started.",
            first.start, events[-1].end))
    big = [c for c in h.clusters if c.count >= 4]
    if big:
        c = max(big, key=lambda c: c.count)
        out.append(Finding("hesitation.cluster", "low",
            f"Hesitation bunched up from {clock(c.start)} to {clock(c.end)} ({c.count} events: "
            f"{', '.join(k.replace('_', ' ') for k in c.kinds)}): that part may need more preparation.",
            c.start, c.end))
    return out


def content_findings(
    c: Content, cfg: AnalysisConfig, question: Question | None, company: Company | None,
    span: Interval | None,
) -> list[Finding]:
    cc = cfg.content
    start, end = (span.start, span.end) if span else (None, None)
    out: list[Finding] = []
    for flag in c.red_flags:
        ev = flag.evidence[0]
        at = f" at {clock(ev.start)}" if ev.start is not None else ""
        out.append(Finding("content.red_flag", "high",
            f"{flag.label}: you said \"{ev.text}\"{at}. {flag.advice}".strip(), ev.start, ev.end))
    cues = {cue.id: cue for cue in question.talking_points} if question else {}
    for tp in c.talking_points:
        if tp.covered is False:
            cue = cues.get(tp.id)
            company_cue = cue is not None and cue.company
            rule = "content.company" if company_cue else "content.talking_point"
            who = f" ({company.name})" if company_cue and company else ""
            out.append(Finding(rule, "medium",
                f"Not covered: {tp.label}{who}. {tp.advice}".strip(), start, end))
    missing = [p for p in c.structure if not p.found]
    if c.structure and missing and c.word_count >= cc.min_words_for_content:
        labels = ", ".join(p.label for p in missing)
        out.append(Finding("content.structure", "medium",
            f"Your answer had no clear {labels}: structure it as "
            f"{' - '.join(p.label for p in c.structure)}.", start, end))
    if len(c.structure) >= 2 and not missing:
        setup = c.structure[: len(c.structure) // 2]
        share = sum(p.share for p in setup)
        if share > cc.max_setup_share:
            out.append(Finding("content.structure_balance", "low",
                f"{share:.0%} of your answer went to {' and '.join(p.label for p in setup)}: "
                "spend more of it on what you did and what came of it.",
                setup[0].start, setup[-1].end))
    enough = c.word_count >= cc.min_words_for_content
    if enough and c.relevance is not None and c.relevance < cc.low_relevance:
        out.append(Finding("content.relevance", "medium",
            f"Your answer touched little of what the question asks about ({c.relevance:.0%} of "
            "its key words and talking points): answer the question that was asked.", start, end))
    if enough and c.specificity.count == 0:
        out.append(Finding("content.specificity", "medium",
            "No numbers, names or examples: add one concrete example with a figure.", start, end))
    hedges = c.hedging.per_100_words
    if hedges is not None and c.hedging.count >= 2 and hedges >= cc.hedges_per_100_words_low:
        sev = "medium" if hedges >= cc.hedges_per_100_words_medium else "low"
        out.append(Finding("content.hedging", sev,
            f"Hedging: {_quote(e.text.lower() for e in c.hedging.evidence)}: say what you know plainly.",
            c.hedging.evidence[0].start, c.hedging.evidence[-1].end))
    weak = c.weak_language
    if weak.count >= 3 and (weak.per_100_words or 0) >= 2:
        out.append(Finding("content.weak_language", "low",
            f"Weak wording: {_quote(e.text.lower() for e in weak.evidence)}.",
            weak.evidence[0].start, weak.evidence[-1].end))
    own = c.ownership
    behavioural = question is not None and (question.structure or question.category.startswith("behav"))
    if behavioural and own.we >= 5 and own.i_share is not None and own.i_share < 1 / 3:
        out.append(Finding("content.ownership", "low",
            f"You said 'we' {own.we} times and 'I' {own.i} times: say what you did yourself.",
            start, end))
    if c.negative_framing.count:
        ev = c.negative_framing.evidence
        out.append(Finding("content.negative", "medium",
            f"Negative framing: {_quote(e.text.lower() for e in ev)}: describe problems without "
            "blaming or disparaging.", ev[0].start, ev[-1].end))
    return out


def rank(findings: Iterable[Finding]) -> list[Finding]:
    """Most important first: by severity; within a severity, each rule's
    first finding before any rule's second (so three missing talking points
    do not crowd out a filler problem of the same severity), then by the
    rule's IMPACT, then by time."""
    def base(f: Finding):
        return (-SEVERITY_RANK[f.severity], -IMPACT.get(f.rule, 0),
                f.start if f.start is not None else float("inf"))

    seen: Counter = Counter()
    keyed = []
    for f in sorted(findings, key=base):
        nth = seen[(f.severity, f.rule)]
        seen[(f.severity, f.rule)] += 1
        keyed.append(((-SEVERITY_RANK[f.severity], nth) + base(f)[1:], f))
    return [f for _, f in sorted(keyed, key=lambda kf: kf[0])]
