#!/usr/bin/env bash
# README command 1: set up, then a mock interview on the bundled sample answers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export VOICE_MOCK_HOME="${VOICE_MOCK_HOME:-$PWD/.demo-data}"
exec .venv/bin/voice-mock demo "$@"
