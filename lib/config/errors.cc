// ConfigError to and from an absl::Status. The payload is the four fields, each written as
// "<length>:<bytes>", so that any file name or message (newlines, colons) comes back intact.
#include "errors.h"

#include <optional>
#include <string_view>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/types/optional.h"
#include "fmt/format.h"

namespace vrrp::config {
namespace {

// Debian's Abseil has its own string_view (docs/DESIGN.md).
constexpr absl::string_view kPayloadUrl = "vrrp.config.ConfigError";

void Put(std::string& out, std::string_view field) {
  out += fmt::format("{}:", field.size());
  out += field;
}

// The next field of `in`, or nullopt when `in` is not what Put wrote.
std::optional<std::string> Take(std::string_view& in) {
  const size_t colon = in.find(':');
  size_t size = 0;
  if (colon == std::string_view::npos ||
      !absl::SimpleAtoi(absl::string_view(in.data(), colon), &size) ||
      size > in.size() - colon - 1) {
    return std::nullopt;
  }
  std::string field(in.substr(colon + 1, size));
  in.remove_prefix(colon + 1 + size);
  return field;
}

}  // namespace

std::string ToString(const ConfigError& error) {
  return fmt::format("{}: {}", ToString(error.where), error.message);
}

absl::Status Failure(ConfigError error) {
  absl::Status status = absl::InvalidArgumentError(ToString(error));
  std::string payload;
  Put(payload, error.where.file);
  Put(payload, std::to_string(error.where.line));
  Put(payload, error.keyword);
  Put(payload, error.message);
  status.SetPayload(kPayloadUrl, absl::Cord(payload));
  return status;
}

std::optional<ConfigError> ConfigErrorOf(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return std::nullopt;
  absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  if (!payload) return std::nullopt;
  const std::string text(*payload);
  std::string_view in = text;
  std::optional<std::string> file = Take(in);
  std::optional<std::string> line = Take(in);
  std::optional<std::string> keyword = Take(in);
  std::optional<std::string> message = Take(in);
  ConfigError error;
  if (!file || !line || !keyword || !message || !in.empty() ||
      !absl::SimpleAtoi(*line, &error.where.line)) {
    return std::nullopt;
  }
  error.where.file = *std::move(file);
  error.keyword = *std::move(keyword);
  error.message = *std::move(message);
  return error;
}

}  // namespace vrrp::config
