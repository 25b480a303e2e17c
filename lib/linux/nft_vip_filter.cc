#include "vrrp/linux/nft_vip_filter.h"

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <nftables/libnftables.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "fmt/format.h"
#include "vrrp/linux/shared_library.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {
namespace {

// libnftables, loaded the first time a filter is opened (shared_library.h says why): the
// functions used here, with the header's own types.
struct NftApi {
  decltype(&nft_ctx_new) ctx_new = nullptr;
  decltype(&nft_ctx_free) ctx_free = nullptr;
  decltype(&nft_ctx_buffer_output) buffer_output = nullptr;
  decltype(&nft_ctx_buffer_error) buffer_error = nullptr;
  decltype(&nft_run_cmd_from_buffer) run_cmd = nullptr;
  decltype(&nft_ctx_get_error_buffer) error_buffer = nullptr;
};

absl::StatusOr<NftApi> LoadNftApi() {
  absl::StatusOr<SharedLibrary> lib =
      SharedLibrary::Open("libnftables.so.1", "no_accept and vrrp_strict", "libnftables1");
  if (!lib.ok()) return lib.status();
  NftApi api;
  for (absl::Status s :
       {lib->Bind("nft_ctx_new", api.ctx_new), lib->Bind("nft_ctx_free", api.ctx_free),
        lib->Bind("nft_ctx_buffer_output", api.buffer_output),
        lib->Bind("nft_ctx_buffer_error", api.buffer_error),
        lib->Bind("nft_run_cmd_from_buffer", api.run_cmd),
        lib->Bind("nft_ctx_get_error_buffer", api.error_buffer)}) {
    if (!s.ok()) return s;
  }
  return api;
}

const absl::StatusOr<NftApi>& Nft() {
  static const absl::StatusOr<NftApi> api = LoadNftApi();  // once per process, thread-safe
  return api;
}

std::string_view Line(std::string_view text, size_t n) {
  for (; n > 0 && text.find('\n') != std::string_view::npos; --n) {
    text.remove_prefix(text.find('\n') + 1);
  }
  if (n > 0) return {};
  text = text.substr(0, text.find('\n'));
  while (!text.empty() && absl::ascii_isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::string NftError(std::string_view buffer) {
  // nft writes "Error: why", the failing command, and carets under the part at fault.
  const std::string_view why = Line(buffer, 0);
  const std::string_view command = Line(buffer, 1);
  const std::string_view carets = Line(buffer, 2);
  const size_t from = carets.find('^');
  if (from == std::string_view::npos || from >= command.size()) return std::string(why);
  const size_t to = std::min(carets.find_last_of('^') + 1, command.size());
  return fmt::format("{} (at '{}' in: {})", why, command.substr(from, to - from), command);
}

absl::StatusOr<std::unique_ptr<NftVipFilter>> NftVipFilter::Open(NftTableOptions options) {
  if (absl::Status s = ValidateTableName(options.table); !s.ok()) return s;
  const absl::StatusOr<NftApi>& nft = Nft();
  if (!nft.ok()) return nft.status();
  nft_ctx* context = nft->ctx_new(NFT_CTX_DEFAULT);
  if (context == nullptr) return absl::ResourceExhaustedError("nftables: nft_ctx_new failed");
  // Errors and listings go to buffers we read, not to the daemon's stderr.
  nft->buffer_output(context);
  nft->buffer_error(context);
  return std::unique_ptr<NftVipFilter>(new NftVipFilter(context, std::move(options)));
}

NftVipFilter::NftVipFilter(nft_ctx* context, NftTableOptions options)
    : context_(context), options_(std::move(options)) {}

NftVipFilter::~NftVipFilter() {
  (void)Delete();
  Nft()->ctx_free(context_);  // Open succeeded, so the library is loaded
}

absl::Status NftVipFilter::Run(const std::string& script, std::string_view what) {
  const NftApi& nft = *Nft();
  if (nft.run_cmd(context_, script.c_str()) == 0) return absl::OkStatus();
  const std::string error = NftError(nft.error_buffer(context_));
  std::string message =
      fmt::format("nftables table inet {}: {}: {}", options_.table, what,
                  error.empty() ? std::string_view("nft failed without a message") : error);
  if (error.find("Operation not permitted") != std::string_view::npos) {
    return absl::PermissionDeniedError(message + " (nftables needs CAP_NET_ADMIN)");
  }
  return absl::InternalError(std::move(message));
}

absl::StatusOr<bool> NftVipFilter::TableExists(const NftTableOptions& options) {
  if (absl::Status s = ValidateTableName(options.table); !s.ok()) return s;
  std::unique_ptr<mnl_socket, int (*)(mnl_socket*)> socket(
      mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC), &mnl_socket_close);
  if (socket == nullptr) return SysError("socket(AF_NETLINK, NETLINK_NETFILTER)", "nftables");
  if (mnl_socket_bind(socket.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
    return SysError("bind(AF_NETLINK, NETLINK_NETFILTER)", "nftables");
  }
  // NFT_MSG_GETTABLE for "inet NAME": the kernel answers with the table (NFT_MSG_NEWTABLE) or
  // with ENOENT. No ack asked: one answer either way.
  std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* request = mnl_nlmsg_put_header(buffer.data());
  request->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE;
  request->nlmsg_flags = NLM_F_REQUEST;
  request->nlmsg_seq = 1;
  auto* family = static_cast<nfgenmsg*>(mnl_nlmsg_put_extra_header(request, sizeof(nfgenmsg)));
  family->nfgen_family = NFPROTO_INET;
  family->version = NFNETLINK_V0;
  family->res_id = 0;
  mnl_attr_put_strz(request, NFTA_TABLE_NAME, options.table.c_str());
  const std::string what = fmt::format("table inet {}", options.table);
  if (mnl_socket_sendto(socket.get(), request, request->nlmsg_len) < 0) {
    return SysError("send(NFT_MSG_GETTABLE)", what);
  }
  const ssize_t received = mnl_socket_recvfrom(socket.get(), buffer.data(), buffer.size());
  if (received < 0) return SysError("recv(NFT_MSG_GETTABLE)", what);
  const int result = mnl_cb_run(buffer.data(), static_cast<size_t>(received), 1,
                                mnl_socket_get_portid(socket.get()), nullptr, nullptr);
  if (result >= 0) return true;  // the table itself came back
  if (errno == ENOENT) return false;
  return SysError("NFT_MSG_GETTABLE", what);
}

absl::Status NftVipFilter::DeleteLeftover() {
  if (created_) return absl::OkStatus();  // ours, not a leftover
  return Run(DeleteTableScript(options_), "deleting a leftover table");
}

absl::Status NftVipFilter::Create() {
  if (created_) return absl::OkStatus();
  if (absl::Status s = Run(CreateTableScript(options_), "creating"); !s.ok()) return s;
  created_ = true;
  return absl::OkStatus();
}

absl::Status NftVipFilter::Delete() {
  if (!created_) return absl::OkStatus();
  elements_.clear();
  created_ = false;
  return Run(DeleteTableScript(options_), "deleting");
}

absl::Status NftVipFilter::Block(const VirtualAddress& vip) {
  absl::StatusOr<NftElement> element = NftElement::Of(vip);
  if (!element.ok()) return element.status();
  if (auto it = elements_.find(*element); it != elements_.end()) {
    ++it->second;
    return absl::OkStatus();
  }
  if (absl::Status s = Create(); !s.ok()) return s;
  if (absl::Status s =
          Run(ElementScript(options_, *element, true), fmt::format("blocking {}", vip.address));
      !s.ok()) {
    return s;
  }
  elements_.emplace(*std::move(element), 1);
  return absl::OkStatus();
}

absl::Status NftVipFilter::Unblock(const VirtualAddress& vip) {
  absl::StatusOr<NftElement> element = NftElement::Of(vip);
  if (!element.ok()) return element.status();
  auto it = elements_.find(*element);
  if (it == elements_.end()) return absl::OkStatus();  // not blocked: nothing to undo
  if (--it->second > 0) return absl::OkStatus();
  elements_.erase(it);
  return Run(ElementScript(options_, *element, false), fmt::format("unblocking {}", vip.address));
}

}  // namespace vrrp::os
