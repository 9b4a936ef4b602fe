#include "api/http/member_list_cache.hpp"

#include <functional>

namespace roost::api::http {

std::size_t MemberListCache::KeyHash::operator()(const Key& key) const {
  std::size_t hash = std::hash<std::int64_t>{}(key.org);
  hash = hash * 31 + std::hash<std::int64_t>{}(key.after);
  return hash * 31 + std::hash<std::size_t>{}(key.limit);
}

std::shared_ptr<const std::string> MemberListCache::find(const Key& key, std::int64_t revision) {
  std::lock_guard lock(mutex_);
  auto found = index_.find(key);
  if (found == index_.end() || found->second->revision != revision) return nullptr;
  pages_.splice(pages_.begin(), pages_, found->second);
  return found->second->body;
}

void MemberListCache::store(const Key& key, std::int64_t revision,
                            std::shared_ptr<const std::string> shared) {
  if (!shared || shared->size() > max_bytes_ || max_pages_ == 0) return;
  std::lock_guard lock(mutex_);
  auto found = index_.find(key);
  if (found != index_.end()) {
    // Two requests that rendered concurrently: the later revision stays.
    if (found->second->revision > revision) return;
    bytes_ -= found->second->body->size();
    found->second->revision = revision;
    found->second->body = std::move(shared);
    bytes_ += found->second->body->size();
    pages_.splice(pages_.begin(), pages_, found->second);
  } else {
    bytes_ += shared->size();
    pages_.push_front(Page{key, revision, std::move(shared)});
    index_.emplace(key, pages_.begin());
  }
  evict_to_fit();
}

void MemberListCache::evict_to_fit() {
  while (!pages_.empty() && (pages_.size() > max_pages_ || bytes_ > max_bytes_)) {
    bytes_ -= pages_.back().body->size();
    index_.erase(pages_.back().key);
    pages_.pop_back();
  }
}

std::size_t MemberListCache::pages() const {
  std::lock_guard lock(mutex_);
  return pages_.size();
}

std::size_t MemberListCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace roost::api::http
