#include "domain/graphemes.hpp"

#include <memory>

#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include "domain/text.hpp"

namespace roost::domain {
namespace {

struct BreakIteratorCloser {
  void operator()(UBreakIterator* iterator) const { ubrk_close(iterator); }
};
struct TextCloser {
  void operator()(UText* text) const { utext_close(text); }
};

// Opening a break iterator loads ICU's rules; one per thread is kept and re-pointed at each
// text, since ubrk_setUText is cheap and an iterator must not be shared between threads.
UBreakIterator* character_break_iterator() {
  thread_local std::unique_ptr<UBreakIterator, BreakIteratorCloser> iterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<UBreakIterator, BreakIteratorCloser> opened(
        ubrk_open(UBRK_CHARACTER, "", nullptr, 0, &status));
    if (U_FAILURE(status)) opened.reset();
    return opened;
  }();
  return iterator.get();
}

}  // namespace

core::Result<std::size_t> count_graphemes(std::string_view utf8) {
  if (!count_code_points(utf8)) {
    return core::make_error(core::ErrorCode::invalid_request, "text is not valid UTF-8");
  }
  if (utf8.empty()) return std::size_t{0};
  UBreakIterator* iterator = character_break_iterator();
  if (iterator == nullptr) {
    return core::make_error(core::ErrorCode::internal, "ICU has no character break rules");
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UText, TextCloser> text(
      utext_openUTF8(nullptr, utf8.data(), static_cast<int64_t>(utf8.size()), &status));
  if (U_FAILURE(status)) {
    return core::make_error(core::ErrorCode::internal, "ICU could not open the text");
  }
  ubrk_setUText(iterator, text.get(), &status);
  if (U_FAILURE(status)) {
    return core::make_error(core::ErrorCode::internal, "ICU could not segment the text");
  }
  std::size_t count = 0;
  for (int32_t boundary = ubrk_next(iterator); boundary != UBRK_DONE;
       boundary = ubrk_next(iterator)) {
    ++count;
  }
  // The iterator keeps a pointer to the UText, which is closed when this returns.
  static const UChar nothing[1] = {0};
  ubrk_setText(iterator, nothing, 0, &status);
  return count;
}

}  // namespace roost::domain
