// The two FileSources: the disk (glob(3), realpath(3)) and memory (fnmatch(3) over stored names).
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "fmt/format.h"
#include "vrrp/config/config.h"

namespace vrrp::config {

absl::StatusOr<std::vector<std::string>> DiskFileSource::Glob(const std::string& pattern) {
  glob_t matches{};
  // GLOB_BRACE: keepalived documents csh-style braces in include patterns.
  const int rc = ::glob(pattern.c_str(), GLOB_BRACE, nullptr, &matches);
  std::vector<std::string> paths;
  if (rc == 0) {
    for (size_t i = 0; i < matches.gl_pathc; ++i) paths.emplace_back(matches.gl_pathv[i]);
  }
  ::globfree(&matches);
  if (rc != 0 && rc != GLOB_NOMATCH) {
    return absl::UnavailableError(fmt::format("glob({}) failed ({})", pattern,
                                              rc == GLOB_NOSPACE ? "out of memory" : "read error"));
  }
  return paths;  // glob(3) sorts them
}

absl::StatusOr<std::string> DiskFileSource::Read(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(fmt::format("cannot read {}: it is a directory", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return absl::NotFoundError(fmt::format("cannot open {}: {}", path, std::strerror(err)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::UnavailableError(fmt::format("cannot read {}", path));
  }
  // An empty file reads as failbit from operator<<; that is still a file.
  return text.str();
}

std::string DiskFileSource::Identity(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return path;
  return resolved;
}

absl::StatusOr<std::vector<std::string>> MemoryFileSource::Glob(const std::string& pattern) {
  std::vector<std::string> paths;
  for (const auto& [path, text] : files_) {
    if (::fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) == 0) paths.push_back(path);
  }
  return paths;  // std::map keeps them sorted
}

absl::StatusOr<std::string> MemoryFileSource::Read(const std::string& path) {
  auto it = files_.find(path);
  if (it == files_.end()) return absl::NotFoundError(fmt::format("cannot open {}", path));
  return it->second;
}

}  // namespace vrrp::config
