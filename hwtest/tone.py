#!/usr/bin/env python3
"""Writes the test tone aplay plays into the door's microphone: 1 kHz, 3 s, 48 kHz stereo
16-bit at half scale, so that the loopback's plug device has to convert it to the call's
8 kHz mono. Usage: tone.py OUTPUT.wav"""
import math
import struct
import sys
import wave

RATE, SECONDS, FREQUENCY, AMPLITUDE = 48000, 3, 1000, 0.5


def main() -> None:
    samples = (int(32767 * AMPLITUDE * math.sin(2 * math.pi * FREQUENCY * n / RATE)) for n in range(RATE * SECONDS))
    with wave.open(sys.argv[1], "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<hh", s, s) for s in samples))


if __name__ == "__main__":
    main()
