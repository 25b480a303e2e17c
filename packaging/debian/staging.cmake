# CPACK_PRE_BUILD_SCRIPTS: run by cpack after installing into its staging tree, before the
# packages are made. Does what dh_compress and dh_strip do for a Debian package, on whatever
# the install rules put there (a plain `cmake --install` keeps the files as they are):
#  - man pages compressed with gzip -9n (Debian policy 12.1; -n: no name or time stamp inside,
#    so that the package is reproducible);
#  - static archives without debug sections (CPACK_STRIP_FILES strips executables and shared
#    objects only); -D: zero time stamps and owners in the archive;
#  - the Python package in /usr/lib/python3/dist-packages, where Debian's python3 (every 3.x)
#    looks: a build configured for another prefix than /usr chose lib/python3.X/dist-packages
#    (bindings/python/CMakeLists.txt), which /usr/bin/python3 does not read under /usr.
if(NOT CPACK_TEMPORARY_INSTALL_DIRECTORY)
  message(FATAL_ERROR "staging.cmake is a CPACK_PRE_BUILD_SCRIPTS script")
endif()
find_program(VRRP_STRIP NAMES strip REQUIRED)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${ARGN}: failed (${rc})")
  endif()
endfunction()

# Every component's tree is below it (DEB/vrrp-VERSION-Linux/vrrpd/usr/share/man/man8/...).
file(GLOB_RECURSE files LIST_DIRECTORIES false "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*")
foreach(file ${files})
  if(file MATCHES "/share/man/man[1-9]/[^/]+$" AND NOT file MATCHES "\\.gz$")
    run(gzip -9nf "${file}")
  elseif(file MATCHES "\\.a$" AND NOT IS_SYMLINK "${file}")
    run(${VRRP_STRIP} --strip-debug --enable-deterministic-archives "${file}")
  endif()
endforeach()

file(GLOB versioned LIST_DIRECTORIES true
     "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/usr/lib/python3.*/dist-packages")
foreach(dir ${versioned})
  get_filename_component(lib "${dir}/../.." ABSOLUTE)
  get_filename_component(python_x "${dir}/.." ABSOLUTE)
  if(EXISTS "${lib}/python3/dist-packages")
    message(FATAL_ERROR "both ${dir} and ${lib}/python3/dist-packages in the staging tree")
  endif()
  file(MAKE_DIRECTORY "${lib}/python3")
  file(RENAME "${dir}" "${lib}/python3/dist-packages")
  file(GLOB left "${python_x}/*")
  if(left)
    message(FATAL_ERROR "${python_x} holds more than dist-packages: ${left}")
  endif()
  file(REMOVE_RECURSE "${python_x}")
endforeach()
