// NetlinkAddressManager::AddAll: many RTM_NEWADDR requests pipelined in one send, for the lease
// renewals of many Masters at once (issue 10). One Add is an SIOCGIFINDEX, a send and a receive;
// at 1,000 instances renewing once a second that was 12 % of vrrpd's CPU, each send also giving
// the CPU away to the kworker that runs the kernel's address lifetime check.
//
// netlink answers a request that fails whether or not it asked for an acknowledgement
// (netlink_rcv_skb acks when NLM_F_ACK is set or the handler failed), and rtnetlink handles every
// message of a datagram in turn, in the sender's context. So only the last request of a send asks
// for an acknowledgement: once it is read, every error of the send has been read before it (they
// are queued in order), and a request without an error succeeded.
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "fmt/format.h"
#include "netlink_framing.h"
#include "vrrp/linux/address_manager.h"
#include "vrrp/linux/netlink_messages.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {
namespace {

// The most request bytes one send carries: well under the socket's send buffer (netlink refuses
// a datagram larger than it with EMSGSIZE), and a bounded stretch of work under the RTNL lock.
constexpr size_t kBatchBytes = 64 * 1024;
// What an error answer costs the receive queue, bounded from above: the kernel charges an skb's
// truesize (sk_buff, shared info and data rounded up to a slab size, about 1 KiB for an
// NLMSG_ERROR with the request echoed and the extended-ack text) against SO_RCVBUF.
constexpr size_t kAnswerCost = 2 * 1024;
// The receive queue asked for, so that a send of 512 requests that all fail loses no answer.
constexpr int kBatchReceiveQueue = 1024 * 1024;
constexpr size_t kMaxBatch = 512;

}  // namespace

size_t NetlinkAddressManager::SizeReceiveQueue(int fd) {
  // Sized from what the kernel granted: without CAP_NET_ADMIN, rmem_max caps it.
  const int granted = AskReceiveQueue(fd, kBatchReceiveQueue);
  if (granted <= 0) return 1;
  return std::clamp<size_t>(static_cast<size_t>(granted) / kAnswerCost, 1, kMaxBatch);
}

std::vector<absl::Status> NetlinkAddressManager::AddAll(absl::Span<const VirtualAddress> vips) {
  std::vector<absl::Status> statuses(vips.size());
  if (request_buffer_.empty()) request_buffer_.resize(kBatchBytes);
  // Each interface's index, or the lookup's errno: once per call, not once per address.
  absl::flat_hash_map<std::string_view, std::pair<int, uint32_t>> indexes;
  std::vector<size_t> sent;  // the indexes in `vips` of the requests in request_buffer_
  size_t size = 0;
  size_t last = 0;  // where the last request starts
  uint32_t first_seq = seq_ + 1;
  for (size_t i = 0; i < vips.size(); ++i) {
    const VirtualAddress& vip = vips[i];
    if (absl::Status valid = Validate(vip); !valid.ok()) {
      statuses[i] = std::move(valid);
      continue;
    }
    auto [at, inserted] = indexes.try_emplace(vip.interface);
    if (inserted) at->second.first = LookUpIndex(ioctl_fd_, vip.interface, &at->second.second);
    if (at->second.first != 0) {
      statuses[i] = SysError("RTM_NEWADDR", DescribeForError(vip), at->second.first);
      continue;
    }
    if (sent.size() == batch_limit_ || size + kAddressRequestMaxSize > request_buffer_.size()) {
      SendBatch(vips, sent, first_seq, size, statuses);
      sent.clear();
      size = 0;
      first_seq = seq_ + 1;
    }
    absl::StatusOr<size_t> built =
        BuildNewAddress(absl::MakeSpan(request_buffer_).subspan(size, kAddressRequestMaxSize), vip,
                        at->second.second, seq_ + 1);
    if (!built.ok()) {
      statuses[i] = built.status();
      continue;
    }
    // Only the last request of a send asks for an acknowledgement: the one before stops asking.
    if (!sent.empty()) {
      nlmsghdr previous = ReadHeader(&request_buffer_[last]);
      previous.nlmsg_flags &= static_cast<uint16_t>(~NLM_F_ACK);
      std::memcpy(&request_buffer_[last], &previous, sizeof(previous));
    }
    last = size;
    ++seq_;
    sent.push_back(i);
    size += NLMSG_ALIGN(*built);
  }
  if (!sent.empty()) SendBatch(vips, sent, first_seq, size, statuses);
  return statuses;
}

