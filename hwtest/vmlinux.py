#!/usr/bin/env python3
"""Writes the uncompressed kernel ELF inside a bzImage (xz-compressed, as Debian's are).

QEMU boots an ELF vmlinux through its PVH entry note, which spares the guest the xz
decompression: several seconds of a boot under TCG. Usage: vmlinux.py BZIMAGE OUTPUT
"""
import lzma
import sys

XZ_MAGIC = b"\xfd7zXZ\x00"


def extract(image: bytes) -> bytes:
    start = image.find(XZ_MAGIC)
    while start >= 0:
        try:
            elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(image[start:])
        except lzma.LZMAError:
            elf = b""
        if elf.startswith(b"\x7fELF"):
            return elf
        start = image.find(XZ_MAGIC, start + 1)
    raise SystemExit("vmlinux.py: no xz-compressed ELF in the kernel image")


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit("usage: vmlinux.py BZIMAGE OUTPUT")
    with open(sys.argv[1], "rb") as source:
        elf = extract(source.read())
    with open(sys.argv[2], "wb") as target:
        target.write(elf)


if __name__ == "__main__":
    main()
