// The pid file (-p): refuses to start a second vrrpd on the same file while the first runs
// (keepalived: "daemon is already running"), replaces a stale one, removes it at exit.
#ifndef VRRPD_PID_FILE_H_
#define VRRPD_PID_FILE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace vrrpd {

class PidFile {
 public:
  // kAlreadyExists naming the pid when a live process holds `path` (an flock on it); otherwise
  // writes our pid.
  static absl::StatusOr<std::unique_ptr<PidFile>> Create(const std::string& path);
  ~PidFile();  // removes the file
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

 private:
  PidFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
};

}  // namespace vrrpd

#endif  // VRRPD_PID_FILE_H_
