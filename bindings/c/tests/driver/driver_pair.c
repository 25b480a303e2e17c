/* One VRRP router run through vrrp.h's driver from a poll() loop of its own: the smallest
 * embedder, and the program driver_netns_test.sh runs in each of two network namespaces.
 *
 *   driver_pair [--external] [--instance NAME] KEEPALIVED_CONF
 *
 * Opens a driver from the keepalived.conf file, starts it and prints every event on a line of
 * its own, "t=<vrrp_now() ns> <event text>", flushed at once. --external: the driver only
 * elects (vrrp_driver_options.manage_addresses_externally), no address is added.
 * Signals: SIGUSR1 toggles the embedder's fault on the instance (default VI_1) and prints
 * "t=... set_fault NAME 0|1"; SIGUSR2 prints the status JSON; SIGTERM / SIGINT shut the
 * driver down (a Master resigns and removes its addresses), print the last events, delete it
 * and exit 0. Exit 2 when the driver cannot be opened or started.
 */
#define _GNU_SOURCE /* signalfd */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "vrrp.h"

#define MAX_FDS 64

static char *read_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return NULL;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  size_t n;
  while (buf != NULL && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (cap - len - 1 == 0) {
      char *bigger = realloc(buf, cap * 2);
      if (bigger == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = bigger;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf != NULL) buf[len] = '\0';
  return buf;
}

static void print_line(const char *text) {
  printf("t=%" PRId64 " %s\n", (int64_t)vrrp_now(), text);
  fflush(stdout);
}

static void drain(vrrp_driver *d) {
  vrrp_event e;
  while (vrrp_driver_poll_event(d, &e) == 1) print_line(e.text);
}

/* The status JSON, in a buffer doubled until it fits (vrrp.h: VRRP_ERR_NOBUF, retry larger). */
static void print_status(const vrrp_driver *d) {
  for (size_t need = 4096; need <= ((size_t)1 << 26); need *= 2) {
    char *buf = malloc(need);
    if (buf == NULL) return;
    int n = vrrp_driver_status_json(d, buf, need);
    if (n >= 0) fputs(buf, stdout);
    free(buf);
    if (n != VRRP_ERR_NOBUF) break;
  }
  fflush(stdout);
}

int main(int argc, char **argv) {
  int external = 0;
  const char *instance = "VI_1";
  const char *path = NULL;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--external") == 0) {
      external = 1;
    } else if (strcmp(argv[i], "--instance") == 0 && i + 1 < argc) {
      instance = argv[++i];
    } else {
      path = argv[i];
    }
  }
  if (path == NULL) {
    fprintf(stderr, "usage: %s [--external] [--instance NAME] KEEPALIVED_CONF\n", argv[0]);
    return 2;
  }
  char *conf = read_file(path);
  if (conf == NULL) {
    fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
    return 2;
  }

  /* Signals arrive as a readable descriptor in the same poll() as the driver's. */
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);
  sigaddset(&signals, SIGUSR2);
  sigprocmask(SIG_BLOCK, &signals, NULL);
  int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd < 0) {
    fprintf(stderr, "signalfd: %s\n", strerror(errno));
    return 2;
  }

  vrrp_driver_options options;
  vrrp_driver_options_init(&options);
  options.manage_addresses_externally = external;
  vrrp_driver *d = NULL;
  int rc = vrrp_driver_open_conf(&d, conf, &options);
  free(conf);
  if (rc != 0) {
    fprintf(stderr, "vrrp_driver_open_conf: %s: %s\n", vrrp_strerror(rc), vrrp_last_error());
    return 2;
  }
  char warnings[4096];
  if (vrrp_driver_warnings(d, warnings, sizeof warnings) > 0) fputs(warnings, stderr);
  int64_t id = vrrp_driver_find(d, instance);
  if (id < 0) {
    fprintf(stderr, "vrrp_driver_find %s: %s\n", instance, vrrp_last_error());
    vrrp_driver_del(d);
    return 2;
  }
  rc = vrrp_driver_start(d, vrrp_now());
  if (rc != 0) {
    fprintf(stderr, "vrrp_driver_start: %s: %s\n", vrrp_strerror(rc), vrrp_last_error());
    vrrp_driver_del(d);
    return 2;
  }
  print_line("started");
  drain(d);

  struct pollfd pfds[MAX_FDS + 1];
  int driver_fds[MAX_FDS];
  int nfds = vrrp_driver_fds(d, driver_fds, MAX_FDS);
  if (nfds < 0 || nfds > MAX_FDS) {
    fprintf(stderr, "vrrp_driver_fds: %d\n", nfds);
    vrrp_driver_del(d);
    return 2;
  }
  for (int i = 0; i < nfds; ++i) pfds[i] = (struct pollfd){.fd = driver_fds[i], .events = POLLIN};
  pfds[nfds] = (struct pollfd){.fd = signal_fd, .events = POLLIN};

  int fault = 0;
  int running = 1;
  while (running) {
    /* Sleep until the driver's expiry (rounded up to a whole millisecond) or a descriptor. */
    vrrp_tstamp expiry = vrrp_driver_get_expiry(d);
    int timeout_ms = -1;
    if (expiry != VRRP_TSTAMP_MAX) {
      vrrp_tstamp wait = expiry - vrrp_now();
      timeout_ms = wait <= 0 ? 0 : (int)((wait + VRRP_NS_PER_MS - 1) / VRRP_NS_PER_MS);
    }
    if (poll(pfds, (nfds_t)nfds + 1, timeout_ms) < 0 && errno != EINTR) {
      fprintf(stderr, "poll: %s\n", strerror(errno));
      break;
    }
    for (int i = 0; i < nfds; ++i) {
      if (pfds[i].revents != 0) vrrp_driver_handle_readable(d, vrrp_now(), pfds[i].fd);
    }
    if (vrrp_now() >= vrrp_driver_get_expiry(d)) vrrp_driver_handle_timeout(d, vrrp_now());
    drain(d);
    if (pfds[nfds].revents == 0) continue;
    struct signalfd_siginfo info;
    while (read(signal_fd, &info, sizeof info) == (ssize_t)sizeof info) {
      if (info.ssi_signo == SIGUSR1) {
        fault = !fault;
        char line[128];
        snprintf(line, sizeof line, "set_fault %s %d", instance, fault);
        print_line(line);
        rc = vrrp_driver_set_fault(d, vrrp_now(), (uint32_t)id, fault);
        if (rc != 0) fprintf(stderr, "vrrp_driver_set_fault: %s\n", vrrp_last_error());
        drain(d);
      } else if (info.ssi_signo == SIGUSR2) {
        print_status(d);
      } else {
        running = 0;
      }
    }
  }
  print_line("stopping");
  vrrp_driver_shutdown(d, vrrp_now());
  drain(d);
  vrrp_driver_del(d);
  print_line("stopped");
  close(signal_fd);
  return 0;
}
