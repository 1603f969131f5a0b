"""Batch scoring: a folder (or a list) of recorded answers, on this machine's cores or on a Ray cluster.

    inputs.py      files, folders and CSV lists -> jobs (file, question, company)
    results.py     result keys (content hash + settings), the atomic result folders, resuming
    task.py        the task function both engines run: audio bytes -> feedback (model loaded once per worker)
    local.py       the local engine: a process pool, workers x threads = cores
    ray_engine.py  the Ray engine: an actor pool, results streamed back with ray.wait
    runner.py      plan, dispatch, write each result as it arrives, then the outputs
    outputs.py     summary.csv, index.html and the per-file reports

Workers only compute: they get the audio as bytes and return plain data, and the driver writes
every file, so the same code runs on one machine and on a cluster without a shared disk.
"""
