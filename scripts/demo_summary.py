#!/usr/bin/env python3
# The summary of `make demo` (scripts/demo.sh): reads both stations' final statistics and events
# from the demo's work folder and prints what a person wants to know about the call.
import json, math, struct, sys, wave
work, code, pulse_ms, video_file, heard, via = sys.argv[1:7]

def load(name):
    with open(f"{work}/{name}") as f:
        return json.load(f)

door, apartment = load("door.status.json"), load("apartment.status.json")
door_live, apartment_live = load("door.live.json"), load("apartment.live.json")

def streams(status, live):
    """The finished call's final counters (the live ones if the call did not end)."""
    recent = status["sip"].get("recent_calls") or []
    found = recent[-1]["streams"] if recent and recent[-1].get("streams") else live["sip"]["calls"][0]["streams"]
    return {s["kind"]: s for s in found}

d, a = streams(door, door_live), streams(apartment, apartment_live)
events = door["status"]["events"]

def first(name, after=0, **details):
    for e in events:
        if e["event"] == name and e["time"] >= after and all(e["details"].get(k) == v for k, v in details.items()):
            return e
    return None

lines = ["== summary"]
pressed, answered = first("button.pressed"), first("call.answered")
if pressed and answered:
    lines.append(f"call set-up: button press → answered in {answered['time'] - pressed['time']} ms")
else:
    lines.append("call set-up: not measured (no button.pressed / call.answered event at the door)")

def way(sender, receiver):
    return f"{sender['packets_sent']} packets, {receiver['packets_lost']} lost ({receiver['packets_received']} received)"

da, aa = d.get("audio"), a.get("audio")
if da and aa:
    srtp = f"SRTP {da['srtp_suite']}" if da.get("srtp_suite") else "plain RTP (no SRTP!)"
    lines.append(f"audio: {da['codec']}, {srtp}; door→apartment {way(da, aa)}; apartment→door {way(aa, da)}")
    jitter = f"jitter {da['jitter_milliseconds']:.1f} / {aa['jitter_milliseconds']:.1f} ms"
    rtt = da.get("round_trip_milliseconds")
    lines.append(f"       {jitter} (door / apartment)" + (f", round trip {rtt:.1f} ms" if rtt is not None else ""))
else:
    lines.append("audio: none")

# The sim board has no speaker-to-microphone path: there is no echo, so whatever the door's
# canceller reports is what it took off the door's own tone, not echo removed.
echo = (da or {}).get("echo") or {}
if echo.get("erle_db") is not None:
    lines.append(f"echo: ERLE {echo['erle_db']:.1f} dB (door), meaningless here: the sim board has no speaker-to-microphone"
                 f" path, so what the canceller measured is the door's own 440 Hz tone, not echo"
                 f" (`doorstationd tools aec` measures the chain on recorded echo)")
else:
    lines.append("echo: ERLE not measured: the sim board has no speaker-to-microphone path"
                 " (`doorstationd tools aec` measures the chain on recorded echo)")

dv, av = d.get("video"), a.get("video")
if dv and av and dv.get("video"):
    sv, rv = dv["video"], av.get("video") or {}
    profile = {"baseline": "Constrained Baseline", "main": "Main"}.get(sv["profile"], sv["profile"])
    srtp = f"SRTP {dv['srtp_suite']}" if dv.get("srtp_suite") else "plain RTP"
    lines.append(f"video: H.264 {profile} {sv['width']}x{sv['height']}@{sv['framerate']:g}, {srtp}; door→apartment "
                 f"{sv['frames_sent']} frames ({sv['key_frames_sent']} key) in {dv['packets_sent']} packets, "
                 f"{av['packets_lost']} lost; apartment received {rv.get('frames_received', 0)} frames, "
                 f"{rv.get('frames_dropped', 0)} broken, recorded {rv.get('frames_displayed', 0)}")
    lines.append(f"       capture→wire {sv['capture_to_wire_mean_milliseconds']:.1f} ms mean, {sv['capture_to_wire_max_milliseconds']:.1f} ms max;"
                 f" encode {sv['encode_mean_milliseconds']:.1f} ms mean")
else:
    lines.append("video: none")

opened, checked = first("door.opened"), first("door.code")
how = {"RFC4733": "RFC 4733 telephone-events", "INFO": "SIP INFO"}.get(via, via or "nothing")
if checked:
    how += f", door.code result={checked['details'].get('result', '?')}"
if opened:
    on = first("output.changed", after=opened["time"], state="on")
    off = first("output.changed", after=(on or opened)["time"], state="off")
    pulse = f"{off['time'] - on['time']} ms measured" if on and off else "pulse end not seen"
    lines.append(f"door: code {code} accepted ({how}), relay {opened['details'].get('relay', '?')} "
                 f"({opened['details'].get('label', '')}) pulsed: {opened['details'].get('pulse_ms', '?')} ms configured, {pulse}")
else:
    lines.append(f"door: code {code} NOT accepted: the door heard {heard} key presses ({how}) but logged no door.opened")

def wav(path):
    try:
        with wave.open(path) as w:
            rate, n = w.getframerate(), w.getnframes()
            samples = struct.unpack(f"<{n}h", w.readframes(n)) if n else ()
    except (OSError, wave.Error, EOFError) as error:
        return f"unreadable ({error})"
    if not samples:
        return "empty"
    # Goertzel power at both tones over the middle second: which end's microphone this is.
    mid = samples[len(samples) // 2 - rate // 2: len(samples) // 2 + rate // 2] or samples
    def power(freq):
        k = 2 * math.cos(2 * math.pi * freq / rate); s1 = s2 = 0.0
        for x in mid:
            s1, s2 = x + k * s1 - s2, s1
        return s1 * s1 + s2 * s2 - k * s1 * s2
    p440, p1000 = power(440), power(1000)
    tone = "440 Hz: the door's microphone" if p440 > p1000 else "1000 Hz: the apartment's microphone"
    rms = math.sqrt(sum(x * x for x in mid) / len(mid))
    return f"{n / rate:.1f} s, {rate} Hz, {20 * math.log10(max(rms, 1) / 32768):.0f} dBFS, mostly {tone}"

lines.append(f"received audio: {work}/apartment-received.wav ({wav(work + '/apartment-received.wav')})")
lines.append(f"                {work}/door-received.wav ({wav(work + '/door-received.wav')})")
lines.append(f"received video: {video_file}")

remotes = sorted({s["remote"].rsplit(":", 1)[0] for s in list(d.values()) + list(a.values())})
network = f"network: media sent to {', '.join(remotes)} only"
try:
    with open(f"{work}/sockets.txt") as f:
        bound = sorted({line.split()[3].rsplit(":", 1)[0] for line in f if line.strip()})
    wildcard = [b for b in bound if b in ("0.0.0.0", "*", "[::]", "::")]
    network += f"; sockets bound to {', '.join(bound)}"
    if wildcard:
        network += " (the RTP/RTCP sockets: doorstationd binds media to the wildcard address, no key restricts it; SIP is on 127.0.0.1)"
except OSError:
    pass
lines.append(network)
print("\n".join(lines))
