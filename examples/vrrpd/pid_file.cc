#include "pid_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "fmt/format.h"

namespace vrrpd {

absl::StatusOr<std::unique_ptr<PidFile>> PidFile::Create(const std::string& path) {
  // The lock, not the pid written in the file, says whether its owner runs: a pid can be
  // reused by an unrelated process after a crash; a lock dies with its holder.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::UnavailableError(fmt::format("pid file {}: {}", path, std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    std::string pid;
    std::ifstream(path) >> pid;
    ::close(fd);
    return absl::AlreadyExistsError(
        fmt::format("vrrpd is already running (pid {}, pid file {})", pid, path));
  }
  const std::string text = fmt::format("{}\n", ::getpid());
  if (::ftruncate(fd, 0) != 0 ||
      ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    const int error = errno;
    ::close(fd);
    return absl::UnavailableError(fmt::format("pid file {}: {}", path, std::strerror(error)));
  }
  return std::unique_ptr<PidFile>(new PidFile(path, fd));
}

PidFile::~PidFile() {
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace vrrpd
