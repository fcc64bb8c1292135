//! Four f32 lanes, each an independent scalar: lane `k` of `a + b` is
//! exactly `a[k] + b[k]` in f32 (likewise `-`, `*`, `/`), so code that keeps
//! one accumulator per lane gets the scalar results bit for bit.
//!
//! Explicit intrinsics, because LLVM does not vectorise the portable form
//! where it matters: the browser build is optimised for size (opt-level
//! "z", with LTO), at which LLVM runs no loop or SLP vectoriser at all. So:
//! a wasm `v128` with `simd128`, an SSE `__m128` on x86_64 (SSE is part of
//! x86_64), and four plain scalars anywhere else, including wasm32 without
//! `simd128`.
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
        f32x4_add as add, f32x4_div as div, f32x4_mul as mul, f32x4_splat as splat, f32x4_sub as sub,
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
}

/// Anywhere else (and wasm32 without `simd128`): four scalars.
#[cfg(not(any(all(target_arch = "wasm32", target_feature = "simd128"), target_arch = "x86_64")))]
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

    /// Lanes `s[at]`, `s[at + stride]`, `s[at + 2 * stride]`, `s[at + 3 * stride]`.
    #[inline(always)]
    pub(crate) fn gather(s: &[f32], at: usize, stride: usize) -> F32x4 {
        let v = [s[at], s[at + stride], s[at + 2 * stride], s[at + 3 * stride]];
        F32x4::load(&v, 0)
    }

    /// Writes the lanes to `s[at]`, `s[at + stride]`, ... (as [`Self::gather`] reads).
    #[inline(always)]
    pub(crate) fn scatter(self, s: &mut [f32], at: usize, stride: usize) {
        let mut v = [0f32; LANES];
        self.store(&mut v, 0);
        s[at] = v[0];
        s[at + stride] = v[1];
        s[at + 2 * stride] = v[2];
        s[at + 3 * stride] = v[3];
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

/// One sample of a box filter: a single f32, or four in [`F32x4`] lanes
/// that lie `stride` apart (the same column of four rows).
pub(crate) trait Lane: Copy + Add<Output = Self> + Sub<Output = Self> + Div<Output = Self> {
    /// Every lane `x`.
    fn splat(x: f32) -> Self;
    /// The sample at `s[at]` (lanes `stride` apart); panics when out of range.
    fn load(s: &[f32], at: usize, stride: usize) -> Self;
    /// Writes the sample where [`Lane::load`] reads it; panics when out of range.
    fn store(self, s: &mut [f32], at: usize, stride: usize);
}

impl Lane for F32x4 {
    #[inline(always)]
    fn splat(x: f32) -> Self {
        F32x4::splat(x)
    }
    #[inline(always)]
    fn load(s: &[f32], at: usize, stride: usize) -> Self {
        F32x4::gather(s, at, stride)
    }
    #[inline(always)]
    fn store(self, s: &mut [f32], at: usize, stride: usize) {
        self.scatter(s, at, stride)
    }
}

impl Lane for f32 {
    #[inline(always)]
    fn splat(x: f32) -> Self {
        x
    }
    #[inline(always)]
    fn load(s: &[f32], at: usize, _stride: usize) -> Self {
        s[at]
    }
    #[inline(always)]
    fn store(self, s: &mut [f32], at: usize, _stride: usize) {
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
        let ops: [(F32x4, Op); 4] =
            [(va + vb, |x, y| x + y), (va - vb, |x, y| x - y), (va * vb, |x, y| x * y), (va / vb, |x, y| x / y)];
        for (got, op) in ops {
            let want: Vec<u32> = (0..4).map(|k| op(a[k], b[k]).to_bits()).collect();
            assert_eq!(lanes(got).map(f32::to_bits).to_vec(), want);
        }
        assert_eq!(lanes(F32x4::splat(2.5)), [2.5; 4]);
    }

    #[test]
    fn gather_and_scatter_use_the_stride() {
        let values: Vec<f32> = (0..12).map(|k| k as f32).collect();
        let v = F32x4::gather(&values, 1, 3);
        assert_eq!(lanes(v), [1.0, 4.0, 7.0, 10.0]);
        let mut out = vec![0f32; 12];
        v.scatter(&mut out, 2, 3);
        assert_eq!(out, [0., 0., 1., 0., 0., 4., 0., 0., 7., 0., 0., 10.]);
    }
}
