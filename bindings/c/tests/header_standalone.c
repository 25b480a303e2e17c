/* vrrp.h on its own, compiled as strict C99 (-std=c99 -Wall -Wextra -pedantic -Werror) and, by
 * header_standalone_cxx.cc, as C++11: the header needs nothing before it, and its extern "C"
 * guard gives C++ callers the unmangled names (the C++ build links only if it does). */
#include <stdio.h>
#include <string.h>
#include <vrrp.h>

int main(void) {
  char expected[32];
  vrrp_router_config config;
  vrrp_lan_options options;
  int failures = 0;
  snprintf(expected, sizeof expected, "%d.%d.%d", VRRP_VERSION_MAJOR, VRRP_VERSION_MINOR,
           VRRP_VERSION_PATCH);
  if (strcmp(vrrp_version(), expected) != 0) {
    fprintf(stderr, "vrrp_version() is %s, the header says %s\n", vrrp_version(), expected);
    ++failures;
  }
  vrrp_router_config_init(&config);
  if (config.struct_version != VRRP_ROUTER_CONFIG_V1) {
    fprintf(stderr, "vrrp_router_config_init did not set struct_version\n");
    ++failures;
  }
  vrrp_lan_options_init(&options);
  if (options.seed != 1) {
    fprintf(stderr, "vrrp_lan_options_init: seed %llu, not 1\n", (unsigned long long)options.seed);
    ++failures;
  }
  if (strcmp(vrrp_strerror(VRRP_ERR_NOBUF), "buffer too small") != 0) ++failures;
  printf("vrrp.h standalone: version %s, %s\n", vrrp_version(), failures ? "FAILED" : "ok");
  return failures == 0 ? 0 : 1;
}
