#include "api/http/session_cookie.hpp"

#include <gtest/gtest.h>

namespace roost::api::http {
namespace {

TEST(SessionCookie, SetCookieHasEveryAttribute) {
  EXPECT_EQ(session_set_cookie("abc", 2592000, false),
            "roost_session=abc; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000");
  EXPECT_EQ(session_set_cookie("abc", 60, true),
            "roost_session=abc; HttpOnly; SameSite=Lax; Path=/; Max-Age=60; Secure");
}

TEST(SessionCookie, ClearedCookieExpiresNow) {
  EXPECT_EQ(cleared_session_cookie(false),
            "roost_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
  EXPECT_TRUE(cleared_session_cookie(true).ends_with("; Secure"));
}

TEST(SessionCookie, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(find_cookie("roost_session=t1", "roost_session"), "t1");
  EXPECT_EQ(find_cookie("a=1; roost_session=t2; b=3", "roost_session"), "t2");
  EXPECT_EQ(find_cookie("a=1;roost_session=t3", "roost_session"), "t3");
  EXPECT_EQ(find_cookie("roost_session=\"t4\"", "roost_session"), "t4");
  EXPECT_EQ(find_cookie("x_roost_session=no; roost_session=yes", "roost_session"), "yes");
}

TEST(SessionCookie, MissingOrEmptyIsNone) {
  EXPECT_FALSE(find_cookie("", "roost_session"));
  EXPECT_FALSE(find_cookie("a=1; b=2", "roost_session"));
  EXPECT_FALSE(find_cookie("roost_session=", "roost_session"));
  EXPECT_FALSE(find_cookie("roost_session", "roost_session"));
  EXPECT_FALSE(find_cookie(";;;", "roost_session"));
}

}  // namespace
}  // namespace roost::api::http
