/* nginx-controller: keepalived plus a health script, for an nginx load balancer, in one small
 * C program on libvrrp's C ABI (vrrp.h). See README.md.
 *
 * One poll() loop waits on: the VRRP driver's sockets, nginx's master process (a pidfd), the
 * HTTP check's socket, the restart command (a pidfd), and SIGTERM/SIGINT (a signalfd); its
 * timeout is the earliest of the driver's expiry and our own deadlines. nginx's health moves
 * through four states:
 *
 *   STARTING --healthy--> UP --down--> RESTARTING --healthy--> UP
 *                                          |  restart failed, or no healthy check in time
 *                                          v
 *   (STARTING and DOWN hold the instances in FAULT) DOWN --healthy--> UP
 *
 * "down" is the master process exiting (at once) or --fail-after consecutive failed checks.
 * FAULT is vrrp_driver_set_fault: a Master resigns at once with priority 0 (RFC 5798 §6.4.3),
 * so the backup takes over after its Skew_Time, not after Master_Down_Interval.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "http_check.h"
#include "nginx_watch.h"
#include "options.h"
#include "vrrp.h"

enum health { STARTING, UP, RESTARTING, DOWN };
static const char *const kHealthNames[] = {"starting", "up", "restarting", "down"};

/* While restarting, check this often: the restart's success is seen sooner. */
#define RESTART_CHECK_INTERVAL (100 * VRRP_NS_PER_MS)
/* At most one logged refused packet per instance per 10 s, as vrrpd (a flood must not flood
 * the log). */
#define DROP_LOG_INTERVAL (10 * VRRP_NS_PER_S)

typedef struct controller {
  controller_options opt;
  vrrp_driver *driver;
  uint32_t ids[MAX_INSTANCES];
  int fault; /* what we last told the driver */
  enum health health;
  http_check check;
  vrrp_tstamp next_check;
  int failures;          /* consecutive failed checks */
  int last_check_ok;     /* for logging changes only: -1 none yet */
  char last_reason[160]; /* the last failed check's reason, logged once */
  vrrp_tstamp down_since;
  vrrp_tstamp restart_deadline;
  nginx_watch nginx;
  vrrp_tstamp last_drop_log;
  unsigned long drops_unlogged;
} controller;

/* keepalived's console format with milliseconds: "Wed Dec  2 05:01:03.123 2026: ...". */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  localtime_r(&ts.tv_sec, &tm);
  char stamp[48];
  strftime(stamp, sizeof stamp, "%a %b %e %H:%M:%S", &tm);
  char line[1024];
  va_list args;
  va_start(args, fmt);
  vsnprintf(line, sizeof line, fmt, args);
  va_end(args);
  fprintf(stderr, "%s.%03ld %d: %s\n", stamp, ts.tv_nsec / 1000000, tm.tm_year + 1900, line);
}

static long long ms(vrrp_tstamp t) { return (long long)(t / VRRP_NS_PER_MS); }

/* ---------------------------------------------------------------------------------------------
 * VRRP side */

static void log_event(controller *c, const vrrp_event *e) {
  if (e->type == VRRP_EVENT_TRANSITION) {
    say("(%s) Entering %s STATE (%s)", e->instance, vrrp_state_name(e->to),
        vrrp_reason_name(e->reason));
    return;
  }
  if (e->type == VRRP_EVENT_DROP) {
    if (c->last_drop_log != 0 && e->time - c->last_drop_log < DROP_LOG_INTERVAL) {
      c->drops_unlogged++;
      return;
    }
    if (c->drops_unlogged > 0) say("(%lu refused packets not logged)", c->drops_unlogged);
    c->last_drop_log = e->time;
    c->drops_unlogged = 0;
  }
  /* e->text is "VI_1 address_added 192.0.2.3/24": print it as "(VI_1) address_added ...". */
  size_t n = strlen(e->instance);
  if (n > 0 && strncmp(e->text, e->instance, n) == 0 && e->text[n] == ' ') {
    say("(%s) %s", e->instance, e->text + n + 1);
  } else {
    say("%s", e->text);
  }
}

static void drain_events(controller *c) {
  vrrp_event e;
  while (vrrp_driver_poll_event(c->driver, &e) == 1) log_event(c, &e);
}

