//! Time: the one read of the system clock, and the formats a timestamp is shown in.
//!
//! Everything else in `core` takes "now" as a parameter (milliseconds since the epoch), so it
//! stays deterministic; [`now_ms`] is the single place the program asks the clock.

/// Now, in milliseconds since the epoch (0 if the clock is before 1970).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// Milliseconds since the epoch as `YYYY-MM-DD HH:MM:SS` UTC (proleptic Gregorian calendar).
pub fn utc_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// `HH:MM:SS` (UTC) of a timestamp in milliseconds.
pub fn hms(ms: i64) -> String {
    let s = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// RFC 3339 in UTC, as AWS writes timestamps: `2024-02-29T12:00:00Z`, with the milliseconds
/// (trailing zeros dropped) when there are any: `2024-02-29T12:00:00.25Z`.
pub fn rfc3339(ms: i64) -> String {
    let mut out = utc_time(ms).replacen(' ', "T", 1);
    let millis = ms.rem_euclid(1000);
    if millis > 0 {
        let fraction = format!("{millis:03}");
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_times() {
        assert_eq!(utc_time(0), "1970-01-01 00:00:00");
        assert_eq!(utc_time(1_700_000_000_000), "2023-11-14 22:13:20");
        assert_eq!(utc_time(1_709_208_000_000), "2024-02-29 12:00:00");
    }

    #[test]
    fn clock_times_and_rfc3339_match_what_aws_writes() {
        assert_eq!(hms(1_700_000_000_000), "22:13:20");
        assert_eq!(hms(-1_000), "23:59:59");
        assert_eq!(rfc3339(1_709_208_000_000), "2024-02-29T12:00:00Z");
        assert_eq!(rfc3339(1_709_208_000_250), "2024-02-29T12:00:00.25Z");
        assert_eq!(rfc3339(1_709_208_000_001), "2024-02-29T12:00:00.001Z");
        // The present is after 2020 and before 2100.
        let now = now_ms();
        assert!(
            (1_577_836_800_000..4_102_444_800_000).contains(&now),
            "{now}"
        );
    }
}
