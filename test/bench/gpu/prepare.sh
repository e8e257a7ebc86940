#!/usr/bin/env bash
# Builds .gpu/ for the GPU benchmark (run-on-gpu.sh), on this machine, from the project root:
#   bash test/bench/gpu/prepare.sh
# ../shared/gpu/prepare-gpu-bundle.sh brings what the GPU machine lacks (node binary, Vulkan/GL loader debs, the
# Dawn addon); this adds our WebGPU benchmark bundled into one file (only the native `webgpu` package stays
# outside, tfjs-node is never loaded there) and the script that runs everything there.
set -euo pipefail
cd "$(dirname "$0")/../../.."
shared=${RIDGE_SHARED:-../shared}
[[ -f "$shared/gpu/prepare-gpu-bundle.sh" ]] || { echo "prepare: $shared/gpu/prepare-gpu-bundle.sh not found (set RIDGE_SHARED)"; exit 1; }
if [[ -d .git ]]; then
  bash "$shared/gpu/prepare-gpu-bundle.sh"
else
  # In a git worktree .git is a file and the shared script's `>> .git/info/exclude` fails; .gitignore lists .gpu/.
  bash -c "$(sed '/\.git\/info\/exclude/d' "$shared/gpu/prepare-gpu-bundle.sh")" "$shared/gpu/prepare-gpu-bundle.sh"
fi
npx esbuild test/bench/gpu/webgpu-train.ts --bundle --platform=node --format=esm --log-level=warning \
  --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu \
  --outfile=.gpu/webgpu-train.mjs \
  --banner:js="import {createRequire as __cr} from 'module'; const require = __cr(import.meta.url);"
cp test/bench/gpu/run-on-gpu.sh .gpu/run-gpu-bench.sh
du -sh .gpu
echo "prepare: .gpu/ ready; on the GPU machine, from the project root: bash .gpu/run-gpu-bench.sh"
