// Decodes the VRRPv2 advertisement keepalived sent (PASS "1111"), through the installed library.
// Exit 0 and print "vrid 50 priority 150" when it works.
#include <cstdint>
#include <cstdio>
#include <vector>

#include "vrrp/codec.h"

int main() {
  const std::vector<uint8_t> payload = {0x21, 0x32, 0x96, 0x01, 0x01, 0x01, 0x23, 0x65, 0xc0, 0x00,
                                        0x02, 0x03, 0x31, 0x31, 0x31, 0x31, 0x00, 0x00, 0x00, 0x00};
  vrrp::DecodeOptions options;
  options.version = vrrp::Version::kV2;
  options.auth_type = vrrp::AuthType::kPass;
  options.pass_key = *vrrp::PassKey::Create("1111");
  vrrp::ReceiveInfo info{.source = vrrp::IpAddress::V4(192, 0, 2, 5),
                         .destination = vrrp::kMulticastGroupV4,
                         .ttl = 255};
  vrrp::Advertisement adv;
  vrrp::DropReason reason = vrrp::DecodeAdvertisement(payload, info, options, adv);
  if (reason != vrrp::DropReason::kNone) {
    std::printf("refused: %s\n", vrrp::DropReasonName(reason).data());
    return 1;
  }
  std::printf("vrid %d priority %d\n", adv.vrid, adv.priority);
  return 0;
}
