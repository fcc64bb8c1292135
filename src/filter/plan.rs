//! Choosing the PDQ chunking: chunk widths `w_i` and per-chunk probe radii
//! `s_i` (generalised pigeonhole: `Σ (s_i + 1) >= r + 1`), and the
//! fingerprint width that meets a false-match rate per screened file.

use core::cmp::Ordering;

use crate::error::{Error, Result};

use super::fuse::MAX_FINGERPRINT_BITS;
use crate::variants::MAX_DEFAULT_EXTRA_QUERIES;

/// Largest supported near-match radius.
pub const MAX_RADIUS: u8 = 32;
/// Largest number of chunks a file may declare.
pub(crate) const MAX_CHUNKS: u8 = 16;
/// Narrowest chunk the planner uses (narrow chunks collide by chance).
const MIN_PLANNED_WIDTH: u16 = 16;
/// Largest probe count per screened file (query speed); files declaring more are rejected.
pub(crate) const MAX_PROBES: u64 = 1 << 22;
/// Size target: plans within this factor of the lower bound qualify.
const SIZE_TARGET: f64 = 2.1;
/// Chance-collision target: plans whose chance-collision rate is below this
/// fraction of the section's rate qualify.
const CHANCE_SHARE: f64 = 0.1;
/// Slots per key of a large binary fuse filter, used to estimate sizes.
const FUSE_FACTOR: f64 = 1.075;
/// Radii in a plan take at most two values `p < q` with `q - p <=` this.
const MAX_RADIUS_SPREAD: u8 = 3;

/// Parameters of a PDQ near-match section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdqParams {
    /// Every hash within this Hamming distance of a listed hash matches.
    pub radius: u8,
    /// Number of chunks m the 256 bits are cut into.
    pub chunks: u8,
    /// Whether screening an image queries its eight dihedral variants.
    pub dihedral: bool,
    /// Probes per screened file: variants x sum over chunks of |Ball(w_i, s_i)|.
    pub probes_per_query: u64,
    widths: [u16; MAX_CHUNKS as usize],
    radii: [u8; MAX_CHUNKS as usize],
}

impl PdqParams {
    /// Parameters for chunks of `widths` probed at `radii` (same length, at
    /// most [`MAX_CHUNKS`]); None unless the widths cover 256 bits, every
    /// radius is at most its width and the pigeonhole guarantee
    /// `Σ (s_i + 1) >= radius + 1` holds.
    pub(crate) fn new(radius: u8, widths: &[u16], radii: &[u8], dihedral: bool) -> Option<Self> {
        let m = widths.len();
        let valid = (1..=MAX_CHUNKS as usize).contains(&m)
            && radii.len() == m
            && radius <= MAX_RADIUS
            && widths.iter().map(|&w| u32::from(w)).sum::<u32>() == 256
            && widths.iter().zip(radii).all(|(&w, &s)| w >= 1 && u16::from(s) <= w)
            && radii.iter().map(|&s| u32::from(s) + 1).sum::<u32>() > u32::from(radius);
        if !valid {
            return None;
        }
        let per_variant = widths.iter().zip(radii).fold(0u64, |sum, (&w, &s)| sum.saturating_add(ball(w, s)));
        let probes_per_query = per_variant.saturating_mul(if dihedral { 8 } else { 1 });
        let mut params = PdqParams {
            radius,
            chunks: m as u8,
            dihedral,
            probes_per_query,
            widths: [0; MAX_CHUNKS as usize],
            radii: [0; MAX_CHUNKS as usize],
        };
        params.widths[..m].copy_from_slice(widths);
        params.radii[..m].copy_from_slice(radii);
        Some(params)
    }

    /// The width in bits of each chunk, in bit order (chunk 0 starts at bit 0).
    pub fn widths(&self) -> &[u16] {
        &self.widths[..usize::from(self.chunks)]
    }

    /// The probe radius `s_i` of each chunk.
    pub fn chunk_radii(&self) -> &[u8] {
        &self.radii[..usize::from(self.chunks)]
    }

    /// Queries of the image as it is per screened file: 8 with dihedral
    /// matching, else 1.
    pub fn variants(&self) -> u64 {
        if self.dihedral {
            8
        } else {
            1
        }
    }

    /// Queries a screened file makes at most with the default extra
    /// preparations: [`variants`](Self::variants) plus one per extra image
    /// (trimmed, resampled, ...). The false-match rate is per file, so the
    /// fingerprints are sized for this many queries.
    pub fn queries_per_file(&self) -> u64 {
        self.variants() + MAX_DEFAULT_EXTRA_QUERIES
    }

