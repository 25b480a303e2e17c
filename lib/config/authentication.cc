// A vrrp_instance's authentication { }: VRRPv2's PASS key (RFC 2338 §5.3.6.2; RFC 3768 keeps the
// field) or IPsec AH keyed with auth_pass (§5.3.6.3). Whether it applies (v2, not vrrp_strict) is
// decided once the version is known.
#include "blocks.h"
#include "fmt/format.h"
#include "keyword_table.h"
#include "values.h"
#include "vrrp/pass_key.h"

namespace vrrp::config {
namespace {

constexpr KeywordEntry<PendingInstance> kEntries[] = {
    {"auth_type",
     [](Cursor& in, PendingInstance& p, const Token& kw) -> absl::Status {
       absl::StatusOr<const Token*> v = ReadWord(in, kw);
       if (!v.ok()) return v.status();
       if ((*v)->text == "PASS") {
         p.auth_type = AuthType::kPass;
       } else if ((*v)->text == "AH") {
         p.auth_type = AuthType::kAh;
       } else {
         return in.Error(**v, kw.text, fmt::format("auth_type '{}' is not PASS or AH", (*v)->text));
       }
       return absl::OkStatus();
     },
     "PASS or AH"},
    {"auth_pass",
     [](Cursor& in, PendingInstance& p, const Token& kw) -> absl::Status {
       absl::StatusOr<const Token*> v = ReadWord(in, kw);
       if (!v.ok()) return v.status();
       p.pass = (*v)->text;
       if (p.pass.size() > PassKey::kSize) {
         // keepalived keeps the first 8 characters, and so does the wire field.
         p.pass.resize(PassKey::kSize);
         in.Warn(kw, fmt::format("auth_pass is longer than {} characters, truncated to its "
                                 "first {}",
                                 PassKey::kSize, PassKey::kSize));
       }
       return absl::OkStatus();
     },
     "SECRET: up to 8 characters (longer is truncated, with a warning)"},
};

constexpr KeywordBlock<PendingInstance> kAuthentication{"authentication", "authentication",
                                                        kEntries};

}  // namespace

absl::Status ReadAuthentication(Cursor& in, PendingInstance& p, const Token& kw) {
  p.auth_given = true;
  if (absl::Status s = in.OpenBlock(kw, "authentication"); !s.ok()) return s;
  return in.Body(kw, "authentication", [&](const Token& t) {
    p.vi.locations[t.text] = in.Where(t);
    return Dispatch(in, kAuthentication, p, t);
  });
}

void AppendAuthenticationKeywords(std::vector<KeywordInfo>& out) { Describe(kAuthentication, out); }

}  // namespace vrrp::config
