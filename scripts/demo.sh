#!/usr/bin/env bash
# The main job on sample data made by the built-in generator:
#  1. a generated project goes out through COCO export and back in through import (both stats printed);
#  2. `ridge demo --quick`: none vs L2 vs weight decay over 2 seeds on a generated project, the table, the
#     verdicts, report.html.
# RIDGE_DEMO_SKIP_TRAIN=1 stops after step 1.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-demo-output}
rm -rf "$out"
mkdir -p "$out"
ridge() { node bin/ridge.cjs "$@"; }
ridge sample "$out/sample" --images 200 --seed 1
ridge export "$out/sample" --format coco --to "$out/export-coco"
ridge init "$out/reimported" --name reimported
ridge import "$out/reimported" --format coco --from "$out/export-coco"
echo
echo "== the generated project =="
ridge stats "$out/sample"
echo
echo "== the same data after COCO export and import =="
ridge stats "$out/reimported"
if [[ "${RIDGE_DEMO_SKIP_TRAIN:-0}" != 1 ]]; then
  echo
  echo "== training: none vs L2 vs weight decay, 2 seeds each (ridge demo --quick) =="
  ridge demo --quick --out "$out/training"
fi
