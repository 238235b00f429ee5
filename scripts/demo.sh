#!/usr/bin/env bash
# A door station and an apartment, end to end on this machine: no hardware, no PBX. Two
# doorstationd on the sim board talk SIP and SRTP over 127.0.0.1 only. The door's button calls
# the apartment, which answers by itself ([door] allowed_callers), records what it hears and sees,
# and sends the door code as RFC 4733 events; the door pulses its relay; the door hangs up. Then
# a summary: set-up time, codecs, SRTP, packets and loss each way, ERLE, the relay pulse, and the
# received audio and video. Every wait is bounded and a watchdog ends the run after 50 s
# (DEMO_WATCHDOG), so everything stops by itself within a minute, failure or not. The files
# (configurations, logs, recordings, status JSON) stay in /tmp/doorstation-demo.*.
#
# Usage: scripts/demo.sh [path/to/doorstationd]   (make demo builds it and runs this)
# Needs python3 (JSON and the summary); ffmpeg/ffprobe (make deps) to turn the video into an MP4.
set -euo pipefail

daemon=${1:-.build/debug/doorstationd}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/doorstation-demo.XXXXXX)
begin=$(date +%s%3N)
door_pid=
apartment_pid=
watchdog=
door_log=$work/door.log
apartment_log=$work/apartment.log
door_socket=$work/door.sock
apartment_socket=$work/apartment.sock
code=1234
pulse_ms=1000
problems=()

ms() { date +%s%3N; }
elapsed() { echo "$(( ($(ms) - begin) / 100 ))" | sed 's/\(.\)$/.\1/; s/^\./0./'; }
say() { echo "[$(elapsed) s] $*"; }

# alive PID…: whether any of them still runs.
alive() {
    local pid
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && return 0; done
    return 1
}

