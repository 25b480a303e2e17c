#include "vrrp/linux/netlink_messages.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "netlink_framing.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {
namespace {

uint8_t KernelScope(AddressScope scope) {
  switch (scope) {
    case AddressScope::kGlobal:
      return RT_SCOPE_UNIVERSE;
    case AddressScope::kSite:
      return RT_SCOPE_SITE;
    case AddressScope::kLink:
      return RT_SCOPE_LINK;
    case AddressScope::kHost:
      return RT_SCOPE_HOST;
  }
  return RT_SCOPE_UNIVERSE;
}

// The kernel's scopes are a scale (0 universe .. 255 nowhere); anything between the named ones
// is shown as the next narrower name.
AddressScope ScopeFromKernel(uint8_t scope) {
  if (scope >= RT_SCOPE_HOST) return AddressScope::kHost;
  if (scope >= RT_SCOPE_LINK) return AddressScope::kLink;
  if (scope >= RT_SCOPE_SITE) return AddressScope::kSite;
  return AddressScope::kGlobal;
}

uint8_t KernelFamily(Family family) { return family == Family::kIPv4 ? AF_INET : AF_INET6; }

// What an address request needs, computed the way the attributes are then added.
size_t AddressRequestSize(const VirtualAddress& vip, bool with_options) {
  const size_t address = AttributeSize(vip.address.bytes().size());
  size_t size = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(ifaddrmsg)) + 2 * address;
  if (with_options) {
    if (vip.broadcast.has_value()) size += AttributeSize(4);
    if (!vip.label.empty()) size += AttributeSize(vip.label.size() + 1);
    size += AttributeSize(sizeof(uint32_t));
    if (vip.lease_seconds != 0) size += AttributeSize(sizeof(ifa_cacheinfo));
  }
  return size;
}

absl::StatusOr<size_t> BuildAddressRequest(absl::Span<uint8_t> buffer, const VirtualAddress& vip,
                                           uint32_t ifindex, uint32_t seq, bool add) {
  if (absl::Status valid = Validate(vip); !valid.ok()) return valid;
  const uint16_t type = add ? RTM_NEWADDR : RTM_DELADDR;
  // A leased address is added with NLM_F_REPLACE instead of NLM_F_EXCL: the same message then
  // creates it or, when it is there, renews its lifetimes (IPv4 inet_rtm_newaddr and IPv6
  // inet6_addr_modify reset the address's timestamp), with no window where it is missing.
  const bool leased = add && vip.lease_seconds != 0;
  uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
  if (add) flags |= NLM_F_CREATE | (leased ? NLM_F_REPLACE : NLM_F_EXCL);
  absl::StatusOr<nlmsghdr*> nlh =
      StartMessage(buffer, AddressRequestSize(vip, add), type, flags, seq);
  if (!nlh.ok()) return nlh.status();

  uint32_t address_flags = 0;
  if (add) {
    if (vip.address.is_v6() && !vip.ipv6_dad) address_flags |= IFA_F_NODAD;
    if (!vip.prefix_route) address_flags |= IFA_F_NOPREFIXROUTE;
  }
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(*nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = KernelFamily(vip.address.family());
  ifa->ifa_prefixlen = vip.prefix_len;
  ifa->ifa_flags = static_cast<uint8_t>(address_flags & 0xff);
  ifa->ifa_scope = add ? KernelScope(vip.scope) : static_cast<uint8_t>(RT_SCOPE_UNIVERSE);
  ifa->ifa_index = ifindex;

  const auto address = vip.address.bytes();
  const auto length = static_cast<uint16_t>(address.size());
  mnl_attr_put(*nlh, IFA_LOCAL, length, address.data());
  mnl_attr_put(*nlh, IFA_ADDRESS, length, address.data());
  if (add) {
    if (vip.broadcast.has_value()) {
      mnl_attr_put(*nlh, IFA_BROADCAST, 4, vip.broadcast->bytes().data());
    }
    if (!vip.label.empty()) mnl_attr_put_strz(*nlh, IFA_LABEL, vip.label.c_str());
    mnl_attr_put_u32(*nlh, IFA_FLAGS, address_flags);
    if (leased) {
      // Preferred equal to valid: an IPv6 address is never deprecated before it goes, and IPv4
      // has no use for the difference. The kernel counts both from this message on.
      ifa_cacheinfo lifetime{};
      lifetime.ifa_prefered = vip.lease_seconds;
      lifetime.ifa_valid = vip.lease_seconds;
      mnl_attr_put(*nlh, IFA_CACHEINFO, sizeof(lifetime), &lifetime);
    }
  }
  return (*nlh)->nlmsg_len;
}

absl::Status BadAddress(std::string_view what, uint16_t type = RTM_NEWADDR) {
  return absl::DataLossError(
      fmt::format("{} message: {}", type == RTM_DELADDR ? "RTM_DELADDR" : "RTM_NEWADDR", what));
}

// What a link request needs: the header, the ifinfomsg and the attributes of `payloads`.
size_t LinkRequestSize(std::initializer_list<size_t> payloads) {
  size_t size = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(ifinfomsg));
  for (const size_t payload : payloads) size += AttributeSize(payload);
  return size;
}

