#pragma once

#include "api/http/message.hpp"
#include "core/error.hpp"

namespace roost::api::http {

// The one place an error becomes HTTP: its status, and the body
// {"error":{"code":"...","message":"...","details":[...]}}. Handlers never build error
// responses by hand; they return a core::Error.
int http_status(core::ErrorCode code);
Response error_response(const core::Error& error);

}  // namespace roost::api::http
