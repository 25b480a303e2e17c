# Debian packages (cpack -G DEB), from any build directory:
#
#   cpack --config BUILD/CPackConfig.cmake -B OUT      # OUT/*.deb
#
# Four binary packages, one per install component, laid out as Debian policy wants them:
#   vrrpd        the daemon, vrrpctl, the systemd unit, man pages, /etc/default/vrrpd, an
#                example configuration
#   libvrrp0.1   the C ABI's shared library, named after its SONAME (libvrrp.so.0.1)
#   libvrrp-dev  headers, the .so link, the C++ static archives, CMake and pkg-config files
#   python3-vrrp the Python package over libvrrp.so (ctypes)
# The components are set on the project's own install rules (dev, libvrrp, vrrpd, python);
# what only a Debian package has (copyright, changelog.Debian.gz, the unit under
# /lib/systemd/system, /etc/default/vrrpd) is installed here with EXCLUDE_FROM_ALL, so that a
# plain `cmake --install` never writes it. packaging/debian/ holds the maintainer scripts.
#
# The packages install under /usr whatever CMAKE_INSTALL_PREFIX is; the library directory is
# CMAKE_INSTALL_LIBDIR below /usr: lib/<multiarch> when the build was configured with
# -DCMAKE_INSTALL_PREFIX=/usr (GNUInstallDirs picks it then), else lib. Both are on the
# linker's and pkg-config's default paths (lintian warns about the second: README.md).

set(VRRP_DEB_DIR ${PROJECT_SOURCE_DIR}/packaging/debian)
set(VRRP_DEB_REVISION 1)
set(VRRP_DEB_VERSION ${PROJECT_VERSION}-${VRRP_DEB_REVISION})
set(VRRP_DEB_PREFIX /usr)
set(VRRP_DEB_OUT ${CMAKE_CURRENT_BINARY_DIR}/debian)
# The shared library's package is named after its SONAME (Debian policy 8.1; lintian checks it).
set(VRRP_DEB_LIBPACKAGE libvrrp${VRRP_SOVERSION})

# The changelog's newest entry must be this version: a version bump without a changelog entry
# would otherwise build packages whose changelog names another version.
file(STRINGS ${VRRP_DEB_DIR}/changelog VRRP_DEB_CHANGELOG_TOP LIMIT_COUNT 1)
if(NOT VRRP_DEB_CHANGELOG_TOP MATCHES "^vrrp \\(${VRRP_DEB_VERSION}\\) ")
  message(WARNING "packaging/debian/changelog starts with '${VRRP_DEB_CHANGELOG_TOP}', not "
                  "version ${VRRP_DEB_VERSION}: add an entry before building packages")
endif()

# Debian wants man pages and changelogs compressed with gzip -9n (no name, no time stamp, so
# that the package is reproducible). The changelog is built here. Man pages are installed as
# they are, whoever installs them (a plain install reads them as well), and compressed in
# cpack's staging tree by packaging/debian/staging.cmake, which also strips the static
# archives and moves the Python package to where Debian's python3 reads it.
find_program(VRRP_GZIP gzip REQUIRED)
add_custom_command(OUTPUT ${VRRP_DEB_OUT}/changelog.Debian.gz
                   COMMAND ${VRRP_GZIP} -9nc ${VRRP_DEB_DIR}/changelog
                           > ${VRRP_DEB_OUT}/changelog.Debian.gz
                   DEPENDS ${VRRP_DEB_DIR}/changelog VERBATIM)
add_custom_target(vrrp_deb_files ALL DEPENDS ${VRRP_DEB_OUT}/changelog.Debian.gz)
set(CPACK_PRE_BUILD_SCRIPTS ${VRRP_DEB_DIR}/staging.cmake)

# The unit as Debian ships units (bookworm: /lib/systemd/system), naming the packaged binary.
# The build tree's vrrpd.service names CMAKE_INSTALL_PREFIX's, which is not where the package
# puts it unless the prefix is /usr.
set(CMAKE_INSTALL_FULL_SBINDIR_SAVED ${CMAKE_INSTALL_FULL_SBINDIR})
set(CMAKE_INSTALL_FULL_SBINDIR ${VRRP_DEB_PREFIX}/${CMAKE_INSTALL_SBINDIR})
configure_file(${PROJECT_SOURCE_DIR}/examples/vrrpd/vrrpd.service.in
               ${VRRP_DEB_OUT}/vrrpd.service @ONLY)
