#include "domain/image_type.hpp"

#include <string>

#include <gtest/gtest.h>

namespace roost::domain {
namespace {

TEST(ImageType, RecognizesPngJpegAndWebpByTheirFirstBytes) {
  EXPECT_EQ(sniff_image_media_type(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)), "image/png");
  EXPECT_EQ(sniff_image_media_type("\xff\xd8\xff\xe0\0\x10JFIF"), "image/jpeg");
  EXPECT_EQ(sniff_image_media_type(std::string("RIFF\x24\0\0\0WEBPVP8 ", 16)), "image/webp");
}

TEST(ImageType, RefusesEverythingElse) {
  EXPECT_EQ(sniff_image_media_type(""), std::nullopt);
  EXPECT_EQ(sniff_image_media_type("just some text, named logo.png"), std::nullopt);
  EXPECT_EQ(sniff_image_media_type("GIF89a"), std::nullopt);
  EXPECT_EQ(sniff_image_media_type("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), std::nullopt);
  // A RIFF file that is not WebP (a WAV), and a truncated PNG signature.
  EXPECT_EQ(sniff_image_media_type(std::string("RIFF\x24\0\0\0WAVEfmt ", 16)), std::nullopt);
  EXPECT_EQ(sniff_image_media_type("\x89PNG\r\n"), std::nullopt);
}

}  // namespace
}  // namespace roost::domain
