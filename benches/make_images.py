#!/usr/bin/env python3
"""Generates the decoding benchmark's JPEGs into a folder (default target/bench-images).

Nothing here is committed as an image: everything derives from two CC0
photos already in tests/conformance/images (see the README there):
coffee.png (600x400, CC0, Rachel Michetti, via scikit-image) and
hubble-1600x1004.jpg (public domain, NASA, via scikit-image).

An upscaled photo is smoother than a real camera frame and compresses (and
entropy-decodes) unrealistically fast, so the large files get seeded
Gaussian sensor-like noise (sigma 4) after a Lanczos upscale, which brings
their size towards what phones write (measured: 2.1 MB for 12 MP, 0.18 bytes
per pixel at quality 90; phone JPEGs are typically 0.2-0.4).

    python3 benches/make_images.py [OUT_DIR]

Writes:
  jpeg-12mp-4000x3000.jpg   12 MP, quality 90, 4:2:0 (phone-like)
  jpeg-40mp-7296x5472.jpg   40 MP, quality 90, 4:2:0
  jpeg-1600x1004.jpg        copy of the conformance hubble-1600x1004.jpg
  png-screenshot-1920x1080.png  a generated UI-like screenshot: flat panels,
                            buttons, lines of text (Pillow's bundled default
                            font, Aileron, CC0), a small photo thumbnail
  folder-12mp/NN.jpg        12 different 12 MP JPEGs (crops of a 4400x3300
                            upscale, own noise seed each) for throughput runs
"""
import os
import shutil
import sys

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGES = os.path.join(ROOT, "tests", "conformance", "images")
FOLDER_FILES = 12


def noisy_upscale(source, size, seed):
    """Lanczos upscale to `size`, plus seeded Gaussian noise (sigma 4)."""
    big = np.asarray(source.resize(size, Image.LANCZOS), dtype=np.float32)
    rng = np.random.default_rng(seed)
    big += rng.normal(0.0, 4.0, big.shape).astype(np.float32)
    return Image.fromarray(np.clip(np.rint(big), 0, 255).astype(np.uint8), "RGB")


def save_jpeg(image, path):
    image.save(path, "JPEG", quality=90, subsampling="4:2:0")
    print(f"{path}: {image.size[0]}x{image.size[1]}, {os.path.getsize(path)} bytes")


def screenshot(photo, size=(1920, 1080), seed=7):
    """A UI-like screenshot: title bar, sidebar, cards with text, buttons."""
    from PIL import ImageDraw, ImageFont

    rng = np.random.default_rng(seed)
    image = Image.new("RGB", size, (246, 247, 249))
    draw = ImageDraw.Draw(image)
    small, large = ImageFont.load_default(size=15), ImageFont.load_default(size=26)
    words = "screen upload photo filter verdict allow block flag hash digest worker pool browser decode".split()
    width, height = size
    draw.rectangle((0, 0, width, 48), fill=(32, 41, 58))
    draw.text((20, 10), "prescreen - uploads", font=large, fill=(255, 255, 255))
    draw.rectangle((0, 48, 260, height), fill=(229, 232, 237))
    for i in range(18):
        draw.text((24, 70 + 44 * i), " ".join(rng.choice(words, 2)).title(), font=small, fill=(55, 65, 81))
    for row in range(3):
        for col in range(3):
            x, y = 300 + col * 530, 80 + row * 330
            draw.rounded_rectangle((x, y, x + 500, y + 300), 10, fill=(255, 255, 255), outline=(209, 213, 219))
            draw.text((x + 20, y + 16), " ".join(rng.choice(words, 3)).capitalize(), font=large, fill=(17, 24, 39))
            for line in range(7):
                text = " ".join(rng.choice(words, int(rng.integers(4, 9))))
                draw.text((x + 20, y + 60 + 24 * line), text, font=small, fill=(75, 85, 99))
            colour = [(37, 99, 235), (22, 163, 74), (220, 38, 38)][(row + col) % 3]
            draw.rounded_rectangle((x + 20, y + 240, x + 160, y + 280), 6, fill=colour)
            draw.text((x + 40, y + 250), "Upload", font=small, fill=(255, 255, 255))
    image.paste(photo.resize((200, 133), Image.LANCZOS), (x + 280, y + 150))
    return image


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "bench-images")
    os.makedirs(os.path.join(out, "folder-12mp"), exist_ok=True)
    coffee = Image.open(os.path.join(IMAGES, "coffee.png")).convert("RGB")
    save_jpeg(noisy_upscale(coffee, (4000, 3000), 12), os.path.join(out, "jpeg-12mp-4000x3000.jpg"))
    save_jpeg(noisy_upscale(coffee, (7296, 5472), 40), os.path.join(out, "jpeg-40mp-7296x5472.jpg"))
    shutil.copyfile(os.path.join(IMAGES, "hubble-1600x1004.jpg"), os.path.join(out, "jpeg-1600x1004.jpg"))
    shot = os.path.join(out, "png-screenshot-1920x1080.png")
    screenshot(coffee).save(shot, "PNG", optimize=True)
    print(f"{shot}: 1920x1080, {os.path.getsize(shot)} bytes")
    wide = coffee.resize((4400, 3300), Image.LANCZOS)
    for n in range(FOLDER_FILES):
        x, y = (n % 4) * 130, (n // 4) * 140
        crop = wide.crop((x, y, x + 4000, y + 3000))
        save_jpeg(noisy_upscale(crop, (4000, 3000), 100 + n), os.path.join(out, "folder-12mp", f"{n:02}.jpg"))


if __name__ == "__main__":
    main()
