// vrrp_sync_group NAME { }: instances that change state together, the commands run when they do,
// and whether their tracking weights apply. Members are resolved once every instance is read.
#include <string>

#include "blocks.h"
#include "fmt/format.h"
#include "keyword_table.h"
#include "values.h"

namespace vrrp::config {
namespace {

struct SyncGroupDraft {
  SyncGroup group;
  std::vector<MemberLocation>& members;
};

absl::Status TrackingWeight(Cursor&, SyncGroupDraft& d, const Token&) {
  d.group.tracking_weight = true;
  return absl::OkStatus();
}

constexpr KeywordEntry<SyncGroupDraft> kEntries[] = {
    {"group",
     [](Cursor& in, SyncGroupDraft& d, const Token& kw) -> absl::Status {
       if (absl::Status s = in.OpenBlock(kw, "group"); !s.ok()) return s;
       return in.Body(kw, "group", [&](const Token& member) {
         d.group.instances.push_back(member.text);
         d.members.push_back({d.group.name, member.text, in.Where(member)});
         return absl::OkStatus();
       });
     },
     "{ INSTANCE ... }: the members, each in one group only"},
    {"notify_master",
     [](Cursor& in, SyncGroupDraft& d, const Token& kw) {
       return ReadCommandInto(in, kw, d.group.notify.master);
     },
     "COMMAND [USER [GROUP]]: run when the group becomes Master"},
    {"notify_backup",
     [](Cursor& in, SyncGroupDraft& d, const Token& kw) {
       return ReadCommandInto(in, kw, d.group.notify.backup);
     },
     "COMMAND [USER [GROUP]]: run when it becomes Backup"},
    {"notify_fault",
     [](Cursor& in, SyncGroupDraft& d, const Token& kw) {
       return ReadCommandInto(in, kw, d.group.notify.fault);
     },
     "COMMAND [USER [GROUP]]: run when it enters Fault"},
    {"notify_stop",
     [](Cursor& in, SyncGroupDraft& d, const Token& kw) {
       return ReadCommandInto(in, kw, d.group.notify.stop);
     },
     "COMMAND [USER [GROUP]]: run when it stops"},
    {"notify",
     [](Cursor& in, SyncGroupDraft& d, const Token& kw) {
       return ReadCommandInto(in, kw, d.group.notify.notify);
     },
     "COMMAND [USER [GROUP]]: run on every change, with GROUP NAME STATE PRIORITY"},
    {"sync_group_tracking_weight", TrackingWeight,
     "the members' tracking weights apply (else a failure means FAULT)"},
    {"global_tracking", TrackingWeight, "deprecated spelling of sync_group_tracking_weight"},
    {"smtp_alert", kIgnore},
    {"track_interface", kIgnore},
    {"track_script", kIgnore},
    {"track_file", kIgnore},
    {"track_process", kIgnore},
    {"notify_priority_changes", kIgnore},
};

constexpr KeywordBlock<SyncGroupDraft> kVrrpSyncGroup{"vrrp_sync_group", "vrrp_sync_group",
                                                      kEntries};

}  // namespace

absl::Status ReadVrrpSyncGroup(Cursor& in, ParseState& state, const Token& kw) {
  absl::StatusOr<const Token*> name = ReadName(in, kw);
  if (!name.ok()) return name.status();
  for (const SyncGroup& other : state.conf.sync_groups) {
    if (other.name == (*name)->text) {
      return in.Error(kw, kw.text,
                      fmt::format("vrrp_sync_group {} is already defined at {}", other.name,
                                  ToString(other.where)));
    }
  }
  SyncGroupDraft d{SyncGroup{}, state.members};
  d.group.where = in.Where(kw);
  d.group.name = (*name)->text;
  const std::string what = "vrrp_sync_group " + d.group.name;
  if (absl::Status s = in.OpenBlock(kw, what); !s.ok()) return s;
  absl::Status s =
      in.Body(kw, what, [&](const Token& t) { return Dispatch(in, kVrrpSyncGroup, d, t); });
  if (!s.ok()) return s;
  state.conf.sync_groups.push_back(std::move(d.group));
  return absl::OkStatus();
}

void AppendVrrpSyncGroupKeywords(std::vector<KeywordInfo>& out) { Describe(kVrrpSyncGroup, out); }

}  // namespace vrrp::config
