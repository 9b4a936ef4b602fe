// The composite sink: every sink in order, and the first error is the batch's.
#include "ingest/composite_post_sink.hpp"

#include <gtest/gtest.h>

#include <string>

namespace roost::ingest {
namespace {

class RecordingSink : public PostSink {
 public:
  RecordingSink(std::string name, std::string& log, bool fails)
      : name_(std::move(name)), log_(log), fails_(fails) {}
  core::Result<void> accept(std::span<const domain::IncomingPost> posts) override {
    log_ += name_ + std::to_string(posts.size());
    if (fails_) return core::Error{core::ErrorCode::unavailable, name_ + " is down"};
    return core::success();
  }

 private:
  std::string name_;
  std::string& log_;
  bool fails_;
};

TEST(CompositePostSink, HandsTheBatchToEverySinkInOrderAndStopsAtTheFirstError) {
  const domain::IncomingPost posts[2];
  std::string log;
  RecordingSink streams("streams", log, false);
  RecordingSink inbox("inbox", log, true);
  RecordingSink last("last", log, false);
  CompositePostSink composite;
  EXPECT_TRUE(composite.accept(posts).ok());  // no sink yet: accepted, dropped
  composite.add(streams);
  composite.add(inbox);
  composite.add(last);
  auto accepted = composite.accept(posts);
  ASSERT_FALSE(accepted.ok());
  EXPECT_EQ(accepted.error().message, "inbox is down");
  EXPECT_EQ(log, "streams2inbox2");
}

}  // namespace
}  // namespace roost::ingest