    /// Probes per screened file with every query it makes at most
    /// ([`queries_per_file`](Self::queries_per_file) x Σ |Ball(w_i, s_i)|).
    pub fn probes_per_file(&self) -> u64 {
        (self.probes_per_query / self.variants()).saturating_mul(self.queries_per_file())
    }

    /// Expected rate of genuine chunk collisions per screened file for `listed`
    /// uniformly random hashes, `listed x queries x Σ |Ball(w_i, s_i)| / 2^w_i`:
    /// a query chunk within s_i bits of a listed chunk although the whole
    /// hashes are far apart (inherent to multi-index matching; real hashes
    /// are not uniform, so check on real data).
    pub fn chance_collision_rate(&self, listed: u64) -> f64 {
        (listed as f64 * self.queries_per_file() as f64 * chance_per_listed(self.widths(), self.chunk_radii())).min(1.0)
    }
}

/// Σ |Ball(w_i, s_i)| / 2^w_i: chance chunk collisions per listed hash and variant.
fn chance_per_listed(widths: &[u16], radii: &[u8]) -> f64 {
    widths.iter().zip(radii).map(|(&w, &s)| ball(w, s) as f64 * 2f64.powi(-i32::from(w))).sum()
}

/// |Ball(w, s)|: the number of w-bit values within Hamming distance s of one value (saturating).
pub fn ball(w: u16, s: u8) -> u64 {
    let mut total: u64 = 0;
    let mut term: u128 = 1; // C(w, k)
    for k in 0..=u128::from(s) {
        if k > u128::from(w) || total == u64::MAX {
            break; // (C(w, k-1) < 2^64, so the product below fits in 128 bits)
        }
        // C(w, k) = C(w, k-1) * (w - k + 1) / k; C(w, 0) stays 1.
        if let Some(next) = (term * (u128::from(w) + 1 - k)).checked_div(k) {
            term = next;
        }
        total = total.saturating_add(u64::try_from(term).unwrap_or(u64::MAX));
    }
    total
}

/// The smallest fingerprint width f with `probes * 2^-f <= rate`, if one of
/// at most 56 bits exists. Exact in IEEE arithmetic (scaling by powers of
/// two), so every platform agrees.
pub(crate) fn fingerprint_bits(probes: u64, rate: f64) -> Option<u8> {
    if !(rate > 0.0 && rate <= 1.0) {
        return None;
    }
    (1..=MAX_FINGERPRINT_BITS).find(|&f| (probes as f64) <= rate * 2f64.powi(i32::from(f)))
}

/// filter.md's lower bound in bits per listed hash for any structure:
/// `log2(Q * |Ball(256, r)|) + log2(1 / rate)`, `Q` queries per file.
pub(crate) fn lower_bound_bits(radius: u8, rate: f64, queries: u64) -> f64 {
    // |Ball(256, r)| overflows u64 beyond r ~ 12: sum the binomials in f64.
    let mut term = 1f64;
    let mut sum = 1f64;
    for k in 1..=u32::from(radius) {
        term = term * f64::from(256 - k + 1) / f64::from(k);
        sum += term;
    }
    (queries as f64 * sum).log2() - rate.log2()
}

/// One evaluated plan.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    params: PdqParams,
    f: u8,
    /// Fingerprint bits per listed hash, `m * f` (the file holds about 1.075 times this).
    size: u32,
    chance: f64,
}

