#!/usr/bin/env python3
"""Generates the JPEGs tests/fast_decode.rs decodes at reduced scale.

Both derive from CC0 / public-domain photos already in tests/conformance/images
(see the README there), upscaled with Lanczos and encoded by Pillow, so they are
licence-clean. They are big enough (>= 2048 pixels a side) for DecodeMode::Fast
to decode them at 1/4 scale, and small enough (low detail) to embed in tests.

    python3 tests/fast/generate.py
"""
import os

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGES = os.path.join(HERE, "..", "conformance", "images")


def upscaled(name, size):
    return Image.open(os.path.join(IMAGES, name)).convert("RGB").resize(size, Image.LANCZOS)


def main():
    # Baseline, 4:2:0, non-square: 1/4 scale gives 600x525.
    upscaled("astronaut.png", (2400, 2100)).save(
        os.path.join(HERE, "astronaut-2400x2100.jpg"), "JPEG", quality=80, subsampling="4:2:0")
    # Progressive, 4:4:4: 1/4 scale gives 512x512.
    upscaled("chelsea.png", (2048, 2048)).save(
        os.path.join(HERE, "chelsea-2048-progressive.jpg"), "JPEG", quality=80, subsampling="4:4:4",
        progressive=True)
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".jpg"):
            print(name, os.path.getsize(os.path.join(HERE, name)), "bytes")


if __name__ == "__main__":
    main()