static void set_fault(controller *c, vrrp_tstamp now, int fault) {
  if (c->fault == fault) return;
  c->fault = fault;
  for (size_t i = 0; i < c->opt.n_instances; i++) {
    if (vrrp_driver_set_fault(c->driver, now, c->ids[i], fault) != 0) {
      say("(%s) set_fault(%d) failed: %s", c->opt.instances[i], fault, vrrp_last_error());
    }
  }
  drain_events(c);
}

/* ---------------------------------------------------------------------------------------------
 * nginx side */

static void set_health(controller *c, vrrp_tstamp now, enum health health, const char *why) {
  if (c->health == health) return;
  say("nginx: %s -> %s (%s)", kHealthNames[c->health], kHealthNames[health], why);
  c->health = health;
  if (health == UP) {
    set_fault(c, now, 0);
  } else if (health == DOWN) {
    /* Priority 0 at once, not a weight: a lower priority that still beats the backup's would
     * keep the VIP here with nothing behind it (the seed lab's weight -20). */
    say("nginx: giving up the VIP (fault: priority 0 now)");
    set_fault(c, now, 1);
  }
}

static void give_up(controller *c, vrrp_tstamp now, const char *why) {
  set_health(c, now, DOWN, why);
}

/* nginx is down (its master exited, or the checks failed): restart it, or give up. */
static void nginx_down(controller *c, vrrp_tstamp now, const char *why) {
  c->down_since = now;
  if (c->opt.restart == NULL) {
    give_up(c, now, why);
    return;
  }
  char err[256];
  say("nginx: down (%s): running %s", why, c->opt.restart);
  if (nginx_restart_spawn(&c->nginx, c->opt.restart, err, sizeof err) != 0) {
    say("nginx: cannot run the restart command: %s", err);
    give_up(c, now, "the restart command could not run");
    return;
  }
  set_health(c, now, RESTARTING, why);
  c->restart_deadline = now + c->opt.restart_wait;
  /* A check running now started before the restart; the next one follows it closely. */
  if (c->next_check > now + RESTART_CHECK_INTERVAL) c->next_check = now + RESTART_CHECK_INTERVAL;
}

static void on_check_done(controller *c, vrrp_tstamp now, int ok) {
  const char *reason = http_check_reason(&c->check);
  if (ok != c->last_check_ok || (!ok && strcmp(reason, c->last_reason) != 0)) {
    say("nginx: check %s %s (%s)", c->opt.url.text, ok ? "succeeded" : "failed", reason);
  }
  c->last_check_ok = ok;
  snprintf(c->last_reason, sizeof c->last_reason, "%s", ok ? "" : reason);
  if (!ok) {
    c->failures++;
    if (c->health == UP && c->failures >= c->opt.fail_after) {
      char why[64];
      snprintf(why, sizeof why, "%d checks failed in a row", c->failures);
      nginx_down(c, now, why);
    }
    return;
  }
  c->failures = 0;
  if (c->opt.pid_file != NULL && c->nginx.pidfd < 0) {
    char err[256];
    if (nginx_watch_open(&c->nginx, err, sizeof err) == 0) {
      say("nginx: watching master process %d (%s)", (int)c->nginx.pid, c->opt.pid_file);
    } else {
      say("nginx: cannot watch the master process: %s", err); /* retried after each check */
    }
  }
  if (c->health != UP) {
    char why[64] = "healthy";
    if (c->health != STARTING) {
      snprintf(why, sizeof why, "healthy %lld ms after it went down", ms(now - c->down_since));
    }
    set_health(c, now, UP, why);
  }
}

static void on_nginx_exit(controller *c, vrrp_tstamp now) {
  pid_t pid = nginx_watch_exited(&c->nginx);
  say("nginx: master process %d exited", (int)pid);
  if (c->health == UP) nginx_down(c, now, "the master process exited");
}

static void on_restart_exit(controller *c, vrrp_tstamp now) {
  int status;
  if (!nginx_restart_reap(&c->nginx, &status)) return;
  char text[64];
  describe_wait_status(status, text, sizeof text);
  say("nginx: the restart command %s", text);
  if (c->health == RESTARTING && status != 0) {
    give_up(c, now, "the restart command failed");
  }
}

