"""What the commands share: the data dir, the banks and company of the
command line, the user's config, the speech model, and reading sessions and
writing files with one-line errors. Heavy modules are imported inside the
functions so that `voice-mock --help` stays light."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from voice_mock.bundled import SAMPLES
from voice_mock.errors import UsageError, VoiceMockError

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLES_DIR = SAMPLES  # bundled with the package (voice_mock/bundled.py)
REAL_DIR = REPO_ROOT / "tests" / "data" / "real"
CONTENT_ANSWERS = REPO_ROOT / "tests" / "data" / "content" / "answers.toml"


def warn(message: str) -> None:
    from .terminal import clean

    print(clean(f"voice-mock: warning: {message}"), file=sys.stderr)


def store_of(args):
    from voice_mock.review.session import Store, default_data_dir

    return Store(args.data_dir or default_data_dir())


def banks_of(store, bank: str | None = None):
    """The installed banks, the user's, and a bank file named with --bank."""
    from voice_mock.banks import load_bank, load_banks

    extra_files = []
    if bank and bank.endswith(".toml"):
        load_bank(Path(bank))  # a bank file named on the command line must work: its error is the command's
        extra_files.append(Path(bank))
    problems: list = []
    banks = load_banks(extra_dirs=[store.data_dir / "banks"], extra_files=extra_files, errors=problems)
    for problem in problems:  # one broken user file should not hide the rest
        warn(f"skipped: {problem}")
    return banks


def company_of(args, store):
    if not getattr(args, "company", None):
        return None
    from voice_mock.banks import find_company

    return find_company(companies_of(store), args.company)


def companies_of(store):
    """The installed company profiles and the user's; a broken one is skipped with one line."""
    from voice_mock.banks import load_companies

    problems: list = []
    companies = load_companies(extra_dirs=[store.data_dir / "companies"], errors=problems)
    for problem in problems:
        warn(f"skipped: {problem}")
    return companies


def bank_id(args) -> str | None:
    bank = getattr(args, "bank", None)
    if bank and bank.endswith(".toml"):
        from voice_mock.banks import load_bank

        return load_bank(Path(bank)).id
    return bank


def user_config(args, store):
    """The config file's settings, plus your voice baseline from history
    (pitch range and level, once VOICE_BASELINE_ANSWERS answers were measured)
    unless the file sets one."""
    from dataclasses import replace

    from voice_mock.analysis.config import AnalysisConfig
    from voice_mock.review.history import delivery_baseline, load_all
    from voice_mock.settings import load_user_config

    config = load_user_config(args.config, store.data_dir)
    baseline = delivery_baseline(load_all(store)[0])
    analysis = config.analysis or AnalysisConfig()
    if baseline is None or analysis.delivery.baseline_range_st or analysis.delivery.baseline_level_dbfs:
        return config
    return replace(config, analysis=analysis.merged({"delivery": baseline}))


def load_transcriber(args, ui, background: bool = False):
    """The speech model, loaded and warmed up.

    With `background`, the default model loads while the first question is
    being spoken (a load error then surfaces at the first answer, as one
    line). A model named with --model loads in front, with a spinner: it may
    need a download, and its errors should come before any question.
    """
    import threading

    from voice_mock.speech.transcriber import WhisperSettings, WhisperTranscriber

    t = WhisperTranscriber(WhisperSettings(model=args.model, cache_dir=store_of(args).data_dir / "cache"))
    if background and args.model is None:
        from voice_mock import interrupts

        warm = threading.Thread(target=_warm_quietly, args=(t,), daemon=True, name="model-warm-up")
        warm.start()
        interrupts.track_worker(warm)  # loading the model is native code: a normal exit waits for it
        return t
    with ui.working(f"Loading the speech model ({t.name})"):
        t.warm_up()
    return t


def load_meaning(store, banks, ui=None, background: bool = False):
    """The sentence-meaning matcher for content (voice_mock.meaning) over all
    loaded banks' questions, caching vectors in the data dir. With
    `background` it loads while the first question is spoken; otherwise in
    front, with a spinner. A missing model is not an error: the feedback then
    says content was matched by keywords only."""
    from voice_mock.meaning import background_matcher, cascade

    questions = [q for b in banks.values() for q in b.questions]
    if background:
        return background_matcher(questions, store.data_dir)
    matcher = cascade(questions, store.data_dir)
    if ui is None:
        return matcher.load()
    with ui.working("Loading the meaning model"):
        return matcher.load()


def _warm_quietly(transcriber) -> None:
    try:
        transcriber.warm_up()
    except Exception:  # raised again, as one line, where the model is first used
        logging.getLogger("voice_mock").debug("background model load failed", exc_info=True)


def load_session_ref(store, ref: str) -> dict:
    """A session by reference, or a one-line error when it cannot be used."""
    from voice_mock.review.history import load_checked

    session, problem = load_checked(store.resolve(ref))
    if session is None:
        raise VoiceMockError(problem)
    return session


def answer_of(session: dict, n: int) -> dict:
    for a in session["answers"]:
        if a.get("index") == n:
            return a
    raise UsageError(f"session {session['path'].name} has no question {n} (it has {len(session['answers'])})")


def write_out(path, text: str, is_json: bool = False) -> str:
    """`text` to the file `path`, or to stdout for '-' (its control characters
    shown, not obeyed: terminal.py); returns where it went."""
    if str(path) == "-":
        from .terminal import stdout_text

        sys.stdout.write(stdout_text(text, is_json))
        return "stdout"
    from voice_mock.files import write_atomic

    write_atomic(Path(path), text)  # whole or not at all: a full disk leaves no half file
    return str(path)
