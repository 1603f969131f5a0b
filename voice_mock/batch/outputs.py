"""What a batch leaves in its output folder, besides the result folders: `summary.csv` (one row per
input file) and `index.html` (the same table, sortable, linking each file's report). The per-file
report is the session report's HTML (voice_mock.review), and all text goes through its escaping.
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

from voice_mock.review.report_html import CSS, esc, session_html

SUMMARY_FILE = "summary.csv"
INDEX_FILE = "index.html"
COLUMNS = (
    "file", "question", "company", "status", "duration_s", "words_per_minute", "filled_pauses_per_min",
    "long_pauses", "talking_points_covered", "talking_points_judged", "red_flags",
    "score_pacing", "score_hesitation", "score_content", "score_overall", "feedback", "report",
)
TEXT_COLUMNS = ("file", "question", "company", "status", "feedback", "report")


def measures(feedback: dict) -> dict:
    """The summary's figures from one feedback.json (the contract in docs/feedback.md)."""
    pacing, hes = feedback.get("pacing") or {}, feedback.get("hesitation") or {}
    content, scores = feedback.get("content") or {}, feedback.get("scores") or {}
    points = content.get("talking_points") or []
    judged = [p for p in points if p.get("covered") is not None]
    return {
        "words_per_minute": pacing.get("words_per_minute"),
        "filled_pauses_per_min": hes.get("filled_pauses_per_min"),
        "long_pauses": hes.get("long_pause_count"),
        "talking_points_covered": sum(1 for p in judged if p.get("covered")),
        "talking_points_judged": len(judged),
        "red_flags": len(content.get("red_flags") or []),
        **{f"score_{k}": scores.get(k) for k in ("pacing", "hesitation", "content", "overall")},
    }


def result_files(label: str, question, company, model: str, result: dict) -> dict[str, str]:
    """The files of one scored answer, by name: feedback.json, transcript.json, transcript.txt, report.html."""
    feedback, transcript = result["feedback"], result["transcript"]
    session = {
        "path": Path(label), "mode": "batch", "bank": question.bank, "company": company.id if company else None,
        "model": model, "started": time.strftime("scored %Y-%m-%d %H:%M"),
        "answers": [{"index": 1, "question_id": question.id, "question": question.text, "bank": question.bank,
                     "duration_s": result.get("duration_s"), "feedback": feedback, "transcript": transcript, "dir": None}],
    }
    return {
        "feedback.json": json.dumps(feedback, indent=2, ensure_ascii=False) + "\n",
        "transcript.json": json.dumps(transcript, indent=2, ensure_ascii=False) + "\n",
        "transcript.txt": (feedback.get("transcript") or "") + "\n",
        "report.html": session_html(session, embed_audio=False),
    }


def summary_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(k, row.get(k)) for k in COLUMNS})
    return out.getvalue()


def _csv_cell(column: str, value) -> str:
    if value is None:
        return ""
    text = str(value)
    # A spreadsheet runs a cell starting with = + - @ as a formula: file names and messages are text.
    if column in TEXT_COLUMNS and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


INDEX_CSS = """
table.batch{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
table.batch th,table.batch td{padding:.3rem .5rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
table.batch th{cursor:pointer;user-select:none;background:#f0f0f0;position:sticky;top:0}
table.batch th[aria-sort=ascending]::after{content:' ▲'} table.batch th[aria-sort=descending]::after{content:' ▼'}
table.batch td.num{text-align:right;font-variant-numeric:tabular-nums} tr.failed td{color:#c0392b}
"""

# Click a column header to sort by it (numbers as numbers, empty cells last); click again to reverse.
SORT_JS = r"""
(function(){
  var table = document.querySelector('table.batch'), body = table.tBodies[0];
  table.querySelectorAll('th').forEach(function(th, col){
    th.addEventListener('click', function(){
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function(h){ h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      function key(r){ var c = r.cells[col], v = c.getAttribute('data-v'); return v === null ? c.textContent : v; }
      rows.sort(function(a, b){
        var x = key(a), y = key(b);
        if (x === '' || y === '') return (x === '') - (y === '');
        var nx = parseFloat(x), ny = parseFloat(y), d;
        d = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
        return asc ? d : -d;
      });
      rows.forEach(function(r){ body.appendChild(r); });
    });
  });
  // #selftest: sort by each column both ways and report the orders (tests/test_batch_browser.py).
  var out = document.getElementById('selftest');
  if (location.hash !== '#selftest' || !out) return;
  var result = {};
  table.querySelectorAll('th').forEach(function(th, col){
    var orders = [];
    [0, 1].forEach(function(){
      th.click();
      orders.push(Array.prototype.map.call(body.rows, function(r){ return r.cells[col].textContent; }));
    });
    result[th.textContent] = orders;
  });
  out.textContent = JSON.stringify(result);
})();
"""

INDEX_COLUMNS = (
    ("file", "file"), ("question", "question"), ("company", "company"), ("status", "status"),
    ("duration_s", "length (s)"), ("words_per_minute", "wpm"), ("filled_pauses_per_min", "filled pauses/min"),
    ("long_pauses", "long pauses"), ("talking_points_covered", "points covered"), ("red_flags", "red flags"),
    ("score_pacing", "pacing"), ("score_hesitation", "hesitation"), ("score_content", "content"),
    ("score_overall", "overall"),
)


def index_html(rows: list[dict], title: str = "voice-mock batch") -> str:
    ok = sum(1 for r in rows if r.get("status") == "ok")
    audio = sum(r.get("duration_s") or 0 for r in rows)
    head = "".join(f"<th scope=col>{esc(label)}</th>" for _, label in INDEX_COLUMNS)
    body = [_index_row(r) for r in rows]
    return "\n".join([
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<meta name=viewport content='width=device-width,initial-scale=1'>",
        f"<title>{esc(title)}</title><style>{CSS}{INDEX_CSS}</style></head><body style='max-width:none'>",
        f"<h1>{esc(title)}</h1>",
        f"<p class=meta>{len(rows)} files · {ok} scored · {len(rows) - ok} failed · {audio / 60:.1f} minutes of audio"
        " · click a column to sort, a file to open its report</p>",
        f"<table class=batch><thead><tr>{head}</tr></thead><tbody>", *body, "</tbody></table>",
        f"<pre id=selftest></pre><script>{SORT_JS}</script></body></html>",
    ])


def _index_row(row: dict) -> str:
    cells = []
    for key, _ in INDEX_COLUMNS:
        value = row.get(key)
        if key == "file" and row.get("report"):
            cells.append(f"<td data-v='{esc(value)}'><a href='{esc(row['report'])}'>{esc(value)}</a></td>")
        elif key == "talking_points_covered" and value is not None:
            cells.append(f"<td class=num data-v='{esc(value)}'>{esc(value)} of {esc(row.get('talking_points_judged'))}</td>")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            shown = f"{value:.1f}" if isinstance(value, float) else str(value)
            cells.append(f"<td class=num data-v='{esc(value)}'>{esc(shown)}</td>")
        else:
            cells.append(f"<td>{esc('' if value is None else value)}</td>")
    cls = "" if row.get("status") == "ok" else " class=failed"
    return f"<tr{cls}>" + "".join(cells) + "</tr>"
