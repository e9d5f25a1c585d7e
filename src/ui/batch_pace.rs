//! How fast a running bulk send goes and when it will be through: pure
//! arithmetic on the progress samples the results window keeps (one per
//! [`crate::backend::Event::BatchProgress`], about one a second).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::app::thousands;
use super::i18n::Texts;

/// The rate is measured over the progress of this last stretch.
pub const RATE_WINDOW_SECS: f64 = 30.0;
/// Samples closer together than this tell too little to give a rate.
const MIN_SPAN_SECS: f64 = 2.0;
/// Samples kept per batch (a few more than the window holds at one a second).
const MAX_SAMPLES: usize = 64;
/// The backend tells a running batch's progress only when it changed (at
/// most once a second); longer without news means nothing moved since.
const QUIET_AFTER: Duration = Duration::from_secs(2);

/// The progress samples of one running batch: when each arrived and how
/// many recipients were finished then.
#[derive(Debug, Default)]
pub struct Pace {
    samples: VecDeque<(Instant, u64)>,
}

impl Pace {
    /// Notes that `finished` recipients were done at `at`; samples older
    /// than the rate's window (but the one just before it) are dropped.
    pub fn record(&mut self, at: Instant, finished: u64) {
        if let Some(&(_, last)) = self.samples.back()
            && finished < last
        {
            // Failures sent again count as unfinished: measure afresh.
            self.samples.clear();
        }
        self.samples.push_back((at, finished));
        while self.samples.len() > MAX_SAMPLES
            || self.samples.get(1).is_some_and(|(second, _)| {
                at.duration_since(*second).as_secs_f64() >= RATE_WINDOW_SECS
            })
        {
            self.samples.pop_front();
        }
    }

    /// Recipients finished per minute lately (as of `now`), once it can be
    /// told; a batch the backend has had no news of for a while is taken
    /// to have stood still since, so a stall brings its rate down.
    #[must_use]
    pub fn per_minute(&self, now: Instant) -> Option<f64> {
        let (origin, _) = *self.samples.front()?;
        let mut samples: Vec<(f64, u64)> = self
            .samples
            .iter()
            .map(|(at, finished)| (at.duration_since(origin).as_secs_f64(), *finished))
            .collect();
        if let Some(&(last_at, finished)) = self.samples.back()
            && now.saturating_duration_since(last_at) > QUIET_AFTER
        {
            samples.push((now.duration_since(origin).as_secs_f64(), finished));
        }
        rate_per_minute(&samples)
    }
}

/// Recipients finished per minute from progress samples `(seconds,
/// finished)`, oldest first, measured over the last [`RATE_WINDOW_SECS`]
/// before the newest sample. None until two samples lie at least two
/// seconds apart.
#[must_use]
pub fn rate_per_minute(samples: &[(f64, u64)]) -> Option<f64> {
    let &(last_at, last_finished) = samples.last()?;
    // Progress moves only at samples, so the count at the window's start
    // is that of the last sample before it, when there is one.
    let start = last_at - RATE_WINDOW_SECS;
    let (first_at, first_finished) = match samples.iter().rev().find(|(at, _)| *at <= start) {
        Some(&(_, finished)) => (start, finished),
        None => *samples.first()?,
    };
    let span = last_at - first_at;
    if span < MIN_SPAN_SECS {
        return None;
    }
    let finished = last_finished.saturating_sub(first_finished);
    Some(count_as_f64(finished) * 60.0 / span)
}

/// Whole minutes (rounded up) until `remaining` recipients are finished at
/// `per_minute`; None when nothing moves.
#[must_use]
pub fn eta_minutes(remaining: u64, per_minute: f64) -> Option<u64> {
    if remaining == 0 {
        return Some(0);
    }
    if per_minute.is_nan() || per_minute <= 0.0 {
        return None;
    }
    let minutes = (count_as_f64(remaining) / per_minute).ceil();
    // A rate so slow the wait runs past a year says nothing useful.
    if minutes > 525_600.0 {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a positive whole number below a year's minutes"
    )]
    Some(minutes as u64)
}

/// "약 3분", "약 1시간 20분", "약 2시간", in the window's language.
#[must_use]
pub fn eta_text(texts: &Texts, minutes: u64) -> String {
    let (hours, rest) = (minutes / 60, minutes % 60);
    match (hours, rest) {
        (0, _) => texts.fmt("batch_results.eta_minutes", &[("minutes", &minutes.max(1))]),
        (_, 0) => texts.fmt("batch_results.eta_hours", &[("hours", &thousands(hours))]),
        _ => texts.fmt(
            "batch_results.eta_hours_minutes",
            &[("hours", &thousands(hours)), ("minutes", &rest)],
        ),
    }
}

