"""Speech models and measures on speech audio: transcription (faster-whisper), transcription
while the person speaks, held sounds measured on the audio, and the question voices (TTS).

Knows nothing of sessions, banks, the interview loop or the command line.
"""
