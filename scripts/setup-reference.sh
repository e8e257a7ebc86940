#!/usr/bin/env bash
# Creates .venv-ref/ (git-ignored) with pycocotools + numpy: the reference the metrics tests compare against.
# With --torch, also the CPU build of torch from the machine's wheel store: the PyTorch twin of the training
# benchmark (test/bench/torch_twin.py); tests never need it.
# Idempotent and quiet: does nothing when the venv already imports the packages asked for.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv-ref
PY="$VENV/bin/python"
PKGS=(pycocotools numpy)
IMPORTS='import numpy, pycocotools.cocoeval'
if [ "${1:-}" = "--torch" ]; then
  PKGS+=(torch)
  IMPORTS="$IMPORTS, torch"
fi

if [ -x "$PY" ] && "$PY" -c "$IMPORTS" >/dev/null 2>&1; then
  exit 0
fi

if [ ! -x "$PY" ]; then
  python3 -m venv "$VENV"
fi
# pip reads the machine's wheel store; keep its chatter (retry warnings) out of the way unless it fails.
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check --retries 0 --timeout 10 "${PKGS[@]}" >"$LOG" 2>&1; then
  cat "$LOG" >&2
  echo "setup-reference: pip could not install ${PKGS[*]} into $VENV" >&2
  exit 1
fi
"$PY" -c "$IMPORTS" >/dev/null
echo "reference venv ready: $VENV (pycocotools $("$PY" -c 'import importlib.metadata as m; print(m.version("pycocotools"))'))"
