#!/usr/bin/env bash
# provision-tfjs-node.sh (from ../shared/tools, adopted by the project's set-up) — make @tensorflow/tfjs-node@4.22.0 work offline on linux-x64
# by building its N-API addon against the TensorFlow C library shipped inside a local
# tensorflow-cpu Python wheel (TF 2.21.0 tested), instead of the libtensorflow 2.9.1
# tarball that the package's own install script downloads from Google storage.
#
# Usage (from the project root, i.e. the dir holding package.json):
#   bash provision_tfjs_node.sh            # npm install (if needed) + stage libs + build + smoke test
#   PROVISION_SKIP_NPM_INSTALL=1 bash provision_tfjs_node.sh   # when called from a root "postinstall"
#
# Env knobs:
#   TF_WHEEL=/path/to/tensorflow_cpu-*.whl   (default: `pip download tensorflow-cpu==2.21.0 --no-deps` from the
#                                             package index pip is configured with: a local wheel store on these machines)
#   TFJS_NODE_STRIP=1|0   strip .symtab/.strtab from libtensorflow_cc.so.2 (788 MB -> 583 MB), default 1
#   NODEDIR=/usr          node headers dir (default: `npm config get nodedir`, else /usr if /usr/include/node/node_api.h)
#   FORCE=1               rebuild even if the addon already loads
set -euo pipefail

PROJ=${PROJ:-$(pwd)}
PKG="$PROJ/node_modules/@tensorflow/tfjs-node"
TF_VERSION_WANTED=${TF_VERSION_WANTED:-2.21.0}
STRIP=${TFJS_NODE_STRIP:-1}
log() { echo "[provision-tfjs-node] $*" >&2; }

# 0. npm install without running tfjs-node's downloading install script.
#    (npm >= 11.19 blocks dependency install scripts unless approved in package.json#allowScripts;
#     --ignore-scripts makes this independent of the policy.)
if [[ "${PROVISION_SKIP_NPM_INSTALL:-0}" != 1 && ! -d "$PKG" ]]; then
  log "npm install --ignore-scripts"
  (cd "$PROJ" && npm install --ignore-scripts --no-audit --no-fund)
fi
[[ -f "$PKG/package.json" ]] || { log "missing $PKG (add \"@tensorflow/tfjs-node\": \"4.22.0\" to dependencies)"; exit 1; }

