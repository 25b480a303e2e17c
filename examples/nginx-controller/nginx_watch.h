/* nginx_watch.h: the nginx master process through a pidfd, and the restart command.
 *
 * A pidfd (pidfd_open(2), Linux 5.3) becomes readable when the process exits, so a poll() loop
 * learns of nginx's death at once, without polling /proc or a pid that may be reused. The
 * restart command runs as `/bin/sh -c CMD` in a child that is watched the same way and reaped
 * with waitpid(WNOHANG): the loop never blocks on it.
 */
#ifndef NGINX_CONTROLLER_NGINX_WATCH_H_
#define NGINX_CONTROLLER_NGINX_WATCH_H_

#include <stddef.h>
#include <sys/types.h>

typedef struct nginx_watch {
  const char *pid_file; /* NULL: no process watch, the HTTP check alone */
  int pidfd;            /* nginx's master, -1 when not watched */
  pid_t pid;
  pid_t restart_pid; /* the running restart command, 0 when none */
  int restart_fd;    /* its pidfd, -1 when none */
} nginx_watch;

void nginx_watch_init(nginx_watch *watch, const char *pid_file);
/* Reads the pid file and opens a pidfd on that process (closing any earlier one). 0, or -1
 * with the reason in err (no pid file, not a number, no such process). */
int nginx_watch_open(nginx_watch *watch, char *err, size_t err_len);
/* The master exited (its pidfd was readable): closes the pidfd, returns the pid it had. */
pid_t nginx_watch_exited(nginx_watch *watch);

/* Starts `/bin/sh -c command` (stdin /dev/null, stdout and stderr ours, its own session, no
 * descriptor of ours but those three, no blocked signal). 0, or -1 with the reason in err. */
int nginx_restart_spawn(nginx_watch *watch, const char *command, char *err, size_t err_len);
/* The restart command's pidfd was readable: reaps it. Returns 1 and its wait status, or 0 when
 * it has not exited after all. */
int nginx_restart_reap(nginx_watch *watch, int *status);
/* "exited with status 1", "killed by signal 9" */
void describe_wait_status(int status, char *buf, size_t len);

void nginx_watch_close(nginx_watch *watch);

#endif /* NGINX_CONTROLLER_NGINX_WATCH_H_ */
