"""The batch overview (index.html) in headless Chromium: clicking a column header sorts the rows
by it, numbers as numbers with empty cells last, and a second click reverses the order. The page
sorts itself by every column when its URL ends in #selftest and reports the orders."""

from test_report_browser import ARTIFACTS, run_chromium, selftest

from voice_mock.batch.outputs import index_html

ROWS = [
    {"file": "b.wav", "status": "ok", "score_overall": 70, "words_per_minute": 151.2, "report": "results/b/report.html"},
    {"file": "corrupt.wav", "status": "not a readable audio file (InvalidDataError)"},
    {"file": "a.wav", "status": "ok", "score_overall": 9, "words_per_minute": 98.0, "report": "results/a/report.html"},
    {"file": "c <x>.wav", "status": "ok", "score_overall": 100, "words_per_minute": 1000.5, "report": "results/c/report.html"},
]


def test_overview_sorts_by_a_clicked_column(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(index_html(ROWS))
    orders = selftest(page, tmp_path)
    assert orders["overall"] == [["9", "70", "100", ""], ["100", "70", "9", ""]]  # 9 < 70 < 100: numbers, not text
    assert orders["wpm"][0] == ["98.0", "151.2", "1000.5", ""]
    assert orders["file"][0] == ["a.wav", "b.wav", "c <x>.wav", "corrupt.wav"]
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "batch-index.png"
    shot.unlink(missing_ok=True)
    run_chromium(page.resolve().as_uri(), tmp_path, "--hide-scrollbars", "--window-size=1300,400", f"--screenshot={shot}")
    assert shot.is_file() and shot.stat().st_size > 5_000
