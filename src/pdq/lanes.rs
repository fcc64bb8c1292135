//! Four f32 lanes, each an independent scalar: lane `k` of `a + b` is
//! exactly `a[k] + b[k]` in f32 (likewise `-`, `*`, `/`), so code that keeps
//! one accumulator per lane gets the scalar results bit for bit.
//!
//! Explicit intrinsics, because LLVM did not vectorise the portable form
//! where it matters: the browser build is optimised for size (opt-level
//! "z", with LTO), at which LLVM runs no vectoriser at all, and natively it
//! left the 4x4 transposes as 32 scalar moves. So: a wasm `v128` with
//! `simd128`, an SSE `__m128` on x86_64 (SSE is part of x86_64), and four
//! plain scalars anywhere else, including wasm32 without `simd128`.
//!
//! At opt-level "z" LLVM does not inline range indexing (`&s[k..]`) or
//! iterator adapters such as `step_by` either, so the hot loops that use
//! these lanes count with plain `while` loops and load by (slice, index).

use std::ops::{Add, Div, Mul, Sub};

/// Number of lanes.
pub(crate) const LANES: usize = 4;

/// The platform's four-lane vector and its operations, each lane by lane.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod raw {
    use core::arch::wasm32::*;
    pub(super) type V = v128;
    pub(super) use core::arch::wasm32::{
        f32x4_add as add, f32x4_div as div, f32x4_mul as mul, f32x4_splat as splat,
        f32x4_sub as sub,
    };
    /// SAFETY: `p` must point to 4 readable f32 (no alignment needed).
    #[inline(always)]
    pub(super) unsafe fn load(p: *const f32) -> V {
        v128_load(p.cast())
    }
    /// SAFETY: `p` must point to 4 writable f32 (no alignment needed).
    #[inline(always)]
    pub(super) unsafe fn store(p: *mut f32, v: V) {
        v128_store(p.cast(), v)
    }
    #[inline(always)]
    pub(super) fn transpose([a, b, c, d]: [V; 4]) -> [V; 4] {
        let ab_lo = i32x4_shuffle::<0, 4, 1, 5>(a, b); // a0 b0 a1 b1
        let ab_hi = i32x4_shuffle::<2, 6, 3, 7>(a, b); // a2 b2 a3 b3
        let cd_lo = i32x4_shuffle::<0, 4, 1, 5>(c, d);
        let cd_hi = i32x4_shuffle::<2, 6, 3, 7>(c, d);
        [
            i64x2_shuffle::<0, 2>(ab_lo, cd_lo),
            i64x2_shuffle::<1, 3>(ab_lo, cd_lo),
            i64x2_shuffle::<0, 2>(ab_hi, cd_hi),
            i64x2_shuffle::<1, 3>(ab_hi, cd_hi),
        ]
    }
}

