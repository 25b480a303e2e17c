#include "doorbell.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

#include "vrrp/linux/sys_error.h"

namespace vrrp::testing {

absl::StatusOr<os::UniqueFd> MakeDoorbell() {
  os::UniqueFd fd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!fd.valid()) return os::SysError("eventfd", "fake part");
  return fd;
}

void Ring(int fd) {
  const uint64_t one = 1;
  // Cannot fail short of 2^64 - 1 rings: the counter only needs to be non-zero.
  (void)!write(fd, &one, sizeof(one));
}

void Quiet(int fd) {
  uint64_t count = 0;
  (void)!read(fd, &count, sizeof(count));  // resets the counter; EAGAIN when already zero
}

bool Readable(int fd) {
  pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

}  // namespace vrrp::testing