ifinfomsg* PutLinkHeader(nlmsghdr* nlh) {
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  return ifi;
}

}  // namespace

absl::StatusOr<nlmsghdr*> StartMessage(absl::Span<uint8_t> buffer, size_t needed, uint16_t type,
                                       uint16_t flags, uint32_t seq) {
  if (reinterpret_cast<uintptr_t>(buffer.data()) % NLMSG_ALIGNTO != 0) {
    return absl::InvalidArgumentError("netlink request buffer is not 4-byte aligned");
  }
  if (buffer.size() < needed) {
    return absl::InvalidArgumentError(fmt::format(
        "netlink request buffer of {} bytes is smaller than the {} needed", buffer.size(), needed));
  }
  std::memset(buffer.data(), 0, needed);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = flags;
  nlh->nlmsg_seq = seq;
  return nlh;
}

size_t AttributeSize(size_t payload) { return MNL_ATTR_HDRLEN + MNL_ALIGN(payload); }

absl::Status Malformed(std::string_view call, std::string_view object, std::string_view what) {
  return absl::DataLossError(fmt::format("malformed netlink reply to {}{}{}: {}", call,
                                         object.empty() ? "" : " on ", object, what));
}

namespace {

// The text of an extended ack (NLMSGERR_ATTR_MSG), when the kernel sent one.
std::string ExtendedAckText(const nlmsghdr& header, absl::Span<const uint8_t> message) {
  if ((header.nlmsg_flags & NLM_F_ACK_TLVS) == 0) return "";
  // After the error code comes the request's header, and its payload unless NLM_F_CAPPED.
  size_t offset = NLMSG_HDRLEN + sizeof(int);
  if (message.size() < offset + sizeof(nlmsghdr)) return "";
  const nlmsghdr request = ReadHeader(message.data() + offset);
  offset += (header.nlmsg_flags & NLM_F_CAPPED) != 0 ? sizeof(nlmsghdr) : request.nlmsg_len;
  offset = NLMSG_ALIGN(offset);
  while (offset + sizeof(nlattr) <= message.size()) {
    nlattr attribute;
    std::memcpy(&attribute, message.data() + offset, sizeof(attribute));
    if (attribute.nla_len < sizeof(nlattr) || attribute.nla_len > message.size() - offset) break;
    if ((attribute.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
      const char* text = reinterpret_cast<const char*>(message.data() + offset + sizeof(nlattr));
      const size_t max = attribute.nla_len - sizeof(nlattr);
      return std::string(text, strnlen(text, max));
    }
    offset += NLA_ALIGN(attribute.nla_len);
  }
  return "";
}

}  // namespace

absl::Status ErrorMessageStatus(const nlmsghdr& header, absl::Span<const uint8_t> message,
                                std::string_view call, std::string_view object, int* kernel_errno) {
  if (message.size() < NLMSG_HDRLEN + sizeof(int)) {
    return Malformed(
        call, object,
        fmt::format("NLMSG_ERROR of {} bytes has no room for the error code", message.size()));
  }
  int error = 0;
  std::memcpy(&error, message.data() + NLMSG_HDRLEN, sizeof(error));
  if (error == 0) return absl::OkStatus();
  if (error > 0 || error < -4095) {
    return Malformed(call, object, fmt::format("NLMSG_ERROR carries error {}", error));
  }
  if (kernel_errno != nullptr) *kernel_errno = -error;
  absl::Status status = SysError(call, object, -error);
  std::string text(status.message());
  if (std::string ext = ExtendedAckText(header, message); !ext.empty()) {
    text += fmt::format(": kernel says \"{}\"", ext);
  }
  if (-error == EPERM) {
    // What the request changes, from its name: RTM_NEWADDR, RTM_DELROUTE, RTM_NEWRULE...
    const std::string_view what = call.ends_with("ROUTE")  ? "routes"
                                  : call.ends_with("RULE") ? "rules"
                                  : call.ends_with("LINK") ? "links"
                                                           : "addresses";
    text += fmt::format(" (changing {} needs CAP_NET_ADMIN)", what);
  }
  return absl::Status(status.code(), text);
}

std::string DescribeForError(const VirtualAddress& vip) {
  return fmt::format("{}/{} dev {}", vip.address, vip.prefix_len, vip.interface);
}

absl::StatusOr<size_t> BuildNewAddress(absl::Span<uint8_t> buffer, const VirtualAddress& vip,
                                       uint32_t ifindex, uint32_t seq) {
  return BuildAddressRequest(buffer, vip, ifindex, seq, /*add=*/true);
}

absl::StatusOr<size_t> BuildDeleteAddress(absl::Span<uint8_t> buffer, const VirtualAddress& vip,
                                          uint32_t ifindex, uint32_t seq) {
  return BuildAddressRequest(buffer, vip, ifindex, seq, /*add=*/false);
}

absl::StatusOr<size_t> BuildAddressDump(absl::Span<uint8_t> buffer, std::optional<Family> family,
                                        uint32_t ifindex, uint32_t seq) {
  absl::StatusOr<nlmsghdr*> nlh =
      StartMessage(buffer, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(ifaddrmsg)), RTM_GETADDR,
                   NLM_F_REQUEST | NLM_F_DUMP, seq);
  if (!nlh.ok()) return nlh.status();
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(*nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = family.has_value() ? KernelFamily(*family) : AF_UNSPEC;
  ifa->ifa_index = ifindex;
  return (*nlh)->nlmsg_len;
}

absl::StatusOr<bool> ParseAck(absl::Span<const uint8_t> datagram, uint32_t seq,
                              std::string_view call, std::string_view object, int* kernel_errno) {
  if (kernel_errno != nullptr) *kernel_errno = 0;
  bool done = false;
  absl::Status result = absl::OkStatus();
  absl::Status walk = WalkMessages(
      datagram, call, object,
      [&](const nlmsghdr& header, absl::Span<const uint8_t> message) -> absl::StatusOr<bool> {
        if (header.nlmsg_seq != seq) return false;  // an answer to an earlier request
        if (header.nlmsg_type == NLMSG_ERROR) {
          result = ErrorMessageStatus(header, message, call, object, kernel_errno);
          done = true;
          return true;
        }
        if (header.nlmsg_type == NLMSG_OVERRUN) {
          return Malformed(call, object, "NLMSG_OVERRUN: the kernel dropped messages");
        }
        return false;  // NLMSG_NOOP, or an echo we did not ask for
      });
  if (!walk.ok()) return walk;
  if (!result.ok()) return result;
  return done;
}

absl::StatusOr<AddressRecord> ParseAddressMessage(absl::Span<const uint8_t> message) {
  if (message.size() < NLMSG_HDRLEN) {
    return BadAddress(fmt::format("{} bytes are too few for a header", message.size()));
  }
  const nlmsghdr header = ReadHeader(message.data());
  if (header.nlmsg_type != RTM_NEWADDR && header.nlmsg_type != RTM_DELADDR) {
    return BadAddress(
        fmt::format("message type {} is neither RTM_NEWADDR ({}) nor RTM_DELADDR ({})",
                    header.nlmsg_type, RTM_NEWADDR, RTM_DELADDR));
  }
  const uint16_t type = header.nlmsg_type;
  if (header.nlmsg_len > message.size() || header.nlmsg_len < NLMSG_HDRLEN + sizeof(ifaddrmsg)) {
    return BadAddress(fmt::format("message length {} does not hold an ifaddrmsg in {} bytes",
                                  header.nlmsg_len, message.size()),
                      type);
  }
  const auto ifa = ReadAs<ifaddrmsg>(message.data() + NLMSG_HDRLEN);
  size_t address_size = 0;
  if (ifa.ifa_family == AF_INET) {
    address_size = 4;
  } else if (ifa.ifa_family == AF_INET6) {
    address_size = 16;
  } else {
    return absl::UnimplementedError(
        fmt::format("address message for family {} is neither IPv4 nor IPv6", ifa.ifa_family));
  }
  if (ifa.ifa_prefixlen > address_size * 8) {
    return BadAddress(fmt::format("prefix length {} is too long", ifa.ifa_prefixlen), type);
  }

  AddressRecord record;
  record.ifindex = ifa.ifa_index;
  record.flags = ifa.ifa_flags;
  VirtualAddress& vip = record.entry.vip;
  vip.prefix_len = ifa.ifa_prefixlen;
  vip.scope = ScopeFromKernel(ifa.ifa_scope);

  const uint8_t* local = nullptr;
  const uint8_t* address = nullptr;
  size_t offset = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifaddrmsg));
  const size_t end = header.nlmsg_len;
  while (offset < end) {
    if (end - offset < sizeof(nlattr)) {
      return BadAddress(
          fmt::format("{} bytes at offset {} are too few for an attribute", end - offset, offset),
          type);
    }
    const auto attribute = ReadAs<nlattr>(message.data() + offset);
    if (attribute.nla_len < sizeof(nlattr) || attribute.nla_len > end - offset) {
      return BadAddress(fmt::format("attribute {} at offset {} claims {} bytes, {} are left",
                                    attribute.nla_type, offset, attribute.nla_len, end - offset),
                        type);
    }
    const uint8_t* payload = message.data() + offset + sizeof(nlattr);
    const size_t length = attribute.nla_len - sizeof(nlattr);
    auto need = [&](std::string_view name, size_t size) -> absl::Status {
      if (length == size) return absl::OkStatus();
      return BadAddress(fmt::format("{} has {} bytes, not {}", name, length, size), type);
    };
    switch (attribute.nla_type & NLA_TYPE_MASK) {
      case IFA_LOCAL:
        if (absl::Status s = need("IFA_LOCAL", address_size); !s.ok()) return s;
        local = payload;
        break;
      case IFA_ADDRESS:
        if (absl::Status s = need("IFA_ADDRESS", address_size); !s.ok()) return s;
        address = payload;
        break;
      case IFA_BROADCAST:
        if (absl::Status s = need("IFA_BROADCAST", 4); !s.ok()) return s;
        if (address_size == 4) vip.broadcast = IpAddress::FromV4Bytes(payload);
        break;
      case IFA_LABEL: {
        const char* text = reinterpret_cast<const char*>(payload);
        vip.label.assign(text, strnlen(text, length));
        break;
      }
      case IFA_FLAGS:
        if (absl::Status s = need("IFA_FLAGS", 4); !s.ok()) return s;
        record.flags = ReadAs<uint32_t>(payload);
        break;
      default:
        break;  // IFA_CACHEINFO, IFA_MULTICAST, IFA_RT_PRIORITY, IFA_PROTO, ...
    }
    offset += std::min<size_t>(NLA_ALIGN(attribute.nla_len), end - offset);
  }
  // IFA_LOCAL is the address itself; IFA_ADDRESS is the peer's on a point-to-point link, and the
  // address itself when there is no peer (IPv6 sends only IFA_ADDRESS then).
  const uint8_t* own = local != nullptr ? local : address;
  if (own == nullptr) return BadAddress("neither IFA_LOCAL nor IFA_ADDRESS is present", type);
  vip.address = address_size == 4 ? IpAddress::FromV4Bytes(own) : IpAddress::FromV6Bytes(own);

  record.entry.secondary = address_size == 4 && (record.flags & IFA_F_SECONDARY) != 0;
  record.entry.tentative = (record.flags & IFA_F_TENTATIVE) != 0;
  record.entry.dad_failed = (record.flags & IFA_F_DADFAILED) != 0;
  record.entry.permanent = (record.flags & IFA_F_PERMANENT) != 0;
  vip.prefix_route = (record.flags & IFA_F_NOPREFIXROUTE) == 0;
  vip.ipv6_dad = address_size == 16 && (record.flags & IFA_F_NODAD) == 0;
  return record;
}