/// Chooses the chunking for radius `radius`, per-file false-match `rate` of
/// this section and `listed` distinct hashes.
///
/// Candidates: m = 1..=min(r + 1, 16) chunks of at least 16 bits; radii with
/// `Σ s_i = r + 1 - m` taking at most two values p < q <= p + 3 (chunks with
/// radius p first); within each radius group widths as equal as possible,
/// every split of the 256 bits between the two groups; f from the probe
/// count. A plan qualifies when its estimated size `m * f * 1.075` is at
/// most 2.1 times the lower bound and its chance-collision rate for `listed`
/// uniformly random hashes is below a tenth of `rate`. Among qualifying plans
/// the one with the fewest probes wins (ties: smaller, then fewer chance
/// collisions). When none qualifies (large radii over large lists), the plan
/// within the size target with the fewest chance collisions (ties: fewer
/// probes, then smaller); when no plan meets the size target, the smallest
/// (ties: fewer chance collisions, then fewer probes). Deterministic; a few
/// hundred thousand binomial sums at most.
pub(crate) fn plan(radius: u8, rate: f64, dihedral: bool, listed: u64) -> Result<(PdqParams, u8)> {
    if radius > MAX_RADIUS {
        return Err(Error::InvalidArgument(format!("radius {radius} exceeds the maximum {MAX_RADIUS}")));
    }
    let queries = if dihedral { 8 } else { 1 } + MAX_DEFAULT_EXTRA_QUERIES;
    let size_limit = SIZE_TARGET * lower_bound_bits(radius, rate, queries);
    let chance_limit = CHANCE_SHARE * rate;
    let mut qualified: Option<Candidate> = None;
    let mut least_chance: Option<Candidate> = None;
    let mut smallest: Option<Candidate> = None;
    let max_chunks = (u16::from(radius) + 1).min(u16::from(MAX_CHUNKS)).min(256 / MIN_PLANNED_WIDTH) as u8;
    for m in 1..=max_chunks {
        let spare = radius + 1 - m; // Σ s_i
        for (a, p, q) in radius_patterns(m, spare) {
            for group_a_bits in group_splits(m, a) {
                let (widths, radii) = layout(m, a, p, q, group_a_bits);
                let Some(params) = PdqParams::new(radius, &widths, &radii, dihedral) else { continue };
                if params.probes_per_query > MAX_PROBES {
                    continue;
                }
                let Some(f) = fingerprint_bits(params.probes_per_file(), rate) else { continue };
                let c = Candidate {
                    params,
                    f,
                    size: u32::from(m) * u32::from(f),
                    chance: params.chance_collision_rate(listed),
                };
                let small_enough = f64::from(c.size) * FUSE_FACTOR <= size_limit;
                if small_enough
                    && c.chance < chance_limit
                    && qualified.as_ref().is_none_or(|b| by_probes(&c, b).is_lt())
                {
                    qualified = Some(c);
                }
                if small_enough && least_chance.as_ref().is_none_or(|b| by_chance(&c, b).is_lt()) {
                    least_chance = Some(c);
                }
                if smallest.as_ref().is_none_or(|b| by_size(&c, b).is_lt()) {
                    smallest = Some(c);
                }
            }
        }
    }
    qualified
        .or(least_chance)
        .or(smallest)
        .map(|c| (c.params, c.f))
        .ok_or_else(|| Error::InvalidArgument(format!("false-positive rate {rate} is out of reach at radius {radius}")))
}

/// Fewest probes, then smallest, then fewest chance collisions.
fn by_probes(a: &Candidate, b: &Candidate) -> Ordering {
    let probes = a.params.probes_per_query.cmp(&b.params.probes_per_query);
    probes.then(a.size.cmp(&b.size)).then(a.chance.total_cmp(&b.chance))
}

/// Fewest chance collisions, then fewest probes, then smallest.
fn by_chance(a: &Candidate, b: &Candidate) -> Ordering {
    let chance = a.chance.total_cmp(&b.chance).then(a.params.probes_per_query.cmp(&b.params.probes_per_query));
    chance.then(a.size.cmp(&b.size))
}

/// Smallest, then fewest chance collisions, then fewest probes.
fn by_size(a: &Candidate, b: &Candidate) -> Ordering {
    let size = a.size.cmp(&b.size).then(a.chance.total_cmp(&b.chance));
    size.then(a.params.probes_per_query.cmp(&b.params.probes_per_query))
}

/// Radius patterns for m chunks with `Σ s_i = spare`: (a, p, q) meaning `a`
/// chunks (1..=m) of radius p and `m - a` of radius q (q = p when a = m).
fn radius_patterns(m: u8, spare: u8) -> Vec<(u8, u8, u8)> {
    let mut out = Vec::new();
    for p in 0..=spare / m {
        if u32::from(p) * u32::from(m) == u32::from(spare) {
            out.push((m, p, p));
        }
        for q in p + 1..=p + MAX_RADIUS_SPREAD {
            for a in 1..m {
                if u32::from(a) * u32::from(p) + u32::from(m - a) * u32::from(q) == u32::from(spare) {
                    out.push((a, p, q));
                }
            }
        }
    }
    out
}

/// Bits given to the first group (a chunks) such that every chunk keeps at
/// least [`MIN_PLANNED_WIDTH`] bits; just 256 when the group is everything.
fn group_splits(m: u8, a: u8) -> std::ops::RangeInclusive<u16> {
    if a == m {
        return 256..=256;
    }
    let low = u16::from(a) * MIN_PLANNED_WIDTH;
    let high = 256 - u16::from(m - a) * MIN_PLANNED_WIDTH;
    low..=high.max(low)
}

