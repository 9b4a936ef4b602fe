#pragma once

// The frames of fixtures/ (README.md there: written by the reference JS implementations).
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "cbor_encoder.hpp"

namespace roost::ingest::test {

inline Bytes from_hex(std::string_view hex) {
  Bytes out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    throw std::invalid_argument("not hex");
  };
  for (std::size_t at = 0; at + 1 < hex.size(); at += 2) {
    if (hex[at] == '\n') break;
    out.push_back(static_cast<std::uint8_t>(nibble(hex[at]) * 16 + nibble(hex[at + 1])));
  }
  return out;
}

inline std::string read_text(const std::string& name) {
  std::ifstream file(std::string(ROOST_INGEST_FIXTURES) + "/" + name);
  if (!file) throw std::runtime_error("missing fixture " + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

inline Bytes read_fixture(const std::string& name) { return from_hex(read_text(name)); }

// The CID named `label` in fixtures/cids.txt ("label cid" lines).
inline std::string fixture_cid(std::string_view label) {
  std::istringstream lines(read_text("cids.txt"));
  std::string name, cid;
  while (lines >> name >> cid) {
    if (name == label) return cid;
  }
  throw std::runtime_error("no such fixture CID");
}

}  // namespace roost::ingest::test
