#pragma once

#include <exception>
#include <optional>
#include <type_traits>

#include "api/http/awaitable.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace roost::api::http {

// Runs blocking work (SQLite, libpq, libcurl, disk) on its own thread pool and resumes the
// calling coroutine on its own executor: I/O threads never block.
class BlockingExecutor {
 public:
  explicit BlockingExecutor(std::size_t threads) : pool_(threads) {}
  ~BlockingExecutor() { stop(); }
  BlockingExecutor(const BlockingExecutor&) = delete;
  BlockingExecutor& operator=(const BlockingExecutor&) = delete;

  // Callers: pass a named variable (`co_await blocking.run(std::move(work))`), never a
  // lambda written inside the co_await expression: g++ 12 mis-handles temporaries there
  // (it destroys a lambda's captures twice; see docs/adr/0001).
  template <class Function>
  Awaitable<std::invoke_result_t<Function>> run(Function function) {
    using Value = std::invoke_result_t<Function>;
    auto caller = co_await boost::asio::this_coro::executor;
    Initiation<Value, Function, decltype(caller)> initiation{pool_, caller};
    auto operation = boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                                 void(std::exception_ptr, std::optional<Value>)>(
        std::move(initiation), boost::asio::use_awaitable, std::move(function));
    std::optional<Value> value = co_await std::move(operation);
    co_return std::move(*value);
  }

  // Finishes queued work and joins the threads.
  void stop() { pool_.join(); }

 private:
  template <class Value, class Function, class Executor>
  struct Initiation {
    boost::asio::thread_pool& pool;
    Executor caller;

    template <class CompletionHandler>
    void operator()(CompletionHandler handler, Function function) const {
      boost::asio::post(pool, [handler = std::move(handler), function = std::move(function),
                               caller = caller]() mutable {
        std::exception_ptr error;
        std::optional<Value> value;
        try {
          value.emplace(function());
        } catch (...) {
          error = std::current_exception();
        }
        boost::asio::post(
            caller, [handler = std::move(handler), error, value = std::move(value)]() mutable {
              handler(error, std::move(value));
            });
      });
    }
  };

  boost::asio::thread_pool pool_;
};

}  // namespace roost::api::http
