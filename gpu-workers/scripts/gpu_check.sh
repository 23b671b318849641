#!/usr/bin/env bash
# Runs on the GPU host, from a copy of the repository that carries gpu-workers/scripts/payload
# (see build_gpu_bundle.sh; its part-NN folders may arrive one transfer at a time): checks and
# reassembles the payload, puts its Deno cache (the npm
# packages) and the CUDA provider libraries in place, points LD_LIBRARY_PATH at the host's CUDA 13, cuBLAS and cuDNN 9
# libraries, then runs gpu_check.ts, which writes $OUT/gpu_check.json.
#
#   OUT=/some/dir bash gpu-workers/scripts/gpu_check.sh [gpu_check.ts flags, e.g. --width 4096]
set -euo pipefail
cd "$(dirname "$0")/../.."
payload=${PAYLOAD:-gpu-workers/scripts/payload}
out=${OUT:-./out}
mkdir -p "$out"

echo "== verifying payload chunks" >&2
sums="$payload/part-00/SHA256SUMS"
[ -f "$sums" ] || { echo "no $sums: build the payload with build_gpu_bundle.sh" >&2; exit 2; }
chunks=()
while read -r _ name; do
  chunk="$payload/part-${name##*-}/$name"
  [ -f "$chunk" ] || { echo "missing payload chunk $chunk (carry every part-NN folder)" >&2; exit 2; }
  chunks+=("$chunk")
done < "$sums"
(cd "$payload" && sed -E 's#  (bundle\.tar\.xz\.part-([0-9]+))$#  part-\2/\1#' part-00/SHA256SUMS | sha256sum -c --quiet -)
cat "${chunks[@]}" | sha256sum | sed 's/-$/bundle.tar.xz/' | diff - "$payload/part-00/SHA256SUMS.whole"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# xz if the host has it, else Python's lzma (hosts with PyTorch have Python).
if command -v xz >/dev/null; then unxz=(xz -d); else
  unxz=(python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.stdin.buffer), sys.stdout.buffer)')
fi
cat "${chunks[@]}" | "${unxz[@]}" | tar -C "$work" -xf -
# The payload's Deno cache holds the npm packages (deno.json: nodeModulesDir "none"); the CUDA
# provider libraries go beside onnxruntime-node's binding there.
export DENO_DIR="$work/deno-dir"
ortdir=$(ls -d "$DENO_DIR"/npm/registry.npmjs.org/onnxruntime-node/*/bin/napi-v6/linux/x64)
cp "$work"/providers/*.so "$ortdir"/
deno="$work/deno"
chmod +x "$deno"

# CUDA runtime, cuBLAS(Lt), cuRAND, cuDNN 9: Python's nvidia-* wheels, then any CUDA toolkit.
libdirs=$(
  {
    find / -xdev -type d -path '*site-packages/nvidia/*/lib' 2>/dev/null || true
    # The Python that holds PyTorch may live on another filesystem than / (-xdev skips it).
    python3 -c 'import glob, nvidia; print("\n".join(d for p in nvidia.__path__ for d in glob.glob(p + "/*/lib")))' 2>/dev/null || true
    ls -d /usr/local/cuda*/lib64 /usr/local/cuda*/targets/x86_64-linux/lib 2>/dev/null || true
  } | sort -u | paste -sd: -
)
export LD_LIBRARY_PATH="${libdirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH" > "$out/environment.txt"
(nvidia-smi || echo "nvidia-smi not available") > "$out/nvidia-smi.txt" 2>&1
ldd "$ortdir/libonnxruntime_providers_cuda.so" > "$out/ldd-cuda-provider.txt" 2>&1 || true

# package.json only pins Deno for npx; the bundle brings its own Deno binary.
export DENO_NO_UPDATE_CHECK=1 DENO_NO_PACKAGE_JSON=1
"$deno" --version | head -1 >&2
"$deno" run --allow-all --cached-only "${GPU_CHECK_SCRIPT:-gpu-workers/scripts/gpu_check.ts}" --out "$out" "$@"
