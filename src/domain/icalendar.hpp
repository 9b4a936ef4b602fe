#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// An iCalendar (RFC 5545) writer for the post calendar's export: pure, no I/O. Lines end in
// CRLF and are folded at 75 octets, never inside a UTF-8 sequence; TEXT values escape
// backslash, semicolon, comma and line breaks. Instants are written in UTC ("...Z"), so the
// file needs no VTIMEZONE: a calendar application shows them in its own zone.
namespace roost::domain {

enum class ICalendarStatus { tentative, confirmed, cancelled };

struct ICalendarEvent {
  std::string uid;            // globally unique and stable: "post-42@roost.example.com"
  std::int64_t stamp_ms = 0;  // DTSTAMP: when the event's information was last revised
  std::int64_t start_ms = 0;  // DTSTART
  std::string summary;
  std::string description;                // empty: none
  std::optional<ICalendarStatus> status;  // empty: none
  std::vector<std::string> categories;    // empty: none
  std::string url;                        // empty: none
};

struct ICalendar {
  std::string product_id;  // PRODID, e.g. "-//Roost//Post calendar//EN"
  std::string name;        // X-WR-CALNAME, which calendar applications show; empty: none
  std::vector<ICalendarEvent> events;
};

// The whole VCALENDAR object, every line folded and ended by CRLF.
std::string write_icalendar(const ICalendar& calendar);

// A TEXT value (RFC 5545 §3.3.11): "\" ";" "," escaped with a backslash, CRLF, LF or CR
// as "\n", other control characters dropped (TEXT may not hold them), invalid UTF-8
// replaced by U+FFFD.
std::string escape_icalendar_text(std::string_view text);
// One content line appended to `out`: folded (§3.1) so that no line is longer than 75
// octets without its CRLF, continuation lines starting with one space, and cut only
// between UTF-8 sequences.
void append_icalendar_line(std::string& out, std::string_view line);
// A UTC DATE-TIME, "20261204T135400Z" (milliseconds are dropped).
std::string icalendar_utc(std::int64_t unix_ms);
// A one-line summary of a text: its first non-blank line, trimmed, cut to at most
// `code_points_max` code points (the last of them an ellipsis when cut).
std::string icalendar_summary(std::string_view text, std::size_t code_points_max);

}  // namespace roost::domain
