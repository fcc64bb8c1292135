"""Transformed copies of a master picture, in families, with fixed
parameters and seeds. Each transform writes one file and returns its path.

Copies are saved losslessly (PNG) unless the transform itself is an
encoding (JPEG, WebP) or a phone-style JPEG, so each family measures its
own edit and the CLI decodes exactly the pixels the oracle sees."""

import io
import zlib

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont


def _save_png(img, path):
    img.save(path, format="PNG", compress_level=1)


def _seed(name, ident):
    return zlib.crc32(f"{name}/{ident}".encode())


def _resize(img, factor):
    w, h = img.size
    return img.resize((max(1, round(w * factor)), max(1, round(h * factor))), Image.LANCZOS)


def _crop(img, left, top, right, bottom):
    w, h = img.size
    return img.crop((round(w * left), round(h * top), w - round(w * right), h - round(h * bottom)))


def _gamma(img, g):
    lut = [round(255 * (i / 255) ** g) for i in range(256)]
    return img.point(lut * 3)


def _noise(img, sigma, seed):
    rng = np.random.default_rng(seed)
    a = np.asarray(img).astype(np.float32)
    a = a + rng.normal(0, sigma, a.shape)
    return Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8))


def _font(size):
    return ImageFont.load_default(size=size)


def _caption(img):
    out = img.copy()
    w, h = out.size
    d = ImageDraw.Draw(out)
    bar = max(12, h // 8)
    d.rectangle((0, h - bar, w, h), fill=(0, 0, 0))
    d.text((w // 40, h - bar + bar // 6), "when you see it, you'll know #tbt", fill=(255, 255, 255),
           font=_font(max(8, bar * 2 // 3)))
    return out


def _logo(img):
    out = img.copy()
    w, h = out.size
    s = max(8, min(w, h) // 5)
    x0, y0 = w - s - w // 30, h // 30
    d = ImageDraw.Draw(out)
    d.ellipse((x0, y0, x0 + s, y0 + s), fill=(230, 40, 40), outline=(255, 255, 255), width=max(1, s // 12))
    d.text((x0 + s // 4, y0 + s // 4), "LOGO", fill=(255, 255, 255), font=_font(max(6, s // 4)))
    return out


def _border(img, frac, colour=(255, 255, 255)):
    w, h = img.size
    b = max(1, round(max(w, h) * frac))
    out = Image.new("RGB", (w + 2 * b, h + 2 * b), colour)
    out.paste(img, (b, b))
    return out


def _letterbox(img):
    """Pads to a square with black bars (a landscape photo in a square post)."""
    w, h = img.size
    s = max(w, h)
    out = Image.new("RGB", (s, s), (0, 0, 0))
    out.paste(img, ((s - w) // 2, (s - h) // 2))
    return out


def _band(img, frac, side, colour, ink, text):
    """Adds a band of `frac` of the height (top/bottom) or width (left/right)
    beside the picture, in `colour`, with `text` in `ink` (a meme caption or
    a side panel): the picture is whole, it only moved."""
    w, h = img.size
    b = max(8, round((h if side in ("top", "bottom") else w) * frac))
    size = (w, h + b) if side in ("top", "bottom") else (w + b, h)
    out = Image.new("RGB", size, colour)
    at = {"top": (0, b), "left": (b, 0)}.get(side, (0, 0))
    out.paste(img, at)
    d = ImageDraw.Draw(out)
    if side in ("top", "bottom"):
        y0 = 0 if side == "top" else h
        d.text((w // 30, y0 + b // 5), text, fill=ink, font=_font(max(8, b * 11 // 20)))
    else:
        x0 = 0 if side == "left" else w
        font = _font(max(8, b // 7))
        for i, line in enumerate(text.split()):
            d.text((x0 + b // 10, h // 10 + i * b // 4), line, fill=ink, font=font)
    return out


def _cover(img, size):
    """`img` scaled (Lanczos) to cover `size`, centred and cut to it."""
    w, h = img.size
    s = max(size[0] / w, size[1] / h)
    big = img.resize((max(size[0], round(w * s)), max(size[1], round(h * s))), Image.LANCZOS)
    left, top = (big.width - size[0]) // 2, (big.height - size[1]) // 2
    return big.crop((left, top, left + size[0], top + size[1]))


def _fit(img, aspect_w, aspect_h, fill):
    """Fits the picture into the smallest canvas of the given aspect that
    holds it, centred, with `fill(size)` behind (what apps do for a feed)."""
    w, h = img.size
    cw = max(w, -(-h * aspect_w // aspect_h))
    ch = max(h, -(-cw * aspect_h // aspect_w))
    out = fill((cw, ch))
    out.paste(img, ((cw - w) // 2, (ch - h) // 2))
    return out


def _blurred_copy(img):
    return lambda size: ImageEnhance.Brightness(
        _cover(img, size).filter(ImageFilter.GaussianBlur(max(size) / 40))).enhance(0.85)


def _frame(img, frac, fill):
    """A frame of `frac` of each side around the picture, filled by `fill(size)`."""
    w, h = img.size
    bx, by = max(2, round(w * frac)), max(2, round(h * frac))
    out = fill((w + 2 * bx, h + 2 * by))
    out.paste(img, (bx, by))
    return out


def _noise_fill(seed):
    def fill(size):
        rng = np.random.default_rng(seed)
        return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    return fill


def _gradient_fill(size):
    w, h = size
    t = (np.arange(w)[None, :] / max(1, w - 1) + np.arange(h)[:, None] / max(1, h - 1)) / 2
    a, b = np.array([40, 70, 190]), np.array([250, 140, 60])
    return Image.fromarray(np.rint(a + (b - a) * t[..., None]).astype(np.uint8))


def _exif_phone(img, path):
    """Pixels stored as the sensor saw them (turned 90 degrees), with EXIF
    Orientation 6 so that viewers show the picture upright: what phones write."""
    stored = img.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(path, format="JPEG", quality=92, exif=exif.tobytes())


def _jpeg(img, path, q):
    img.save(path, format="JPEG", quality=q)


def _tilt(img, degrees, fill):
    """Turned counter-clockwise by `degrees` on a canvas expanded to fit, the
    corners filled with one colour (what an editor's rotate tool makes)."""
    return img.rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor=fill)


def screenshot_box(kind, size):
    """The rectangle the `kind` screenshot gives a picture of `size`."""
    w, h = size
    if kind == "phone":
        sw, sh, top, avail_w, avail_h = 1080, 1920, 250, 1080, round(1920 * 0.6)
        left0 = 0
    else:
        sw, sh, top, avail_w, avail_h = 1920, 1080, 140, 1920 - 320 - 120, 620
        left0 = 320 + 60
    scale = min(avail_w / w, avail_h / h)
    pw, ph = round(w * scale), round(h * scale)
    left = left0 + (avail_w - pw) // 2
    return left, top, left + pw, top + ph, sw, sh


def _text_lines(d, x, y, width, n, seed, size, fill):
    rng = np.random.default_rng(seed)
    words = ("the", "photo", "shared", "today", "look", "at", "this", "amazing", "view", "from", "our", "trip",
             "love", "it", "so", "much", "weekend", "friends", "new", "post")
    for i in range(n):
        line = " ".join(words[j] for j in rng.integers(0, len(words), size=int(rng.integers(3, 9))))
        d.text((x, y + i * size * 2), line, fill=fill, font=_font(size))


def _screenshot(img, kind, ident):
    """The picture inside a synthetic app screen: a phone (9:16, status bar,
    app bar, caption text, buttons, tab bar) or a desktop window (16:9,
    title bar, toolbar, sidebar, heading and text)."""
    left, top, right, bottom, sw, sh = screenshot_box(kind, img.size)
    seed = _seed(kind, ident)
    if kind == "phone":
        out = Image.new("RGB", (sw, sh), (250, 250, 250))
        d = ImageDraw.Draw(out)
        d.rectangle((0, 0, sw, 70), fill=(20, 20, 24))
        d.text((40, 14), "9:41", fill=(255, 255, 255), font=_font(36))
        for i in range(3):
            d.rectangle((sw - 160 + i * 44, 22, sw - 130 + i * 44, 48), fill=(255, 255, 255))
        d.rectangle((0, 70, sw, 230), fill=(255, 255, 255))
        d.line((0, 230, sw, 230), fill=(219, 219, 219), width=2)
        d.ellipse((30, 110, 110, 190), fill=(180, 120, 200))
        d.text((130, 125), "traveller_2026", fill=(30, 30, 30), font=_font(40))
        out.paste(img.resize((right - left, bottom - top), Image.LANCZOS), (left, top))
        y = bottom + 30
        for i in range(4):
            d.ellipse((40 + i * 110, y, 110 + i * 110, y + 70), outline=(40, 40, 40), width=5)
        y += 110
        _text_lines(d, 40, y, sw - 80, 4, seed, 34, (40, 40, 40))
        d.rounded_rectangle((40, sh - 330, sw - 40, sh - 230), radius=24, fill=(0, 149, 246))
        d.text((sw // 2 - 90, sh - 305), "Follow", fill=(255, 255, 255), font=_font(44))
        d.rectangle((0, sh - 150, sw, sh), fill=(255, 255, 255))
        d.line((0, sh - 150, sw, sh - 150), fill=(219, 219, 219), width=2)
        for i in range(5):
            cx = sw * (2 * i + 1) // 10
            d.rectangle((cx - 30, sh - 105, cx + 30, sh - 45), outline=(30, 30, 30), width=5)
    else:
        out = Image.new("RGB", (sw, sh), (255, 255, 255))
        d = ImageDraw.Draw(out)
        d.rectangle((0, 0, sw, 40), fill=(222, 222, 226))
        for i, c in enumerate(((255, 95, 86), (255, 189, 46), (39, 201, 63))):
            d.ellipse((16 + i * 28, 12, 32 + i * 28, 28), fill=c)
        d.text((sw // 2 - 120, 8), "Photos - Album", fill=(60, 60, 60), font=_font(22))
        d.rectangle((0, 40, sw, 90), fill=(246, 246, 248))
        d.rounded_rectangle((sw - 420, 50, sw - 40, 80), radius=8, fill=(255, 255, 255), outline=(200, 200, 200))
        d.rectangle((0, 90, 320, sh), fill=(240, 240, 243))
        _text_lines(d, 24, 120, 280, 14, seed, 22, (50, 50, 60))
        d.text((380, 96), "Holiday pictures", fill=(20, 20, 20), font=_font(32))
        out.paste(img.resize((right - left, bottom - top), Image.LANCZOS), (left, top))
        _text_lines(d, 380, bottom + 30, sw - 500, 6, seed + 1, 24, (60, 60, 60))
    return out


# name -> (family, function(img, ident) -> Image, or (img, path, ident) writer, extension)
def _plain(fn):
    return lambda img, ident: fn(img)


TRANSFORMS = {}


def _add(family, name, ext="png", image=None, writer=None):
    TRANSFORMS[name] = (family, image, writer, ext)


_add("identity", "identical", image=_plain(lambda im: im))
for q in (90, 70, 50, 30):
    _add("re-encoding", f"jpeg{q}", "jpg", writer=lambda im, p, i, q=q: _jpeg(im, p, q))
_add("re-encoding", "webp80", "webp", writer=lambda im, p, i: im.save(p, format="WEBP", quality=80, method=4))
_add("re-encoding", "png", image=_plain(lambda im: im.copy()))
_add("resizing", "resize2x", image=_plain(lambda im: _resize(im, 2.0)))
_add("resizing", "resize0.75", image=_plain(lambda im: _resize(im, 0.75)))
_add("resizing", "resize0.5", image=_plain(lambda im: _resize(im, 0.5)))
_add("resizing", "resize0.25", image=_plain(lambda im: _resize(im, 0.25)))
_add("resizing", "thumb256", image=_plain(lambda im: _resize(im, 256 / max(im.size))))
for c in (1, 3, 5, 10):
    f = c / 100
    _add("cropping", f"crop{c}", image=_plain(lambda im, f=f: _crop(im, f, f, f, f)))
_add("cropping", "crop-asym", image=_plain(lambda im: _crop(im, 0.10, 0.02, 0.0, 0.08)))
_add("rotation", "rot90", image=_plain(lambda im: im.transpose(Image.Transpose.ROTATE_90)))
_add("rotation", "rot180", image=_plain(lambda im: im.transpose(Image.Transpose.ROTATE_180)))
_add("rotation", "rot270", image=_plain(lambda im: im.transpose(Image.Transpose.ROTATE_270)))
_add("rotation", "mirror", image=_plain(lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
_add("rotation", "exif-phone", "jpg", writer=lambda im, p, i: _exif_phone(im, p))
_add("colour", "bright+20", image=_plain(lambda im: ImageEnhance.Brightness(im).enhance(1.2)))
_add("colour", "bright-20", image=_plain(lambda im: ImageEnhance.Brightness(im).enhance(0.8)))
_add("colour", "contrast+20", image=_plain(lambda im: ImageEnhance.Contrast(im).enhance(1.2)))
_add("colour", "contrast-20", image=_plain(lambda im: ImageEnhance.Contrast(im).enhance(0.8)))
_add("colour", "gamma0.7", image=_plain(lambda im: _gamma(im, 0.7)))
_add("colour", "gamma1.4", image=_plain(lambda im: _gamma(im, 1.4)))
_add("colour", "saturation+50", image=_plain(lambda im: ImageEnhance.Color(im).enhance(1.5)))
_add("colour", "greyscale", image=_plain(lambda im: im.convert("L").convert("RGB")))
_add("filtering", "blur2", image=_plain(lambda im: im.filter(ImageFilter.GaussianBlur(2))))
_add("filtering", "sharpen", image=_plain(lambda im: im.filter(ImageFilter.UnsharpMask(2, 150, 3))))
_add("filtering", "noise8", image=lambda im, i: _noise(im, 8, _seed("noise8", i)))
_add("overlays", "caption", image=_plain(_caption))
_add("overlays", "logo", image=_plain(_logo))
_add("overlays", "border5", image=_plain(lambda im: _border(im, 0.05)))
_add("overlays", "letterbox", image=_plain(_letterbox))
_add("combined", "jpeg70+resize0.5", "jpg", writer=lambda im, p, i: _jpeg(_resize(im, 0.5), p, 70))
_add("combined", "crop5+jpeg70", "jpg", writer=lambda im, p, i: _jpeg(_crop(im, .05, .05, .05, .05), p, 70))
_add("combined", "mirror+jpeg70", "jpg",
     writer=lambda im, p, i: _jpeg(im.transpose(Image.Transpose.FLIP_LEFT_RIGHT), p, 70))
_add("combined", "caption+resize0.5", image=_plain(lambda im: _resize(_caption(im), 0.5)))
_add("combined", "bright+20+crop3", image=_plain(
    lambda im: _crop(ImageEnhance.Brightness(im).enhance(1.2), .03, .03, .03, .03)))
_add("combined", "letterbox+thumb256", image=_plain(lambda im: _resize(_letterbox(im), 256 / max(im.size))))
_add("combined", "rot90+resize0.5", image=_plain(
    lambda im: _resize(im.transpose(Image.Transpose.ROTATE_90), 0.5)))

_add("bands", "band-top12", image=_plain(
    lambda im: _band(im, 0.12, "top", (255, 255, 255), (200, 20, 20), "me explaining this to my cat")))
_add("bands", "band-bottom15", image=_plain(
    lambda im: _band(im, 0.15, "bottom", (250, 215, 0), (20, 40, 160), "nobody: / absolutely nobody:")))
_add("bands", "band-side20", image=_plain(
    lambda im: _band(im, 0.20, "right", (30, 30, 60), (240, 200, 90), "posted by user 2h ago reply share")))
_add("bands", "band-top12+jpeg85", "jpg", writer=lambda im, p, i: _jpeg(
    _band(im, 0.12, "top", (255, 255, 255), (200, 20, 20), "me explaining this to my cat"), p, 85))
_add("frames", "frame-blur-square", image=_plain(lambda im: _fit(im, 1, 1, _blurred_copy(im))))
_add("frames", "frame-blur-9x16", image=_plain(lambda im: _fit(im, 9, 16, _blurred_copy(im))))
_add("frames", "frame-noise6", image=lambda im, i: _frame(im, 0.06, _noise_fill(_seed("frame-noise6", i))))
_add("frames", "frame-noise12", image=lambda im, i: _frame(im, 0.12, _noise_fill(_seed("frame-noise12", i))))
_add("frames", "frame-gradient8", image=_plain(lambda im: _frame(im, 0.08, _gradient_fill)))

# Where the picture lies in each copy of these families, from the master's
# size: (left, top, width, height), the same arithmetic as the generators.
def _band_box(frac, side):
    def box(w, h):
        b = max(8, round((h if side in ("top", "bottom") else w) * frac))
        return (0, b, w, h) if side == "top" else (b, 0, w, h) if side == "left" else (0, 0, w, h)
    return box


def _fit_box(aspect_w, aspect_h):
    def box(w, h):
        cw = max(w, -(-h * aspect_w // aspect_h))
        ch = max(h, -(-cw * aspect_h // aspect_w))
        return ((cw - w) // 2, (ch - h) // 2, w, h)
    return box


def _screenshot_picture(kind):
    def box(w, h):
        left, top, right, bottom, _, _ = screenshot_box(kind, (w, h))
        return (left, top, right - left, bottom - top)
    return box


def _frame_box(frac):
    return lambda w, h: (max(2, round(w * frac)), max(2, round(h * frac)), w, h)


GEOMETRY = {
    "band-top12": _band_box(0.12, "top"), "band-bottom15": _band_box(0.15, "bottom"),
    "band-side20": _band_box(0.20, "right"), "band-top12+jpeg85": _band_box(0.12, "top"),
    "frame-blur-square": _fit_box(1, 1), "frame-blur-9x16": _fit_box(9, 16),
    "frame-noise6": _frame_box(0.06), "frame-noise12": _frame_box(0.12), "frame-gradient8": _frame_box(0.08),
}
# The angle each small-rotation copy is turned by, degrees counter-clockwise.
TILT = {}
for _deg, _fill in ((3, (255, 255, 255)), (7, (0, 0, 0)), (10, (214, 222, 230)), (-5, (0, 0, 0))):
    _add("small-rotation", f"tilt{_deg}", image=_plain(lambda im, d=_deg, f=_fill: _tilt(im, d, f)))
    TILT[f"tilt{_deg}"] = _deg
for _kind in ("phone", "desktop"):
    _add("screenshots", f"{_kind}-screenshot", image=lambda im, i, k=_kind: _screenshot(im, k, i))
    GEOMETRY[f"{_kind}-screenshot"] = _screenshot_picture(_kind)

FAMILIES = []
for _fam, *_ in TRANSFORMS.values():
    if _fam not in FAMILIES:
        FAMILIES.append(_fam)


def apply(name, master_path, out_path, ident):
    """Writes the transform `name` of the master at `master_path` to `out_path`."""
    family, image, writer, ext = TRANSFORMS[name]
    with Image.open(master_path) as im:
        img = im.convert("RGB")
    if writer is not None:
        writer(img, out_path, ident)
    else:
        _save_png(image(img, ident), out_path)


def extension(name):
    return TRANSFORMS[name][3]
