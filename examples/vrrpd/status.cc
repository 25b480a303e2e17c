#include "status.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "fmt/format.h"
#include "vrrp/json.h"

namespace vrrpd {

using vrrp::JsonString;
using vrrp::JsonStringArray;

std::string StatusJson(const DaemonStatus& status) {
  std::string out = fmt::format(
      "{{\n  \"version\": {}, \"pid\": {}, \"config\": {}, \"reloads\": {},\n  \"instances\": [",
      JsonString(status.version), status.pid, JsonString(status.config_file), status.reloads);
  for (size_t i = 0; i < status.instances.size(); ++i) {
    out += i > 0 ? ",\n" : "\n";
    out += vrrp::InstanceStatusJson(status.instances[i], /*indent=*/4);
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
                       JsonStringArray(status.sync_groups[i].second));
  }
  const vrrp::ReceiveMetrics& r = status.receive;
  out += fmt::format(
      "],\n  \"receive\": {{\"received\": {}, \"other_vrid\": {}, \"other_peer\": {}, "
      "\"too_short\": {}, \"errors\": {}}},\n  \"track_files\": [",
      r.received, r.other_vrid, r.other_peer, r.too_short, r.errors);
  // Added after "receive": fields are only ever added at the end (README.md, Status).
  for (size_t i = 0; i < status.track_files.size(); ++i) {
    out += fmt::format("{}{{\"name\": {}, \"value\": {}}}", i > 0 ? ", " : "",
                       JsonString(status.track_files[i].first), status.track_files[i].second);
  }
  out += "],\n  \"track_processes\": [";
  for (size_t i = 0; i < status.track_processes.size(); ++i) {
    const vrrp::TrackedProcessMetrics& p = status.track_processes[i];
    out += fmt::format("{}{{\"name\": {}, \"running\": {}, \"quorum\": {}}}", i > 0 ? ", " : "",
                       JsonString(p.name), p.running, p.up ? "true" : "false");
  }
  return out + fmt::format("],\n  \"route_failures\": {}\n}}\n", status.route_failures);
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