static vrrp_tstamp check_interval(const controller *c) {
  return c->health == RESTARTING && c->opt.interval > RESTART_CHECK_INTERVAL
             ? RESTART_CHECK_INTERVAL
             : c->opt.interval;
}

static void run_checks(controller *c, vrrp_tstamp now, short revents) {
  int state = c->check.state;
  if (state == HTTP_CHECK_PENDING && (revents != 0 || now >= c->check.deadline)) {
    state = http_check_step(&c->check, now, &c->opt.url);
    if (state != HTTP_CHECK_PENDING) on_check_done(c, now, state == HTTP_CHECK_OK);
  }
  if (c->check.state != HTTP_CHECK_PENDING && now >= c->next_check) {
    c->next_check = now + check_interval(c);
    state = http_check_start(&c->check, &c->opt.url, now, c->opt.timeout);
    if (state != HTTP_CHECK_PENDING) on_check_done(c, now, state == HTTP_CHECK_OK);
  }
  if (c->health == RESTARTING && now >= c->restart_deadline) {
    char why[96];
    snprintf(why, sizeof why, "no healthy check %lld ms after the restart",
             ms(c->opt.restart_wait));
    give_up(c, now, why);
  }
}

/* ---------------------------------------------------------------------------------------------
 * Setup and the loop */