/// SSE, which every x86_64 processor has: the intrinsics' one requirement
/// (the `sse` target feature) always holds, which makes the calls sound.
#[cfg(target_arch = "x86_64")]
mod raw {
    use std::arch::x86_64::*;
    pub(super) type V = __m128;
    macro_rules! sse {
        ($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty = $intrinsic:ident) => {
            #[inline(always)]
            pub(super) fn $name($($arg: $ty),*) -> $ret {
                // SAFETY: SSE is part of x86_64 (see the module doc).
                unsafe { $intrinsic($($arg),*) }
            }
        };
    }
    sse!(splat(x: f32) -> V = _mm_set1_ps);
    sse!(add(a: V, b: V) -> V = _mm_add_ps);
    sse!(sub(a: V, b: V) -> V = _mm_sub_ps);
    sse!(mul(a: V, b: V) -> V = _mm_mul_ps);
    sse!(div(a: V, b: V) -> V = _mm_div_ps);
    sse!(unpack_lo(a: V, b: V) -> V = _mm_unpacklo_ps);
    sse!(unpack_hi(a: V, b: V) -> V = _mm_unpackhi_ps);
    sse!(low_halves(a: V, b: V) -> V = _mm_movelh_ps);
    sse!(high_halves(b: V, a: V) -> V = _mm_movehl_ps);
    /// SAFETY: `p` must point to 4 readable f32 (no alignment needed).
    #[inline(always)]
    pub(super) unsafe fn load(p: *const f32) -> V {
        _mm_loadu_ps(p)
    }
    /// SAFETY: `p` must point to 4 writable f32 (no alignment needed).
    #[inline(always)]
    pub(super) unsafe fn store(p: *mut f32, v: V) {
        _mm_storeu_ps(p, v)
    }
    #[inline(always)]
    pub(super) fn transpose([a, b, c, d]: [V; 4]) -> [V; 4] {
        let ab_lo = unpack_lo(a, b); // a0 b0 a1 b1
        let ab_hi = unpack_hi(a, b); // a2 b2 a3 b3
        let cd_lo = unpack_lo(c, d);
        let cd_hi = unpack_hi(c, d);
        [
            low_halves(ab_lo, cd_lo),
            high_halves(cd_lo, ab_lo),
            low_halves(ab_hi, cd_hi),
            high_halves(cd_hi, ab_hi),
        ]
    }
}

/// Anywhere else (and wasm32 without `simd128`): four scalars.
#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
)))]
mod raw {
    pub(super) type V = [f32; 4];
    #[inline(always)]
    pub(super) fn splat(x: f32) -> V {
        [x; 4]
    }
    /// SAFETY: `p` must point to 4 readable f32.
    #[inline(always)]
    pub(super) unsafe fn load(p: *const f32) -> V {
        p.cast::<V>().read_unaligned()
    }
    /// SAFETY: `p` must point to 4 writable f32.
    #[inline(always)]
    pub(super) unsafe fn store(p: *mut f32, v: V) {
        p.cast::<V>().write_unaligned(v)
    }
    macro_rules! lanewise {
        ($name:ident, $op:tt) => {
            #[inline(always)]
            pub(super) fn $name(a: V, b: V) -> V {
                [a[0] $op b[0], a[1] $op b[1], a[2] $op b[2], a[3] $op b[3]]
            }
        };
    }
    lanewise!(add, +);
    lanewise!(sub, -);
    lanewise!(mul, *);
    lanewise!(div, /);
    #[inline(always)]
    pub(super) fn transpose([a, b, c, d]: [V; 4]) -> [V; 4] {
        [
            [a[0], b[0], c[0], d[0]],
            [a[1], b[1], c[1], d[1]],
            [a[2], b[2], c[2], d[2]],
            [a[3], b[3], c[3], d[3]],
        ]
    }
}

/// Four f32 lanes.
#[derive(Clone, Copy)]
pub(crate) struct F32x4(raw::V);

impl F32x4 {
    /// All four lanes `x`.
    #[inline(always)]
    pub(crate) fn splat(x: f32) -> F32x4 {
        F32x4(raw::splat(x))
    }

    /// `s[at..at + 4]`.
    ///
    /// # Panics
    /// When `s` is shorter than `at + 4`.
    #[inline(always)]
    pub(crate) fn load(s: &[f32], at: usize) -> F32x4 {
        assert!(at < s.len() && s.len() - at >= LANES);
        // SAFETY: checked just above: s[at..at + 4] is inside `s`.
        F32x4(unsafe { raw::load(s.as_ptr().add(at)) })
    }

    /// Writes the lanes to `s[at..at + 4]`.
    ///
    /// # Panics
    /// When `s` is shorter than `at + 4`.
    #[inline(always)]
    pub(crate) fn store(self, s: &mut [f32], at: usize) {
        assert!(at < s.len() && s.len() - at >= LANES);
        // SAFETY: checked just above: s[at..at + 4] is inside `s`.
        unsafe { raw::store(s.as_mut_ptr().add(at), self.0) }
    }

