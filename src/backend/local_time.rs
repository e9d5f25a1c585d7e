//! The desk's own clock: where "today" begins and ends in the local time zone.
//!
//! The store keeps UTC milliseconds; "today's calls" and date filters mean
//! the agent's calendar day, which only the system's time zone knows. jiff
//! reads it on Windows, macOS and Linux alike.

use crate::domain::Timestamp;

/// Local midnight today and local midnight tomorrow (a day may be 23 or 25
/// hours long when the clocks change).
#[must_use]
pub fn today() -> (Timestamp, Timestamp) {
    let now = jiff::Zoned::now();
    let start = now.start_of_day().ok();
    let end = start
        .as_ref()
        .and_then(|start| start.tomorrow().ok())
        .and_then(|next| next.start_of_day().ok());
    if let (Some(start), Some(end)) = (start, end) {
        (millis(&start), millis(&end))
    } else {
        // Only at the ends of jiff's range: fall back to the last 24 hours.
        let now = Timestamp::now();
        (Timestamp(now.0 - 86_400_000), Timestamp(now.0 + 1))
    }
}

/// The local offset from UTC in seconds right now (+32400 in Seoul and Tokyo).
#[must_use]
pub fn utc_offset_seconds() -> i32 {
    jiff::Zoned::now().offset().seconds()
}

/// The local wall-clock time now, for the advertising night rule (21:00–08:00).
#[must_use]
pub fn now_time() -> jiff::civil::Time {
    jiff::Zoned::now().time()
}

/// `at` in local time as `2026-11-24 17:05:03`, for files people open.
#[must_use]
pub fn format(at: Timestamp) -> String {
    jiff::Timestamp::from_millisecond(at.0).map_or_else(
        |_| String::new(),
        |instant| {
            instant
                .to_zoned(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d %H:%M:%S")
                .to_string()
        },
    )
}

/// The moment the desk's clock shows `date` at `time` (예약발송); None when
/// that moment does not exist there (skipped when the clocks went forward)
/// or lies outside jiff's range.
#[must_use]
pub fn at(date: jiff::civil::Date, time: jiff::civil::Time) -> Option<Timestamp> {
    date.to_datetime(time)
        .to_zoned(jiff::tz::TimeZone::system())
        .ok()
        .map(|zoned| millis(&zoned))
}

fn millis(zoned: &jiff::Zoned) -> Timestamp {
    Timestamp(zoned.timestamp().as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_and_time_on_the_desk_clock_is_a_moment() {
        let now = jiff::Zoned::now();
        let at = at(now.date(), now.time()).unwrap();
        assert!((at.0 - Timestamp::now().0).abs() < 60_000);
    }

    #[test]
    fn today_holds_now() {
        let (start, end) = today();
        let now = Timestamp::now();
        assert!(start <= now && now < end);
        assert!((end.0 - start.0) >= 23 * 3_600_000 && (end.0 - start.0) <= 25 * 3_600_000);
    }
}
