#!/usr/bin/env bash
# Fails if a lower module of collector/src includes a higher one's header:
# runtime < collect < trigger. Upward calls go through runtime/seams.h. The
# build enforces the same (each module's target sees only its own and lower
# include directories); this check names the offending line.
# Usage: check_layers.sh [collector/src]
set -euo pipefail
src="${1:-$(dirname "$0")/../collector/src}"
rooms=(runtime collect trigger)
rank_of() {  # header name -> rank of the room that holds it, or -1
  local i
  for i in "${!rooms[@]}"; do
    [[ -e "$src/${rooms[$i]}/$1" ]] && { echo "$i"; return; }
  done
  echo -1
}
bad=0
for i in "${!rooms[@]}"; do
  room="${rooms[$i]}"
  [[ -d "$src/$room" ]] || { echo "missing $src/$room"; exit 1; }
  while IFS=: read -r file line inc; do
    header="$(sed -E 's/^#include "([^"]+)".*/\1/' <<<"$inc")"
    r="$(rank_of "$header")"
    if (( r > i )); then
      echo "$file:$line: $room includes $header (${rooms[$r]})"
      bad=1
    fi
  done < <(grep -Hn -E '^#include "[^"/]+"' "$src/$room"/*.h "$src/$room"/*.cc || true)
done
if (( bad )); then
  echo "A lower module includes a higher one; declare the call in seams.h."
  exit 1
fi
echo "layers ok: ${rooms[*]}"
