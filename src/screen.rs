//! Screening: hashes of one file + a filter + a policy -> a verdict with reasons.

use crate::decode::{decode_for_pdq, Damage, DecodeMode, Decoded, Limits};
use crate::digest::{Digester, Digests};
use crate::error::Error;
use crate::filter::{DigestKind, Filter};
use crate::pdq::{self, Dihedral, Pdq};
use crate::pixels::{PixelView, Rect};
use crate::variants::{self, ExtraVariants, Preparation, Prepared};

/// What screening decided for one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// An exact digest is listed (or a PDQ near-match under a blocking policy).
    Block,
    /// A PDQ near-match under the default policy: a person should look.
    Flag,
    /// Nothing matched and every check the filter asks for could run.
    Allow,
    /// Nothing matched, but the perceptual check could not run (not an image,
    /// undecodable, over the limits, or too little detail for PDQ), or ran
    /// only on the part of a picture a cut-off file holds.
    Unscreenable,
}

impl Verdict {
    /// All four, in order of severity (most severe first).
    pub const ALL: [Verdict; 4] = [Verdict::Block, Verdict::Flag, Verdict::Unscreenable, Verdict::Allow];

    /// The stable lower-case name: `block`, `flag`, `allow`, `unscreenable`.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Block => "block",
            Verdict::Flag => "flag",
            Verdict::Allow => "allow",
            Verdict::Unscreenable => "unscreenable",
        }
    }
}

/// What a PDQ near-match leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdqAction {
    /// The file is flagged for review.
    Flag,
    /// The file is blocked like an exact match.
    Block,
}

/// What a file that could not be screened perceptually
/// ([`Verdict::Unscreenable`]) leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnscreenableAction {
    /// It passes as if nothing matched.
    Allow,
    /// It is flagged for review: a file that could not be screened is never
    /// silently clean. By default.
    #[default]
    Flag,
    /// It is refused like a blocked file.
    Block,
}

impl UnscreenableAction {
    /// The stable lower-case name: `allow`, `flag`, `block`.
    pub fn name(self) -> &'static str {
        match self {
            UnscreenableAction::Allow => "allow",
            UnscreenableAction::Flag => "flag",
            UnscreenableAction::Block => "block",
        }
    }
}

/// The screening policy.
///
/// Outside this crate, start from [`Policy::default`] and change what
/// differs with the `with_*` methods; new settings may be added without a
/// breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// What a PDQ near-match leads to. By default, [`PdqAction::Flag`].
    pub pdq_action: PdqAction,
    /// PDQ hashes with a quality below this never match perceptually.
    /// By default, 50 (Meta's guidance).
    pub min_quality: u8,
    /// Extra PDQ queries from other preparations of the image (trimmed
    /// borders, small images resampled). By default, both, unturned
    /// ([`ExtraVariants::default`]).
    pub extra_variants: ExtraVariants,
    /// How images are decoded for PDQ. By default, [`DecodeMode::Exact`]:
    /// the CLI and the server are the authority. The browser package opts
    /// into [`DecodeMode::Fast`] (hashes up to a few bits from exact on
    /// large baseline JPEGs; docs/DESIGN-decoding.md).
    pub decode: DecodeMode,
    /// What an unscreenable file leads to ([`Screening::action`]). By
    /// default, [`UnscreenableAction::Flag`].
    pub unscreenable: UnscreenableAction,
}

impl Policy {
    /// This policy with `pdq_action` set to `action`.
    #[must_use]
    pub fn with_pdq_action(self, action: PdqAction) -> Self {
        Policy { pdq_action: action, ..self }
    }

    /// This policy with `min_quality` set to `quality`.
    #[must_use]
    pub fn with_min_quality(self, quality: u8) -> Self {
        Policy { min_quality: quality, ..self }
    }

    /// This policy with `extra_variants` set to `extra`.
    #[must_use]
    pub fn with_extra_variants(self, extra: ExtraVariants) -> Self {
        Policy { extra_variants: extra, ..self }
    }

