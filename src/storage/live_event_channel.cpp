#include "storage/live_event_channel.hpp"

#include "storage/postgres/postgres_live_event_channel.hpp"

namespace roost::storage {

std::unique_ptr<LiveEventChannel> open_live_event_channel(const DatabaseUrl& url,
                                                          ChannelTopic topic) {
  if (url.backend != Backend::postgres) return nullptr;
  return postgres::open_postgres_live_event_channel(
      url.postgres_conninfo,
      topic == ChannelTopic::live_events ? "roost_live_events" : "roost_publish_due");
}

}  // namespace roost::storage
