#!/usr/bin/env bash
# Builds cyclegc and runs every test suite; does all set-up on a fresh machine.
#
#   scripts/test.sh            everything CI runs: normal build (warnings as
#                              errors), ASan+UBSan and TSan builds, a short fuzz
#                              run, and the install + examples check
#   scripts/test.sh --quick    the normal build and its tests only
#
# Build trees go to build/<name>; JOBS overrides the parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown argument '$a' (accepted: --quick, --help)" >&2; exit 2 ;;
  esac
done
jobs=${JOBS:-$(nproc)}
bash scripts/install_deps.sh

step() { echo; echo "=== $* ==="; }
build() {  # build <dir> <cmake args...>
  local dir=$1; shift
  cmake -S . -B "$dir" -DCYCLEGC_WERROR=ON "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; return 1; }
  cmake --build "$dir" -j "$jobs"
}
run_ctest() { ctest --test-dir "$1" --output-on-failure -j "$jobs" "${@:2}"; }
mkdir -p build

step "normal build + tests"
build build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo
run_ctest build/release
((quick)) && exit 0

step "ASan+UBSan build + tests"
# Fault-injection sites are compiled into this build (inert until a test arms
# them): tests/hardening/fault_injection_test then runs under ASan+LSan.
build build/asan -DCMAKE_BUILD_TYPE=Debug -DCYCLEGC_SANITIZE=address -DCYCLEGC_BUILD_BENCHMARKS=OFF \
  -DCYCLEGC_FAULT_INJECTION=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 run_ctest build/asan

step "TSan build + tests"
build build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCYCLEGC_SANITIZE=thread -DCYCLEGC_BUILD_BENCHMARKS=OFF
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 run_ctest build/tsan

if [[ -x scripts/fuzz.sh ]]; then
  step "short fuzz run"
  bash scripts/fuzz.sh --seconds "${FUZZ_SECONDS:-60}"
fi

if [[ -x scripts/check_install.sh ]]; then
  step "install + examples against the installed package"
  bash scripts/check_install.sh build/release
fi
echo; echo "all test stages passed"
