// NftVipFilter: the nftables table (nft_script.h) that drops traffic to and from the virtual
// addresses a no_accept Master holds, kept through libnftables (Debian's libnftables1, the
// library the `nft` command is built on). keepalived does the same with its "keepalived" tables;
// ours is "vrrpd" unless configured, so the two never touch each other's rules.
//
//   auto filter = vrrp::os::NftVipFilter::Open({});    // table inet vrrpd
//   if (absl::Status s = (*filter)->DeleteLeftover(); !s.ok()) ...   // a killed run's rules go
//   (*filter)->Block(vip);     // creates the table when needed, then adds the element
//   (*filter)->Unblock(vip);
//   (*filter)->Delete();       // clean stop: no table left
//
// Every change is one nft batch, which the kernel applies whole or not at all: an error leaves
// the rules as they were, and its status carries nft's own message. Each element is counted, so
// the same address blocked twice (two instances, an address re-added) is unblocked when the last
// one lets go of it.
//
// libnftables is loaded (dlopen) by the first Open() of the process, not at start-up: a daemon
// that never filters never maps it (shared_library.h); TableExists() needs no library at all.
//
// Thread-safety: none; one thread. It works in the network namespace it was opened in, whatever
// thread later calls it (libnftables opens its netlink socket in nft_ctx_new).
#ifndef VRRP_LINUX_NFT_VIP_FILTER_H_
#define VRRP_LINUX_NFT_VIP_FILTER_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vrrp/address_manager.h"
#include "vrrp/linux/nft_script.h"

struct nft_ctx;

namespace vrrp::os {

// What NoAcceptGate (no_accept_gate.h) asks of a filter; NftVipFilter is the Linux one.
class AddressFilter {
 public:
  virtual ~AddressFilter() = default;
  // Traffic to and from vip.address (on vip.interface, for a link-local one) is dropped.
  [[nodiscard]] virtual absl::Status Block(const VirtualAddress& vip) = 0;
  [[nodiscard]] virtual absl::Status Unblock(const VirtualAddress& vip) = 0;
};

class NftVipFilter final : public AddressFilter {
 public:
  // Whether a table "inet NAME" exists (one NFT_MSG_GETTABLE over netlink, no libnftables):
  // how a daemon that filters nothing learns that a killed run left one to delete.
  [[nodiscard]] static absl::StatusOr<bool> TableExists(const NftTableOptions& options);
  // Checks the table name, loads libnftables (FailedPrecondition naming the Debian package when
  // it cannot) and makes its context; no system call yet.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<NftVipFilter>> Open(NftTableOptions options);
  // Deletes the table if this filter made it (a failure is lost: call Delete() to see it).
  ~NftVipFilter() override;
  NftVipFilter(const NftVipFilter&) = delete;
  NftVipFilter& operator=(const NftVipFilter&) = delete;

  // Deletes a table of this name, whether or not there is one: what a killed vrrpd left.
  [[nodiscard]] absl::Status DeleteLeftover();
  // Makes the table, empty (replacing a leftover one), unless this filter made it already.
  [[nodiscard]] absl::Status Create();
  // Deletes the table and forgets every element; nothing when none was made.
  [[nodiscard]] absl::Status Delete();

  // Block creates the table first when needed. Each is one batch; counted per element.
  [[nodiscard]] absl::Status Block(const VirtualAddress& vip) override;
  [[nodiscard]] absl::Status Unblock(const VirtualAddress& vip) override;

  bool created() const { return created_; }
  size_t blocked() const { return elements_.size(); }  // distinct elements in the sets
  const NftTableOptions& options() const { return options_; }

 private:
  NftVipFilter(nft_ctx* context, NftTableOptions options);
  // Runs one batch; on failure kPermissionDenied (no CAP_NET_ADMIN) or kInternal with nft's
  // message and what was asked.
  absl::Status Run(const std::string& script, std::string_view what);

  nft_ctx* context_;
  NftTableOptions options_;
  bool created_ = false;
  std::map<NftElement, int> elements_;  // how many Block()s hold each element
};

// nft's error buffer as one line: "Error: No such file or directory (at 'vips4' in: add element
// inet vrrpd vips4 { 192.0.2.3 })", the carets nft draws under the failing word read back into
// it. Only the first line when there are no carets; empty for an empty buffer.
std::string NftError(std::string_view buffer);

}  // namespace vrrp::os

#endif  // VRRP_LINUX_NFT_VIP_FILTER_H_
