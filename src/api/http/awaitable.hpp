#pragma once

// Boost 1.74's asio needs <utility> before its awaitable header with g++ 12.
#include <utility>

#include <boost/asio/awaitable.hpp>

namespace roost::api {
template <class T>
using Awaitable = boost::asio::awaitable<T>;
}  // namespace roost::api