absl::StatusOr<bool> ParseAddressDump(absl::Span<const uint8_t> datagram, uint32_t seq,
                                      std::string_view object, std::vector<AddressRecord>& out) {
  constexpr std::string_view kCall = "RTM_GETADDR";
  bool done = false;
  absl::Status walk = WalkMessages(
      datagram, kCall, object,
      [&](const nlmsghdr& header, absl::Span<const uint8_t> message) -> absl::StatusOr<bool> {
        if (header.nlmsg_seq != seq) return false;
        if ((header.nlmsg_flags & NLM_F_DUMP_INTR) != 0) {
          return absl::AbortedError(
              fmt::format("RTM_GETADDR{}{}: the dump was interrupted by a change, ask again",
                          object.empty() ? "" : " on ", object));
        }
        switch (header.nlmsg_type) {
          case NLMSG_ERROR: {
            absl::Status status = ErrorMessageStatus(header, message, kCall, object);
            if (!status.ok()) return status;
            return Malformed(kCall, object, "an acknowledgement where the dump was expected");
          }
          case NLMSG_DONE: {
            // The kernel puts the dump's result after NLMSG_DONE's header (0 when complete).
            if (message.size() >= NLMSG_HDRLEN + sizeof(int)) {
              const int error = ReadAs<int>(message.data() + NLMSG_HDRLEN);
              if (error < 0 && error >= -4095) return SysError(kCall, object, -error);
            }
            done = true;
            return true;
          }
          case NLMSG_OVERRUN:
            return Malformed(kCall, object, "NLMSG_OVERRUN: the kernel dropped messages");
          case RTM_NEWADDR: {
            absl::StatusOr<AddressRecord> record = ParseAddressMessage(message);
            if (record.ok()) {
              out.push_back(*std::move(record));
            } else if (record.status().code() != absl::StatusCode::kUnimplemented) {
              // Other families are skipped, broken messages are not.
              const absl::string_view why = record.status().message();
              return Malformed(kCall, object, std::string_view(why.data(), why.size()));
            }
            return false;
          }
          default:
            return false;
        }
      });
  if (!walk.ok()) return walk;
  return done;
}

