#include "vrrp/testing/fakes.h"

#include <algorithm>
#include <utility>

namespace vrrp::testing {
namespace {

bool Same(const VirtualAddress& a, const VirtualAddress& b) {
  return a.interface == b.interface && a.address == b.address && a.prefix_len == b.prefix_len;
}

}  // namespace

absl::Status FakeTransport::Send(absl::Span<const uint8_t> payload, const IpAddress& source,
                                 const IpAddress& destination) {
  if (!send_status_.ok()) {
    ++failed_sends_;
    return send_status_;
  }
  sent_.push_back(
      SentPacket{std::vector<uint8_t>(payload.begin(), payload.end()), source, destination});
  return absl::OkStatus();
}

void FakeTransport::QueueReceived(std::vector<uint8_t> payload, ReceiveInfo info, int ifindex) {
  received_.push_back(Queued{std::move(payload), info, ifindex});
}

absl::StatusOr<std::optional<ReceivedPacket>> FakeTransport::Receive(absl::Span<uint8_t> buffer) {
  if (!receive_status_.ok()) return receive_status_;
  while (!received_.empty()) {
    Queued next = std::move(received_.front());
    received_.pop_front();
    if (next.payload.size() > buffer.size()) {
      ++skipped_;
      continue;
    }
    std::copy(next.payload.begin(), next.payload.end(), buffer.begin());
    return std::optional<ReceivedPacket>(
        ReceivedPacket{buffer.first(next.payload.size()), next.info, next.ifindex});
  }
  return std::optional<ReceivedPacket>();
}

absl::Status FakeAddressManager::FailureFor(const IpAddress& address) const {
  auto it = failures_.find(address);
  return it == failures_.end() ? absl::OkStatus() : it->second;
}

absl::Status FakeAddressManager::Add(const VirtualAddress& vip) {
  calls_.push_back("add " + ToString(vip));
  if (absl::Status s = FailureFor(vip.address); !s.ok()) return s;
  if (auto it = add_failures_.find(vip.address); it != add_failures_.end()) return it->second;
  auto there = std::find_if(held_.begin(), held_.end(),
                            [&](const InterfaceAddress& a) { return Same(a.vip, vip); });
  // As the kernel does with a lease (NLM_F_REPLACE): the address takes the new lifetime.
  if (there == held_.end()) {
    held_.push_back(InterfaceAddress{.vip = vip, .permanent = vip.lease_seconds == 0});
  } else if (vip.lease_seconds != 0) {
    there->vip.lease_seconds = vip.lease_seconds;
    there->permanent = false;
  }
  return absl::OkStatus();
}

absl::Status FakeAddressManager::Remove(const VirtualAddress& vip) {
  calls_.push_back("remove " + ToString(vip));
  if (absl::Status s = FailureFor(vip.address); !s.ok()) return s;
  held_.erase(std::remove_if(held_.begin(), held_.end(),
                             [&](const InterfaceAddress& a) { return Same(a.vip, vip); }),
              held_.end());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<InterfaceAddress>> FakeAddressManager::List(std::string_view interface) {
  if (!list_status_.ok()) return list_status_;
  std::vector<InterfaceAddress> on;
  for (const InterfaceAddress& a : held_) {
    if (a.vip.interface == interface) on.push_back(a);
  }
  return on;
}

bool FakeAddressManager::Holds(const IpAddress& address) const {
  return std::any_of(held_.begin(), held_.end(),
                     [&](const InterfaceAddress& a) { return a.vip.address == address; });
}

std::set<IpAddress> FakeAddressManager::addresses() const {
  std::set<IpAddress> out;
  for (const InterfaceAddress& a : held_) out.insert(a.vip.address);
  return out;
}

void FakeAddressManager::Put(InterfaceAddress address) { held_.push_back(std::move(address)); }

void FakeAddressManager::Unput(const IpAddress& address) {
  std::erase_if(held_, [&](const InterfaceAddress& a) { return a.vip.address == address; });
}

void FakeAddressManager::Fail(const IpAddress& address, absl::Status status) {
  if (status.ok()) {
    failures_.erase(address);
  } else {
    failures_[address] = std::move(status);
  }
}

void FakeAddressManager::FailAdd(const IpAddress& address, absl::Status status) {
  if (status.ok()) {
    add_failures_.erase(address);
  } else {
    add_failures_[address] = std::move(status);
  }
}

absl::Status FakeAnnouncer::Announce(const IpAddress& address) {
  if (!status_.ok()) return status_;
  announced_.push_back(address);
  ++counts_[address];
  if (on_frame_) on_frame_(address, /*probe=*/false);
  return absl::OkStatus();
}

absl::Status FakeAnnouncer::Probe(const IpAddress& address) {
  if (!status_.ok()) return status_;
  probed_.push_back(address);
  if (on_frame_) on_frame_(address, /*probe=*/true);
  return absl::OkStatus();
}

int FakeAnnouncer::count(const IpAddress& address) const {
  auto it = counts_.find(address);
  return it == counts_.end() ? 0 : it->second;
}

void FakeAnnouncer::clear() {
  announced_.clear();
  probed_.clear();
  counts_.clear();
}

}  // namespace vrrp::testing
