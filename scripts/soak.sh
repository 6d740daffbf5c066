#!/usr/bin/env bash
# Thread-churn soak (tests/soak/churn_soak.cc): waves of threads attach,
# allocate cycles, hand objects to later threads and exit, with collections in
# between; at the end every object is gone, trash is zero and the full-page
# total equals a page walk; LeakSanitizer (asan tree) or valgrind (--valgrind,
# release tree) reports leaks at shutdown.
#
#   scripts/soak.sh [--seconds S] [--wave W] [--objects K] [--tree asan|tsan|release] [--valgrind]
#
# Builds build/<tree> (default asan, configured as scripts/test.sh does) if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=120 wave=8 objects=300 tree=asan valgrind=0
while (($#)); do
  case "$1" in
    --seconds) seconds=${2:?}; shift 2 ;;
    --wave) wave=${2:?}; shift 2 ;;
    --objects) objects=${2:?}; shift 2 ;;
    --tree) tree=${2:?}; shift 2 ;;
    --valgrind) valgrind=1; tree=release; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$tree" in
  asan) args=(-DCMAKE_BUILD_TYPE=Debug -DCYCLEGC_SANITIZE=address -DCYCLEGC_FAULT_INJECTION=ON) ;;
  tsan) args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCYCLEGC_SANITIZE=thread) ;;
  release) args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  *) echo "soak.sh: --tree must be asan, tsan or release, not '$tree'" >&2; exit 2 ;;
esac
dir=build/$tree
mkdir -p build
if [[ ! -f $dir/CMakeCache.txt ]]; then
  cmake -S . -B "$dir" -DCYCLEGC_WERROR=ON -DCYCLEGC_BUILD_BENCHMARKS=OFF "${args[@]}" \
    >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; exit 1; }
fi
cmake --build "$dir" -j "${JOBS:-$(nproc)}" --target churn_soak
run=("$dir/tests/soak/churn_soak" --seconds "$seconds" --wave "$wave" --objects "$objects")
if ((valgrind)); then
  command -v valgrind >/dev/null || { echo "soak.sh: valgrind not installed" >&2; exit 1; }
  exec valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 "${run[@]}"
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1}
exec "${run[@]}"