static char *read_file(const char *path, char *err, size_t err_len) {
  FILE *f = fopen(path, "re");
  if (f == NULL) {
    snprintf(err, err_len, "--conf %s: %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 4096, len = 0;
  char *text = malloc(cap);
  size_t n;
  while (text != NULL && (n = fread(text + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (len + 1 == cap) {
      char *bigger = cap < (16u << 20) ? realloc(text, cap * 2) : NULL;
      if (bigger == NULL) free(text);
      text = bigger;
      cap *= 2;
    }
  }
  int failed = ferror(f);
  fclose(f);
  if (text == NULL || failed) {
    free(text);
    snprintf(err, err_len, "--conf %s: %s", path, text ? "read error" : "too large");
    return NULL;
  }
  text[len] = '\0';
  return text;
}

/* Opens the driver from the file and finds the instances. 0, or the exit status. */
static int open_driver(controller *c) {
  char err[512];
  char *text = read_file(c->opt.conf, err, sizeof err);
  if (text == NULL) {
    fprintf(stderr, "nginx-controller: %s\n", err);
    return 2;
  }
  int rc = vrrp_driver_open_conf(&c->driver, text, NULL);
  free(text);
  if (rc != 0) {
    fprintf(stderr, "nginx-controller: %s: %s: %s\n", c->opt.conf, vrrp_strerror(rc),
            vrrp_last_error());
    return rc == VRRP_ERR_CONFIG ? 2 : 1;
  }
  char warnings[4096];
  int n = vrrp_driver_warnings(c->driver, warnings, sizeof warnings);
  if (n > 0 && (size_t)n < sizeof warnings) {
    for (char *line = strtok(warnings, "\n"); line; line = strtok(NULL, "\n")) {
      say("%s: warning: %s", c->opt.conf, line);
    }
  }
  for (size_t i = 0; i < c->opt.n_instances; i++) {
    int64_t id = vrrp_driver_find(c->driver, c->opt.instances[i]);
    if (id <= 0) {
      fprintf(stderr, "nginx-controller: --instance %s: no such vrrp_instance in %s\n",
              c->opt.instances[i], c->opt.conf);
      return 2;
    }
    c->ids[i] = (uint32_t)id;
  }
  return 0;
}

static int signal_fd(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) return -1;
  return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int add_fd(struct pollfd *fds, int *n, int fd, short events) {
  if (fd < 0) return -1;
  fds[*n] = (struct pollfd){.fd = fd, .events = events};
  return (*n)++;
}

static int run(controller *c, int sigfd) {
  int driver_fds[64];
  int n_driver = vrrp_driver_fds(c->driver, driver_fds, 64);
  if (n_driver < 0 || n_driver > 64) {
    say("vrrp_driver_fds: %d descriptors, more than this program polls", n_driver);
    return 1;
  }
  vrrp_tstamp now = vrrp_now();
  int rc = vrrp_driver_start(c->driver, now);
  if (rc != 0) {
    say("vrrp_driver_start: %s: %s", vrrp_strerror(rc), vrrp_last_error());
    return 1;
  }
  drain_events(c);
  /* Until the first healthy check, hold the instances in FAULT: never take the VIP for an
   * nginx that has not answered yet. */
  set_fault(c, now, 1);
  say("nginx: checking %s every %lld ms (timeout %lld ms, down after %d failures)", c->opt.url.text,
      ms(c->opt.interval), ms(c->opt.timeout), c->opt.fail_after);

  for (;;) {
    struct pollfd fds[64 + 4];
    int n = 0;
    add_fd(fds, &n, sigfd, POLLIN);
    for (int i = 0; i < n_driver; i++) add_fd(fds, &n, driver_fds[i], POLLIN);
    int nginx_i = add_fd(fds, &n, c->nginx.pidfd, POLLIN);
    int restart_i = add_fd(fds, &n, c->nginx.restart_fd, POLLIN);
    int check_i = add_fd(fds, &n, http_check_fd(&c->check), http_check_events(&c->check));

    vrrp_tstamp deadline = vrrp_driver_get_expiry(c->driver);
    vrrp_tstamp mine = c->check.state == HTTP_CHECK_PENDING ? c->check.deadline : c->next_check;
    if (mine < deadline) deadline = mine;
    if (c->health == RESTARTING && c->restart_deadline < deadline) deadline = c->restart_deadline;
    now = vrrp_now();
    int timeout = -1;
    if (deadline != VRRP_TSTAMP_MAX) {
      vrrp_tstamp wait = deadline > now ? deadline - now : 0;
      wait = (wait + VRRP_NS_PER_MS - 1) / VRRP_NS_PER_MS; /* round up: never wake early */
      timeout = wait > INT_MAX ? INT_MAX : (int)wait;
    }
    if (poll(fds, (nfds_t)n, timeout) < 0 && errno != EINTR) {
      say("poll: %s", strerror(errno));
      return 1;
    }
    now = vrrp_now();

    if (fds[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
        say("%s: resigning and exiting", strsignal((int)si.ssi_signo));
        return 0;
      }
    }
    for (int i = 1; i <= n_driver; i++) {
      if (fds[i].revents) vrrp_driver_handle_readable(c->driver, now, fds[i].fd);
    }
    if (now >= vrrp_driver_get_expiry(c->driver)) vrrp_driver_handle_timeout(c->driver, now);
    drain_events(c);
    if (nginx_i >= 0 && fds[nginx_i].revents) on_nginx_exit(c, now);
    if (restart_i >= 0 && fds[restart_i].revents) on_restart_exit(c, now);
    run_checks(c, now, check_i >= 0 ? fds[check_i].revents : 0);
    drain_events(c);
  }
}

int main(int argc, char **argv) {
  controller c;
  memset(&c, 0, sizeof c);
  char err[1200];
  int parsed = options_parse(argc, argv, &c.opt, err, sizeof err);
  if (parsed == OPTIONS_HELP) return 0;
  if (parsed != OPTIONS_OK) {
    fprintf(stderr, "nginx-controller: %s\n", err);
    return 2;
  }
  setvbuf(stderr, NULL, _IOLBF, 0);
  http_check_init(&c.check);
  nginx_watch_init(&c.nginx, c.opt.pid_file);
  c.health = STARTING;
  c.last_check_ok = -1;

  int rc = open_driver(&c);
  if (rc != 0) {
    vrrp_driver_del(c.driver);
    return rc;
  }
  int sigfd = signal_fd();
  if (sigfd < 0) {
    fprintf(stderr, "nginx-controller: signalfd: %s\n", strerror(errno));
    vrrp_driver_del(c.driver);
    return 1;
  }
  say("nginx-controller on libvrrp %s: %s, instance %s%s", vrrp_version(), c.opt.conf,
      c.opt.instances[0], c.opt.n_instances > 1 ? " and more" : "");
  rc = run(&c, sigfd);
  /* Resign: every Master sends priority 0 and removes its addresses (RFC 5798 §6.4.3). */
  vrrp_driver_shutdown(c.driver, vrrp_now());
  drain_events(&c);
  vrrp_driver_del(c.driver);
  http_check_cancel(&c.check);
  nginx_watch_close(&c.nginx);
  close(sigfd);
  say("exiting with status %d", rc);
  return rc;
}
