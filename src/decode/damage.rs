//! Why a decoded image is not the whole picture its file describes.

/// How a file was damaged when its pixels were still recovered, as a
/// browser recovers them (docs/DAMAGED.md): the rows that arrived are kept,
/// the rest are left transparent black, which is black once alpha is dropped
/// (`convert.rs`), the luma 0 PDQ then reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// The file ends before its last rows: they are black.
    Truncated,
    /// Every row arrived but the end marker (JPEG EOI, PNG IEND, GIF trailer) did not.
    MissingEnd,
    /// A PNG chunk's CRC does not match its contents; the data was decoded anyway.
    BadChecksum,
}

impl Damage {
    /// The stable lower-case name: `truncated`, `missing-end`, `bad-checksum`.
    pub fn name(self) -> &'static str {
        match self {
            Damage::Truncated => "truncated",
            Damage::MissingEnd => "missing-end",
            Damage::BadChecksum => "bad-checksum",
        }
    }
}
