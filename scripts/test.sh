#!/usr/bin/env bash
# README command 2: set up, then the whole test suite. The PulseAudio server
# with a virtual microphone and speaker is started by the tests that use it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
exec .venv/bin/python -m pytest -q -rs "$@"