void NetlinkAddressManager::SendBatch(absl::Span<const VirtualAddress> vips,
                                      absl::Span<const size_t> sent, uint32_t first_seq,
                                      size_t size, std::vector<absl::Status>& statuses) {
  // The requests an answer was read for (by position in `sent`). Once the last one's
  // acknowledgement is read with no answer lost, the others succeeded: their status stays OK.
  std::vector<bool> answered(sent.size(), false);
  auto fail_unanswered = [&](const auto& status_for) {
    for (size_t k = 0; k < sent.size(); ++k) {
      if (!answered[k]) statuses[sent[k]] = status_for(DescribeForError(vips[sent[k]]));
    }
  };
  for (;;) {
    if (mnl_socket_sendto(batch_socket_, request_buffer_.data(), size) >= 0) break;
    if (errno == EINTR) continue;
    const int error = errno;
    fail_unanswered(
        [&](const std::string& object) { return SysError("send(RTM_NEWADDR)", object, error); });
    return;
  }

  // Every answer is queued by the time the send returns (rtnetlink works in the sender's
  // context), so the reads never wait: an empty queue before the last acknowledgement means it
  // was lost, and the addresses without an answer are failed rather than waited for. Answers to
  // earlier requests (an exchange that stopped on an error) are skipped by their numbers.
  const int fd = mnl_socket_get_fd(batch_socket_);
  bool overrun = false;
  bool done = false;
  int read_error = 0;
  while (!done) {
    sockaddr_nl from{};
    socklen_t from_length = sizeof(from);
    const ssize_t received =
        recvfrom(fd, receive_buffer_.data(), receive_buffer_.size(), MSG_DONTWAIT,
                 reinterpret_cast<sockaddr*>(&from), &from_length);
    if (received < 0) {
      if (errno == EINTR) continue;
      // The queue overran: some answers were dropped, and which is not known. The read after it
      // goes on with what was kept.
      if (errno == ENOBUFS) {
        overrun = true;
        continue;
      }
      read_error = errno;
      break;
    }
    if (from.nl_pid != 0) continue;  // not the kernel's
    absl::Status walk = WalkMessages(
        absl::MakeConstSpan(receive_buffer_.data(), static_cast<size_t>(received)), "RTM_NEWADDR",
        "a batch",
        [&](const nlmsghdr& answer, absl::Span<const uint8_t> message) -> absl::StatusOr<bool> {
          if (answer.nlmsg_type == NLMSG_OVERRUN) {
            overrun = true;
            return false;
          }
          const uint32_t k = answer.nlmsg_seq - first_seq;  // wraps past the end for others
          if (answer.nlmsg_type != NLMSG_ERROR || k >= sent.size()) return false;
          const size_t index = sent[k];
          int kernel_errno = 0;
          absl::Status status = ErrorMessageStatus(answer, message, "RTM_NEWADDR",
                                                   DescribeForError(vips[index]), &kernel_errno);
          // NLM_F_EXCL (a permanent address) makes one that is there EEXIST: what was asked.
          statuses[index] = kernel_errno == EEXIST ? absl::OkStatus() : std::move(status);
          answered[k] = true;
          done = k + 1 == sent.size();
          return done;
        });
    if (!walk.ok()) {
      // A datagram we cannot read may have held any answer.
      fail_unanswered([&](const std::string&) { return walk; });
      return;
    }
  }
  if (done && !overrun) return;  // no error answer: the others succeeded
  fail_unanswered([&](const std::string& object) {
    if (overrun) return SysError("recv(RTM_NEWADDR)", object, ENOBUFS);
    if (read_error != EAGAIN && read_error != EWOULDBLOCK) {
      return SysError("recv(RTM_NEWADDR)", object, read_error);
    }
    return absl::UnavailableError(
        fmt::format("RTM_NEWADDR on {}: the kernel sent no acknowledgement", object));
  });
}

}  // namespace vrrp::os
