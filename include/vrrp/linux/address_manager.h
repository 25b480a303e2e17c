// NetlinkAddressManager: the Linux AddressManager (vrrp/address_manager.h). It adds, removes and
// lists addresses with rtnetlink (RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR through libmnl), the
// way `ip addr` does, and is idempotent the way the driver needs: EEXIST on add and
// EADDRNOTAVAIL / ENOENT on remove are success.
//
//   absl::StatusOr<std::unique_ptr<vrrp::os::NetlinkAddressManager>> manager =
//       vrrp::os::NetlinkAddressManager::Open();
//   if (!manager.ok()) return manager.status();
//   absl::Status added = (*manager)->Add(vip);
//   // e.g. PERMISSION_DENIED: RTM_NEWADDR on 192.0.2.3/24 dev eth0: Operation not permitted
//   //      (EPERM) (changing addresses needs CAP_NET_ADMIN)
//
// A manager works in the network namespace it was opened in, whatever thread later calls it:
// its netlink socket, and the socket it resolves interface names with, are bound to that
// namespace when Open() creates them. It is not thread-safe; give each thread its own.
//
// IPv6 addresses are added with IFA_F_NODAD unless VirtualAddress::ipv6_dad, so they are usable
// at once (keepalived does the same). The prefix route is left to the kernel, as keepalived and
// `ip addr add` do, unless VirtualAddress::prefix_route is false (IFA_F_NOPREFIXROUTE, keepalived's
// `noprefixroute`).
#ifndef VRRP_LINUX_ADDRESS_MANAGER_H_
#define VRRP_LINUX_ADDRESS_MANAGER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/address_manager.h"

struct mnl_socket;

namespace vrrp::os {

// Thread-safety: none; one thread (it owns one netlink socket).
class NetlinkAddressManager final : public AddressManager {
 public:
  // Opens and binds a NETLINK_ROUTE socket. Needs no privilege; Add and Remove need
  // CAP_NET_ADMIN (in the namespace's user namespace) and say so when it is missing.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<NetlinkAddressManager>> Open();
  ~NetlinkAddressManager() override;
  NetlinkAddressManager(const NetlinkAddressManager&) = delete;
  NetlinkAddressManager& operator=(const NetlinkAddressManager&) = delete;

  [[nodiscard]] absl::Status Add(const VirtualAddress& vip) override;
  // Pipelined (address_batch.cc): the requests go in as few sends as fit 64 KiB and the receive
  // queue's room for errors, each interface is looked up once, and only the last request of a
  // send asks for an acknowledgement; the kernel answers any request that fails all the same,
  // by its sequence number. An answer lost to a receive queue overrun (ENOBUFS) fails the
  // addresses it may have been for, so that their instance tries again.
  [[nodiscard]] std::vector<absl::Status> AddAll(absl::Span<const VirtualAddress> vips) override;
  [[nodiscard]] absl::Status Remove(const VirtualAddress& vip) override;
  [[nodiscard]] absl::StatusOr<std::vector<InterfaceAddress>> List(
      std::string_view interface) override;

  // The kernel's index of an interface, in this manager's namespace. kNotFound names it.
  [[nodiscard]] absl::StatusOr<uint32_t> InterfaceIndex(std::string_view interface) const;

  // AddAll sends from a netlink socket of its own, and the kernel's notification of each
  // address it adds or renews carries that socket's port ID: a link monitor can leave them out
  // (LinkMonitor::IgnoreAddressesAddedBy), as the Driver does for its lease renewals.
  uint32_t batch_port_id() const;

 private:
  NetlinkAddressManager(mnl_socket* socket, mnl_socket* batch_socket, int ioctl_fd,
                        size_t batch_limit);
  // Enlarges the receive queue of `fd` for AddAll's answers; returns batch_limit_ for it.
  static size_t SizeReceiveQueue(int fd);

  absl::Status Send(absl::Span<const uint8_t> request, std::string_view call,
                    std::string_view object);
  // Sends `request` and reads until its acknowledgement; `kernel_errno` gets the kernel's errno.
  absl::Status Transact(absl::Span<const uint8_t> request, uint32_t seq, std::string_view call,
                        std::string_view object, int* kernel_errno);
  absl::StatusOr<std::vector<InterfaceAddress>> DumpOnce(std::string_view interface,
                                                         uint32_t ifindex);
  // One send of AddAll: requests for vips[sent[i]] with sequence numbers first_seq + i, in
  // request_buffer_'s first `size` bytes; fills their statuses.
  void SendBatch(absl::Span<const VirtualAddress> vips, absl::Span<const size_t> sent,
                 uint32_t first_seq, size_t size, std::vector<absl::Status>& statuses);

  mnl_socket* socket_;
  mnl_socket* batch_socket_;  // AddAll's (batch_port_id)
  int ioctl_fd_;              // socket_'s descriptor, for SIOCGIFINDEX in the right namespace
  uint32_t seq_;
  std::vector<uint8_t> receive_buffer_;
  std::vector<uint8_t> request_buffer_;  // AddAll's requests, allocated on its first call
  // Requests per AddAll send: as many error answers as the receive queue surely holds.
  size_t batch_limit_;
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_ADDRESS_MANAGER_H_