/// Widths and radii: `a` chunks of radius p sharing `group_a_bits` bits as
/// equally as possible (wider ones first), then `m - a` chunks of radius q
/// sharing the rest likewise.
fn layout(m: u8, a: u8, p: u8, q: u8, group_a_bits: u16) -> (Vec<u16>, Vec<u8>) {
    let mut widths = Vec::with_capacity(usize::from(m));
    let mut radii = Vec::with_capacity(usize::from(m));
    for (count, bits, radius) in [(a, group_a_bits, p), (m - a, 256 - group_a_bits, q)] {
        let count = u16::from(count);
        for i in 0..count {
            widths.push(bits / count + u16::from(i < bits % count));
            radii.push(radius);
        }
    }
    (widths, radii)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn ball_sizes() {
        assert_eq!(ball(86, 2), 1 + 86 + 86 * 85 / 2);
        assert_eq!(ball(64, 0), 1);
        assert_eq!(ball(3, 5), 8);
    }

    #[test]
    fn params_require_the_pigeonhole_guarantee() {
        assert!(PdqParams::new(8, &[66, 66, 66, 58], &[1, 1, 1, 2], true).is_some());
        assert!(PdqParams::new(9, &[66, 66, 66, 58], &[1, 1, 1, 2], true).is_none());
        assert!(PdqParams::new(8, &[66, 66, 66, 57], &[1, 1, 1, 2], true).is_none());
        assert!(PdqParams::new(8, &[256], &[9], false).is_some());
        assert!(PdqParams::new(0, &[0, 256], &[0, 0], false).is_none());
        let p = PdqParams::new(8, &[66, 66, 66, 58], &[1, 1, 1, 2], true).unwrap();
        assert_eq!(p.probes_per_query, 8 * (3 * 67 + ball(58, 2)));
    }

    #[test]
    fn every_plan_keeps_the_guarantee() {
        for rate in [1e-2, 1e-4, 1e-6] {
            for listed in [10, 1_000_000] {
                for r in 0..=MAX_RADIUS {
                    for dihedral in [false, true] {
                        let Ok((p, f)) = plan(r, rate, dihedral, listed) else { continue };
                        assert_eq!(p.widths().iter().sum::<u16>(), 256);
                        assert!(p.widths().iter().all(|&w| w >= MIN_PLANNED_WIDTH));
                        let slack: u32 = p.chunk_radii().iter().map(|&s| u32::from(s) + 1).sum();
                        assert!(slack > u32::from(r), "r={r} {p:?}");
                        assert!(p.probes_per_file() as f64 * 2f64.powi(-i32::from(f)) <= rate);
                        assert_eq!(p.probes_per_file(), p.probes_per_query / p.variants() * p.queries_per_file());
                    }
                }
            }
        }
    }

    #[test]
    fn radius_8_at_1e_6_cuts_probes_within_the_size_target() {
        // The plan docs/filter-format.md works through: 4 chunks, radii (1, 1, 1, 2),
        // 16 queries per file (8 turns + 8 extra), f the first width with
        // probes per file x 2^-f <= 1e-6.
        let (p, f) = plan(8, 1e-6, true, 1_000_000).unwrap();
        assert_eq!(p.chunks, 4);
        assert_eq!(p.chunk_radii(), &[1, 1, 1, 2]);
        assert!(p.probes_per_query < 16_000, "{p:?}");
        assert_eq!(p.probes_per_file(), p.probes_per_query / 8 * 16);
        assert_eq!(f64::from(f), (p.probes_per_file() as f64 / 1e-6).log2().ceil());
        let bits = 4.0 * f64::from(f) * FUSE_FACTOR;
        assert!(bits <= 2.1 * lower_bound_bits(8, 1e-6, 16));
        assert!(p.chance_collision_rate(1_000_000) < 1e-7);
    }

    #[test]
    fn without_a_qualifying_plan_chance_collisions_are_minimised() {
        // r = 16 at 1M hashes: no plan keeps chance collisions below 1e-7, so
        // the planner takes the plan within the size target with the fewest;
        // it beats equal chunks with s = floor(r / m).
        let (p, f) = plan(16, 1e-6, true, 1_000_000).unwrap();
        assert!(f64::from(p.chunks) * f64::from(f) * FUSE_FACTOR <= 2.1 * lower_bound_bits(16, 1e-6, 16));
        let equal = PdqParams::new(16, &[52, 51, 51, 51, 51], &[3; 5], true).unwrap();
        assert!(p.chance_collision_rate(1_000_000) < equal.chance_collision_rate(1_000_000), "{p:?}");
    }

    #[test]
    fn fingerprint_meets_the_rate() {
        let f = fingerprint_bits(88_432, 1e-6).unwrap();
        assert!(88_432.0 * 2f64.powi(-(f as i32)) <= 1e-6);
        assert!(88_432.0 * 2f64.powi(-(f as i32 - 1)) > 1e-6);
        assert_eq!(fingerprint_bits(10, 0.0), None);
    }
}
