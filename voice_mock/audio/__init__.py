"""Audio without meaning: the format (16 kHz mono float32), decoding and the crash-safe WAV writer,
microphone and clip sources, the recorder, playback, voice activity and the end of an answer.

Knows nothing of speech models, sessions, banks or the command line.
"""
