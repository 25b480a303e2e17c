// vrrp.h's codec section (vrrp_decode), and the packet metadata conversion the router and the
// endpoint share.
#include "vrrp/codec.h"

#include <new>
#include <optional>

#include "core_handles.h"
#include "fmt/format.h"
#include "internal.h"

namespace vrrp::c_abi {

absl::StatusOr<ReceiveInfo> ToReceiveInfo(const vrrp_packet_info& info) {
  absl::StatusOr<IpAddress> source = ToAddress(info.source);
  if (!source.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("vrrp_packet_info.source: {}", std::string(source.status().message())));
  }
  ReceiveInfo out;
  out.source = *source;
  out.ttl = info.ttl;
  if (info.destination.family == 0) {
    // The destination only matters to the v3 checksum's pseudo-header (RFC 5798 §5.2.8); a
    // caller that does not know it received the usual multicast advertisement.
    out.destination = MulticastGroup(source->family());
    return out;
  }
  absl::StatusOr<IpAddress> destination = ToAddress(info.destination);
  if (!destination.ok()) {
    return absl::InvalidArgumentError(fmt::format("vrrp_packet_info.destination: {}",
                                                  std::string(destination.status().message())));
  }
  if (destination->family() != source->family()) {
    return absl::InvalidArgumentError(
        "vrrp_packet_info: source and destination are of different families");
  }
  out.destination = *destination;
  return out;
}

}  // namespace vrrp::c_abi

using vrrp::c_abi::Fail;
using vrrp::c_abi::FailNull;

extern "C" {

int vrrp_decode(const uint8_t* payload, size_t len, const vrrp_packet_info* info,
                vrrp_advertisement* out, vrrp_addr storage[255]) {
  if (payload == nullptr && len > 0) return FailNull("vrrp_decode", "payload");
  if (info == nullptr) return FailNull("vrrp_decode", "info");
  if (out == nullptr) return FailNull("vrrp_decode", "out");
  if (storage == nullptr) return FailNull("vrrp_decode", "storage");
  try {
    absl::StatusOr<vrrp::ReceiveInfo> receive = vrrp::c_abi::ToReceiveInfo(*info);
    if (!receive.ok()) return Fail(receive.status());
    // As a capture tool decodes: either version, any authentication (nothing to compare with).
    vrrp::DecodeOptions options;
    options.version = std::nullopt;
    options.auth_type = std::nullopt;
    vrrp::Advertisement adv;
    const vrrp::DropReason drop =
        vrrp::DecodeAdvertisement(absl::MakeConstSpan(payload, len), *receive, options, adv);
    if (drop != vrrp::DropReason::kNone) return static_cast<int>(drop);
    *out = vrrp_advertisement{};
    out->version = static_cast<int>(adv.version);
    out->family = static_cast<int>(adv.family);
    out->vrid = adv.vrid;
    out->priority = adv.priority;
    out->interval_cs = static_cast<int>(adv.interval.count());
    out->auth_type = static_cast<int>(adv.auth_type);
    // The address count is one octet on the wire: at most 255, what storage holds.
    out->n_addresses = adv.addresses.size();
    for (size_t i = 0; i < adv.addresses.size(); ++i) {
      storage[i] = vrrp::c_abi::ToCAddr(adv.addresses[i]);
    }
    out->addresses = storage;
    return VRRP_DROP_NONE;
  } catch (const std::bad_alloc&) {
    return Fail(VRRP_ERR_NOMEM, "vrrp_decode: out of memory");
  }
}

}  // extern "C"
