#!/bin/bash
# nginx-controller on two load balancers in network namespaces (root; skips itself otherwise):
# nginx and a controller in each, one keepalived.conf each (VRRPv2, PASS, VIP 192.0.2.3/24,
# priority 150 on "a", 100 on "b", advert_int 1), a veth pair between them.
#
#   1. a (150) holds the VIP;
#   2. a's nginx is SIGKILLed and its restart command fails -> a resigns: the VIP is on b well
#      before Master_Down_Interval (3.6 s) would have moved it;
#   3. the test starts a's nginx again -> a's check passes, a preempts: the VIP is back on a;
#   4. a's nginx is SIGKILLed and its restart command works -> nginx is back within the
#      restart wait, and the VIP never leaves a;
#   5. SIGTERM to a's controller -> exit status 0, it resigns: the VIP moves to b.
#
# Usage: netns_test.sh NGINX_CONTROLLER. Exit 0 passed, 1 failed, 77 skipped.
set -u
export LC_ALL=C
bin=${1:?usage: netns_test.sh NGINX_CONTROLLER}

if [[ $EUID -ne 0 ]]; then
    echo "skipped: needs root (network namespaces)"
    exit 77
fi
for tool in ip nginx; do
    command -v "$tool" >/dev/null || { echo "skipped: $tool not found"; exit 77; }
done

P="nc-$$"
declare -A NS=([a]=$P-a [b]=$P-b) ADDR=([a]=192.0.2.1 [b]=192.0.2.2) PRIO=([a]=150 [b]=100)
declare -A CTL=()
VIP=192.0.2.3
TMP=$(mktemp -d /tmp/nginx-controller-test.XXXXXX)
chmod 0755 "$TMP"
failed=0

