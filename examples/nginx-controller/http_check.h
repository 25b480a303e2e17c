/* http_check.h: one HTTP health check of a local URL, non-blocking, for a poll() loop.
 *
 * A check connects, sends "GET PATH HTTP/1.0" and reads the status line; 2xx and 3xx are
 * healthy. It never blocks: the caller polls http_check_fd() for http_check_events() and calls
 * http_check_step() when the descriptor is ready or the check's deadline has passed. The URL's
 * host must be an address literal (or "localhost"): a health check must not wait on DNS.
 */
#ifndef NGINX_CONTROLLER_HTTP_CHECK_H_
#define NGINX_CONTROLLER_HTTP_CHECK_H_

#include <stddef.h>
#include <sys/socket.h>

#include "vrrp.h"

typedef struct http_target {
  struct sockaddr_storage addr;
  socklen_t addr_len;
  char request[1400]; /* the whole request, sent in one write */
  size_t request_len;
  char text[1100]; /* the URL as given, for logs */
} http_target;

/* Parses "http://HOST[:PORT][/PATH]" (HOST: 192.0.2.1, [2001:db8::1] or localhost). 0, or -1
 * with the reason in err. */
int http_target_parse(const char *url, http_target *out, char *err, size_t err_len);

#define HTTP_CHECK_IDLE 0    /* no check running */
#define HTTP_CHECK_PENDING 1 /* waiting for the socket or the deadline */
#define HTTP_CHECK_OK 2      /* done: healthy */
#define HTTP_CHECK_FAILED 3  /* done: http_check_reason() says why */

typedef struct http_check {
  int state; /* HTTP_CHECK_* */
  int fd;    /* -1 when none */
  int sent;  /* the request went out; now reading */
  vrrp_tstamp started;
  vrrp_tstamp deadline;
  int status; /* the HTTP status once read */
  char response[160];
  size_t response_len;
  char reason[160];
} http_check;

void http_check_init(http_check *check);
/* Starts a check that must finish by now + timeout. Returns its state: PENDING, or already
 * FAILED (e.g. loopback refused the connection at once). */
int http_check_start(http_check *check, const http_target *target, vrrp_tstamp now,
                     vrrp_tstamp timeout);
/* The descriptor to poll while PENDING (-1 otherwise) and the events to poll it for. */
int http_check_fd(const http_check *check);
short http_check_events(const http_check *check);
/* Advances a PENDING check of `target` (its descriptor was ready, or the deadline passed).
 * Returns the new state; when done, the socket is closed. */
int http_check_step(http_check *check, vrrp_tstamp now, const http_target *target);
/* Ends a running check (closes its socket). */
void http_check_cancel(http_check *check);
/* "HTTP 200", "connection refused", "no answer within 300 ms", ... */
const char *http_check_reason(const http_check *check);

#endif /* NGINX_CONTROLLER_HTTP_CHECK_H_ */
