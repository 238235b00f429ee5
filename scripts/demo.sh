#!/usr/bin/env bash
# The simulated door station, end to end on this machine: start the daemon on the sim board,
# press the call button, open the door, retune it live with SIGHUP, stop it. No hardware, no
# network traffic beyond a Unix socket. Every wait is bounded; the whole run takes about 15 s.
set -euo pipefail
daemon=${1:-.build/debug/doorstationd}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/doorstation-demo.XXXXXX)
socket=$work/ctl.sock
log=$work/daemon.log
pid=

stop() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
}
trap stop EXIT

# wait_for PATTERN SECONDS: until the daemon's log has PATTERN.
wait_for() {
    for _ in $(seq $(( $2 * 10 ))); do
        grep -q "$1" "$log" && return 0
        kill -0 "$pid" 2>/dev/null || { echo "demo: the daemon exited"; cat "$log"; exit 1; }
        sleep 0.1
    done
    echo "demo: no \"$1\" in the log after $2 s"; cat "$log"; exit 1
}

cat > "$work/doorstation.conf" <<CONF
[board]
profile=sim
# The demo presses button 1 by script two seconds after start-up as well.
sim_presses=1@2

[door]
name=Demo door
control_socket=$socket

[button_1]
label=Apartment 1
targets=sip:apartment1@127.0.0.1

[sound]
echolimiter=1
el_thres=0.1
CONF

ctl() { "$daemon" ctl --socket "$socket" "$@"; }

echo "== doorstation demo (sim board), files in $work"
"$daemon" check-config "$work/doorstation.conf" --board-dir "$here/board" > "$work/effective.conf"
echo "configuration valid: $(grep -c = "$work/effective.conf") settings"

"$daemon" run --config "$work/doorstation.conf" --board-dir "$here/board" > "$log" 2>&1 &
pid=$!
wait_for "control socket ready" 30
echo "daemon running (pid $pid)"

wait_for "button.pressed" 10
echo "scripted press reached the log:"
grep "button.pressed" "$log" | head -1 | sed 's/^/  /'

sleep 0.5   # the scripted press holds the button for 150 ms
ctl press 1 > /dev/null
for _ in $(seq 50); do [ "$(grep -c "button.pressed" "$log")" -ge 2 ] && break; sleep 0.1; done
echo "ctl press 1 reached the log:"
grep "button.pressed" "$log" | sed -n 2p | sed 's/^/  /'

ctl open 1 > /dev/null
wait_for "door.opened" 5
echo "ctl open 1: $(grep -m1 'door.opened' "$log" | sed 's/.*door.opened//')"

sed -i 's/^el_thres=0.1/el_thres=0.05/' "$work/doorstation.conf"
kill -HUP "$pid"
wait_for "applied: \[sound\] el_thres" 5
echo "SIGHUP: $(grep -m1 'applied: \[sound\] el_thres' "$log" | sed 's/.*applied: //')"

echo "ctl status (outputs):"
ctl status | tr -d '\n' | sed 's/  */ /g' | grep -o '"active" : [a-z]*, "index" : [0-9]*, "label" : "[^"]*"' \
    | sed 's/"active" : \([a-z]*\), "index" : [0-9]*, "label" : "\([^"]*\)"/  \2: \1/; s/: true/: on/; s/: false/: off/'

stop
pid_done=$pid; pid=
wait "$pid_done" 2>/dev/null || true
grep -q "stopped" "$log" && echo "daemon stopped cleanly on SIGTERM"
echo "full log: $log"
