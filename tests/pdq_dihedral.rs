//! The eight dihedral variants: `hash_turned` must equal `hash` of the
//! physically turned pixels, and the reference's DCT-derived variants must
//! land near them (which pins down that both name the same turns).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use prescreen::pdq::{self, Dihedral};
use prescreen::{decode, Layout, Limits, PixelView, Pixels};

fn load(bytes: &[u8]) -> Pixels {
    decode(bytes, &Limits::default()).expect("fixture decodes").pixels
}

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/images/", $name))
    };
}

/// An owned image: width, height, bytes per pixel, data.
struct Image {
    w: usize,
    h: usize,
    bpp: usize,
    data: Vec<u8>,
}

impl Image {
    fn of(p: &Pixels) -> Image {
        let view = p.view();
        let bpp = view.layout().bytes_per_pixel();
        Image { w: view.width() as usize, h: view.height() as usize, bpp, data: view.data().to_vec() }
    }

    fn view(&self) -> PixelView<'_> {
        let layout = [Layout::Grey8, Layout::Grey8, Layout::Rgb8, Layout::Rgba8][self.bpp - 1];
        PixelView::new(self.w as u32, self.h as u32, layout, &self.data).unwrap()
    }

    /// A new `w` x `h` image whose pixel (x, y) is this image's `pick(x, y)`.
    fn remap(&self, w: usize, h: usize, pick: impl Fn(usize, usize) -> (usize, usize)) -> Image {
        let mut data = Vec::with_capacity(self.data.len());
        for y in 0..h {
            for x in 0..w {
                let (sx, sy) = pick(x, y);
                let at = (sy * self.w + sx) * self.bpp;
                data.extend_from_slice(&self.data[at..at + self.bpp]);
            }
        }
        Image { w, h, bpp: self.bpp, data }
    }

    /// Rotated 90 degrees counter-clockwise: the right column becomes the top row.
    fn rotate_ccw(&self) -> Image {
        self.remap(self.h, self.w, |x, y| (self.w - 1 - y, x))
    }

    /// Mirrored left-right.
    fn mirror(&self) -> Image {
        self.remap(self.w, self.h, |x, y| (self.w - 1 - x, y))
    }

    /// This image turned by `d`, built from the two primitives above.
    fn turned(&self, d: Dihedral) -> Image {
        let r = |img: &Image, n: usize| (0..n).fold(img.remap(img.w, img.h, |x, y| (x, y)), |a, _| a.rotate_ccw());
        match d {
            Dihedral::Original => r(self, 0),
            Dihedral::Rotate90 => r(self, 1),
            Dihedral::Rotate180 => r(self, 2),
            Dihedral::Rotate270 => r(self, 3),
            Dihedral::FlipY => self.mirror(),
            Dihedral::FlipX => r(&self.mirror(), 2), // top-bottom = left-right then 180
            Dihedral::FlipPlus1 => r(&self.mirror(), 1), // transpose = mirror then rotate ccw
            Dihedral::FlipMinus1 => r(&self.mirror(), 3),
        }
    }
}

fn cases() -> Vec<(&'static str, Image)> {
    vec![
        ("coffee.png 600x400", Image::of(&load(fixture!("coffee.png")))),
        ("chelsea.png 451x300", Image::of(&load(fixture!("chelsea.png")))),
        ("camera.png 512x512 grey", Image::of(&load(fixture!("camera.png")))),
        ("g-2000x7.png", Image::of(&load(fixture!("g-2000x7.png")))),
        ("g-3x600.png", Image::of(&load(fixture!("g-3x600.png")))),
        ("g-64x64.png", Image::of(&load(fixture!("g-64x64.png")))),
        ("g-rgba-300x300.png", Image::of(&load(fixture!("g-rgba-300x300.png")))),
    ]
}

#[test]
fn turned_variants_equal_hashes_of_turned_pixels() {
    for (name, img) in cases() {
        let turned = pdq::hash_turned(img.view());
        for (k, d) in Dihedral::ALL.into_iter().enumerate() {
            let direct = pdq::hash(img.turned(d).view());
            assert_eq!(turned[k], direct, "{name} {}", d.name());
        }
    }
}

#[test]
fn derived_variants_land_near_the_turned_ones() {
    // Photos only: the 12-bit-ish asymmetry of the pre-resize and blur is
    // small against the ~128 bits that separate different turns.
    for (name, img) in cases().into_iter().take(3) {
        let (_, derived) = pdq::hash_dihedral(img.view());
        let turned = pdq::hash_turned(img.view());
        let row: Vec<u32> = (0..8).map(|k| derived[k].distance(&turned[k].hash)).collect();
        println!("{name}: derived vs turned distance per variant {row:?}");
        for k in 0..8 {
            assert!(row[k] <= 31, "{name} {}: {} bits", Dihedral::ALL[k].name(), row[k]);
            for other in (0..8).filter(|&o| o != k) {
                let far = derived[k].distance(&turned[other].hash);
                assert!(
                    far > 64,
                    "{name}: derived {} is {far} bits from turned {}",
                    Dihedral::ALL[k].name(),
                    Dihedral::ALL[other].name()
                );
            }
        }
    }
}

#[test]
fn hash_of_rgba_ignores_alpha() {
    let img = Image::of(&load(fixture!("chelsea.png")));
    let rgba: Vec<u8> = img.data.chunks_exact(3).enumerate().flat_map(|(k, p)| [p[0], p[1], p[2], k as u8]).collect();
    let view = PixelView::new(img.w as u32, img.h as u32, Layout::Rgba8, &rgba).unwrap();
    assert_eq!(pdq::hash(view), pdq::hash(img.view()));
}

#[test]
fn empty_and_tiny_images_give_the_zero_hash() {
    for (w, h) in [(0, 0), (0, 900), (900, 0), (4, 4), (4, 512)] {
        let data = vec![9u8; w * h];
        let view = PixelView::new(w as u32, h as u32, Layout::Grey8, &data).unwrap();
        let got = pdq::hash(view);
        assert_eq!((got.hash, got.quality), (pdq::PdqHash::ZERO, 0), "{w}x{h}");
        assert!(pdq::hash_turned(view).iter().all(|p| p.hash == pdq::PdqHash::ZERO));
        assert_eq!(pdq::hash_dihedral(view).1, [pdq::PdqHash::ZERO; 8]);
    }
}

#[test]
fn a_mirrored_or_rotated_copy_matches_its_original() {
    // The upload is the listed photo turned; the listed hash is the original's.
    for (name, img) in cases().into_iter().take(3) {
        let listed = pdq::hash(img.view()).hash;
        for d in [Dihedral::FlipY, Dihedral::Rotate90] {
            let upload = img.turned(d);
            let turned_best = pdq::hash_turned(upload.view()).iter().map(|p| p.hash.distance(&listed)).min();
            let derived_best = pdq::hash_dihedral(upload.view()).1.iter().map(|h| h.distance(&listed)).min();
            println!("{name} turned by {}: best turned variant {turned_best:?} bits, best derived variant {derived_best:?} bits", d.name());
            assert_eq!(turned_best, Some(0), "{name} {}", d.name());
            assert!(derived_best.is_some_and(|b| b <= 31), "{name} {}", d.name());
        }
    }
}
