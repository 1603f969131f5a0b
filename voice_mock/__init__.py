"""voice-mock: a local, private, voice-based mock-interview coach."""

__version__ = "0.1.0"
