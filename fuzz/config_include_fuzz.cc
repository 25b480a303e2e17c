// libFuzzer target for keepalived.conf's `include` as vrrpd reads it: from the disk, through
// DiskFileSource (glob(3) with GLOB_BRACE, realpath(3) for cycles, reading files and refusing
// directories) and the include reader (patterns relative to the including file, nesting, the
// depth and size bounds, cycles and diamonds). config_fuzz covers the blocks with one file in
// memory; this one covers what only several files on a disk can reach.
//
// Input: several files, split at lines "==> NAME" (the form of `head a b`'s headers). What
// comes before the first such line is keepalived.conf, the file parsed; NAME is a relative path
// of at most three components of [A-Za-z0-9._-] (not "." or ".."), anything else names the file
// fileN.conf. Up to kMaxFiles files are written into one directory made once per process
// (mkdtemp), the previous input's files removed first, so an input always sees the same tree.
//
// Includes may only reach that directory: the FileSource below refuses a pattern that starts
// elsewhere or could climb out of it (an include of /dev/zero or /*/*/*/* is the
// administrator's business, not a parser bug), and returns no file whose real path is outside.
//
// The oracle is config_fuzz's (config_oracle.h).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "config_oracle.h"
#include "vrrp/config/config.h"

namespace {

constexpr size_t kMaxFiles = 16;
constexpr std::string_view kHeader = "==> ";

void Fail(const char* what) {
  std::fprintf(stderr, "config_include_fuzz: %s\n", what);
  std::abort();
}

bool NameCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// The relative path NAME stands for, or empty when it is not one we write.
std::string SafeName(std::string_view name) {
  if (name.size() >= 4 && name.substr(name.size() - 4) == " <==") name.remove_suffix(4);
  if (name.empty() || name.size() > 64) return "";
  int components = 0;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    if (slash == std::string_view::npos) slash = name.size();
    const std::string_view part = name.substr(start, slash - start);
    if (part.empty() || part == "." || part == ".." || ++components > 3) return "";
    for (char c : part) {
      if (!NameCharacter(c)) return "";
    }
    start = slash + 1;
  }
  return std::string(name);
}

// Whether a pattern relative to the directory could match outside it: a literal ".." that
// climbs above it, or a '.' that a glob could make into one ("..", ".[.]", "{..,a}", "\.\.").
// Literal ".." inside the directory stays allowed: keepalived.conf files say
// `include ../addresses.inc`.
bool MayLeave(std::string_view relative) {
  const bool braces = relative.find('{') != std::string_view::npos;
  int depth = 0;
  size_t start = 0;
  while (start <= relative.size()) {
    size_t slash = relative.find('/', start);
    if (slash == std::string_view::npos) slash = relative.size();
    const std::string_view part = relative.substr(start, slash - start);
    start = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      // A brace may hide a '/' that changes the depth: no ".." with braces.
      if (braces || --depth < 0) return true;
      continue;
    }
    for (size_t i = 0; i < part.size(); ++i) {
      const char before = i == 0 ? '/' : part[i - 1];
      if (part[i] == '.' && (before == '/' || before == '{' || before == ',' || before == '\\')) {
        return true;
      }
    }
    ++depth;
  }
  return false;
}

// The disk, confined to `root`.
class ConfinedFileSource final : public vrrp::config::FileSource {
 public:
  explicit ConfinedFileSource(std::string root) : root_(std::move(root) + "/") {}

  absl::StatusOr<std::vector<std::string>> Glob(const std::string& pattern) override {
    if (!Inside(pattern) || MayLeave(std::string_view(pattern).substr(root_.size()))) {
      return std::vector<std::string>{};
    }
    absl::StatusOr<std::vector<std::string>> paths = disk_.Glob(pattern);
    if (!paths.ok()) return paths;
    std::vector<std::string> inside;
    for (std::string& path : *paths) {
      if (Inside(path) && Inside(disk_.Identity(path))) inside.push_back(std::move(path));
    }
    return inside;
  }
  absl::StatusOr<std::string> Read(const std::string& path) override {
    if (!Inside(path)) Fail("asked to read a file outside the directory");
    return disk_.Read(path);
  }
  std::string Identity(const std::string& path) override { return disk_.Identity(path); }

 private:
  bool Inside(std::string_view path) const { return path.substr(0, root_.size()) == root_; }

  std::string root_;
  vrrp::config::DiskFileSource disk_;
};

// The directory, and what the previous input left in it.
struct Tree {
  std::string root;
  std::vector<std::string> files;
  std::vector<std::string> directories;  // in the order made

  void Clear() {
    for (const std::string& f : files) ::unlink(f.c_str());
    for (auto d = directories.rbegin(); d != directories.rend(); ++d) ::rmdir(d->c_str());
    files.clear();
    directories.clear();
  }

  // Writes `text` at root/name, making its directories; false when the tree has a file where
  // a directory should be (or the reverse).
  bool Write(const std::string& name, std::string_view text) {
    for (size_t slash = name.find('/'); slash != std::string::npos;
         slash = name.find('/', slash + 1)) {
      const std::string dir = root + "/" + name.substr(0, slash);
      if (::mkdir(dir.c_str(), 0700) == 0) {
        directories.push_back(dir);
      } else if (errno != EEXIST) {
        return false;
      }
    }
    const std::string path = root + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    files.push_back(path);
    return static_cast<bool>(out);
  }
};

Tree& TheTree() {
  static Tree* tree = [] {
    auto* t = new Tree;
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/config_include_fuzz.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) Fail("mkdtemp failed");
    t->root = pattern;
    // The directory goes when the process ends normally (libFuzzer's -runs, -max_total_time).
    std::atexit([] {
      TheTree().Clear();
      ::rmdir(TheTree().root.c_str());
    });
    return t;
  }();
  return *tree;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Tree& tree = TheTree();
  tree.Clear();
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // Cut the input at the header lines; the last file takes the rest once there are kMaxFiles.
  std::string name = "keepalived.conf";
  size_t text_start = 0;
  size_t files = 0;
  for (size_t line = 0; line < input.size() && files + 1 < kMaxFiles;) {
    size_t line_end = input.find('\n', line);
    if (line_end == std::string_view::npos) line_end = input.size();
    if (input.substr(line, kHeader.size()) == kHeader) {
      (void)tree.Write(name, input.substr(text_start, line - text_start));
      ++files;
      name = SafeName(input.substr(line + kHeader.size(), line_end - line - kHeader.size()));
      if (name.empty() || name == "keepalived.conf")
        name = "file" + std::to_string(files) + ".conf";
      text_start = std::min(line_end + 1, input.size());
    }
    line = line_end + 1;
  }
  // A path that clashes with an earlier one (a file where a directory should be) is left out;
  // keepalived.conf, the first, always has its place.
  (void)tree.Write(name, input.substr(text_start));

  ConfinedFileSource source(tree.root);
  vrrp::config::ParseOptions options;
  options.files = &source;
  vrrp::fuzz::CheckParseResult(vrrp::config::ParseFile(tree.root + "/keepalived.conf", options));
  return 0;
}
