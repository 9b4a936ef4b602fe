#pragma once

#include <string>

// Live events for the WebSocket event stream (/api/v1/events). Services and listeners
// publish here; api/ws implements it (app/ wires the two), so nothing below api/ names the
// hub. Who receives an event is its audience, checked per connected member:
//   "org:<id>"     every member of the organization
//   "team:<id>"    members of that team, and the organization's owners and admins
//   "profile:<id>" members whose level on that profile is at least viewer (and owners/admins)
//   "user:<id>"    that user only (in any organization they are connected to)
namespace roost::services {

struct LiveEvent {
  std::string type;      // e.g. "stream.item", "inbox.item", "notification.created"
  std::string audience;  // see above; never empty
  std::string payload;   // a JSON object, already encoded
  // False for what is only true now (presence): the hub does not keep it for clients that
  // resume, who would otherwise be told who was viewing an item minutes ago.
  bool replayable = true;
};

class LiveEvents {
 public:
  virtual ~LiveEvents() = default;
  // Never blocks on a client: the hub queues per subscriber and drops slow ones.
  virtual void publish(LiveEvent event) = 0;
};

}  // namespace roost::services
