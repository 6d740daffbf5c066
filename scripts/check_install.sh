#!/usr/bin/env bash
# Installs a built tree into a prefix and builds the examples against the
# installed package only: the minimal C example with pkg-config alone, and
# examples/taskrt as a standalone CMake project with find_package(cyclegc).
#
#   scripts/check_install.sh <build-dir>
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: check_install.sh <build-dir>}
prefix="$PWD/$build/install"
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(find "$prefix" -name 'libcyclegc.so' -printf '%h\n' | head -1)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

echo "[check_install] minimal C example via pkg-config"
out="$build/minimal-c"
mkdir -p "$out"
cc -std=c11 -Wall -Wextra -pedantic -Werror examples/minimal-c/main.c \
  $(pkg-config --cflags cyclegc) $(pkg-config --libs cyclegc) -o "$out/minimal-c"
CYCLEGC_THRESHOLD=0 "$out/minimal-c"

if [[ -f examples/taskrt/CMakeLists.txt ]]; then
  echo "[check_install] examples/taskrt against the installed package"
  cmake -S examples/taskrt -B "$build/taskrt" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build/taskrt.configure.log" 2>&1 ||
    { cat "$build/taskrt.configure.log"; exit 1; }
  cmake --build "$build/taskrt" -j "${JOBS:-$(nproc)}"
  ctest --test-dir "$build/taskrt" --output-on-failure
fi
echo "[check_install] ok"
