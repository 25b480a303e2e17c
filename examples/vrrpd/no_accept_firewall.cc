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

NoAcceptFirewall::NoAcceptFirewall(Logger& log, std::unique_ptr<vrrp::os::NftVipFilter> filter)
    : log_(log), filter_(std::move(filter)), gate_(*filter_) {}

NoAcceptFirewall::~NoAcceptFirewall() { Stop(); }

absl::StatusOr<std::unique_ptr<NoAcceptFirewall>> NoAcceptFirewall::Open(
    const vrrp::config::Configuration& conf, Logger& log) {
  auto filter = vrrp::os::NftVipFilter::Open(vrrp::keepalived::NftOptionsOf(conf.global));
  if (!filter.ok()) return filter.status();
  std::unique_ptr<NoAcceptFirewall> f(new NoAcceptFirewall(log, std::move(*filter)));
  const std::vector<vrrp::VirtualAddress> addresses = vrrp::keepalived::NoAcceptAddresses(conf);
  // A killed vrrpd left its table (and the VIPs it filtered): gone before anything is added.
  if (absl::Status s = f->filter_->DeleteLeftover(); !s.ok()) {
    if (!addresses.empty()) return s;
    log.Detail(fmt::format("no_accept is not used, and {}", std::string(s.message())));
  }
  if (!addresses.empty()) {
    if (absl::Status s = f->filter_->Create(); !s.ok()) return s;
    log.Info(fmt::format("{}: drops traffic to and from no_accept Masters' addresses",
                         Describe(f->filter_->options())));
  }
  if (absl::Status s = f->gate_.SetNoAccept(addresses); !s.ok()) return s;  // none held yet
  return f;
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
  const vrrp::os::NftTableOptions wanted = vrrp::keepalived::NftOptionsOf(conf.global);
  if (wanted != filter_->options()) {
    log_.Warning(
        fmt::format("nftables / nftables_priority / nftables_counters changed: {} stays "
                    "as it is until vrrpd restarts",
                    Describe(filter_->options())));
  }
  const std::vector<vrrp::VirtualAddress> addresses = vrrp::keepalived::NoAcceptAddresses(conf);
  if (!addresses.empty() && !filter_->created()) {
    if (absl::Status s = filter_->Create(); !s.ok()) return s;
    log_.Info(fmt::format("{}: drops traffic to and from no_accept Masters' addresses",
                          Describe(filter_->options())));
  }
  return gate_.SetNoAccept(addresses);
}

void NoAcceptFirewall::Stop() {
  if (!filter_->created()) return;
  if (absl::Status s = filter_->Delete(); !s.ok()) {
    log_.Error(std::string(s.message()));
  } else {
    log_.Info(fmt::format("{}: deleted", Describe(filter_->options())));
  }
}

}  // namespace vrrpd
