#pragma once

#include <string>

namespace roost::services {

// What services need to know about how the outside world reaches this instance and its
// users: the base URL of the links they put in emails and API answers (invitation links,
// links to a post), and whether email can be sent at all (an SMTP server is configured).
// Filled from the configuration by app/.
struct OutboundSettings {
  std::string public_url = "http://127.0.0.1:8080";  // no trailing slash
  bool mail_enabled = false;
};

}  // namespace roost::services
