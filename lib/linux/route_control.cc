#include "vrrp/linux/route_control.h"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "fmt/format.h"
#include "netlink_framing.h"
#include "vrrp/linux/netlink_messages.h"
#include "vrrp/linux/route_messages.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {
namespace {

// A route dump holds a message per route: tens of KiB at a time on a router with a full table.
constexpr size_t kReceiveBufferSize = 64 * 1024;

}  // namespace

absl::StatusOr<std::unique_ptr<NetlinkRouteControl>> NetlinkRouteControl::Open() {
  absl::StatusOr<mnl_socket*> socket = OpenRouteSocket();
  if (!socket.ok()) return socket.status();
  return std::unique_ptr<NetlinkRouteControl>(new NetlinkRouteControl(*socket));
}

NetlinkRouteControl::NetlinkRouteControl(mnl_socket* socket)
    : socket_(socket), receive_buffer_(kReceiveBufferSize) {}

NetlinkRouteControl::~NetlinkRouteControl() { mnl_socket_close(socket_); }

absl::Status NetlinkRouteControl::Acknowledged(absl::Span<uint8_t> request, std::string_view call,
                                               std::string_view object, int* kernel_errno) {
  const uint32_t seq = ++seq_;
  nlmsghdr header;
  std::memcpy(&header, request.data(), sizeof(header));
  header.nlmsg_seq = seq;
  std::memcpy(request.data(), &header, sizeof(header));
  return Exchange(socket_, receive_buffer_, request, call, object,
                  [&](absl::Span<const uint8_t> datagram) {
                    return ParseAck(datagram, seq, call, object, kernel_errno);
                  });
}

absl::Status NetlinkRouteControl::RouteRequest(const Route& route, bool add) {
  const std::string object = ToString(route);
  const char* call = add ? "RTM_NEWROUTE" : "RTM_DELROUTE";
  uint32_t ifindex = 0;
  if (!route.interface.empty()) {
    // SIOCGIFINDEX on the netlink socket: the namespace it was opened in, whatever thread asks.
    if (int error = LookUpIndex(mnl_socket_get_fd(socket_), route.interface, &ifindex);
        error != 0) {
      // Gone with its interface: the kernel removed the route along with it.
      if (!add && error == ENODEV) return absl::OkStatus();
      return SysError(call, object, error);
    }
  }
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kRouteRequestMaxSize> buffer;
  absl::StatusOr<size_t> size = add ? BuildNewRoute(absl::MakeSpan(buffer), route, ifindex, 0)
                                    : BuildDeleteRoute(absl::MakeSpan(buffer), route, ifindex, 0);
  if (!size.ok()) return size.status();
  int error = 0;
  absl::Status s = Acknowledged(absl::MakeSpan(buffer.data(), *size), call, object, &error);
  // Idempotent: there already (EEXIST), or gone (ESRCH).
  if (!s.ok() && ((add && error == EEXIST) || (!add && error == ESRCH))) return absl::OkStatus();
  return s;
}

absl::Status NetlinkRouteControl::Add(const Route& route) { return RouteRequest(route, true); }

absl::Status NetlinkRouteControl::Remove(const Route& route) { return RouteRequest(route, false); }

absl::Status NetlinkRouteControl::Add(const Rule& rule) {
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kRuleRequestMaxSize> buffer;
  absl::StatusOr<size_t> size = BuildNewRule(absl::MakeSpan(buffer), rule, 0);
  if (!size.ok()) return size.status();
  int error = 0;
  absl::Status s =
      Acknowledged(absl::MakeSpan(buffer.data(), *size), "RTM_NEWRULE", ToString(rule), &error);
  return error == EEXIST ? absl::OkStatus() : s;
}

absl::Status NetlinkRouteControl::Remove(const Rule& rule) {
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kRuleRequestMaxSize> buffer;
  absl::StatusOr<size_t> size = BuildDeleteRule(absl::MakeSpan(buffer), rule, 0);
  if (!size.ok()) return size.status();
  int error = 0;
  absl::Status s =
      Acknowledged(absl::MakeSpan(buffer.data(), *size), "RTM_DELRULE", ToString(rule), &error);
  return error == ENOENT ? absl::OkStatus() : s;
}

absl::Status NetlinkRouteControl::Dump(absl::Span<const uint8_t> request, uint32_t seq,
                                       uint8_t protocol, std::string_view call,
                                       std::vector<std::vector<uint8_t>>& deletions) {
  return Exchange(socket_, receive_buffer_, request, call, "",
                  [&](absl::Span<const uint8_t> datagram) {
                    return ParseFlushDump(datagram, seq, protocol, call, deletions);
                  });
}

absl::StatusOr<int> NetlinkRouteControl::RemoveTagged(uint8_t protocol) {
  int removed = 0;
  // Rules first: a rule that sends traffic to a table of ours is gone before its routes.
  for (const bool rules : {true, false}) {
    for (const Family family : {Family::kIPv4, Family::kIPv6}) {
      const char* call = rules ? "RTM_GETRULE" : "RTM_GETROUTE";
      alignas(NLMSG_ALIGNTO) std::array<uint8_t, kRuleRequestMaxSize> buffer;
      const uint32_t seq = ++seq_;
      absl::StatusOr<size_t> size =
          rules ? BuildRuleDump(absl::MakeSpan(buffer), family, seq)
                : BuildRouteDump(absl::MakeSpan(buffer), family, protocol, seq);
      if (!size.ok()) return size.status();
      std::vector<std::vector<uint8_t>> deletions;
      // The dump is read to its end before anything is deleted: deleting while the kernel walks
      // the table would interrupt it.
      if (absl::Status s =
              Dump(absl::MakeConstSpan(buffer.data(), *size), seq, protocol, call, deletions);
          !s.ok()) {
        return s;
      }
      for (std::vector<uint8_t>& request : deletions) {
        const char* del = rules ? "RTM_DELRULE" : "RTM_DELROUTE";
        int error = 0;
        absl::Status s =
            Acknowledged(absl::MakeSpan(request), del, fmt::format("proto {}", protocol), &error);
        if (s.ok()) {
          ++removed;
        } else if (error != ESRCH && error != ENOENT) {
          return s;  // gone meanwhile is fine (an IPv6 route removed with its address)
        }
      }
    }
  }
  return removed;
}

}  // namespace vrrp::os
