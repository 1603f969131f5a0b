"""Looking back: the session store, history and trends, comparing takes, and the reports
(HTML, Markdown, JSON). Reads what the interview saved; no devices, no models.
"""
