// vrrp_track_process NAME { }: how many processes of a kind run, and how that moves the priority
// of the instances that track it (keepalived.conf(5), "VRRP track processes").
#include <string>
#include <vector>

#include "blocks.h"
#include "fmt/format.h"
#include "keyword_table.h"
#include "values.h"

namespace vrrp::config {
namespace {

using ParamMatch = VrrpTrackProcess::ParamMatch;

struct ProcessDraft {
  VrrpTrackProcess process;
  bool param_match_given = false;
};

constexpr int kMaxQuorum = 65535;

absl::Status Delay(Cursor& in, const Token& kw, absl::Duration& a, absl::Duration* b) {
  absl::StatusOr<absl::Duration> d = ReadSeconds(in, kw);
  if (!d.ok()) return d.status();
  a = *d;
  if (b != nullptr) *b = *d;
  return absl::OkStatus();
}

constexpr KeywordEntry<ProcessDraft> kEntries[] = {
    {"process",
     [](Cursor& in, ProcessDraft& d, const Token& kw) -> absl::Status {
       // The first word (quoted, it may hold spaces) is the process; the rest its parameters.
       std::vector<const Token*> words = in.RestOfLine(kw);
       if (words.empty() || words[0]->text.empty()) return in.NeedsValue(kw);
       d.process.process = words[0]->text;
       d.process.params.clear();
       for (size_t i = 1; i < words.size(); ++i) d.process.params.push_back(words[i]->text);
       return absl::OkStatus();
     },
     "NAME [PARAMETER...]: matched exactly, not as a pattern (required)"},
    {"param_match",
     [](Cursor& in, ProcessDraft& d, const Token& kw) -> absl::Status {
       d.param_match_given = true;
       const Token* v = in.Value(kw);
       if (v == nullptr) {
         d.process.param_match = ParamMatch::kExact;
       } else if (v->text == "partial") {
         d.process.param_match = ParamMatch::kPartial;
       } else if (v->text == "initial") {
         d.process.param_match = ParamMatch::kInitial;
       } else {
         return in.Error(*v, kw.text,
                         fmt::format("param_match '{}' is not initial or partial", v->text));
       }
       return absl::OkStatus();
     },
     "[initial | partial]: how the parameters match (exactly)"},
    {"quorum",
     [](Cursor& in, ProcessDraft& d, const Token& kw) {
       return Assign(ReadInt(in, kw, 0, kMaxQuorum), d.process.quorum);
     },
     "N: 0..65535, at least this many processes (1)"},
    {"quorum_max",
     [](Cursor& in, ProcessDraft& d, const Token& kw) {
       return Assign(ReadInt(in, kw, 0, kMaxQuorum), d.process.quorum_max);
     },
     "N: 0..65535, at most this many processes (no limit)"},
    {"weight",
     [](Cursor& in, ProcessDraft& d, const Token& kw) -> absl::Status {
       if (absl::Status s = Assign(ReadInt(in, kw, -254, 254), d.process.weight); !s.ok()) {
         return s;
       }
       if (const Token* r = in.Value(kw)) {
         if (r->text != "reverse" && r->text != "noreverse") {
           return in.Error(*r, kw.text,
                           fmt::format("weight option '{}' is not reverse or noreverse", r->text));
         }
         d.process.reverse = r->text == "reverse";
       }
       return absl::OkStatus();
     },
     "N [reverse]: -254..254 (1; 0: quorum lost means FAULT)"},
    {"delay",
     [](Cursor& in, ProcessDraft& d, const Token& kw) {
       return Delay(in, kw, d.process.fork_delay, &d.process.terminate_delay);
     },
     "SECONDS: sets fork_delay and terminate_delay"},
    {"fork_delay",
     [](Cursor& in, ProcessDraft& d, const Token& kw) {
       return Delay(in, kw, d.process.fork_delay, nullptr);
     },
     "SECONDS: a quorum gained counts after this (0)"},
    {"terminate_delay",
     [](Cursor& in, ProcessDraft& d, const Token& kw) {
       return Delay(in, kw, d.process.terminate_delay, nullptr);
     },
     "SECONDS: a quorum lost counts after this (0)"},
    {"full_command",
     [](Cursor&, ProcessDraft& d, const Token&) {
       d.process.full_command = true;
       return absl::OkStatus();
     },
     "match the command line's first word, not the process name"},
};

constexpr KeywordBlock<ProcessDraft> kTrackProcess{"vrrp_track_process", "vrrp_track_process",
                                                   kEntries};

}  // namespace

absl::Status ReadTrackProcessBlock(Cursor& in, ParseState& state, const Token& kw) {
  absl::StatusOr<const Token*> name = ReadName(in, kw);
  if (!name.ok()) return name.status();
  if (const VrrpTrackProcess* other = state.conf.FindTrackProcess((*name)->text)) {
    return in.Error(kw, kw.text,
                    fmt::format("vrrp_track_process {} is already defined at {}", other->name,
                                ToString(other->where)));
  }
  ProcessDraft d;
  d.process.where = in.Where(kw);
  d.process.name = (*name)->text;
  const std::string what = "vrrp_track_process " + d.process.name;
  if (absl::Status s = in.OpenBlock(kw, what); !s.ok()) return s;
  absl::Status s =
      in.Body(kw, what, [&](const Token& t) { return Dispatch(in, kTrackProcess, d, t); });
  if (!s.ok()) return s;
  VrrpTrackProcess& p = d.process;
  if (p.process.empty()) {
    return in.Error(kw, kw.text, fmt::format("vrrp_track_process {} has no process", p.name));
  }
  // Parameters without param_match are matched exactly (keepalived.conf(5)).
  if (!d.param_match_given && !p.params.empty()) p.param_match = ParamMatch::kExact;
  if (p.quorum_max >= 0 && p.quorum > p.quorum_max) {
    return in.Error(kw, kw.text,
                    fmt::format("vrrp_track_process {}: quorum {} is more than quorum_max {}",
                                p.name, p.quorum, p.quorum_max));
  }
  state.conf.track_processes.push_back(std::move(d.process));
  return absl::OkStatus();
}

void AppendTrackProcessKeywords(std::vector<KeywordInfo>& out) { Describe(kTrackProcess, out); }

}  // namespace vrrp::config
