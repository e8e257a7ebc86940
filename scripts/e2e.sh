#!/usr/bin/env bash
# End-to-end tests: build the CLI and the renderer bundle, then drive Debian Chromium against `ridge serve`.
# Writes test-results/e2e.json (passed/failed counts) and screenshots under test-results/e2e/.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
rm -f test-results/e2e.json
if [[ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]]; then
  echo "e2e: no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium} (npm run setup installs it as root)"
  echo '{"passed":0,"failed":1,"results":[{"name":"chromium present","ok":false}]}' > test-results/e2e.json
  exit 1
fi
npm run --silent build:cli || exit 1
# RIDGE_TEST_HOOKS=1: the renderer keeps its test hooks (window.__ridgeCanvas); production builds drop them.
RIDGE_TEST_HOOKS=1 npx electron-vite build --logLevel warn >/dev/null || { echo "e2e: renderer build failed"; exit 1; }
timeout 600 npx tsx test/e2e/run.ts "$@"
