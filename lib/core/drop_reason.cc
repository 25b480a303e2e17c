#include "vrrp/drop_reason.h"

#include "vrrp/enum_names.h"

namespace vrrp {

namespace {

// In the enum's order (drop_reason.h); kCount has none.
constexpr EnumNames<DropReason, kDropReasonCount> kDropNames{{"none",
                                                              "too_short",
                                                              "version",
                                                              "type",
                                                              "checksum",
                                                              "length",
                                                              "ttl",
                                                              "invalid_auth_type",
                                                              "auth_type_mismatch",
                                                              "auth_failure",
                                                              "vrid",
                                                              "interval",
                                                              "address_list",
                                                              "family",
                                                              "peer",
                                                              "ah_short",
                                                              "ah_header",
                                                              "ah_icv",
                                                              "ah_spi",
                                                              "ah_replay",
                                                              "distrusted"}};
static_assert(kDropNames.Covers(DropReason::kDistrusted));

}  // namespace

std::string_view DropReasonName(DropReason reason) { return kDropNames(reason); }

uint64_t DropCounters::Total() const {
  uint64_t total = 0;
  for (size_t i = 1; i < kDropReasonCount; ++i) total += counts_[i];
  return total;
}

}  // namespace vrrp