/// "120건/분", rounded to whole recipients.
#[must_use]
pub fn rate_text(texts: &Texts, per_minute: f64) -> String {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "rounded, never negative, far below u64::MAX"
    )]
    let rounded = per_minute.max(0.0).round() as u64;
    texts.fmt(
        "batch_results.per_minute",
        &[("count", &thousands(rounded))],
    )
}

#[expect(
    clippy::cast_precision_loss,
    reason = "recipient counts stay far below 2^52"
)]
fn count_as_f64(count: u64) -> f64 {
    count as f64
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use rstest::rstest;

    use super::*;
    use crate::config::Language;

    #[rstest]
    #[case::nothing(&[], None)]
    #[case::one_sample(&[(0.0, 10)], None)]
    #[case::too_close(&[(0.0, 10), (1.5, 40)], None)]
    #[case::steady(&[(0.0, 0), (1.0, 2), (2.0, 4), (3.0, 6), (4.0, 8)], Some(120.0))]
    #[case::stalled(&[(0.0, 50), (10.0, 50)], Some(0.0))]
    // Only the last 30 s count: a fast start 100 s ago is forgotten.
    #[case::window(&[(0.0, 0), (70.0, 1000), (100.0, 1030)], Some(60.0))]
    fn rate_over_the_last_half_minute(#[case] samples: &[(f64, u64)], #[case] want: Option<f64>) {
        let got = rate_per_minute(samples);
        match (got, want) {
            (Some(got), Some(want)) => assert!((got - want).abs() < 1e-9, "{got} != {want}"),
            _ => assert_eq!(got, want),
        }
    }

    #[rstest]
    #[case::done(0, 0.0, Some(0))]
    #[case::stalled(10, 0.0, None)]
    #[case::nan(10, f64::NAN, None)]
    #[case::under_a_minute(30, 120.0, Some(1))]
    #[case::rounded_up(250, 120.0, Some(3))]
    #[case::exact(360, 120.0, Some(3))]
    #[case::hours(10_000, 100.0, Some(100))]
    #[case::hopeless(1_000_000, 0.001, None)]
    fn eta_is_remaining_over_rate_rounded_up(
        #[case] remaining: u64,
        #[case] per_minute: f64,
        #[case] want: Option<u64>,
    ) {
        assert_eq!(eta_minutes(remaining, per_minute), want);
    }

    #[rstest]
    #[case(0, "약 1분")]
    #[case(3, "약 3분")]
    #[case(59, "약 59분")]
    #[case(60, "약 1시간")]
    #[case(80, "약 1시간 20분")]
    fn eta_reads_as_words(#[case] minutes: u64, #[case] want: &str) {
        let texts = Texts::new(Language::Ko);
        assert_eq!(eta_text(&texts, minutes), want);
    }

    #[test]
    fn rates_read_as_recipients_per_minute() {
        let texts = Texts::new(Language::Ko);
        assert_eq!(rate_text(&texts, 1234.4), "1,234건/분");
        assert_eq!(rate_text(&texts, -1.0), "0건/분");
    }

    #[test]
    fn the_pace_keeps_half_a_minute_and_starts_over_when_failures_go_again() {
        let start = Instant::now();
        let at = |second: u64| start + Duration::from_secs(second);
        let mut pace = Pace::default();
        assert_eq!(pace.per_minute(at(0)), None);
        for second in 0..=60_u64 {
            pace.record(at(second), second * 5);
        }
        // 5 a second is 300 a minute, over the 30 s kept.
        let rate = pace.per_minute(at(60)).unwrap();
        assert!((rate - 300.0).abs() < 1e-6, "{rate}");
        assert!(pace.samples.len() <= 32, "{}", pace.samples.len());
        // No news for 15 s: half the window stood still.
        let rate = pace.per_minute(at(75)).unwrap();
        assert!((rate - 150.0).abs() < 1e-6, "{rate}");
        // A whole window without news: nothing moves.
        assert_eq!(pace.per_minute(at(100)), Some(0.0));
        pace.record(at(101), 10);
        assert_eq!(pace.per_minute(at(101)), None);
    }
}
