#!/usr/bin/env python3
"""Generates licence-clean images for the demo and the browser tests.

Every image is drawn here from a fixed seed (smooth random fields, discs and
stripes), so the files are ours and reproducible (same Pillow/numpy version:
same bytes). Usage:

    gen_images.py demo OUT_DIR     # the bundled demo images (committed)
    gen_images.py test OUT_DIR     # the e2e/benchmark images (generated at test time)
"""
import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageOps


def scene(seed, width, height):
    """A colourful, detailed picture: a smooth random field plus shapes."""
    rng = np.random.default_rng(seed)
    small = rng.random((9, 12, 3))
    field = Image.fromarray((small * 255).astype(np.uint8)).resize((width, height), Image.BICUBIC)
    img = field.copy()
    draw = ImageDraw.Draw(img)
    unit = min(width, height)
    for _ in range(14):
        x, y = rng.random(2) * (width, height)
        r = (0.04 + rng.random() * 0.16) * unit
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            draw.rectangle((x - r, y - r * 0.6, x + r, y + r * 0.6), fill=colour)
    for i in range(0, width, max(1, unit // 24)):
        if (i // max(1, unit // 24)) % 3 == 0:
            draw.line((i, 0, i + height // 3, height), fill=(255, 255, 255), width=max(1, unit // 200))
    noise = rng.normal(0, 6, (height, width, 3))
    pixels = np.clip(np.asarray(img, dtype=np.float64) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)


def save(img, path, **options):
    buf = io.BytesIO()
    img.save(buf, **options)
    Path(path).write_bytes(buf.getvalue())


def demo(out):
    # Listed in the built-in demo filter:
    save(scene(101, 800, 600), out / "listed-1.jpg", format="JPEG", quality=90)
    save(scene(102, 320, 320), out / "listed-2.png", format="PNG")
    # A near copy of listed-1 (mirrored, 75% size, re-encoded): flagged by PDQ.
    copy = scene(101, 800, 600).transpose(Image.FLIP_LEFT_RIGHT).resize((600, 450), Image.LANCZOS)
    save(copy, out / "listed-1-edited.jpg", format="JPEG", quality=80)
    # Not listed:
    save(scene(201, 800, 533), out / "unlisted-1.jpg", format="JPEG", quality=88)
    save(scene(202, 600, 800), out / "unlisted-2.jpg", format="JPEG", quality=85)


def test(out):
    save(scene(301, 1024, 768), out / "listed.jpg", format="JPEG", quality=90)
    edited = scene(301, 1024, 768).transpose(Image.FLIP_LEFT_RIGHT).resize((614, 461), Image.LANCZOS)
    save(edited, out / "listed-edited.jpg", format="JPEG", quality=65)
    save(scene(302, 900, 700), out / "unlisted.jpg", format="JPEG", quality=90)
    for i in range(20):
        save(scene(400 + i, 320, 240), out / f"many-{i:02d}.jpg", format="JPEG", quality=85)
    good = (out / "unlisted.jpg").read_bytes()
    (out / "corrupt.jpg").write_bytes(good[:2] + bytes(range(256)) * 8)
    save(scene(501, 1600, 1004), out / "photo-1600x1004.jpg", format="JPEG", quality=90)
    save(scene(502, 4000, 3000), out / "photo-12mp.jpg", format="JPEG", quality=90)
    # The browser decoder (decoder: "browser"): a photo whose EXIF says "rotate 90
    # degrees clockwise to display" (orientation 6), and AVIF files (our wasm
    # does not decode AVIF; Chromium does), one of them a recompressed copy
    # of listed.jpg.
    exif = Image.Exif()
    exif[0x0112] = 6
    save(scene(601, 640, 480), out / "oriented-6.jpg", format="JPEG", quality=90, exif=exif)
    # The same photo as displayed (Pillow's exif_transpose), stored losslessly.
    save(ImageOps.exif_transpose(Image.open(out / "oriented-6.jpg")), out / "oriented-6-displayed.png", format="PNG")
    save(scene(602, 640, 480), out / "unlisted.avif", format="AVIF", quality=80)
    save(scene(301, 1024, 768), out / "listed-recoded.avif", format="AVIF", quality=70)
    reshared(scene(701, 800, 600), out)


def reshared(picture, out):
    """`picture` re-shared four ways that move it inside the frame, one for
    each extra preparation that finds it again: a caption band on top, a
    noise frame, a turn of 7 degrees on black, a phone screenshot."""
    w, h = picture.size
    rng = np.random.default_rng(702)
    band = Image.new("RGB", (w, h + h // 8), (250, 250, 250))
    band.paste(picture, (0, h // 8))
    draw = ImageDraw.Draw(band)
    for i in range(3):
        draw.text((20, 10 + i * 22), "when the weekend finally arrives " * 2, fill=(20, 20, 20))
    save(band, out / "reshared-band.png", format="PNG")
    side = w // 12
    framed = Image.fromarray(rng.integers(0, 256, (h + 2 * side, w + 2 * side, 3), dtype=np.uint8))
    framed.paste(picture, (side, side))
    save(framed, out / "reshared-frame.png", format="PNG")
    tilted = picture.rotate(7, resample=Image.BICUBIC, expand=True, fillcolor=(0, 0, 0))
    save(tilted, out / "reshared-tilt.png", format="PNG")
    screen = Image.new("RGB", (1080, 1920), (255, 255, 255))
    draw = ImageDraw.Draw(screen)
    draw.rectangle((0, 0, 1080, 160), fill=(240, 240, 244))
    draw.rectangle((0, 1760, 1080, 1920), fill=(240, 240, 244))
    for i in range(4):
        draw.text((40, 1080 + 40 * i), "liked by friends and others, view all comments", fill=(30, 30, 30))
    shown = picture.resize((1080, 810), Image.LANCZOS)
    screen.paste(shown, (0, 220))
    save(screen, out / "reshared-screenshot.png", format="PNG")


if __name__ == "__main__":
    kind, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    {"demo": demo, "test": test}[kind](out)
