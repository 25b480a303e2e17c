// Advertisement: one VRRP advertisement as the state machine sees it, independent of version.
//
// The codec (codec.h) turns bytes into this and back. Version-specific encodings are the codec's
// business: the interval is always in centiseconds here (v2's seconds are multiplied by 100), and
// the v2 authentication data lives in the codec's options, not here.
//
//   vrrp::Advertisement adv;
//   adv.version = vrrp::Version::kV3;
//   adv.vrid = 50;
//   adv.priority = 150;
//   adv.interval = vrrp::Centiseconds(100);
//   adv.addresses.push_back(vrrp::IpAddress::V4(192, 0, 2, 3));
#ifndef VRRP_ADVERTISEMENT_H_
#define VRRP_ADVERTISEMENT_H_

#include <cstdint>
#include <string_view>

#include "absl/container/inlined_vector.h"
#include "vrrp/centiseconds.h"
#include "vrrp/ip_address.h"

namespace vrrp {

enum class Version : uint8_t { kV2 = 2, kV3 = 3 };

// RFC 3768 §5.3.6 / RFC 2338 §5.3.6. Only v2 has the field; v3 advertisements are kNone.
enum class AuthType : uint8_t { kNone = 0, kPass = 1, kAh = 2 };

std::string_view AuthTypeName(AuthType type);  // "none", "PASS", "AH"

// RFC 5798 §5.2.4: 255 is the address owner, 0 a master that resigns, 100 the default.
inline constexpr uint8_t kPriorityOwner = 255;
inline constexpr uint8_t kPriorityResign = 0;
inline constexpr uint8_t kPriorityDefault = 100;

// Up to 4 addresses live inline, so decoding the common case into a reused object never
// allocates; longer lists grow once and keep their capacity.
using AddressList = absl::InlinedVector<IpAddress, 4>;

struct Advertisement {
  Version version = Version::kV3;
  Family family = Family::kIPv4;
  uint8_t vrid = 0;
  uint8_t priority = kPriorityDefault;
  Centiseconds interval{100};
  AuthType auth_type = AuthType::kNone;  // v2 only
  AddressList addresses;
  // v2 with AH, as decoded: the AH sequence number (ah.h), which the router checks for replay.
  // Not sent from here: the router numbers what it sends.
  uint32_t ah_sequence = 0;

  friend bool operator==(const Advertisement&, const Advertisement&) = default;
};

}  // namespace vrrp

#endif  // VRRP_ADVERTISEMENT_H_
