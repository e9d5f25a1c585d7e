//! How long to wait before reconnecting to the PBX: exponential from a
//! minimum, capped, with jitter so a call centre's fifty clients do not all
//! knock on a restarted Asterisk in the same second.

use std::time::Duration;

/// Reconnect delays: the n-th wait is drawn from `[d/2, d]` with
/// `d = min(min × 2ⁿ, max)` ("equal jitter"), so it still grows steadily.
#[derive(Debug, Clone)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    attempt: u32,
}

impl Backoff {
    /// Delays from `min` up to `max`.
    #[must_use]
    pub fn new(min: Duration, max: Duration) -> Self {
        Self {
            min,
            max: max.max(min),
            attempt: 0,
        }
    }

    /// The next wait, with random jitter.
    pub fn next_delay(&mut self) -> Duration {
        self.next_delay_with(rand::random_range(0.0..=1.0))
    }

    /// The next wait, with `unit` in `0.0..=1.0` choosing where in `[d/2, d]` it falls.
    pub fn next_delay_with(&mut self, unit: f64) -> Duration {
        let ceiling = self
            .min
            .checked_mul(1_u32.checked_shl(self.attempt).unwrap_or(u32::MAX))
            .unwrap_or(self.max)
            .min(self.max);
        self.attempt = self.attempt.saturating_add(1).min(31);
        let half = ceiling / 2;
        half + ceiling.saturating_sub(half).mul_f64(unit.clamp(0.0, 1.0))
    }

    /// Start again from `min` (after a successful login).
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

/// Whole seconds for the status bar, rounded up so "0 s" never shows while
/// a wait is still ahead.
#[must_use]
pub fn whole_secs(delay: Duration) -> u64 {
    let millis = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
    millis.div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_and_resets() {
        let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_mins(1));
        let tops: Vec<u64> = (0..9)
            .map(|_| backoff.next_delay_with(1.0).as_secs())
            .collect();
        assert_eq!(tops, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        backoff.reset();
        assert_eq!(backoff.next_delay_with(0.0), Duration::from_millis(500));
    }

    #[test]
    fn jitter_stays_within_half_and_whole() {
        let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_mins(1));
        for _ in 0..100 {
            let delay = backoff.next_delay();
            assert!(delay >= Duration::from_millis(500) && delay <= Duration::from_mins(1));
        }
    }

    #[test]
    fn many_failures_never_overflow() {
        let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_mins(1));
        for _ in 0..1000 {
            assert!(backoff.next_delay_with(1.0) <= Duration::from_mins(1));
        }
    }

    #[test]
    fn seconds_round_up() {
        assert_eq!(whole_secs(Duration::from_millis(1)), 1);
        assert_eq!(whole_secs(Duration::from_secs(1)), 1);
        assert_eq!(whole_secs(Duration::from_millis(1001)), 2);
        assert_eq!(whole_secs(Duration::ZERO), 0);
    }
}
