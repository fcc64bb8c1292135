//! One memory budget per process for decoding: every decode reserves what
//! its header says it will need before anything is allocated; what does not
//! fit waits (bounded) or is refused with a typed code.

mod estimate;

pub use estimate::decode_estimate;

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Why a reservation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// More than the whole budget: it can never fit (`too-large`).
    TooLarge {
        /// The amount asked for.
        asked: u64,
        /// The whole budget.
        total: u64,
    },
    /// It did not fit within the wait allowed (`busy`).
    Busy,
}

impl Refusal {
    /// The stable code: `too-large` or `busy`.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::TooLarge { .. } => "too-large",
            Refusal::Busy => "busy",
        }
    }
}

impl Refusal {
    /// The refusal as the decode error a screening reports (`too-large`).
    pub fn to_decode_error(self) -> prescreen::Error {
        let (value, limit) = match self {
            Refusal::TooLarge { asked, total } => (asked, total),
            Refusal::Busy => (0, 0),
        };
        prescreen::Error::TooLarge { what: "decode memory", value, limit }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::TooLarge { asked, total } => {
                write!(f, "needs {asked} bytes, more than the whole budget of {total}")
            }
            Refusal::Busy => write!(f, "the server is busy: no room in the budget; try again"),
        }
    }
}

/// A counted resource shared by threads: bytes of memory, or screening
/// slots. Waiters are served first come, first served, so a large
/// reservation is not starved by a stream of small ones.
#[derive(Clone)]
pub struct Budget {
    inner: Arc<Inner>,
}

struct Inner {
    total: u64,
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    available: u64,
    /// Tickets of the threads waiting, in arrival order.
    queue: VecDeque<u64>,
    next_ticket: u64,
}

/// Units held from a [`Budget`]; given back when dropped.
pub struct Reservation {
    inner: Arc<Inner>,
    amount: u64,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let mut state = self.inner.state.lock().unwrap_or_else(|p| p.into_inner());
        state.available += self.amount;
        self.inner.changed.notify_all();
    }
}

impl Budget {
    /// A budget of `total` units.
    pub fn new(total: u64) -> Budget {
        let state = State { available: total, queue: VecDeque::new(), next_ticket: 0 };
        Budget { inner: Arc::new(Inner { total, state: Mutex::new(state), changed: Condvar::new() }) }
    }

    /// The whole budget.
    pub fn total(&self) -> u64 {
        self.inner.total
    }

    /// Takes `amount` units if they are free now and nobody is waiting.
    pub fn try_reserve(&self, amount: u64) -> Option<Reservation> {
        let mut state = self.inner.state.lock().unwrap_or_else(|p| p.into_inner());
        if !state.queue.is_empty() || state.available < amount {
            return None;
        }
        state.available -= amount;
        Some(Reservation { inner: Arc::clone(&self.inner), amount })
    }

    /// Takes `amount` units, waiting in line at most `wait` for them to be
    /// free (`Duration::MAX`: as long as it takes).
    pub fn reserve(&self, amount: u64, wait: Duration) -> Result<Reservation, Refusal> {
        if amount > self.inner.total {
            return Err(Refusal::TooLarge { asked: amount, total: self.inner.total });
        }
        // A wait too long to represent is no deadline at all.
        let deadline = Instant::now().checked_add(wait);
        let mut state = self.inner.state.lock().unwrap_or_else(|p| p.into_inner());
        let ticket = state.next_ticket;
        state.next_ticket += 1;
        state.queue.push_back(ticket);
        while state.queue.front() != Some(&ticket) || state.available < amount {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if left.is_some_and(|left| left.is_zero()) {
                state.queue.retain(|t| *t != ticket);
                // The next in line may fit now that this one has left.
                self.inner.changed.notify_all();
                return Err(Refusal::Busy);
            }
            state = match left {
                None => self.inner.changed.wait(state).unwrap_or_else(|p| p.into_inner()),
                Some(left) => self.inner.changed.wait_timeout(state, left).unwrap_or_else(|p| p.into_inner()).0,
            };
        }
        state.queue.pop_front();
        state.available -= amount;
        self.inner.changed.notify_all();
        Ok(Reservation { inner: Arc::clone(&self.inner), amount })
    }
}

/// The default decode budget: half the machine's physical memory (from
/// `/proc/meminfo`), at most 2 GiB, which holds the largest decode the
/// default limits admit (a 1.95 GB estimate) while keeping eight concurrent
/// decompression bombs near one bomb's peak (1.3 GB, docs/BENCHMARKS.md).
pub fn default_memory_budget() -> u64 {
    let total_kib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
        let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
        line.split_whitespace().nth(1)?.parse::<u64>().ok()
    });
    total_kib.map_or(2 << 30, |kib| (kib * 1024 / 2).min(2 << 30))
}

/// Parses a byte count with an optional K, M or G suffix (powers of 1024).
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, shift) = match text.char_indices().last() {
        Some((i, 'k' | 'K')) => (&text[..i], 10),
        Some((i, 'm' | 'M')) => (&text[..i], 20),
        Some((i, 'g' | 'G')) => (&text[..i], 30),
        _ => (text, 0),
    };
    let value: u64 = digits.trim().parse().map_err(|_| format!("{text:?} is not a byte count (e.g. 512M, 2G)"))?;
    value.checked_mul(1 << shift).ok_or_else(|| format!("{text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_wait_for_room_and_refuse_what_never_fits() {
        let budget = Budget::new(100);
        let first = budget.reserve(70, Duration::ZERO).unwrap();
        assert!(budget.try_reserve(31).is_none());
        drop(budget.try_reserve(30).unwrap());
        assert_eq!(budget.reserve(40, Duration::from_millis(20)).err(), Some(Refusal::Busy));
        assert_eq!(budget.reserve(101, Duration::ZERO).err(), Some(Refusal::TooLarge { asked: 101, total: 100 }));
        let waiter = {
            let budget = budget.clone();
            std::thread::spawn(move || budget.reserve(40, Duration::from_secs(10)).map(|r| r.amount))
        };
        std::thread::sleep(Duration::from_millis(50));
        drop(first);
        assert_eq!(waiter.join().unwrap(), Ok(40));
        assert!(budget.reserve(100, Duration::MAX).is_ok(), "every reservation was given back");
    }

    #[test]
    fn waiters_are_served_in_arrival_order() {
        let budget = Budget::new(1);
        let held = budget.reserve(1, Duration::ZERO).unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let waiters: Vec<_> = (0..4)
            .map(|i| {
                let (budget, order) = (budget.clone(), Arc::clone(&order));
                let waiter = std::thread::spawn(move || {
                    let _slot = budget.reserve(1, Duration::from_secs(10)).unwrap();
                    order.lock().unwrap().push(i);
                    std::thread::sleep(Duration::from_millis(5));
                });
                // Each waiter is in line before the next one starts.
                std::thread::sleep(Duration::from_millis(50));
                waiter
            })
            .collect();
        assert!(budget.try_reserve(1).is_none(), "no jumping the line");
        drop(held);
        for waiter in waiters {
            waiter.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3]);
    }

    #[test]
    fn byte_counts_take_suffixes() {
        assert_eq!(parse_bytes("512M"), Ok(512 << 20));
        assert_eq!(parse_bytes("2g"), Ok(2 << 30));
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert!(parse_bytes("lots").is_err());
        assert!(parse_bytes("99999999999G").is_err());
    }
}
