//! Untrusted JPEG bytes through the fast path's reduced decode: the
//! project's own baseline decoder, or jpeg-decoder's scaled decode where it
//! declines. The first byte picks 1/4 or 1/8 scale, the rest is the file,
//! decoded whatever its size (screening reduces only sides of 2048 and up,
//! too slow to fuzz). Nothing may panic, hang or allocate beyond the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prescreen::fuzzing::decode_jpeg_scaled;
use prescreen::Limits;

fuzz_target!(|data: &[u8]| {
    let Some((&first, jpeg)) = data.split_first() else { return };
    let reduction: u32 = if first & 1 == 0 { 4 } else { 8 };
    let limits = Limits::default().with_max_pixels(1 << 22).with_max_alloc(32 << 20);
    let Ok(Some(pixels)) = decode_jpeg_scaled(jpeg, &limits, reduction) else { return };
    let (w, h) = (u64::from(pixels.width()), u64::from(pixels.height()));
    let most = limits.max_pixels.div_ceil(u64::from(reduction * reduction));
    assert!(w * h <= most + w + h, "{w}x{h} is over the limit at 1/{reduction}");
    assert_eq!(pixels.view().data().len() as u64, w * h * pixels.layout().bytes_per_pixel() as u64);
});
