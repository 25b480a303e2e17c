#include "vrrp/linux/no_accept_gate.h"

#include <utility>

namespace vrrp::os {

class GatedAddressManager final : public AddressManager {
 public:
  GatedAddressManager(NoAcceptGate& gate, std::unique_ptr<AddressManager> inner)
      : gate_(gate), inner_(std::move(inner)) {}

  absl::Status Add(const VirtualAddress& vip) override { return gate_.Add(*inner_, vip); }
  std::vector<absl::Status> AddAll(absl::Span<const VirtualAddress> vips) override {
    return gate_.AddAll(*inner_, vips);
  }
  absl::Status Remove(const VirtualAddress& vip) override { return gate_.Remove(*inner_, vip); }
  absl::StatusOr<std::vector<InterfaceAddress>> List(std::string_view interface) override {
    return inner_->List(interface);
  }
  AddressManager* wrapped() override { return inner_.get(); }

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

absl::StatusOr<bool> NoAcceptGate::BlockBefore(const VirtualAddress& vip) {
  const Key key = KeyOf(vip);
  if (!no_accept_.contains(key) || blocked_.contains(key)) return false;
  if (absl::Status s = filter_.Block(vip); !s.ok()) return s;  // not added: nothing half done
  blocked_.insert(key);
  return true;
}

absl::Status NoAcceptGate::After(const VirtualAddress& vip, bool newly_blocked,
                                 absl::Status added) {
  if (!added.ok()) {
    // The address is not there: the rule added for it goes too. An address held before (a
    // failed renewal) keeps its rule.
    if (newly_blocked && filter_.Unblock(vip).ok()) blocked_.erase(KeyOf(vip));
    return added;
  }
  held_.insert(KeyOf(vip));
  return absl::OkStatus();
}

absl::Status NoAcceptGate::Add(AddressManager& inner, const VirtualAddress& vip) {
  absl::StatusOr<bool> newly_blocked = BlockBefore(vip);
  if (!newly_blocked.ok()) return newly_blocked.status();
  return After(vip, *newly_blocked, inner.Add(vip));
}

std::vector<absl::Status> NoAcceptGate::AddAll(AddressManager& inner,
                                               absl::Span<const VirtualAddress> vips) {
  std::vector<absl::Status> statuses(vips.size());
  std::vector<VirtualAddress> passed;  // those whose filter is in place, for `inner`
  std::vector<size_t> at;              // their indexes in `vips`
  std::vector<bool> newly_blocked;
  for (size_t i = 0; i < vips.size(); ++i) {
    absl::StatusOr<bool> blocked = BlockBefore(vips[i]);
    if (!blocked.ok()) {
      statuses[i] = blocked.status();
      continue;
    }
    passed.push_back(vips[i]);
    at.push_back(i);
    newly_blocked.push_back(*blocked);
  }
  std::vector<absl::Status> added = inner.AddAll(passed);
  added.resize(passed.size(), absl::InternalError("the address manager gave no outcome"));
  for (size_t k = 0; k < passed.size(); ++k) {
    statuses[at[k]] = After(passed[k], newly_blocked[k], std::move(added[k]));
  }
  return statuses;
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
