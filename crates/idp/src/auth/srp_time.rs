//! The PASSWORD_VERIFIER `TIMESTAMP`: Java's `EEE MMM d HH:mm:ss z yyyy` in English, as
//! Cognito parses it (e.g. `Tue Dec 1 07:05:09 UTC 2026`).
//!
//! Cognito signs over its own rendering of the parsed instant, not the client's string: a
//! client that pads the day (`Dec 01`) signs different bytes and is refused like a wrong
//! password. `canonical` gives that rendering.

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Epoch seconds of a well-formed timestamp; `None` when it is not in the format.
pub fn parse(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split_ascii_whitespace().collect();
    let [weekday, month, day, time, zone, year] = parts.as_slice() else {
        return None;
    };
    WEEKDAYS
        .iter()
        .position(|w| w.eq_ignore_ascii_case(weekday))?;
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))? as i64 + 1;
    // Only UTC: the clients that speak SRP all send it (GMT is the same instant).
    if !(zone.eq_ignore_ascii_case("UTC") || zone.eq_ignore_ascii_case("GMT")) {
        return None;
    }
    let year: i64 = digits(year, 4, 4)?;
    let day: i64 = digits(day, 1, 2)?;
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut clock = time.split(':');
    let (Some(h), Some(m), Some(s), None) =
        (clock.next(), clock.next(), clock.next(), clock.next())
    else {
        return None;
    };
    let (h, m, s) = (digits(h, 1, 2)?, digits(m, 1, 2)?, digits(s, 1, 2)?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

/// Cognito's rendering of `secs`: unpadded day, zero-padded time, `UTC`, the year in four
/// digits (Java's `yyyy`, and what `parse` reads).
pub fn canonical(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = WEEKDAYS[(days + 4).rem_euclid(7) as usize];
    format!(
        "{weekday} {} {day} {:02}:{:02}:{:02} UTC {year:04}",
        MONTHS[(month - 1) as usize],
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

fn digits(text: &str, min: usize, max: usize) -> Option<i64> {
    if text.len() < min || text.len() > max || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders_aws_format() {
        let secs = parse("Wed Dec 2 01:05:02 UTC 2026").unwrap();
        assert_eq!(canonical(secs), "Wed Dec 2 01:05:02 UTC 2026");
        assert_eq!(parse("Thu Jan 1 00:00:00 UTC 1970"), Some(0));
        // A padded day parses to the same instant but renders unpadded.
        assert_eq!(parse("Wed Dec 02 01:05:02 UTC 2026"), Some(secs));
        assert_eq!(canonical(951_782_400), "Tue Feb 29 00:00:00 UTC 2000");
    }

    /// Found by the property test: years below 1000 were rendered in fewer than four digits,
    /// which `parse` (and Java's `yyyy`) do not read, so the rendering did not round-trip.
    #[test]
    fn early_years_render_in_four_digits() {
        let secs = parse("Tue Dec 31 23:59:59 UTC 0999").unwrap();
        assert_eq!(canonical(secs), "Tue Dec 31 23:59:59 UTC 0999");
        assert_eq!(parse(&canonical(secs)), Some(secs));
    }

    #[test]
    fn refuses_other_formats() {
        for bad in [
            "",
            "2026-12-02T01:05:02Z",
            "Wed Dec 2 01:05:02 IST 2026",
            "Wed Foo 2 01:05:02 UTC 2026",
            "Wed Feb 30 01:05:02 UTC 2026",
            "Wed Dec 2 25:05:02 UTC 2026",
            "Wed Dec 2 01:05 UTC 2026",
            "Wed Dec 2 01:05:02 UTC 26",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
#[path = "srp_time_props.rs"]
mod props;
