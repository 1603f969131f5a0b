"""`voice-mock evaluate`: the analysis against ground truth, synthetic samples
(evaluation/runner.py) and real speech (evaluation/real_runner.py) reported
apart, as tables or JSON."""

from __future__ import annotations

import math

from voice_mock.errors import UsageError, VoiceMockError

from .common import CONTENT_ANSWERS, REAL_DIR, banks_of, load_meaning, load_transcriber, store_of, warn


def cmd_evaluate(args) -> int:
    import json
    from dataclasses import asdict

    from voice_mock.evaluation.real_runner import evaluate_real
    from voice_mock.evaluation.runner import evaluate

    from .evaluate_real import render_real

    from .render import ConsoleUI

    ui = ConsoleUI()
    if getattr(args, "content", False):
        return cmd_evaluate_content(args, ui)
    which = getattr(args, "which", "all")
    if which in ("all", "synthetic") and not args.samples.is_dir():
        raise UsageError(f"{args.samples}: not a folder")
    skipped_real = None
    if which in ("all", "real") and not (args.real / "manifest.json").is_file():
        if args.real != REAL_DIR:
            raise UsageError(f"{args.real}: no manifest.json of real recordings there")
        # An installed package: the real recordings stay in the source repository (tests/data/real).
        skipped_real = ("the real recordings are not installed with the package: they are in the source "
                        "repository's tests/data/real; pass --real FOLDER")
        if which == "real":
            raise UsageError(skipped_real)
        which = "synthetic"
    transcriber = load_transcriber(args, ui)
    out: dict = {"model": transcriber.name}
    if which in ("all", "synthetic"):
        banks = banks_of(store_of(args))
        with ui.console.status("Evaluating…") as status:
            scores, totals = evaluate(args.samples, transcriber, banks,
                                      progress=lambda i, n, name: status.update(f"Evaluating sample {i} of {n}: {name}"))
        if not scores:
            raise VoiceMockError(f"no samples (<id>.flac with <id>.json) in {args.samples}")
        out["synthetic"] = {"samples": [asdict(s) for s in scores], "totals": asdict(totals)}
        if not args.json:
            render_table(ui.console, scores, totals)
    if which in ("all", "real"):
        with ui.console.status("Evaluating real speech…") as status:
            scores, totals = evaluate_real(
                args.real, transcriber, args.split,
                progress=lambda i, n, name: status.update(f"Real speech, clip {i} of {n}: {name}"))
        out["real"] = {"clips": [dict(asdict(s), wer=s.wer, raw_wer=s.raw_wer) for s in scores],
                       "totals": {k: asdict(v) for k, v in totals.items()}}
        if not args.json:
            render_real(ui.console, scores, totals, transcriber.name)
    if args.json:
        print(json.dumps(out, indent=2))
    if skipped_real:
        warn(f"real speech not evaluated: {skipped_real}")
    return 0


def render_table(console, scores, t) -> None:
    """Per-sample figures and the totals (evaluation.runner.SampleScore, Totals)."""
    from rich.table import Table

    table = Table(title="Synthetic speech: the analysis against the ground truth of samples/", header_style="bold")
    for col in ("sample", "fillers tp/fp/fn", "pauses ≥1 s found", "boundary err", "wpm truth", "wpm found",
                "wpm err", "WER", "words in silence"):
        table.add_column(col, justify="right" if col != "sample" else "left")
    for s in scores:
        table.add_row(
            s.id, f"{s.filler_tp}/{s.filler_fp}/{s.filler_fn}", f"{s.long_pauses_found}/{s.long_pauses}",
            "-" if math.isnan(s.boundary_error_s) else f"{s.boundary_error_s * 1000:.0f} ms",
            f"{s.wpm_truth:.0f}", "-" if s.wpm_found is None else f"{s.wpm_found:.0f}",
            f"{s.wpm_error:.1%}", f"{s.wer:.1%}", " ".join(s.words_in_silence) or "0",
        )
    console.print(table)
    console.print(
        f"synthetic · filled pauses listed: precision {t.filler_precision:.2f}, recall {t.filler_recall:.2f}; "
        f"counted: precision {t.counted_precision:.2f}, recall {t.counted_recall:.2f} · "
        f"pauses ≥1 s found within 150 ms: {t.long_pause_recall:.0%} (mean boundary error "
        f"{t.boundary_error_s * 1000:.0f} ms) · worst wpm error {t.worst_wpm_error:.1%} · "
        f"mean WER {t.mean_wer:.1%} · words in silence {t.words_in_silence}"
    )


def cmd_evaluate_content(args, ui) -> int:
    """Keywords alone, then keywords + meaning, on the labelled answers."""
    import json
    from dataclasses import asdict

    from voice_mock.banks import load_companies
    from voice_mock.evaluation.content import evaluate_content, load_answers

    if args.answers == CONTENT_ANSWERS and not args.answers.is_file():
        raise UsageError("the labelled answers are not installed with the package: they are in the source "
                         "repository's tests/data/content/answers.toml; pass --answers FILE")
    answers = load_answers(args.answers)
    if not answers:
        raise VoiceMockError(f"{args.answers}: no [[answers]]")
    store = store_of(args)
    banks = banks_of(store)
    questions = {q.id: q for b in banks.values() for q in b.questions}
    companies = load_companies(extra_dirs=[store.data_dir / "companies"])
    keywords = evaluate_content(answers, questions, companies)
    matcher = load_meaning(store, banks, ui)
    with ui.console.status(f"Judging {len(answers)} answers by meaning…"):
        meaning = evaluate_content(answers, questions, companies, matcher) if matcher.available else None
    if args.json:
        out = {"answers": str(args.answers), "keywords": asdict(keywords),
               "meaning": asdict(meaning) if meaning else None,
               "meaning_unavailable": None if meaning else matcher.reason}
        print(json.dumps(out, indent=2))
        return 0
    render_content(ui.console, keywords, meaning, args.answers)
    if meaning is None:
        ui.console.print(f"meaning model not available ({matcher.reason}): keyword rules only")
    return 0


def render_content(console, keywords, meaning, path) -> None:
    from rich.table import Table

    table = Table(title=f"Content agreement with the hand labels of {path.name}", header_style="bold")
    for col in ("style", "split", "answers", "decisions", "keywords only", "keywords + meaning"):
        table.add_column(col, justify="left" if col in ("style", "split") else "right")
    with_meaning = {(g.style, g.split): g for g in (meaning.groups if meaning else [])}
    for g in keywords.groups:
        m = with_meaning.get((g.style, g.split))
        table.add_row(g.style, g.split, str(g.answers), str(g.decisions), f"{g.agreement:.2f}",
                      f"{m.agreement:.2f}" if m else "-")
    console.print(table)
    shown = meaning or keywords
    # Only the tuning part's disagreements are listed: reading the held-out
    # (and blind) ones invites tuning on them (--json still carries every one).
    tuning = [d for d in shown.misses if d.split == "tuning"]
    held = len(shown.misses) - len(tuning)
    if tuning:
        console.print(f"[dim]Disagreements in the tuning part ({'with meaning' if meaning else 'keywords only'}):[/]")
        for d in tuning:
            verdict = "missed" if d.want else "wrongly found"
            how = f" ({d.method} {d.score:.2f})" if d.method and d.score is not None else ""
            console.print(f"[dim]  {d.answer}: {d.kind} {d.cue} {verdict}{how}[/]")
    if held:
        console.print(f"[dim]{held} disagreements in the held-out parts, not listed (--json has them)[/]")
