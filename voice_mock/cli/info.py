"""`voice-mock devices` and `voice-mock banks`: what there is to choose from."""

from __future__ import annotations

from voice_mock.errors import UsageError, VoiceMockError

from .common import bank_id, banks_of, store_of, warn


def cmd_devices(args) -> int:
    try:
        import sounddevice as sd
    except OSError as exc:  # PortAudio library missing
        raise VoiceMockError(f"audio is unavailable: {exc}") from None
    devices = sd.query_devices()
    if len(devices) == 0:
        raise VoiceMockError("no audio devices found: no sound card or sound server (PulseAudio, PipeWire) is "
                             "reachable; `voice-mock demo` needs none")
    default_in, default_out = sd.default.device
    for i, d in enumerate(devices):
        marks = ("<" if i == default_in else " ") + (">" if i == default_out else " ")
        print(f"{marks} {i:2d} {d['name']} ({d['max_input_channels']} in, {d['max_output_channels']} out)")
    print("< default input, > default output")
    return 0


def cmd_banks(args) -> int:
    from .render import SafeConsole as Console
    from rich.markup import escape
    from rich.padding import Padding
    from rich.table import Table

    from voice_mock.banks import load_companies

    console = Console(highlight=False)
    store = store_of(args)
    banks = banks_of(store, args.bank)
    only = bank_id(args)
    if only and only not in banks:
        raise UsageError(f"unknown bank '{only}' (have: {', '.join(sorted(banks))})")

    def rows(pairs):
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for left, right in pairs:
            grid.add_row(left, right)
        console.print(Padding(grid, (0, 0, 0, 4)))

    for bank in sorted(banks.values(), key=lambda b: b.id):
        if only and bank.id != only:
            continue
        points = sum(len(q.talking_points) for q in bank.questions)
        flags = sum(len(q.red_flags) for q in bank.questions)
        console.print(f"[bold]{escape(bank.id)}[/] — {escape(bank.title)}: {len(bank.questions)} questions, "
                      f"{points} talking points, {flags} red flags", emoji=False)
        if bank.description:
            console.print(Padding(bank.description, (0, 0, 0, 4)), style="dim", markup=False)
        rows((q.id, q.text) for q in bank.questions)
    problems: list = []
    companies = load_companies(extra_dirs=[store.data_dir / "companies"], errors=problems)
    for problem in problems:
        warn(f"skipped: {problem}")
    console.print("[bold]Company profiles[/] (use with --company):")
    rows((c.id, f"{c.name} — {c.mission}" if c.mission else c.name) for c in sorted(companies.values(), key=lambda c: c.id))
    return 0
