#include "vrrp/testing/linux/fake_socket.h"

#include <algorithm>
#include <array>
#include <utility>

#include "doorbell.h"
#include "fmt/format.h"
#include "vrrp/testing/linux/fake_host.h"
#include "vrrp/testing/linux/fake_network.h"

namespace vrrp::testing {

FakeSocket::FakeSocket(FakeHost& host, std::string interface, Family family, int ifindex,
                       os::UniqueFd bell)
    : host_(host),
      interface_(std::move(interface)),
      family_(family),
      ifindex_(ifindex),
      bell_(std::move(bell)) {
  host_.sockets_.push_back(this);
}

FakeSocket::~FakeSocket() {
  auto& sockets = host_.sockets_;
  sockets.erase(std::remove(sockets.begin(), sockets.end(), this), sockets.end());
}

absl::Status FakeSocket::JoinGroup(const IpAddress& group) {
  if (group.family() != family_ || !group.IsMulticast()) {
    return absl::InvalidArgumentError(fmt::format(
        "multicast group {} is not an {} multicast address", group, FamilyName(family_)));
  }
  for (auto& [joined, count] : groups_) {
    if (joined == group) {
      ++count;
      return absl::OkStatus();
    }
  }
  groups_.emplace_back(group, 1);
  return absl::OkStatus();
}

absl::Status FakeSocket::LeaveGroup(const IpAddress& group) {
  for (size_t i = 0; i < groups_.size(); ++i) {
    if (groups_[i].first != group) continue;
    if (--groups_[i].second == 0) groups_.erase(groups_.begin() + static_cast<std::ptrdiff_t>(i));
    return absl::OkStatus();
  }
  return absl::NotFoundError(fmt::format("group {} was not joined on {}", group, interface_));
}

int FakeSocket::joins(const IpAddress& group) const {
  for (const auto& [joined, count] : groups_) {
    if (joined == group) return count;
  }
  return 0;
}

absl::Status FakeSocket::SetReceiveBuffer(int bytes) {
  receive_buffer_bytes_ = bytes;
  return absl::OkStatus();
}

absl::Status FakeSocket::Send(absl::Span<const uint8_t> payload, const IpAddress& source,
                              const IpAddress& destination) {
  if (destination.family() != family_ || source.family() != family_) {
    return absl::InvalidArgumentError(fmt::format("cannot send from {} to {} on an {} transport",
                                                  source, destination, FamilyName(family_)));
  }
  if (!send_status_.ok()) {
    if (!batching_) return send_status_;
    if (batch_error_.ok()) batch_error_ = send_status_;
    return absl::OkStatus();
  }
  SentPacket packet{std::vector<uint8_t>(payload.begin(), payload.end()), source, destination};
  if (batching_) {
    batch_.push_back(std::move(packet));
  } else {
    Deliver(packet);
  }
  return absl::OkStatus();
}

absl::Status FakeSocket::Flush() {
  batching_ = false;
  if (!batch_.empty()) ++batches_;
  for (const SentPacket& packet : batch_) Deliver(packet);
  batch_.clear();
  return std::exchange(batch_error_, absl::OkStatus());
}

void FakeSocket::Deliver(const SentPacket& packet) {
  sent_.push_back(packet);
  if (const FakeHost::Interface* i = host_.Find(interface_); i != nullptr && i->network) {
    i->network->Carry(host_, interface_, family_, packet);
  }
}

void FakeSocket::Arrive(absl::Span<const uint8_t> payload, const ReceiveInfo& info) {
  waiting_.push_back(Waiting{std::vector<uint8_t>(payload.begin(), payload.end()), info});
  Ring(bell_.get());
}

absl::StatusOr<size_t> FakeSocket::ReceiveMany(absl::Span<uint8_t> arena, size_t slot_size,
                                               std::vector<ReceivedPacket>& out) {
  if (!receive_status_.ok()) return receive_status_;
  const size_t slots = slot_size == 0 ? 0 : std::min(arena.size() / slot_size, kMaxReceiveBatch);
  if (slots == 0) {
    return absl::InvalidArgumentError(fmt::format(
        "receive buffer of {} bytes is smaller than one slot of {}", arena.size(), slot_size));
  }
  size_t taken = 0;
  for (; taken < slots && !waiting_.empty(); ++taken) {
    Waiting next = std::move(waiting_.front());
    waiting_.pop_front();
    if (next.payload.size() > slot_size) {
      ++skipped_;
      continue;
    }
    uint8_t* slot = arena.data() + taken * slot_size;
    std::copy(next.payload.begin(), next.payload.end(), slot);
    out.push_back(ReceivedPacket{.payload = absl::MakeConstSpan(slot, next.payload.size()),
                                 .info = next.info,
                                 .ifindex = ifindex_});
  }
  if (waiting_.empty()) Quiet(bell_.get());
  return taken;
}

absl::StatusOr<std::optional<ReceivedPacket>> FakeSocket::Receive(absl::Span<uint8_t> buffer) {
  for (;;) {
    receive_one_.clear();
    absl::StatusOr<size_t> read = ReceiveMany(buffer, buffer.size(), receive_one_);
    if (!read.ok()) return read.status();
    if (!receive_one_.empty()) return std::optional<ReceivedPacket>(receive_one_.front());
    if (*read == 0) return std::optional<ReceivedPacket>();
  }
}

absl::Status InjectAdvertisement(FakeSocket& socket, const Advertisement& adv,
                                 const IpAddress& source, std::optional<IpAddress> destination,
                                 const PassKey& key, uint8_t ttl) {
  const IpAddress to = destination.value_or(MulticastGroup(socket.family()));
  std::array<uint8_t, kMaxAdvertisementSize> buffer;
  absl::StatusOr<size_t> size =
      EncodeAdvertisement(adv, EncodeOptions{.source = source, .destination = to, .pass_key = key},
                          absl::MakeSpan(buffer));
  if (!size.ok()) return size.status();
  socket.Arrive(absl::MakeConstSpan(buffer.data(), *size),
                ReceiveInfo{.source = source, .destination = to, .ttl = ttl});
  return absl::OkStatus();
}

std::optional<Advertisement> DecodeSent(const SentPacket& packet) {
  Advertisement adv;
  const DecodeOptions options{.version = std::nullopt, .auth_type = std::nullopt};
  if (DecodeAdvertisement(packet.payload,
                          ReceiveInfo{.source = packet.source, .destination = packet.destination},
                          options, adv) != DropReason::kNone) {
    return std::nullopt;
  }
  return adv;
}

}  // namespace vrrp::testing
