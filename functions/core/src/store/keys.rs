//! Key material both stores share, so their orderings can never drift apart.

use chrono::{DateTime, Datelike, TimeZone, Utc};

/// How long every [`time_key`] is.
pub const TIME_KEY_LEN: usize = 30;

/// A fixed-width text form of an instant that sorts chronologically: RFC 3339 in UTC
/// with nanoseconds, e.g. `2025-03-14T09:00:00.000000000Z` ([`TIME_KEY_LEN`]
/// characters). Readable as it is (the DynamoDB console) and the form the DynamoDB
/// table's keys have always had.
///
/// Four-digit years only: instants before year 0 or after 9999 are clamped to the
/// first or last instant of that range, so the width never changes (and the order
/// holds, not strictly, at the edges). A leap second keeps its `:60`, which still sorts
/// between the second before and the minute after.
pub fn time_key(t: DateTime<Utc>) -> String {
    let t = if t.year() < 0 {
        Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap()
    } else if t.year() > 9999 {
        Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap()
            + chrono::Duration::nanoseconds(999_999_999)
    } else {
        t
    };
    t.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn time_keys_sort_chronologically_and_have_one_width() {
        let t0 = Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 0).unwrap();
        let times = [
            Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap() + Duration::nanoseconds(1),
            Utc.with_ymd_and_hms(1960, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
            t0 - Duration::nanoseconds(1),
            t0,
            t0 + Duration::nanoseconds(1),
            t0 + Duration::milliseconds(1),
            Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 1).unwrap(),
            Utc.with_ymd_and_hms(2262, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
        ];
        let keys: Vec<String> = times.iter().map(|t| time_key(*t)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        assert!(keys.iter().all(|k| k.len() == TIME_KEY_LEN), "{keys:?}");
        assert_eq!(keys[4], "2025-03-14T09:00:00.000000000Z");
        assert_eq!(keys[5], "2025-03-14T09:00:00.000000001Z");
    }

    #[test]
    fn time_keys_outside_four_digit_years_are_clamped() {
        let first = time_key(DateTime::<Utc>::MIN_UTC);
        let last = time_key(DateTime::<Utc>::MAX_UTC);
        assert_eq!(first, "0000-01-01T00:00:00.000000000Z");
        assert_eq!(last, "9999-12-31T23:59:59.999999999Z");
        let y10k = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(time_key(y10k), last);
        assert!(time_key(Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap()) < last);
    }
}
