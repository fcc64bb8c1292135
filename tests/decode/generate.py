#!/usr/bin/env python3
"""Generates the decoder's test fixtures: good images with their expected pixels
(tests/decode/) and files that must fail (tests/bad/).

Every image is synthesised here from a seeded numpy generator, so the fixtures
are licence-clean. The expected pixels (*.raw) are Pillow's decoding (the
independent oracle), converted by prescreen's rules: grey stays grey, alpha is
dropped, palettes are expanded, 16-bit grey becomes round(v / 257).

Run from the repository root:  python3 tests/decode/generate.py
Needs Pillow (with WebP) and numpy. Deterministic: rerunning rewrites the same bytes
(as long as Pillow's encoders do not change).
"""
import io
import os
import struct
import zlib

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.abspath(__file__))
GOOD = ROOT
BAD = os.path.join(os.path.dirname(ROOT), "bad")
W, H = 61, 47


def picture(rng):
    """A smooth gradient with seeded noise and a bright square: detail for every codec."""
    y, x = np.mgrid[0:H, 0:W]
    r = (x * 255 / (W - 1)).astype(np.int32)
    g = (y * 255 / (H - 1)).astype(np.int32)
    b = ((x + y) * 2 % 256).astype(np.int32)
    rgb = np.stack([r, g, b], axis=2) + rng.integers(-20, 21, size=(H, W, 3))
    rgb[10:20, 30:45] = [250, 240, 30]
    return np.clip(rgb, 0, 255).astype(np.uint8)


def save(name, data):
    with open(os.path.join(GOOD if not name.startswith("bad/") else BAD, name.removeprefix("bad/")), "wb") as f:
        f.write(data)


def encode(img, fmt, **kw):
    out = io.BytesIO()
    img.save(out, fmt, **kw)
    return out.getvalue()


