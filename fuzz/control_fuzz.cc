// libFuzzer target for vrrpd's control protocol (examples/vrrpd/control_protocol.h): the request
// line a local client sends to the control socket, and the answer vrrpctl reads back.
//
// Input: any bytes, read both as a request line (what control_server.cc hands ParseRequest,
// at most kMaxRequestBytes) and as a whole answer (what control_client.cc hands ParseResponse).
// What either parser accepts must survive formatting and parsing again unchanged, as vrrpctl
// formats a request that vrrpd then parses, and vrrpd formats an answer that vrrpctl parses.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "control_protocol.h"

namespace {

namespace control = vrrpd::control;

void Fail(const char* what) {
  std::fprintf(stderr, "control_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (size <= control::kMaxRequestBytes) {
    absl::StatusOr<control::Request> request = control::ParseRequest(text);
    if (request.ok()) {
      absl::StatusOr<control::Request> again =
          control::ParseRequest(control::FormatRequest(*request));
      if (!again.ok() || !(*again == *request)) Fail("parse(format(request)) != request");
    } else if (request.status().message().empty()) {
      Fail("a refused request without a reason");
    }
  }

  absl::StatusOr<control::Response> response = control::ParseResponse(text);
  if (response.ok()) {
    absl::StatusOr<control::Response> again =
        control::ParseResponse(control::FormatResponse(*response));
    if (!again.ok() || !(*again == *response)) Fail("parse(format(response)) != response");
  }
  return 0;
}
