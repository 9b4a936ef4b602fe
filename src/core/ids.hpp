#pragma once

#include <cstdint>
#include <functional>

// Strong id types: an OrgId cannot be passed where a UserId is expected.
namespace roost::core {

template <class Tag>
struct Id {
  std::int64_t value = 0;
  bool operator==(const Id&) const = default;
  auto operator<=>(const Id&) const = default;
};

using UserId = Id<struct UserTag>;
using OrgId = Id<struct OrgTag>;
using TeamId = Id<struct TeamTag>;
using ProfileId = Id<struct ProfileTag>;
using SessionId = Id<struct SessionTag>;
using ApiTokenId = Id<struct ApiTokenTag>;
using PostId = Id<struct PostTag>;
using PublishJobId = Id<struct PublishJobTag>;
using StreamId = Id<struct StreamTag>;
using InboxItemId = Id<struct InboxItemTag>;
using InboxRuleId = Id<struct InboxRuleTag>;
using TemplateId = Id<struct TemplateTag>;

}  // namespace roost::core

template <class Tag>
struct std::hash<roost::core::Id<Tag>> {
  std::size_t operator()(const roost::core::Id<Tag>& id) const noexcept {
    return std::hash<std::int64_t>{}(id.value);
  }
};
