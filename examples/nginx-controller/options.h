/* options.h: nginx-controller's command line. */
#ifndef NGINX_CONTROLLER_OPTIONS_H_
#define NGINX_CONTROLLER_OPTIONS_H_

#include <stddef.h>
#include <stdio.h>

#include "http_check.h"
#include "vrrp.h"

#define MAX_INSTANCES 16

typedef struct controller_options {
  const char *conf;                     /* keepalived.conf */
  const char *instances[MAX_INSTANCES]; /* vrrp_instance names nginx's health decides */
  size_t n_instances;
  http_target url;          /* the HTTP check */
  vrrp_tstamp timeout;      /* of one HTTP check */
  vrrp_tstamp interval;     /* between checks' starts */
  int fail_after;           /* consecutive failed checks that mean "down" */
  const char *pid_file;     /* nginx's pid file; NULL: HTTP check only */
  const char *restart;      /* shell command; NULL: give up at once */
  vrrp_tstamp restart_wait; /* for a healthy check after the restart */
} controller_options;

#define OPTIONS_OK 0
#define OPTIONS_HELP 1   /* --help or --version was printed: exit 0 */
#define OPTIONS_ERROR -1 /* err says what: exit 2 */

int options_parse(int argc, char **argv, controller_options *out, char *err, size_t err_len);
void options_usage(FILE *out);

#endif /* NGINX_CONTROLLER_OPTIONS_H_ */
