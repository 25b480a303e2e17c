// keepalived's configuration preprocessor (keepalived.conf(5): "Conditional configuration and
// configuration id", "Parameter substitution", "Sequence blocks"), applied to each line before it
// is cut into words:
//
//   @main  router_id lb1        kept only when the config id is "main"
//   @^main router_id lb2        kept unless it is
//   $PRIO=150                   a definition (also multi-line, each line but the last ending '\')
//   priority $PRIO              $NAME before white space or the end, and ${NAME} anywhere
//   ~SEQ(N, 1, 3) vrrp_instance VI_${N} { ... }   the rest of the line once per value
//
// Undefined names are left as written (so that a `$` in a script stays), substitution is
// recursive and done when a line is used, and definitions hold across included files.
// Predefined: ${_PWD} (the directory of the file being read) and ${_INSTANCE} (the config id).
#ifndef VRRP_LIB_CONFIG_PREPROCESSOR_H_
#define VRRP_LIB_CONFIG_PREPROCESSOR_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vrrp/config/config.h"

namespace vrrp::config {

// Not thread-safe; holds no reference to what it is given.
class Preprocessor {
 public:
  explicit Preprocessor(std::string config_id) : config_id_(std::move(config_id)) {}

  // One line of a file as read (without its newline), at `where`; appends the lines it becomes
  // (none for a definition or a line whose condition does not hold) to `out`. `directory` is the
  // file's, for ${_PWD}.
  [[nodiscard]] absl::Status Line(std::string_view raw, const Location& where,
                                  std::string_view directory, std::vector<std::string>& out);

  // At the end of each file: a multi-line definition does not run on into the next file.
  void EndOfFile();

 private:
  absl::Status Process(std::string line, const Location& where, std::string_view directory,
                       int depth, std::vector<std::string>& out);
  absl::Status Sequence(std::string_view line, const Location& where, std::string_view directory,
                        int depth, std::vector<std::string>& out);
  absl::StatusOr<std::string> Substitute(std::string line, const Location& where,
                                         std::string_view directory) const;
  bool Lookup(std::string_view name, std::string_view directory, std::string& value) const;

  const std::string config_id_;
  std::map<std::string, std::string, std::less<>> definitions_;
  std::string continuing_;  // the name of the multi-line definition being read, if any
  size_t produced_ = 0;     // lines made by expansion, bounded
};

// keepalived's default config id: the node name (uname(2)) up to its first '.'.
std::string DefaultConfigId();

}  // namespace vrrp::config

#endif  // VRRP_LIB_CONFIG_PREPROCESSOR_H_
