// The parts of identity resolution (ADR 0032) that read a DID document: which handle it
// claims. The calls themselves are tested against the real PDS and PLC in
// tests/network/identity_resolver_test.cpp.
#include <gtest/gtest.h>

#include "networks/bluesky/bluesky_client.hpp"

namespace roost::networks::bluesky {
namespace {

using nlohmann::json;

TEST(HandleOf, TheFirstAtUriOfAlsoKnownAsLowerCased) {
  auto document = json::parse(R"({"id":"did:plc:abc","alsoKnownAs":
    ["https://alice.example","at://Alice.Test","at://second.test"]})");
  EXPECT_EQ(handle_of(document), "alice.test");
}

TEST(HandleOf, SkipsEntriesThatAreNotHandles) {
  auto document = json::parse(R"({"alsoKnownAs":[7,"at://","at://not a handle","at://-bad.test",
    "at://did:plc:xyz","at://ok.example.com"]})");
  EXPECT_EQ(handle_of(document), "ok.example.com");
}

TEST(HandleOf, NothingWhenTheDocumentClaimsNoHandle) {
  for (const char* text :
       {R"({"id":"did:plc:abc"})", R"({"alsoKnownAs":"at://a.test"})", R"({"alsoKnownAs":[]})",
        R"({"alsoKnownAs":["https://a.test"]})", R"([])", R"("at://a.test")", R"(null)"}) {
    EXPECT_EQ(handle_of(json::parse(text)), std::nullopt) << text;
  }
}

TEST(DidDocumentUrl, PlcDirectoryWithoutTrailingSlashAndDidWeb) {
  BlueskySettings settings;
  EXPECT_EQ(*did_document_url("did:plc:ewvi7nxzyoun6zhxrhs64oiz", settings),
            "https://plc.directory/did:plc:ewvi7nxzyoun6zhxrhs64oiz");
  EXPECT_EQ(*did_document_url("did:web:bsky.app", settings),
            "https://bsky.app/.well-known/did.json");
}

}  // namespace
}  // namespace roost::networks::bluesky
