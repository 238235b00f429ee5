#!/bin/sh
# The hardware-in-the-loop checks, run by the VM's /init (busybox sh). The door station runs on
# the qemu-sim board against gpio-sim, vivid and snd-aloop; a second doorstationd on the sim
# board is the apartment. Each check writes "RESULT name PASS|FAIL detail" to the result port;
# audio and video are judged on the host from the files left in $SHARE (verify.py), from the
# "DATA" lines written here. Every wait is bounded.
RESULTS=${RESULTS:-/dev/console}
SHARE=${SHARE:-/tmp}
failed=0
door_log=$SHARE/door.log
apartment_log=$SHARE/apartment.log

say() { echo "HWTEST $*"; }
result() { echo "RESULT $*" | tee "$RESULTS"; [ "$2" = FAIL ] && failed=1; return 0; }
data() { echo "DATA $*" | tee "$RESULTS" > /dev/null; }
# now: milliseconds since boot (10 ms resolution).
now() { u=$(cut -d' ' -f1 /proc/uptime); echo $(( ${u%.*} * 1000 + 1${u#*.} * 10 - 1000 )); }
count() { grep -c "$2" "$1" 2> /dev/null || true; }

# wait_for LOG PATTERN SECONDS: until LOG has a line matching PATTERN.
wait_for() {
    end=$(( $(now) + $3 * 1000 ))
    until grep -q "$2" "$1" 2> /dev/null; do
        [ "$(now)" -lt "$end" ] || return 1
        usleep 50000
    done
}

door_ctl() { doorstationd ctl --socket /run/door.sock --timeout 10 "$@"; }
apartment_ctl() { doorstationd ctl --socket /run/apartment.sock --timeout 10 "$@"; }
call_id() { "$1" status | grep -o '"call_id" *: *"[^"]*"' | head -1 | sed 's/.*: *"//; s/"$//'; }

# ---- the simulated hardware -------------------------------------------------------------
modprobe gpio-sim || { result setup FAIL "modprobe gpio-sim"; exit 1; }
mount -t configfs none /sys/kernel/config
chip=/sys/kernel/config/gpio-sim/door
mkdir $chip $chip/bank0
echo doorstation-sim > $chip/bank0/label
echo 28 > $chip/bank0/num_lines
for line in 17:button 23:relay 24:status-led 25:call-led 5:door-led; do
    mkdir $chip/bank0/line${line%%:*}
    echo "${line#*:}" > $chip/bank0/line${line%%:*}/name
done
echo 1 > $chip/live
sim=/sys/devices/platform/$(cat $chip/dev_name)/$(cat $chip/bank0/chip_name)
button=$sim/sim_gpio17/pull
level() { cat $sim/sim_gpio$1/value; }
echo pull-up > $button       # released: the button pulls the line to ground when pressed

modprobe vivid n_devs=1 node_types=0x1 || { result setup FAIL "modprobe vivid"; exit 1; }
modprobe snd-aloop || { result setup FAIL "modprobe snd-aloop"; exit 1; }
i=0
until [ -e /dev/video0 ] && [ -e /dev/snd/pcmC0D1c ]; do
    i=$((i + 1)); [ $i -le 100 ] || { result setup FAIL "no /dev/video0 or /dev/snd/pcmC0D1c after 5 s"; exit 1; }
    usleep 50000
done
say "gpio-sim $(cat $chip/bank0/chip_name), vivid /dev/video0, snd-aloop card 0"

# ---- start-up: the apartment, then the door with its microphone busy (check 5b) ------------------
doorstationd run ${HWTEST_LOG_LEVEL:+--log-level $HWTEST_LOG_LEVEL} --config /hwtest/apartment.conf > "$apartment_log" 2>&1 &
apartment=$!
# Another program holds the door's microphone while the door starts.
arecord -q -D hw:Loopback,1,0 -f S16_LE -r 8000 -c 1 -t raw > /dev/null 2>&1 &
holder=$!
usleep 300000
doorstationd run ${HWTEST_LOG_LEVEL:+--log-level $HWTEST_LOG_LEVEL} --config /hwtest/door.conf > "$door_log" 2>&1 &
door=$!
wait_for "$apartment_log" "control socket ready" 60 || { result setup FAIL "the apartment did not start within 60 s"; exit 1; }
wait_for "$door_log" "control socket ready" 60 || { result setup FAIL "the door did not start within 60 s"; exit 1; }
busy_reported=no
wait_for "$door_log" "audio.device_unavailable.*in use" 10 && busy_reported=yes
freed=$(now)
kill $holder; wait $holder 2> /dev/null
if wait_for "$door_log" "audio.devices" 15; then
    back=$(( $(now) - freed ))
    if [ $busy_reported = yes ]; then
        result busy-audio PASS "the busy microphone was reported ($(grep -m1 'audio.device_unavailable' "$door_log" | grep -o 'reason="[^"]*"')), and opened ${back} ms after it was freed"
    else
        result busy-audio FAIL "the door did not report its microphone hw:Loopback,1,0 as in use at start-up"
    fi
else
    result busy-audio FAIL "busy reported: $busy_reported; the microphone was not opened within 15 s of being freed"
fi

# The button's interrupt is requested once the daemon listens for edges: wait for it, or the
# first edge can be lost (gpio-sim drops edges of a line whose IRQ has no trigger yet).
i=0
until grep -q doorstationd /proc/interrupts; do
    i=$((i + 1)); [ $i -le 200 ] || { result button FAIL "no GPIO interrupt of doorstationd in /proc/interrupts after 10 s"; break; }
    usleep 50000
done
[ "$(level 24)" = 1 ] && led_ready=on || led_ready=off

# ---- check 1: one press, with contact bounce, makes exactly one call ---------------------------
pressed_at=$(now)
for edge in pull-down pull-up pull-down pull-up pull-down; do echo $edge > $button; done
wait_for "$apartment_log" "call.incoming" 10
incoming=$(( $(now) - pressed_at ))
# Ringing: the call LED blinks until the apartment answers (after 2 s).
lit=0 dark=0 i=0
while [ $i -lt 15 ] && ! grep -q "call.answered" "$door_log"; do
    [ "$(level 25)" = 1 ] && lit=$((lit + 1)) || dark=$((dark + 1))
    i=$((i + 1)); usleep 100000
done
for edge in pull-up pull-down pull-up; do echo $edge > $button; done
usleep 500000
presses=$(count "$door_log" "button.pressed")
calls=$(count "$apartment_log" "call.incoming")
if [ "$presses" = 1 ] && [ "$calls" = 1 ] && [ "$incoming" -lt 10000 ]; then
    result button PASS "a bounced press and release made 1 press event and 1 call, INVITE ${incoming} ms after the press"
else
    result button FAIL "a bounced press and release (held 1.5 s) made $presses press event(s) and $calls call(s) at the apartment (expected 1 and 1; active level or debounce wrong?)"
fi

# ---- the call: video (check 3) runs from the answer to the hang-up -----------------------------
if ! wait_for "$door_log" "call.answered" 10; then
    result call FAIL "the apartment did not answer within 10 s: $(grep -E 'WARNING|ERROR' "$door_log" | tail -2)"
    kill $door $apartment; exit 1
fi
usleep 300000
in_call=$(level 25)
leds="status LED $led_ready when ready; call LED blinked while ringing ($lit lit, $dark dark samples), $( [ "$in_call" = 1 ] && echo on || echo off) in the call"
[ "$led_ready" = on ] && [ "$lit" -gt 0 ] && [ "$dark" -gt 0 ] && [ "$in_call" = 1 ] && leds_ok=yes || leds_ok=no
answered_at=$(now)

door_ctl status > "$SHARE/door-status.json"
apartment_ctl status > "$SHARE/apartment-status.json"

# ---- check 4: the door code opens the relay for its pulse; the door LED follows ----------------
apartment_call=$(call_id apartment_ctl)
sent_at=$(now)
apartment_ctl dtmf "$apartment_call" 1234 > /dev/null
on_at= off_at= mismatches=0 i=0
while [ $i -lt 400 ]; do                       # 20 ms steps, at most 8 s
    relay=$(level 23) led=$(level 5) t=$(now)
    [ "$relay" = 1 ] && [ -z "$on_at" ] && on_at=$t
    [ "$relay" != "$led" ] && mismatches=$((mismatches + 1))
    [ "$relay" = 0 ] && [ -n "$on_at" ] && { off_at=$t; break; }
    i=$((i + 1)); usleep 20000
done
# The LED is set right after the relay: one sample may fall between them at each change.
[ $mismatches -le 2 ] && led_with_relay=yes || led_with_relay="no ($mismatches samples differ)"
if [ -n "$on_at" ] && [ -n "$off_at" ]; then
    pulse=$(( off_at - on_at ))
    detail="relay line 23 read 1 for ${pulse} ms (pulse_ms=1500), $(( on_at - sent_at )) ms after the apartment sent the code; door LED with the relay: $led_with_relay; $leds"
    if [ $pulse -ge 1300 ] && [ $pulse -le 1800 ] && [ $led_with_relay = yes ] && [ $leds_ok = yes ]; then
        result door PASS "$detail"
    else
        result door FAIL "$detail"
    fi
else
    result door FAIL "relay line 23 never went 1 then 0 within 8 s of the code (on at ${on_at:-never}): $(grep -E 'door.code|call.dtmf' "$door_log" | tail -2)"
fi

# ---- check 2: audio both ways. The door's microphone hears a 1 kHz tone from aplay; what its
# speaker plays is recorded by arecord. Started after the door code, when the call's adaptive
# jitter buffer has settled (while it grows it time-scales what it plays).
arecord -q -D plughw:Loopback,1,1 -f S16_LE -r 8000 -c 1 -d 5 "$SHARE/door-speaker.wav" 2> "$SHARE/arecord.err" &
recorder=$!
played_at=$(( $(now) - answered_at ))
aplay -q -D plughw:Loopback,0,0 /hwtest/tone-1k.wav 2> "$SHARE/aplay.err"
played=$?
wait $recorder
recorded=$?
data audio "aplay=$played arecord=$recorded tone_started_ms_after_answer=$played_at"


# ---- check 5a: the camera goes away mid-call; the audio goes on; it comes back ---------------
# The apartment's only call's first stream is its audio (status keys are sorted: "calls" first).
received() { apartment_ctl status | grep -o '"packets_received" *: *[0-9]*' | head -1 | grep -o '[0-9]*$'; }
before=$(received)
unplugged_at=$(now)
echo vivid.0 > /sys/bus/platform/drivers/vivid/unbind
removed=no i=0
while [ $i -lt 50 ]; do
    rmmod vivid 2> /dev/null && { removed=yes; break; }
    i=$((i + 1)); usleep 100000
done
sleep 3
after=$(received)
still_up=$(count "$door_log" "call.ended")
modprobe vivid n_devs=1 node_types=0x1
replugged_at=$(now)
wait_for "$door_log" "video.camera_changed.*reopened" 10 && back=$(( $(now) - replugged_at )) || back=
gained=$(( ${after:-0} - ${before:-0} ))
detail="vivid unbound and removed ($removed) mid-call; the apartment received $gained audio packets in the next 3 s; call still up: $( [ "$still_up" = 0 ] && echo yes || echo no); camera $(grep -m1 -o 'video.camera_changed.*event="[^"]*' "$door_log" | sed 's/.*event="//; s/: unplugged.*//'); camera reopened ${back:-never} ms after the module came back"
if [ $removed = yes ] && [ $gained -ge 100 ] && [ "$still_up" = 0 ] && [ -n "$back" ]; then
    result unplug PASS "$detail"
else
    result unplug FAIL "$detail"
fi
sleep 1

# ---- the end of the call --------------------------------------------------------------------
door_ctl hangup "$(call_id door_ctl)" > /dev/null
wait_for "$door_log" "call.video_stats" 10
wait_for "$apartment_log" "call.video_stats" 10
usleep 500000
data leds "call_led_after_hangup=$(level 25) relay_after=$(level 23)"
data video "$(grep -m1 'call.video_stats' "$door_log" | grep -o '[0-9]* frames ([0-9]* key)')"
kill $door $apartment
i=0
while kill -0 $door 2> /dev/null || kill -0 $apartment 2> /dev/null; do
    i=$((i + 1)); [ $i -le 100 ] || { kill -9 $door $apartment 2> /dev/null; break; }
    usleep 50000
done
grep -q 'doorstationd: stopped' "$door_log" || result stop FAIL "the door did not stop cleanly on SIGTERM"
grep -hE ' (ERROR|CRITICAL) ' "$door_log" "$apartment_log" | head -5 | while read -r line; do echo "HWTEST log: $line"; done
exit $failed
