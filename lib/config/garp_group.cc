// garp_group { } (keepalived.conf(5), "VRRP gratuitous ARP and unsolicited neighbour advert delay
// group(s)"): the least time between gratuitous ARPs / unsolicited NAs on some interfaces, shared
// by all of them (they reach one switch), overriding global_defs vrrp_garp_interval and
// vrrp_gna_interval there. vrrp/announce_pacer.h does the pacing.
#include <algorithm>
#include <string>

#include "blocks.h"
#include "errors.h"
#include "fmt/format.h"
#include "keyword_table.h"
#include "values.h"

namespace vrrp::config {
namespace {

// keepalived keeps these intervals as unsigned microseconds: UINT_MAX of them.
constexpr int64_t kMaxIntervalMicros = UINT32_MAX;

struct GarpGroupDraft {
  GarpGroup g;
  bool interval_set = false;
  std::vector<Location> interface_locations;  // one per g.group.interfaces entry
};

absl::Status AddInterface(Cursor& in, GarpGroupDraft& d, const Token& name) {
  std::vector<std::string>& list = d.g.group.interfaces;
  // Named twice in one group: the same group, nothing to say.
  if (std::find(list.begin(), list.end(), name.text) != list.end()) return absl::OkStatus();
  list.push_back(name.text);
  d.interface_locations.push_back(in.Where(name));
  return absl::OkStatus();
}

absl::Status Interval(Cursor& in, GarpGroupDraft& d, const Token& kw, absl::Duration& field) {
  if (absl::Status s = Assign(ReadAnnounceInterval(in, kw), field); !s.ok()) return s;
  d.interval_set = true;
  return absl::OkStatus();
}

constexpr KeywordEntry<GarpGroupDraft> kEntries[] = {
    {"garp_interval",
     [](Cursor& in, GarpGroupDraft& d, const Token& kw) {
       return Interval(in, d, kw, d.g.group.intervals.arp);
     },
     "SECONDS: least time between gratuitous ARPs on these interfaces together (0)"},
    {"gna_interval",
     [](Cursor& in, GarpGroupDraft& d, const Token& kw) {
       return Interval(in, d, kw, d.g.group.intervals.na);
     },
     "SECONDS: the same for unsolicited neighbour advertisements (0)"},
    {"interface",
     [](Cursor& in, GarpGroupDraft& d, const Token& kw) -> absl::Status {
       absl::StatusOr<const Token*> name = ReadWord(in, kw);
       if (!name.ok()) return name.status();
       return AddInterface(in, d, **name);
     },
     "NAME: the interface the intervals apply to"},
    {"interfaces",
     [](Cursor& in, GarpGroupDraft& d, const Token& kw) -> absl::Status {
       if (absl::Status s = in.OpenBlock(kw, "interfaces"); !s.ok()) return s;
       return in.Body(kw, "interfaces",
                      [&](const Token& name) { return AddInterface(in, d, name); });
     },
     "{ NAME ... }: interfaces behind one switch, paced as one"},
};

constexpr KeywordBlock<GarpGroupDraft> kGarpGroup{"garp_group", "garp_group", kEntries};

}  // namespace

absl::StatusOr<absl::Duration> ReadAnnounceInterval(Cursor& in, const Token& kw) {
  const Token* value = in.HasValue(kw) ? &in.Peek() : nullptr;
  absl::StatusOr<int64_t> us = ReadMicros(in, kw);
  if (!us.ok()) return us.status();
  if (*us > kMaxIntervalMicros) {
    return in.Error(
        *value, kw.text,
        fmt::format("{} {} is out of range 0..4294.967295 seconds", kw.text, value->text));
  }
  return absl::Microseconds(*us);
}

absl::Status ReadGarpGroup(Cursor& in, ParseState& state, const Token& kw) {
  GarpGroupDraft d;
  d.g.where = in.Where(kw);
  if (absl::Status s = in.OpenBlock(kw, "garp_group"); !s.ok()) return s;
  absl::Status s = in.Body(kw, "garp_group", [&](const Token& t) -> absl::Status {
    // Not the usual warning: a misspelt interval would leave the switch unpaced without a word,
    // and the block has no other purpose.
    if (FindKeyword(kGarpGroup, t.text) == nullptr) {
      return in.Error(t, t.text,
                      fmt::format("unknown keyword '{}' in garp_group (garp_interval, "
                                  "gna_interval, interface, interfaces)",
                                  t.text));
    }
    return Dispatch(in, kGarpGroup, d, t);
  });
  if (!s.ok()) return s;
  if (d.g.group.interfaces.empty()) {
    return in.Error(kw, kw.text,
                    "garp_group names no interface (interface NAME or interfaces { })");
  }
  // One pace per interface: keepalived ignores a second group's claim on it; an error here, as
  // the operator cannot have meant both.
  for (size_t i = 0; i < d.g.group.interfaces.size(); ++i) {
    const std::string& name = d.g.group.interfaces[i];
    for (const GarpGroup& other : state.conf.garp_groups) {
      const auto& names = other.group.interfaces;
      if (std::find(names.begin(), names.end(), name) == names.end()) continue;
      return Failure(d.interface_locations[i], kw.text,
                     fmt::format("interface {} is already in the garp_group at {}", name,
                                 ToString(other.where)));
    }
  }
  if (!d.interval_set) {
    // keepalived removes such a group; its interfaces then take nothing from global_defs either.
    in.Warn(kw,
            "garp_group sets neither garp_interval nor gna_interval: its interfaces are "
            "not paced");
  }
  state.conf.garp_groups.push_back(std::move(d.g));
  return absl::OkStatus();
}

void WarnUnusedGarpGroups(ParseState& state) {
  for (const GarpGroup& g : state.conf.garp_groups) {
    for (const std::string& name : g.group.interfaces) {
      const bool used =
          std::any_of(state.pending.begin(), state.pending.end(),
                      [&](const PendingInstance& p) { return p.vi.extras.interface == name; });
      if (used) continue;
      // keepalived says nothing (for an interface that exists); a misspelt name would silently
      // leave the real one unpaced.
      state.conf.warnings.push_back(
          {g.where, fmt::format("garp_group interface {}: no vrrp_instance runs on it", name)});
    }
  }
}

void AppendGarpGroupKeywords(std::vector<KeywordInfo>& out) { Describe(kGarpGroup, out); }

}  // namespace vrrp::config