check_load() {
  (cd "$PROJ" && TF_CPP_MIN_LOG_LEVEL=2 node -e "
    const tf = require('@tensorflow/tfjs-node');
    if (tf.getBackend() !== 'tensorflow') throw new Error('backend=' + tf.getBackend());
    const y = tf.conv2d(tf.ones([1,4,4,1]), tf.ones([3,3,1,1]), 1, 'same');
    const s = y.sum().dataSync()[0]; if (s !== 100) throw new Error('conv2d sum ' + s);
    console.log('tfjs-node OK: backend=tensorflow, libtensorflow ' + tf.backend().binding.TF_Version);
  ") >&2
}

if [[ "${FORCE:-0}" != 1 ]] && ls "$PKG"/lib/napi-v*/tfjs_binding.node >/dev/null 2>&1 \
   && [[ -f "$PKG/deps/lib/libtensorflow_cc.so.2" ]] && check_load 2>/dev/null; then
  check_load; log "already provisioned"; exit 0
fi

# 0b. The normal way first: tfjs-node's own installer downloads libtensorflow 2.9.1 and a prebuilt addon. Where that
#     download is not possible (no internet, as on our CI machines), build against the wheel's library instead.
if [[ "${PROVISION_TRY_DOWNLOAD:-1}" == 1 ]]; then
  log "trying tfjs-node's own download (node scripts/install.js)"
  if (cd "$PKG" && timeout 120 node scripts/install.js >/dev/null 2>&1) && check_load 2>/dev/null; then
    check_load; log "provisioned by tfjs-node's own download"; exit 0
  fi
  log "download not possible here; building the addon against the tensorflow-cpu $TF_VERSION_WANTED wheel"
fi

# 1. Locate the tensorflow-cpu wheel (pip's configured index; on these machines a local wheel store).
if [[ -z "${TF_WHEEL:-}" ]]; then
  dl=$(mktemp -d); log "pip download tensorflow-cpu==$TF_VERSION_WANTED (configured index only)"
  python3 -m pip download --no-deps --only-binary=:all: -d "$dl" "tensorflow-cpu==$TF_VERSION_WANTED" >&2
  TF_WHEEL=$(ls "$dl"/tensorflow_cpu-*.whl | head -1)
fi
log "using wheel $TF_WHEEL"

# 2. Extract only the C library + C headers (about 850 MB unpacked, ~6 s).
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
members=(
  'tensorflow/libtensorflow_cc.so.2'
  'tensorflow/libtensorflow_framework.so.2'
  'tensorflow/include/tensorflow/c/*'
  'tensorflow/include/tensorflow/core/platform/ctstring*'
  'tensorflow/include/tsl/platform/*'
  'tensorflow/include/xla/tsl/c/*'
)
if command -v unzip >/dev/null; then
  unzip -q -o "$TF_WHEEL" "${members[@]}" -d "$tmp"
else
  python3 - "$TF_WHEEL" "$tmp" "${members[@]}" <<'PY'
import sys, zipfile, fnmatch
whl, dest, pats = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(whl) as z:
    z.extractall(dest, [n for n in z.namelist() if any(fnmatch.fnmatch(n, p) for p in pats)])
PY
fi

# 3. Stage into the layout binding.gyp expects: deps/include, deps/lib/libtensorflow{,_framework}.so
#    (-ltensorflow -ltensorflow_framework, rpath $ORIGIN/../../deps/lib). The linker records the
#    SONAMEs libtensorflow_cc.so.2 / libtensorflow_framework.so.2, so the real files keep those names.
#    The *.so.2.9.1 names only satisfy scripts/install.js's "already downloaded" check.
rm -rf "$PKG/deps" "$PKG/build" "$PKG"/lib/napi-v*
mkdir -p "$PKG/deps/lib" "$PKG/deps/include"
cp -a "$tmp/tensorflow/include/." "$PKG/deps/include/"
if [[ "$STRIP" == 1 ]] && command -v strip >/dev/null; then
  strip --strip-unneeded -o "$PKG/deps/lib/libtensorflow_cc.so.2" "$tmp/tensorflow/libtensorflow_cc.so.2"
  strip --strip-unneeded -o "$PKG/deps/lib/libtensorflow_framework.so.2" "$tmp/tensorflow/libtensorflow_framework.so.2"
else
  mv "$tmp/tensorflow/libtensorflow_cc.so.2" "$tmp/tensorflow/libtensorflow_framework.so.2" "$PKG/deps/lib/"
fi
rm -rf "$tmp/tensorflow"
( cd "$PKG/deps/lib"
  ln -sf libtensorflow_cc.so.2 libtensorflow.so
  ln -sf libtensorflow_framework.so.2 libtensorflow_framework.so
  ln -sf libtensorflow_cc.so.2 libtensorflow.so.2.9.1
  ln -sf libtensorflow_framework.so.2 libtensorflow_framework.so.2.9.1 )

# 4. Build the addon from source (node-pre-gyp -> npm's bundled node-gyp). node-gyp must not try to
#    download node headers: point it at the local ones.
if [[ -z "${NODEDIR:-}" ]]; then
  NODEDIR=$(cd "$PROJ" && npm config get nodedir 2>/dev/null || true)
  [[ -z "$NODEDIR" || "$NODEDIR" == undefined || "$NODEDIR" == null ]] && NODEDIR=""
  [[ -z "$NODEDIR" && -f /usr/include/node/node_api.h ]] && NODEDIR=/usr
fi
[[ -n "$NODEDIR" ]] || { log "no local node headers: apt-get install nodejs-dev / set NODEDIR"; exit 1; }
log "building addon (nodedir=$NODEDIR)"
( cd "$PKG" && npm_config_nodedir="$NODEDIR" node "$PROJ/node_modules/@mapbox/node-pre-gyp/bin/node-pre-gyp" \
    install --build-from-source --loglevel=warn ) >&2
rm -rf "$PKG/build"   # object files; the .node was copied to lib/napi-vN/

# 5. Smoke test.
check_load
log "done: $(du -sh "$PKG/deps" | cut -f1) in deps/"
