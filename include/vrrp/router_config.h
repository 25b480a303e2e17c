// RouterConfig: the settings of one virtual router (RFC 5798 §6.1 plus keepalived's extras).
//
// Field names follow keepalived's keywords, and validation messages name them, so the
// configuration layer can prefix a line number and hand the message to the operator unchanged:
//
//   vrrp::RouterConfig config;
//   config.vrid = 50;
//   config.priority = 150;
//   config.advert_interval = vrrp::Centiseconds(100);
//   config.virtual_addresses = {vrrp::IpAddress::V4(192, 0, 2, 3)};
//   config.primary_address = vrrp::IpAddress::V4(192, 0, 2, 5);
//   absl::Status s = vrrp::ValidateRouterConfig(config);
//   // config.vrid = 300 gives kInvalidArgument "virtual_router_id 300 is out of range 1..255"
//
// Integers that come from a configuration file are `int`, so that an out-of-range value reaches
// the validator intact and the message can quote it.
#ifndef VRRP_ROUTER_CONFIG_H_
#define VRRP_ROUTER_CONFIG_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "vrrp/advertisement.h"
#include "vrrp/centiseconds.h"
#include "vrrp/ip_address.h"
#include "vrrp/pass_key.h"

namespace vrrp {

struct RouterConfig {
  // virtual_router_id, 1..255 (RFC 5798 §6.1). No default.
  int vrid = 0;
  Family family = Family::kIPv4;
  // VRRPv2 (RFC 3768) is IPv4 only; VRRPv3 (RFC 5798) both families.
  Version version = Version::kV3;
  // 1..254 backs up, 255 owns the addresses (starts as Master at once, RFC 5798 §6.4.1 (105)).
  int priority = kPriorityDefault;
  // advert_int. v2: whole seconds 1..255 (the field is seconds, RFC 3768 §5.3.7); v3: 1..4095 cs
  // (12 bits, RFC 5798 §5.2.7).
  Centiseconds advert_interval{100};
  // virtual_ipaddress: 0..255 addresses of `family`, no duplicates (none: election only, as
  // keepalived allows; RFC 5798 §5.2.5 asks for one).
  AddressList virtual_addresses;
  // Our own address on the interface: the advertisement's source and the equal-priority
  // tie-break (RFC 5798 §6.4.3 (735)). IPv6: the link-local address (RFC 5798 §7.2).
  IpAddress primary_address;
  // RFC 5798 §6.1 Preempt_Mode (keepalived `nopreempt` sets it false). The owner always preempts.
  bool preempt = true;
  // keepalived's preempt_delay, 0..1000 s: after startup (or fault cleared), or after first seeing
  // a lower-priority master, a Backup keeps treating that master as valid for this long before
  // it starts preempting. See Router for the exact rule.
  absl::Duration preempt_delay = absl::ZeroDuration();
  // RFC 5798 §6.1 Accept_Mode. The core only carries it: accepting packets is the driver's job.
  bool accept_mode = false;
  // keepalived's down_timer_adverts, 1..100: the 3 in Master_Down_Interval (RFC 5798 §6.1).
  int down_timer_adverts = 3;
  // Gratuitous ARP / unsolicited NA on becoming Master: a burst of garp_master_repeat (0..255,
  // 0 = none), a second burst garp_master_delay later (0 = none; 0..3600 s), and, if
  // garp_master_refresh is non-zero (0..86400 s), garp_master_refresh_repeat (1..255) every
  // garp_master_refresh while Master.
  int garp_master_repeat = 5;
  absl::Duration garp_master_delay = absl::Seconds(5);
  absl::Duration garp_master_refresh = absl::ZeroDuration();
  int garp_master_refresh_repeat = 1;
  // RFC 3768 §7.1: a v2 router MUST discard an advertisement whose interval differs from its own
  // (counted as DropReason::kInterval). False accepts it and keeps timing with our own interval.
  // v3 always learns the master's interval (RFC 5798 §6.4.2 (450)).
  bool v2_strict_interval = true;
  // An advertisement whose address list differs from virtual_addresses (RFC 5798 §7.1: "MAY
  // ... log the event"; counted as DropReason::kAddressList either way). true, as keepalived
  // ("one or more VIP associated with VRID mismatch actual MASTER advert"): it is discarded, so
  // a misconfigured or forged router cannot make a Master step down or hold a Backup back with
  // addresses that are not ours. false: it is acted on, as FRR does. Matching keepalived keeps
  // mixed pairs consistent: both sides ignore the same adverts.
  bool discard_address_mismatch = true;
  // keepalived's skip_check_adv_addr: the address list of an advertisement from the master we
  // already follow (its source is master_address() while Backup) is not compared.
  bool skip_address_check_from_master = false;
  // v2 authentication (keepalived's authentication { auth_type PASS; auth_pass ... }): what the
  // router puts in its advertisements and requires of received ones. kNone for v3 (RFC 5798 §9
  // removed it). kAh (IPsec AH with HMAC-MD5-96, keyed with pass_key: ah.h) needs a transport
  // that sends the IPv4 packets WriteAdvertisement makes as they are and receives IP protocol 51.
  AuthType auth_type = AuthType::kNone;
  PassKey pass_key;
  // v3 over IPv4: include the pseudo-header in the checksum we send (RFC 5798 §5.2.8; keepalived,
  // FRR). Received advertisements are accepted either way.
  bool v3_ipv4_pseudo_header = true;

  friend bool operator==(const RouterConfig&, const RouterConfig&) = default;
};

// OK, or kInvalidArgument naming the first field at fault and its range.
[[nodiscard]] absl::Status ValidateRouterConfig(const RouterConfig& config);

}  // namespace vrrp

#endif  // VRRP_ROUTER_CONFIG_H_
