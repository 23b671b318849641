#!/usr/bin/env bash
# Builds the payload gpu_check.sh needs on a GPU host that has CUDA 13 / cuDNN 9 but no network,
# no Node.js and no Deno: the Deno binary, the npm packages the worker pool imports, and ONNX
# Runtime 1.29.0's CUDA provider libraries (npm: com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9).
# Everything is packed into one tar.xz, split into chunks of at most 56 MB, each in a folder of its
# own (part-00, part-01, ...) so that a transfer limited to 64 MB can carry one folder at a time,
# with SHA-256 sums of each chunk and of the joined archive.
#
#   bash gpu-workers/scripts/build_gpu_bundle.sh [PAYLOAD_DIR]   (default gpu-workers/scripts/payload)
#
# The payload is ~200 MB and git-ignored: never commit it.
set -euo pipefail
cd "$(dirname "$0")/../.."
payload=${1:-gpu-workers/scripts/payload}
provider_pkg=com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9
export ONNXRUNTIME_NODE_INSTALL=skip

[ -x node_modules/.bin/deno ] || npm ci --no-audit --no-fund
deno_bin=$(node_modules/.bin/deno eval 'console.log(Deno.execPath())')

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/providers"
cp "$deno_bin" "$stage/deno"

# npm packages: Deno keeps them in its cache (nodeModulesDir "none"), so the payload carries a
# Deno cache of its own with every package deno.json imports (Deno checks them all before it
# runs anything offline); other platforms' ORT builds and the Deno npm packages are left out.
DENO_DIR="$stage/deno-dir" node_modules/.bin/deno install --quiet
npm_cache="$stage/deno-dir/npm/registry.npmjs.org"
rm -rf "$npm_cache/deno" "$npm_cache/@deno"
for other in darwin win32 linux/arm64; do
  rm -rf "$npm_cache"/onnxruntime-node/1.29.0/bin/napi-v6/$other
done

# The CUDA provider libraries, straight from the npm registry.
fetch=$(mktemp -d)
(cd "$fetch" && npm pack --silent "$provider_pkg" >/dev/null)
tar -C "$fetch" -xzf "$fetch"/*.tgz \
  package/Plugins/Linux/x64/libonnxruntime_providers_cuda.so \
  package/Plugins/Linux/x64/libonnxruntime_providers_shared.so
mv "$fetch"/package/Plugins/Linux/x64/*.so "$stage/providers/"
rm -rf "$fetch"

rm -rf "$payload"
mkdir -p "$payload"
tar -C "$stage" -cf - . | xz -T0 -6 | split -b 56M -d -a 2 - "$payload/bundle.tar.xz.part-"
(
  cd "$payload"
  sha256sum bundle.tar.xz.part-* > SHA256SUMS
  cat bundle.tar.xz.part-* | sha256sum | sed 's/-$/bundle.tar.xz/' > SHA256SUMS.whole
  for chunk in bundle.tar.xz.part-*; do
    mkdir "part-${chunk##*-}" && mv "$chunk" "part-${chunk##*-}/"
  done
  mv SHA256SUMS SHA256SUMS.whole part-00/
)
du -sh "$payload"/* >&2
echo "payload ready in $payload" >&2
