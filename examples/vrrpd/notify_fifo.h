// NotifyFifoWriter: keepalived's global_defs notify_fifo / vrrp_notify_fifo. One line per
// transition goes to a FIFO, in the order the transitions happen, without ever blocking the
// daemon; notify_fifo_script, if given, is run as the FIFO's reader and kept running.
//
// keepalived.conf(5), global_defs: a FIFO "allows more efficient processing of notify events,
// and guarantees that they will be delivered in the correct sequence". A line is the last four
// arguments of the `notify` script, the name quoted: `INSTANCE "VI_1" MASTER 150`,
// `GROUP "G1" BACKUP 0`, as keepalived 2.2.7 writes them (seen running it). The FIFO is
// created mode 0600 when missing (owned by the configured user and group), opened read-write
// and non-blocking as keepalived does, so that neither a missing nor a slow reader ever blocks
// the daemon: a line that does not fit in the pipe is dropped, counted and logged by content.
// The reader gets the FIFO's path as its last argument; it is restarted when it exits (after
// 1 s, doubling to 30 s while it keeps failing at once), and at Close it gets SIGTERM as
// keepalived sends it, then the FIFO's end.
//
//   auto fifo = vrrpd::NotifyFifoWriter::Open(loop, conf.global.notify_fifo, "notify_fifo",
//                                             default_user, log);
//   (*fifo)->Write("INSTANCE", "VI_1", "MASTER", 150);
//   ...
//   (*fifo)->Close();  // at exit, after the STOP lines
#ifndef VRRPD_NOTIFY_FIFO_H_
#define VRRPD_NOTIFY_FIFO_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vrrp/config/config.h"
#include "vrrp/linux/event_loop.h"
#include "vrrp/linux/process.h"
#include "vrrp/linux/unique_fd.h"

namespace vrrpd {

// `INSTANCE "VI_1" MASTER 150` and its newline.
std::string NotifyFifoLine(std::string_view type, std::string_view name, std::string_view state,
                           int priority);

// Thread-safety: none; it runs on the loop's thread. Lifetime: the loop outlives it.
class NotifyFifoWriter {
 public:
  using Log = std::function<void(const std::string&)>;

  // Creates the FIFO if missing, opens it and starts the reader. kFailedPrecondition when the
  // path exists and is not a FIFO; kNotFound for an unknown owner; kInternal (with the errno
  // text) when it cannot be created or opened. `keyword` names the FIFO in logs and errors.
  // `script_user` runs a reader configured without a user (global_defs script_user).
  static absl::StatusOr<std::unique_ptr<NotifyFifoWriter>> Open(
      vrrp::os::EventLoop& loop, const vrrp::config::NotifyFifo& fifo, std::string keyword,
      const vrrp::os::CommandSpec& script_user, Log log);
  // Close(), then kills the reader if it still runs.
  ~NotifyFifoWriter();
  NotifyFifoWriter(const NotifyFifoWriter&) = delete;
  NotifyFifoWriter& operator=(const NotifyFifoWriter&) = delete;

  // Writes NotifyFifoLine(...) without blocking; a full pipe drops it with a log line.
  void Write(std::string_view type, std::string_view name, std::string_view state, int priority);

  // At exit: sends the reader SIGTERM, closes the FIFO (the reader reads what is left, then
  // its end) and removes it if Open created it. Writes after it are dropped.
  void Close();

  const vrrp::config::NotifyFifo& config() const { return config_; }
  bool reader_running() const { return reader_runner_.running() > 0; }
  uint64_t written() const { return written_; }
  uint64_t dropped() const { return dropped_; }
  int reader_starts() const { return reader_starts_; }

 private:
  NotifyFifoWriter(vrrp::os::EventLoop& loop, vrrp::config::NotifyFifo config, std::string keyword,
                   vrrp::os::CommandSpec reader, Log log);
  void StartReader();
  void OnReaderExit(const vrrp::os::ProcessResult& result);
  void Drop(const std::string& line, std::string_view why);

  vrrp::os::EventLoop& loop_;
  vrrp::config::NotifyFifo config_;
  std::string keyword_;
  vrrp::os::CommandSpec reader_;  // empty command: no reader
  Log log_;
  vrrp::os::UniqueFd fd_;
  bool created_ = false;
  bool closed_ = false;
  uint64_t written_ = 0;
  uint64_t dropped_ = 0;
  int reader_starts_ = 0;
  absl::Duration restart_delay_ = absl::Seconds(1);
  vrrp::os::EventLoop::TimerId restart_timer_ = 0;
  // Its own runner, so that SignalAll at Close reaches the reader alone and the runner's end
  // kills it. Declared last: destroyed first, while the rest is still there.
  vrrp::os::ProcessRunner reader_runner_;
};

}  // namespace vrrpd

#endif  // VRRPD_NOTIFY_FIFO_H_
