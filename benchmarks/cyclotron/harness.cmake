# The cyclotron harness as a library, for the program and for its tests
# (tests/cyclotron includes this file too, since tests/ is configured before
# benchmarks/ and may be built without it). Public API of cyclegc only.
if(NOT TARGET cyclotron_harness)
  set(_cyclotron_dir "${CMAKE_CURRENT_LIST_DIR}")
  add_library(cyclotron_harness STATIC
    "${_cyclotron_dir}/block_size.cc"
    "${_cyclotron_dir}/chain_workload.cc"
    "${_cyclotron_dir}/child.cc"
    "${_cyclotron_dir}/cli.cc"
    "${_cyclotron_dir}/cli_flags.cc"
    "${_cyclotron_dir}/compare.cc"
    "${_cyclotron_dir}/csv.cc"
    "${_cyclotron_dir}/export.cc"
    "${_cyclotron_dir}/format.cc"
    "${_cyclotron_dir}/grid.cc"
    "${_cyclotron_dir}/holder_workload.cc"
    "${_cyclotron_dir}/json.cc"
    "${_cyclotron_dir}/machine.cc"
    "${_cyclotron_dir}/outcomes.cc"
    "${_cyclotron_dir}/pause_log.cc"
    "${_cyclotron_dir}/payload.cc"
    "${_cyclotron_dir}/point_result.cc"
    "${_cyclotron_dir}/point_runner.cc"
    "${_cyclotron_dir}/point_spec.cc"
    "${_cyclotron_dir}/policies.cc"
    "${_cyclotron_dir}/proc_memory.cc"
    "${_cyclotron_dir}/progress.cc"
    "${_cyclotron_dir}/queue_workload.cc"
    "${_cyclotron_dir}/stability.cc"
    "${_cyclotron_dir}/sweep.cc"
    "${_cyclotron_dir}/table.cc"
    "${_cyclotron_dir}/trash_counter.cc"
    "${_cyclotron_dir}/tree_node.cc"
    "${_cyclotron_dir}/tree_workload.cc"
    "${_cyclotron_dir}/worker.cc")
  target_include_directories(cyclotron_harness PUBLIC "${_cyclotron_dir}")
  # The sweep file records the source tree's git commit.
  set_source_files_properties("${_cyclotron_dir}/machine.cc" PROPERTIES
    COMPILE_DEFINITIONS "CYCLOTRON_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")
  target_link_libraries(cyclotron_harness
    PUBLIC cyclegc::cyclegc Threads::Threads
           absl::flags absl::flags_reflection absl::status absl::statusor
           absl::strings absl::str_format absl::synchronization absl::time
           absl::span
    PRIVATE cyclegc_warnings)
endif()
