#!/usr/bin/env python3
"""Generates the JPEGs that hold src/decode/baseline (the fast reduced-scale
decoder) to jpeg-decoder's own scaled decode: every chroma layout it takes,
restart intervals, odd sizes with partial MCUs, optimised and very coarse or
very fine Huffman tables, grey; and files it must leave to jpeg-decoder.

Pictures are synthesised from a seeded numpy generator (licence-clean) and
encoded with Pillow. Run from the repository root:
    python3 tests/decode/baseline/generate.py
"""
import io
import os

import numpy as np
from PIL import Image

OUT = os.path.dirname(os.path.abspath(__file__))


def picture(width, height, seed):
    """Gradients, a bright square and seeded noise: low and high frequencies."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack([x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), (x * 3 + y * 5) % 256], axis=2)
    rgb = rgb + rng.integers(-40, 41, size=(height, width, 3))
    rgb[height // 4 : height // 2, width // 3 : width // 2] = [250, 30, 200]
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))


def jpeg(image, **options):
    out = io.BytesIO()
    image.save(out, "JPEG", **options)
    return out.getvalue()


def relabel(data, sampling, across, down):
    """The same blocks read with another luma sampling: a 4:2:2 file (Y 2x1)
    relabelled 4:4:0 (Y 1x2) is half as wide and twice as tall; a 4:2:0 file
    (Y 2x2) relabelled 4:1:1 (Y 4x1) twice as wide and half as tall. The MCU
    count stays the same when the sides are multiples of 16, so the file is a
    valid JPEG of a scrambled picture. Pillow cannot encode these two layouts."""
    data = bytearray(data)
    sof = data.index(b"\xff\xc0")
    height = int.from_bytes(data[sof + 5 : sof + 7], "big")
    width = int.from_bytes(data[sof + 7 : sof + 9], "big")
    assert width % 16 == 0 and height % 16 == 0
    data[sof + 5 : sof + 7] = int(height * down).to_bytes(2, "big")
    data[sof + 7 : sof + 9] = int(width * across).to_bytes(2, "big")
    data[sof + 11] = sampling
    return bytes(data)


FILES = {
    # Taken by the fast decoder.
    "420-203x149-q90.jpg": jpeg(picture(203, 149, 1), quality=90, subsampling=2),
    "422-120x77-q75-optimized.jpg": jpeg(picture(120, 77, 2), quality=75, subsampling=1, optimize=True),
    "444-97x64-q100.jpg": jpeg(picture(97, 64, 3), quality=100, subsampling=0),
    "440-64x96-q85.jpg": relabel(jpeg(picture(128, 48, 4), quality=85, subsampling=1), 0x12, 0.5, 2),
    "420-161x123-q80-restart3.jpg": jpeg(picture(161, 123, 5), quality=80, subsampling=2, restart_marker_blocks=3),
    "444-70x41-q60-restart-rows.jpg": jpeg(picture(70, 41, 6), quality=60, subsampling=0, restart_marker_rows=1),
    "420-33x17-q5.jpg": jpeg(picture(33, 17, 7), quality=5, subsampling=2),
    "420-1x1-q90.jpg": jpeg(picture(1, 1, 8), quality=90, subsampling=2),
    "grey-75x51-q95.jpg": jpeg(picture(75, 51, 9).convert("L"), quality=95),
    "grey-66x40-q70-restart5.jpg": jpeg(picture(66, 40, 10).convert("L"), quality=70, restart_marker_blocks=5),
    # Left to jpeg-decoder: progressive, 4:1:1 chroma, RGB with an Adobe marker.
    "fallback-progressive.jpg": jpeg(picture(80, 60, 11), quality=85, progressive=True),
    "fallback-411.jpg": relabel(jpeg(picture(64, 64, 12), quality=85, subsampling=2), 0x41, 2, 0.5),
    "fallback-rgb.jpg": jpeg(picture(80, 60, 13), quality=85, keep_rgb=True),
}

if __name__ == "__main__":
    for name, data in FILES.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(FILES)} files to {OUT}")
