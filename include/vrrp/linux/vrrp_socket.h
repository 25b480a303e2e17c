// VrrpSocket: what the Driver needs of the socket that carries VRRP on one (interface, family)
// for every router there: vrrp::Transport's Send, plus a file descriptor to wait on, group
// membership by reference count, a receive buffer that grows with the routers, batched sends
// and batched receives into the caller's memory. RawSocketTransport (raw_socket.h) is the Linux
// one; vrrp::testing's FakeSocket (testing/linux/fake_socket.h) is an in-memory one with a real
// fd, so the Driver's demultiplexing, fault and reload logic runs in tests without root.
//
//   std::unique_ptr<vrrp::os::VrrpSocket> socket = ...;  // DriverParts::open_socket
//   (void)socket->JoinGroup(vrrp::kMulticastGroupV4);
//   std::vector<uint8_t> arena(VrrpSocket::kMaxReceiveBatch * vrrp::os::kReceiveBufferSize);
//   std::vector<vrrp::ReceivedPacket> packets;   // reused: no allocation per batch
//   // when socket->fd() is readable:
//   auto n = socket->ReceiveMany(absl::MakeSpan(arena), vrrp::os::kReceiveBufferSize, packets);
//
// The calls are virtual per batch (ReceiveMany, Flush) or per message the Transport already
// made virtual (Send): the hot path costs what it did with the concrete type.
//
// Thread-safety: none; one thread uses a socket.
#ifndef VRRP_LINUX_VRRP_SOCKET_H_
#define VRRP_LINUX_VRRP_SOCKET_H_

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/codec.h"
#include "vrrp/ip_address.h"
#include "vrrp/transport.h"

namespace vrrp::os {

// Enough for the largest advertisement behind an IPv4 header with options: the slot size for
// ReceiveMany.
inline constexpr size_t kReceiveBufferSize = 60 + kMaxAdvertisementSize;

class VrrpSocket : public Transport {
 public:
  // The most packets one ReceiveMany hands over.
  static constexpr size_t kMaxReceiveBatch = 32;

  // Readable while packets wait (level-triggered): what an event loop watches.
  virtual int fd() const = 0;
  // The interface's index, as link notifications (LinkEvent::ifindex) name it.
  virtual int ifindex() const = 0;

  // Joins `group` on the interface, counting joins: the group is left when LeaveGroup has been
  // called as often. A socket that joined nothing receives only unicast VRRP to this host.
  [[nodiscard]] virtual absl::Status JoinGroup(const IpAddress& group) = 0;
  [[nodiscard]] virtual absl::Status LeaveGroup(const IpAddress& group) = 0;
  // Raises the receive buffer as routers join the socket; receive_buffer_bytes() is the last
  // size set (0: the system's default).
  [[nodiscard]] virtual absl::Status SetReceiveBuffer(int bytes) = 0;
  virtual int receive_buffer_bytes() const = 0;

  // After BeginBatch, Send queues (and returns OK) until Flush, which sends the queue and
  // returns the first failure since BeginBatch; the others are still sent.
  virtual void BeginBatch() = 0;
  [[nodiscard]] virtual absl::Status Flush() = 0;

  // Up to kMaxReceiveBatch waiting packets: `arena` holds consecutive slots of `slot_size`
  // bytes, one packet each. The readable ones are appended to `out` (payloads point into
  // `arena`); unreadable ones are skipped and counted by the socket. Returns how many were
  // taken, read or skipped: fewer than the slots means the socket is drained. Non-blocking: 0
  // when nothing waits.
  [[nodiscard]] virtual absl::StatusOr<size_t> ReceiveMany(absl::Span<uint8_t> arena,
                                                           size_t slot_size,
                                                           std::vector<ReceivedPacket>& out) = 0;
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_VRRP_SOCKET_H_
