//! One upload as the store keeps it: what arrived, its hashes, and its
//! verdict when it was uploaded and after the latest re-screening.

use prescreen::pdq::{Dihedral, PdqHash};
use prescreen::{Policy, Verdict};
use serde_json::{json, Value};

/// One accepted upload.
#[derive(Debug, Clone)]
pub struct Record {
    /// The row id (0 before it is inserted).
    pub id: i64,
    /// The file name the client sent.
    pub name: String,
    /// Its length in bytes.
    pub size: u64,
    /// When it arrived, in seconds since the Unix epoch.
    pub time: u64,
    /// MD5, SHA-1 and SHA-256 of its bytes, in hex.
    pub md5: String,
    /// SHA-1 in hex.
    pub sha1: String,
    /// SHA-256 in hex: also the stored file's name.
    pub sha256: String,
    /// The PDQ hash of the image as it is, in hex, when it was decoded.
    pub pdq: Option<String>,
    /// That hash's quality (0-100).
    pub quality: Option<u8>,
    /// Every PDQ query made at upload (each turn and preparation), so a new
    /// filter can be tested without decoding the file again.
    pub queries: Vec<(Dihedral, PdqHash)>,
    /// Whether the perceptual check ran at upload (decoded, quality enough).
    pub perceptual: bool,
    /// The verdict at upload.
    pub verdict: String,
    /// The reasons at upload, as the upload reply gave them.
    pub reasons: Value,
    /// The latest re-screening, if any.
    pub rescreened: Option<Rescreened>,
}

/// A record's verdict under a later filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Rescreened {
    /// The filter's tag (the start of its SHA-256).
    pub filter: String,
    /// When, in seconds since the Unix epoch.
    pub time: u64,
    /// The verdict.
    pub verdict: String,
    /// The reasons, in the upload reply's shape.
    pub reasons: Value,
}

impl Record {
    /// The verdict that holds now: the latest re-screening's, else the upload's.
    pub fn current_verdict(&self) -> &str {
        self.rescreened.as_ref().map_or(&self.verdict, |r| &r.verdict)
    }

    /// The record as `GET /api/uploads` and `prescreen rescreen --json` show
    /// it, with the `action` `policy` makes of the current verdict.
    pub fn to_json(&self, policy: &Policy) -> Value {
        let current = self.rescreened.as_ref();
        let action = Verdict::ALL.into_iter().find(|v| v.name() == self.current_verdict()).map(|v| policy.action(v));
        json!({
            "id": self.id,
            "name": self.name,
            "size": self.size,
            "time": self.time,
            "md5": self.md5,
            "sha1": self.sha1,
            "sha256": self.sha256,
            "pdq": self.pdq,
            "quality": self.quality,
            "verdict": self.current_verdict(),
            "action": action.map(Verdict::name),
            "flagged": action == Some(Verdict::Flag),
            "reasons": current.map_or(&self.reasons, |r| &r.reasons),
            "uploaded": { "verdict": self.verdict, "reasons": self.reasons },
            "rescreened": current.map(|r| json!({ "filter": r.filter, "time": r.time })),
        })
    }
}

/// The queries as stored: per query one byte (the turn's index in
/// [`Dihedral::ALL`]) and the 32-byte hash.
pub fn encode_queries(queries: &[(Dihedral, PdqHash)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(queries.len() * 33);
    for (turn, hash) in queries {
        let index = Dihedral::ALL.iter().position(|t| t == turn).unwrap_or(0);
        out.push(index as u8);
        out.extend_from_slice(&hash.0);
    }
    out
}

/// The inverse of [`encode_queries`]; a damaged tail is ignored.
pub fn decode_queries(bytes: &[u8]) -> Vec<(Dihedral, PdqHash)> {
    bytes
        .chunks_exact(33)
        .filter_map(|chunk| {
            let turn = *Dihedral::ALL.get(usize::from(chunk[0]))?;
            let hash: [u8; 32] = chunk[1..].try_into().ok()?;
            Some((turn, PdqHash(hash)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_round_trip() {
        let queries = vec![(Dihedral::ALL[0], PdqHash([7; 32])), (Dihedral::ALL[5], PdqHash([0xA5; 32]))];
        assert_eq!(decode_queries(&encode_queries(&queries)), queries);
        assert_eq!(decode_queries(&encode_queries(&queries)[..40]), queries[..1]);
    }
}
