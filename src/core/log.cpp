#include "core/log.hpp"

#include "core/clock.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace roost::core::log {
namespace {

std::atomic<Format> current_format{Format::text};
std::atomic<Level> current_level{Level::info};
std::mutex output_mutex;

std::string_view level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

// JSON string escaping; bytes that are not valid UTF-8 are replaced so that a log line is
// always valid JSON, whatever a client sent.
void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (std::size_t index = 0; index < text.size(); ++index) {
    auto byte = static_cast<unsigned char>(text[index]);
    switch (byte) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    if (byte < 0x20) {
      out += fmt::format("\\u{:04x}", byte);
    } else if (byte < 0x80) {
      out.push_back(static_cast<char>(byte));
    } else {
      std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 ? 2 : 0;
      bool valid = length > 0 && index + length <= text.size() && byte < 0xF5;
      for (std::size_t next = 1; valid && next < length; ++next) {
        valid = (static_cast<unsigned char>(text[index + next]) & 0xC0) == 0x80;
      }
      if (!valid) {
        out += "\\ufffd";
        continue;
      }
      out.append(text.substr(index, length));
      index += length - 1;
    }
  }
  out.push_back('"');
}

void append_text_value(std::string& out, std::string_view text) {
  bool needs_quotes = text.empty() || text.find_first_of(" \"=\t\n") != std::string_view::npos;
  if (needs_quotes) {
    append_json_string(out, text);
  } else {
    out.append(text);
  }
}

void append_value(std::string& out, Format format, const Field& field) {
  std::visit(
      [&](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          if (format == Format::json) {
            append_json_string(out, value);
          } else {
            append_text_value(out, value);
          }
        } else if constexpr (std::is_same_v<T, bool>) {
          out += value ? "true" : "false";
        } else {
          fmt::format_to(std::back_inserter(out), "{}", value);
        }
      },
      field.value);
}

}  // namespace

void configure(Format format, Level level) {
  current_format = format;
  current_level = level;
}

bool enabled(Level level) { return level >= current_level.load(std::memory_order_relaxed); }

std::string render(Format format, Level level, std::string_view event,
                   std::initializer_list<Field> fields) {
  auto now = format_utc_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count());
  std::string out;
  out.reserve(256);
  if (format == Format::json) {
    fmt::format_to(std::back_inserter(out), R"({{"time":"{}","level":"{}","event":)", now,
                   level_name(level));
    append_json_string(out, event);
    for (const auto& field : fields) {
      out.push_back(',');
      append_json_string(out, field.key);
      out.push_back(':');
      append_value(out, format, field);
    }
    out += "}\n";
  } else {
    fmt::format_to(std::back_inserter(out), "{} {} {}", now, level_name(level), event);
    for (const auto& field : fields) {
      out.push_back(' ');
      out.append(field.key);
      out.push_back('=');
      append_value(out, format, field);
    }
    out.push_back('\n');
  }
  return out;
}

void write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  std::string line = render(current_format.load(std::memory_order_relaxed), level, event, fields);
  std::lock_guard lock(output_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace roost::core::log
