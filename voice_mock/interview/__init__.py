"""The interview: from answer audio to feedback (pipeline.py), and the loop that asks, records,
analyses and saves (loop.py), shared by `practice` and `demo`.
"""
