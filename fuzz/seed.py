#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into corpus/<target>/.

Seeds are generated here (Pillow, the release CLI) or copied from the
repository's own generated fixtures, so a run starts from inputs that reach
deep into each parser. Run from fuzz/ after `cargo build --release` at the top.
"""
import io
import pathlib
import random
import shutil
import subprocess
import tempfile

from PIL import Image

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
CLI = ROOT / "target" / "release" / "prescreen"


def corpus(target):
    path = HERE / "corpus" / target
    path.mkdir(parents=True, exist_ok=True)
    return path


def copy_fixtures(target, *folders):
    out = corpus(target)
    for folder in folders:
        for f in sorted((ROOT / folder).iterdir()):
            if f.is_file() and f.suffix not in (".py", ".md", ".raw"):
                shutil.copy(f, out / f"{folder.replace('/', '_')}_{f.name}")


def picture(w, h, mode, seed):
    """Smooth gradients, a checker and a few flat blocks, scaled to w x h:
    structure for every decoder path."""
    rng = random.Random(seed)
    base = Image.new("RGB", (256, 256))
    base.putdata([(x, y, ((x // 32 + y // 32) % 2) * 200) for y in range(256) for x in range(256)])
    img = base.resize((w, h), Image.BILINEAR)
    for _ in range(3):
        x, y = rng.randrange(w), rng.randrange(h)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        img.paste(colour, (x, y, min(w, x + w // 8), min(h, y + h // 8)))
    return img.convert(mode)


def jpeg(img, **options):
    buf = io.BytesIO()
    img.save(buf, "JPEG", **options)
    return buf.getvalue()


def seed_decode_fast():
    """Baseline JPEGs in each subsampling, with and without restart markers,
    and a cut one, each after the byte that picks 1/4 (even) or 1/8 (odd)."""
    out = corpus("decode_fast")
    cases = [
        ("rgb420", 64, 64, "RGB", dict(quality=50, subsampling=2)),
        ("rgb444", 80, 56, "RGB", dict(quality=75, subsampling=0)),
        ("rgb422", 104, 48, "RGB", dict(quality=30, subsampling=1)),
        ("grey", 50, 49, "L", dict(quality=60)),
        ("restart", 96, 112, "RGB", dict(quality=40, restart_marker_blocks=3)),
        ("optimized", 72, 64, "RGB", dict(quality=20, optimize=True)),
    ]
    for i, (name, w, h, mode, options) in enumerate(cases):
        data = jpeg(picture(w, h, mode, name), **options)
        (out / f"{name}.jpg").write_bytes(bytes([i]) + data)
        (out / f"{name}-cut.jpg").write_bytes(bytes([i + 1]) + data[: len(data) * 2 // 3])
    for i, f in enumerate(sorted((ROOT / "tests/decode/baseline").glob("*.jpg"))):
        (out / f"fixture-{f.name}").write_bytes(bytes([i]) + f.read_bytes())


def build(out, name, lists, *flags):
    with tempfile.TemporaryDirectory() as tmp:
        args = [str(CLI), "build", "-o", str(out / name), "--salt", "00" * 16, "--created", "0", *flags]
        for kind, lines in lists.items():
            path = pathlib.Path(tmp) / kind
            path.write_text("".join(line + "\n" for line in lines))
            args += [f"--{kind}", str(path)]
        subprocess.run(args, check=True, capture_output=True)


def seed_filter_parse():
    """Small filters of every section kind, plan and option."""
    out = corpus("filter_parse")
    rng = random.Random(7)
    hexes = lambda n, bytes_: ["".join(f"{rng.randrange(256):02x}" for _ in range(bytes_)) for _ in range(n)]
    pdq = hexes(20, 32)
    build(out, "md5.psf", {"md5": hexes(5, 16)})
    build(out, "all-digests.psf", {"md5": hexes(3, 16), "sha1": hexes(3, 20), "sha256": hexes(3, 32)})
    build(out, "pdq-r0.psf", {"pdq": pdq}, "--radius", "0")
    build(out, "pdq-r8.psf", {"pdq": pdq}, "--radius", "8")
    build(out, "pdq-r16-plain.psf", {"pdq": pdq}, "--radius", "16", "--no-dihedral")
    build(out, "labelled-expiring.psf", {"pdq": pdq[:2], "sha256": hexes(2, 32)}, "--label", "seed", "--expires", "30")
    with tempfile.TemporaryDirectory() as tmp:
        key = pathlib.Path(tmp) / "key"
        subprocess.run([str(CLI), "keygen", "-o", str(key)], check=True, capture_output=True)
        build(out, "signed.psf", {"pdq": pdq[:4], "md5": hexes(2, 16)}, "--sign-key", str(key))
    shutil.copy(ROOT / "tests/fixtures/filter/filter.psf", out / "fixture.psf")


def seed_multipart():
    """Bodies as browsers and curl send them, each after a Content-Type line."""
    out = corpus("multipart")
    part = lambda b, headers, data: b"--" + b + b"\r\n" + headers + b"\r\n\r\n" + data + b"\r\n"
    bodies = {
        "one-file": (b"XyZ", part(b"XyZ", b'Content-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg', b"\xff\xd8\xff\xd9") + b"--XyZ--\r\n"),
        "fields": (b"----WebKitFormBoundary7MA4YWxkTrZu0gW", b"preamble\r\n" + part(b"----WebKitFormBoundary7MA4YWxkTrZu0gW", b"content-disposition: form-data; name=note", b"hi") + part(b"----WebKitFormBoundary7MA4YWxkTrZu0gW", b'Content-Disposition: form-data; name="f"; filename=""', b"") + b"------WebKitFormBoundary7MA4YWxkTrZu0gW--"),
        "quoted": (b'"a b"', part(b"a b", b"Content-Disposition: form-data; name=x; filename=y.png", b"\r\n--a\r\n") + b"--a b--"),
    }
    for name, (boundary, body) in bodies.items():
        (out / name).write_bytes(b"multipart/form-data; boundary=" + boundary + b"\n" + body)


if __name__ == "__main__":
    copy_fixtures("decode_hash", "tests/decode", "tests/bad", "tests/decode/baseline")
    seed_decode_fast()
    seed_filter_parse()
    seed_multipart()
    for target in sorted((HERE / "corpus").iterdir()):
        print(target.name, len(list(target.iterdir())), "seeds")
