# cmake --install: headers, libcyclegc.so, a CMake package (find_package(cyclegc)
# -> cyclegc::cyclegc) and pkg-config's cyclegc.pc.
include(CMakePackageConfigHelpers)
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
  COMPATIBILITY SameMajorVersion)
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
