#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "core/error.hpp"

namespace roost::core {

// An expected failure is a value. Result<T> holds either a T or an Error; callers test
// ok() and return early. (std::expected is C++23; g++ 12 builds C++20.) A layer whose
// callers must tell failures apart by more than an ErrorCode names its own error type E
// (networks::NetworkError: retry, refresh or give up).
template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<T>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const& {
    assert(!ok());
    return std::get<E>(state_);
  }
  E&& error() && {
    assert(!ok());
    return std::get<E>(std::move(state_));
  }

 private:
  std::variant<T, E> state_;
};

template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  Result(E error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const E& error() const& {
    assert(!ok_);
    return error_;
  }
  E&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  E error_;
  bool ok_ = true;
};

inline Result<void> success() { return {}; }

}  // namespace roost::core