set(CMAKE_INSTALL_FULL_SBINDIR ${CMAKE_INSTALL_FULL_SBINDIR_SAVED})
install(FILES ${VRRP_DEB_OUT}/vrrpd.service DESTINATION /lib/systemd/system COMPONENT vrrpd
        EXCLUDE_FROM_ALL)
install(FILES ${VRRP_DEB_DIR}/vrrpd/default DESTINATION /etc/default RENAME vrrpd
        COMPONENT vrrpd EXCLUDE_FROM_ALL)
install(FILES ${VRRP_DEB_DIR}/vrrpd/keepalived.conf DESTINATION share/doc/vrrpd/examples
        RENAME keepalived.conf COMPONENT vrrpd EXCLUDE_FROM_ALL)

# Every package carries the copyright and the Debian changelog (lintian errors without them).
set(VRRP_DEB_COMPONENTS vrrpd libvrrp dev)
set(VRRP_DEB_NAME_vrrpd vrrpd)
set(VRRP_DEB_NAME_libvrrp ${VRRP_DEB_LIBPACKAGE})
set(VRRP_DEB_NAME_dev libvrrp-dev)
set(VRRP_DEB_NAME_python python3-vrrp)
if(VRRP_BUILD_PYTHON)
  list(APPEND VRRP_DEB_COMPONENTS python)
endif()
foreach(component ${VRRP_DEB_COMPONENTS})
  install(FILES ${VRRP_DEB_DIR}/copyright ${VRRP_DEB_OUT}/changelog.Debian.gz
          DESTINATION share/doc/${VRRP_DEB_NAME_${component}} COMPONENT ${component}
          EXCLUDE_FROM_ALL)
endforeach()

# CPack: one .deb per component.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME vrrp)
set(CPACK_PACKAGE_VENDOR "vrrp project")
set(CPACK_PACKAGE_CONTACT "vrrp maintainers <maintainers@vrrp.example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_HOMEPAGE_URL "https://vrrp.example.org/")
set(CPACK_PACKAGING_INSTALL_PREFIX ${VRRP_DEB_PREFIX})
# Install with DESTDIR: the absolute destinations above (/lib/systemd/system, /etc/default)
# then land in the staging tree, and install(CODE) that writes paths (the Python package's
# _paths.py) sees the final prefix, /usr, not the staging directory (CPACK_INSTALL_PREFIX is
# the prefix with DESTDIR; CPACK_PACKAGING_INSTALL_PREFIX without).
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX ${VRRP_DEB_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL ${VRRP_DEB_COMPONENTS})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${VRRP_DEB_REVISION})
set(CPACK_DEBIAN_PACKAGE_SOURCE vrrp)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${CPACK_PACKAGE_HOMEPAGE_URL})
# dpkg-shlibdeps turns the ELF files' DT_NEEDED into Depends on the machine's packages
# (libabsl20220623, libfmt9, libmnl0, libnettle8, libstdc++6, libc6).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Directories 0755 and files 0644 / 0755 whatever the builder's umask.
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
    GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Each package's description starts with its own synopsis line. CPackDeb would put the
# project's summary above it unless the summary is CPack's default, hence that value.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")

