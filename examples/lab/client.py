#!/usr/bin/env python3
"""The seed lab's client: GET http://VIP/ every INTERVAL ms until SIGTERM.

One new TCP connection per request (as curl in a loop would), a short connect timeout (default
100 ms) and a short total timeout (default 1000 ms). Writes one line per request to LOG, flushed at once:

    START END ok LB WEB          e.g. 1764483312.101234 1764483312.102876 ok lb-5 web1
    START END fail - - REASON    e.g. ... fail - - refused

START and END are epoch seconds (the same clock the lab stamps the daemons' logs with); LB is
the X-LB header the load balancer's nginx adds, WEB the body the web server answered with.

Usage: client.py VIP INTERVAL_MS LOG [CONNECT_TIMEOUT_MS] [MAX_TIME_MS]
"""
import errno
import signal
import socket
import sys
import time

vip = sys.argv[1]
interval = int(sys.argv[2]) / 1000.0
log = open(sys.argv[3], "a", buffering=1)
connect_timeout = int(sys.argv[4]) / 1000.0 if len(sys.argv) > 4 else 0.1
max_time = int(sys.argv[5]) / 1000.0 if len(sys.argv) > 5 else 1.0
request = f"GET / HTTP/1.0\r\nHost: {vip}\r\nUser-Agent: vrrp-lab\r\n\r\n".encode()

running = True


def stop(_signum, _frame):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)


def reason_of(error):
    if isinstance(error, socket.timeout):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, ConnectionResetError):
        return "reset"
    code = getattr(error, "errno", None)
    if code in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return "unreachable"
    return type(error).__name__


def get():
    """Returns (lb, web) or raises."""
    start = time.monotonic()
    with socket.create_connection((vip, 80), timeout=connect_timeout) as s:
        s.settimeout(max(0.001, max_time - (time.monotonic() - start)))
        s.sendall(request)
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
            s.settimeout(max(0.001, max_time - (time.monotonic() - start)))
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split()
    if len(status) < 2 or status[1] != "200":
        raise RuntimeError("http_" + (status[1] if len(status) > 1 else "garbled"))
    lb = "-"
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "x-lb":
            lb = value.strip()
    return lb, body.decode("latin-1").strip() or "-"


next_start = time.time()
while running:
    start = time.time()
    try:
        lb, web = get()
        outcome = f"ok {lb} {web}"
    except Exception as error:  # every failure is a data point, not a crash
        outcome = f"fail - - {reason_of(error) if not isinstance(error, RuntimeError) else error}"
    log.write(f"{start:.6f} {time.time():.6f} {outcome}\n")
    next_start += interval
    delay = next_start - time.time()
    if delay > 0:
        time.sleep(delay)
    else:
        next_start = time.time()  # late (a slow request): no burst to catch up
