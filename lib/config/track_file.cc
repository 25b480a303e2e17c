// track_file NAME { } (and keepalived's deprecated vrrp_track_file): a file whose number moves
// the priority of the instances that track it (keepalived.conf(5), "Track files").
#include <string>

#include "absl/strings/numbers.h"
#include "blocks.h"
#include "fmt/format.h"
#include "keyword_table.h"
#include "values.h"

namespace vrrp::config {
namespace {

// keepalived reads the weight of a track_file block in -254..254 (254: a value of -1 is FAULT).
constexpr int kMaxTrackFileWeight = 254;

constexpr KeywordEntry<VrrpTrackFile> kEntries[] = {
    {"file",
     [](Cursor& in, VrrpTrackFile& f, const Token& kw) -> absl::Status {
       absl::StatusOr<const Token*> path = ReadWord(in, kw);
       if (!path.ok()) return path.status();
       if ((*path)->text.empty()) return in.NeedsValue(kw);
       f.path = (*path)->text;
       return absl::OkStatus();
     },
     "PATH: the file holding the number (required)"},
    {"weight",
     [](Cursor& in, VrrpTrackFile& f, const Token& kw) -> absl::Status {
       if (absl::Status s =
               Assign(ReadInt(in, kw, -kMaxTrackFileWeight, kMaxTrackFileWeight), f.weight);
           !s.ok()) {
         return s;
       }
       if (const Token* r = in.Value(kw)) {
         if (r->text != "reverse" && r->text != "noreverse") {
           return in.Error(*r, kw.text,
                           fmt::format("weight option '{}' is not reverse or noreverse", r->text));
         }
         f.reverse = r->text == "reverse";
       }
       return absl::OkStatus();
     },
     "N [reverse]: -254..254, times the value is added (1; 0: non-zero means FAULT)"},
    {"init_file",
     [](Cursor& in, VrrpTrackFile& f, const Token& kw) -> absl::Status {
       f.init_value = 0;
       while (const Token* v = in.Value(kw)) {
         if (v->text == "overwrite") {
           f.init_overwrite = true;
           continue;
         }
         int64_t n = 0;
         if (!absl::SimpleAtoi(absl::string_view(v->text.data(), v->text.size()), &n)) {
           return in.Error(*v, kw.text,
                           fmt::format("init_file '{}' is not an integer or overwrite", v->text));
         }
         f.init_value = n;
       }
       return absl::OkStatus();
     },
     "[VALUE] [overwrite]: write VALUE (0) at start if the file is missing (or always)"},
};

constexpr KeywordBlock<VrrpTrackFile> kTrackFile{"track_file", "track_file", kEntries};

}  // namespace

absl::Status ReadTrackFileBlock(Cursor& in, ParseState& state, const Token& kw) {
  absl::StatusOr<const Token*> name = ReadName(in, kw);
  if (!name.ok()) return name.status();
  if (const VrrpTrackFile* other = state.conf.FindTrackFile((*name)->text)) {
    return in.Error(
        kw, kw.text,
        fmt::format("track_file {} is already defined at {}", other->name, ToString(other->where)));
  }
  if (kw.text == "vrrp_track_file") {
    in.Warn(kw, "vrrp_track_file is deprecated, use track_file");
  }
  VrrpTrackFile f;
  f.where = in.Where(kw);
  f.name = (*name)->text;
  const std::string what = "track_file " + f.name;
  if (absl::Status s = in.OpenBlock(kw, what); !s.ok()) return s;
  absl::Status s =
      in.Body(kw, what, [&](const Token& t) { return Dispatch(in, kTrackFile, f, t); });
  if (!s.ok()) return s;
  if (f.path.empty()) {
    return in.Error(kw, kw.text, fmt::format("track_file {} has no file", f.name));
  }
  state.conf.track_files.push_back(std::move(f));
  return absl::OkStatus();
}

void AppendTrackFileKeywords(std::vector<KeywordInfo>& out) { Describe(kTrackFile, out); }

}  // namespace vrrp::config
