#!/usr/bin/env bash
# Fuzzes the collector with libFuzzer (tests/fuzz): random operation sequences
# checked against a reference model (tests/fuzz/op_interpreter.h).
#
#   scripts/fuzz.sh [--seconds N] [--jobs J] [--build-only]
#
# Builds build/fuzz if needed (clang, ASan+UBSan, CYCLEGC_BUILD_FUZZERS=ON), then
# fuzzes for N seconds (default 60) with J workers (default 1), starting from
# tests/fuzz/corpus; inputs that add coverage go to build/fuzz/corpus, never to
# the source tree. On a crash the input is minimized into
# tests/fuzz/regressions/ (replayed by the hardening ctest in every build) and
# the script fails. Prints the number of executions.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60 jobs=1 build_only=0
while (($#)); do
  case "$1" in
    --seconds) seconds=${2:?--seconds needs a value}; shift 2 ;;
    --jobs) jobs=${2:?--jobs needs a value}; shift 2 ;;
    --build-only) build_only=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument '$1' (accepted: --seconds N, --jobs J, --build-only)" >&2
       exit 2 ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] ||
  { echo "fuzz.sh: --seconds must be a positive integer, not '$seconds'" >&2; exit 2; }
[[ "$jobs" =~ ^[0-9]+$ && "$jobs" -gt 0 ]] ||
  { echo "fuzz.sh: --jobs must be a positive integer, not '$jobs'" >&2; exit 2; }
command -v clang++ >/dev/null ||
  { echo "fuzz.sh: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }

dir=build/fuzz
mkdir -p build
if [[ ! -f $dir/CMakeCache.txt ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCYCLEGC_BUILD_FUZZERS=ON -DCYCLEGC_SANITIZE=address -DCYCLEGC_BUILD_TESTS=OFF \
    -DCYCLEGC_BUILD_BENCHMARKS=OFF >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; exit 1; }
fi
cmake --build "$dir" -j "${JOBS:-$(nproc)}" --target collector_ops_fuzzer
((build_only)) && exit 0

fuzzer=$dir/tests/fuzz/collector_ops_fuzzer
work=$dir/corpus artifacts=$dir/artifacts
mkdir -p "$work" "$artifacts" tests/fuzz/regressions
rm -f "$artifacts"/*
log=$dir/fuzz.log
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
status=0
"$fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=30 -rss_limit_mb=4096 \
  -jobs="$jobs" -workers="$jobs" -print_final_stats=1 -artifact_prefix="$artifacts/" \
  "$work" tests/fuzz/corpus >"$log" 2>&1 || status=$?
# With -jobs libFuzzer writes one log per worker (fuzz-N.log in the cwd).
if ((jobs > 1)); then cat fuzz-*.log >>"$log" 2>/dev/null || true; rm -f fuzz-*.log; fi
execs=$(grep -h '^stat::number_of_executed_units' "$log" | awk '{s += $2} END {print s + 0}')
echo "fuzz: $execs executions in ${seconds}s ($jobs worker(s)); corpus $(ls "$work" | wc -l) inputs"

crash=$(ls "$artifacts" 2>/dev/null | head -n1 || true)
if ((status != 0)) || [[ -n "$crash" ]]; then
  tail -n 60 "$log"
  if [[ -n "$crash" ]]; then
    out=tests/fuzz/regressions/$crash
    "$fuzzer" -minimize_crash=1 -max_total_time=120 -exact_artifact_path="$out" \
      "$artifacts/$crash" >"$dir/minimize.log" 2>&1 || true
    [[ -s "$out" ]] || cp "$artifacts/$crash" "$out"
    echo "fuzz: FAILED; minimized input saved as $out (replay: fuzz_replay $out)" >&2
  else
    echo "fuzz: FAILED (exit $status) without an artifact; see $log" >&2
  fi
  exit 1
fi
echo "fuzz: no crash"
