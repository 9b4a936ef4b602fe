#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

// Structured logs: an event name plus key/value fields, written as one JSON object per
// line (log format "json") or as `event key=value ...` (log format "text").
namespace roost::core::log {

enum class Format { json, text };
enum class Level { debug, info, warn, error };

struct Field {
  std::string_view key;
  std::variant<std::string_view, long long, double, bool> value;
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, long long v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(static_cast<long long>(v)) {}
  Field(std::string_view k, unsigned v) : key(k), value(static_cast<long long>(v)) {}
  Field(std::string_view k, long v) : key(k), value(static_cast<long long>(v)) {}
  Field(std::string_view k, unsigned long v) : key(k), value(static_cast<long long>(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
};

// Configures the process-wide logger (stderr). Safe to call again (tests do).
// Info and debug lines reach stderr within a few milliseconds (a background thread
// batches them), warn and error lines at once; everything is written at exit and before
// std::terminate.
void configure(Format format, Level level);
// Writes what is buffered now.
void flush();
bool enabled(Level level);
void write(Level level, std::string_view event, std::initializer_list<Field> fields);

inline void debug(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::debug, event, fields);
}
inline void info(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::info, event, fields);
}
inline void warn(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::warn, event, fields);
}
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::error, event, fields);
}

// Exposed for tests: how one event is rendered in a format.
std::string render(Format format, Level level, std::string_view event,
                   std::initializer_list<Field> fields);

}  // namespace roost::core::log
