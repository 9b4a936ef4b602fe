#include "domain/bluesky_post.hpp"

#include <string>

#include <gtest/gtest.h>

namespace roost::domain {
namespace {

std::string big_endian(std::uint32_t value, int bytes) {
  std::string out;
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
    out += static_cast<char>((value >> shift) & 0xFF);
  return out;
}

std::string little_endian(std::uint32_t value, int bytes) {
  std::string out;
  for (int index = 0; index < bytes; ++index)
    out += static_cast<char>((value >> (8 * index)) & 0xFF);
  return out;
}

// The first bytes of real files, as far as a decoder reads to learn the size.
std::string png(std::uint32_t width, std::uint32_t height) {
  return std::string("\x89PNG\r\n\x1a\n", 8) + big_endian(13, 4) + "IHDR" + big_endian(width, 4) +
         big_endian(height, 4) + std::string("\x08\x06\0\0\0", 5) + big_endian(0, 4);
}

std::string jpeg(std::uint32_t width, std::uint32_t height) {
  std::string app0 = std::string("\xFF\xE0", 2) + big_endian(16, 2) +
                     std::string("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14);
  std::string dqt = std::string("\xFF\xDB", 2) + big_endian(3, 2) + std::string(1, '\0');
  std::string sof2 = std::string("\xFF\xC2", 2) + big_endian(11, 2) + std::string(1, '\x08') +
                     big_endian(height, 2) + big_endian(width, 2) +
                     std::string("\x01\x01\x11\x00", 4);
  return std::string("\xFF\xD8", 2) + app0 + dqt + sof2 + std::string("\xFF\xDA", 2);
}

std::string webp_chunk(std::string_view fourcc, const std::string& data) {
  std::string body = "WEBP" + std::string(fourcc) +
                     little_endian(static_cast<std::uint32_t>(data.size()), 4) + data;
  return "RIFF" + little_endian(static_cast<std::uint32_t>(body.size()), 4) + body;
}

std::string webp_lossy(std::uint32_t width, std::uint32_t height) {
  return webp_chunk("VP8 ", std::string("\x30\x01\x00\x9d\x01\x2a", 6) + little_endian(width, 2) +
                                little_endian(height, 2));
}

std::string webp_lossless(std::uint32_t width, std::uint32_t height) {
  std::uint32_t bits = (width - 1) | ((height - 1) << 14);
  return webp_chunk("VP8L", std::string(1, '\x2f') + little_endian(bits, 4) + std::string(5, '\0'));
}

std::string webp_extended(std::uint32_t width, std::uint32_t height) {
  return webp_chunk(
      "VP8X", std::string(4, '\0') + little_endian(width - 1, 3) + little_endian(height - 1, 3));
}

BlueskyImage image(std::string bytes, std::string alt = "A heron on a post") {
  return BlueskyImage{std::move(bytes), "", std::move(alt), 0, 0};
}

std::vector<PostProblemCode> codes(const std::vector<PostProblem>& problems) {
  std::vector<PostProblemCode> out;
  for (const auto& problem : problems) out.push_back(problem.code);
  return out;
}

TEST(BlueskyPost, DescribesImagesByTheirBytes) {
  struct Case {
    std::string bytes;
    std::string_view type;
    int width;
    int height;
  };
  for (const auto& [bytes, type, width, height] :
       {Case{png(1200, 800), "image/png", 1200, 800},
        Case{jpeg(4032, 3024), "image/jpeg", 4032, 3024},
        Case{webp_lossy(640, 480), "image/webp", 640, 480},
        Case{webp_lossless(300, 9000), "image/webp", 300, 9000},
        Case{webp_extended(5000, 1), "image/webp", 5000, 1}}) {
    auto described = describe_bluesky_image(bytes, "alt");
    ASSERT_TRUE(described.ok()) << type;
    EXPECT_EQ(described->mime_type, type);
    EXPECT_EQ(described->width, width) << type;
    EXPECT_EQ(described->height, height) << type;
    EXPECT_EQ(described->alt, "alt");
    EXPECT_EQ(described->bytes, bytes);
  }
}

TEST(BlueskyPost, RefusesImagesItCannotReadOrDoesNotAccept) {
  for (const std::string& bytes :
       {std::string("GIF89a\x10\0\x10\0", 10), std::string("<svg/>"), std::string(),
        png(1200, 800).substr(0, 20),                  // truncated before the size
        png(0, 800),                                   // no pixels
        std::string("\xFF\xD8\xFF\xD9", 4),            // a JPEG that ends before a frame
        jpeg(100, 100).substr(0, 30),                  // cut in the middle of a segment
        webp_chunk("ALPH", std::string(12, '\0'))}) {  // a WebP without an image chunk
    auto described = describe_bluesky_image(bytes, "alt");
    ASSERT_FALSE(described.ok());
    EXPECT_EQ(described.error().code, core::ErrorCode::invalid_request);
  }
}

TEST(BlueskyPost, AValidDraftHasNoProblem) {
  BlueskyPostDraft draft;
  draft.text = "Spring at the lake \xF0\x9F\x8C\xB8 #birds";
  draft.langs = {"en", "fr-FR"};
  draft.images = {image(png(1200, 800)), image(jpeg(800, 600)), image(webp_lossy(64, 64)),
                  image(webp_extended(10, 10))};
  draft.reply =
      BlueskyReplyRef{{"at://did:plc:abc/app.bsky.feed.post/3jzfcijpj2z2a", "bafyroot"},
                      {"at://did:plc:def/app.bsky.feed.post/3jzfcijpj2z2b", "bafyparent"}};
  draft.quote = BlueskyStrongRef{"at://did:plc:abc/app.bsky.feed.post/3k", "bafyquote"};
  EXPECT_TRUE(find_bluesky_post_problems(draft).empty());
  EXPECT_TRUE(check_bluesky_post(draft).ok());
}

TEST(BlueskyPost, TextIsCountedInGraphemes) {
  std::string flags;
  for (int i = 0; i < 300; ++i) flags += "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7";  // 2,400 bytes
  BlueskyPostDraft draft;
  draft.text = flags;
  EXPECT_TRUE(find_bluesky_post_problems(draft).empty());
  draft.text = flags + "!";
  auto problems = find_bluesky_post_problems(draft);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, PostProblemCode::text_too_long);
  EXPECT_EQ(problems[0].field, "text");
  EXPECT_NE(problems[0].message.find("301"), std::string::npos);
  // 300 graphemes of many bytes each pass the grapheme limit but not the 3,000 bytes.
  std::string heavy;
  for (int i = 0; i < 300; ++i) heavy += "e\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81";  // 11 bytes
  draft.text = heavy;
  EXPECT_EQ(codes(find_bluesky_post_problems(draft)), std::vector{PostProblemCode::text_too_long});
}

TEST(BlueskyPost, EmptyPostsNeedSomething) {
  BlueskyPostDraft draft;
  draft.text = "  \n ";
  EXPECT_EQ(codes(find_bluesky_post_problems(draft)), std::vector{PostProblemCode::empty_post});
  draft.images = {image(png(10, 10))};
  EXPECT_TRUE(find_bluesky_post_problems(draft).empty());
  draft.images.clear();
  draft.quote = BlueskyStrongRef{"at://did:plc:abc/app.bsky.feed.post/3k", "bafy"};
  EXPECT_TRUE(find_bluesky_post_problems(draft).empty());
}

TEST(BlueskyPost, ImageProblemsNameTheImage) {
  BlueskyPostDraft draft;
  draft.text = "five pictures";
  std::string oversized = png(4000, 3000) + std::string(1'000'000, '\0');
  draft.images = {image(png(1, 1)), image(png(1, 1), "   "), image(std::string("GIF89a")),
                  image(oversized), image(png(1, 1), std::string(2'001, 'x'))};
  auto problems = find_bluesky_post_problems(draft);
  EXPECT_EQ(problems,
            (std::vector<PostProblem>{
                {PostProblemCode::too_many_images, "images", "has 5 images; Bluesky allows 4"},
                {PostProblemCode::alt_text_missing, "images[1].alt",
                 "describe the image for people who cannot see it"},
                {PostProblemCode::image_type_unsupported, "images[2]",
                 "is not a PNG, JPEG or WebP image"},
                {PostProblemCode::image_too_large, "images[3]",
                 "has 1000033 bytes; Bluesky allows 1,000,000"},
                {PostProblemCode::alt_text_too_long, "images[4].alt",
                 "has 2001 characters; at most 2,000 are allowed"},
            }));
}

TEST(BlueskyPost, LanguagesAreTagsAtMostThree) {
  BlueskyPostDraft draft;
  draft.text = "bonjour";
  draft.langs = {"fr", "EN-us", "en_GB", "en-US"};
  auto problems = find_bluesky_post_problems(draft);
  ASSERT_EQ(codes(problems),
            (std::vector{PostProblemCode::too_many_languages, PostProblemCode::bad_language_tag,
                         PostProblemCode::duplicate_language}));
  EXPECT_EQ(problems[1].field, "langs[2]");
  EXPECT_EQ(problems[2].field, "langs[3]");
}

TEST(BlueskyPost, InvalidUtf8AndBadReferences) {
  BlueskyPostDraft draft;
  draft.text = "caf\xC3";
  draft.images = {image(png(2, 2), "\xFF")};
  draft.reply = BlueskyReplyRef{{"https://bsky.app/profile/x/post/1", "bafy"},
                                {"at://did:plc:abc/app.bsky.feed.post/3k", ""}};
  draft.quote = BlueskyStrongRef{"at://did:plc:abc/app.bsky.feed.like/3k", "bafy"};
  auto problems = find_bluesky_post_problems(draft);
  ASSERT_EQ(codes(problems),
            (std::vector{PostProblemCode::invalid_utf8, PostProblemCode::invalid_utf8,
                         PostProblemCode::bad_reference, PostProblemCode::bad_reference,
                         PostProblemCode::bad_reference}));
  EXPECT_EQ(problems[1].field, "images[0].alt");
  EXPECT_EQ(problems[2].field, "reply.root");
  EXPECT_EQ(problems[3].field, "reply.parent");
  EXPECT_EQ(problems[4].field, "quote");
}

TEST(BlueskyPost, CheckReportsEveryProblemAsADetail) {
  BlueskyPostDraft draft;
  draft.text = "";
  draft.langs = {"??"};
  auto checked = check_bluesky_post(draft);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, core::ErrorCode::invalid_request);
  ASSERT_EQ(checked.error().details.size(), 2u);
  EXPECT_EQ(checked.error().details[0].field, "text");
  EXPECT_EQ(checked.error().details[0].message.rfind("empty_post: ", 0), 0u);
  EXPECT_EQ(checked.error().details[1].field, "langs[0]");
  EXPECT_EQ(checked.error().details[1].message.rfind("bad_language_tag: ", 0), 0u);
}

TEST(BlueskyPost, ProblemCodesHaveStableNames) {
  EXPECT_EQ(post_problem_code_name(PostProblemCode::text_too_long), "text_too_long");
  EXPECT_EQ(post_problem_code_name(PostProblemCode::alt_text_missing), "alt_text_missing");
  EXPECT_EQ(post_problem_code_name(PostProblemCode::bad_reference), "bad_reference");
}

}  // namespace
}  // namespace roost::domain
