// Making the error a Parse* call returns: an InvalidArgument status whose message is
// "FILE:LINE: message" and whose payload is the ConfigError itself (read by ConfigErrorOf).
#ifndef VRRP_LIB_CONFIG_ERRORS_H_
#define VRRP_LIB_CONFIG_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "vrrp/config/config.h"

namespace vrrp::config {

absl::Status Failure(ConfigError error);

inline absl::Status Failure(Location where, std::string keyword, std::string message) {
  return Failure(ConfigError{std::move(where), std::move(keyword), std::move(message)});
}

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_ERRORS_H_