show_logs() {
    local f
    for f in "$TMP"/*/controller.log "$TMP"/*/error.log "$TMP"/*/nginx.out; do
        [[ -s $f ]] || continue
        echo "---- $f"
        cat "$f"
    done
}

cleanup() {
    local rc=$? node pid
    trap - EXIT INT TERM
    for node in a b; do
        [[ -n ${CTL[$node]:-} ]] && kill -TERM "${CTL[$node]}" 2>/dev/null
    done
    sleep 0.3
    for node in a b; do
        pid=$(ip netns pids "${NS[$node]}" 2>/dev/null)
        # shellcheck disable=SC2086  # a list of pids
        [[ -n $pid ]] && kill -9 $pid 2>/dev/null
    done
    sleep 0.2
    for node in a b; do ip netns del "${NS[$node]}" 2>/dev/null; done
    if [[ $rc != 0 && $rc != 77 ]]; then
        echo "==== logs (the test failed)"
        show_logs
    fi
    [[ -n ${KEEP_TMP:-} ]] && cp -a "$TMP" "$KEEP_TMP"
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
fail() { echo "FAIL: $*" >&2; exit 1; }
say() { echo "[$(( $(now_ms) - T0 )) ms] $*"; }
T0=$(now_ms)

# wait_for SECONDS COMMAND...: polls COMMAND every 20 ms
wait_for() {
    local limit=$(( $(now_ms) + $1 * 1000 ))
    shift
    until "$@"; do
        (( $(now_ms) < limit )) || return 1
        sleep 0.02
    done
}

has_vip() { ip -n "${NS[$1]}" -4 addr show dev eth0 2>/dev/null | grep -q "inet $VIP/"; }
vip_on() { # vip_on NODE: on NODE and not on the other one
    local other=b
    [[ $1 == b ]] && other=a
    has_vip "$1" && ! has_vip "$other"
}
nginx_pids() {
    local pid
    for pid in $(ip netns pids "${NS[$1]}" 2>/dev/null); do
        [[ $(cat "/proc/$pid/comm" 2>/dev/null) == nginx ]] && echo "$pid"
    done
    return 0
}
kill_nginx() {
    local pids
    pids=$(nginx_pids "$1")
    [[ -n $pids ]] || fail "no nginx running on $1"
    # shellcheck disable=SC2086  # a list of pids
    kill -9 $pids
}
start_nginx() {
    ip netns exec "${NS[$1]}" nginx -e "$TMP/$1/error.log" -c "$TMP/$1/nginx.conf" \
        </dev/null >>"$TMP/$1/nginx.out" 2>&1 &
    disown
}
nginx_answers() { # the master from the pid file runs, and the port answers
    local pid
    pid=$(cat "$TMP/$1/nginx.pid" 2>/dev/null) || return 1
    kill -0 "$pid" 2>/dev/null &&
        ip netns exec "${NS[$1]}" bash -c 'exec 3<>/dev/tcp/127.0.0.1/80' 2>/dev/null
}
log_has() { grep -qF -- "$2" "$TMP/$1/controller.log"; }
log_count() { grep -cF -- "$2" "$TMP/$1/controller.log"; }

# ---- topology: a veth pair, eth0 in both namespaces
for node in a b; do
    ip netns add "${NS[$node]}" || fail "ip netns add ${NS[$node]}"
    ip netns exec "${NS[$node]}" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
    ip -n "${NS[$node]}" link set lo up
done
ip -n "${NS[a]}" link add eth0 type veth peer name eth0 netns "${NS[b]}" || fail "veth"
for node in a b; do
    ip -n "${NS[$node]}" addr add "${ADDR[$node]}/24" dev eth0
    ip -n "${NS[$node]}" link set eth0 up
done

# ---- nginx, the restart script and the keepalived.conf of each node
for node in a b; do
    dir=$TMP/$node
    mkdir -p "$dir/tmp"
    cat >"$dir/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    server {
        listen 80;
        location / { return 200 "$node\n"; }
    }
}
NGINX
    # The restart command works or fails as $dir/restart-mode says ("ok" or "fail").
    cat >"$dir/restart.sh" <<SH
#!/bin/sh
if [ "\$(cat $dir/restart-mode)" != ok ]; then echo "restart.sh: failing as told" >&2; exit 1; fi
nginx -e $dir/error.log -c $dir/nginx.conf </dev/null >>$dir/nginx.out 2>&1 &
SH
    echo ok >"$dir/restart-mode"
    cat >"$dir/keepalived.conf" <<CONF
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority ${PRIO[$node]}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass secret1
    }
    virtual_ipaddress {
        $VIP/24
    }
}
CONF
    start_nginx "$node"
done
wait_for 10 nginx_answers a && wait_for 10 nginx_answers b || fail "nginx did not start"

for node in a b; do
    dir=$TMP/$node
    ip netns exec "${NS[$node]}" "$bin" --conf "$dir/keepalived.conf" --instance VI_1 \
        --url http://127.0.0.1/ --timeout-ms 300 --interval-ms 500 \
        --nginx-pidfile "$dir/nginx.pid" --restart "sh $dir/restart.sh" --restart-wait-ms 2000 \
        </dev/null 2>"$dir/controller.log" &
    CTL[$node]=$!
done

# ---- 1. a holds the VIP
say "1. waiting for a (priority 150) to hold the VIP"
wait_for 20 vip_on a || fail "a does not hold the VIP alone after 20 s"
say "   a holds $VIP"

# ---- 2. nginx killed, restart fails: a gives up at once
echo fail >"$TMP/a/restart-mode"
t=$(now_ms)
kill_nginx a
say "2. killed a's nginx (restart command fails)"
wait_for 15 vip_on b || fail "the VIP did not move to b within 15 s"
moved=$(( $(now_ms) - t ))
say "   VIP on b after $moved ms"
log_has a "master process" || fail "a's controller did not see nginx's master exit"
log_has a "the restart command exited with status 1" || fail "a did not run the restart command"
log_has a "(VI_1) Entering FAULT STATE" || fail "a did not go to FAULT"
(( moved < 3000 )) || fail "the VIP took $moved ms to move: not a resignation (priority 0), \
more like Master_Down_Interval (3.6 s)"

# ---- 3. nginx back: a takes the VIP back
start_nginx a
say "3. started a's nginx again"
wait_for 20 vip_on a || fail "the VIP did not come back to a within 20 s"
say "   VIP back on a after $(( $(now_ms) - t )) ms"
log_has a "nginx: down -> up" || fail "a's controller did not report nginx up again"

# ---- 4. nginx killed, restart works: the VIP stays
echo ok >"$TMP/a/restart-mode"
ups=$(log_count a "nginx: restarting -> up")
old_pid=$(cat "$TMP/a/nginx.pid")
kill_nginx a
say "4. killed a's nginx (restart command works)"
left=0
end=$(( $(now_ms) + 4000 ))
while (( $(now_ms) < end )); do
    vip_on a || left=$(( left + 1 ))
    sleep 0.05
done
wait_for 5 nginx_answers a || fail "a's nginx was not restarted"
new_pid=$(cat "$TMP/a/nginx.pid")
[[ $new_pid != "$old_pid" ]] || fail "the pid file still names the killed nginx ($old_pid)"
(( $(log_count a "nginx: restarting -> up") > ups )) || fail "a did not report the restart's success"
(( left == 0 )) || fail "the VIP left a (or was on both) in $left samples of 50 ms while nginx restarted"
say "   VIP stayed on a; nginx restarted as $new_pid ($(grep -o 'healthy [0-9]* ms after it went down' "$TMP/a/controller.log" | tail -n1))"

# ---- 5. SIGTERM: a resigns and exits 0
t=$(now_ms)
kill -TERM "${CTL[a]}"
wait "${CTL[a]}"
rc=$?
CTL[a]=""
(( rc == 0 )) || fail "a's controller exited with status $rc after SIGTERM"
wait_for 10 vip_on b || fail "the VIP did not move to b after a's controller exited"
say "5. SIGTERM to a's controller: exit 0, VIP on b after $(( $(now_ms) - t )) ms"

echo "passed"
