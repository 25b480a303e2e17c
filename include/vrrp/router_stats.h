// RouterStats: the counters and last transition of one virtual router, for status dumps, SNMP
// (RFC 6527 VRRPV3-MIB) and keepalived-compatible JSON (`stats` object).
//
//   const vrrp::RouterStats& s = router.stats();
//   fmt::print("{} adverts in, {} checksum drops\n", s.advert_rcvd,
//              s.drops[vrrp::DropReason::kChecksum]);
//   fmt::print("{}\n", s);  // every counter, for a status dump
#ifndef VRRP_ROUTER_STATS_H_
#define VRRP_ROUTER_STATS_H_

#include <cstdint>

#include "absl/time/time.h"
#include "vrrp/action.h"
#include "vrrp/drop_reason.h"

namespace vrrp {

struct RouterStats {
  // RFC 6527 vrrpv3StatisticsMasterTransitions; keepalived "become_master".
  uint64_t become_master = 0;
  // keepalived "release_master": times we left Master (to Backup, Fault or Initialize).
  uint64_t release_master = 0;
  // RFC 6527 vrrpv3StatisticsRcvdAdvertisements; keepalived "advert_rcvd". Every advertisement
  // for our VRID and family that reached the state machine, dropped or not.
  uint64_t advert_rcvd = 0;
  // keepalived "advert_sent": SendAdvertisement actions emitted (resignations included).
  uint64_t advert_sent = 0;
  // RFC 6527 vrrpv3StatisticsRcvdPriZeroPackets; keepalived "pri_zero_rcvd".
  uint64_t pri_zero_rcvd = 0;
  // RFC 6527 vrrpv3StatisticsSentPriZeroPackets; keepalived "pri_zero_sent".
  uint64_t pri_zero_sent = 0;
  // Per DropReason: the codec's (counted by the driver through Router::CountDrop) and the state
  // machine's. RFC 6527 vrrpv3StatisticsAdvIntervalErrors = drops[kInterval],
  // vrrpv3StatisticsIpTtlErrors = drops[kTtl], vrrpv3StatisticsAddressListErrors =
  // drops[kAddressList], vrrpv3StatisticsPacketLengthErrors = drops[kLength],
  // vrrpv3StatisticsRcvdInvalidTypePackets = drops[kType]; keepalived advert_interval_err,
  // ip_ttl_err, addr_list_err, packet_len_err, invalid_type_rcvd, invalid_authtype,
  // authtype_mismatch, auth_failure likewise.
  DropCounters drops;
  // keepalived JSON data "last_transition"; RFC 6527 vrrpv3StatisticsNewMasterReason is the
  // reason of the last transition to Master.
  absl::Time last_transition = absl::InfinitePast();
  TransitionReason last_transition_reason = TransitionReason::kNone;
  TransitionReason last_new_master_reason = TransitionReason::kNone;
};

}  // namespace vrrp

// "become_master=1 release_master=0 advert_rcvd=17 advert_sent=4 pri_zero_rcvd=0
// pri_zero_sent=0 drops: interval=2 checksum=1" (only non-zero drop reasons are listed).
template <>
struct fmt::formatter<vrrp::RouterStats> : vrrp::internal::PlainFormatter {
  template <typename FormatContext>
  auto format(const vrrp::RouterStats& s, FormatContext& ctx) const {
    auto out = fmt::format_to(ctx.out(),
                              "become_master={} release_master={} advert_rcvd={} advert_sent={} "
                              "pri_zero_rcvd={} pri_zero_sent={} drops:",
                              s.become_master, s.release_master, s.advert_rcvd, s.advert_sent,
                              s.pri_zero_rcvd, s.pri_zero_sent);
    bool any = false;
    for (size_t i = 1; i < vrrp::kDropReasonCount; ++i) {
      const auto reason = static_cast<vrrp::DropReason>(i);
      if (s.drops[reason] == 0) continue;
      out = fmt::format_to(out, " {}={}", reason, s.drops[reason]);
      any = true;
    }
    if (!any) out = fmt::format_to(out, " none");
    return out;
  }
};

#endif  // VRRP_ROUTER_STATS_H_
