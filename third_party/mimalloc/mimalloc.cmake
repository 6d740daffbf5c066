# Builds the patched mimalloc as an object library `cgc_mimalloc`.
#
# The source is never committed: fetch.sh takes Debian's source package at the
# pinned version, checks its SHA-256, applies patches/series and caches the tree
# under CYCLEGC_CACHE_DIR. Running it on every configure is cheap (a cache hit
# prints the path) and the cache key includes the patches, so editing a patch
# yields a freshly patched tree.
if(DEFINED ENV{XDG_CACHE_HOME})
  set(_cgc_default_cache "$ENV{XDG_CACHE_HOME}/cyclegc")
else()
  set(_cgc_default_cache "$ENV{HOME}/.cache/cyclegc")
endif()
set(CYCLEGC_CACHE_DIR "${_cgc_default_cache}" CACHE PATH
    "Where the patched mimalloc source tree is cached")

# An offline or packaged build points this at a mimalloc 2.0.9 source tree it
# already has (pristine, or one fetch.sh patched): no apt at configure time.
set(CYCLEGC_MIMALLOC_SOURCE_DIR "" CACHE PATH
    "An already fetched mimalloc 2.0.9 source tree (empty: fetch with apt)")

set(_mi_dir "${CMAKE_CURRENT_LIST_DIR}")
set(_mi_args "${CYCLEGC_CACHE_DIR}")
if(CYCLEGC_MIMALLOC_SOURCE_DIR)
  list(APPEND _mi_args "${CYCLEGC_MIMALLOC_SOURCE_DIR}")
endif()
execute_process(
  COMMAND bash "${_mi_dir}/fetch.sh" ${_mi_args}
  OUTPUT_VARIABLE CYCLEGC_MIMALLOC_SRC
  OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE _mi_rc)
if(NOT _mi_rc EQUAL 0 OR NOT EXISTS "${CYCLEGC_MIMALLOC_SRC}/src/static.c")
  message(FATAL_ERROR "Fetching/patching mimalloc failed (see messages above)")
endif()
message(STATUS "cyclegc: patched mimalloc at ${CYCLEGC_MIMALLOC_SRC}")

# Re-run configure when the recipe or any patch changes.
file(GLOB _mi_patches "${_mi_dir}/patches/*")
set_property(DIRECTORY "${CMAKE_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             "${_mi_dir}/fetch.sh" ${_mi_patches})

# mimalloc's unity source: one translation unit, no malloc override (cyclegc
# allocates from its own heaps and never replaces the process allocator).
add_library(cgc_mimalloc OBJECT "${CYCLEGC_MIMALLOC_SRC}/src/static.c")
set_target_properties(cgc_mimalloc PROPERTIES
  C_STANDARD 11
  POSITION_INDEPENDENT_CODE ON
  C_VISIBILITY_PRESET hidden)
target_include_directories(cgc_mimalloc SYSTEM PUBLIC "${CYCLEGC_MIMALLOC_SRC}/include")
# Release-style mimalloc even in Debug builds of cyclegc (MI_DEBUG=2 costs a lot);
# CYCLEGC_MIMALLOC_DEBUG turns its internal assertions on.
set(CYCLEGC_MIMALLOC_DEBUG 0 CACHE STRING "MI_DEBUG level for the patched mimalloc (0-3)")
target_compile_definitions(cgc_mimalloc PUBLIC MI_DEBUG=${CYCLEGC_MIMALLOC_DEBUG})
target_compile_options(cgc_mimalloc PRIVATE -O3 -ftls-model=initial-exec -fno-builtin-malloc
                       -w)
if(CYCLEGC_SANITIZE STREQUAL "address")
  target_compile_definitions(cgc_mimalloc PUBLIC MI_ASAN=1)
elseif(CYCLEGC_SANITIZE STREQUAL "thread")
  target_compile_definitions(cgc_mimalloc PUBLIC MI_TSAN=1)
endif()
find_package(Threads REQUIRED)
target_link_libraries(cgc_mimalloc PUBLIC Threads::Threads)
