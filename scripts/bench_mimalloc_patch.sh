#!/usr/bin/env bash
# Cost of cyclegc's mimalloc patch on small-object alloc/free loops.
#
#   scripts/bench_mimalloc_patch.sh [build-dir] [rounds]
#
# Runs the same Google Benchmark source built three ways, interleaved for
# `rounds` rounds (default 5) so machine noise hits all alike:
#   patched   mimalloc_patch_bench           (cyclegc's patched mimalloc)
#   pristine  mimalloc_patch_bench_pristine  (unpatched Debian source, same flags)
#   debian    mimalloc_patch_bench_debian    (Debian's libmimalloc.so)
# and prints, per benchmark, the median CPU time of each and the ratios
# patched/pristine and patched/debian (1.00 = no cost; 1.01 = 1% slower).
set -euo pipefail
build=${1:-build}
rounds=${2:-5}
bins=(mimalloc_patch_bench mimalloc_patch_bench_pristine mimalloc_patch_bench_debian)
names=(patched pristine debian)

cmake --build "$build" --target "${bins[@]}" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for ((r = 1; r <= rounds; r++)); do
  for i in "${!bins[@]}"; do
    exe=$(find "$build" -type f -name "${bins[$i]}" -perm -u+x | head -1)
    [[ -n $exe ]] || { echo "missing ${bins[$i]} in $build" >&2; exit 1; }
    "$exe" --benchmark_format=csv --benchmark_min_time=0.2 2>/dev/null |
      awk -F, -v who="${names[$i]}" 'NR > 1 && $1 ~ /^"?BM_/ { gsub(/"/, "", $1); print who, $1, $4 }' \
        >>"$out/all.txt"
  done
  echo "round $r/$rounds done" >&2
done

awk -v rounds="$rounds" '
  function median(key,   n, i, j, t, a) {
    n = split(vals[key], a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { key = $1 SUBSEP $2; vals[key] = vals[key] " " $3; if (!($2 in seen)) { seen[$2] = 1; order[++nb] = $2 } }
  END {
    printf "%-34s %11s %11s %11s %9s %9s\n", "benchmark (median cpu ns, " rounds " rounds)", "patched", "pristine", "debian", "p/prist", "p/deb"
    for (b = 1; b <= nb; b++) {
      name = order[b]
      p = median("patched" SUBSEP name); q = median("pristine" SUBSEP name); d = median("debian" SUBSEP name)
      printf "%-34s %11.1f %11.1f %11.1f %9.3f %9.3f\n", name, p, q, d, p / q, p / d
      lp += log(p / q); ld += log(p / d)
    }
    printf "%-34s %11s %11s %11s %9.3f %9.3f\n", "geometric mean", "", "", "", exp(lp / nb), exp(ld / nb)
  }' "$out/all.txt"
