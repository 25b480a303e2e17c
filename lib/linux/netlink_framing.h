// What every rtnetlink user of lib/linux shares (addresses, links, routes, rules): starting a
// request in the caller's buffer, walking the messages of a datagram, reading an NLMSG_ERROR,
// and the NETLINK_ROUTE socket with its request / answer exchange (netlink_socket.cc).
// Internal to vrrp::linux.
#ifndef VRRP_LIB_LINUX_NETLINK_FRAMING_H_
#define VRRP_LIB_LINUX_NETLINK_FRAMING_H_

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "fmt/format.h"

namespace vrrp::os {

// Checks the caller's buffer (4-byte aligned, at least `needed` bytes), zeroes `needed` bytes of
// it and starts the message.
absl::StatusOr<nlmsghdr*> StartMessage(absl::Span<uint8_t> buffer, size_t needed, uint16_t type,
                                       uint16_t flags, uint32_t seq);

// The room an attribute with `payload` bytes takes, padding included.
size_t AttributeSize(size_t payload);

// kDataLoss "malformed netlink reply to CALL on OBJECT: WHAT".
absl::Status Malformed(std::string_view call, std::string_view object, std::string_view what);

// The status an NLMSG_ERROR carries: OK for an ack, else the errno as SysError (with the
// kernel's extended-ack text); `kernel_errno`, when given, receives the errno.
absl::Status ErrorMessageStatus(const nlmsghdr& header, absl::Span<const uint8_t> message,
                                std::string_view call, std::string_view object,
                                int* kernel_errno = nullptr);

// A message's header, read without assuming the datagram is aligned.
inline nlmsghdr ReadHeader(const uint8_t* at) {
  nlmsghdr header;
  std::memcpy(&header, at, sizeof(header));
  return header;
}

template <typename T>
T ReadAs(const uint8_t* at) {
  T value;
  std::memcpy(&value, at, sizeof(value));
  return value;
}

// Calls `visit(header, message)` for each message of the datagram; `visit` returns true to stop.
// Any framing error (a length shorter than a header or past the end) is returned as such.
template <typename Visit>
absl::Status WalkMessages(absl::Span<const uint8_t> datagram, std::string_view call,
                          std::string_view object, Visit visit) {
  size_t offset = 0;
  while (offset < datagram.size()) {
    const size_t left = datagram.size() - offset;
    if (left < sizeof(nlmsghdr)) {
      return Malformed(
          call, object,
          fmt::format("{} bytes at offset {} are too few for a message header", left, offset));
    }
    const nlmsghdr header = ReadHeader(datagram.data() + offset);
    if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > left) {
      return Malformed(call, object,
                       fmt::format("message at offset {} claims {} bytes, {} are left", offset,
                                   header.nlmsg_len, left));
    }
    absl::Span<const uint8_t> message = datagram.subspan(offset, header.nlmsg_len);
    absl::StatusOr<bool> stop = visit(header, message);
    if (!stop.ok()) return stop.status();
    if (*stop) return absl::OkStatus();
    offset += std::min<size_t>(NLMSG_ALIGN(header.nlmsg_len), left);
  }
  return absl::OkStatus();
}

// A bound NETLINK_ROUTE socket (close-on-exec) with the optional refinements old kernels lack
// turned on: the kernel's text for an error (extended ack) and dumps filtered as asked (strict
// checking).
absl::StatusOr<mnl_socket*> OpenRouteSocket();

// Sends `request` and reads datagrams into `buffer` until `answered` says one answered it
// (true) or fails. rtnetlink handles a request in the sender's context, so the answer is
// queued by the time send returns; the loop only skips answers to earlier requests.
absl::Status Exchange(
    mnl_socket* socket, std::vector<uint8_t>& buffer, absl::Span<const uint8_t> request,
    std::string_view call, std::string_view object,
    const std::function<absl::StatusOr<bool>(absl::Span<const uint8_t>)>& answered);

// Asks for a receive queue of `bytes` on a netlink socket: SO_RCVBUFFORCE, which passes
// net.core.rmem_max with CAP_NET_ADMIN (which a daemon that changes addresses has), else
// SO_RCVBUF, capped at rmem_max. Returns what the kernel granted (it doubles the value asked,
// for its bookkeeping, and reports that), 0 when it cannot say.
int AskReceiveQueue(int fd, int bytes);

// The errno of an interface name lookup (SIOCGIFINDEX on `fd`, in the socket's namespace), with
// the name checked first so a too long one is not truncated into another interface's name.
int LookUpIndex(int fd, std::string_view name, uint32_t* index);

}  // namespace vrrp::os

#endif  // VRRP_LIB_LINUX_NETLINK_FRAMING_H_