    /// This policy with `decode` set to `mode`.
    #[must_use]
    pub fn with_decode(self, mode: DecodeMode) -> Self {
        Policy { decode: mode, ..self }
    }

    /// This policy with `unscreenable` set to `action`.
    #[must_use]
    pub fn with_unscreenable(self, action: UnscreenableAction) -> Self {
        Policy { unscreenable: action, ..self }
    }

    /// What to do with a file of `verdict` ([`Screening::action`]): the
    /// verdict itself, except that [`Verdict::Unscreenable`] becomes what
    /// [`Policy::unscreenable`] says.
    pub fn action(&self, verdict: Verdict) -> Verdict {
        match (verdict, self.unscreenable) {
            (Verdict::Unscreenable, UnscreenableAction::Allow) => Verdict::Allow,
            (Verdict::Unscreenable, UnscreenableAction::Flag) => Verdict::Flag,
            (Verdict::Unscreenable, UnscreenableAction::Block) => Verdict::Block,
            (verdict, _) => verdict,
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            pdq_action: PdqAction::Flag,
            min_quality: 50,
            extra_variants: ExtraVariants::default(),
            decode: DecodeMode::Exact,
            unscreenable: UnscreenableAction::Flag,
        }
    }
}

/// Why a verdict is what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The file's digest of this kind is listed.
    Digest(DigestKind),
    /// A PDQ variant of the image is within the filter's radius of a listed hash
    /// (the turn; [`Screening::queries`] also says how the image was prepared).
    Pdq(Dihedral),
    /// The image's PDQ quality is below the policy's minimum: no perceptual check.
    LowQuality(u8),
    /// The file could not be decoded as an image: no perceptual check.
    NotDecoded(Error),
    /// The image was cut off ([`Damage::Truncated`]): its hash, of the rows
    /// that arrived, did not match, but the whole picture was never seen.
    Incomplete(Damage),
}

/// The full result of screening one file.
#[derive(Debug, Clone)]
pub struct Screening {
    /// The decision.
    pub verdict: Verdict,
    /// What to do with the file: the verdict, with [`Verdict::Unscreenable`]
    /// turned into [`Verdict::Allow`], [`Verdict::Flag`] or
    /// [`Verdict::Block`] by [`Policy::unscreenable`]. Never `Unscreenable`.
    pub action: Verdict,
    /// Every reason that contributed, matches first.
    pub reasons: Vec<Reason>,
    /// The file's digests, when the bytes were available.
    pub digests: Option<Digests>,
    /// The PDQ hash of the image as it is, when it was decoded.
    pub pdq: Option<Pdq>,
    /// The decoded image's width and height.
    pub size: Option<(u32, u32)>,
    /// `Some` when the image was decoded from a damaged file, as a browser
    /// shows it ([`Decoded::damaged`]); it was hashed and matched like any other.
    pub damaged: Option<Damage>,
    /// Every PDQ query made, in order (empty when no perceptual check ran).
    pub queries: Vec<PdqQuery>,
}

/// One PDQ hash tested against the filter while screening a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdqQuery {
    /// How the image was prepared before hashing.
    pub preparation: Preparation,
    /// The part of the image hashed, when the preparation cut it.
    pub region: Option<Rect>,
    /// How it was turned.
    pub turn: Dihedral,
    /// Its hash and quality.
    pub pdq: Pdq,
    /// Whether the filter matched it.
    pub matched: bool,
}

/// A filter together with the policy and decode limits to screen files with.
pub struct Screener<B = Vec<u8>> {
    filter: Filter<B>,
    policy: Policy,
    limits: Limits,
}

impl<B: AsRef<[u8]>> Screener<B> {
    /// A screener over `filter` with `policy`, decoding within `limits`.
    pub fn new(filter: Filter<B>, policy: Policy, limits: Limits) -> Self {
        Screener { filter, policy, limits }
    }

