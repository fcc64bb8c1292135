//! The one error type of the crate, split by who is at fault, with stable codes.

use std::fmt;

/// Everything that can go wrong in prescreen's core.
///
/// Every variant has a stable, machine-readable [`Error::code`] that the CLI's
/// JSON output and the JavaScript `Error.code` both carry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input holds no bytes at all.
    Empty,
    /// The bytes are not in a format we decode (sniffed from magic bytes).
    UnsupportedFormat,
    /// The file ends before its format says it should.
    Truncated,
    /// The file is malformed in some other way; the text says how.
    Corrupt(String),
    /// The input exceeds a configured [`crate::Limits`] value.
    TooLarge {
        /// Which limit was hit (`"input bytes"`, `"width"`, `"pixels"`, ...).
        what: &'static str,
        /// The value the input asked for.
        value: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The decoder needed more working memory than [`crate::Limits::max_alloc`] leaves it.
    DecoderLimit {
        /// The configured allocation limit, in bytes.
        limit: u64,
    },
    /// A hash given as text is malformed (wrong length or not hex).
    InvalidHash(String),
    /// A filter file does not start with the prescreen magic bytes.
    FilterMagic,
    /// A filter file has a format version this build does not read.
    FilterVersion(u16),
    /// A filter file ends before its header says it should.
    FilterTruncated,
    /// A filter file's checksum does not match its contents.
    FilterChecksum,
    /// A filter file is structurally invalid; the text says how.
    FilterMalformed(String),
    /// A filter's signature does not verify (or a pinned key was expected and the filter is unsigned).
    FilterSignature(String),
    /// A filter's expiry time has passed.
    FilterExpired,
    /// A caller passed an invalid argument (bad parameters, bad key bytes).
    InvalidArgument(String),
    /// A bug in prescreen: an internal invariant failed.
    Internal(String),
}

impl Error {
    /// The stable, machine-readable code of this error (e.g. `"truncated"`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Empty => "empty",
            Error::UnsupportedFormat => "unsupported-format",
            Error::Truncated => "truncated",
            Error::Corrupt(_) => "corrupt",
            Error::TooLarge { .. } | Error::DecoderLimit { .. } => "too-large",
            Error::InvalidHash(_) => "invalid-hash",
            Error::FilterMagic => "filter-magic",
            Error::FilterVersion(_) => "filter-version",
            Error::FilterTruncated => "filter-truncated",
            Error::FilterChecksum => "filter-checksum",
            Error::FilterMalformed(_) => "filter-malformed",
            Error::FilterSignature(_) => "filter-signature",
            Error::FilterExpired => "filter-expired",
            Error::InvalidArgument(_) => "invalid-argument",
            Error::Internal(_) => "internal",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Empty => write!(f, "the file is empty"),
            Error::UnsupportedFormat => write!(f, "not an image format prescreen decodes"),
            Error::Truncated => write!(f, "the file is truncated"),
            Error::Corrupt(why) => write!(f, "the file is corrupt: {why}"),
            Error::TooLarge { what, value, limit } => {
                write!(f, "{what} {value} exceeds the limit of {limit}")
            }
            Error::DecoderLimit { limit } => {
                write!(f, "decoding needs more memory than the limit of {limit} bytes")
            }
            Error::InvalidHash(why) => write!(f, "invalid hash: {why}"),
            Error::FilterMagic => write!(f, "not a prescreen filter (wrong magic bytes)"),
            Error::FilterVersion(v) => write!(f, "unsupported filter format version {v}"),
            Error::FilterTruncated => write!(f, "the filter file is truncated"),
            Error::FilterChecksum => write!(f, "the filter file's checksum does not match (corrupted)"),
            Error::FilterMalformed(why) => write!(f, "malformed filter file: {why}"),
            Error::FilterSignature(why) => write!(f, "filter signature rejected: {why}"),
            Error::FilterExpired => write!(f, "the filter has expired"),
            Error::InvalidArgument(why) => write!(f, "invalid argument: {why}"),
            Error::Internal(why) => write!(f, "internal error: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
