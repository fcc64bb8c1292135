#!/usr/bin/env python3
"""Writes listed images and damaged copies of them (run from the repository
root: `python3 tests/damaged/generate.py`).

The pictures are drawn by scripts/gen_images.py's `scene` (seeded smooth
fields and shapes, encoded by Pillow), so they are licence-clean. Each
damaged copy is what an evader can make without an image editor: bytes cut
off the end, an end marker dropped, one chunk checksum broken. The README
lists them; tests/damaged.rs, tests/cli_check.rs and
tests/e2e/damaged.test.mjs check that each is still caught.
"""
import io
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from gen_images import scene  # noqa: E402

OUT = Path(__file__).resolve().parent


def encode(img, **options):
    buf = io.BytesIO()
    img.save(buf, **options)
    return buf.getvalue()


def originals():
    """The listed pictures, one per format (small, to keep the repository light)."""
    return {
        "listed.jpg": encode(scene(301, 640, 480), format="JPEG", quality=90),
        "listed-progressive.jpg": encode(scene(302, 640, 480), format="JPEG", quality=90, progressive=True),
        "listed.png": encode(scene(303, 256, 192), format="PNG"),
        "listed.gif": encode(scene(304, 320, 240).quantize(colors=128, dither=0), format="GIF"),
        "listed.webp": encode(scene(305, 640, 480), format="WEBP", quality=85),
    }


def png_chunks(data):
    """(offset, type, length) of each chunk after the signature."""
    pos, chunks = 8, []
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunks.append((pos, kind, length))
        pos += 12 + length
    return chunks


def bad_crc(data):
    """Flips one bit of the CRC of the first IDAT chunk."""
    pos, _, length = next(c for c in png_chunks(data) if c[1] == b"IDAT")
    crc = pos + 8 + length
    return data[:crc] + bytes([data[crc] ^ 0x01]) + data[crc + 1:]


def cut(data, share):
    """The file without its last `share` of bytes."""
    return data[: len(data) - max(1, int(len(data) * share))]


def damaged(files):
    """Damaged copy name -> (original name, bytes)."""
    jpg, prog, png, gif, webp = (files[n] for n in ("listed.jpg", "listed-progressive.jpg", "listed.png", "listed.gif", "listed.webp"))
    assert jpg[-2:] == b"\xff\xd9" and png[-12:-4] == b"\0\0\0\0IEND"
    return {
        "jpeg-no-eoi.jpg": ("listed.jpg", jpg[:-2]),
        "jpeg-cut-1pct.jpg": ("listed.jpg", cut(jpg, 0.01)),
        "jpeg-cut-10pct.jpg": ("listed.jpg", cut(jpg, 0.10)),
        "jpeg-progressive-cut-10pct.jpg": ("listed-progressive.jpg", cut(prog, 0.10)),
        "png-no-iend.png": ("listed.png", png[:-12]),
        "png-bad-crc.png": ("listed.png", bad_crc(png)),
        "png-cut-10pct.png": ("listed.png", cut(png, 0.10)),
        "gif-cut-10pct.gif": ("listed.gif", cut(gif, 0.10)),
        "webp-cut-10pct.webp": ("listed.webp", cut(webp, 0.10)),
    }


def main():
    files = originals()
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    for name, (_, data) in damaged(files).items():
        (OUT / name).write_bytes(data)


if __name__ == "__main__":
    main()
