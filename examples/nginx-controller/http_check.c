/* http_check.c: see http_check.h. */
#define _GNU_SOURCE
#include "http_check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail_parse(char *err, size_t err_len, const char *url, const char *why) {
  snprintf(err, err_len, "--url '%s': %s (expected http://ADDRESS[:PORT][/PATH])", url, why);
  return -1;
}

int http_target_parse(const char *url, http_target *out, char *err, size_t err_len) {
  memset(out, 0, sizeof *out);
  if (strlen(url) >= sizeof out->text) return fail_parse(err, err_len, url, "too long");
  snprintf(out->text, sizeof out->text, "%s", url);
  if (strncmp(url, "https://", 8) == 0) {
    return fail_parse(err, err_len, url, "https is not supported: check a plain-HTTP listener");
  }
  if (strncmp(url, "http://", 7) != 0) return fail_parse(err, err_len, url, "not an http:// URL");
  const char *host = url + 7;
  const char *host_end;
  const char *rest;
  if (*host == '[') { /* [IPv6] (RFC 3986 §3.2.2) */
    host_end = strchr(host, ']');
    if (host_end == NULL) return fail_parse(err, err_len, url, "no ']' after the IPv6 address");
    rest = host_end + 1;
    host++;
  } else {
    host_end = host + strcspn(host, ":/");
    rest = host_end;
  }
  char host_text[64];
  size_t host_len = (size_t)(host_end - host);
  if (host_len == 0 || host_len >= sizeof host_text) {
    return fail_parse(err, err_len, url, "no host");
  }
  memcpy(host_text, host, host_len);
  host_text[host_len] = '\0';

  long port = 80;
  if (*rest == ':') {
    char *end;
    errno = 0;
    port = strtol(rest + 1, &end, 10);
    if (end == rest + 1 || errno != 0 || port < 1 || port > 65535 || (*end && *end != '/')) {
      return fail_parse(err, err_len, url, "the port must be 1..65535");
    }
    rest = end;
  }
  const char *path = *rest ? rest : "/";
  if (*path != '/') return fail_parse(err, err_len, url, "the path must start with '/'");
  for (const char *p = path; *p; p++) {
    if ((unsigned char)*p <= ' ' || *p == 0x7f) {
      return fail_parse(err, err_len, url, "spaces or control characters in the path");
    }
  }

  const char *host_header = host_text;
  if (strcmp(host_text, "localhost") == 0) snprintf(host_text, sizeof host_text, "127.0.0.1");
  struct sockaddr_in *v4 = (struct sockaddr_in *)&out->addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->addr;
  if (inet_pton(AF_INET, host_text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    out->addr_len = sizeof *v4;
  } else if (inet_pton(AF_INET6, host_text, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    out->addr_len = sizeof *v6;
  } else {
    return fail_parse(err, err_len, url, "the host must be an IPv4 or [IPv6] address");
  }
  /* HTTP/1.0 with Connection: close: nginx answers and closes, no chunked body to skip. */
  int n = snprintf(out->request, sizeof out->request,
                   "GET %s HTTP/1.0\r\nHost: %s%s%s\r\nUser-Agent: nginx-controller\r\n"
                   "Connection: close\r\n\r\n",
                   path, v6->sin6_family == AF_INET6 ? "[" : "", host_header,
                   v6->sin6_family == AF_INET6 ? "]" : "");
  if (n < 0 || (size_t)n >= sizeof out->request) return fail_parse(err, err_len, url, "too long");
  out->request_len = (size_t)n;
  return 0;
}

void http_check_init(http_check *check) {
  memset(check, 0, sizeof *check);
  check->fd = -1;
}

static int finish(http_check *check, int state, const char *reason) {
  if (check->fd >= 0) close(check->fd);
  check->fd = -1;
  check->state = state;
  snprintf(check->reason, sizeof check->reason, "%s", reason);
  return state;
}

static int fail_errno(http_check *check, const char *what, int error) {
  char reason[sizeof check->reason];
  snprintf(reason, sizeof reason, "%s: %s", what, strerror(error));
  return finish(check, HTTP_CHECK_FAILED, reason);
}

int http_check_start(http_check *check, const http_target *target, vrrp_tstamp now,
                     vrrp_tstamp timeout) {
  http_check_cancel(check);
  check->state = HTTP_CHECK_PENDING;
  check->sent = 0;
  check->status = 0;
  check->response_len = 0;
  check->started = now;
  check->deadline = now + timeout;
  check->fd = socket(target->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (check->fd < 0) return fail_errno(check, "socket", errno);
  if (connect(check->fd, (const struct sockaddr *)&target->addr, target->addr_len) != 0 &&
      errno != EINPROGRESS) {
    return fail_errno(check, "connect", errno);
  }
  return check->state;
}

int http_check_fd(const http_check *check) {
  return check->state == HTTP_CHECK_PENDING ? check->fd : -1;
}

short http_check_events(const http_check *check) { return check->sent ? POLLIN : POLLOUT; }

/* The status line is "HTTP/1.x NNN reason" (RFC 9112 §4). */
static int parse_status(http_check *check) {
  check->response[check->response_len] = '\0';
  char *eol = strstr(check->response, "\r\n");
  if (eol) *eol = '\0';
  int major, minor, status;
  char after;
  if (sscanf(check->response, "HTTP/%d.%d %3d%c", &major, &minor, &status, &after) < 3 ||
      status < 100 || status > 599) {
    char reason[sizeof check->reason];
    snprintf(reason, sizeof reason, "not an HTTP status line: '%.60s'", check->response);
    return finish(check, HTTP_CHECK_FAILED, reason);
  }
  check->status = status;
  char reason[32];
  snprintf(reason, sizeof reason, "HTTP %d", status);
  return finish(check, status >= 200 && status < 400 ? HTTP_CHECK_OK : HTTP_CHECK_FAILED, reason);
}

static int step(http_check *check, const http_target *target) {
  if (!check->sent) {
    int error = 0;
    socklen_t len = sizeof error;
    if (getsockopt(check->fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
    if (error == EINPROGRESS || error == EALREADY) return check->state;
    if (error != 0) return fail_errno(check, "connect", error);
    /* The request is far smaller than any socket buffer: one send or a failure. */
    ssize_t n = send(check->fd, target->request, target->request_len, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return check->state;
    if (n < 0) return fail_errno(check, "send", errno);
    if ((size_t)n != target->request_len) return finish(check, HTTP_CHECK_FAILED, "short send");
    check->sent = 1;
    return check->state;
  }
  for (;;) {
    size_t room = sizeof check->response - 1 - check->response_len;
    ssize_t n = recv(check->fd, check->response + check->response_len, room, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return check->state;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(check, "recv", errno);
    check->response_len += (size_t)n;
    check->response[check->response_len] = '\0';
    if (n == 0 || strstr(check->response, "\r\n") ||
        check->response_len + 1 >= sizeof check->response) {
      if (check->response_len == 0) {
        return finish(check, HTTP_CHECK_FAILED, "closed without an answer");
      }
      return parse_status(check);
    }
  }
}

int http_check_step(http_check *check, vrrp_tstamp now, const http_target *target) {
  if (check->state != HTTP_CHECK_PENDING) return check->state;
  int state = step(check, target);
  if (state == HTTP_CHECK_PENDING && now >= check->deadline) {
    char reason[64];
    snprintf(reason, sizeof reason, "no %s within %lld ms", check->sent ? "answer" : "connection",
             (long long)((check->deadline - check->started) / VRRP_NS_PER_MS));
    return finish(check, HTTP_CHECK_FAILED, reason);
  }
  return state;
}

void http_check_cancel(http_check *check) {
  if (check->fd >= 0) close(check->fd);
  check->fd = -1;
  check->state = HTTP_CHECK_IDLE;
}

const char *http_check_reason(const http_check *check) { return check->reason; }
