// virtual_ipaddress and virtual_ipaddress_excluded: one address per entry, ADDRESS[/PREFIX] with
// `ip addr`-style options after it on the same line, and later the VirtualAddress it becomes once
// the instance's interface is known.
#include <string>
#include <string_view>

#include "blocks.h"
#include "errors.h"
#include "fmt/format.h"
#include "keyword_table.h"
#include "resolve.h"
#include "vrrp/ip_address.h"

namespace vrrp::config {
namespace {

struct AddressDraft {
  PendingAddress& address;
  std::string_view block;  // virtual_ipaddress or virtual_ipaddress_excluded
};

// The word after an option such as `dev`.
absl::StatusOr<const Token*> OptionValue(Cursor& in, const AddressDraft& d, const Token& option) {
  const Token* v = in.Value(option);
  if (v == nullptr) {
    return in.Error(option, std::string(d.block),
                    fmt::format("{}: {} needs a value", d.block, option.text));
  }
  return v;
}

absl::Status Text(Cursor& in, AddressDraft& d, const Token& option, std::string& field) {
  absl::StatusOr<const Token*> v = OptionValue(in, d, option);
  if (!v.ok()) return v.status();
  field = (*v)->text;
  return absl::OkStatus();
}

absl::Status Broadcast(Cursor& in, AddressDraft& d, const Token& option) {
  absl::StatusOr<const Token*> v = OptionValue(in, d, option);
  if (!v.ok()) return v.status();
  if ((*v)->text == "+") {
    d.address.brd_plus = true;
    return absl::OkStatus();
  }
  absl::StatusOr<IpAddress> brd = IpAddress::Parse((*v)->text);
  if (!brd.ok()) {
    return in.Error(**v, std::string(d.block),
                    fmt::format("{}: brd '{}' is not an address", d.block, (*v)->text));
  }
  d.address.brd = *brd;
  return absl::OkStatus();
}

absl::Status NoDad(Cursor&, AddressDraft& d, const Token&) {
  d.address.dad = false;
  return absl::OkStatus();
}

constexpr KeywordEntry<AddressDraft> kOptions[] = {
    {"dev",
     [](Cursor& in, AddressDraft& d, const Token& option) {
       return Text(in, d, option, d.address.dev);
     },
     "NAME: another interface than the instance's"},
    {"label",
     [](Cursor& in, AddressDraft& d, const Token& option) {
       return Text(in, d, option, d.address.label);
     },
     "NAME: an IPv4 alias label, up to 15 characters"},
    {"scope",
     [](Cursor& in, AddressDraft& d, const Token& option) -> absl::Status {
       absl::StatusOr<const Token*> v = OptionValue(in, d, option);
       if (!v.ok()) return v.status();
       const std::string& scope = (*v)->text;
       if (scope == "global") {
         d.address.scope = AddressScope::kGlobal;
       } else if (scope == "site") {
         d.address.scope = AddressScope::kSite;
       } else if (scope == "link") {
         d.address.scope = AddressScope::kLink;
       } else if (scope == "host") {
         d.address.scope = AddressScope::kHost;
       } else {
         return in.Error(
             **v, std::string(d.block),
             fmt::format("{}: scope '{}' is not global, site, link or host", d.block, scope));
       }
       return absl::OkStatus();
     },
     "global | site | link | host"},
    {"brd", Broadcast, "ADDRESS | +: IPv4 broadcast (+: the host bits set)"},
    {"broadcast", Broadcast, "ADDRESS | +: the same as brd"},
    {"noprefixroute",
     [](Cursor&, AddressDraft& d, const Token&) {
       d.address.noprefixroute = true;
       return absl::OkStatus();
     },
     "no route for the prefix"},
    {"nodad", NoDad, "IPv6: no Duplicate Address Detection (the default)"},
    {"-nodad", NoDad, "the same as nodad"},
    {"home", kIgnore},
    {"autojoin", kIgnore},
};

constexpr KeywordBlock<AddressDraft> kAddressOptions{"virtual_ipaddress", "virtual_ipaddress",
                                                     kOptions};

// One entry: ADDRESS[/PREFIX] followed by its options on the same line.
absl::Status ReadEntry(Cursor& in, const Token& t, std::vector<PendingAddress>& out,
                       std::string_view block) {
  PendingAddress a;
  a.where = in.Where(t);
  absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse(t.text);
  if (!prefix.ok()) {
    return in.Error(t, std::string(block),
                    fmt::format("{}: {}", block, std::string(prefix.status().message())));
  }
  a.ip = prefix->address;
  a.prefix_len = static_cast<uint8_t>(prefix->prefix_len);
  AddressDraft draft{a, block};
  while (in.HasValue(t)) {
    const Token& option = in.Peek();
    const KeywordEntry<AddressDraft>* entry = FindKeyword(kAddressOptions, option.text);
    if (entry == nullptr) {
      // Not an option: the next address of a line that holds several (one with a bad prefix
      // length is still an address, refused as the next entry).
      absl::StatusOr<IpPrefix> next = IpPrefix::Parse(option.text);
      if (!next.ok() && next.status().code() != absl::StatusCode::kOutOfRange) {
        return in.Error(
            option, std::string(block),
            fmt::format("{}: '{}' is neither an address nor an option", block, option.text));
      }
      break;
    }
    in.Next();
    if (entry->read == nullptr) {
      in.Warn(option, fmt::format("{}: '{}' is not supported and is ignored", block, option.text));
      continue;
    }
    if (absl::Status s = entry->read(in, draft, option); !s.ok()) return s;
  }
  out.push_back(std::move(a));
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadAddressBlock(Cursor& in, const Token& kw, std::vector<PendingAddress>& out) {
  if (absl::Status s = in.OpenBlock(kw, kw.text); !s.ok()) return s;
  return in.Body(kw, kw.text, [&](const Token& t) { return ReadEntry(in, t, out, kw.text); });
}

absl::StatusOr<VirtualAddress> MakeAddress(const PendingAddress& a, const std::string& dev,
                                           std::string_view block) {
  VirtualAddress vip;
  vip.address = a.ip;
  vip.prefix_len = a.prefix_len;
  vip.interface = a.dev.empty() ? dev : a.dev;
  vip.label = a.label;
  vip.scope = a.scope;
  vip.broadcast = a.brd;
  if (a.brd_plus && a.ip.is_v4() && a.prefix_len < 31) {
    // `brd +`: the host bits all set, as `ip addr add ... brd +` computes it.
    const auto b = a.ip.bytes();
    uint32_t ip = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    ip |= a.prefix_len == 0 ? 0xffffffffu : (0xffffffffu >> a.prefix_len);
    vip.broadcast = IpAddress::V4(static_cast<uint8_t>(ip >> 24), static_cast<uint8_t>(ip >> 16),
                                  static_cast<uint8_t>(ip >> 8), static_cast<uint8_t>(ip));
  }
  vip.prefix_route = !a.noprefixroute;
  vip.ipv6_dad = a.dad;
  if (absl::Status s = Validate(vip); !s.ok()) {
    return Failure(a.where, std::string(block),
                   fmt::format("{}: {}", block, std::string(s.message())));
  }
  return vip;
}

void AppendAddressOptionKeywords(std::vector<KeywordInfo>& out) { Describe(kAddressOptions, out); }

}  // namespace vrrp::config
