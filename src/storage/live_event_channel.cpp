#include "storage/live_event_channel.hpp"

#include "storage/postgres/postgres_live_event_channel.hpp"

namespace roost::storage {

std::unique_ptr<LiveEventChannel> open_live_event_channel(const DatabaseUrl& url) {
  if (url.backend != Backend::postgres) return nullptr;
  return postgres::open_postgres_live_event_channel(url.postgres_conninfo);
}

}  // namespace roost::storage
