#!/usr/bin/env bash
# Installs the Debian packages cyclegc needs, only those missing. Idempotent.
# Does not change the system's apt configuration.
set -euo pipefail
pkgs=(cmake g++ make pkg-config xz-utils patch
      libabsl-dev libgtest-dev libgmock-dev googletest libbenchmark-dev
      libmimalloc-dev clang libclang-rt-14-dev gnuplot-nox)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[install_deps] installing: ${missing[*]}" >&2
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
