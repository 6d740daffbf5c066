#!/usr/bin/env bash
# Fails unless the dynamic symbol table of libcyclegc.so holds exactly the C API:
# every defined symbol is a cgc_* function declared CGC_API in the public
# headers, and every such declaration is exported.
#
#   check_exports.sh <libcyclegc.so> <include-dir>
set -euo pipefail
lib=${1:?usage: check_exports.sh <libcyclegc.so> <include-dir>}
inc=${2:?usage: check_exports.sh <libcyclegc.so> <include-dir>}

exported=$(nm -D --defined-only "$lib" | awk '{print $NF}' | sed 's/@.*//' | sort -u)
declared=$(grep -rhoE 'CGC_API[^;(]*[ *]cgc_[a-z0-9_]+\(' "$inc" |
  grep -oE 'cgc_[a-z0-9_]+\($' | tr -d '(' | sort -u)
[[ -n "$declared" ]] || { echo "no CGC_API declarations found under $inc" >&2; exit 1; }

status=0
extra=$(comm -23 <(echo "$exported") <(echo "$declared"))
if [[ -n "$extra" ]]; then
  echo "libcyclegc.so exports symbols that are not the C API:" >&2
  echo "$extra" | c++filt | sed 's/^/  /' >&2
  status=1
fi
missing=$(comm -13 <(echo "$exported") <(echo "$declared"))
if [[ -n "$missing" ]]; then
  echo "CGC_API functions missing from libcyclegc.so's dynamic symbol table:" >&2
  echo "$missing" | sed 's/^/  /' >&2
  status=1
fi
((status)) || echo "libcyclegc.so exports exactly the $(echo "$declared" | wc -l) CGC_API functions"
exit $status
