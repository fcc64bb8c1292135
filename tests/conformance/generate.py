#!/usr/bin/env python3
"""Builds the PDQ conformance vectors: images and their expected hashes.

The oracle is Meta's C++ PDQ core as compiled into the PyPI package
`pdqhash` (0.2.8). Its Python wrapper `pdqhash.compute` computes luma in
float64 with numpy, which the C++ reference (pdq-photo-hasher) does not, so
this script calls the C++ functions directly through ctypes:
`fillFloatLumaFromRGB` / `fillFloatLumaFromGrey` (the reference's f32 luma),
then `pdqHash256FromFloatLuma` and `pdqDihedralHash256esFromFloatLuma`.
Pixels come from Pillow (libjpeg-turbo for JPEG); the 512x512
nearest-neighbour pre-resize (design/pdq.md step 2) is done here in numpy:
row y reads source row floor(y*H/512), column x reads floor(x*W/512)
(integer floor division, equal to the double computation for these sizes).

Usage:
  pip download scikit-image==0.26.0 --no-deps --only-binary :all: -d /tmp/sk
  (cd /tmp/sk && unzip -q -o scikit_image-*.whl 'skimage/data/*')
  python3 tests/conformance/generate.py --skimage-data /tmp/sk/skimage/data
Without --skimage-data the committed images are kept and only the vectors
(expected.csv, table.rs) are recomputed.
"""

import argparse
import ctypes
import io
import math
import os
import shutil
import sys

import numpy as np
import pdqhash
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGES = os.path.join(HERE, "images")

# ---------------------------------------------------------------- oracle

_lib = ctypes.CDLL(pdqhash.bindings.__file__)
_fill_rgb = _lib._ZN8facebook3pdq7hashing20fillFloatLumaFromRGBEPhS2_S2_iiiiPf
_fill_grey = _lib._ZN8facebook3pdq7hashing21fillFloatLumaFromGreyEPhiiiiPf
_hash = _lib._ZN8facebook3pdq7hashing23pdqHash256FromFloatLumaEPfS2_iiPA64_fS4_PA16_fRNS1_7Hash256ERi
_dihedral = _lib._ZN8facebook3pdq7hashing33pdqDihedralHash256esFromFloatLumaEPfS2_iiPA64_fS4_PA16_fS6_PNS1_7Hash256ES8_S8_S8_S8_S8_S8_S8_Ri
Hash256 = ctypes.c_uint16 * 16
P = ctypes.c_void_p


def _ptr(a):
    return ctypes.c_void_p(a.ctypes.data)


def hash_hex(h):
    # The reference's hashToString: word 15 first, 4 lower-case hex digits each.
    return "".join("%04x" % h[i] for i in range(15, -1, -1))


def pre_resize(a):
    h, w = a.shape[:2]
    if w <= 512 and h <= 512:
        return a
    rows = (np.arange(512) * h) // 512
    cols = (np.arange(512) * w) // 512
    return np.ascontiguousarray(a[rows][:, cols])


def luma(a):
    """The reference's own f32 luma fill, on a grey (HxW) or RGB (HxWx3) uint8 array."""
    a = np.ascontiguousarray(a)
    h, w = a.shape[:2]
    out = np.zeros((h, w), dtype=np.float32)
    if a.ndim == 2:
        _fill_grey(_ptr(a), h, w, w, 1, _ptr(out))
    else:
        base = a.ctypes.data
        _fill_rgb(P(base), P(base + 1), P(base + 2), h, w, w * 3, 3, _ptr(out))
    return out


def oracle(a):
    """(hash hex, quality, [8 dihedral hex], dihedral quality) of pixels `a`."""
    a = pre_resize(a)
    h, w = a.shape[:2]
    buf64 = (ctypes.c_float * 4096)()
    buf16x64 = (ctypes.c_float * 1024)()
    buf16 = (ctypes.c_float * 256)()
    aux16 = (ctypes.c_float * 256)()

    l1 = luma(a)
    l2 = np.zeros_like(l1)
    hv, q = Hash256(), ctypes.c_int(0)
    _hash(_ptr(l1), _ptr(l2), h, w, buf64, buf16x64, buf16, ctypes.byref(hv), ctypes.byref(q))

    l1 = luma(a)
    l2 = np.zeros_like(l1)
    hs = [Hash256() for _ in range(8)]
    dq = ctypes.c_int(0)
    _dihedral(_ptr(l1), _ptr(l2), h, w, buf64, buf16x64, buf16, aux16,
              *[ctypes.byref(x) for x in hs], ctypes.byref(dq))
    return hash_hex(hv), q.value, [hash_hex(x) for x in hs], dq.value


