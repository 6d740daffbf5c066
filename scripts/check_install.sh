#!/usr/bin/env bash
# Installs a built tree into a prefix and builds the examples against the
# installed package only: the minimal C example with pkg-config alone, and
# examples/taskrt as a standalone CMake project with find_package(cyclegc).
#
#   scripts/check_install.sh <build-dir>
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: check_install.sh <build-dir>}

# install_tree <build-dir>: installs into <build-dir>/install, prints the libdir.
install_tree() {
  local prefix="$PWD/$1/install"
  rm -rf "$prefix"
  cmake --install "$1" --prefix "$prefix" >/dev/null
  find "$prefix" -name 'libcyclegc.so' -printf '%h\n' | head -1
}

# build_taskrt <build-dir> <libdir> <build-type> [sanitizer]: configures
# examples/taskrt against <build-dir>/install, builds it, runs its tests with
# LD_LIBRARY_PATH at <libdir> (it beats the test binaries' RUNPATH).
build_taskrt() {
  local tree=$1 libdir=$2 type=$3 san=${4:-}
  cmake -S examples/taskrt -B "$tree/taskrt" -DCMAKE_PREFIX_PATH="$PWD/$tree/install" \
    -DCMAKE_BUILD_TYPE="$type" ${san:+-DTASKRT_SANITIZE=$san} >"$tree/taskrt.configure.log" 2>&1 ||
    { cat "$tree/taskrt.configure.log"; exit 1; }
  cmake --build "$tree/taskrt" -j "${JOBS:-$(nproc)}"
  LD_LIBRARY_PATH="$libdir" ctest --test-dir "$tree/taskrt" --output-on-failure
}

libdir=$(install_tree "$build")
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
  build_taskrt "$build" "$LD_LIBRARY_PATH" RelWithDebInfo

  # The same example against the sanitizer trees scripts/test.sh builds, if any.
  for san in asan tsan; do
    [[ -f "build/$san/CMakeCache.txt" ]] || continue
    case $san in
      asan) flavour=address; type=Debug
            export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 ;;
      tsan) flavour=thread; type=RelWithDebInfo
            export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ;;
    esac
    echo "[check_install] examples/taskrt against the installed $san build"
    build_taskrt "build/$san" "$(install_tree "build/$san")" "$type" "$flavour"
  done
fi
echo "[check_install] ok"
