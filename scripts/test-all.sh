#!/usr/bin/env bash
# Every test of the project, with one closing line 'N passed, N failed' that sums all suites.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
status=0
step() { echo; echo "== $* =="; }

step "reference tools (pycocotools in .venv-ref, for metric checks)"
bash scripts/setup-reference.sh || status=1

step "build the CLI"
npm run --silent build:cli || status=1

step "typecheck"
npx tsc -p tsconfig.node.json --noEmit && npx tsc -p tsconfig.web.json --noEmit || status=1

step "lint"
npx eslint . || status=1

step "format"
npx prettier --check . >/dev/null || { echo "prettier: files need formatting (npm run format)"; status=1; }

step "unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json || status=1

step "end-to-end tests (Playwright + Chromium against ridge serve; builds the renderer first)"
bash scripts/e2e.sh || status=1

passed=0; failed=0; skipped=0
if [[ -f test-results/vitest.json ]]; then
  read -r p f s < <(node -e 'const r=require("./test-results/vitest.json"); console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests)')
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
else
  failed=$((failed + 1))
fi
if [[ -f test-results/e2e.json ]]; then
  read -r p f < <(node -e 'const r=require("./test-results/e2e.json"); console.log(r.passed, r.failed)')
  passed=$((passed + p)); failed=$((failed + f))
else
  failed=$((failed + 1))
fi
if [[ $passed -eq 0 ]]; then status=1; fi
if [[ $failed -gt 0 ]]; then status=1; fi
echo
echo "checks: typecheck, lint and format $( [[ $status -eq 0 ]] && echo ok || echo 'see above')"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
