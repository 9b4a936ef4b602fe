#include "core/log.hpp"

#include "core/clock.hpp"
#include "core/utf8.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace roost::core::log {
namespace {

std::atomic<Format> current_format{Format::text};
std::atomic<Level> current_level{Level::info};

// How long an info or debug line may wait in memory before it reaches stderr, and how
// much may wait: the writer thread flushes after this delay, a writer that fills the
// buffer flushes it itself. See docs/adr/0008-buffered-log-writer.md.
constexpr std::chrono::milliseconds flush_delay{2};
constexpr std::size_t buffer_bytes_max = 64 * 1024;

// Writes all of `data` to stderr, retrying short writes and EINTR.
void write_fully(std::string_view data) {
  while (!data.empty()) {
    auto written = ::write(STDERR_FILENO, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // stderr is gone: nowhere left to say so
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
}

// Lines at info and debug level (the access log) are appended to a buffer that a
// background thread writes with one write(2) per flush_delay, instead of one write per
// line; warn and error lines, and every line once the writer stopped (at exit), go out at
// once, after what is buffered, so that order is kept.
class Writer {
 public:
  void append(std::string_view line, bool urgent) {
    {
      std::unique_lock lock(mutex_);
      if (!urgent && !stopped_) {
        start_locked();
        bool was_empty = buffer_.empty();
        buffer_.append(line);
        if (buffer_.size() < buffer_bytes_max) {
          if (was_empty) wake_.notify_one();
          return;
        }
        line = {};  // in the buffer, which is full: flush it here
      }
    }
    std::lock_guard output(output_mutex_);
    std::unique_lock lock(mutex_);
    flush_locked_buffer(lock);
    lock.unlock();
    write_fully(line);
  }

  // Everything buffered reaches stderr before this returns.
  void flush() {
    std::lock_guard output(output_mutex_);
    std::unique_lock lock(mutex_);
    flush_locked_buffer(lock);
  }

  // At exit: the thread stops, what it had not written yet is written.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      stopped_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
    flush();
  }

 private:
  void start_locked() {
    if (started_) return;
    started_ = true;
    thread_ = std::thread([this] { run(); });
  }

  // Takes the buffer under `lock` (held on entry and on return), writes it without
  // blocking appenders. The caller holds output_mutex_ (always taken before mutex_), so
  // writes keep their order and pending_ has one user.
  void flush_locked_buffer(std::unique_lock<std::mutex>& lock) {
    if (buffer_.empty()) return;
    pending_.clear();
    pending_.swap(buffer_);
    lock.unlock();
    write_fully(pending_);
    lock.lock();
  }

  void run() {
    std::unique_lock lock(mutex_);
    while (!stopped_) {
      wake_.wait(lock, [this] { return stopped_ || !buffer_.empty(); });
      if (stopped_) break;
      // Let the lines of the next few milliseconds join this write.
      wake_.wait_for(lock, flush_delay, [this] { return stopped_; });
      lock.unlock();
      std::lock_guard output(output_mutex_);
      lock.lock();
      flush_locked_buffer(lock);
    }
  }

  std::mutex mutex_;         // guards buffer_, started_, stopped_
  std::mutex output_mutex_;  // one writer to stderr at a time; taken before mutex_
  std::condition_variable wake_;
  std::string buffer_;
  std::string pending_;
  std::thread thread_;
  bool started_ = false;
  bool stopped_ = false;
};

// Never destroyed: lines logged by static destructors after exit() still go out (at once,
// as the writer is stopped by then).
Writer& writer() {
  static Writer* instance = [] {
    auto* made = new Writer();
    std::atexit([] { writer().stop(); });
    return made;
  }();
  return *instance;
}

std::terminate_handler previous_terminate = nullptr;

void flush_then_terminate() {
  writer().flush();
  if (previous_terminate != nullptr) previous_terminate();
  std::abort();
}

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
      const std::size_t length = utf8_sequence_length(text, index);
      if (length == 0) {
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
        } else if constexpr (std::is_same_v<T, long long>) {
          std::array<char, 24> digits{};
          out.append(digits.data(),
                     std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr);
        } else {
          fmt::format_to(std::back_inserter(out), "{}", value);
        }
      },
      field.value);
}

// The time as core::format_utc_ms writes it (2026-11-23T16:35:22.123Z); the part up to
// the second is formatted once a second per thread, not once a line.
void append_now(std::string& out) {
  auto unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  thread_local std::int64_t cached_second = -1;
  thread_local std::string cached_prefix;  // up to and with the '.' before the milliseconds
  std::int64_t second = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
  if (second != cached_second) {
    cached_prefix = format_utc_ms(second * 1000);
    cached_prefix.resize(cached_prefix.size() - 4);  // drops "000Z"
    cached_second = second;
  }
  auto milliseconds = static_cast<int>(unix_ms - second * 1000);
  out += cached_prefix;
  out.push_back(static_cast<char>('0' + milliseconds / 100));
  out.push_back(static_cast<char>('0' + milliseconds / 10 % 10));
  out.push_back(static_cast<char>('0' + milliseconds % 10));
  out.push_back('Z');
}

}  // namespace

void configure(Format format, Level level) {
  current_format = format;
  current_level = level;
  static std::once_flag terminate_installed;
  std::call_once(terminate_installed, [] {
    writer();  // registers the flush at exit before anything is logged
    previous_terminate = std::set_terminate(flush_then_terminate);
  });
}

void flush() { writer().flush(); }

bool enabled(Level level) { return level >= current_level.load(std::memory_order_relaxed); }

std::string render(Format format, Level level, std::string_view event,
                   std::initializer_list<Field> fields) {
  std::string out;
  out.reserve(256);
  if (format == Format::json) {
    out += R"({"time":")";
    append_now(out);
    out += R"(","level":")";
    out += level_name(level);
    out += R"(","event":)";
    append_json_string(out, event);
    for (const auto& field : fields) {
      out.push_back(',');
      append_json_string(out, field.key);
      out.push_back(':');
      append_value(out, format, field);
    }
    out += "}\n";
  } else {
    append_now(out);
    out.push_back(' ');
    out += level_name(level);
    out.push_back(' ');
    out += event;
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
  writer().append(line, level >= Level::warn);
}

}  // namespace roost::core::log
