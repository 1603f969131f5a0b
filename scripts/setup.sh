#!/usr/bin/env bash
# Installs everything voice-mock needs on Debian/Ubuntu: system packages
# (as root or with sudo) and a virtual environment in .venv. Safe to re-run.
# With --test, also what only the tests need (Chromium for the report test).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# espeak-ng: the pyttsx3 voice; libportaudio2: sounddevice; pulseaudio and
# the ALSA pulse plugin: the virtual microphone and speaker the tests use.
PACKAGES="python3 python3-venv python3-pip espeak-ng libportaudio2 libsndfile1 pulseaudio pulseaudio-utils libasound2-plugins"
EXTRAS="test,piper"
if [ "${1:-}" = "--test" ]; then
  PACKAGES="$PACKAGES chromium"  # the HTML report opened in a real browser
  PACKAGES="$PACKAGES strace util-linux iproute2"  # the no-network test: strace inside `unshare -n` (ip: loopback up for Ray)
  EXTRAS="$EXTRAS,cluster"       # Ray, for the tests of `batch --engine ray`
  EXTRAS="$EXTRAS,base"          # Whisper base, for the tests of `--model base`
fi
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing system packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
# Reinstall only when the project's requirements changed or an extra is missing.
stamp=".venv/.voice-mock-installed"
hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"
installed=1
[ "${have%% *}" = "$hash" ] || installed=0
for extra in ${EXTRAS//,/ }; do
  case ",${have#* }," in *",$extra,"*) ;; *) installed=0 ;; esac
done
if [ "$installed" = 0 ]; then
  echo "setup: installing Python packages into .venv (a few minutes the first time)"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$EXTRAS]"
  echo "$hash $EXTRAS" > "$stamp"
fi