set(CPACK_DEBIAN_VRRPD_PACKAGE_NAME vrrpd)
set(CPACK_DEBIAN_VRRPD_PACKAGE_SECTION net)
set(CPACK_DEBIAN_VRRPD_DESCRIPTION
    "VRRP daemon that runs keepalived's configuration\n\
vrrpd is the VRRP side of keepalived as a daemon built on the vrrp library: it\n\
reads /etc/keepalived/keepalived.conf unchanged (instances, vrrp_script checks,\n\
tracking, sync groups, notify commands) and logs as keepalived does. It speaks\n\
VRRPv2 and VRRPv3 (IPv4 and IPv6) with keepalived on the other routers.\n\
.\n\
The service is not started on installation: enable it in place of keepalived.")
# The unit conflicts with keepalived.service, not the package: both may be installed, one runs.
set(CPACK_DEBIAN_VRRPD_PACKAGE_SUGGESTS keepalived)
# postinst creates the user the unit runs vrrpd as with adduser (CPackDeb adds the shared
# libraries' dependencies to this). vrrpd dlopen()s libnftables (no_accept), libmicrohttpd
# (--metrics) and libsystemd (sd_notify) on first use (shared_library.h): not in DT_NEEDED, so
# dpkg-shlibdeps cannot see them, hence named here.
set(CPACK_DEBIAN_VRRPD_PACKAGE_DEPENDS "adduser, libnftables1, libmicrohttpd12, libsystemd0")
# CONTROL_EXTRA takes files by their control names, hence one directory per package.
set(CPACK_DEBIAN_VRRPD_PACKAGE_CONTROL_EXTRA
    ${VRRP_DEB_DIR}/vrrpd/postinst ${VRRP_DEB_DIR}/vrrpd/prerm ${VRRP_DEB_DIR}/vrrpd/postrm
    ${VRRP_DEB_DIR}/vrrpd/conffiles)

set(CPACK_DEBIAN_LIBVRRP_PACKAGE_NAME ${VRRP_DEB_LIBPACKAGE})
set(CPACK_DEBIAN_LIBVRRP_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_LIBVRRP_DESCRIPTION
    "embeddable VRRP library - C ABI shared library\n\
The vrrp library implements VRRPv2 and VRRPv3 (RFC 3768, RFC 5798) as a sans-IO\n\
core, a keepalived.conf parser, a Linux driver (raw sockets, netlink) and a\n\
simulated LAN for tests. This package holds libvrrp.so, its C ABI (vrrp.h).")
# A shlibs file (`libvrrp 0.1 libvrrp0.1 (= VERSION)`): while the version is 0.x every
# minor version may break the ABI, so a program needs exactly the version it was built with.
# (CPackDeb reads the package-wide switch only; libvrrp is the one shared library packaged.)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_LIBVRRP_PACKAGE_CONTROL_EXTRA ${VRRP_DEB_DIR}/libvrrp/triggers)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libvrrp-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_DESCRIPTION
    "embeddable VRRP library - development files\n\
The vrrp library implements VRRPv2 and VRRPv3 (RFC 3768, RFC 5798) as a sans-IO\n\
core, a keepalived.conf parser, a Linux driver (raw sockets, netlink) and a\n\
simulated LAN for tests.\n\
.\n\
This package holds the C header vrrp.h and the C++ headers, the C++ layers as\n\
static archives, and the CMake (find_package(vrrp)) and pkg-config files (vrrp,\n\
vrrp-core, vrrp-config, vrrp-linux, vrrp-keepalived, vrrp-c).")
# The static archives' own dependencies are the -dev packages their headers and pkg-config
# files name (dpkg-shlibdeps reads only shared objects).
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "${VRRP_DEB_LIBPACKAGE} (= ${VRRP_DEB_VERSION}), libabsl-dev, libfmt-dev, libmnl-dev, libnftables-dev, \
nettle-dev, pkg-config")

set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-vrrp)
set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
set(CPACK_DEBIAN_PYTHON_DESCRIPTION
    "embeddable VRRP library - Python 3 package\n\
The vrrp library implements VRRPv2 and VRRPv3 (RFC 3768, RFC 5798). This\n\
package is its Python module `vrrp`, over libvrrp.so's C ABI with ctypes:\n\
routers on a simulated LAN, the codec, and the Linux driver.")
# ctypes loads libvrrp.so.0.1 by path (_paths.py): dpkg-shlibdeps cannot see that.
set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS "python3, ${VRRP_DEB_LIBPACKAGE} (= ${VRRP_DEB_VERSION})")

include(CPack)

if(VRRP_BUILD_TESTS)
  add_subdirectory(${PROJECT_SOURCE_DIR}/tests/package ${PROJECT_BINARY_DIR}/tests/package)
endif()
