// Asio and Beast compiled once for bench_bare_responder, exactly as src/api/asio_impl.cpp
// does for roost (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION come
// from the roost_asio target). Kept separate so the baseline does not link roost_api.
#include <utility>

#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