    /// The 4x4 transpose: lane `j` of output `i` is lane `i` of input `j`.
    #[inline(always)]
    pub(crate) fn transpose(m: [F32x4; 4]) -> [F32x4; 4] {
        // Destructured rather than `map`ped: the size build does not inline
        // `array::map`, and its copies through memory cost more than the shuffles.
        let [a, b, c, d] = m;
        let [a, b, c, d] = raw::transpose([a.0, b.0, c.0, d.0]);
        [F32x4(a), F32x4(b), F32x4(c), F32x4(d)]
    }
}

macro_rules! operator {
    ($trait:ident, $method:ident) => {
        impl $trait for F32x4 {
            type Output = F32x4;
            #[inline(always)]
            fn $method(self, rhs: F32x4) -> F32x4 {
                F32x4(raw::$method(self.0, rhs.0))
            }
        }
    };
}
operator!(Add, add);
operator!(Sub, sub);
operator!(Mul, mul);
operator!(Div, div);

/// What the blur and the DCT need from a lane group: loads, stores and the
/// four f32 operations, lane by lane. Implemented by [`F32x4`] and, for the
/// leftovers at the end of a row, by plain `f32` (one lane).
pub(crate) trait Lane:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self>
{
    /// Lanes per value.
    const WIDTH: usize;
    /// Every lane `x`.
    fn splat(x: f32) -> Self;
    /// `s[at..at + WIDTH]`; panics when `s` is too short.
    fn load(s: &[f32], at: usize) -> Self;
    /// Writes the lanes to `s[at..at + WIDTH]`; panics when `s` is too short.
    fn store(self, s: &mut [f32], at: usize);
}

impl Lane for F32x4 {
    const WIDTH: usize = LANES;
    #[inline(always)]
    fn splat(x: f32) -> Self {
        F32x4::splat(x)
    }
    #[inline(always)]
    fn load(s: &[f32], at: usize) -> Self {
        F32x4::load(s, at)
    }
    #[inline(always)]
    fn store(self, s: &mut [f32], at: usize) {
        F32x4::store(self, s, at)
    }
}

impl Lane for f32 {
    const WIDTH: usize = 1;
    #[inline(always)]
    fn splat(x: f32) -> Self {
        x
    }
    #[inline(always)]
    fn load(s: &[f32], at: usize) -> Self {
        s[at]
    }
    #[inline(always)]
    fn store(self, s: &mut [f32], at: usize) {
        s[at] = self;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn lanes(v: F32x4) -> [f32; 4] {
        let mut out = [0f32; 4];
        v.store(&mut out, 0);
        out
    }

    #[test]
    fn each_lane_is_the_scalar_operation() {
        // Values whose sums, products and quotients all round.
        let a = [0.1f32, 3.3e7, -7.77, 1.0 / 3.0];
        let b = [0.7f32, 1.1e-3, 255.0, 3.0];
        let (va, vb) = (F32x4::load(&a, 0), F32x4::load(&b, 0));
        type Op = fn(f32, f32) -> f32;
        let ops: [(F32x4, Op); 4] = [
            (va + vb, |x, y| x + y),
            (va - vb, |x, y| x - y),
            (va * vb, |x, y| x * y),
            (va / vb, |x, y| x / y),
        ];
        for (got, op) in ops {
            let want: Vec<u32> = (0..4).map(|k| op(a[k], b[k]).to_bits()).collect();
            assert_eq!(lanes(got).map(f32::to_bits).to_vec(), want);
        }
        assert_eq!(lanes(F32x4::splat(2.5)), [2.5; 4]);
    }

    #[test]
    fn transpose_swaps_lanes_and_rows() {
        let values: Vec<f32> = (0..16).map(|k| k as f32).collect();
        let m: [F32x4; 4] = std::array::from_fn(|i| F32x4::load(&values, i * 4));
        let t = F32x4::transpose(m).map(lanes);
        for (i, row) in t.iter().enumerate() {
            for (j, &x) in row.iter().enumerate() {
                assert_eq!(x, (j * 4 + i) as f32);
            }
        }
    }
}
