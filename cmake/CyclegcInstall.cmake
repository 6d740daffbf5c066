# cmake --install: headers, libcyclegc.so (or libcyclegc.a with
# BUILD_SHARED_LIBS=OFF), a CMake package (find_package(cyclegc) ->
# cyclegc::cyclegc) and pkg-config's cyclegc.pc.
include(CMakePackageConfigHelpers)
# A static libcyclegc leaves abseil and the C++ runtime to the final link.
get_target_property(_cgc_type cyclegc TYPE)
if(_cgc_type STREQUAL "STATIC_LIBRARY")
  set(CYCLEGC_STATIC 1)
  set(CYCLEGC_PC_REQUIRES_PRIVATE "absl_status absl_statusor absl_synchronization absl_strings absl_str_format absl_flat_hash_map absl_flat_hash_set absl_time absl_inlined_vector absl_base")
  set(CYCLEGC_PC_LIBS_PRIVATE "-lstdc++ -lm -lpthread")
else()
  set(CYCLEGC_STATIC 0)
  set(CYCLEGC_PC_REQUIRES_PRIVATE "")
  set(CYCLEGC_PC_LIBS_PRIVATE "-lpthread")
endif()
install(TARGETS cyclegc EXPORT cyclegcTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY collector/include/cyclegc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT cyclegcTargets NAMESPACE cyclegc::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cyclegc)
configure_package_config_file(cmake/cyclegcConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/cyclegcConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cyclegc)
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/cyclegcConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)  # 0.x minors may break the ABI (docs/abi.md)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/cyclegcConfig.cmake"
              "${CMAKE_CURRENT_BINARY_DIR}/cyclegcConfigVersion.cmake"
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cyclegc)
# The .pc file finds its prefix relative to itself, so `cmake --install --prefix`
# into any directory yields a working pkg-config package.
file(RELATIVE_PATH CYCLEGC_PC_PREFIX_FROM_PCDIR "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" CYCLEGC_PC_PREFIX_FROM_PCDIR "${CYCLEGC_PC_PREFIX_FROM_PCDIR}")
configure_file(cmake/cyclegc.pc.in "${CMAKE_CURRENT_BINARY_DIR}/cyclegc.pc" @ONLY)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/cyclegc.pc"
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
