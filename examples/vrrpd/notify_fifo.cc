#include "notify_fifo.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "fmt/format.h"

namespace vrrpd {
namespace {

// A reader that exits sooner than this after its start failed at once: wait longer before the
// next try, up to kMaxRestartDelay, so that a broken script is not run (and logged) in a loop.
constexpr absl::Duration kFirstRestartDelay = absl::Seconds(1);
constexpr absl::Duration kMaxRestartDelay = absl::Seconds(30);

absl::Status Errno(int e, const std::string& what) {
  return absl::InternalError(fmt::format("{}: {}", what, std::strerror(e)));
}

}  // namespace

std::string NotifyFifoLine(std::string_view type, std::string_view name, std::string_view state,
                           int priority) {
  return fmt::format("{} \"{}\" {} {}\n", type, name, state, priority);
}

NotifyFifoWriter::NotifyFifoWriter(vrrp::os::EventLoop& loop, vrrp::config::NotifyFifo config,
                                   std::string keyword, vrrp::os::CommandSpec reader, Log log)
    : loop_(loop),
      config_(std::move(config)),
      keyword_(std::move(keyword)),
      reader_(std::move(reader)),
      log_(std::move(log)),
      reader_runner_(loop) {}

absl::StatusOr<std::unique_ptr<NotifyFifoWriter>> NotifyFifoWriter::Open(
    vrrp::os::EventLoop& loop, const vrrp::config::NotifyFifo& fifo, std::string keyword,
    const vrrp::os::CommandSpec& script_user, Log log) {
  const std::string& path = fifo.path;
  const std::string what = fmt::format("{} {}", keyword, path);
  vrrp::os::CommandSpec reader;
  if (fifo.script) {
    reader = {fifo.script->command, fifo.script->user, fifo.script->group};
    if (reader.user.empty()) {
      reader.user = script_user.user;
      reader.group = script_user.group;
    }
  }
  std::unique_ptr<NotifyFifoWriter> writer(
      new NotifyFifoWriter(loop, fifo, std::move(keyword), std::move(reader), std::move(log)));

  // keepalived creates the FIFO readable and writable by its owner only.
  if (mkfifo(path.c_str(), S_IRUSR | S_IWUSR) == 0) {
    writer->created_ = true;
  } else if (errno != EEXIST) {
    return Errno(errno, fmt::format("{}: cannot create the FIFO", what));
  }
  // O_RDWR: opening never waits for a reader, and the pipe stays open with none (a reader that
  // comes later reads what waits in it). O_NONBLOCK: a full pipe fails a write, never stalls
  // the daemon. O_NOFOLLOW: a symlink planted in the FIFO's place is refused.
  writer->fd_ =
      vrrp::os::UniqueFd(open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW));
  auto fail = [&](absl::Status status) {
    writer->fd_.Reset();
    if (writer->created_) unlink(path.c_str());
    writer->created_ = false;
    return status;
  };
  if (!writer->fd_.valid()) return fail(Errno(errno, fmt::format("{}: cannot open", what)));
  struct stat st {};
  if (fstat(writer->fd_.get(), &st) != 0) return fail(Errno(errno, what));
  if (!S_ISFIFO(st.st_mode)) {
    return fail(absl::FailedPreconditionError(fmt::format("{} exists and is not a FIFO", what)));
  }
  if (writer->created_ && !fifo.user.empty()) {
    absl::StatusOr<vrrp::os::Credentials> owner =
        vrrp::os::ResolveCredentials(fifo.user, fifo.group);
    if (!owner.ok()) {
      return fail(absl::Status(owner.status().code(),
                               fmt::format("{}: {}", what, std::string(owner.status().message()))));
    }
    if (fchown(writer->fd_.get(), owner->uid, owner->gid) != 0) {
      return fail(Errno(errno, fmt::format("{}: cannot give it to {}", what, fifo.user)));
    }
  }
  if (!writer->reader_.command.empty()) writer->StartReader();
  return writer;
}

NotifyFifoWriter::~NotifyFifoWriter() {
  Close();
  if (restart_timer_ != 0) loop_.CancelTimer(restart_timer_);
  if (reader_running() && log_) {
    log_(fmt::format("{} {}: reader '{}' still running at exit, killed", keyword_, config_.path,
                     reader_.command));
  }
}

void NotifyFifoWriter::Write(std::string_view type, std::string_view name, std::string_view state,
                             int priority) {
  const std::string line = NotifyFifoLine(type, name, state, priority);
  if (closed_) return Drop(line, "the FIFO is closed");
  const ssize_t n = write(fd_.get(), line.data(), line.size());
  if (n == static_cast<ssize_t>(line.size())) {
    ++written_;
    return;
  }
  // A write of at most PIPE_BUF bytes is all or nothing; a longer line (a very long name) may
  // go in part, which the reader sees as a line cut short.
  if (n >= 0) return Drop(line, fmt::format("only {} of its {} bytes fit", n, line.size()));
  if (errno == EAGAIN) return Drop(line, "the FIFO is full (its reader is not reading)");
  Drop(line, std::strerror(errno));
}

void NotifyFifoWriter::Drop(const std::string& line, std::string_view why) {
  ++dropped_;
  if (log_) {
    log_(fmt::format("{} {}: dropped '{}': {} ({} dropped so far)", keyword_, config_.path,
                     std::string_view(line).substr(0, line.size() - 1), why, dropped_));
  }
}

void NotifyFifoWriter::Close() {
  if (closed_) return;
  closed_ = true;
  if (restart_timer_ != 0) loop_.CancelTimer(restart_timer_);
  restart_timer_ = 0;
  // keepalived.conf(5) / its sample reader: SIGTERM first, then the FIFO closes; a reader that
  // reads to the end still gets every line written before.
  reader_runner_.SignalAll(SIGTERM);
  fd_.Reset();
  if (created_) unlink(config_.path.c_str());
  created_ = false;
  if (log_) {
    log_(fmt::format("{} {}: {} lines written, {} dropped", keyword_, config_.path, written_,
                     dropped_));
  }
}

void NotifyFifoWriter::StartReader() {
  restart_timer_ = 0;
  if (closed_) return;
  ++reader_starts_;
  reader_runner_.Run(reader_, {config_.path}, absl::InfiniteDuration(),
                     [this](const vrrp::os::ProcessResult& result) { OnReaderExit(result); });
}

void NotifyFifoWriter::OnReaderExit(const vrrp::os::ProcessResult& result) {
  if (closed_) return;  // told to stop
  // One that ran a while had started fine: the next failure starts the back-off over.
  if (result.elapsed >= kMaxRestartDelay) restart_delay_ = kFirstRestartDelay;
  if (log_) {
    log_(fmt::format("{} {}: reader '{}' {}; restarting it in {}", keyword_, config_.path,
                     reader_.command,
                     result.success() ? std::string("exited") : vrrp::os::Describe(result),
                     absl::FormatDuration(restart_delay_)));
  }
  restart_timer_ = loop_.AddTimer(loop_.Now() + restart_delay_, [this] { StartReader(); });
  restart_delay_ = std::min(restart_delay_ * 2, kMaxRestartDelay);
}

}  // namespace vrrpd
