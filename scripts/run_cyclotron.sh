#!/usr/bin/env bash
# The README's main command: reproduces the runaway-memory case and shows the
# fix side by side. Does all set-up on a fresh machine, builds the release tree
# (build/release, as scripts/test.sh does), then runs the cyclotron's default
# grid once per policy (rss, count, fullpages; each run in a fresh process) and
# prints two tables: base rss vs new fullpages, and base count vs new fullpages.
# About 10 minutes on 2 cores.
#
#   scripts/run_cyclotron.sh                 default grid, 1 workload thread
#   scripts/run_cyclotron.sh --threads 2     every point on 2 threads
#   scripts/run_cyclotron.sh --repeat 3      3 runs per point and policy, tables
#                                            show medians (3x the time)
#   scripts/run_cyclotron.sh --grid quick    a smoke run (about a minute)
#   scripts/run_cyclotron.sh --plot          also render PNGs (scripts/plot_cyclotron.sh)
#
# Results (tables, CSV, JSON, per-run time series, logs) go to out/cyclotron/
# (OUT overrides); BUILD_DIR overrides the build tree, JOBS the parallelism.
# Any CYCLEGC_* variable in the environment applies to every run.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=1
grid=default
repeat=1
plot=0
while (($#)); do
  case "$1" in
    --threads) threads=${2:?--threads needs a number}; shift 2 ;;
    --threads=*) threads=${1#*=}; shift ;;
    --grid) grid=${2:?--grid needs quick, default or full}; shift 2 ;;
    --grid=*) grid=${1#*=}; shift ;;
    --repeat) repeat=${2:?--repeat needs a number}; shift 2 ;;
    --repeat=*) repeat=${1#*=}; shift ;;
    --plot) plot=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "run_cyclotron.sh: unknown argument '$1' (accepted: --threads N, --grid NAME, --repeat N, --plot, --help)" >&2
       exit 2 ;;
  esac
done
[[ $threads =~ ^[1-9][0-9]*$ ]] || { echo "run_cyclotron.sh: --threads '$threads': need a positive integer" >&2; exit 2; }
[[ $repeat =~ ^[1-9][0-9]*$ ]] || { echo "run_cyclotron.sh: --repeat '$repeat': need a positive integer" >&2; exit 2; }
case "$grid" in quick|default|full) ;; *)
  echo "run_cyclotron.sh: --grid '$grid': accepted grids are quick, default, full" >&2; exit 2 ;;
esac

build_dir=${BUILD_DIR:-build/release}
out=${OUT:-out/cyclotron}
jobs=${JOBS:-$(nproc)}

bash scripts/install_deps.sh
mkdir -p "$(dirname "$build_dir")"
echo "=== building $build_dir (log: $build_dir.configure.log) ===" >&2
cmake -S . -B "$build_dir" -DCYCLEGC_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  >"$build_dir.configure.log" 2>&1 || { cat "$build_dir.configure.log"; exit 1; }
cmake --build "$build_dir" -j "$jobs" --target cyclotron

echo "=== cyclotron compare: grid $grid, threads $threads, out $out ===" >&2
# One invocation runs each point once per policy; fullpages is the new side of
# both tables.
rc=0
"$build_dir/benchmarks/cyclotron/cyclotron" compare --base rss,count --new fullpages \
  --grid "$grid" --threads "$threads" --repeat "$repeat" --out "$out" || rc=$?
if ((plot)); then
  bash scripts/plot_cyclotron.sh "$out"
fi
exit $rc
