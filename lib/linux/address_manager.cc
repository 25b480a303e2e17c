#include "vrrp/linux/address_manager.h"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "fmt/format.h"
#include "netlink_framing.h"
#include "vrrp/linux/netlink_messages.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {
namespace {

// Large enough for any datagram the kernel sends a dump reader: it sizes dump chunks to the
// reader's earlier receive sizes, at most 32 KiB; twice that leaves room.
constexpr size_t kReceiveBufferSize = 64 * 1024;
// An interrupted dump (the addresses changed meanwhile) is asked again this many times.
constexpr int kDumpAttempts = 3;

}  // namespace

absl::StatusOr<std::unique_ptr<NetlinkAddressManager>> NetlinkAddressManager::Open() {
  absl::StatusOr<mnl_socket*> socket = OpenRouteSocket();
  if (!socket.ok()) return socket.status();
  // AddAll's own socket, so that its notifications carry a port ID of their own (batch_port_id).
  absl::StatusOr<mnl_socket*> batch_socket = OpenRouteSocket();
  if (!batch_socket.ok()) {
    mnl_socket_close(*socket);
    return batch_socket.status();
  }
  // Interface names are resolved with SIOCGIFINDEX on the netlink socket itself (any socket
  // answers it, for its own namespace), not with if_nametoindex(), which opens a socket in the
  // calling thread's namespace: the manager must keep working in the namespace it was opened in.
  const int fd = mnl_socket_get_fd(*socket);
  const size_t batch_limit = SizeReceiveQueue(mnl_socket_get_fd(*batch_socket));
  return std::unique_ptr<NetlinkAddressManager>(
      new NetlinkAddressManager(*socket, *batch_socket, fd, batch_limit));
}

NetlinkAddressManager::NetlinkAddressManager(mnl_socket* socket, mnl_socket* batch_socket,
                                             int ioctl_fd, size_t batch_limit)
    : socket_(socket),
      batch_socket_(batch_socket),
      ioctl_fd_(ioctl_fd),
      seq_(0),
      receive_buffer_(kReceiveBufferSize),
      batch_limit_(batch_limit) {}

NetlinkAddressManager::~NetlinkAddressManager() {
  mnl_socket_close(batch_socket_);
  mnl_socket_close(socket_);
}

uint32_t NetlinkAddressManager::batch_port_id() const {
  return mnl_socket_get_portid(batch_socket_);
}

absl::StatusOr<uint32_t> NetlinkAddressManager::InterfaceIndex(std::string_view interface) const {
  uint32_t index = 0;
  if (int error = LookUpIndex(ioctl_fd_, interface, &index); error != 0) {
    return SysError("SIOCGIFINDEX", fmt::format("interface \"{}\"", interface), error);
  }
  return index;
}

absl::Status NetlinkAddressManager::Send(absl::Span<const uint8_t> request, std::string_view call,
                                         std::string_view object) {
  for (;;) {
    ssize_t sent = mnl_socket_sendto(socket_, request.data(), request.size());
    if (sent >= 0) return absl::OkStatus();
    if (errno != EINTR) return SysError(fmt::format("send({})", call), object);
  }
}

absl::Status NetlinkAddressManager::Transact(absl::Span<const uint8_t> request, uint32_t seq,
                                             std::string_view call, std::string_view object,
                                             int* kernel_errno) {
  if (kernel_errno != nullptr) *kernel_errno = 0;
  if (absl::Status sent = Send(request, call, object); !sent.ok()) return sent;
  // rtnetlink handles a request in the sender's context, so the answer is queued by now; the
  // loop only skips answers to earlier requests.
  for (;;) {
    ssize_t received = mnl_socket_recvfrom(socket_, receive_buffer_.data(), receive_buffer_.size());
    if (received < 0) {
      if (errno == EINTR) continue;
      return SysError(fmt::format("recv({})", call), object);
    }
    absl::StatusOr<bool> done =
        ParseAck(absl::MakeConstSpan(receive_buffer_.data(), static_cast<size_t>(received)), seq,
                 call, object, kernel_errno);
    if (!done.ok()) return done.status();
    if (*done) return absl::OkStatus();
  }
}

