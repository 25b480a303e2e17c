#include "vrrp/linux/nft_vip_filter.h"

#include <nftables/libnftables.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "fmt/format.h"

namespace vrrp::os {
namespace {

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
  nft_ctx* context = nft_ctx_new(NFT_CTX_DEFAULT);
  if (context == nullptr) return absl::ResourceExhaustedError("nftables: nft_ctx_new failed");
  // Errors and listings go to buffers we read, not to the daemon's stderr.
  nft_ctx_buffer_output(context);
  nft_ctx_buffer_error(context);
  return std::unique_ptr<NftVipFilter>(new NftVipFilter(context, std::move(options)));
}

NftVipFilter::NftVipFilter(nft_ctx* context, NftTableOptions options)
    : context_(context), options_(std::move(options)) {}

NftVipFilter::~NftVipFilter() {
  (void)Delete();
  nft_ctx_free(context_);
}

absl::Status NftVipFilter::Run(const std::string& script, std::string_view what) {
  if (nft_run_cmd_from_buffer(context_, script.c_str()) == 0) return absl::OkStatus();
  const std::string error = NftError(nft_ctx_get_error_buffer(context_));
  std::string message =
      fmt::format("nftables table inet {}: {}: {}", options_.table, what,
                  error.empty() ? std::string_view("nft failed without a message") : error);
  if (error.find("Operation not permitted") != std::string_view::npos) {
    return absl::PermissionDeniedError(message + " (nftables needs CAP_NET_ADMIN)");
  }
  return absl::InternalError(std::move(message));
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
