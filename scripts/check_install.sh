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
    cmake --install "build/$san" --prefix "$PWD/build/$san/install" >/dev/null
    # LD_LIBRARY_PATH beats the test binaries' RUNPATH: point it at this build.
    san_libdir=$(find "$PWD/build/$san/install" -name 'libcyclegc.so' -printf '%h\n' | head -1)
    cmake -S examples/taskrt -B "build/$san/taskrt" -DCMAKE_PREFIX_PATH="$PWD/build/$san/install" \
      -DCMAKE_BUILD_TYPE=$type -DTASKRT_SANITIZE=$flavour >"build/$san/taskrt.configure.log" 2>&1 ||
      { cat "build/$san/taskrt.configure.log"; exit 1; }
    cmake --build "build/$san/taskrt" -j "${JOBS:-$(nproc)}"
    LD_LIBRARY_PATH="$san_libdir" ctest --test-dir "build/$san/taskrt" --output-on-failure
  done
fi
echo "[check_install] ok"
