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
# TSan: Debian's abseil is not instrumented, so absl::Mutex/CondVar/Notification
# are invisible to TSan. Links that include cyclegc's code wrap the calls to
# them (-Wl,--wrap) so the annotations in cmake/tsan/tsan_absl_annotations.cc
# tell TSan what they guarantee. collector/CMakeLists.txt applies both to the
# library targets; the wrappers are compiled into each consumer of
# cyclegc_static (an archive member would not be pulled into a test that never
# locks a mutex itself, yet its libabsl_*.so references are wrapped too).
set(CYCLEGC_TSAN_WRAP_OPTIONS "")
set(CYCLEGC_TSAN_ANNOTATIONS_SRC "${CMAKE_CURRENT_LIST_DIR}/tsan/tsan_absl_annotations.cc")
if(CYCLEGC_SANITIZE STREQUAL "thread")
  foreach(_sym
      _ZN4absl7debian35Mutex4LockEv _ZN4absl7debian35Mutex6UnlockEv
      _ZN4absl7debian35Mutex7TryLockEv _ZN4absl7debian35Mutex10ReaderLockEv
      _ZN4absl7debian35Mutex12ReaderUnlockEv _ZN4absl7debian35Mutex13ReaderTryLockEv
      _ZN4absl7debian37CondVar4WaitEPNS0_5MutexE
      _ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE
      _ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE
      _ZN4absl7debian312Notification6NotifyEv
      _ZNK4absl7debian312Notification19WaitForNotificationEv)
    list(APPEND CYCLEGC_TSAN_WRAP_OPTIONS "LINKER:--wrap=${_sym}")
  endforeach()
endif()
