# Global sanitizer flags: everything in the build, the patched mimalloc included,
# is instrumented the same way (mimalloc also gets MI_ASAN / MI_TSAN).
if(CYCLEGC_SANITIZE STREQUAL "address")
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
elseif(CYCLEGC_SANITIZE STREQUAL "thread")
  set(_san -fsanitize=thread -fno-omit-frame-pointer)
elseif(NOT CYCLEGC_SANITIZE STREQUAL "")
  message(FATAL_ERROR "CYCLEGC_SANITIZE must be '', 'address' or 'thread', not '${CYCLEGC_SANITIZE}'")
endif()
if(DEFINED _san)
  add_compile_options(${_san})
  add_link_options(${_san})
  add_compile_definitions(CYCLEGC_SANITIZER_BUILD=1)
endif()
