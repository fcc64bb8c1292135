//! The filter: a compact, signed file of known hashes, and its builder.
