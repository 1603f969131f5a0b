"""The HTML report in a real browser: headless Chromium (Debian's `chromium`).

The page tests itself when its URL ends in #selftest: it waits for the
answer's audio to load, clicks a word, and writes into <pre id=selftest>
whether the player moved to that word, plus any console errors or uncaught
exceptions. `--dump-dom` gives the page back once its scripts have run.
A screenshot is kept in test-artifacts/ (gitignored).
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from test_review import GOOD, make_session, make_words

from voice_mock.review.report_html import write_session_report

ARTIFACTS = REPO / "test-artifacts"


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("chromium is not installed (scripts/setup.sh installs it)")
    return path


def run_chromium(url: str, tmp_path: Path, *extra: str) -> str:
    args = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--mute-audio", "--autoplay-policy=no-user-gesture-required",
            f"--user-data-dir={tmp_path / 'chromium-profile'}", *extra, url]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def selftest(page: Path, tmp_path: Path) -> dict:
    dom = run_chromium(page.resolve().as_uri() + "#selftest", tmp_path, "--virtual-time-budget=8000", "--dump-dom")
    found = re.search(r'<pre id="selftest">(.*?)</pre>', dom, re.S)
    assert found and found.group(1).strip(), "the page's self-test did not run (script error?)"
    return json.loads(found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


@pytest.fixture
def report_page():
    home = Path(os.environ["VOICE_MOCK_HOME"])
    words = make_words(GOOD, fillers=2) + make_words("and <script>alert(1)</script> too", start=40.0)
    session = make_session(home, "20260101-100000-browser", [("career-aspirations", None, words)])
    return write_session_report(session)


def test_report_in_chromium_click_a_word_moves_the_player(report_page, tmp_path):
    result = selftest(report_page, tmp_path)
    assert result["errors"] == [], result
    assert result["audios"] >= 1 and result["words"] > 20
    assert result["ok"], result  # the player's time moved to the clicked word
    assert abs(result["currentTime"] - result["target"]) < 1.0 and result["before"] < result["target"] - 0.5

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    run_chromium(report_page.resolve().as_uri(), tmp_path, "--hide-scrollbars", "--window-size=1200,1600",
                 f"--screenshot={shot}")
    assert shot.is_file() and shot.stat().st_size > 10_000


def test_selftest_fails_when_clicking_does_not_seek(report_page, tmp_path):
    """The check can fail: with the seek removed, the page reports it."""
    html = report_page.read_text()
    broken = html.replace("if (audio) seek(audio, parseFloat(el.getAttribute('data-t')));", "")
    assert broken != html
    page = tmp_path / "broken.html"
    page.write_text(broken)
    result = selftest(page, tmp_path)
    assert result["ok"] is False


def test_selftest_reports_script_errors(report_page, tmp_path):
    html = report_page.read_text()
    page = tmp_path / "error.html"
    page.write_text(html.replace("</body>", "<script>setTimeout(function(){ undefinedFunction(); }, 0);</script></body>"))
    result = selftest(page, tmp_path)
    assert any("undefinedFunction" in e for e in result["errors"])
