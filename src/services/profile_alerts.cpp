#include "services/profile_alerts.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace roost::services {

std::string ProfileAlerts::org_link(core::OrgId org, std::string_view page) const {
  return outbound_.public_url + "/orgs/" + std::to_string(org.value) + "/" + std::string(page);
}

core::Result<bool> ProfileAlerts::mark_needs_reconnect(
    core::ProfileId profile, std::string_view reason,
    const std::optional<storage::SealedCredentials>& refused) {
  const std::int64_t now_ms = clock_.now_ms();
  auto changed =
      profiles_.set_status(profile, storage::ProfileStatus::needs_reconnect, now_ms, refused);
  if (!changed) return changed;
  if (!*changed) return false;
  auto found = profiles_.find(profile);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return true;  // removed meanwhile: nobody to tell about it
  const auto& record = **found;
  auto contacts = profiles_.contacts(profile);
  if (!contacts) return std::move(contacts).error();
  const std::string link = org_link(record.org, "profiles");
  const std::string payload = nlohmann::json{{"profile_id", record.id.value},
                                             {"org_id", record.org.value},
                                             {"network", record.network},
                                             {"handle", record.handle},
                                             {"reason", reason},
                                             {"url", link}}
                                  .dump();
  std::vector<storage::Notice> notices;
  for (const auto& contact : *contacts) {
    storage::Notice notice{{contact.user, record.org, "profile.needs_reconnect", payload, now_ms},
                           std::nullopt};
    if (outbound_.mail_enabled && !contact.email.empty()) {
      notice.mail = storage::OutboundMail{
          contact.email, "Reconnect " + record.handle + " on Roost",
          "Roost can no longer post as " + record.handle + " (" + record.network +
              "): the network does not accept its credentials any more (" + std::string(reason) +
              ").\n\nNothing is published as this profile until it is connected again. "
              "Reconnect it with a new app password here:\n" +
              link + "\n",
          now_ms};
    }
    notices.push_back(std::move(notice));
  }
  if (auto delivered = notifications_.deliver(notices); !delivered) {
    return std::move(delivered).error();
  }
  return true;
}

core::Result<void> ProfileAlerts::tell_authors(const storage::RemovedProfile& removed) {
  const std::int64_t now_ms = clock_.now_ms();
  const auto& profile = removed.profile;
  std::vector<storage::Notice> notices;
  for (const auto& post : removed.posts) {
    if (!post.author) continue;  // the author's account is gone
    auto author = users_.find(*post.author);
    if (!author) return std::move(author).error();
    if (!author->has_value()) continue;
    const std::string link = org_link(profile.org, "posts/" + std::to_string(post.post.value));
    storage::Notice notice{{*post.author, profile.org, "post.profile_removed",
                            nlohmann::json{{"post_id", post.post.value},
                                           {"org_id", profile.org.value},
                                           {"profile_id", profile.id.value},
                                           {"handle", profile.handle},
                                           {"cancelled", post.was_cancelled},
                                           {"url", link}}
                                .dump(),
                            now_ms},
                           std::nullopt};
    if (outbound_.mail_enabled) {
      const std::string what =
          post.was_cancelled
              ? "It was going to " + profile.handle +
                    " only, so it is cancelled and will not be published."
              : "It still goes to its other profiles, without " + profile.handle + ".";
      notice.mail = storage::OutboundMail{
          (*author)->email,
          post.was_cancelled ? "Your post was cancelled: " + profile.handle + " was removed"
                             : profile.handle + " was removed from your post",
          "The social profile " + profile.handle + " (" + profile.network +
              ") was removed from Roost. " + what + "\n\nYour post:\n" + link + "\n",
          now_ms};
    }
    notices.push_back(std::move(notice));
  }
  return notifications_.deliver(notices);
}

}  // namespace roost::services