# stop_daemons PID…: SIGTERM to all (each says BYE to its calls and shuts down), at most 5 s
# for them together, then SIGKILL to whichever is left.
stop_daemons() {
    local pid running=()
    for pid in "$@"; do
        [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && running+=("$pid")
    done
    [ ${#running[@]} -gt 0 ] || return 0
    for _ in $(seq 50); do
        alive "${running[@]}" || break
        sleep 0.1
    done
    for pid in "${running[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            echo "demo: pid $pid did not stop within 5 s of SIGTERM: killed"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
}

cleanup() {
    if [ -n "$watchdog" ]; then kill -TERM "$watchdog" 2>/dev/null || true; wait "$watchdog" 2>/dev/null || true; fi
    stop_daemons "$door_pid" "$apartment_pid"
    door_pid= apartment_pid=
}
trap cleanup EXIT

# fail MESSAGE: says what went wrong with the lines of both logs that tell why, and exits 1
# (the EXIT trap stops the daemons).
fail() {
    echo
    echo "demo: FAILED after $(elapsed) s: $*"
    for name in door apartment; do
        local log=$work/$name.log
        [ -s "$log" ] || continue
        echo "-- $name log ($log), warnings and errors, then the last lines:"
        grep -E ' (WARNING|ERROR|CRITICAL) ' "$log" | tail -n 10 | sed 's/^/  /' || true
        tail -n 10 "$log" | sed 's/^/  /'
    done
    echo "files: $work"
    exit 1
}

# The watchdog: whatever hangs, the run ends within a minute. It sleeps in a child it can stop.
# Everything in the foreground is bounded by then: ctl by --timeout, ffmpeg by left(), sleeps
# by `wait`, which a signal interrupts.
limit=${DEMO_WATCHDOG:-50}
( trap 'kill "$nap" 2>/dev/null; exit 0' TERM
  sleep "$limit" & nap=$!
  wait "$nap" && kill -TERM $$ ) &
watchdog=$!
trap 'watchdog=; fail "still running after $limit s: stopped by the watchdog"' TERM
trap 'fail "interrupted"' INT

# pause SECONDS: a sleep the watchdog can interrupt.
pause() { sleep "$1" & wait $!; }
# left: whole seconds until the watchdog fires (at least 1), to bound a tool's run.
left() { local s=$(( limit - ($(ms) - begin) / 1000 )); echo $(( s > 10 ? 10 : s < 1 ? 1 : s )); }

command -v python3 > /dev/null || fail "needs python3 to read the daemons' JSON (apt-get install python3)"
[ -x "$daemon" ] || fail "no daemon at $daemon (make build)"

# wait_for LOG PATTERN SECONDS PID WHAT: until LOG has a line matching PATTERN (grep -E).
wait_for() {
    local deadline=$(( $(ms) + $3 * 1000 ))
    while [ "$(ms)" -lt "$deadline" ]; do
        grep -qE "$2" "$1" && return 0
        kill -0 "$4" 2>/dev/null || fail "$5: the daemon exited"
        sleep 0.05
    done
    fail "$5: no \"$2\" in $(basename "$1") after $3 s"
}

# count LOG PATTERN: lines matching PATTERN (0 when none).
count() { grep -cE "$2" "$1" || true; }

door_ctl() { "$daemon" ctl --socket "$door_socket" --timeout 5 "$@"; }
apartment_ctl() { "$daemon" ctl --socket "$apartment_socket" --timeout 5 "$@"; }

# json FILE EXPRESSION: evaluates a Python expression over the JSON in FILE (as `j`).
json() { python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# Both ends: the sim board, SIP on 127.0.0.1 only (UDP, a free port: several demos can run side
# by side), SDES-SRTP required, VGA video; each its own control socket and RTP port ranges.
cat > "$work/apartment.conf" <<CONF
# The apartment: answers the door by itself, records what it receives.
[board]
profile=sim
sim_audio_source=tone:1000
sim_audio_sink=$work/apartment-received.wav
sim_video_sink=$work/apartment-received.h264

[door]
name=Apartment
control_socket=$apartment_socket
allowed_callers=sip:door@127.0.0.1

[sip]
listen_address=127.0.0.1
sip_port=-1
sip_tcp_port=0
contact=sip:apartment@127.0.0.1
media_encryption=srtp
media_encryption_mandatory=1

[rtp]
audio_rtp_port=52000-52998
video_rtp_port=53000-53998

[video]
size=vga
framerate=15
display=1

# A phone in the flat rather than a door: no echo canceller, which would take its steady tone for
# echo of the door's and remove most of it (the sim board has no speaker-to-microphone path).
[sound]
echocancellation=0
CONF

echo "== doorstation demo: a door and an apartment on the sim board, files in $work"
"$daemon" check-config "$work/apartment.conf" --board-dir "$here/board" > "$work/apartment.effective.conf" 2> "$work/apartment.check" \
    || { cat "$work/apartment.check"; fail "the apartment's configuration is invalid"; }

"$daemon" run --config "$work/apartment.conf" --board-dir "$here/board" > "$apartment_log" 2>&1 &
apartment_pid=$!
wait_for "$apartment_log" "control socket ready" 20 "$apartment_pid" "starting the apartment"
apartment_port=$(grep -m1 "sip listening" "$apartment_log" | grep -oE '127\.0\.0\.1:[0-9]+' | head -1 | cut -d: -f2 || true)
[ -n "$apartment_port" ] || fail "the apartment did not say where it listens"
say "apartment running (pid $apartment_pid), SIP on udp 127.0.0.1:$apartment_port, $(grep -c = "$work/apartment.effective.conf") settings (check-config)"

cat > "$work/door.conf" <<CONF
# The door: button 1 calls the apartment; the code $code opens relay 1 for $pulse_ms ms.
[board]
profile=sim
sim_audio_source=tone:440
sim_audio_sink=$work/door-received.wav

[door]
name=Demo door
control_socket=$door_socket

[sip]
listen_address=127.0.0.1
sip_port=-1
sip_tcp_port=0
contact=sip:door@127.0.0.1
media_encryption=srtp
media_encryption_mandatory=1

[rtp]
audio_rtp_port=50000-50998
video_rtp_port=51000-51998

[video]
size=vga
framerate=15

[button_1]
label=Apartment
targets=sip:apartment@127.0.0.1:$apartment_port

[relay_1]
label=Door opener
dtmf_code=$code
pulse_ms=$pulse_ms
CONF
"$daemon" check-config "$work/door.conf" --board-dir "$here/board" > "$work/door.effective.conf" 2> "$work/door.check" \
    || { cat "$work/door.check"; fail "the door's configuration is invalid"; }
for end in door apartment; do
    grep -qx 'listen_address=127.0.0.1' "$work/$end.effective.conf" || fail "the $end's SIP would not listen on 127.0.0.1 only"
done

"$daemon" run --config "$work/door.conf" --board-dir "$here/board" > "$door_log" 2>&1 &
door_pid=$!
wait_for "$door_log" "control socket ready" 20 "$door_pid" "starting the door"
say "door running (pid $door_pid), SIP on udp $(grep -m1 "sip listening" "$door_log" | grep -oE '127\.0\.0\.1:[0-9]+' | head -1), $(grep -c = "$work/door.effective.conf") settings (check-config)"

say "pressing the door's button 1"
door_ctl press 1 > /dev/null || fail "ctl press 1"
wait_for "$door_log" "call\.answered" 10 "$door_pid" "the call"
wait_for "$apartment_log" "call\.answered" 5 "$apartment_pid" "the apartment answering"
say "call established: $(grep -m1 'call\.answered' "$door_log" | grep -oE 'call_id=[^ ]+')"

apartment_ctl status > "$work/apartment.status.json" || fail "ctl status on the apartment"
call_id=$(json "$work/apartment.status.json" 'j["sip"]["calls"][0]["call_id"]') || fail "no call in the apartment's status"

say "media flowing for 5 s (door: 440 Hz tone and test pattern; apartment: 1000 Hz tone)"
pause 5

say "apartment sends the door code $code (RFC 4733 telephone-events)"
apartment_ctl dtmf "$call_id" "$code" > /dev/null || fail "ctl dtmf on the apartment"
deadline=$(( $(ms) + 5000 ))
while [ "$(count "$door_log" 'call\.dtmf')" -lt ${#code} ] && [ "$(ms)" -lt "$deadline" ]; do sleep 0.05; done
heard=$(count "$door_log" 'call\.dtmf')
via=$(grep -m1 'call\.dtmf' "$door_log" | grep -oE 'via=[^ ]+' | cut -d= -f2 || true)
# A door that checks codes logs each digit as "hidden"; otherwise the digits must be the code.
digits=$(grep 'call\.dtmf' "$door_log" | grep -oE 'digit=[^ ]+' | cut -d= -f2 | grep -v '^hidden$' | tr -d '\n' || true)
[ "$heard" -ge ${#code} ] || problems+=("the door heard $heard key presses of the code's ${#code}")
[ -z "$digits" ] || [ "$digits" = "$code" ] || problems+=("the door heard the digits \"$digits\", not $code")
say "door heard $heard key presses (via ${via:-nothing})${digits:+: $digits}"

opened=
deadline=$(( $(ms) + 5000 ))
while [ "$(ms)" -lt "$deadline" ]; do
    grep -q 'door\.opened' "$door_log" && { opened=1; break; }
    sleep 0.05
done
if [ -n "$opened" ]; then
    say "door opened: $(grep -m1 'door\.opened' "$door_log" | sed 's/.*door\.opened *//')"
    # The relay's pulse ends by itself: wait for it (output.changed … state=off).
    deadline=$(( $(ms) + pulse_ms + 3000 ))
    while [ "$(count "$door_log" 'output\.changed.*state=off')" -lt 1 ] && [ "$(ms)" -lt "$deadline" ]; do sleep 0.05; done
else
    problems+=("no door.opened within 5 s of the code: the door did not accept it (the door-side DTMF code check is not in this build?)")
    say "NO door.opened within 5 s of the code"
fi

say "reading both stations' status while the call is up"
door_ctl status > "$work/door.live.json" || fail "ctl status on the door"
apartment_ctl status > "$work/apartment.live.json" || fail "ctl status on the apartment"
door_call=$(json "$work/door.live.json" 'j["sip"]["calls"][0]["call_id"]') || fail "no call in the door's status"
# Where the daemons' sockets are bound, for the summary.
if command -v ss > /dev/null; then
    ss -H -uanp 2> /dev/null | grep -E "pid=($door_pid|$apartment_pid)," > "$work/sockets.txt" || true
fi

say "door hangs up"
door_ctl hangup "$door_call" > /dev/null || fail "ctl hangup on the door"
wait_for "$door_log" "call\.ended" 5 "$door_pid" "hanging up"
wait_for "$apartment_log" "call\.ended" 5 "$apartment_pid" "the apartment seeing the BYE"
# The final counters reach the recent calls once the media threads have stopped (logged then).
wait_for "$door_log" "call\.media_stats" 5 "$door_pid" "the door's final statistics"
wait_for "$apartment_log" "call\.media_stats" 5 "$apartment_pid" "the apartment's final statistics"
door_ctl status > "$work/door.status.json" || fail "ctl status on the door"
apartment_ctl status > "$work/apartment.status.json" || fail "ctl status on the apartment"

say "stopping both daemons (SIGTERM)"
stop_daemons "$door_pid" "$apartment_pid"
door_pid= apartment_pid=
grep -q "INFO.*: stopped" "$door_log" || problems+=("the door did not log a clean stop")
grep -q "INFO.*: stopped" "$apartment_log" || problems+=("the apartment did not log a clean stop")

# The received video as a playable file.
h264=$work/apartment-received.h264
mp4=$work/apartment-received.mp4
video_file="none: the apartment recorded no video ($h264 missing or empty)"
if [ -s "$h264" ]; then
    video_file="$h264 (H.264 Annex B; play with: ffplay -f h264 $h264)"
    if command -v ffmpeg > /dev/null && command -v ffprobe > /dev/null; then
        fps=$(json "$work/door.status.json" '[s for s in j["sip"]["recent_calls"][-1]["streams"] if s["kind"] == "video"][0]["video"]["framerate"]' 2>/dev/null || echo 15)
        if timeout "$(left)" ffmpeg -nostdin -v error -y -f h264 -framerate "$fps" -i "$h264" -c copy "$mp4" 2> "$work/ffmpeg.log"; then
            probe=$(timeout "$(left)" ffprobe -v error -count_frames -select_streams v:0 \
                -show_entries stream=nb_read_frames,width,height,duration -of csv=p=0 "$mp4" 2>> "$work/ffmpeg.log" || true)
            IFS=, read -r width height duration frames <<< "$probe"
            video_file="$mp4 (${frames:-?} frames, ${width:-?}x${height:-?}, ${duration%%.*}.$(echo "${duration#*.}" | cut -c1) s by ffprobe)"
            [ -n "${frames:-}" ] && [ "${frames:-0}" -gt 0 ] || problems+=("ffprobe found no frames in $mp4: $(head -3 "$work/ffmpeg.log")")
        else
            problems+=("ffmpeg could not convert $h264: $(head -3 "$work/ffmpeg.log")")
        fi
    fi
else
    problems+=("no received video at $h264")
fi

# The summary, from both stations' final statistics and events.
python3 "$here/scripts/demo_summary.py" "$work" "$code" "$pulse_ms" "$video_file" "$heard" "${via:-}" > "$work/summary.txt" || fail "cannot make the summary"

echo
cat "$work/summary.txt"
echo "logs: $door_log, $apartment_log"
if [ ${#problems[@]} -gt 0 ]; then
    echo
    echo "demo: FAILED after $(elapsed) s:"
    printf '  - %s\n' "${problems[@]}"
    grep -hE ' (WARNING|ERROR|CRITICAL) ' "$door_log" "$apartment_log" | tail -n 10 | sed 's/^/  /' || true
    exit 1
fi
echo "demo: done in $(elapsed) s"
