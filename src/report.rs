//! A screening result as JSON, defined once: the CLI's `check --json`, the
//! reference server's replies and the browser package's result objects all
//! write [`Screening::to_json`], so a reason or a turn is spelled the same
//! everywhere (the stable `name()`s, never `Debug`). The core has no serde:
//! [`Json`] is just enough of a value to build and print that shape.

use std::fmt::{self, Write};

use crate::hex;
use crate::screen::{PdqQuery, Reason, Screening};

/// A JSON value, as results are written.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number (results only hold integers well inside f64's exact range).
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object; keys keep their order.
    Object(Vec<(&'static str, Json)>),
}

impl From<&str> for Json {
    fn from(s: &str) -> Self {
        Json::String(s.to_owned())
    }
}

impl From<String> for Json {
    fn from(s: String) -> Self {
        Json::String(s)
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Self {
        Json::Bool(b)
    }
}

impl From<u8> for Json {
    fn from(n: u8) -> Self {
        Json::Number(f64::from(n))
    }
}

impl From<u32> for Json {
    fn from(n: u32) -> Self {
        Json::Number(f64::from(n))
    }
}

impl From<u64> for Json {
    fn from(n: u64) -> Self {
        // Sizes and counts: exact up to 2^53.
        Json::Number(n as f64)
    }
}

impl fmt::Display for Json {
    /// Compact JSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => write!(f, "{b}"),
            Json::Number(n) if n.is_finite() => write!(f, "{n}"),
            Json::Number(_) => f.write_str("null"),
            Json::String(s) => write_string(f, s),
            Json::Array(items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_char(']')
            }
            Json::Object(fields) => {
                f.write_char('{')?;
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write_string(f, key)?;
                    write!(f, ":{value}")?;
                }
                f.write_char('}')
            }
        }
    }
}

fn write_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if u32::from(c) < 0x20 => write!(f, "\\u{:04x}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

impl Reason {
    /// `{"kind": "digest", "digest": "md5"}`, `{"kind": "pdq", "turn": "flipX"}`,
    /// `{"kind": "low-quality", "quality": 12}`,
    /// `{"kind": "not-decoded", "code": "corrupt", "message": ...}` or
    /// `{"kind": "incomplete", "damage": "truncated"}`.
    pub fn to_json(&self) -> Json {
        let fields: Vec<(&'static str, Json)> = match self {
            Reason::Digest(kind) => vec![("kind", "digest".into()), ("digest", kind.name().into())],
            Reason::Pdq(turn) => vec![("kind", "pdq".into()), ("turn", turn.name().into())],
            Reason::LowQuality(quality) => vec![("kind", "low-quality".into()), ("quality", (*quality).into())],
            Reason::NotDecoded(err) => {
                vec![("kind", "not-decoded".into()), ("code", err.code().into()), ("message", err.to_string().into())]
            }
            Reason::Incomplete(damage) => vec![("kind", "incomplete".into()), ("damage", damage.name().into())],
        };
        Json::Object(fields)
    }
}

impl PdqQuery {
    /// `{"preparation": "trimmed", "region": [LEFT, TOP, WIDTH, HEIGHT],
    /// "turn": "flipY", "pdq": HEX, "quality": 93, "matched": false}`; `region`
    /// only when the preparation cut the image.
    pub fn to_json(&self) -> Json {
        let mut fields = vec![("preparation", self.preparation.name().into())];
        if let Some(r) = self.region {
            let sides = [r.left, r.top, r.width, r.height];
            fields.push(("region", Json::Array(sides.iter().map(|&v| v.into()).collect())));
        }
        fields.extend([
            ("turn", self.turn.name().into()),
            ("pdq", self.pdq.hash.to_hex().into()),
            ("quality", self.pdq.quality.into()),
            ("matched", self.matched.into()),
        ]);
        Json::Object(fields)
    }
}

impl Screening {
    /// `{"verdict", "action", "reasons": [...], "hashes": {"md5"?, "sha1"?,
    /// "sha256"?, "pdq"?, "quality"?}, "width"?, "height"?, "damaged"?}`,
    /// and `"queries": [...]` with `queries`. A key is left out when there is
    /// nothing to say (a digest the filter has no section for is not computed).
    pub fn to_json(&self, queries: bool) -> Json {
        let mut hashes = Vec::new();
        if let Some(d) = &self.digests {
            if let Some(bytes) = &d.md5 {
                hashes.push(("md5", hex::encode(bytes).into()));
            }
            if let Some(bytes) = &d.sha1 {
                hashes.push(("sha1", hex::encode(bytes).into()));
            }
            if let Some(bytes) = &d.sha256 {
                hashes.push(("sha256", hex::encode(bytes).into()));
            }
        }
        if let Some(pdq) = &self.pdq {
            hashes.push(("pdq", pdq.hash.to_hex().into()));
            hashes.push(("quality", pdq.quality.into()));
        }
        let mut fields = vec![
            ("verdict", self.verdict.name().into()),
            ("action", self.action.name().into()),
            ("reasons", Json::Array(self.reasons.iter().map(Reason::to_json).collect())),
            ("hashes", Json::Object(hashes)),
        ];
        if let Some((width, height)) = self.size {
            fields.push(("width", width.into()));
            fields.push(("height", height.into()));
        }
        if let Some(damage) = self.damaged {
            fields.push(("damaged", damage.name().into()));
        }
        if queries {
            fields.push(("queries", Json::Array(self.queries.iter().map(PdqQuery::to_json).collect())));
        }
        Json::Object(fields)
    }
}
