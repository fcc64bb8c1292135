//! Reading a request body within a size limit, an idle timeout and a
//! minimum average rate, so a slow client cannot hold a request open.

use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use hyper::body::Incoming;

/// Why a body was not read whole.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// More bytes than allowed arrived.
    TooLarge,
    /// It paused longer than the idle timeout, or fell below the minimum rate.
    TooSlow,
    /// The connection failed or closed early.
    Broken(String),
}

/// The limits one body is read within.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// The most bytes accepted.
    pub max_bytes: u64,
    /// The longest pause, and the grace before `min_rate` applies.
    pub timeout: Duration,
    /// The slowest average rate accepted after the grace, in bytes per second.
    pub min_rate: u64,
}

impl BodyLimits {
    /// The latest moment the body may still be incomplete after `received`
    /// bytes: the grace plus the time `min_rate` allows for them.
    fn deadline(&self, start: Instant, received: u64) -> Instant {
        start + self.timeout + Duration::from_secs_f64(received as f64 / self.min_rate as f64)
    }
}

/// Reads `body` into memory (`expected` bytes are reserved up front).
pub async fn read(mut body: Incoming, expected: u64, limits: BodyLimits) -> Result<Vec<u8>, BodyError> {
    let start = Instant::now();
    let mut data = Vec::with_capacity(usize::try_from(expected.min(limits.max_bytes)).unwrap_or(0));
    loop {
        let now = Instant::now();
        let rate_deadline = limits.deadline(start, data.len() as u64);
        let wait = limits.timeout.min(rate_deadline.saturating_duration_since(now));
        let frame = match tokio::time::timeout(wait, body.frame()).await {
            Err(_) => return Err(BodyError::TooSlow),
            Ok(None) => return Ok(data),
            Ok(Some(Err(e))) => return Err(BodyError::Broken(e.to_string())),
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(chunk) = frame.into_data() {
            if data.len() as u64 + chunk.len() as u64 > limits.max_bytes {
                return Err(BodyError::TooLarge);
            }
            data.extend_from_slice(&chunk);
        }
    }
}
