// Where vrrpd's log lines go: syslog (ident "vrrpd", facility daemon), as keepalived does, or
// with -l the console (stderr) with keepalived's console time stamp, so that a line reads
// "Mon Nov 30 06:15:12 2026: (VI_1) Entering MASTER STATE" either way.
#ifndef VRRPD_LOGGER_H_
#define VRRPD_LOGGER_H_

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

namespace vrrpd {

class Logger {
 public:
  enum class Level { kError, kWarning, kInfo, kDetail };
  enum class Sink { kSyslog, kConsole, kCallback };

  // kCallback: every line (the level's detail filter applied) goes to `callback`: for tests.
  Logger(Sink sink, bool detail, std::function<void(Level, std::string_view)> callback = {});
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void Log(Level level, std::string_view message);
  void Error(std::string_view message) { Log(Level::kError, message); }
  void Warning(std::string_view message) { Log(Level::kWarning, message); }
  void Info(std::string_view message) { Log(Level::kInfo, message); }
  // Logged only with -D (keepalived's --log-detail).
  void Detail(std::string_view message) { Log(Level::kDetail, message); }

  bool detail() const { return detail_; }

 private:
  Sink sink_;
  bool detail_;
  std::function<void(Level, std::string_view)> callback_;
};

// keepalived's console time stamp: "Mon Nov 30 06:15:12 2026" in local time.
std::string ConsoleTimestamp();

}  // namespace vrrpd

#endif  // VRRPD_LOGGER_H_
