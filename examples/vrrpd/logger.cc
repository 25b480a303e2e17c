#include "logger.h"

#include <syslog.h>

#include <ctime>

#include "fmt/format.h"

namespace vrrpd {

Logger::Logger(Sink sink, bool detail, std::function<void(Level, std::string_view)> callback)
    : sink_(sink), detail_(detail), callback_(std::move(callback)) {
  if (sink_ == Sink::kSyslog) openlog("vrrpd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

Logger::~Logger() {
  if (sink_ == Sink::kSyslog) closelog();
}

void Logger::Log(Level level, std::string_view message) {
  if (level == Level::kDetail && !detail_) return;
  switch (sink_) {
    case Sink::kSyslog: {
      int priority = LOG_INFO;
      if (level == Level::kError) priority = LOG_ERR;
      if (level == Level::kWarning) priority = LOG_WARNING;
      syslog(priority, "%.*s", static_cast<int>(message.size()), message.data());
      break;
    }
    case Sink::kConsole:
      // One write per line, flushed: lines from a daemon and its tests' readers never interleave.
      fmt::print(stderr, "{}: {}\n", ConsoleTimestamp(), message);
      std::fflush(stderr);
      break;
    case Sink::kCallback:
      if (callback_) callback_(level, message);
      break;
  }
}

std::string ConsoleTimestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[64];
  const size_t n = std::strftime(text, sizeof(text), "%a %b %e %H:%M:%S %Y", &local);
  return std::string(text, n);
}

}  // namespace vrrpd
