# berth_module(NAME DEPS ...): a static library from every .cpp under src/<NAME>/.
# Globbing keeps parallel work on different modules from colliding on build files;
# CONFIGURE_DEPENDS re-globs when a file is added.
function(berth_module name)
  cmake_parse_arguments(M "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT srcs)
    # Headers only so far: an interface target, so modules that depend on it still link.
    add_library(berth_${name} INTERFACE)
    target_include_directories(berth_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(berth_${name} INTERFACE ${M_DEPS})
    return()
  endif()
  add_library(berth_${name} STATIC ${srcs})
  target_include_directories(berth_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(berth_${name} PUBLIC ${M_DEPS})
endfunction()

# berth_unit_tests(MODULE DEPS ...): one GoogleTest binary per module from tests/unit/<MODULE>/.
function(berth_unit_tests module)
  cmake_parse_arguments(M "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT srcs)
    return()
  endif()
  add_executable(unit_${module} ${srcs})
  target_link_libraries(unit_${module} PRIVATE ${M_DEPS} GTest::gtest GTest::gtest_main)
  # berth_runtime/berth_oci are fat LTO objects (for berth-runtime's link): link their plain code.
  target_link_options(unit_${module} PRIVATE -fno-lto)
  target_compile_definitions(unit_${module} PRIVATE BERTH_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                                     BERTH_BIN_DIR="${CMAKE_BINARY_DIR}/bin")
  gtest_discover_tests(unit_${module} PROPERTIES LABELS unit SKIP_REGULAR_EXPRESSION "  SKIPPED "
                       DISCOVERY_TIMEOUT 30)
endfunction()

# berth_integration_tests(NAME DEPS ...): root-only tests against the real kernel and binaries.
# FIXTURES_REQUIRED f: every test of the area needs ctest fixture f (set up once around them).
function(berth_integration_tests name)
  cmake_parse_arguments(M "" "FIXTURES_REQUIRED" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT srcs)
    return()
  endif()
  add_executable(integration_${name} ${srcs})
  target_link_libraries(integration_${name} PRIVATE ${M_DEPS} GTest::gtest GTest::gtest_main)
  target_link_options(integration_${name} PRIVATE -fno-lto)
  target_compile_definitions(integration_${name} PRIVATE BERTH_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                                          BERTH_BIN_DIR="${CMAKE_BINARY_DIR}/bin")
  set(fixture_props)
  if(M_FIXTURES_REQUIRED)
    set(fixture_props FIXTURES_REQUIRED ${M_FIXTURES_REQUIRED})
  endif()
  gtest_discover_tests(integration_${name} PROPERTIES LABELS integration RUN_SERIAL TRUE
                       SKIP_REGULAR_EXPRESSION "  SKIPPED " ${fixture_props}
                       DISCOVERY_TIMEOUT 30)
endfunction()
