#!/usr/bin/env python3
"""Judges a hardware-in-the-loop run (make hwtest) on the host.

The guest's checks left RESULT and DATA lines in OUT/results.txt (the VM's second serial port)
and files in OUT/share (the 9p folder). The audio and video checks are decided here, from those
files: the tone aplay played into the door's microphone must be in the apartment's recording,
the apartment's tone must be in what arecord took from the door's speaker, and the apartment's
H.264 recording must decode with ffprobe to the frame count the door says it sent (within 10%).

Usage: verify.py OUT      exit 0 when every check passed, 1 otherwise (each failure named).
"""
import math
import re
import subprocess
import sys
import wave
from pathlib import Path

GUEST_CHECKS = ["busy-audio", "button", "door", "unplug"]
BLOCK_SECONDS = 0.1


def goertzel_share(chunk, rate: int, frequency: float, energy: float) -> float:
    """The share of the chunk's energy at `frequency` (1.0 for a pure tone there)."""
    coefficient = 2 * math.cos(2 * math.pi * frequency / rate)
    previous = before = 0.0
    for sample in chunk:
        previous, before = sample + coefficient * previous - before, previous
    power = previous * previous + before * before - coefficient * previous * before
    return power / (len(chunk) / 2 * energy)


def tone_seconds(path: Path, frequency: float) -> tuple[float, float]:
    """How long (s) a tone near `frequency` carries most of the signal, and its level (dBFS). Near:
    within ±8%, because an adaptive jitter buffer time-scales what it plays while it grows or
    shrinks, which shifts a tone's pitch by a few percent meanwhile (the VM's emulated CPUs make
    the packets' timing jittery enough for that)."""
    with wave.open(str(path), "rb") as recording:
        rate, channels, width = recording.getframerate(), recording.getnchannels(), recording.getsampwidth()
        raw = recording.readframes(recording.getnframes())
    if width != 2:
        raise ValueError(f"{path.name}: {8 * width}-bit samples, expected 16-bit")
    samples = memoryview(raw).cast("h")[::channels]
    block = int(rate * BLOCK_SECONDS)
    candidates = [frequency * (1 + step / 100) for step in range(-8, 9, 2)]
    blocks, tone_energy = 0, 0.0
    for start in range(0, len(samples) - block + 1, block):
        chunk = samples[start:start + block]
        energy = float(sum(sample * sample for sample in chunk))
        loud = energy / block > (32768 * 0.01) ** 2
        if loud and max(goertzel_share(chunk, rate, candidate, energy) for candidate in candidates) > 0.5:
            blocks += 1
            tone_energy += energy
    if blocks == 0:
        return 0.0, -math.inf
    return blocks * BLOCK_SECONDS, 20 * math.log10(math.sqrt(tone_energy / (blocks * block)) / 32768)


def audio_check(share: Path, data: dict[str, str]) -> tuple[bool, str]:
    tools = dict(field.split("=", 1) for field in data.get("audio", "").split() if "=" in field)
    for tool in ["aplay", "arecord"]:
        if tools.get(tool) != "0":
            message = (share / f"{tool}.err").read_text(errors="replace").strip() if (share / f"{tool}.err").is_file() else ""
            return False, f"{tool} did not run to the end (status {tools.get(tool, 'not reported')}): {message[:200]}"
    findings, passed = [], True
    for name, frequency, minimum, what in [
        ("apartment-heard.wav", 1000, 2.0, "aplay's 3 s of 1 kHz into the door's microphone, in the apartment's recording"),
        ("door-speaker.wav", 440, 3.0, "the apartment's 440 Hz out of the door's speaker, in arecord's 5 s"),
    ]:
        path = share / name
        if not path.is_file() or path.stat().st_size <= 44:
            return False, f"no {name} (the recording is missing)"
        seconds, level = tone_seconds(path, frequency)
        passed = passed and seconds >= minimum
        findings.append(f"{what}: {seconds:.1f} s at {level:.0f} dBFS (at least {minimum:.0f} s needed)")
    return passed, "; ".join(findings)


def video_check(share: Path, data: dict[str, str]) -> tuple[bool, str]:
    path = share / "apartment-saw.h264"
    sent = re.match(r"(\d+) frames", data.get("video", ""))
    if not sent:
        return False, "the door logged no call.video_stats with a frame count"
    if not path.is_file() or path.stat().st_size == 0:
        return False, "the apartment recorded no video (apartment-saw.h264 missing or empty)"
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-f", "h264", "-count_frames", "-select_streams", "v:0",
         "-show_entries", "stream=nb_read_frames,width,height,profile", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, timeout=120)
    fields = probe.stdout.strip().split(",")
    if probe.returncode != 0 or len(fields) < 4 or not fields[-1].isdigit():
        return False, f"ffprobe could not decode apartment-saw.h264: {probe.stderr.strip()[:200]}"
    profile, width, height, decoded = fields[0], fields[1], fields[2], int(fields[-1])
    expected = int(sent.group(1))
    passed = expected > 0 and abs(decoded - expected) <= 0.1 * expected
    errors = len(probe.stderr.strip().splitlines())
    return passed, (f"the door sent {expected} frames from vivid; ffprobe decoded {decoded} "
                    f"({width}x{height} {profile}, {errors} decoder messages) from the apartment's recording "
                    f"({100 * (decoded - expected) / max(expected, 1):+.1f}%, at most ±10%)")


def main() -> int:
    out = Path(sys.argv[1])
    lines = (out / "results.txt").read_text(errors="replace").splitlines()
    results: dict[str, tuple[bool, str]] = {}
    extra: list[tuple[str, bool, str]] = []
    data: dict[str, str] = {}
    exit_line = ""
    for line in lines:
        if match := re.match(r"RESULT (\S+) (PASS|FAIL) ?(.*)", line):
            name, passed, detail = match.group(1), match.group(2) == "PASS", match.group(3)
            if name in GUEST_CHECKS:
                results[name] = (passed, detail)
            else:
                extra.append((name, passed, detail))
        elif match := re.match(r"DATA (\S+) ?(.*)", line):
            data[match.group(1)] = match.group(2)
        elif line.startswith("HWTEST-EXIT"):
            exit_line = line
    share = out / "share"
    try:
        results["audio"] = audio_check(share, data)
    except (OSError, ValueError, wave.Error) as error:
        results["audio"] = (False, f"cannot read a recording: {error}")
    try:
        results["video"] = video_check(share, data)
    except (OSError, subprocess.SubprocessError) as error:
        results["video"] = (False, f"cannot run ffprobe: {error}")

    failures = 0
    print("hwtest results:")
    for name in ["button", "audio", "video", "door", "unplug", "busy-audio"]:
        passed, detail = results.get(name, (False, "not reported: the guest's checks stopped before it"))
        failures += not passed
        print(f"  {'PASS' if passed else 'FAIL'} {name}: {detail}")
    for name, passed, detail in extra:
        failures += not passed
        print(f"  {'PASS' if passed else 'FAIL'} {name}: {detail}")
    if exit_line and "status=0 " not in exit_line + " " and failures == 0:
        failures += 1
        print(f"  FAIL checks: the guest's checks ended with {exit_line.split()[1]}")
    print(f"hwtest: {'passed' if failures == 0 else f'FAILED ({failures} check(s))'}; files in {out}")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