std::vector<InterfaceAddress> AddressesOnInterface(std::vector<AddressRecord> records,
                                                   uint32_t ifindex, std::string_view interface) {
  std::vector<InterfaceAddress> addresses;
  for (AddressRecord& record : records) {
    if (record.ifindex != ifindex) continue;  // kernels without strict checking dump them all
    InterfaceAddress& entry = record.entry;
    entry.vip.interface = std::string(interface);
    // The kernel labels every IPv4 address; the interface's own name is no label at all.
    if (entry.vip.label == interface) entry.vip.label.clear();
    addresses.push_back(std::move(entry));
  }
  return addresses;
}

absl::StatusOr<size_t> BuildNewMacvlan(absl::Span<uint8_t> buffer, std::string_view name,
                                       uint32_t lower_ifindex, const MacAddress& mac,
                                       uint32_t seq) {
  if (absl::Status valid = ValidateLinkName(name); !valid.ok()) return valid;
  static constexpr char kKind[] = "macvlan";
  // IFLA_LINKINFO and IFLA_INFO_DATA are nests: a header each (payload 0) around the rest.
  const size_t needed = LinkRequestSize({name.size() + 1, sizeof(uint32_t), mac.bytes().size(), 0,
                                         sizeof(kKind), 0, sizeof(uint32_t)});
  absl::StatusOr<nlmsghdr*> nlh = StartMessage(
      buffer, needed, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
  if (!nlh.ok()) return nlh.status();
  ifinfomsg* ifi = PutLinkHeader(*nlh);
  ifi->ifi_flags = IFF_UP;
  ifi->ifi_change = IFF_UP;
  const std::string terminated(name);
  mnl_attr_put_strz(*nlh, IFLA_IFNAME, terminated.c_str());
  mnl_attr_put_u32(*nlh, IFLA_LINK, lower_ifindex);
  mnl_attr_put(*nlh, IFLA_ADDRESS, mac.bytes().size(), mac.bytes().data());
  nlattr* info = mnl_attr_nest_start(*nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(*nlh, IFLA_INFO_KIND, kKind);
  nlattr* data = mnl_attr_nest_start(*nlh, IFLA_INFO_DATA);
  mnl_attr_put_u32(*nlh, IFLA_MACVLAN_MODE, MACVLAN_MODE_PRIVATE);
  mnl_attr_nest_end(*nlh, data);
  mnl_attr_nest_end(*nlh, info);
  return (*nlh)->nlmsg_len;
}

absl::StatusOr<size_t> BuildDeleteLink(absl::Span<uint8_t> buffer, uint32_t ifindex, uint32_t seq) {
  absl::StatusOr<nlmsghdr*> nlh =
      StartMessage(buffer, LinkRequestSize({}), RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
  if (!nlh.ok()) return nlh.status();
  PutLinkHeader(*nlh)->ifi_index = static_cast<int>(ifindex);
  return (*nlh)->nlmsg_len;
}

absl::StatusOr<size_t> BuildGetLink(absl::Span<uint8_t> buffer, std::string_view name,
                                    uint32_t seq) {
  if (absl::Status valid = ValidateLinkName(name); !valid.ok()) return valid;
  absl::StatusOr<nlmsghdr*> nlh =
      StartMessage(buffer, LinkRequestSize({name.size() + 1}), RTM_GETLINK, NLM_F_REQUEST, seq);
  if (!nlh.ok()) return nlh.status();
  PutLinkHeader(*nlh);
  const std::string terminated(name);
  mnl_attr_put_strz(*nlh, IFLA_IFNAME, terminated.c_str());
  return (*nlh)->nlmsg_len;
}

absl::StatusOr<LinkRecord> ParseLinkMessage(absl::Span<const uint8_t> message) {
  auto bad = [](std::string_view what) {
    return absl::DataLossError(fmt::format("RTM_NEWLINK message: {}", what));
  };
  if (message.size() < NLMSG_HDRLEN) {
    return bad(fmt::format("{} bytes are too few for a header", message.size()));
  }
  const nlmsghdr header = ReadHeader(message.data());
  if (header.nlmsg_type != RTM_NEWLINK) {
    return bad(
        fmt::format("message type {} is not RTM_NEWLINK ({})", header.nlmsg_type, RTM_NEWLINK));
  }
  if (header.nlmsg_len > message.size() || header.nlmsg_len < NLMSG_HDRLEN + sizeof(ifinfomsg)) {
    return bad(fmt::format("message length {} does not hold an ifinfomsg in {} bytes",
                           header.nlmsg_len, message.size()));
  }
  const auto ifi = ReadAs<ifinfomsg>(message.data() + NLMSG_HDRLEN);
  LinkRecord record;
  record.ifindex = static_cast<uint32_t>(ifi.ifi_index);
  record.flags = ifi.ifi_flags;

  // Walks the attributes in [offset, end), calling visit(type, payload) for each.
  auto walk = [&](size_t offset, size_t end, auto visit) -> absl::Status {
    while (offset < end) {
      if (end - offset < sizeof(nlattr)) {
        return bad(fmt::format("{} bytes at offset {} are too few for an attribute", end - offset,
                               offset));
      }
      const auto attribute = ReadAs<nlattr>(message.data() + offset);
      if (attribute.nla_len < sizeof(nlattr) || attribute.nla_len > end - offset) {
        return bad(fmt::format("attribute {} at offset {} claims {} bytes, {} are left",
                               attribute.nla_type, offset, attribute.nla_len, end - offset));
      }
      const size_t payload = offset + sizeof(nlattr);
      absl::Status status =
          visit(attribute.nla_type & NLA_TYPE_MASK, payload, attribute.nla_len - sizeof(nlattr));
      if (!status.ok()) return status;
      offset += std::min<size_t>(NLA_ALIGN(attribute.nla_len), end - offset);
    }
    return absl::OkStatus();
  };
  auto text = [&](size_t at, size_t length) {
    const char* chars = reinterpret_cast<const char*>(message.data() + at);
    return std::string(chars, strnlen(chars, length));
  };
  absl::Status walked = walk(
      NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg)), header.nlmsg_len,
      [&](uint16_t type, size_t at, size_t length) -> absl::Status {
        switch (type) {
          case IFLA_IFNAME:
            record.name = text(at, length);
            break;
          case IFLA_ADDRESS:
            if (length == 6) {  // an Ethernet address; other link types are not ours
              std::array<uint8_t, 6> bytes;
              std::memcpy(bytes.data(), message.data() + at, bytes.size());
              record.mac = MacAddress(bytes);
            }
            break;
          case IFLA_LINK:
            if (length != sizeof(uint32_t)) {
              return bad(fmt::format("IFLA_LINK has {} bytes, not 4", length));
            }
            record.lower_ifindex = ReadAs<uint32_t>(message.data() + at);
            break;
          case IFLA_LINKINFO:
            return walk(at, at + length, [&](uint16_t inner, size_t inner_at, size_t inner_length) {
              if (inner == IFLA_INFO_KIND) record.kind = text(inner_at, inner_length);
              return absl::OkStatus();
            });
          default:
            break;
        }
        return absl::OkStatus();
      });
  if (!walked.ok()) return walked;
  return record;
}

absl::StatusOr<std::optional<LinkRecord>> ParseGetLinkReply(absl::Span<const uint8_t> datagram,
                                                            uint32_t seq, std::string_view object,
                                                            bool* done) {
  constexpr std::string_view kCall = "RTM_GETLINK";
  if (done != nullptr) *done = false;
  std::optional<LinkRecord> link;
  bool answered = false;
  absl::Status result = absl::OkStatus();
  absl::Status walk = WalkMessages(
      datagram, kCall, object,
      [&](const nlmsghdr& header, absl::Span<const uint8_t> message) -> absl::StatusOr<bool> {
        if (header.nlmsg_seq != seq) return false;
        if (header.nlmsg_type == NLMSG_ERROR) {
          int error = 0;
          result = ErrorMessageStatus(header, message, kCall, object, &error);
          if (error == ENODEV) result = absl::OkStatus();  // no such link: an answer too
          answered = true;
          return true;
        }
        if (header.nlmsg_type == RTM_NEWLINK) {
          absl::StatusOr<LinkRecord> record = ParseLinkMessage(message);
          if (!record.ok()) {
            const absl::string_view why = record.status().message();
            return Malformed(kCall, object, std::string_view(why.data(), why.size()));
          }
          link = *std::move(record);
          answered = true;
          return true;
        }
        return false;
      });
  if (!walk.ok()) return walk;
  if (!result.ok()) return result;
  if (done != nullptr) *done = answered;
  return link;
}

}  // namespace vrrp::os
