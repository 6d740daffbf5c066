# Warning flags for cyclegc's own code (never for the fetched mimalloc).
add_library(cyclegc_warnings INTERFACE)
target_compile_options(cyclegc_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Wno-unused-parameter
  $<$<BOOL:${CYCLEGC_WERROR}>:-Werror>)
