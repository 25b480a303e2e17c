/* nginx_watch.c: see nginx_watch.h. */
#define _GNU_SOURCE
#include "nginx_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* glibc 2.36 has no wrapper for pidfd_open; the system call number is in the headers. */
static int pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

void nginx_watch_init(nginx_watch *watch, const char *pid_file) {
  memset(watch, 0, sizeof *watch);
  watch->pid_file = pid_file;
  watch->pidfd = -1;
  watch->restart_fd = -1;
}

int nginx_watch_open(nginx_watch *watch, char *err, size_t err_len) {
  if (watch->pidfd >= 0) close(watch->pidfd);
  watch->pidfd = -1;
  watch->pid = 0;
  FILE *f = fopen(watch->pid_file, "re");
  if (f == NULL) {
    snprintf(err, err_len, "%s: %s", watch->pid_file, strerror(errno));
    return -1;
  }
  char line[32] = "";
  char *got = fgets(line, sizeof line, f);
  fclose(f);
  char *end = line;
  long pid = got ? strtol(line, &end, 10) : 0;
  if (end == line || pid < 2 || pid > 4194304 || (*end != '\n' && *end != '\0')) {
    snprintf(err, err_len, "%s: no process id in it", watch->pid_file);
    return -1;
  }
  int fd = pidfd_open((pid_t)pid);
  if (fd < 0) {
    /* ESRCH: a stale pid file, left by an nginx that was killed (it removes it on exit). */
    snprintf(err, err_len, "%s: process %ld: %s", watch->pid_file, pid, strerror(errno));
    return -1;
  }
  watch->pidfd = fd;
  watch->pid = (pid_t)pid;
  return 0;
}

pid_t nginx_watch_exited(nginx_watch *watch) {
  pid_t pid = watch->pid;
  if (watch->pidfd >= 0) close(watch->pidfd);
  watch->pidfd = -1;
  watch->pid = 0;
  return pid;
}

int nginx_restart_spawn(nginx_watch *watch, const char *command, char *err, size_t err_len) {
  if (watch->restart_pid > 0) {
    snprintf(err, err_len, "the previous restart (process %d) is still running",
             (int)watch->restart_pid);
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(err, err_len, "fork: %s", strerror(errno));
    return -1;
  }
  if (pid == 0) {
    /* The child: a clean slate for the command, and nginx it may start (which would otherwise
     * inherit our raw VRRP sockets and our blocked SIGTERM). */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setsid();
    int null = open("/dev/null", O_RDONLY);
    if (null > 0) {
      dup2(null, 0);
      close(null);
    }
    close_range(3, ~0U, 0);
    execl("/bin/sh", "sh", "-c", command, (char *)NULL);
    _exit(127);
  }
  /* The child cannot be reaped before this, so its pid is still its own (a zombie at worst). */
  int fd = pidfd_open(pid);
  if (fd < 0) {
    snprintf(err, err_len, "pidfd_open: %s", strerror(errno));
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
  }
  watch->restart_pid = pid;
  watch->restart_fd = fd;
  return 0;
}

int nginx_restart_reap(nginx_watch *watch, int *status) {
  if (watch->restart_pid <= 0) return 0;
  pid_t got = waitpid(watch->restart_pid, status, WNOHANG);
  if (got == 0) return 0;
  if (got < 0) *status = 0x7f00; /* ECHILD: someone else reaped it; "status 127" */
  close(watch->restart_fd);
  watch->restart_fd = -1;
  watch->restart_pid = 0;
  return 1;
}

void describe_wait_status(int status, char *buf, size_t len) {
  if (WIFEXITED(status)) {
    snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
  } else {
    snprintf(buf, len, "ended (wait status %#x)", (unsigned)status);
  }
}

void nginx_watch_close(nginx_watch *watch) {
  if (watch->pidfd >= 0) close(watch->pidfd);
  if (watch->restart_fd >= 0) close(watch->restart_fd);
  watch->pidfd = watch->restart_fd = -1;
}
