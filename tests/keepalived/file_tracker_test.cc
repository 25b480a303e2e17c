// FileTracker (keepalived's track_file): values read as keepalived reads them, changes seen
// through inotify on the directory (writes, renames over the file, removal), init_file, and the
// files no instance tracks left alone. Runs without root in a temporary directory.
#include "vrrp/keepalived/file_tracker.h"

#include <stdio.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/process_support.h"
#include "vrrp/config/config.h"

namespace vrrp::keepalived {
namespace {

using test::NewLoop;
using test::ReadFile;
using test::TempDir;
using test::WaitFor;
using test::WriteFile;
using vrrp::config::VrrpTrackFile;

VrrpTrackFile File(std::string name, std::string path) {
  VrrpTrackFile f;
  f.name = std::move(name);
  f.path = std::move(path);
  return f;
}

// A tracker over `files` whose changes land in `seen`.
struct Watched {
  std::unique_ptr<os::EventLoop> loop = NewLoop();
  std::map<std::string, int64_t> seen;
  std::vector<std::string> log;
  std::unique_ptr<FileTracker> tracker;

  explicit Watched(std::vector<VrrpTrackFile> files) {
    auto t = FileTracker::Create(
        *loop, std::move(files), [this](const std::string& n, int64_t v) { seen[n] = v; },
        [this](const std::string& line) { log.push_back(line); });
    INFO(t.status().ToString());
    REQUIRE(t.ok());
    tracker = std::move(*t);
  }
  bool WaitValue(const std::string& name, int64_t value) {
    return WaitFor(*loop, [&] { return tracker->value(name) == value; });
  }
};

TEST_CASE("ParseTrackFileValue reads a number as strtol with base 0 does, held to -254..254") {
  struct Row {
    const char* text;
    int64_t value;
  };
  const Row rows[] = {
      {"0", 0},
      {"12\n", 12},
      {"  -7\n", -7},
      {"+5", 5},
      {"0x10", 16},
      {"0X1f", 31},
      {"010", 8},
      {"09", 0},
      {"12abc", 12},
      {"-3 down", -3},
      {"abc", 0},
      {"", 0},
      {"\n", 0},
      {"-", 0},
      {"0x", 0},
      {"254", 254},
      {"255", 254},
      {"-255", -254},
      {"99999999999999999999", 254},
      {"-99999999999999999999", -254},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    CHECK(ParseTrackFileValue(r.text) == r.value);
  }
}

TEST_CASE("FileTracker reads each file at start: missing or not a number is 0") {
  TempDir dir;
  WriteFile(dir / "a", "17\n");
  WriteFile(dir / "b", "not a number\n");
  Watched w({File("a", dir / "a"), File("b", dir / "b"), File("c", dir / "c")});
  CHECK(w.tracker->value("a") == 17);
  CHECK(w.tracker->value("b") == 0);
  CHECK(w.tracker->value("c") == 0);
  CHECK(w.tracker->value("unknown") == 0);
  CHECK(w.tracker->values() ==
        std::vector<std::pair<std::string, int64_t>>{{"a", 17}, {"b", 0}, {"c", 0}});
}

TEST_CASE("FileTracker sees a write, a rename over the file, a removal and a creation") {
  TempDir dir;
  WriteFile(dir / "prio", "1\n");
  Watched w({File("prio", dir / "prio")});
  REQUIRE(w.tracker->value("prio") == 1);

  WriteFile(dir / "prio", "5\n");
  CHECK(w.WaitValue("prio", 5));
  CHECK(w.seen["prio"] == 5);

  // How editors and `mv` write: a new file renamed over the old one.
  WriteFile(dir / "prio.tmp", "-9\n");
  REQUIRE(rename((dir / "prio.tmp").c_str(), (dir / "prio").c_str()) == 0);
  CHECK(w.WaitValue("prio", -9));

  REQUIRE(unlink((dir / "prio").c_str()) == 0);
  CHECK(w.WaitValue("prio", 0));

  WriteFile(dir / "prio", "3");
  CHECK(w.WaitValue("prio", 3));

  // Moved away: 0 as well.
  REQUIRE(rename((dir / "prio").c_str(), (dir / "elsewhere").c_str()) == 0);
  CHECK(w.WaitValue("prio", 0));
  CHECK(w.log.back() == "Track file prio value 0");
}

TEST_CASE("FileTracker ignores other files of the directory") {
  TempDir dir;
  WriteFile(dir / "prio", "4");
  Watched w({File("prio", dir / "prio")});
  WriteFile(dir / "other", "100");
  WriteFile(dir / "prio2", "100");
  WriteFile(dir / "prio", "6");  // the marker: once seen, the others were read before it
  REQUIRE(w.WaitValue("prio", 6));
  CHECK(w.seen == std::map<std::string, int64_t>{{"prio", 6}});
}

TEST_CASE("FileTracker tells one change once, and no change when the value stays") {
  TempDir dir;
  WriteFile(dir / "a", "2");
  WriteFile(dir / "b", "2");
  Watched w({File("a", dir / "a"), File("b", dir / "b")});
  WriteFile(dir / "a", "2\n");  // same value: nothing to tell
  WriteFile(dir / "b", "8");
  REQUIRE(w.WaitValue("b", 8));
  CHECK(w.seen == std::map<std::string, int64_t>{{"b", 8}});
}

TEST_CASE("init_file writes its value when the file is missing, or always with overwrite") {
  TempDir dir;
  WriteFile(dir / "kept", "9\n");
  WriteFile(dir / "over", "9\n");
  VrrpTrackFile missing = File("missing", dir / "missing");
  missing.init_value = 0;
  VrrpTrackFile kept = File("kept", dir / "kept");
  kept.init_value = 4;
  VrrpTrackFile over = File("over", dir / "over");
  over.init_value = -2;
  over.init_overwrite = true;
  Watched w({missing, kept, over});
  CHECK(ReadFile(dir / "missing") == "0\n");
  CHECK(w.tracker->value("kept") == 9);
  CHECK(ReadFile(dir / "kept") == "9\n");
  CHECK(w.tracker->value("over") == -2);
  CHECK(ReadFile(dir / "over") == "-2\n");
}

TEST_CASE("FileTracker refuses a file whose directory does not exist, naming it") {
  TempDir dir;
  auto loop = NewLoop();
  auto t = FileTracker::Create(*loop, {File("gone", dir / "no/such/dir/file")}, nullptr, nullptr);
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == absl::StatusCode::kNotFound);
  CHECK(std::string(t.status().message()).find("track_file gone") != std::string::npos);
}

TEST_CASE("A relative path is watched in the current directory") {
  TempDir dir;
  char cwd[4096];
  REQUIRE(getcwd(cwd, sizeof(cwd)) != nullptr);
  REQUIRE(chdir(dir.path().c_str()) == 0);
  WriteFile(dir / "rel", "7");
  {
    Watched w({File("rel", "rel")});
    CHECK(w.tracker->value("rel") == 7);
    WriteFile(dir / "rel", "8");
    CHECK(w.WaitValue("rel", 8));
  }
  REQUIRE(chdir(cwd) == 0);
}

TEST_CASE("TrackedFiles keeps only the files some instance tracks") {
  config::Configuration conf;
  conf.track_files = {File("used", "/x/used"), File("unused", "/x/unused")};
  config::VrrpInstance vi;
  vi.extras.track_files.push_back({{}, "used", std::nullopt, false});
  conf.instances.push_back(vi);
  const std::vector<VrrpTrackFile> files = TrackedFiles(conf);
  REQUIRE(files.size() == 1);
  CHECK(files[0].name == "used");
}

}  // namespace
}  // namespace vrrp::keepalived
