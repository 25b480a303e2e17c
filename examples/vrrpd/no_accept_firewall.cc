#include "no_accept_firewall.h"

#include <string>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "vrrp/keepalived/no_accept.h"
#include "vrrp/linux/address_manager.h"

namespace vrrpd {
namespace {

std::string Describe(const vrrp::os::NftTableOptions& o) {
  return fmt::format("nftables table inet {}", o.table);
}

}  // namespace

NoAcceptFirewall::NoAcceptFirewall(Logger& log, vrrp::os::NftTableOptions options)
    : log_(log), options_(std::move(options)), gate_(*this) {}

NoAcceptFirewall::~NoAcceptFirewall() { Stop(); }

absl::StatusOr<std::unique_ptr<NoAcceptFirewall>> NoAcceptFirewall::Open(
    const vrrp::config::Configuration& conf, Logger& log) {
  vrrp::os::NftTableOptions options = vrrp::keepalived::NftOptionsOf(conf.global);
  if (absl::Status s = vrrp::os::ValidateTableName(options.table); !s.ok()) return s;
  std::unique_ptr<NoAcceptFirewall> f(new NoAcceptFirewall(log, std::move(options)));
  const std::vector<vrrp::VirtualAddress> addresses = vrrp::keepalived::NoAcceptAddresses(conf);
  // A killed vrrpd left its table (and the VIPs it filtered): gone before anything is added.
  // Without no_accept instances, netlink says first whether there is one, so that libnftables
  // is loaded only to delete it.
  absl::Status leftover = absl::OkStatus();
  if (addresses.empty()) {
    absl::StatusOr<bool> exists = vrrp::os::NftVipFilter::TableExists(f->options_);
    if (!exists.ok()) leftover = exists.status();
    if (exists.ok() && *exists) leftover = f->OpenFilter();
  } else {
    leftover = f->OpenFilter();
  }
  if (leftover.ok() && f->filter_ != nullptr) leftover = f->filter_->DeleteLeftover();
  if (!leftover.ok()) {
    if (!addresses.empty()) return leftover;
    log.Detail(fmt::format("no_accept is not used, and {}", std::string(leftover.message())));
  }
  if (absl::Status s = f->CreateIfNeeded(addresses); !s.ok()) return s;
  if (absl::Status s = f->gate_.SetNoAccept(addresses); !s.ok()) return s;  // none held yet
  return f;
}

absl::Status NoAcceptFirewall::OpenFilter() {
  if (filter_ != nullptr) return absl::OkStatus();
  auto filter = vrrp::os::NftVipFilter::Open(options_);
  if (!filter.ok()) return filter.status();
  filter_ = std::move(*filter);
  return absl::OkStatus();
}

absl::Status NoAcceptFirewall::CreateIfNeeded(const std::vector<vrrp::VirtualAddress>& addresses) {
  if (addresses.empty() || (filter_ != nullptr && filter_->created())) return absl::OkStatus();
  if (absl::Status s = OpenFilter(); !s.ok()) return s;
  if (absl::Status s = filter_->Create(); !s.ok()) return s;
  log_.Info(fmt::format("{}: drops traffic to and from no_accept Masters' addresses",
                        Describe(options_)));
  return absl::OkStatus();
}

absl::Status NoAcceptFirewall::Block(const vrrp::VirtualAddress& vip) {
  if (filter_ == nullptr) {
    return absl::InternalError(
        fmt::format("{}: not open to block {}", Describe(options_), vip.address.ToString()));
  }
  return filter_->Block(vip);
}

absl::Status NoAcceptFirewall::Unblock(const vrrp::VirtualAddress& vip) {
  if (filter_ == nullptr) return absl::OkStatus();  // nothing was blocked
  return filter_->Unblock(vip);
}

std::function<absl::StatusOr<std::unique_ptr<vrrp::AddressManager>>()>
NoAcceptFirewall::AddressManagerFactory() {
  return [this]() -> absl::StatusOr<std::unique_ptr<vrrp::AddressManager>> {
    auto manager = vrrp::os::NetlinkAddressManager::Open();
    if (!manager.ok()) return manager.status();
    return gate_.Wrap(std::move(*manager));
  };
}

absl::Status NoAcceptFirewall::Reconfigure(const vrrp::config::Configuration& conf) {
  if (vrrp::keepalived::NftOptionsOf(conf.global) != options_) {
    log_.Warning(
        fmt::format("nftables / nftables_priority / nftables_counters changed: {} stays "
                    "as it is until vrrpd restarts",
                    Describe(options_)));
  }
  const std::vector<vrrp::VirtualAddress> addresses = vrrp::keepalived::NoAcceptAddresses(conf);
  if (absl::Status s = CreateIfNeeded(addresses); !s.ok()) return s;
  return gate_.SetNoAccept(addresses);
}

void NoAcceptFirewall::Stop() {
  if (filter_ == nullptr || !filter_->created()) return;
  if (absl::Status s = filter_->Delete(); !s.ok()) {
    log_.Error(std::string(s.message()));
  } else {
    log_.Info(fmt::format("{}: deleted", Describe(options_)));
  }
}

}  // namespace vrrpd
