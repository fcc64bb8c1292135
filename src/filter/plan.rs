//! Choosing the PDQ chunking: m chunks, per-chunk radius s = floor(r / m),
//! and the fingerprint width that meets a false-match rate per screened file.

use crate::error::{Error, Result};

use super::fuse::MAX_FINGERPRINT_BITS;
use super::keys::chunk_widths;

/// Largest supported near-match radius.
pub const MAX_RADIUS: u8 = 32;
/// Largest number of chunks the planner considers (chunks of 8 bits).
pub(crate) const MAX_CHUNKS: u8 = 32;
/// Largest probe count per screened file the planner accepts (query speed).
pub(crate) const MAX_PROBES: u64 = 1 << 22;

/// Parameters of a PDQ near-match section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdqParams {
    /// Every hash within this Hamming distance of a listed hash matches.
    pub radius: u8,
    /// Number of chunks m the 256 bits are cut into.
    pub chunks: u8,
    /// Per-chunk probe radius s = floor(radius / chunks).
    pub chunk_radius: u8,
    /// Whether screening an image queries its eight dihedral variants.
    pub dihedral: bool,
    /// Probes per screened file: variants x sum over chunks of |Ball(width, s)|.
    pub probes_per_query: u64,
}

impl PdqParams {
    /// Derives the probe count from radius, chunks, per-chunk radius and dihedral.
    pub(crate) fn new(radius: u8, chunks: u8, chunk_radius: u8, dihedral: bool) -> Self {
        let per_variant: u64 = chunk_widths(chunks).iter().map(|&w| ball(w, chunk_radius)).sum();
        let probes_per_query = per_variant.saturating_mul(if dihedral { 8 } else { 1 });
        PdqParams { radius, chunks, chunk_radius, dihedral, probes_per_query }
    }

    /// Queries per screened file: 8 with dihedral matching, else 1.
    pub fn variants(&self) -> u64 {
        if self.dihedral {
            8
        } else {
            1
        }
    }

    /// Expected rate of genuine chunk collisions per screened file for `listed`
    /// uniformly random hashes: a query chunk within s bits of a listed chunk
    /// although the whole hashes are far apart (inherent to multi-index
    /// matching; real hashes are not uniform, so check on real data).
    pub fn chance_collision_rate(&self, listed: u64) -> f64 {
        let per_variant: f64 = chunk_widths(self.chunks)
            .iter()
            .map(|&w| ball(w, self.chunk_radius) as f64 / 2f64.powi(i32::from(w)))
            .sum();
        (listed as f64 * self.variants() as f64 * per_variant).min(1.0)
    }
}

/// |Ball(w, s)|: the number of w-bit values within Hamming distance s of one value (saturating).
pub fn ball(w: u16, s: u8) -> u64 {
    let mut total: u64 = 0;
    let mut term: u128 = 1; // C(w, k)
    for k in 0..=u128::from(s) {
        if k > u128::from(w) {
            break;
        }
        if k > 0 {
            term = term * (u128::from(w) - k + 1) / k;
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

/// The chunking that minimises bits per listed hash (`chunks x f`) for a
/// per-file false-match `rate` of this section; ties go to fewer probes.
pub(crate) fn plan(radius: u8, rate: f64, dihedral: bool) -> Result<(PdqParams, u8)> {
    if radius > MAX_RADIUS {
        return Err(Error::InvalidArgument(format!("radius {radius} exceeds the maximum {MAX_RADIUS}")));
    }
    let mut best: Option<(u64, u64, PdqParams, u8)> = None;
    for chunks in 1..=MAX_CHUNKS {
        let params = PdqParams::new(radius, chunks, radius / chunks, dihedral);
        if params.probes_per_query > MAX_PROBES {
            continue;
        }
        let Some(f) = fingerprint_bits(params.probes_per_query, rate) else { continue };
        let bits = u64::from(chunks) * u64::from(f);
        let candidate = (bits, params.probes_per_query, params, f);
        if best.as_ref().is_none_or(|b| (bits, params.probes_per_query) < (b.0, b.1)) {
            best = Some(candidate);
        }
    }
    best.map(|(_, _, p, f)| (p, f)).ok_or_else(|| {
        Error::InvalidArgument(format!("false-positive rate {rate} is out of reach at radius {radius}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ball_sizes() {
        assert_eq!(ball(86, 2), 1 + 86 + 86 * 85 / 2);
        assert_eq!(ball(64, 0), 1);
        assert_eq!(ball(3, 5), 8);
    }

    #[test]
    fn plans_match_the_design_table() {
        // filter.md's table (delta 1e-4, dihedral): best (m, s) and probes.
        for (r, m, s, probes) in [(4, 2, 2, 132_112), (8, 3, 2, 88_432), (12, 4, 3, 1_399_840), (16, 5, 3, 896_696)] {
            let (p, _) = plan(r, 1e-4, true).unwrap();
            assert_eq!((p.chunks, p.chunk_radius, p.probes_per_query), (m, s, probes), "r={r}");
        }
    }

    #[test]
    fn fingerprint_meets_the_rate() {
        let f = fingerprint_bits(88_432, 1e-6).unwrap();
        assert!(88_432.0 * 2f64.powi(-(f as i32)) <= 1e-6);
        assert!(88_432.0 * 2f64.powi(-(f as i32 - 1)) > 1e-6);
        assert_eq!(fingerprint_bits(10, 0.0), None);
    }
}
