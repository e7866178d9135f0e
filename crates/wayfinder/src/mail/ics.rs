//! An iCalendar file (RFC 5545) with one event, for a booking confirmation: written by hand
//! because it is a dozen lines, and a calendar crate would bring far more than it saves. The
//! three rules that matter are here and tested: CRLF line ends, lines folded at 75 octets, and
//! text values escaped.

use time::OffsetDateTime;

/// The event an appointment becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    /// Stable for the booking, so that a calendar updates rather than duplicates it.
    pub uid: &'a str,
    pub stamp: OffsetDateTime,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub summary: &'a str,
    pub description: &'a str,
    pub location: &'a str,
}

/// The `.ics` file: `VCALENDAR` with one `VEVENT`, `METHOD:PUBLISH`, times in UTC.
pub fn calendar(event: &Event<'_>) -> String {
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Wayfinder//Booking//EN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape(event.uid)),
        format!("DTSTAMP:{}", utc(event.stamp)),
        format!("DTSTART:{}", utc(event.starts_at)),
        format!("DTEND:{}", utc(event.ends_at)),
        format!("SUMMARY:{}", escape(event.summary)),
        format!("DESCRIPTION:{}", escape(event.description)),
        format!("LOCATION:{}", escape(event.location)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    lines.iter().map(|line| fold(line) + "\r\n").collect()
}

/// `20260303T100000Z`: a UTC date-time (RFC 5545 §3.3.5, form 2). Written from its parts, so
/// that building a confirmation can never fail.
fn utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, comma and semicolon escaped, line ends as `\n`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line so that no line exceeds 75 octets (RFC 5545 §3.1): the rest goes on
/// lines that start with a space, never splitting a UTF-8 character.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    // The first line holds 75 octets; a continuation holds 74 after its leading space.
    let mut room = 75;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > room {
            out.push_str("\r\n ");
            room = 74;
            used = 0;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn event<'a>(summary: &'a str, location: &'a str) -> Event<'a> {
        Event {
            uid: "abc@example.org",
            stamp: datetime!(2026-03-02 09:00 UTC),
            starts_at: datetime!(2026-03-03 21:00 +10),
            ends_at: datetime!(2026-03-03 21:30 +10),
            summary,
            description: "Client: Ann",
            location,
        }
    }

    #[test]
    fn every_line_ends_in_crlf_and_times_are_utc() {
        let ics = calendar(&event("Intake", "1 Main St"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "no bare LF");
        assert!(ics.contains("\r\nDTSTART:20260303T110000Z\r\n"), "{ics}");
        assert!(ics.contains("\r\nDTEND:20260303T113000Z\r\n"), "{ics}");
        assert!(ics.contains("\r\nMETHOD:PUBLISH\r\n"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let ics = calendar(&event("Intake, ABCD", "Unit 2; 1 Main St\r\nTown"));
        assert!(ics.contains("SUMMARY:Intake\\, ABCD\r\n"), "{ics}");
        assert!(
            ics.contains("LOCATION:Unit 2\\; 1 Main St\\nTown\r\n"),
            "{ics}"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let long = "é".repeat(100);
        let ics = calendar(&event(&long, "x"));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{long}\r\n")));
        assert_eq!(fold("short"), "short");
    }
}
