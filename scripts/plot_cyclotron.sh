#!/usr/bin/env bash
# Renders a cyclotron output directory with gnuplot (Debian: gnuplot-nox) to PNG:
#   plots/<point>_t<threads>.png   RSS and trash over time, one line per policy
#                                  (base and new), for every grid point
#   plots/summary_r-rss_t<threads>.png
#                                  r-rss (new/base peak RSS) over the grid, one
#                                  bar per comparison, log scale
#
#   scripts/plot_cyclotron.sh [OUT_DIR]      default: out/cyclotron
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,9p' "$0"; exit 0 ;; esac
out=${1:-out/cyclotron}
(($# <= 1)) || { echo "plot_cyclotron.sh: one argument at most (the output directory)" >&2; exit 2; }
[[ -d "$out/series" ]] || { echo "plot_cyclotron.sh: '$out' has no series/ directory: run cyclotron compare first" >&2; exit 2; }
command -v gnuplot >/dev/null || bash "$(dirname "$0")/install_deps.sh"
plots="$out/plots"
mkdir -p "$plots"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Series files are named <point>_<policy>_t<threads>.csv (with --repeat,
# <...>_t<threads>_r<k>.csv: the first run is plotted); group them by point.
declare -A groups=()
declare -A suffix=()
for f in "$out"/series/*.csv; do
  [[ -e "$f" ]] || continue
  name=$(basename "$f" .csv)               # chain_c10_e100000_l100_p100_rss_t1
  run=""
  if [[ $name =~ _r([0-9]+)$ ]]; then
    [[ ${BASH_REMATCH[1]} == 1 ]] || continue
    name=${name%_r1}
    run=_r1
  fi
  threads=${name##*_}                      # t1
  rest=${name%_*}                          # chain_c10_e100000_l100_p100_rss
  policy=${rest##*_}
  point=${rest%_*}
  groups["${point}_${threads}"]+="$policy "
  suffix["${point}_${threads}"]=$run
done

n=0
for key in "${!groups[@]}"; do
  point=${key%_*}
  threads=${key##*_}
  plot_rss=()
  plot_trash=()
  dt=1
  for policy in ${groups[$key]}; do
    f="$out/series/${point}_${policy}_${threads}${suffix[$key]}.csv"
    # Dash types differ so a policy hidden under another's line still shows.
    plot_rss+=("'$f' using 1:(\$2/1048576) with lines lw 2 dt $dt title '$policy'")
    plot_trash+=("'$f' using 1:4 with lines lw 2 dt $dt title '$policy'")
    dt=$((dt + 1))
  done
  join() { local IFS=','; echo "$*"; }
  cat >"$tmp/p.gp" <<GP
set terminal pngcairo size 1000,700 font 'sans,10' noenhanced
set output '$plots/${point}_${threads}.png'
set datafile separator ','
set key autotitle columnhead
set multiplot layout 2,1 title '${point//_/ } (${threads#t} thread(s))'
set ylabel 'RSS (MiB)'
set grid
set key top left
plot $(join "${plot_rss[@]}")
set xlabel 'time (s)'
set ylabel 'trash (objects, peak per sample)'
plot $(join "${plot_trash[@]}")
unset multiplot
GP
  gnuplot "$tmp/p.gp"
  n=$((n + 1))
done

# Summary: r-rss per point for every comparison CSV of each thread count.
for threads_csv in $(ls "$out"/compare_*_t*.csv 2>/dev/null | sed -E 's/.*_(t[0-9]+)\.csv/\1/' | sort -u); do
  data="$tmp/summary_$threads_csv.dat"
  titles=()
  first=1
  for csv in "$out"/compare_*_"$threads_csv".csv; do
    base=$(basename "$csv" .csv)            # compare_rss_vs_fullpages_t1
    titles+=("${base#compare_}")
    # label and r_rss (the third-from-last column) in grid order
    awk -F, 'NR > 1 { printf "%s_c%s_e%s_l%s %s\n", $4, $5, $6, $7, $(NF-2) }' "$csv" >"$tmp/col.txt"
    if ((first)); then cp "$tmp/col.txt" "$data"; first=0
    else paste -d' ' "$data" <(cut -d' ' -f2 "$tmp/col.txt") >"$tmp/j" && mv "$tmp/j" "$data"; fi
  done
  cols=""
  for i in "${!titles[@]}"; do
    [[ -n $cols ]] && cols+=", "
    cols+="'$data' using $((i + 2)):xtic(1) title '${titles[$i]//_/ }'"
  done
  cat >"$tmp/s.gp" <<GP
set terminal pngcairo size 1200,600 font 'sans,10' noenhanced
set output '$plots/summary_r-rss_${threads_csv}.png'
set title 'peak RSS new/base over the grid (${threads_csv#t} thread(s)); below 1 = new uses less'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [0.01:10]
set grid ytics
set ylabel 'r-rss (log scale)'
set xtics rotate by -35 scale 0 font ',8'
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb 'black'
plot $cols
GP
  gnuplot "$tmp/s.gp"
  n=$((n + 1))
done
echo "plot_cyclotron.sh: $n PNG files in $plots" >&2
