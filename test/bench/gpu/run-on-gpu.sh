#!/usr/bin/env bash
# The GPU benchmark, on a machine with an NVIDIA GPU (see ../shared/gpu/README.md), from the project root with
# .gpu/ built by test/bench/gpu/prepare.sh:   bash .gpu/run-gpu-bench.sh
# Measures in one run, on the same card and the same synthetic batches: the real detector's training img/s on
# WebGPU (Dawn; tfjs's kernels and ours), the PyTorch twin on CUDA, and the twin on this machine's CPU cores.
# Sized to finish in under 8 minutes (each part has its own timeout). Figures go to stdout and, as JSON, to
# $OUT (or .gpu/results) for the README. IMG, WIDTH, BATCH, STEPS override the configuration.
set -uo pipefail
start=$SECONDS
IMG=${IMG:-320} WIDTH=${WIDTH:-0.5} BATCH=${BATCH:-16} STEPS=${STEPS:-8}
# Seconds a part may take: its own cap, and never past 450 s from the start (the whole stays under 8 minutes).
cap() { local left=$((450 - (SECONDS - start))); echo $(( left < $1 ? (left > 5 ? left : 5) : $1 )); }
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
  echo "gpu bench: no NVIDIA GPU here (nvidia-smi is missing or lists no GPU): this script measures a GPU and cannot run on this machine" >&2
  exit 3
fi
[[ -f .gpu/webgpu-train.mjs && -f .gpu/on-gpu-machine.sh ]] || { echo "gpu bench: .gpu/ is incomplete: run test/bench/gpu/prepare.sh first" >&2; exit 1; }
# shellcheck disable=SC1091
source .gpu/on-gpu-machine.sh
results=${OUT:-.gpu/results}
mkdir -p "$results"
status=0
echo "== webgpu: detector ${IMG} px, width ${WIDTH}, batch ${BATCH} =="
t=$(cap 240)
(cd "$GPU_RUN" && timeout "$t" "$NODE" webgpu-train.mjs --img "$IMG" --width "$WIDTH" --batch "$BATCH" --steps "$STEPS" --budget-s $(( t > 90 ? t - 60 : t / 2 + 1 ))) \
  | tee "$results/webgpu.log" || status=1
grep '^RESULT ' "$results/webgpu.log" | sed 's/^RESULT //' > "$results/webgpu.json" || true
py=$(command -v python3 || true)
for dev in cuda cpu; do
  echo "== torch twin on $dev =="
  if [[ -z "$py" ]] || ! "$py" -c 'import torch' 2>/dev/null; then
    echo "torch twin: skipped (no python3 with torch on this machine)"; status=1; continue
  fi
  steps=$([[ $dev == cuda ]] && echo 40 || echo "$STEPS")
  timeout "$(cap 90)" "$py" test/bench/gpu/torch_twin_device.py "$dev" "$IMG" "$WIDTH" "$BATCH" "$steps" \
    | tee "$results/torch-$dev.json" || status=1
done
"$NODE" -e '
const fs = require("fs"); const dir = process.argv[1];
const read = (f) => { try { return JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8")); } catch { return null; } };
const w = read("webgpu.json"), cuda = read("torch-cuda.json"), cpu = read("torch-cpu.json");
const best = w && w.runs && w.runs.length ? Math.max(...w.runs.map((r) => r.imagesPerSecond)) : NaN;
const line = (k, v) => console.log(`${k}: ${Number.isFinite(v) ? v.toFixed(1) : "not measured"}`);
console.log("== summary ==");
line("webgpu img/s (best variant)", best);
line("torch cuda img/s", cuda && cuda.imagesPerSecond);
line("torch cpu img/s", cpu && cpu.imagesPerSecond);
line("ratio webgpu / torch cuda (%)", 100 * best / (cuda && cuda.imagesPerSecond));
line("ratio webgpu / torch cpu", best / (cpu && cpu.imagesPerSecond));
if (w && cuda) console.log(`forward GFLOP/image: ours ${w.forwardGflop.toFixed(3)}, twin ${(cuda.forwardFlops / 1e9).toFixed(3)}`);
' "$results"
echo "gpu bench: $((SECONDS - start)) s in all"
exit $status
