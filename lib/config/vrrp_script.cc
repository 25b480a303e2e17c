// vrrp_script NAME { }: a check command, how often it runs, and how its results move the
// priority of the instances that track it.
#include <string>
#include <vector>

#include "blocks.h"
#include "fmt/format.h"
#include "keyword_table.h"
#include "values.h"

namespace vrrp::config {
namespace {

struct ScriptDraft {
  VrrpScript script;
  bool timeout_set = false;  // else the timeout is the interval
};

// interval and timeout: a <TIMER> that must be more than 0.
absl::Status Period(Cursor& in, const Token& kw, absl::Duration& field) {
  absl::StatusOr<int64_t> us = ReadMicros(in, kw);
  if (!us.ok()) return us.status();
  if (*us <= 0) {
    return in.Error(kw, kw.text, fmt::format("{} must be more than 0 seconds", kw.text));
  }
  field = absl::Microseconds(*us);
  return absl::OkStatus();
}

constexpr KeywordEntry<ScriptDraft> kEntries[] = {
    {"script",
     [](Cursor& in, ScriptDraft& d, const Token& kw) -> absl::Status {
       // The rest of the line is the command, so that an unquoted `script pgrep nginx` works.
       std::vector<const Token*> words = in.RestOfLine(kw);
       if (words.empty()) return in.NeedsValue(kw);
       d.script.script.where = in.Where(kw);
       d.script.script.command.clear();
       for (const Token* w : words) {
         if (!d.script.script.command.empty()) d.script.script.command += ' ';
         d.script.script.command += w->text;
       }
       return absl::OkStatus();
     },
     "COMMAND...: the rest of the line, quoted or not"},
    {"interval",
     [](Cursor& in, ScriptDraft& d, const Token& kw) { return Period(in, kw, d.script.interval); },
     "SECONDS: between runs (1)"},
    {"timeout",
     [](Cursor& in, ScriptDraft& d, const Token& kw) {
       d.timeout_set = true;
       return Period(in, kw, d.script.timeout);
     },
     "SECONDS: a run that takes longer fails (the interval)"},
    {"weight",
     [](Cursor& in, ScriptDraft& d, const Token& kw) -> absl::Status {
       if (absl::Status s = Assign(ReadInt(in, kw, -253, 253), d.script.weight); !s.ok()) return s;
       if (in.HasValue(kw) && in.Peek().text == "reverse") {
         in.Next();
         d.script.reverse = true;
       }
       return absl::OkStatus();
     },
     "N [reverse]: -253..253 added to the priority (0: failure means FAULT)"},
    {"rise",
     [](Cursor& in, ScriptDraft& d, const Token& kw) {
       return Assign(ReadInt(in, kw, 1, 1000000), d.script.rise);
     },
     "N: successes before it counts as up (1)"},
    {"fall",
     [](Cursor& in, ScriptDraft& d, const Token& kw) {
       return Assign(ReadInt(in, kw, 1, 1000000), d.script.fall);
     },
     "N: failures before it counts as down (1)"},
    {"user",
     [](Cursor& in, ScriptDraft& d, const Token& kw) -> absl::Status {
       absl::StatusOr<const Token*> user = ReadWord(in, kw);
       if (!user.ok()) return user.status();
       d.script.user = (*user)->text;
       if (const Token* group = in.Value(kw)) d.script.group = group->text;
       return absl::OkStatus();
     },
     "USER [GROUP]: who runs it (global_defs script_user)"},
    {"init_fail",
     [](Cursor&, ScriptDraft& d, const Token&) {
       d.script.init_fail = true;
       return absl::OkStatus();
     },
     "start as failed"},
};

constexpr KeywordBlock<ScriptDraft> kVrrpScript{"vrrp_script", "vrrp_script", kEntries};

}  // namespace

absl::Status ReadVrrpScript(Cursor& in, ParseState& state, const Token& kw) {
  absl::StatusOr<const Token*> name = ReadName(in, kw);
  if (!name.ok()) return name.status();
  for (const VrrpScript& other : state.conf.scripts) {
    if (other.name == (*name)->text) {
      return in.Error(kw, kw.text,
                      fmt::format("vrrp_script {} is already defined at {}", other.name,
                                  ToString(other.where)));
    }
  }
  ScriptDraft d;
  d.script.where = in.Where(kw);
  d.script.name = (*name)->text;
  const std::string what = "vrrp_script " + d.script.name;
  if (absl::Status s = in.OpenBlock(kw, what); !s.ok()) return s;
  absl::Status s =
      in.Body(kw, what, [&](const Token& t) { return Dispatch(in, kVrrpScript, d, t); });
  if (!s.ok()) return s;
  if (d.script.script.command.empty()) {
    return in.Error(kw, kw.text, fmt::format("vrrp_script {} has no script", d.script.name));
  }
  if (!d.timeout_set) d.script.timeout = d.script.interval;
  state.conf.scripts.push_back(std::move(d.script));
  return absl::OkStatus();
}

void AppendVrrpScriptKeywords(std::vector<KeywordInfo>& out) { Describe(kVrrpScript, out); }

}  // namespace vrrp::config
