#!/usr/bin/env bash
# The README's main command: the trigger policies side by side on the
# cyclotron's grids, Tim Peters' queue test included. Does all set-up on a
# fresh machine, builds the release tree (build/release, as scripts/test.sh
# does), then runs every point once per policy, each run in a fresh process:
# the default grid on 1 thread and the default2 grid on 2 threads. Prints one
# table per base policy and thread count: the new default against each base.
#
#   scripts/run_cyclotron.sh                 both grids (1 and 2 threads)
#   scripts/run_cyclotron.sh --threads 2     only the 2-thread grid (--threads 1: only the 1-thread grid)
#   scripts/run_cyclotron.sh --repeat 3      3 interleaved runs per point and policy, tables of medians
#   scripts/run_cyclotron.sh --grid quick    a smoke run of the quick grid
#   scripts/run_cyclotron.sh --ceiling       also each point with --cyc=0 (refcounting alone): t/t0 column
#   scripts/run_cyclotron.sh --resume        keep the runs an interrupted sweep finished
#   scripts/run_cyclotron.sh --plot          also render PNGs (scripts/plot_cyclotron.sh)
#
# NEW (default: $new_default below) is the new policy; BASES (default: every
# one of count, fullpages, rss but NEW) the comma list it is compared with.
# Results (tables, CSV, JSON, per-run time series, logs) go to out/cyclotron/
# (OUT overrides); BUILD_DIR overrides the build tree, JOBS the parallelism.
# Any CYCLEGC_* variable in the environment applies to every run.
set -euo pipefail
cd "$(dirname "$0")/.."
# The library's default trigger: the policy every table compares.
new_default=pressure
threads=""
grid=""
extra_args=()
plot=0
while (($#)); do
  case "$1" in
    --threads) threads=${2:?--threads needs 1 or 2}; shift 2 ;;
    --threads=*) threads=${1#*=}; shift ;;
    --grid) grid=${2:?--grid needs quick, default, default2 or full}; shift 2 ;;
    --grid=*) grid=${1#*=}; shift ;;
    --repeat) extra_args+=(--repeat "${2:?--repeat needs a number}"); shift 2 ;;
    --repeat=*) extra_args+=(--repeat "${1#*=}"); shift ;;
    --ceiling|--resume) extra_args+=("$1"); shift ;;
    --plot) plot=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "run_cyclotron.sh: unknown argument '$1' (accepted: --threads N, --grid NAME, --repeat N, --ceiling, --resume, --plot, --help)" >&2
       exit 2 ;;
  esac
done
[[ -z $threads || $threads =~ ^[1-9][0-9]*$ ]] || { echo "run_cyclotron.sh: --threads '$threads': need a positive integer" >&2; exit 2; }
case "$grid" in ""|quick|default|default2|full) ;; *)
  echo "run_cyclotron.sh: --grid '$grid': accepted grids are quick, default, default2, full" >&2; exit 2 ;;
esac

new=${NEW:-$new_default}
bases=${BASES:-$(for p in count fullpages rss; do [[ $p == "$new" ]] || echo "$p"; done | paste -sd,)}
build_dir=${BUILD_DIR:-build/release}
out=${OUT:-out/cyclotron}
jobs=${JOBS:-$(nproc)}

# Which sweeps: the two README grids, or the one grid / thread count asked for.
sweeps=()
if [[ -n $grid ]]; then
  sweeps+=("$grid:${threads:-}")
elif [[ -z $threads ]]; then
  sweeps+=("default:1" "default2:2")
elif ((threads == 1)); then
  sweeps+=("default:1")
else
  sweeps+=("default2:$threads")
fi

bash scripts/install_deps.sh
mkdir -p "$(dirname "$build_dir")"
echo "=== building $build_dir (log: $build_dir.configure.log) ===" >&2
cmake -S . -B "$build_dir" -DCYCLEGC_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  >"$build_dir.configure.log" 2>&1 || { cat "$build_dir.configure.log"; exit 1; }
cmake --build "$build_dir" -j "$jobs" --target cyclotron

rc=0
sweep_files=()
for sweep in "${sweeps[@]}"; do
  g=${sweep%%:*}
  t=${sweep#*:}
  [[ -n $t ]] || { [[ $g == default2 ]] && t=2 || t=1; }
  echo "=== cyclotron compare: grid $g, threads $t, new $new, bases $bases, out $out ===" >&2
  # One invocation runs each point once per policy; NEW is the new side of
  # every table.
  "$build_dir/benchmarks/cyclotron/cyclotron" compare --base "$bases" --new "$new" \
    --grid "$g" --threads "$t" ${extra_args[@]+"${extra_args[@]}"} --out "$out" || rc=$?
  sweep_files+=("$out/sweep_${g}_t${t}.runs.csv")
done
if ((plot)); then
  # Only this invocation's sweeps, whatever else the directory holds.
  bash scripts/plot_cyclotron.sh "$out" "${sweep_files[@]}"
fi
exit $rc
