#include "core/secret_box.hpp"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "core/random.hpp"

namespace roost::core {
namespace {

class SecretBoxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    initialize_crypto();
    directory_ = std::filesystem::temp_directory_path() / ("roost-key-test-" + random_hex(8));
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  Keyring keyring_with_new_key() {
    auto bytes = random_bytes(secret_key_bytes);
    Keyring keyring;
    keyring.add(make_secret_key(bytes.data()));
    return keyring;
  }

  std::filesystem::path directory_;
};

TEST_F(SecretBoxTest, SealedValueOpensWithTheSameKeyAndContext) {
  auto keyring = keyring_with_new_key();
  auto sealed = seal(keyring, "refresh-token-123", "profile:1:refresh");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->find("refresh-token-123"), std::string::npos);
  EXPECT_TRUE(sealed->starts_with("v1." + keyring.primary().id + "."));
  auto opened = open(keyring, *sealed, "profile:1:refresh");
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, "refresh-token-123");
}

TEST_F(SecretBoxTest, SealingTwiceGivesDifferentCiphertexts) {
  auto keyring = keyring_with_new_key();
  EXPECT_NE(*seal(keyring, "same", "c"), *seal(keyring, "same", "c"));
}

TEST_F(SecretBoxTest, TamperedCiphertextDoesNotOpen) {
  auto keyring = keyring_with_new_key();
  std::string sealed = *seal(keyring, "secret", "ctx");
  // Flip one character of the payload (after the key id), keeping it valid base64url.
  auto& target = sealed[sealed.size() - 5];
  target = target == 'A' ? 'B' : 'A';
  auto opened = open(keyring, sealed, "ctx");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::crypto_error);
}

TEST_F(SecretBoxTest, TruncatedOrGarbageValuesDoNotOpen) {
  auto keyring = keyring_with_new_key();
  std::string sealed = *seal(keyring, "secret", "ctx");
  EXPECT_FALSE(open(keyring, sealed.substr(0, sealed.size() - 10), "ctx").ok());
  EXPECT_FALSE(open(keyring, "plaintext", "ctx").ok());
  EXPECT_FALSE(open(keyring, "v1.0011223344556677.***", "ctx").ok());
  EXPECT_FALSE(open(keyring, "", "ctx").ok());
}

TEST_F(SecretBoxTest, AnotherContextDoesNotOpen) {
  auto keyring = keyring_with_new_key();
  auto sealed = seal(keyring, "secret", "profile:1:access");
  EXPECT_FALSE(open(keyring, *sealed, "profile:2:access").ok());
}

TEST_F(SecretBoxTest, AnotherKeyDoesNotOpenAndSaysWhichKeyIsMissing) {
  auto first = keyring_with_new_key();
  auto second = keyring_with_new_key();
  auto sealed = seal(first, "secret", "ctx");
  auto opened = open(second, *sealed, "ctx");
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find(first.primary().id), std::string::npos);
}

TEST_F(SecretBoxTest, RotatedKeyringOpensOldAndSealsWithNew) {
  auto old_keyring = keyring_with_new_key();
  auto sealed_old = *seal(old_keyring, "old secret", "ctx");
  auto fresh = keyring_with_new_key();
  Keyring rotated;
  rotated.add(fresh.primary());
  rotated.add(old_keyring.primary());
  EXPECT_EQ(*open(rotated, sealed_old, "ctx"), "old secret");
  auto sealed_new = *seal(rotated, "new secret", "ctx");
  EXPECT_EQ(*sealed_key_id(sealed_new), fresh.primary().id);
}

TEST_F(SecretBoxTest, KeyFileIsCreatedOnceWithMode0600) {
  auto path = directory_ / "nested" / "secret.key";
  auto created = load_key_file(path, KeyFileMode::create_if_missing);
  ASSERT_TRUE(created.ok()) << created.error().message;
  struct stat status {};
  ASSERT_EQ(::stat(path.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  EXPECT_EQ(std::filesystem::file_size(path), secret_key_bytes);
  auto again = load_key_file(path, KeyFileMode::create_if_missing);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, created->id);
}

TEST_F(SecretBoxTest, MissingKeyFileIsAnErrorWhenItMustExist) {
  auto loaded = load_key_file(directory_ / "absent.key", KeyFileMode::must_exist);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, ErrorCode::configuration_error);
  EXPECT_NE(loaded.error().message.find("does not exist"), std::string::npos);
}

TEST_F(SecretBoxTest, KeyFileOfWrongSizeOrOpenPermissionsIsRefused) {
  auto short_file = directory_ / "short.key";
  std::ofstream(short_file) << "too short";
  ::chmod(short_file.c_str(), 0600);
  auto loaded = load_key_file(short_file, KeyFileMode::must_exist);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("exactly 32 bytes"), std::string::npos);

  auto open_file = directory_ / "open.key";
  ASSERT_TRUE(load_key_file(open_file, KeyFileMode::create_if_missing).ok());
  ::chmod(open_file.c_str(), 0644);
  auto refused = load_key_file(open_file, KeyFileMode::must_exist);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("chmod 600"), std::string::npos);
}

}  // namespace
}  // namespace roost::core