def wrapper_hash(a):
    """pdqhash.compute (float64 luma in numpy): recorded only, to show it differs."""
    a = pre_resize(a)
    if a.ndim == 2:
        a = np.stack([a, a, a], axis=2)
    bits, q = pdqhash.compute(np.ascontiguousarray(a))
    return "%064x" % int("".join(str(int(b)) for b in bits), 2), q


def pixels(path):
    """Pillow-decoded pixels: grey stays grey, everything else RGB (alpha dropped)."""
    im = Image.open(path)
    im.load()
    if im.mode in ("L", "LA", "I;16", "I"):
        return np.asarray(im.convert("L"))
    return np.asarray(im.convert("RGB"))


def dct_matrix_bits():
    """The C++ expression for the DCT matrix, with the same libm cos (glibc)."""
    scale = float(np.float32(math.sqrt(2.0 / 64.0)))
    out = []
    for i in range(16):
        for j in range(64):
            v = np.float32(scale * math.cos((math.pi / 2.0 / 64.0) * (i + 1) * (2 * j + 1)))
            out.append(int(v.view(np.uint32)))
    return out

# ---------------------------------------------------------------- images


def scene(w, h, seed):
    """Smooth generated picture with some structure (deterministic)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    x /= max(w, 1)
    y /= max(h, 1)
    out = np.zeros((h, w, 3))
    for c in range(3):
        acc = 128 + 60 * np.sin(2 * np.pi * (x * rng.uniform(0.5, 3) + y * rng.uniform(0.5, 3)) + rng.uniform(0, 6))
        for _ in range(3):
            cx, cy, r = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.05, 0.3)
            acc += rng.uniform(-70, 70) * (((x - cx) ** 2 + (y - cy) ** 2) < r * r)
        out[..., c] = acc
    return np.clip(out, 0, 255).astype(np.uint8)


def save(name, arr_or_img, **kw):
    img = arr_or_img if isinstance(arr_or_img, Image.Image) else Image.fromarray(arr_or_img)
    img.save(os.path.join(IMAGES, name), **kw)


def make_images(sk):
    os.makedirs(IMAGES, exist_ok=True)
    photo = lambda n: Image.open(os.path.join(sk, n))
    # Photos shipped in scikit-image (licences in README.md), copied as they are.
    for n in ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "horse.png", "cell.png",
              "microaneurysms.png", "clock_motion.png", "brick.png", "gravel.png", "text.png",
              "hubble_deep_field.jpg", "retina.jpg", "rocket.jpg"]:
        shutil.copy(os.path.join(sk, n), os.path.join(IMAGES, n))
    # The same photos converted (lossless).
    save("coffee.bmp", photo("coffee.png").convert("RGB"))
    save("chelsea.ppm", photo("chelsea.png").convert("RGB"))
    save("camera.pgm", photo("camera.png").convert("L"))
    save("astronaut-palette.png", photo("astronaut.png").convert("RGB").quantize(256))
    ch = np.asarray(photo("chelsea.png").convert("RGB"))
    alpha = np.tile(np.linspace(0, 255, ch.shape[1]).astype(np.uint8), (ch.shape[0], 1))
    save("chelsea-rgba.png", np.dstack([ch, alpha]))
    save("rocket.png", photo("rocket.jpg").convert("RGB"))
    save("astronaut-511.png", photo("astronaut.png").convert("RGB").resize((511, 511), Image.LANCZOS))
    save("coffee-513x400.png", photo("coffee.png").convert("RGB").crop((0, 0, 513, 400)))
    cam = np.asarray(photo("camera.png").convert("L"))
    save("camera-la.png", Image.fromarray(np.dstack([cam, 255 - cam]), "LA"))
    # The same photos as JPEG (decoders may differ by a few bits).
    save("coffee-q85.jpg", photo("coffee.png").convert("RGB"), quality=85)
    save("chelsea-q95-444.jpg", photo("chelsea.png").convert("RGB"), quality=95, subsampling=0)
    save("astronaut-q70-progressive.jpg", photo("astronaut.png").convert("RGB"), quality=70, progressive=True)
    save("camera-grey-q85.jpg", photo("camera.png").convert("L"), quality=85)
    save("hubble-1600x1004.jpg", photo("hubble_deep_field.jpg").convert("RGB").resize((1600, 1004), Image.LANCZOS), quality=90)
    save("coffee-12mp-4000x3000.jpg", photo("coffee.png").convert("RGB").resize((4000, 3000), Image.BICUBIC), quality=85)
    # Generated images: sizes around every boundary of the pipeline.
    for (w, h) in [(1, 1), (4, 4), (4, 300), (3, 600), (600, 3), (5, 5), (5, 64), (64, 64), (63, 65),
                   (128, 129), (511, 511), (512, 512), (513, 513), (2000, 7), (7, 1500)]:
        save(f"g-{w}x{h}.png", scene(w, h, w * 7919 + h))
    save("g-64x64.pgm", scene(64, 64, 1)[..., 1])
    save("g-511x513.ppm", scene(511, 513, 2))
    save("g-257x190.bmp", scene(257, 190, 3))
    save("g-12mp-4000x3000.png", scene(4000, 3000, 4), optimize=True)
    save("g-flat-300x200.png", np.full((200, 300, 3), (200, 40, 90), np.uint8))
    save("g-flat-64x48.pgm", np.full((48, 64), 77, np.uint8))
    save("g-noise-200x150.png", np.random.default_rng(5).integers(0, 256, (150, 200, 3), dtype=np.uint8))
    save("g-palette-320x240.png", Image.fromarray(scene(320, 240, 6)).quantize(16))
    rgba = np.dstack([scene(300, 300, 7), np.random.default_rng(8).integers(0, 256, (300, 300), dtype=np.uint8)])
    save("g-rgba-300x300.png", rgba)
    save("g-grey-1000x700.png", scene(1000, 700, 9)[..., 0])

# ---------------------------------------------------------------- vectors


def rust_str(s):
    return '"' + s + '"'


def write_vectors():
    names = sorted(os.listdir(IMAGES))
    rows = []
    for n in names:
        a = pixels(os.path.join(IMAGES, n))
        h, w = a.shape[:2]
        hx, q, dih, dq = oracle(a)
        whx, wq = wrapper_hash(a)
        lossless = not n.endswith(".jpg")
        rows.append((n, lossless, w, h, hx, q, dih, dq, whx, wq))
        print(f"{n:32} {w:5}x{h:<5} q={q:3} {hx}  wrapper-distance={bin(int(hx, 16) ^ int(whx, 16)).count('1')}")
    with open(os.path.join(HERE, "expected.csv"), "w") as f:
        f.write("# name,lossless,width,height,pdq,quality,dihedral(8, ';'-separated),dihedral_quality,"
                "pdqhash_compute_pdq,pdqhash_compute_quality\n")
        for (n, ll, w, h, hx, q, dih, dq, whx, wq) in rows:
            f.write(f"{n},{int(ll)},{w},{h},{hx},{q},{';'.join(dih)},{dq},{whx},{wq}\n")
    with open(os.path.join(HERE, "table.rs"), "w") as f:
        f.write("// Generated by tests/conformance/generate.py from the C++ PDQ core; do not edit.\n\n")
        f.write("/// Every conformance image with the oracle's answers.\nconst VECTORS: &[Vector] = &[\n")
        for (n, ll, w, h, hx, q, dih, dq, _, _) in rows:
            f.write("    Vector {\n")
            f.write(f"        name: {rust_str(n)},\n")
            f.write(f'        bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/images/{n}")),\n')
            f.write(f"        lossless: {'true' if ll else 'false'},\n")
            f.write(f"        width: {w},\n        height: {h},\n")
            f.write(f"        pdq: {rust_str(hx)},\n        quality: {q},\n")
            f.write("        dihedral: [\n" + "".join(f"            {rust_str(d)},\n" for d in dih) + "        ],\n")
            f.write(f"        dihedral_quality: {dq},\n")
            f.write("    },\n")
        f.write("];\n\n")
        bits = dct_matrix_bits()
        f.write("/// The reference's 16x64 DCT matrix as f32 bit patterns (glibc cos, as the C++ build uses).\n")
        f.write("const DCT_MATRIX_BITS: [u32; 1024] = [\n")
        for k in range(0, 1024, 8):
            f.write("    " + ", ".join("0x%08x" % b for b in bits[k:k + 8]) + ",\n")
        f.write("];\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skimage-data", help="scikit-image's skimage/data folder; (re)creates the images")
    args = ap.parse_args()
    if args.skimage_data:
        make_images(args.skimage_data)
    write_vectors()


if __name__ == "__main__":
    sys.exit(main())
