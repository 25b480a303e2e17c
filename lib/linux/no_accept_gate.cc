#include "vrrp/linux/no_accept_gate.h"

#include <utility>

namespace vrrp::os {

class GatedAddressManager final : public AddressManager {
 public:
  GatedAddressManager(NoAcceptGate& gate, std::unique_ptr<AddressManager> inner)
      : gate_(gate), inner_(std::move(inner)) {}

  absl::Status Add(const VirtualAddress& vip) override { return gate_.Add(*inner_, vip); }
  absl::Status Remove(const VirtualAddress& vip) override { return gate_.Remove(*inner_, vip); }
  absl::StatusOr<std::vector<InterfaceAddress>> List(std::string_view interface) override {
    return inner_->List(interface);
  }

 private:
  NoAcceptGate& gate_;
  std::unique_ptr<AddressManager> inner_;
};

std::unique_ptr<AddressManager> NoAcceptGate::Wrap(std::unique_ptr<AddressManager> inner) {
  return std::make_unique<GatedAddressManager>(*this, std::move(inner));
}

absl::Status NoAcceptGate::SetNoAccept(absl::Span<const VirtualAddress> addresses) {
  no_accept_.clear();
  for (const VirtualAddress& vip : addresses) no_accept_.insert(KeyOf(vip));
  absl::Status first;
  for (const Key& key : held_) {
    const bool want = no_accept_.contains(key);
    if (want == blocked_.contains(key)) continue;
    const VirtualAddress vip = AddressOf(key);
    absl::Status s = want ? filter_.Block(vip) : filter_.Unblock(vip);
    if (s.ok()) {
      if (want) {
        blocked_.insert(key);
      } else {
        blocked_.erase(key);
      }
    }
    first.Update(s);
  }
  return first;
}

absl::Status NoAcceptGate::Add(AddressManager& inner, const VirtualAddress& vip) {
  const Key key = KeyOf(vip);
  bool newly_blocked = false;
  if (no_accept_.contains(key) && !blocked_.contains(key)) {
    if (absl::Status s = filter_.Block(vip); !s.ok()) return s;  // not added: nothing half done
    blocked_.insert(key);
    newly_blocked = true;
  }
  if (absl::Status s = inner.Add(vip); !s.ok()) {
    // The address is not there: the rule added for it goes too. An address held before (a
    // failed renewal) keeps its rule.
    if (newly_blocked && filter_.Unblock(vip).ok()) blocked_.erase(key);
    return s;
  }
  held_.insert(key);
  return absl::OkStatus();
}

absl::Status NoAcceptGate::Remove(AddressManager& inner, const VirtualAddress& vip) {
  const Key key = KeyOf(vip);
  if (absl::Status s = inner.Remove(vip); !s.ok()) return s;  // still there: still filtered
  held_.erase(key);
  if (!blocked_.erase(key)) return absl::OkStatus();
  // The address is gone; a rule left behind would drop traffic to an address no one holds
  // here, which is harmless, and is said.
  return filter_.Unblock(vip);
}

}  // namespace vrrp::os
