#include "vrrp/drop_reason.h"

namespace vrrp {

std::string_view DropReasonName(DropReason reason) {
  switch (reason) {
    case DropReason::kNone: return "none";
    case DropReason::kTooShort: return "too_short";
    case DropReason::kVersion: return "version";
    case DropReason::kType: return "type";
    case DropReason::kChecksum: return "checksum";
    case DropReason::kLength: return "length";
    case DropReason::kTtl: return "ttl";
    case DropReason::kInvalidAuthType: return "invalid_auth_type";
    case DropReason::kAuthTypeMismatch: return "auth_type_mismatch";
    case DropReason::kAuthFailure: return "auth_failure";
    case DropReason::kVrid: return "vrid";
    case DropReason::kInterval: return "interval";
    case DropReason::kAddressList: return "address_list";
    case DropReason::kFamily: return "family";
    case DropReason::kPeer: return "peer";
    case DropReason::kCount: break;
  }
  return "unknown";
}

uint64_t DropCounters::Total() const {
  uint64_t total = 0;
  for (size_t i = 1; i < kDropReasonCount; ++i) total += counts_[i];
  return total;
}

}  // namespace vrrp
