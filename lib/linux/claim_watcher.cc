#include "vrrp/linux/claim_watcher.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>

#include "fmt/format.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {
namespace {

// Enough for an NA with its options (86 bytes for a whole announcement) and any ARP.
constexpr uint32_t kSnapLength = 256;

sock_filter Statement(uint16_t code, uint32_t k) { return {code, 0, 0, k}; }
sock_filter Jump(uint16_t code, uint32_t k, uint8_t if_true, uint8_t if_false) {
  return {code, if_true, if_false, k};
}

}  // namespace

std::vector<sock_filter> ClaimFilter() {
  // Offsets in the Ethernet frame: EtherType 12, IPv6 next header 14 + 6 = 20, ICMPv6 type
  // 14 + 40 = 54. Jumps count the instructions to skip.
  return {
      Statement(BPF_LD | BPF_H | BPF_ABS, 12),            // 0: A = EtherType
      Jump(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, 5, 0),   // 1: ARP -> 7 accept
      Jump(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 5),  // 2: not IPv6 -> 8 drop
      Statement(BPF_LD | BPF_B | BPF_ABS, 20),            // 3: A = next header
      Jump(BPF_JMP | BPF_JEQ | BPF_K, 58, 0, 3),          // 4: not ICMPv6 -> 8 drop
      Statement(BPF_LD | BPF_B | BPF_ABS, 54),            // 5: A = ICMPv6 type
      Jump(BPF_JMP | BPF_JEQ | BPF_K, 136, 0, 1),         // 6: not NA -> 8 drop
      Statement(BPF_RET | BPF_K, kSnapLength),            // 7: accept
      Statement(BPF_RET | BPF_K, 0),                      // 8: drop
  };
}

absl::StatusOr<std::unique_ptr<ClaimWatcher>> ClaimWatcher::Open(ClaimWatcherOptions options) {
  if (options.interface.empty() || options.interface.size() >= IFNAMSIZ) {
    return absl::InvalidArgumentError(fmt::format("interface name '{}' must be 1..{} characters",
                                                  options.interface, IFNAMSIZ - 1));
  }
  const unsigned ifindex = if_nametoindex(options.interface.c_str());
  if (ifindex == 0) return SysError("if_nametoindex", options.interface);
  // Protocol 0 until the filter is attached: nothing is queued before it filters.
  UniqueFd fd(socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    const int error = errno;
    absl::Status status = SysError("socket(AF_PACKET, SOCK_RAW)", options.interface, error);
    if (error == EPERM || error == EACCES) {
      return absl::PermissionDeniedError(
          fmt::format("{} (watching ARP and NA needs CAP_NET_RAW)", std::string(status.message())));
    }
    return status;
  }
  std::vector<sock_filter> filter = ClaimFilter();
  const sock_fprog program{static_cast<unsigned short>(filter.size()), filter.data()};
  if (setsockopt(fd.get(), SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program)) < 0) {
    return SysError("setsockopt(SO_ATTACH_FILTER)", options.interface);
  }
  const int one = 1;
  if (setsockopt(fd.get(), SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0) {
    return SysError("setsockopt(PACKET_IGNORE_OUTGOING)", options.interface);
  }
  sockaddr_ll local{};
  local.sll_family = AF_PACKET;
  // One EtherType when the family is known: an ETH_P_ALL socket is a tap every frame on the
  // interface passes through (10,000 VRRP frames a second at 1,000 instances and 100 ms), the
  // filter dropping them one by one; a protocol-bound one is never offered the others.
  const uint16_t ethertype = !options.family                    ? ETH_P_ALL
                             : *options.family == Family::kIPv4 ? ETH_P_ARP
                                                                : ETH_P_IPV6;
  local.sll_protocol = htons(ethertype);
  local.sll_ifindex = static_cast<int>(ifindex);
  if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof(local)) < 0) {
    return SysError(fmt::format("bind(AF_PACKET, EtherType {:#06x})", ethertype),
                    options.interface);
  }
  return std::unique_ptr<ClaimWatcher>(
      new ClaimWatcher(std::move(options.interface), std::move(fd), static_cast<int>(ifindex)));
}

std::vector<AddressClaim> ClaimWatcher::Read(size_t max_frames) {
  std::vector<AddressClaim> claims;
  std::array<uint8_t, kSnapLength> frame;
  for (size_t i = 0; i < max_frames; ++i) {
    const ssize_t n = recv(fd_.get(), frame.data(), frame.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ++stats_.read_errors;
      break;
    }
    ++stats_.frames;
    absl::StatusOr<AddressClaim> claim =
        ParseAddressClaim(absl::MakeConstSpan(frame.data(), static_cast<size_t>(n)));
    if (claim.ok()) {
      ++stats_.claims;
      claims.push_back(*claim);
    } else if (claim.status().code() == absl::StatusCode::kNotFound) {
      ++stats_.not_claims;
    } else {
      ++stats_.malformed;
    }
  }
  return claims;
}

}  // namespace vrrp::os