    /// The filter this screener tests against.
    pub fn filter(&self) -> &Filter<B> {
        &self.filter
    }

    /// The policy this screener applies.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Whether the filter has a PDQ section, so images need decoding at all.
    pub fn wants_pixels(&self) -> bool {
        self.filter.pdq_params().is_some()
    }

    /// The digest kinds the filter has sections for: the only ones worth computing.
    pub fn digest_kinds(&self) -> Vec<DigestKind> {
        [DigestKind::Md5, DigestKind::Sha1, DigestKind::Sha256]
            .into_iter()
            .filter(|kind| self.filter.has_digests(*kind))
            .collect()
    }

    /// A digester of [`Screener::digest_kinds`], for streaming a file's bytes.
    pub fn digester(&self) -> Digester {
        Digester::of_kinds(self.digest_kinds())
    }

    /// Decodes `bytes` for the perceptual check, within the limits and with
    /// the policy's [`DecodeMode`].
    pub fn decode(&self, bytes: &[u8]) -> crate::error::Result<Decoded> {
        decode_for_pdq(bytes, &self.limits, self.policy.decode)
    }

    /// Screens a whole file held in memory: the digests the filter has
    /// sections for, then (if it has a PDQ section) decode and perceptual match.
    pub fn screen_bytes(&self, bytes: &[u8]) -> Screening {
        let mut digester = self.digester();
        digester.update(bytes);
        let digests = digester.finish();
        let image = if self.wants_pixels() { Some(self.decode(bytes)) } else { None };
        self.screen_decoded(Some(&digests), image.as_ref().map(|r| r.as_ref()))
    }

    /// Screens digests and a decoded image (or why it could not be decoded);
    /// the size reported is the one the file declares, also after a
    /// reduced-scale decode.
    pub fn screen_decoded(
        &self,
        digests: Option<&Digests>,
        image: Option<std::result::Result<&Decoded, &Error>>,
    ) -> Screening {
        let decoded = image.and_then(|r| r.ok());
        let mut screening =
            self.screen_with(digests, image.map(|r| r.map(|d| d.pixels.view())), decoded.map(|d| d.size));
        screening.damaged = decoded.and_then(|d| d.damaged);
        // A cut that moves the hash out of reach (a band of rows gone, as with
        // a crop) must not make the rest of a listed picture clean.
        if screening.damaged == Some(Damage::Truncated) && screening.verdict == Verdict::Allow {
            screening.reasons.push(Reason::Incomplete(Damage::Truncated));
            screening.verdict = Verdict::Unscreenable;
            screening.action = self.policy.action(Verdict::Unscreenable);
        }
        screening
    }

    /// Screens raw pixels only (no file bytes, so no digests).
    pub fn screen_pixels(&self, image: PixelView<'_>) -> Screening {
        self.screen_parts(None, Some(Ok(image)))
    }

    /// Screens from parts computed separately: digests streamed from a large
    /// file, and the decoded image (or why it could not be decoded), or `None`
    /// when no perceptual check was attempted.
    pub fn screen_parts(
        &self,
        digests: Option<&Digests>,
        image: Option<std::result::Result<PixelView<'_>, &Error>>,
    ) -> Screening {
        self.screen_with(digests, image, None)
    }

