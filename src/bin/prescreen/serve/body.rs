//! Reading a request body within a size limit, an idle timeout and a
//! minimum average rate, so a slow client cannot hold a request open; the
//! memory it takes is reserved from the budget as it arrives, so a slow
//! client holds only what it has sent.

use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::budget::{Budget, Reservation};

/// Body memory is reserved in steps of this many bytes.
const STEP: u64 = 1 << 20;

/// Why a body was not read whole.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// More bytes than allowed arrived.
    TooLarge,
    /// It paused longer than the idle timeout, or fell below the minimum rate.
    TooSlow,
    /// No room in the memory budget within the wait.
    Busy,
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
    /// How long to wait for room in the memory budget.
    pub budget_wait: Duration,
}

impl BodyLimits {
    /// The latest moment the body may still be incomplete after `received`
    /// bytes: the grace plus the time `min_rate` allows for them.
    fn deadline(&self, start: Instant, received: u64) -> Instant {
        start + self.timeout + Duration::from_secs_f64(received as f64 / self.min_rate as f64)
    }
}

/// Reads `body` into memory, reserving it from `memory` step by step;
/// returns the bytes and what they hold of the budget.
pub async fn read(
    mut body: Incoming,
    limits: BodyLimits,
    memory: &Budget,
) -> Result<(Vec<u8>, Vec<Reservation>), BodyError> {
    let start = Instant::now();
    let mut data = Vec::new();
    let mut held = Vec::new();
    let mut reserved = 0u64;
    loop {
        let now = Instant::now();
        let rate_deadline = limits.deadline(start, data.len() as u64);
        let wait = limits.timeout.min(rate_deadline.saturating_duration_since(now));
        let frame = match tokio::time::timeout(wait, body.frame()).await {
            Err(_) => return Err(BodyError::TooSlow),
            Ok(None) => return Ok((data, held)),
            Ok(Some(Err(e))) => return Err(BodyError::Broken(e.to_string())),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(chunk) = frame.into_data() else { continue };
        let needed = data.len() as u64 + chunk.len() as u64;
        if needed > limits.max_bytes {
            return Err(BodyError::TooLarge);
        }
        while reserved < needed {
            let step = STEP.max(needed - reserved).min(limits.max_bytes - reserved);
            held.push(reserve(memory, step, limits.budget_wait).await?);
            reserved += step;
            data.reserve_exact(usize::try_from(reserved).unwrap_or(usize::MAX) - data.len());
        }
        data.extend_from_slice(&chunk);
    }
}

/// Takes `amount` from `memory`, polling while the budget is full, up to `wait`.
async fn reserve(memory: &Budget, amount: u64, wait: Duration) -> Result<Reservation, BodyError> {
    let deadline = Instant::now() + wait;
    loop {
        if let Some(reservation) = memory.try_reserve(amount) {
            return Ok(reservation);
        }
        if Instant::now() >= deadline {
            return Err(BodyError::Busy);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
