"""The real-speech part of `voice-mock evaluate` as a table (evaluation/realspeech.py)."""

from __future__ import annotations


def _pct(x) -> str:
    return "-" if x is None else f"{x:.0%}"


def _two(x) -> str:
    return "-" if x is None else f"{x:.2f}"


def _split(split: str, seen: bool) -> str:
    """A held-out clip studied since is labelled "seen", as in docs/feedback.md."""
    return f"{split}, seen" if seen and split == "heldout" else split


def render_real(console, scores, totals, model: str) -> None:
    from rich.table import Table

    table = Table(title=f"Real speech (tests/data/real), {model}", header_style="bold")
    for col in ("clip", "kind", "split", "words found/ref", "WER", "raw WER", "fillers found/true",
                "possible", "pauses found", "wpm truth", "wpm found"):
        table.add_column(col, justify="left" if col in ("clip", "kind", "split") else "right")
    for s in scores:
        table.add_row(
            s.id, s.kind, _split(s.split, bool(s.seen)),
            f"{s.found_words}/{s.ref_words}" + (" LOST" if s.lost_words else ""),
            f"{s.wer:.0%}", f"{s.raw_wer:.0%}", f"{s.fillers_found}/{s.fillers_true}", str(s.fillers_possible),
            f"{s.pauses_found}/{s.pauses_true}" if s.pauses_true else "-",
            "-" if s.wpm_truth is None else f"{s.wpm_truth:.0f}",
            "-" if s.wpm_found is None else f"{s.wpm_found:.0f}",
        )
    console.print(table)
    for s in scores:
        if s.seen and s.split == "heldout":
            console.print(f"{s.id} (held out) was {s.seen}")
    for name, t in totals.items():
        studied = f"; studied since: {', '.join(t.seen)}" if t.seen and name == "heldout" else ""
        what = f"{_split(name, bool(t.seen))} ({t.clips} clips{studied})"
        console.print(
            f"real speech, {what} · filled pauses by count: precision {t.filler_precision:.2f}, "
            f"recall {t.filler_recall:.2f} · within 0.2 s: precision {_two(t.timed_precision)}, recall "
            f"{_two(t.timed_recall)} · possible (not counted) {t.possible} · WER {t.wer:.1%} (raw faster-whisper "
            f"without a prompt {t.raw_wer:.1%}) · clips with most words lost: {', '.join(t.lost) or 'none'} · "
            f"pauses ≥0.25 s within 150 ms: {_pct(t.pause_recall)} · worst wpm error {_pct(t.worst_wpm_error)}"
        )
