//! Time as the core sees it: passed in, never read from the system here.

/// A source of "now" that the simulated user can move forward.
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
    /// The simulated user acted (answered a prompt, came back from a redirect).
    /// A virtual clock moves forward; a real clock ignores this.
    fn user_acted(&mut self);
}

/// A virtual clock: starts at a fixed instant and moves one second each time
/// the user acts (flow-file.md §1 `clock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock {
    /// Current time in milliseconds since the Unix epoch.
    pub now_ms: i64,
}

impl Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        self.now_ms
    }
    fn user_acted(&mut self) {
        self.now_ms += 1000;
    }
}

/// Formats milliseconds since the epoch as JavaScript's `toISOString` does:
/// `2026-01-01T00:00:00.000Z`.
pub fn iso8601(ms: i64) -> String {
    let [year, month, day, hour, minute, second, milli] = civil(ms);
    if !(0..=9999).contains(&year) {
        return with_format(ms);
    }
    // Written digit by digit: every snapshot's methods carry one, and
    // `format!` costs several times as much.
    let mut text = *b"0000-00-00T00:00:00.000Z";
    for (at, width, value) in [
        (0, 4, year),
        (5, 2, month),
        (8, 2, day),
        (11, 2, hour),
        (14, 2, minute),
        (17, 2, second),
        (20, 3, milli),
    ] {
        let mut value = value;
        for digit in text[at..at + width].iter_mut().rev() {
            *digit = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
    String::from_utf8(text.to_vec()).expect("digits and separators are ASCII")
}

/// [`iso8601`] written with `format!`, for the years it does not write
/// itself (and for its test).
fn with_format(ms: i64) -> String {
    let [year, month, day, hour, minute, second, milli] = civil(ms);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{milli:03}Z")
}

/// Year, month, day, hour, minute, second and millisecond (UTC) of `ms`
/// milliseconds since the epoch.
fn civil(ms: i64) -> [i64; 7] {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    [
        year,
        month,
        day,
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_matches_javascript() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_767_225_600_000), "2026-01-01T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(iso8601(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn iso8601_writes_what_format_writes() {
        // Both sides of year 0 and of year 9999, and steps through the rest.
        let mut ms = -62_198_755_200_000_i64 - 86_400_000;
        while ms < 253_402_300_800_000 + 86_400_000 {
            assert_eq!(iso8601(ms), with_format(ms), "{ms}");
            ms += 7_777_777_777;
        }
        for ms in [
            -62_167_219_200_001,
            -62_167_219_200_000,
            253_402_300_799_999,
            253_402_300_800_000,
        ] {
            assert_eq!(iso8601(ms), with_format(ms), "{ms}");
        }
    }

    #[test]
    fn fixed_clock_moves_a_second_per_user_action() {
        let mut clock = FixedClock { now_ms: 5 };
        clock.user_acted();
        assert_eq!(clock.now_ms(), 1005);
    }
}
