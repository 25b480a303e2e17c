// FileTracker: keepalived's track_file (keepalived.conf(5), "Track files") — the numbers in the
// files that instances track, read at start and again whenever a file changes, without polling.
//
// keepalived's rules, which this follows:
// - The value is the number at the start of the file as strtol(3) with base 0 reads it (leading
//   blanks, a sign, 0x for hex, a leading 0 for octal; what follows the number is ignored). A
//   file that is missing, unreadable, empty or not a number reads 0. Values are held to
//   -254..254.
// - A file that is removed or moved away reads 0 at once.
// - init_file [VALUE] [overwrite]: VALUE (0) is written at start if the file does not exist, or
//   always with overwrite.
// - Only files some instance tracks are watched (TrackedFiles).
//
// The watch is inotify on each file's directory (IN_CLOSE_WRITE, IN_MOVED_TO, IN_MOVED_FROM,
// IN_DELETE), not on the file, so that a file replaced by rename(2) — how editors and
// `mv tmp file` write — is seen, and a file that does not exist yet is seen when it appears. A
// directory that does not exist is an error at Create (keepalived drops such a track_file).
//
//   auto tracker = vrrp::keepalived::FileTracker::Create(loop, TrackedFiles(conf),
//       [&](const std::string& name, int64_t value) { UpdateTracking(); },
//       [&](const std::string& line) { Log(line); });
//   int64_t v = (*tracker)->value("maint");
#ifndef VRRP_KEEPALIVED_FILE_TRACKER_H_
#define VRRP_KEEPALIVED_FILE_TRACKER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "vrrp/config/config.h"
#include "vrrp/linux/event_loop.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrp::keepalived {

// A file's contents as keepalived reads them (see above): "12\n" → 12, "0x10" → 16,
// "-3 down" → -3, "abc" → 0, "999" → 254.
int64_t ParseTrackFileValue(std::string_view text);

// The track_file blocks some instance tracks, in config order.
std::vector<config::VrrpTrackFile> TrackedFiles(const config::Configuration& conf);

// Thread-safety: none; it runs on its loop's thread. Lifetime: `loop` must outlive it; it
// stops watching when destroyed.
class FileTracker {
 public:
  using OnChange = std::function<void(const std::string& name, int64_t value)>;
  using Log = std::function<void(const std::string& message)>;

  // Writes the init_file values, reads every file and starts watching. kNotFound when a file's
  // directory does not exist, kInternal when inotify fails, naming the track_file; nothing is
  // watched then.
  static absl::StatusOr<std::unique_ptr<FileTracker>> Create(
      os::EventLoop& loop, std::vector<config::VrrpTrackFile> files, OnChange on_change, Log log);
  ~FileTracker();
  FileTracker(const FileTracker&) = delete;
  FileTracker& operator=(const FileTracker&) = delete;

  // 0 for an unknown name.
  int64_t value(std::string_view name) const;
  std::vector<std::pair<std::string, int64_t>> values() const;  // in config order
  const std::vector<config::VrrpTrackFile>& files() const { return files_; }

  // Reads the inotify events waiting (the loop calls it when the descriptor is readable).
  void OnReadable();

 private:
  struct Entry {
    std::string directory;  // resolved, with a trailing '/'
    std::string base;       // the file's name in it
    int watch = -1;
    int64_t value = 0;
  };
  FileTracker(os::EventLoop& loop, std::vector<config::VrrpTrackFile> files, OnChange on_change,
              Log log);
  void Set(size_t index, int64_t value);

  os::EventLoop& loop_;
  std::vector<config::VrrpTrackFile> files_;
  std::vector<Entry> entries_;  // parallel to files_
  OnChange on_change_;
  Log log_;
  os::UniqueFd inotify_;
};

}  // namespace vrrp::keepalived

#endif  // VRRP_KEEPALIVED_FILE_TRACKER_H_
