#!/usr/bin/env bash
# Installs a built tree into a prefix and builds the examples against the
# installed package only: the minimal C example with pkg-config alone, and
# examples/taskrt as a standalone CMake project with find_package(cyclegc).
# Then the same minimal example against a static libcyclegc (BUILD_SHARED_LIBS
# =OFF, in <build-dir>/static), and from a parent project that pulls cyclegc in
# with add_subdirectory while GoogleTest and Benchmark cannot be found.
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
  find "$prefix" -name 'libcyclegc.so' -o -name 'libcyclegc.a' | head -1 | xargs dirname
}

# build_minimal_c <out-dir> [--static]: the minimal C example via pkg-config.
build_minimal_c() {
  mkdir -p "$1"
  cc -std=c11 -Wall -Wextra -pedantic -Werror examples/minimal-c/main.c \
    $(pkg-config --cflags cyclegc) $(pkg-config ${2:-} --libs cyclegc) -o "$1/minimal-c"
  CYCLEGC_THRESHOLD=0 "$1/minimal-c"
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

echo "[check_install] minimal C example via pkg-config (shared)"
build_minimal_c "$build/minimal-c"
# ldd's output is taken whole: grep -q closing the pipe early could kill ldd
# with SIGPIPE, which pipefail reports as a failure (1 run in 5 here).
[[ $(ldd "$build/minimal-c/minimal-c") == *libcyclegc.so* ]] ||
  { echo "minimal-c is not linked to libcyclegc.so"; exit 1; }

echo "[check_install] minimal C example via pkg-config (static libcyclegc.a)"
type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")
cmake -S . -B "$build/static" -DCMAKE_BUILD_TYPE="${type:-RelWithDebInfo}" -DBUILD_SHARED_LIBS=OFF \
  -DCYCLEGC_BUILD_TESTS=OFF -DCYCLEGC_BUILD_BENCHMARKS=OFF >"$build/static.configure.log" 2>&1 ||
  { cat "$build/static.configure.log"; exit 1; }
cmake --build "$build/static" -j "${JOBS:-$(nproc)}" --target cyclegc
static_libdir=$(install_tree "$build/static")
[[ -f $static_libdir/libcyclegc.a && ! -e $static_libdir/libcyclegc.so ]] ||
  { echo "the static install has no libcyclegc.a (or also a .so)"; exit 1; }
PKG_CONFIG_PATH="$static_libdir/pkgconfig" build_minimal_c "$build/static/minimal-c" --static
[[ $(ldd "$build/static/minimal-c/minimal-c") != *libcyclegc* ]] ||
  { echo "minimal-c (static) loads a libcyclegc.so"; exit 1; }

echo "[check_install] a parent project with add_subdirectory, without GoogleTest"
parent="$build/parent"
mkdir -p "$parent/src"
cat >"$parent/src/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(parent C CXX)
add_subdirectory("$PWD" cyclegc)
add_executable(minimal-c "$PWD/examples/minimal-c/main.c")
target_link_libraries(minimal-c PRIVATE cyclegc::cyclegc)
CMAKE
cmake -S "$parent/src" -B "$parent/build" -DCMAKE_BUILD_TYPE="${type:-RelWithDebInfo}" \
  -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON \
  >"$parent/configure.log" 2>&1 || { cat "$parent/configure.log"; exit 1; }
cmake --build "$parent/build" -j "${JOBS:-$(nproc)}" --target minimal-c
CYCLEGC_THRESHOLD=0 "$parent/build/minimal-c"

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
