"""The analysis measured against ground truth: pure metrics (metrics.py) and the runner that feeds
the samples through the product's own path (runner.py, `voice-mock evaluate`).
"""
