// UniqueFd: owns a file descriptor and closes it once, like std::unique_ptr for an int.
//
//   vrrp::os::UniqueFd fd(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, 112));
//   if (!fd.valid()) return vrrp::os::SysError("socket", "eth0");
#ifndef VRRP_LINUX_UNIQUE_FD_H_
#define VRRP_LINUX_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace vrrp::os {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace vrrp::os

#endif  // VRRP_LINUX_UNIQUE_FD_H_
