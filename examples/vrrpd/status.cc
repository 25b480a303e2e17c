#include "status.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/json_string.h"
#include "fmt/format.h"
#include "vrrp/drop_reason.h"

namespace vrrpd {
namespace {

using vrrp_examples::JsonString;

std::string JsonStrings(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += JsonString(items[i]);
  }
  return out + "]";
}

std::string StatsJson(const vrrp::RouterStats& s) {
  std::string out = fmt::format(
      "{{\"become_master\": {}, \"release_master\": {}, \"advert_rcvd\": {}, "
      "\"advert_sent\": {}, \"pri_zero_rcvd\": {}, \"pri_zero_sent\": {}, \"drops\": {{",
      s.become_master, s.release_master, s.advert_rcvd, s.advert_sent, s.pri_zero_rcvd,
      s.pri_zero_sent);
  for (size_t i = 1; i < vrrp::kDropReasonCount; ++i) {
    const auto reason = static_cast<vrrp::DropReason>(i);
    out += fmt::format("{}\"{}\": {}", i > 1 ? ", " : "", vrrp::DropReasonName(reason),
                       s.drops[reason]);
  }
  return out + "}}";
}

std::string InstanceJson(const InstanceStatus& i) {
  return fmt::format(
      "    {{\"name\": {}, \"interface\": {}, \"vrid\": {}, \"version\": {}, \"family\": \"{}\",\n"
      "     \"state\": \"{}\", \"priority\": {}, \"effective_priority\": {},\n"
      "     \"addresses\": {}, \"fault\": {}, \"fault_reasons\": {}, \"master\": {},\n"
      "     \"last_transition_reason\": \"{}\",\n"
      "     \"stats\": {}}}",
      JsonString(i.name), JsonString(i.interface), i.vrid, i.version,
      i.family == vrrp::Family::kIPv4 ? "ipv4" : "ipv6", vrrp::RouterStateName(i.state), i.priority,
      i.effective_priority, JsonStrings(i.addresses), i.fault ? "true" : "false",
      JsonStrings(i.fault_reasons), i.master ? JsonString(i.master->ToString()) : "null",
      vrrp::TransitionReasonName(i.stats.last_transition_reason), StatsJson(i.stats));
}

}  // namespace

std::string StatusJson(const DaemonStatus& status) {
  std::string out = fmt::format(
      "{{\n  \"version\": {}, \"pid\": {}, \"config\": {}, \"reloads\": {},\n  \"instances\": [",
      JsonString(status.version), status.pid, JsonString(status.config_file), status.reloads);
  for (size_t i = 0; i < status.instances.size(); ++i) {
    out += i > 0 ? ",\n" : "\n";
    out += InstanceJson(status.instances[i]);
  }
  out += "\n  ],\n  \"scripts\": [";
  for (size_t i = 0; i < status.scripts.size(); ++i) {
    out += fmt::format("{}{{\"name\": {}, \"status\": {}}}", i > 0 ? ", " : "",
                       JsonString(status.scripts[i].first), JsonString(status.scripts[i].second));
  }
  out += "],\n  \"sync_groups\": [";
  for (size_t i = 0; i < status.sync_groups.size(); ++i) {
    out += fmt::format("{}{{\"name\": {}, \"instances\": {}}}", i > 0 ? ", " : "",
                       JsonString(status.sync_groups[i].first),
                       JsonStrings(status.sync_groups[i].second));
  }
  return out + "]\n}\n";
}

absl::Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  const std::string temporary = path + ".tmp";
  auto fail = [&](std::string_view what) {
    return absl::UnavailableError(
        fmt::format("{} {}: {}", what, what == "rename" ? path : temporary, std::strerror(errno)));
  };
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail("open");
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status s = fail("write");
      ::close(fd);
      ::unlink(temporary.c_str());
      return s;
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return fail("close");
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    absl::Status s = fail("rename");
    ::unlink(temporary.c_str());
    return s;
  }
  return absl::OkStatus();
}

}  // namespace vrrpd
