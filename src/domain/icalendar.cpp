#include "domain/icalendar.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "core/utf8.hpp"
#include "domain/text.hpp"

namespace roost::domain {
namespace {

// RFC 5545 §3.1: "Lines of text SHOULD NOT be longer than 75 octets, excluding the line
// break."
constexpr std::size_t line_octets_max = 75;
constexpr std::string_view replacement_character = "\xEF\xBF\xBD";
constexpr std::string_view ellipsis = "\xE2\x80\xA6";

void append_property(std::string& out, std::string_view name, std::string_view value) {
  std::string line(name);
  line.push_back(':');
  line.append(value);
  append_icalendar_line(out, line);
}

std::string_view status_name(ICalendarStatus status) {
  switch (status) {
    case ICalendarStatus::tentative: return "TENTATIVE";
    case ICalendarStatus::confirmed: return "CONFIRMED";
    case ICalendarStatus::cancelled: return "CANCELLED";
  }
  return "TENTATIVE";
}

void append_event(std::string& out, const ICalendarEvent& event) {
  append_property(out, "BEGIN", "VEVENT");
  append_property(out, "UID", escape_icalendar_text(event.uid));
  append_property(out, "DTSTAMP", icalendar_utc(event.stamp_ms));
  append_property(out, "DTSTART", icalendar_utc(event.start_ms));
  append_property(out, "SUMMARY", escape_icalendar_text(event.summary));
  if (!event.description.empty()) {
    append_property(out, "DESCRIPTION", escape_icalendar_text(event.description));
  }
  if (event.status) append_property(out, "STATUS", status_name(*event.status));
  if (!event.categories.empty()) {
    std::string categories;
    for (const auto& category : event.categories) {
      if (!categories.empty()) categories.push_back(',');
      categories += escape_icalendar_text(category);
    }
    append_property(out, "CATEGORIES", categories);
  }
  // A URI value is not TEXT: it is written as is, but may not break the line.
  if (!event.url.empty() && event.url.find_first_of("\r\n") == std::string::npos) {
    append_property(out, "URL", event.url);
  }
  append_property(out, "END", "VEVENT");
}

}  // namespace

std::string escape_icalendar_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t index = 0;
  while (index < text.size()) {
    const char c = text[index];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r':
        out += "\\n";
        if (index + 1 < text.size() && text[index + 1] == '\n') ++index;
        break;
      default: {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80) {
          const std::size_t length = core::utf8_sequence_length(text, index);
          if (length == 0) {
            out += replacement_character;
          } else {
            out.append(text.substr(index, length));
            index += length - 1;
          }
        } else if (byte == '\t' || (byte >= 0x20 && byte != 0x7F)) {
          out.push_back(c);
        }
      }
    }
    ++index;
  }
  return out;
}

void append_icalendar_line(std::string& out, std::string_view line) {
  std::size_t room = line_octets_max;
  while (line.size() > room) {
    // A fold may not split a character; room is far more than one character, so the cut
    // always moves on.
    const std::size_t cut = core::utf8_prefix(line, room).size();
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    room = line_octets_max - 1;  // the leading space counts
  }
  out.append(line);
  out += "\r\n";
}

std::string icalendar_utc(std::int64_t unix_ms) {
  // "2026-12-04T13:54:00.123Z" -> "20261204T135400Z"
  const std::string iso = core::format_utc_ms(unix_ms);
  std::string out;
  for (char c : iso.substr(0, iso.find('.'))) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  if (out.empty() || out.back() != 'Z') out.push_back('Z');
  return out;
}

std::string icalendar_summary(std::string_view text, std::size_t code_points_max) {
  std::string_view line;
  while (!text.empty()) {
    const auto end = text.find_first_of("\r\n");
    line = trim(text.substr(0, end));
    if (!line.empty() || end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  if (code_points_max == 0) return {};
  // Where each code point starts, up to one past the limit: enough to know whether to cut.
  std::vector<std::size_t> starts;
  for (std::size_t index = 0; index < line.size() && starts.size() <= code_points_max;) {
    starts.push_back(index);
    index += std::max<std::size_t>(1, core::utf8_sequence_length(line, index));
  }
  if (starts.size() <= code_points_max) return std::string(line);
  return std::string(line.substr(0, starts[code_points_max - 1])) + std::string(ellipsis);
}

std::string write_icalendar(const ICalendar& calendar) {
  std::string out;
  append_property(out, "BEGIN", "VCALENDAR");
  append_property(out, "VERSION", "2.0");
  append_property(out, "PRODID", escape_icalendar_text(calendar.product_id));
  append_property(out, "CALSCALE", "GREGORIAN");
  if (!calendar.name.empty()) {
    append_property(out, "X-WR-CALNAME", escape_icalendar_text(calendar.name));
  }
  for (const auto& event : calendar.events) append_event(out, event);
  append_property(out, "END", "VCALENDAR");
  return out;
}

}  // namespace roost::domain
