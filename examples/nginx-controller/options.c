/* options.c: see options.h. */
#define _GNU_SOURCE
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void options_usage(FILE *out) {
  fputs(
      "Usage: nginx-controller --conf FILE --instance NAME [OPTIONS]\n"
      "\n"
      "Holds the VRRP instance NAME of keepalived.conf FILE while the local nginx is healthy;\n"
      "restarts nginx when it fails, and gives the VIP up at once (priority 0) if that does not\n"
      "bring it back. The file's vrrp_script blocks are not run: this program is the check.\n"
      "\n"
      "  --conf FILE            keepalived.conf (vrrp_instance, vrrp_sync_group, ...)\n"
      "  --instance NAME        the vrrp_instance to control (repeat for several)\n"
      "  --url URL              the check: http://ADDRESS[:PORT][/PATH], 2xx/3xx is healthy\n"
      "                         (default http://127.0.0.1/)\n"
      "  --timeout-ms MS        one check's timeout (default 300)\n"
      "  --interval-ms MS       between checks (default 500)\n"
      "  --fail-after N         consecutive failed checks that mean nginx is down (default 2)\n"
      "  --nginx-pidfile FILE   nginx's pid file: its master's exit is seen at once (pidfd)\n"
      "  --restart CMD          run by /bin/sh -c when nginx is down (default: none, give up)\n"
      "  --restart-wait-ms MS   how long a restart may take to give a healthy check\n"
      "                         (default 2000)\n"
      "  -h, --help             this text\n"
      "  -v, --version          the version of libvrrp in use\n"
      "\n"
      "Exit status: 0 after SIGTERM or SIGINT (the instance resigned), 1 when running failed,\n"
      "2 for a bad option or configuration.\n",
      out);
}

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t err_len, const char *fmt,
                                                      ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(err, err_len, fmt, args);
  va_end(args);
  return OPTIONS_ERROR;
}

/* A whole number in [min, max], or -1. */
static long parse_number(const char *text, long min, long max) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (end == text || *end != '\0' || errno != 0 || v < min || v > max) return -1;
  return v;
}

int options_parse(int argc, char **argv, controller_options *out, char *err, size_t err_len) {
  static const struct option longs[] = {
      {"conf", required_argument, NULL, 'c'},
      {"instance", required_argument, NULL, 'i'},
      {"url", required_argument, NULL, 'u'},
      {"timeout-ms", required_argument, NULL, 't'},
      {"interval-ms", required_argument, NULL, 'n'},
      {"fail-after", required_argument, NULL, 'f'},
      {"nginx-pidfile", required_argument, NULL, 'p'},
      {"restart", required_argument, NULL, 'r'},
      {"restart-wait-ms", required_argument, NULL, 'w'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'v'},
      {NULL, 0, NULL, 0},
  };
  memset(out, 0, sizeof *out);
  const char *url = "http://127.0.0.1/";
  long timeout_ms = 300, interval_ms = 500, restart_wait_ms = 2000, fail_after = 2;
  opterr = 0; /* our own messages */
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "hv", longs, NULL)) != -1) {
    long *number = NULL;
    long min = 0, max = 0;
    const char *name = NULL;
    switch (c) {
      case 'c':
        out->conf = optarg;
        break;
      case 'i':
        if (out->n_instances == MAX_INSTANCES) {
          return fail(err, err_len, "--instance: at most %d instances", MAX_INSTANCES);
        }
        out->instances[out->n_instances++] = optarg;
        break;
      case 'u':
        url = optarg;
        break;
      case 't':
        number = &timeout_ms, min = 1, max = 60000, name = "--timeout-ms";
        break;
      case 'n':
        number = &interval_ms, min = 10, max = 3600000, name = "--interval-ms";
        break;
      case 'f':
        number = &fail_after, min = 1, max = 100, name = "--fail-after";
        break;
      case 'w':
        number = &restart_wait_ms, min = 0, max = 600000, name = "--restart-wait-ms";
        break;
      case 'p':
        out->pid_file = optarg;
        break;
      case 'r':
        out->restart = *optarg ? optarg : NULL;
        break;
      case 'h':
        options_usage(stdout);
        return OPTIONS_HELP;
      case 'v':
        printf("nginx-controller (libvrrp %s)\n", vrrp_version());
        return OPTIONS_HELP;
      default: {
        const char *arg = argv[optind - 1];
        if (optopt != 0) return fail(err, err_len, "option %s needs a value", arg);
        return fail(err, err_len, "unknown option %s (see --help)", arg);
      }
    }
    if (number != NULL) {
      *number = parse_number(optarg, min, max);
      if (*number < 0) {
        return fail(err, err_len, "%s: a whole number in %ld..%ld, not '%s'", name, min, max,
                    optarg);
      }
    }
  }
  if (optind < argc) return fail(err, err_len, "unexpected argument '%s'", argv[optind]);
  if (out->conf == NULL) return fail(err, err_len, "--conf FILE is required (keepalived.conf)");
  if (out->n_instances == 0) {
    return fail(err, err_len, "--instance NAME is required (a vrrp_instance of %s)", out->conf);
  }
  if (http_target_parse(url, &out->url, err, err_len) != 0) return OPTIONS_ERROR;
  out->timeout = timeout_ms * VRRP_NS_PER_MS;
  out->interval = interval_ms * VRRP_NS_PER_MS;
  out->restart_wait = restart_wait_ms * VRRP_NS_PER_MS;
  out->fail_after = (int)fail_after;
  return OPTIONS_OK;
}
