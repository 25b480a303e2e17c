// FakeSocket: the VRRP socket of one (interface, family) on a FakeHost (fake_host.h), as the
// Driver gets it from FakeHost::Parts(). It records what is sent, hands received packets to
// ReceiveMany as the raw socket does, and has a real fd (an eventfd) that is readable exactly
// while packets wait. Packets arrive from a FakeNetwork (another host's Driver) or from the
// test, which plays a peer router with vrrp's own codec:
//
//   vrrp::testing::FakeSocket* socket = host.socket("eth0", vrrp::Family::kIPv4);
//   vrrp::Advertisement adv{.version = vrrp::Version::kV3, .vrid = 1, .priority = 200,
//                           .interval = vrrp::Centiseconds(100), .addresses = {vip}};
//   (void)vrrp::testing::InjectAdvertisement(*socket, adv, peer);  // to 224.0.0.18, TTL 255
//   driver->OnReadable(now, socket->fd());
//   std::optional<vrrp::Advertisement> mine = vrrp::testing::DecodeSent(socket->sent().back());
//
// Thread-safety: none. Lifetime: made and owned by the Driver; the host outlives it.
#ifndef VRRP_TESTING_LINUX_FAKE_SOCKET_H_
#define VRRP_TESTING_LINUX_FAKE_SOCKET_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vrrp/advertisement.h"
#include "vrrp/codec.h"
#include "vrrp/linux/unique_fd.h"
#include "vrrp/linux/vrrp_socket.h"
#include "vrrp/pass_key.h"
#include "vrrp/testing/fakes.h"

namespace vrrp::testing {

class FakeHost;

class FakeSocket final : public os::VrrpSocket {
 public:
  ~FakeSocket() override;
  FakeSocket(const FakeSocket&) = delete;
  FakeSocket& operator=(const FakeSocket&) = delete;

  // --- VrrpSocket ---
  int fd() const override { return bell_.get(); }
  int ifindex() const override { return ifindex_; }
  // Counted per group; kNotFound for leaving a group not joined, as the raw socket.
  [[nodiscard]] absl::Status JoinGroup(const IpAddress& group) override;
  [[nodiscard]] absl::Status LeaveGroup(const IpAddress& group) override;
  [[nodiscard]] absl::Status SetReceiveBuffer(int bytes) override;
  int receive_buffer_bytes() const override { return receive_buffer_bytes_; }
  // Records the message (at Flush when batching) and gives it to the host's FakeNetwork, or
  // fails with what FailSends set. kInvalidArgument for a source or destination of the other
  // family, as the raw socket.
  [[nodiscard]] absl::Status Send(absl::Span<const uint8_t> payload, const IpAddress& source,
                                  const IpAddress& destination) override;
  void BeginBatch() override { batching_ = true; }
  [[nodiscard]] absl::Status Flush() override;
  [[nodiscard]] absl::StatusOr<std::optional<ReceivedPacket>> Receive(
      absl::Span<uint8_t> buffer) override;
  [[nodiscard]] absl::StatusOr<size_t> ReceiveMany(absl::Span<uint8_t> arena, size_t slot_size,
                                                   std::vector<ReceivedPacket>& out) override;

  // --- The test's side ---
  const std::string& interface() const { return interface_; }
  Family family() const { return family_; }
  // A packet arrives (the VRRP message; `info` as the kernel reports it): fd() is readable.
  void Arrive(absl::Span<const uint8_t> payload, const ReceiveInfo& info);
  size_t waiting() const { return waiting_.size(); }
  // What went out, oldest first.
  const std::vector<SentPacket>& sent() const { return sent_; }
  void clear_sent() { sent_.clear(); }
  // How many times `group` is joined now.
  int joins(const IpAddress& group) const;
  // Flushes that sent at least one message: one sendmmsg each on Linux.
  size_t batches() const { return batches_; }
  // Every Send fails with `status` (nothing recorded, nothing carried); OkStatus() to stop.
  void FailSends(absl::Status status) { send_status_ = std::move(status); }
  // ReceiveMany fails with `status`; OkStatus() to stop.
  void FailReceive(absl::Status status) { receive_status_ = std::move(status); }
  // Packets larger than a ReceiveMany slot, skipped as the raw socket skips them.
  uint64_t skipped() const { return skipped_; }

 private:
  friend class FakeHost;
  FakeSocket(FakeHost& host, std::string interface, Family family, int ifindex, os::UniqueFd bell);
  void Deliver(const SentPacket& packet);

  FakeHost& host_;
  std::string interface_;
  Family family_;
  int ifindex_;
  os::UniqueFd bell_;
  std::vector<std::pair<IpAddress, int>> groups_;
  int receive_buffer_bytes_ = 0;
  bool batching_ = false;
  std::vector<SentPacket> batch_;
  absl::Status batch_error_;
  size_t batches_ = 0;
  std::vector<SentPacket> sent_;
  absl::Status send_status_;
  struct Waiting {
    std::vector<uint8_t> payload;
    ReceiveInfo info;
  };
  std::deque<Waiting> waiting_;
  absl::Status receive_status_;
  uint64_t skipped_ = 0;
  std::vector<ReceivedPacket> receive_one_;  // Receive's one-slot ReceiveMany
};

// Encodes `adv` with vrrp's codec, as a router at `source` sends it to `destination` (nullopt:
// the family's multicast group), and lets it arrive on `socket` with TTL / hop limit `ttl`.
// `key`: v2 PASS authentication. kInvalidArgument when the codec refuses `adv`.
[[nodiscard]] absl::Status InjectAdvertisement(FakeSocket& socket, const Advertisement& adv,
                                               const IpAddress& source,
                                               std::optional<IpAddress> destination = {},
                                               const PassKey& key = {}, uint8_t ttl = kVrrpTtl);

// Decodes a message a socket sent (either version, authentication not checked); nullopt when it
// does not decode.
std::optional<Advertisement> DecodeSent(const SentPacket& packet);

}  // namespace vrrp::testing

#endif  // VRRP_TESTING_LINUX_FAKE_SOCKET_H_