absl::Status NetlinkAddressManager::Add(const VirtualAddress& vip) {
  if (absl::Status valid = Validate(vip); !valid.ok()) return valid;
  const std::string object = DescribeForError(vip);
  uint32_t ifindex = 0;
  if (int error = LookUpIndex(ioctl_fd_, vip.interface, &ifindex); error != 0) {
    return SysError("RTM_NEWADDR", object, error);
  }
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kAddressRequestMaxSize> buffer;
  const uint32_t seq = ++seq_;
  absl::StatusOr<size_t> size = BuildNewAddress(absl::MakeSpan(buffer), vip, ifindex, seq);
  if (!size.ok()) return size.status();
  int kernel_errno = 0;
  absl::Status status = Transact(absl::MakeConstSpan(buffer.data(), *size), seq, "RTM_NEWADDR",
                                 object, &kernel_errno);
  // NLM_F_EXCL makes an address that is already there EEXIST: the outcome asked for.
  if (kernel_errno == EEXIST) return absl::OkStatus();
  return status;
}

absl::Status NetlinkAddressManager::Remove(const VirtualAddress& vip) {
  if (absl::Status valid = Validate(vip); !valid.ok()) return valid;
  const std::string object = DescribeForError(vip);
  uint32_t ifindex = 0;
  if (int error = LookUpIndex(ioctl_fd_, vip.interface, &ifindex); error != 0) {
    return SysError("RTM_DELADDR", object, error);
  }
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kAddressRequestMaxSize> buffer;
  const uint32_t seq = ++seq_;
  absl::StatusOr<size_t> size = BuildDeleteAddress(absl::MakeSpan(buffer), vip, ifindex, seq);
  if (!size.ok()) return size.status();
  int kernel_errno = 0;
  absl::Status status = Transact(absl::MakeConstSpan(buffer.data(), *size), seq, "RTM_DELADDR",
                                 object, &kernel_errno);
  // An address that is not there is removed already: IPv4 and IPv6 both say EADDRNOTAVAIL,
  // ENOENT is accepted too for older kernels.
  if (kernel_errno == EADDRNOTAVAIL || kernel_errno == ENOENT) return absl::OkStatus();
  return status;
}

absl::StatusOr<std::vector<InterfaceAddress>> NetlinkAddressManager::List(
    std::string_view interface) {
  const std::string object = fmt::format("dev {}", interface);
  uint32_t ifindex = 0;
  if (int error = LookUpIndex(ioctl_fd_, interface, &ifindex); error != 0) {
    return SysError("RTM_GETADDR", object, error);
  }
  absl::StatusOr<std::vector<InterfaceAddress>> listed;
  for (int attempt = 0; attempt < kDumpAttempts; ++attempt) {
    listed = DumpOnce(interface, ifindex);
    if (listed.status().code() != absl::StatusCode::kAborted) break;
  }
  return listed;
}

absl::StatusOr<std::vector<InterfaceAddress>> NetlinkAddressManager::DumpOnce(
    std::string_view interface, uint32_t ifindex) {
  const std::string object = fmt::format("dev {}", interface);
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kAddressRequestMaxSize> buffer;
  const uint32_t seq = ++seq_;
  absl::StatusOr<size_t> size =
      BuildAddressDump(absl::MakeSpan(buffer), std::nullopt, ifindex, seq);
  if (!size.ok()) return size.status();
  if (absl::Status sent = Send(absl::MakeConstSpan(buffer.data(), *size), "RTM_GETADDR", object);
      !sent.ok()) {
    return sent;
  }
  std::vector<AddressRecord> records;
  absl::Status failure = absl::OkStatus();
  for (;;) {
    ssize_t received = mnl_socket_recvfrom(socket_, receive_buffer_.data(), receive_buffer_.size());
    if (received < 0) {
      if (errno == EINTR) continue;
      failure = SysError("recv(RTM_GETADDR)", object);
      break;
    }
    absl::StatusOr<bool> done =
        ParseAddressDump(absl::MakeConstSpan(receive_buffer_.data(), static_cast<size_t>(received)),
                         seq, object, records);
    if (!done.ok()) {
      failure = done.status();
      break;
    }
    if (*done) break;
  }
  if (!failure.ok()) {
    // Read what is left of the dump, so that the kernel ends it and the next request is not
    // refused with EBUSY. Each read makes the kernel queue the next part; none left: EAGAIN.
    const int fd = mnl_socket_get_fd(socket_);
    for (int reads = 0; reads < 10000; ++reads) {
      ssize_t drained = recv(fd, receive_buffer_.data(), receive_buffer_.size(), MSG_DONTWAIT);
      if (drained < 0 && errno != EINTR) break;
    }
    return failure;
  }

  return AddressesOnInterface(std::move(records), ifindex, interface);
}

}  // namespace vrrp::os
