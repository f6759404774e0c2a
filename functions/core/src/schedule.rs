//! Working hours and time away, in a time zone: when a team or a member can take a lead.
//!
//! Hours are written as `"<days> <HH:MM>-<HH:MM>"`: days are `mon` … `sun`, a range
//! (`mon-fri`, `fri-mon` wraps), a list (`mon,wed,fri`) or `daily`; the end may be
//! `24:00`, and an end before the start runs past midnight (`22:00-06:00` on `fri` is
//! Friday 22:00 to Saturday 06:00). Time away is a date or an inclusive range of dates
//! (`2026-12-24/2026-12-31`), in the member's time zone.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc, Weekday};
use chrono_tz::Tz;

const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

/// One line of hours: the days it starts on and its minutes of the day.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Span {
    /// Indexed by `Weekday::num_days_from_monday`.
    days: [bool; 7],
    start: u32,
    /// Minutes after midnight, up to 1440; at most `start` means it ends the next day.
    end: u32,
}

/// When someone works: any of the spans, or always.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hours {
    /// Empty: always.
    spans: Vec<Span>,
}

impl Hours {
    pub fn always() -> Self {
        Hours::default()
    }

    pub fn is_always(&self) -> bool {
        self.spans.is_empty()
    }

    /// Parses the lines of a `hours = [...]` setting.
    pub fn parse(lines: &[&str]) -> Result<Hours, String> {
        let spans = lines
            .iter()
            .map(|l| parse_span(l))
            .collect::<Result<_, _>>()?;
        Ok(Hours { spans })
    }

    /// Whether local time `t` is within the hours.
    pub fn contains(&self, t: NaiveDateTime) -> bool {
        if self.spans.is_empty() {
            return true;
        }
        let minute = t.hour() * 60 + t.minute();
        let today = t.weekday().num_days_from_monday() as usize;
        let yesterday = (today + 6) % 7;
        self.spans.iter().any(|s| {
            let overnight = s.end <= s.start;
            (s.days[today] && minute >= s.start && (overnight || minute < s.end))
                || (overnight && s.days[yesterday] && minute < s.end)
        })
    }
}

fn parse_span(line: &str) -> Result<Span, String> {
    let bad = |why: &str| {
        format!("{line:?} is not working hours ({why}): write e.g. \"mon-fri 09:00-18:00\"")
    };
    let (days, times) = line
        .trim()
        .split_once(char::is_whitespace)
        .ok_or_else(|| bad("days, a space, then HH:MM-HH:MM"))?;
    let (from, to) = times
        .trim()
        .split_once('-')
        .ok_or_else(|| bad("the time is HH:MM-HH:MM"))?;
    let start = minutes(from, false).ok_or_else(|| bad("a start of 00:00 to 23:59"))?;
    let end = minutes(to, true).ok_or_else(|| bad("an end of 00:00 to 24:00"))?;
    if start == end {
        return Err(bad("it starts and ends at the same time"));
    }
    let mut set = [false; 7];
    for part in days.trim().to_ascii_lowercase().split(',') {
        let part = part.trim();
        if part == "daily" {
            set = [true; 7];
            continue;
        }
        let day = |d: &str| {
            DAYS.iter()
                .find(|(n, _)| *n == d)
                .map(|(_, w)| w.num_days_from_monday() as usize)
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (
                    day(a).ok_or_else(|| bad("days are mon … sun"))?,
                    day(b).ok_or_else(|| bad("days are mon … sun"))?,
                );
                let mut d = a;
                loop {
                    set[d] = true;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => set[day(part).ok_or_else(|| bad("days are mon … sun or daily"))?] = true,
        }
    }
    Ok(Span {
        days: set,
        start,
        end,
    })
}

/// `HH:MM` as minutes after midnight; `24:00` only as an end.
fn minutes(s: &str, end: bool) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) if end => Some(1440),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// An inclusive range of dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// `2026-12-24` or `2026-12-24/2026-12-31`.
    pub fn parse(s: &str) -> Result<DateRange, String> {
        let bad = || {
            format!("{s:?} is not a date or a range of dates: write e.g. \"2026-12-24/2026-12-31\"")
        };
        let date = |d: &str| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| bad());
        let (from, to) = match s.split_once('/') {
            Some((a, b)) => (date(a)?, date(b)?),
            None => (date(s)?, date(s)?),
        };
        if to < from {
            return Err(format!("{s:?} ends before it starts"));
        }
        Ok(DateRange { from, to })
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }
}

