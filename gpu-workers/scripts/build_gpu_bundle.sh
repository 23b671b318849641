#!/usr/bin/env bash
# Builds the payload gpu_check.sh needs on a GPU host that has CUDA 13 / cuDNN 9 but no network,
# no Node.js and no Deno: the Deno binary, the npm packages the worker pool imports, and ONNX
# Runtime 1.29.0's CUDA provider libraries (npm: com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9).
# Everything is packed into one tar.xz, split into chunks of at most 60 MB, with SHA-256 sums.
#
#   bash gpu-workers/scripts/build_gpu_bundle.sh [PAYLOAD_DIR]   (default gpu-workers/scripts/payload)
#
# The payload is ~150 MB: never commit it (it is not git-ignored only so that a copy of the
# working tree carries it to the GPU host; delete it after the run).
set -euo pipefail
cd "$(dirname "$0")/../.."
payload=${1:-gpu-workers/scripts/payload}
provider_pkg=com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9
ort=onnxruntime-node@1.29.0
export ONNXRUNTIME_NODE_INSTALL=skip

[ -x node_modules/.bin/deno ] || npm ci --no-audit --no-fund
node_modules/.bin/deno install --quiet
deno_bin=$(ls node_modules/.deno/@deno+linux-x64-glibc@*/node_modules/@deno/linux-x64-glibc/deno | head -1)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/providers"
cp "$deno_bin" "$stage/deno"

# npm packages: every package deno.json imports must be there (Deno checks them all before it
# runs anything offline); only other platforms' ORT builds and the Deno npm package are left out.
tar -C . -cf - \
  --exclude='node_modules/.deno/@deno+linux-x64-glibc@*' \
  --exclude="node_modules/.deno/$ort/node_modules/onnxruntime-node/bin/napi-v6/darwin" \
  --exclude="node_modules/.deno/$ort/node_modules/onnxruntime-node/bin/napi-v6/win32" \
  --exclude="node_modules/.deno/$ort/node_modules/onnxruntime-node/bin/napi-v6/linux/arm64" \
  node_modules | tar -C "$stage" -xf -

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
tar -C "$stage" -cf - . | xz -T0 -6 | split -b 60M -d -a 2 - "$payload/bundle.tar.xz.part-"
(cd "$payload" && sha256sum bundle.tar.xz.part-* > SHA256SUMS && cat bundle.tar.xz.part-* | sha256sum | sed 's/-$/bundle.tar.xz/' >> SHA256SUMS.whole)
du -sh "$payload"/* >&2
echo "payload ready in $payload" >&2
