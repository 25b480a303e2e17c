# vrrp_test_program(<target>): a target whose sources are Catch2 tests (or their helpers) and
# that links vrrp_test_support (tests/support/CMakeLists.txt) compiles with that library's
# precompiled header, built once, instead of parsing Catch2 and the std, Abseil and fmt headers
# again in every file. vrrp_test_support's PUBLIC options (-O0 -g1) and definitions give every
# such target the flags the header was built with. A header the compiler refuses is an error,
# not a silently slower build: clang rejects a mismatched one, and CMake passes g++
# -Winvalid-pch, which VRRP_WERROR makes an error.
function(vrrp_test_program target)
  if(VRRP_PRECOMPILED_HEADERS)
    target_precompile_headers(${target} REUSE_FROM vrrp_test_support)
  endif()
endfunction()