/// A time zone by its IANA name (`Europe/Berlin`).
pub fn zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>()
        .map_err(|_| format!("{name:?} is not an IANA time zone (e.g. \"Europe/Berlin\")"))
}

/// `Sat 19:04 Europe/Berlin`: the local time, as reasons quote it.
pub fn local_label(at: DateTime<Utc>, tz: Tz) -> String {
    let l = at.with_timezone(&tz);
    format!("{} {}", l.format("%a %H:%M"), tz.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn hours_cover_their_days_and_times() {
        // 2026-12-04 is a Friday
        let h = Hours::parse(&["mon-fri 09:00-18:00", "sat 10:00-14:00"]).unwrap();
        assert!(h.contains(at("2026-12-04 09:00")));
        assert!(h.contains(at("2026-12-04 17:59")));
        assert!(!h.contains(at("2026-12-04 18:00")), "the end is exclusive");
        assert!(!h.contains(at("2026-12-04 08:59")));
        assert!(h.contains(at("2026-12-05 10:30")), "Saturday");
        assert!(!h.contains(at("2026-12-05 14:00")));
        assert!(!h.contains(at("2026-12-06 12:00")), "Sunday");
        assert!(Hours::always().contains(at("2026-12-06 03:00")));
    }

    #[test]
    fn overnight_lists_wrapping_ranges_and_daily() {
        let night = Hours::parse(&["fri 22:00-06:00"]).unwrap();
        assert!(night.contains(at("2026-12-04 23:30")), "Friday night");
        assert!(night.contains(at("2026-12-05 05:59")), "into Saturday");
        assert!(!night.contains(at("2026-12-05 06:00")));
        assert!(
            !night.contains(at("2026-12-04 05:00")),
            "Friday early is Thursday's night"
        );
        let weekend = Hours::parse(&["fri-mon 00:00-24:00"]).unwrap();
        assert!(weekend.contains(at("2026-12-07 23:59")), "Monday");
        assert!(!weekend.contains(at("2026-12-08 12:00")), "Tuesday");
        let list = Hours::parse(&["MON,wed 08:00-12:00"]).unwrap();
        assert!(list.contains(at("2026-12-09 08:00")), "Wednesday");
        assert!(!list.contains(at("2026-12-08 08:00")), "Tuesday");
        assert!(Hours::parse(&["daily 00:00-24:00"])
            .unwrap()
            .contains(at("2026-12-06 00:00")));
    }

    #[test]
    fn malformed_hours_dates_and_zones_say_why() {
        for bad in [
            "",
            "mon-fri",
            "mon-fri 9:00-18:00",
            "mon-fri 09:00-24:01",
            "funday 09:00-18:00",
            "mon 24:00-10:00",
            "mon 10:00-10:00",
            "mon 10:00",
        ] {
            let e = Hours::parse(&[bad]).unwrap_err();
            assert!(e.contains("is not working hours"), "{bad:?}: {e}");
        }
        assert_eq!(
            DateRange::parse("2026-12-24/2026-12-31").unwrap(),
            DateRange {
                from: NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
                to: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
            }
        );
        assert!(DateRange::parse("2026-12-24")
            .unwrap()
            .contains(NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()));
        assert!(DateRange::parse("2026-12-31/2026-12-24")
            .unwrap_err()
            .contains("ends before it starts"));
        assert!(DateRange::parse("24.12.2026").is_err());
        assert!(zone("Europe/Berlin").is_ok());
        assert!(zone("Mars/Olympus").unwrap_err().contains("IANA"));
        let t = "2026-12-05T18:04:00Z".parse().unwrap();
        assert_eq!(
            local_label(t, zone("Europe/Berlin").unwrap()),
            "Sat 19:04 Europe/Berlin"
        );
    }
}
