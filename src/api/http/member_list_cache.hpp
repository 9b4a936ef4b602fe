#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

// Rendered pages of organizations' member lists, each kept with the revision of the member
// list it was rendered at (storage: the organization's members_revision, bumped by database
// triggers on every change of a membership or of a member's name or email). A page is
// served again only at exactly that revision, so a cached page is never older than the
// database; every request is still authorized before the cache is asked. Bounded: the
// least recently used pages go first. Thread-safe.
namespace roost::api::http {

class MemberListCache {
 public:
  struct Key {
    std::int64_t org = 0;
    std::int64_t after = 0;  // the page's cursor
    std::size_t limit = 0;
    bool operator==(const Key&) const = default;
  };

  MemberListCache(std::size_t max_pages, std::size_t max_bytes)
      : max_pages_(max_pages), max_bytes_(max_bytes) {}

  // The page rendered at `revision`, if it is kept.
  std::shared_ptr<const std::string> find(const Key& key, std::int64_t revision);
  // Keeps `body` unless a page of a later revision is kept for the key.
  void store(const Key& key, std::int64_t revision, std::shared_ptr<const std::string> body);

  std::size_t pages() const;
  std::size_t bytes() const;

 private:
  struct KeyHash {
    std::size_t operator()(const Key& key) const;
  };
  struct Page {
    Key key;
    std::int64_t revision = 0;
    std::shared_ptr<const std::string> body;
  };
  using Pages = std::list<Page>;  // most recently used first

  void evict_to_fit();

  const std::size_t max_pages_;
  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  Pages pages_;
  std::unordered_map<Key, Pages::iterator, KeyHash> index_;
  std::size_t bytes_ = 0;
};

}  // namespace roost::api::http
