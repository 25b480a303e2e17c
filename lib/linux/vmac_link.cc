#include "vrrp/linux/vmac_link.h"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <utility>

#include "fmt/format.h"
#include "netlink_framing.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {
namespace {

// An RTM_GETLINK answer holds every attribute of the link (statistics, AF_SPEC...): a few KiB.
constexpr size_t kReceiveBufferSize = 32 * 1024;

std::string_view View(absl::string_view text) { return {text.data(), text.size()}; }

}  // namespace

absl::StatusOr<std::unique_ptr<NetlinkLinkControl>> NetlinkLinkControl::Open() {
  absl::StatusOr<mnl_socket*> socket = OpenRouteSocket();
  if (!socket.ok()) return socket.status();
  return std::unique_ptr<NetlinkLinkControl>(new NetlinkLinkControl(*socket));
}

NetlinkLinkControl::NetlinkLinkControl(mnl_socket* socket)
    : socket_(socket), receive_buffer_(kReceiveBufferSize) {}

NetlinkLinkControl::~NetlinkLinkControl() { mnl_socket_close(socket_); }

absl::Status NetlinkLinkControl::Acknowledged(absl::Span<const uint8_t> request, uint32_t seq,
                                              std::string_view call, std::string_view object,
                                              int* kernel_errno) {
  return Exchange(socket_, receive_buffer_, request, call, object,
                  [&](absl::Span<const uint8_t> datagram) {
                    return ParseAck(datagram, seq, call, object, kernel_errno);
                  });
}

absl::StatusOr<std::optional<LinkRecord>> NetlinkLinkControl::Find(std::string_view name) {
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kLinkRequestMaxSize> buffer;
  const uint32_t seq = ++seq_;
  absl::StatusOr<size_t> size = BuildGetLink(absl::MakeSpan(buffer), name, seq);
  if (!size.ok()) return size.status();
  std::optional<LinkRecord> link;
  absl::Status s =
      Exchange(socket_, receive_buffer_, absl::MakeConstSpan(buffer.data(), *size), "RTM_GETLINK",
               name, [&](absl::Span<const uint8_t> datagram) -> absl::StatusOr<bool> {
                 bool done = false;
                 auto reply = ParseGetLinkReply(datagram, seq, name, &done);
                 if (!reply.ok()) return reply.status();
                 link = *std::move(reply);
                 return done;
               });
  if (!s.ok()) return s;
  return link;
}

absl::StatusOr<uint32_t> NetlinkLinkControl::CreateMacvlan(std::string_view name,
                                                           std::string_view lower,
                                                           const MacAddress& mac) {
  const std::string object = fmt::format("{} on {}", name, lower);
  const std::string lower_name(lower);
  const unsigned lower_index = if_nametoindex(lower_name.c_str());
  if (lower_index == 0) return SysError("if_nametoindex", lower);
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kLinkRequestMaxSize> buffer;
  const uint32_t seq = ++seq_;
  absl::StatusOr<size_t> size =
      BuildNewMacvlan(absl::MakeSpan(buffer), name, lower_index, mac, seq);
  if (!size.ok()) return size.status();
  if (absl::Status s =
          Acknowledged(absl::MakeConstSpan(buffer.data(), *size), seq, "RTM_NEWLINK", object);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::optional<LinkRecord>> made = Find(name);
  if (!made.ok()) return made.status();
  if (!made->has_value()) {
    return absl::NotFoundError(fmt::format("RTM_NEWLINK on {}: the new link is gone", object));
  }
  return (*made)->ifindex;
}

absl::Status NetlinkLinkControl::Delete(uint32_t ifindex, std::string_view name) {
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kLinkRequestMaxSize> buffer;
  const uint32_t seq = ++seq_;
  absl::StatusOr<size_t> size = BuildDeleteLink(absl::MakeSpan(buffer), ifindex, seq);
  if (!size.ok()) return size.status();
  int kernel_errno = 0;
  absl::Status s = Acknowledged(absl::MakeConstSpan(buffer.data(), *size), seq, "RTM_DELLINK", name,
                                &kernel_errno);
  if (kernel_errno == ENODEV) return absl::OkStatus();  // gone already: what was asked
  return s;
}

absl::StatusOr<uint32_t> MakeVmacLink(LinkControl& links, const VmacLinkSpec& spec,
                                      bool* replaced_leftover) {
  if (replaced_leftover != nullptr) *replaced_leftover = false;
  absl::StatusOr<std::optional<LinkRecord>> existing = links.Find(spec.name);
  if (!existing.ok()) {
    return absl::Status(existing.status().code(),
                        fmt::format("use_vmac: {}", View(existing.status().message())));
  }
  if (existing->has_value()) {
    const LinkRecord& link = **existing;
    if (link.kind != "macvlan" || link.mac != spec.mac) {
      return absl::FailedPreconditionError(fmt::format(
          "use_vmac: a link named {} exists and is not this instance's macvlan ({}{}{}); "
          "remove it or name another with use_vmac NAME",
          spec.name, link.kind.empty() ? "no kind" : link.kind, link.mac.has_value() ? ", " : "",
          link.mac.has_value() ? link.mac->ToString() : ""));
    }
    // Ours, left by a run that was killed: made again, on the lower link configured now.
    if (absl::Status s = links.Delete(link.ifindex, spec.name); !s.ok()) {
      return absl::Status(s.code(), fmt::format("use_vmac: deleting the leftover link {}: {}",
                                                spec.name, View(s.message())));
    }
    if (replaced_leftover != nullptr) *replaced_leftover = true;
  }
  absl::StatusOr<uint32_t> made = links.CreateMacvlan(spec.name, spec.lower, spec.mac);
  if (made.ok()) return made;
  // EOPNOTSUPP (SysError's kUnimplemented): "Unknown device type", no macvlan driver to load.
  if (made.status().code() == absl::StatusCode::kUnimplemented) {
    return absl::UnimplementedError(
        "use_vmac: this kernel cannot create a macvlan link (Operation not supported)");
  }
  return absl::Status(made.status().code(),
                      fmt::format("use_vmac: {}", View(made.status().message())));
}

namespace {

absl::StatusOr<std::string> Ipv4ConfPath(std::string_view interface, std::string_view name) {
  if (absl::Status valid = ValidateLinkName(interface); !valid.ok()) return valid;
  if (name.empty() || name.find('/') != std::string_view::npos || name.find('.') == 0) {
    return absl::InvalidArgumentError(fmt::format("'{}' is not a sysctl name", name));
  }
  return fmt::format("/proc/sys/net/ipv4/conf/{}/{}", interface, name);
}

}  // namespace

absl::StatusOr<int> ReadIpv4Conf(std::string_view interface, std::string_view name) {
  absl::StatusOr<std::string> path = Ipv4ConfPath(interface, name);
  if (!path.ok()) return path.status();
  std::ifstream in(*path);
  int value = 0;
  if (!(in >> value)) return SysError("read", *path);
  return value;
}

absl::Status WriteIpv4Conf(std::string_view interface, std::string_view name, int value) {
  absl::StatusOr<std::string> path = Ipv4ConfPath(interface, name);
  if (!path.ok()) return path.status();
  std::ofstream out(*path);
  out << value << '\n';
  out.flush();
  if (!out) return SysError("write", *path);
  return absl::OkStatus();
}

}  // namespace vrrp::os
