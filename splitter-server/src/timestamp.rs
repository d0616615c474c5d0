//! Times on the wire: the server keeps Unix seconds (in the database and in memory) and shows
//! every time as an RFC 3339 timestamp in UTC (`2026-12-01T06:07:16Z`), converted here and
//! nowhere else.

use serde::{Serialize, Serializer};

/// A time the API shows: Unix seconds inside, RFC 3339 in UTC on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub i64);

/// The first second of the year 10000: RFC 3339 has four-digit years, so later times are shown
/// as the last second of 9999 (and times before 1 January of year 0 as its first).
const LIMIT: i64 = 253_402_300_800;
/// 0000-01-01T00:00:00Z in Unix seconds.
const FIRST: i64 = -62_167_219_200;

impl Timestamp {
    /// The RFC 3339 text, `YYYY-MM-DDTHH:MM:SSZ`.
    ///
    /// ```
    /// use splitter_server::timestamp::Timestamp;
    /// assert_eq!(Timestamp(0).rfc3339(), "1970-01-01T00:00:00Z");
    /// assert_eq!(Timestamp(1_796_105_236).rfc3339(), "2026-12-01T06:07:16Z");
    /// ```
    pub fn rfc3339(self) -> String {
        let secs = self.0.clamp(FIRST, LIMIT - 1);
        let (days, second_of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60
        )
    }
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, exact for every day of years 0 to 9999).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

impl utoipa::PartialSchema for Timestamp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .description(Some("An RFC 3339 timestamp in UTC, to the second."))
            .pattern(Some(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))
            .examples([serde_json::json!("2026-12-01T06:07:16Z")])
            .into()
    }
}

impl utoipa::ToSchema for Timestamp {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_times() {
        for (secs, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (-1, "1969-12-31T23:59:59Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (951_868_799, "2000-02-29T23:59:59Z"),
            (4_107_542_400, "2100-03-01T00:00:00Z"),
            (1_796_105_236, "2026-12-01T06:07:16Z"),
            (FIRST, "0000-01-01T00:00:00Z"),
            (LIMIT - 1, "9999-12-31T23:59:59Z"),
            (i64::MAX, "9999-12-31T23:59:59Z"),
            (i64::MIN, "0000-01-01T00:00:00Z"),
        ] {
            assert_eq!(Timestamp(secs).rfc3339(), text, "{secs}");
        }
    }

    /// Day by day over four centuries (a whole Gregorian cycle, leap years and century years
    /// included), every date follows the one before it on the calendar.
    #[test]
    fn days_follow_each_other() {
        let days_in = |y: i64, m: i64| match m {
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        let mut prev = civil_from_days(-1);
        assert_eq!(prev, (1969, 12, 31));
        for day in 0..146_097 {
            let (y, m, d) = civil_from_days(day);
            let (py, pm, pd) = prev;
            let expected = if pd < days_in(py, pm) {
                (py, pm, pd + 1)
            } else if pm < 12 {
                (py, pm + 1, 1)
            } else {
                (py + 1, 1, 1)
            };
            assert_eq!((y, m, d), expected, "day {day}");
            prev = (y, m, d);
        }
        assert_eq!(prev, (2369, 12, 31));
    }

    #[test]
    fn serializes_as_a_string() {
        assert_eq!(
            serde_json::to_string(&Timestamp(86_399)).unwrap(),
            "\"1970-01-01T23:59:59Z\""
        );
    }
}
