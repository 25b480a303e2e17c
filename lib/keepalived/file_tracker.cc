#include "vrrp/keepalived/file_tracker.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "fmt/format.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::keepalived {
namespace {

constexpr int64_t kMaxValue = 254;  // keepalived holds a file's value to -254..254
// keepalived reads at most this much of a file: the number is at its start.
constexpr size_t kReadLimit = 127;

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

// Reads the whole file's first kReadLimit bytes; "" when it cannot (keepalived: the value is 0).
std::string ReadStart(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return "";
  char buf[kReadLimit];
  const ssize_t n = read(fd, buf, sizeof(buf));
  close(fd);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

absl::Status WriteValue(const std::string& path, int64_t value) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return os::SysError("open", path);
  const std::string text = fmt::format("{}\n", value);
  const ssize_t n = write(fd, text.data(), text.size());
  const int error = errno;
  close(fd);
  if (n != static_cast<ssize_t>(text.size())) return os::SysError("write", path, error);
  return absl::OkStatus();
}

}  // namespace

int64_t ParseTrackFileValue(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  int base = 10;
  if (i + 1 < text.size() && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X') &&
      i + 2 < text.size() && DigitValue(text[i + 2]) < 16) {
    base = 16;
    i += 2;
  } else if (i < text.size() && text[i] == '0') {
    base = 8;
  }
  int64_t magnitude = 0;
  for (; i < text.size() && DigitValue(text[i]) < base; ++i) {
    // Past the range the exact number no longer matters: it is held to ±254 below.
    magnitude = std::min<int64_t>(magnitude * base + DigitValue(text[i]), 1000000);
  }
  return std::clamp<int64_t>(negative ? -magnitude : magnitude, -kMaxValue, kMaxValue);
}

std::vector<config::VrrpTrackFile> TrackedFiles(const config::Configuration& conf) {
  std::vector<config::VrrpTrackFile> out;
  for (const config::VrrpTrackFile& f : conf.track_files) {
    const bool tracked = std::any_of(
        conf.instances.begin(), conf.instances.end(), [&](const config::VrrpInstance& vi) {
          return std::any_of(vi.extras.track_files.begin(), vi.extras.track_files.end(),
                             [&](const config::TrackedFile& t) { return t.name == f.name; });
        });
    if (tracked) out.push_back(f);
  }
  return out;
}

FileTracker::FileTracker(os::EventLoop& loop, std::vector<config::VrrpTrackFile> files,
                         OnChange on_change, Log log)
    : loop_(loop),
      files_(std::move(files)),
      entries_(files_.size()),
      on_change_(std::move(on_change)),
      log_(std::move(log)) {}

FileTracker::~FileTracker() {
  if (inotify_.valid()) (void)loop_.Unwatch(inotify_.get());
}

absl::StatusOr<std::unique_ptr<FileTracker>> FileTracker::Create(
    os::EventLoop& loop, std::vector<config::VrrpTrackFile> files, OnChange on_change, Log log) {
  std::unique_ptr<FileTracker> t(
      new FileTracker(loop, std::move(files), std::move(on_change), std::move(log)));
  if (t->files_.empty()) return t;
  t->inotify_ = os::UniqueFd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!t->inotify_.valid()) return os::SysError("inotify_init1", "track_file");
  for (size_t i = 0; i < t->files_.size(); ++i) {
    const config::VrrpTrackFile& f = t->files_[i];
    Entry& e = t->entries_[i];
    const size_t slash = f.path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : f.path.substr(0, slash + 1);
    e.base = slash == std::string::npos ? f.path : f.path.substr(slash + 1);
    char resolved[PATH_MAX];
    if (e.base.empty() || realpath(dir.c_str(), resolved) == nullptr) {
      return absl::NotFoundError(
          fmt::format("track_file {}: the directory of {} does not exist", f.name, f.path));
    }
    e.directory = std::string(resolved) + (std::string_view(resolved) == "/" ? "" : "/");
    e.watch =
        inotify_add_watch(t->inotify_.get(), e.directory.c_str(),
                          IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR);
    if (e.watch < 0) {
      return os::SysError("inotify_add_watch", fmt::format("track_file {} ({})", f.name, dir));
    }
    const std::string path = e.directory + e.base;
    if (f.init_value && (f.init_overwrite || access(path.c_str(), F_OK) != 0)) {
      if (absl::Status s = WriteValue(path, *f.init_value); !s.ok() && t->log_) {
        t->log_(fmt::format("track_file {}: init_file: {}", f.name, std::string(s.message())));
      }
    }
    e.value = ParseTrackFileValue(ReadStart(path));
  }
  if (absl::Status s = loop.Watch(t->inotify_.get(), [p = t.get()](uint32_t) { p->OnReadable(); });
      !s.ok()) {
    return s;
  }
  return t;
}

void FileTracker::OnReadable() {
  alignas(inotify_event) char buf[16 * (sizeof(inotify_event) + NAME_MAX + 1)];
  for (;;) {
    const ssize_t n = read(inotify_.get(), buf, sizeof(buf));
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return;  // EAGAIN: nothing more waits
    }
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      if ((ev->mask & IN_Q_OVERFLOW) != 0) {
        // Events were lost: read every file again.
        for (size_t i = 0; i < entries_.size(); ++i) {
          Set(i, ParseTrackFileValue(ReadStart(entries_[i].directory + entries_[i].base)));
        }
        continue;
      }
      if ((ev->mask & IN_ISDIR) != 0 || ev->len == 0) continue;
      const std::string_view name(ev->name);
      for (size_t i = 0; i < entries_.size(); ++i) {
        const Entry& e = entries_[i];
        if (e.watch != ev->wd || e.base != name) continue;
        if ((ev->mask & (IN_MOVED_FROM | IN_DELETE)) != 0) {
          Set(i, 0);  // gone: keepalived counts it as 0
        } else {
          Set(i, ParseTrackFileValue(ReadStart(e.directory + e.base)));
        }
      }
    }
  }
}

void FileTracker::Set(size_t index, int64_t value) {
  Entry& e = entries_[index];
  if (e.value == value) return;
  e.value = value;
  if (log_) log_(fmt::format("Track file {} value {}", files_[index].name, value));
  if (on_change_) on_change_(files_[index].name, value);
}

int64_t FileTracker::value(std::string_view name) const {
  for (size_t i = 0; i < files_.size(); ++i) {
    if (files_[i].name == name) return entries_[i].value;
  }
  return 0;
}

std::vector<std::pair<std::string, int64_t>> FileTracker::values() const {
  std::vector<std::pair<std::string, int64_t>> out;
  out.reserve(files_.size());
  for (size_t i = 0; i < files_.size(); ++i) out.emplace_back(files_[i].name, entries_[i].value);
  return out;
}

}  // namespace vrrp::keepalived
