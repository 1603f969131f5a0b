"""`voice-mock batch`: score a folder (or a list) of recorded answers on this machine's cores
(`--engine local`) or on Ray (`--engine ray`), with a progress bar; one row per file in
DIR/summary.csv and DIR/index.html. Exit 1 when any file failed."""

from __future__ import annotations

import sys
import time

from voice_mock.errors import UsageError

from .common import banks_of, store_of, user_config, warn


def cmd_batch(args) -> int:
    from pathlib import Path

    from voice_mock.banks import find_company, find_question, load_companies
    from voice_mock.batch.inputs import collect_jobs
    from voice_mock.batch.runner import run_batch
    from voice_mock.batch.task import model_fingerprint

    store = store_of(args)
    engine = make_engine(args, store.data_dir)
    banks = banks_of(store, args.bank)
    companies = load_companies(extra_dirs=[store.data_dir / "companies"])
    # The command line's own question and company must exist: a typo would fail every row.
    if args.question:
        find_question(banks, args.question)
    if args.company:
        find_company(companies, args.company)
    config = user_config(args, store).analysis
    jobs = collect_jobs(args.inputs, args.question, args.company, warn=warn)
    progress = BatchProgress()
    try:
        report = run_batch(
            jobs, Path(args.out), find_question=lambda q: find_question(banks, q),
            find_company=lambda c: find_company(companies, c), model=model_fingerprint(args.model),
            config=config, engine=engine, progress=progress,
        )
    except KeyboardInterrupt:
        print(f"\nvoice-mock: interrupted; finished results are kept in {args.out}: "
              "run the same command again to continue", file=sys.stderr)
        return 130
    print_report(report, args.out, progress)
    return 1 if report.failed else 0


def make_engine(args, data_dir):
    from voice_mock.speech.transcriber import available_cores

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.ray_address and args.engine != "ray":
        raise UsageError("--ray-address needs --engine ray")
    cores = available_cores()
    if args.engine == "ray":
        from voice_mock.batch.ray_engine import RayEngine, import_ray, local_temp_dir

        import_ray(local=not args.ray_address)  # a missing extra is a usage error before any work
        threads = max(1, cores // args.jobs) if args.jobs and not args.ray_address else 1
        cpus = max(cores, (args.jobs or 0) * threads)  # a local Ray gets the CPUs asked for
        temp_dir = None if args.ray_address else local_temp_dir(data_dir)  # Ray's files stay in the data dir
        return RayEngine(args.ray_address, args.jobs, threads, cpus=cpus, model=args.model, temp_dir=temp_dir)
    from voice_mock.batch.local import LocalEngine

    jobs = args.jobs or cores
    return LocalEngine(jobs, max(1, cores // jobs), args.model)


class BatchProgress:
    """A rich progress bar on a terminal (files done, audio scored × real time, time left); elsewhere
    one line per file, so a log of a long run shows where it is."""

    def __init__(self) -> None:
        from .render import SafeConsole  # file names and messages are outside text: shown, never obeyed

        self.console = SafeConsole(stderr=True, highlight=False, soft_wrap=True, markup=False)
        self.live = self.console.is_terminal
        self.bar = None
        self.audio_s = 0.0
        self.done = 0
        self.total = 0
        self.started = time.perf_counter()

    def start(self, total: int, done_before: int, engine: str | None) -> None:
        self.total, self.started = total, time.perf_counter()
        if done_before:
            self.console.print(f"{done_before} file{'s' if done_before != 1 else ''} already scored (kept)")
        if not total:
            return
        self.console.print(f"Scoring {total} file{'s' if total != 1 else ''} on {engine}")
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]}"), TextColumn("·"), TimeRemainingColumn(),
                                TextColumn("left"), console=self.console, transient=False)
            self.task = self.bar.add_task("files", total=total, rate="starting workers…")
            self.bar.start()

    def advance(self, row: dict, audio_s: float) -> None:
        self.done += 1
        self.audio_s += audio_s
        rate = self.rate()
        if row["status"] != "ok":
            from rich.text import Text

            self.console.print(Text.assemble(("failed ", "red"), f"{row['file']}: {row['status']}"))
        if self.bar is not None:
            self.bar.update(self.task, advance=1, rate=f"{rate:.1f}× real time" if rate else "")
        else:
            self.console.print(f"[{self.done}/{self.total}] {row['file']}: "
                               + ("ok" if row["status"] == "ok" else "failed")
                               + (f" · {rate:.1f}× real time" if rate else ""))

    def rate(self) -> float:
        """Audio hours scored per hour of wall time (the same as audio seconds per second)."""
        wall = time.perf_counter() - self.started
        return self.audio_s / wall if wall > 0 else 0.0

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def print_report(report, out, progress: BatchProgress) -> None:
    console = progress.console
    if report.scored:
        console.print(f"Scored {report.scored} file{'s' if report.scored != 1 else ''} "
                      f"({report.audio_s / 60:.1f} min of audio) in {report.wall_s:.1f} s: "
                      f"{report.audio_s / report.wall_s if report.wall_s else 0:.1f} s of audio per second")
    ok = len(report.rows) - report.failed
    console.print(f"{len(report.rows)} files: {ok} ok, {report.failed} failed"
                  + (f", {report.skipped} kept from an earlier run" if report.skipped else ""))
    if report.retry_later:
        console.print(f"{len(report.retry_later)} failed for reasons not of the file's making; a re-run tries them again")
    console.print(f"Summary: {out}/summary.csv · overview: {out}/index.html")