    /// [`Screener::screen_parts`], reporting `declared` as the image's size
    /// when given (a reduced-scale decode's pixels are smaller than the file).
    fn screen_with(
        &self,
        digests: Option<&Digests>,
        image: Option<std::result::Result<PixelView<'_>, &Error>>,
        declared: Option<(u32, u32)>,
    ) -> Screening {
        let mut reasons = Vec::new();
        if let Some(d) = digests {
            reasons.extend(self.digest_matches(d).into_iter().map(Reason::Digest));
        }
        let mut pdq = None;
        let mut size = None;
        let mut queries = Vec::new();
        let mut perceptual_checked = !self.wants_pixels();
        if self.wants_pixels() {
            match image {
                Some(Ok(view)) => {
                    size = Some(declared.unwrap_or((view.width(), view.height())));
                    let (original, perceptual) = self.pdq_reasons(view, &mut queries);
                    pdq = Some(original);
                    perceptual_checked = !matches!(perceptual.first(), Some(Reason::LowQuality(_)));
                    reasons.extend(perceptual);
                }
                Some(Err(err)) => reasons.push(Reason::NotDecoded(err.clone())),
                None => {}
            }
        }
        let verdict = self.verdict(&reasons, perceptual_checked);
        let action = self.policy.action(verdict);
        Screening { verdict, action, reasons, digests: digests.copied(), pdq, size, damaged: None, queries }
    }

    /// The kinds whose digest is listed. A kind the filter has but `d` lacks
    /// is not checked: [`Screener::digester`] computes every kind needed.
    fn digest_matches(&self, d: &Digests) -> Vec<DigestKind> {
        self.digest_kinds()
            .into_iter()
            .filter(|kind| d.get(*kind).is_some_and(|bytes| self.filter.contains_digest(*kind, bytes)))
            .collect()
    }

    /// The original image's PDQ and the perceptual reasons (matches, or low
    /// quality); records every query made in `queries`.
    fn pdq_reasons(&self, view: PixelView<'_>, queries: &mut Vec<PdqQuery>) -> (Pdq, Vec<Reason>) {
        let dihedral = self.filter.pdq_params().is_some_and(|p| p.dihedral);
        let original = self.query_prepared(Preparation::AsIs, view, dihedral, queries);
        if original.quality < self.policy.min_quality {
            return (original, vec![Reason::LowQuality(original.quality)]);
        }
        let extra = self.policy.extra_variants;
        for (preparation, prepared) in variants::prepare(view, extra) {
            let prepared_view = prepared.view(view);
            let before = queries.len();
            self.query_prepared(preparation, prepared_view, dihedral && extra.turned, queries);
            if let Prepared::Crop(rect) = prepared {
                queries[before..].iter_mut().for_each(|q| q.region = Some(rect));
            }
        }
        let mut matches: Vec<Reason> = Vec::new();
        for q in queries.iter().filter(|q| q.matched) {
            if !matches.contains(&Reason::Pdq(q.turn)) {
                matches.push(Reason::Pdq(q.turn));
            }
        }
        (original, matches)
    }

    /// Hashes one prepared image (all eight turns when `turned`) and tests
    /// each hash, unless the image's own quality is below the policy's
    /// minimum; returns the unturned hash.
    fn query_prepared(
        &self,
        preparation: Preparation,
        view: PixelView<'_>,
        turned: bool,
        queries: &mut Vec<PdqQuery>,
    ) -> Pdq {
        let hashes: Vec<(Dihedral, Pdq)> = if turned {
            Dihedral::ALL.into_iter().zip(pdq::hash_turned(view)).collect()
        } else {
            vec![(Dihedral::Original, pdq::hash(view))]
        };
        let unturned = hashes[0].1;
        if unturned.quality >= self.policy.min_quality {
            queries.extend(hashes.into_iter().map(|(turn, pdq)| PdqQuery {
                preparation,
                region: None,
                turn,
                pdq,
                matched: self.filter.match_pdq(&pdq.hash),
            }));
        }
        unturned
    }

    fn verdict(&self, reasons: &[Reason], perceptual_checked: bool) -> Verdict {
        if reasons.iter().any(|r| matches!(r, Reason::Digest(_))) {
            return Verdict::Block;
        }
        if reasons.iter().any(|r| matches!(r, Reason::Pdq(_))) {
            return match self.policy.pdq_action {
                PdqAction::Flag => Verdict::Flag,
                PdqAction::Block => Verdict::Block,
            };
        }
        if perceptual_checked {
            Verdict::Allow
        } else {
            Verdict::Unscreenable
        }
    }
}
