#!/usr/bin/env bash
# The main job on sample data: a generated project goes out through export and back in through import.
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