def expected(data):
    """Pillow's pixels for a file, by prescreen's conversion rules."""
    img = Image.open(io.BytesIO(data))
    img.seek(0)
    if img.mode == "I;16":
        arr = np.asarray(img, dtype=np.uint32)
        return (((arr + 128) // 257).astype(np.uint8)).tobytes()
    if img.mode in ("L", "LA", "1"):
        return img.convert("L").tobytes()
    return img.convert("RGB").tobytes()


def good(name, data):
    save(name, data)
    save(name + ".raw", expected(data))
    return data


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def main():
    rng = np.random.default_rng(20261128)
    rgb = picture(rng)
    grey = (rgb.astype(np.uint32).sum(axis=2) // 3).astype(np.uint8)
    alpha = rng.integers(0, 256, size=(H, W), dtype=np.uint8)
    im_rgb = Image.fromarray(rgb)
    im_grey = Image.fromarray(grey)

    # Lossless formats: Pillow's pixels must come out exactly.
    png = good("rgb.png", encode(im_rgb, "PNG"))
    good("grey.png", encode(im_grey, "PNG"))
    good("rgba.png", encode(Image.fromarray(np.dstack([rgb, alpha])), "PNG"))
    good("grey-alpha.png", encode(Image.fromarray(np.dstack([grey, alpha])), "PNG"))
    good("palette.png", encode(im_rgb.quantize(64), "PNG"))
    grey16 = (grey.astype(np.uint16) * 257 + rng.integers(0, 257, size=(H, W))).astype(np.uint16)
    good("grey16.png", encode(Image.fromarray(grey16.astype("<u2")), "PNG"))
    bmp = good("rgb.bmp", encode(im_rgb, "BMP"))
    ppm = good("rgb.ppm", encode(im_rgb, "PPM"))
    good("grey.pgm", encode(im_grey, "PPM"))
    ascii_ppm = "P3\n# ascii\n%d %d\n255\n" % (W, H) + "\n".join(" ".join(map(str, row)) for row in rgb.reshape(H, -1))
    good("rgb-ascii.ppm", ascii_ppm.encode() + b"\n")
    ascii_pgm = "P2\n%d %d\n255\n" % (W, H) + "\n".join(" ".join(map(str, row)) for row in grey)
    good("grey-ascii.pgm", ascii_pgm.encode() + b"\n")
    gif = good("palette.gif", encode(im_rgb.quantize(128), "GIF"))
    webp_lossless = good("lossless.webp", encode(im_rgb, "WEBP", lossless=True))

    # Lossy formats: decoders differ a little; the test allows a small difference.
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 clockwise to display
    jpeg = good("rgb-orientation6.jpg", encode(im_rgb, "JPEG", quality=90, exif=exif.tobytes()))
    good("grey.jpg", encode(im_grey, "JPEG", quality=90))
    good("progressive.jpg", encode(im_rgb, "JPEG", quality=80, progressive=True))
    webp = good("lossy.webp", encode(im_rgb, "WEBP", quality=80))
    # CMYK (Adobe, inverted): Pillow converts back to RGB as (255 - ink) * (255 - black) / 255.
    good("cmyk.jpg", encode(im_rgb.convert("CMYK"), "JPEG", quality=90))

    # Files that must fail.
    save("bad/empty.bin", b"")
    noise = rng.integers(0, 256, size=4096, dtype=np.uint8).tobytes()
    assert noise[:1] not in (b"\xff", b"\x89", b"G", b"R", b"B", b"P")
    save("bad/random.bin", noise)
    save("bad/text.txt", b"This is a text file, not an image.\nIt has two lines.\n")
    save("bad/truncated.jpg", jpeg[: len(jpeg) // 2])
    save("bad/truncated-progressive.jpg", open(os.path.join(GOOD, "progressive.jpg"), "rb").read()[:-300])
    save("bad/truncated-no-eoi.jpg", jpeg[:-2])
    save("bad/truncated.png", png[: len(png) // 2])
    save("bad/truncated-header.png", png[:20])
    save("bad/truncated-magic.png", png[:5])
    save("bad/truncated.gif", gif[: len(gif) // 2])
    save("bad/truncated.webp", webp[: len(webp) // 2])
    save("bad/truncated-lossless.webp", webp_lossless[: len(webp_lossless) // 2])
    save("bad/truncated.bmp", bmp[: len(bmp) // 2])
    save("bad/truncated.ppm", ppm[: len(ppm) // 2])

    # A PNG whose header claims 100000x100000 RGB, with a few bytes of pixel data.
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1000)
    save("bad/huge.png", b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))

    # A PNG claiming 20000x6000 RGB (within the default limits) with 1 KB of pixel data:
    # deflate cannot expand that far, so it is refused before the 360 MB buffer is allocated.
    ihdr = struct.pack(">IIBBBBB", 20000, 6000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 100000)[:1000]
    save("bad/bomb-within-limits.png", b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))

    # A JPEG bomb: the real file with its frame header patched to claim 65000x65000.
    sof = jpeg.index(b"\xff\xc0")
    bomb = bytearray(jpeg)
    bomb[sof + 5 : sof + 9] = struct.pack(">HH", 65000, 65000)
    save("bad/bomb.jpg", bytes(bomb))

    # A GIF whose logical screen and frame claim 65535x65535.
    bomb = bytearray(gif)
    bomb[6:10] = struct.pack("<HH", 65535, 65535)
    frame = bomb.index(b"\x2c", 13 + 3 * 2 ** ((bomb[10] & 7) + 1))
    bomb[frame + 5 : frame + 9] = struct.pack("<HH", 65535, 65535)
    save("bad/bomb.gif", bytes(bomb))

    # A lossless WebP whose bitstream header claims 16383x16383 (image-webp 0.2.4
    # reads a stored 16383, the format's maximum, as 0, so stay one below it).
    vp8l = webp_lossless.index(b"VP8L")
    assert webp_lossless[12:16] == b"VP8L" and webp_lossless[vp8l + 8] == 0x2F
    bomb = bytearray(webp_lossless)
    (bits,) = struct.unpack("<I", bomb[vp8l + 9 : vp8l + 13])
    bits = (bits & ~((1 << 28) - 1)) | 16382 | (16382 << 14)
    bomb[vp8l + 9 : vp8l + 13] = struct.pack("<I", bits)
    save("bad/bomb.webp", bytes(bomb))

    # A PNG whose pixel data is damaged (one byte flipped, so the CRC fails).
    idat = png.index(b"IDAT")
    damaged = bytearray(png)
    damaged[idat + 20] ^= 0x55
    save("bad/corrupt-crc.png", bytes(damaged))

    # A BMP header claiming an impossible bit depth.
    damaged = bytearray(bmp)
    damaged[28:30] = struct.pack("<H", 7)
    save("bad/corrupt-depth.bmp", bytes(damaged))


if __name__ == "__main__":
    main()
