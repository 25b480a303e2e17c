#!/bin/bash
# nginx-controller's command-line errors: each gives a clear message and exit status 2, before
# anything is opened (so no root is needed). Usage: args_test.sh NGINX_CONTROLLER
set -u
bin=${1:?usage: args_test.sh NGINX_CONTROLLER}
tmp=$(mktemp -d /tmp/nginx-controller-args.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failures=0

# expect STATUS TEXT ARGS...: the program exits with STATUS and its stderr contains TEXT
expect() {
    local want=$1 text=$2 rc
    shift 2
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [[ $rc != "$want" ]] || ! grep -qF -- "$text" "$tmp/err" "$tmp/out"; then
        echo "FAIL: nginx-controller $* -> status $rc (want $want), output:" >&2
        sed 's/^/    /' "$tmp/out" "$tmp/err" >&2
        echo "    (want the text: $text)" >&2
        failures=$((failures + 1))
    else
        echo "ok: $* -> $rc: $(head -n1 "$tmp/err" "$tmp/out" | grep -v '^==>' | grep . | head -n1)"
    fi
}

cat >"$tmp/lb.conf" <<'CONF'
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 50
    priority 150
    virtual_ipaddress {
        192.0.2.3/24
    }
}
CONF
printf 'vrrp_instance VI_1 {\n    virtual_router_id 300\n' >"$tmp/bad.conf"

expect 0 "Usage: nginx-controller" --help
expect 2 "--conf FILE is required" --instance VI_1
expect 2 "--conf FILE is required"
expect 2 "--instance NAME is required" --conf "$tmp/lb.conf"
expect 2 "not an http:// URL" --conf "$tmp/lb.conf" --instance VI_1 --url ftp://127.0.0.1/
expect 2 "https is not supported" --conf "$tmp/lb.conf" --instance VI_1 --url https://127.0.0.1/
expect 2 "the host must be an IPv4 or [IPv6] address" --conf "$tmp/lb.conf" --instance VI_1 \
    --url http://nginx.example/
expect 2 "the port must be 1..65535" --conf "$tmp/lb.conf" --instance VI_1 --url http://127.0.0.1:0/
expect 2 "no ']'" --conf "$tmp/lb.conf" --instance VI_1 --url 'http://[2001:db8::1/'
expect 2 "spaces or control characters" --conf "$tmp/lb.conf" --instance VI_1 \
    --url 'http://127.0.0.1/a b'
expect 2 "--timeout-ms: a whole number in 1..60000, not 'abc'" --conf "$tmp/lb.conf" \
    --instance VI_1 --timeout-ms abc
expect 2 "--interval-ms: a whole number in 10..3600000, not '5'" --conf "$tmp/lb.conf" \
    --instance VI_1 --interval-ms 5
expect 2 "--fail-after: a whole number in 1..100, not '0'" --conf "$tmp/lb.conf" \
    --instance VI_1 --fail-after 0
expect 2 "option --restart needs a value" --conf "$tmp/lb.conf" --instance VI_1 --restart
expect 2 "unknown option --weight" --conf "$tmp/lb.conf" --instance VI_1 --weight -20
expect 2 "unexpected argument 'extra'" --conf "$tmp/lb.conf" --instance VI_1 extra
expect 2 "--conf $tmp/missing.conf: No such file or directory" --conf "$tmp/missing.conf" \
    --instance VI_1
# A refused file names its problem (the library's message; the driver needs no root to parse).
expect 2 "$tmp/bad.conf" --conf "$tmp/bad.conf" --instance VI_1

if (( failures > 0 )); then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "all passed"
