#!/usr/bin/env bash
# Renders cyclotron sweeps with gnuplot (Debian: gnuplot-nox) to PNG, from the
# runs a sweep lists (<out>/sweep_<grid>_t<threads>.runs.csv), so files left
# in the directory by earlier sweeps are not mixed in:
#   plots/<point>_t<threads>.png   RSS and trash over time: one line per run,
#                                  every policy and every repeat (same colour
#                                  per policy, dash type per repeat)
#   plots/summary_<grid>_t<threads>.png
#                                  peak RSS / live set of every run, per point
#                                  and policy, log scale
#
#   scripts/plot_cyclotron.sh [OUT_DIR [SWEEP.runs.csv ...]]
#       OUT_DIR default: out/cyclotron; the sweeps default to every
#       sweep_*.runs.csv in it (run_cyclotron.sh passes the ones it just ran).
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,16p' "$0"; exit 0 ;; esac
out=${1:-out/cyclotron}
(($# >= 1)) && shift
sweeps=("$@")
if ((${#sweeps[@]} == 0)); then
  shopt -s nullglob
  sweeps=("$out"/sweep_*.runs.csv)
  shopt -u nullglob
fi
((${#sweeps[@]} > 0)) || { echo "plot_cyclotron.sh: no sweep_*.runs.csv in '$out': run cyclotron compare first" >&2; exit 2; }
for s in "${sweeps[@]}"; do
  [[ -f $s ]] || { echo "plot_cyclotron.sh: '$s' does not exist" >&2; exit 2; }
done
command -v gnuplot >/dev/null || bash "$(dirname "$0")/install_deps.sh"
plots="$out/plots"
mkdir -p "$plots"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
join() { local IFS=','; echo "$*"; }

n=0
for sweep in "${sweeps[@]}"; do
  name=$(basename "$sweep" .runs.csv)     # sweep_default_t1
  # Columns: wl,cycle,extra,live,cyc,threads,policy,repeat,ceiling,series,
  # rss_peak,live_bytes,error. A ceiling run is drawn as "<policy>@cyc0".
  awk -F, 'NR > 1 && $13 == 0 {
      policy = $7 ($9 == 1 ? "@cyc0" : "")
      point = $1 "_c" $2 "_e" $3 "_l" $4 "_t" $6
      print point, policy, $8, $10, $11, $12
    }' "$sweep" >"$tmp/runs.txt"
  declare -A colour=()
  c=1
  for policy in $(cut -d' ' -f2 "$tmp/runs.txt" | sort -u); do
    colour[$policy]=$c
    c=$((c + 1))
  done
  for point in $(cut -d' ' -f1 "$tmp/runs.txt" | awk '!seen[$0]++'); do
    plot_rss=()
    plot_trash=()
    while read -r _ policy repeat series _ _; do
      f="$out/$series"
      [[ -f $f ]] || continue
      style="lw 2 lc ${colour[$policy]} dt $repeat"
      plot_rss+=("'$f' using 1:(\$2/1048576) with lines $style title '$policy #$repeat'")
      plot_trash+=("'$f' using 1:4 with lines $style title '$policy #$repeat'")
    done < <(awk -v p="$point" '$1 == p' "$tmp/runs.txt")
    ((${#plot_rss[@]} > 0)) || continue
    cat >"$tmp/p.gp" <<GP
set terminal pngcairo size 1000,700 font 'sans,10' noenhanced
set output '$plots/${point}.png'
set datafile separator ','
set multiplot layout 2,1 title '${point//_/ } ($name)'
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

  # Summary: every run's peak RSS over its live set, points along x.
  awk '{ if (!($1 in idx)) { idx[$1] = k++; print idx[$1], $1 > "'"$tmp"'/xtics.txt" }
         if ($6 > 0) print idx[$1], $5 / $6, $2 }' "$tmp/runs.txt" >"$tmp/ratios.txt"
  xtics=$(awk '{ printf "%s\"%s\" %s", (NR > 1 ? ", " : ""), $2, $1 }' "$tmp/xtics.txt")
  npoints=$(wc -l <"$tmp/xtics.txt")
  cols=()
  for policy in "${!colour[@]}"; do
    cols+=("'< awk -v p=$policy \"\\\$3 == p\" $tmp/ratios.txt' using 1:2 with points pt 7 ps 1.2 lc ${colour[$policy]} title '$policy'")
  done
  cat >"$tmp/s.gp" <<GP
set terminal pngcairo size 1200,600 font 'sans,10' noenhanced
set output '$plots/summary_${name#sweep_}.png'
set title 'peak RSS / live set, every run ($name)'
set logscale y
set grid ytics
set ylabel 'peak RSS / live set (log scale)'
set xtics ($xtics) rotate by -35 scale 0 font ',8'
set xrange [-0.5:$npoints - 0.5]
plot $(join "${cols[@]}")
GP
  gnuplot "$tmp/s.gp"
  n=$((n + 1))
  unset colour
done
echo "plot_cyclotron.sh: $n PNG files in $plots" >&2
