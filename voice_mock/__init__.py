"""voice-mock: a local, private, voice-based mock-interview coach."""

import os as _os

__version__ = "0.1.0"

# No network, ever (README, "Privacy"). Some dependencies phone home unless
# told not to, and they read these variables when they load, so they are set
# here, before any of them can be imported. onnxruntime (Silero VAD) queues
# usage events under ~/.cache/Microsoft/DeveloperTools/ and tries to upload
# them; huggingface_hub (faster-whisper's downloader, used only for a model
# the user names with --model) sends telemetry and update checks.
# setdefault: a value the user set explicitly is theirs to keep.
NO_TELEMETRY = {
    "ORT_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_UPDATE_CHECK": "1",
    "DO_NOT_TRACK": "1",  # the cross-tool convention (donottrack.sh), read by huggingface_hub among others
}
for _name, _value in NO_TELEMETRY.items():
    _os.environ.setdefault(_name, _value)
