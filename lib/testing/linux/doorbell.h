// A file descriptor that is readable while a fake part has something to read (an eventfd): the
// fakes ring it when something arrives and quiet it when the last thing is taken, so an event
// loop, or Driver::OnReadable, sees them as it sees a socket.
#ifndef VRRP_TESTING_LINUX_DOORBELL_H_
#define VRRP_TESTING_LINUX_DOORBELL_H_

#include "absl/status/statusor.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrp::testing {

absl::StatusOr<os::UniqueFd> MakeDoorbell();
void Ring(int fd);
void Quiet(int fd);
// Whether `fd` is readable now (poll with no wait).
bool Readable(int fd);

}  // namespace vrrp::testing

#endif  // VRRP_TESTING_LINUX_DOORBELL_H_
