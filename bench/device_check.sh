#!/usr/bin/env bash
# The one device check of the trainer's speed (issue 12), for a session lent a GPU machine. Here, first:
#   bash ../shared/device/prepare.sh
# then one `run` with carry [".gpu"] and the command
#   bash .gpu/setup.sh; . /etc/profile.d/gpu.sh; bash bench/device_check.sh
# It writes under $OUT: adapter.txt (what WebGPU sees), gpu_tests.txt (every kernel and GPT test against its
# float64 reference on that adapter), bench.txt (`bench:gpu`: matmul 1024-8192, the three model sizes, the
# per-kernel breakdown and PyTorch on the same machine, with ratios). Each part has its own time limit, so
# one that hangs leaves the others' files; the whole fits in about 8 minutes.
set -u
out=${OUT:-out/device}
mkdir -p "$out"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
run=(deno run --cached-only --no-lock --allow-read --allow-write --allow-env --allow-net --allow-sys --allow-run)

timeout 60 deno eval --cached-only \
  'const a = await navigator.gpu.requestAdapter(); const i = a?.info;
   console.log(i ? [i.vendor, i.architecture, i.device, i.description].join(" | ") : "no adapter")' \
  >"$out/adapter.txt" 2>&1
echo "exit $?" >>"$out/adapter.txt"

# Through the test runner, which ends with "N passed, N failed" and says so on a line of its own when the
# process aborts at exit after every test passed (Deno's teardown fault, bench/README.md "Aborts at exit").
timeout 180 deno run --cached-only --no-lock -A tests/run_all.ts --cached-only --no-lock \
  tests/kernels_*_test.ts tests/gpt_*_test.ts tests/gpu_profile_test.ts >"$out/gpu_tests.txt" 2>&1
echo "exit $?" >>"$out/gpu_tests.txt"

python=$(command -v python3 || true)
timeout 270 "${run[@]}" bench/gpu_bench.ts ${python:+--python "$python"} >"$out/bench.txt" 2>&1
echo "exit $?" >>"$out/bench.txt"
tail -n 40 "$out/bench.txt"
