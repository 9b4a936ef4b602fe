// Asio and Beast are compiled once, here (BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION are set on every target that includes them), as the
// library roost_asio_impl (cmake/dependencies.cmake) that api/ and ingest/ link.
#include <utility>

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
