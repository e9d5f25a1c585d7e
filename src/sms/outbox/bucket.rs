//! The send rate (`sms.rate_per_sec`) as a token bucket: tokens drip in at
//! the rate, up to one second's worth, and each hand-over takes one. A
//! burst after a quiet spell is at most one second's messages, which is
//! what gateways that throttle per second accept.
//!
//! Pure: the caller passes the time as the [`Duration`] since any fixed
//! instant, so tests need no clock.

use std::time::Duration;

/// A token bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenBucket {
    rate_per_sec: f64,
    capacity: f64,
    tokens: f64,
    last: Duration,
}

impl TokenBucket {
    /// A full bucket for `rate_per_sec` messages a second (at least one).
    #[must_use]
    pub fn new(rate_per_sec: u32, now: Duration) -> Self {
        let rate = f64::from(rate_per_sec.max(1));
        Self {
            rate_per_sec: rate,
            capacity: rate,
            tokens: rate,
            last: now,
        }
    }

    fn refill(&mut self, now: Duration) {
        let elapsed = now.saturating_sub(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate_per_sec).min(self.capacity);
        self.last = self.last.max(now);
    }

    /// Whole tokens available at `now`.
    #[must_use]
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "tokens lie between 0 and the rate, a u32"
    )]
    pub fn available(&mut self, now: Duration) -> u32 {
        self.refill(now);
        self.tokens.floor() as u32
    }

    /// Takes a token; false when none is available at `now`.
    pub fn take(&mut self, now: Duration) -> bool {
        self.refill(now);
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }

    /// How long after `now` the next token is available (zero when one is).
    #[must_use]
    pub fn wait(&mut self, now: Duration) -> Duration {
        self.refill(now);
        if self.tokens >= 1.0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64((1.0 - self.tokens) / self.rate_per_sec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_gives_one_seconds_worth_then_drips() {
        let start = Duration::ZERO;
        let mut bucket = TokenBucket::new(4, start);
        assert_eq!(bucket.available(start), 4);
        for _ in 0..4 {
            assert!(bucket.take(start));
        }
        assert!(!bucket.take(start));
        assert_eq!(bucket.wait(start), Duration::from_millis(250));
        assert!(bucket.take(Duration::from_millis(250)));
        // A long pause refills to the capacity, not beyond.
        assert_eq!(bucket.available(Duration::from_mins(1)), 4);
    }

    #[test]
    fn a_rate_of_zero_still_sends_one_a_second() {
        let mut bucket = TokenBucket::new(0, Duration::ZERO);
        assert!(bucket.take(Duration::ZERO));
        assert_eq!(bucket.wait(Duration::ZERO), Duration::from_secs(1));
    }
}
