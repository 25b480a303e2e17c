// Tracking arithmetic of track_file and track_process (keepalived.conf(5), "Track files" and
// "VRRP track processes"): a file's value times its weight with FAULT at -254, weight 0 meaning
// FAULT on a non-zero value, and a process quorum weighed like a check.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "vrrp/tracking.h"

namespace vrrp {
namespace {

TrackEffect FileEffect(int weight, bool reverse, int64_t value) {
  const std::vector<Track> tracks = {{Track::Kind::kFile, "f", weight, reverse}};
  TrackInputs inputs;
  inputs.file_value = [value](std::string_view) { return value; };
  return ComputeTrackEffect(tracks, inputs);
}

TEST_CASE("Tracking: a track_file's value is multiplied by its weight") {
  struct Row {
    int weight;
    bool reverse;
    int64_t value;
    int delta;
    bool fault;
  };
  const Row rows[] = {
      {1, false, 0, 0, false},
      {1, false, 10, 10, false},
      {1, false, -10, -10, false},
      {5, false, 3, 15, false},
      {-5, false, 3, -15, false},
      {5, true, 3, -15, false},
      {-5, true, -3, -15, false},
      {1, false, 254, 253, false},  // capped at 253
      {2, false, 200, 253, false},
      {1, false, -253, -253, false},
      {1, false, -254, 0, true},  // -254 is FAULT, not a delta
      {254, false, -1, 0, true},
      {254, false, 1, 253, false},
      {-1, true, -254, 0, true},
      {100, false, -3, 0, true},  // -300: below -254
      {0, false, 0, 0, false},
      {0, false, 7, 0, true},
      {0, false, -1, 0, true},
      {0, true, 0, 0, true},  // weight 0 reverse: FAULT while the value is 0
      {0, true, 3, 0, false},
  };
  for (const Row& r : rows) {
    CAPTURE(r.weight, r.reverse, r.value);
    const TrackEffect e = FileEffect(r.weight, r.reverse, r.value);
    CHECK(e.priority_delta == r.delta);
    CHECK(e.fault == r.fault);
  }
}

TEST_CASE("Tracking: a track_file fault names the file and its value") {
  const TrackEffect e = FileEffect(0, false, 3);
  REQUIRE(e.fault_reasons == std::vector<std::string>{"file f value 3"});
}

TEST_CASE("Tracking: a value read beyond -254..254 counts as its bound") {
  CHECK(FileEffect(1, false, 100000).priority_delta == 253);
  CHECK(FileEffect(1, false, -100000).fault);
  CHECK(FileEffect(-1, false, -100000).priority_delta == 253);
}

TEST_CASE("Tracking: a track_process weighs its quorum like a check") {
  std::map<std::string, bool, std::less<>> up = {{"a", true}, {"b", false}};
  TrackInputs inputs;
  inputs.process_up = [&](std::string_view p) { return up.find(p)->second; };
  struct Row {
    int weight;
    bool reverse;
    const char* name;
    int delta;
    bool fault;
  };
  const Row rows[] = {
      {10, false, "a", 10, false},   {10, false, "b", 0, false},  {-10, false, "a", 0, false},
      {-10, false, "b", -10, false}, {10, true, "a", -10, false}, {-10, true, "b", 10, false},
      {0, false, "a", 0, false},     {0, false, "b", 0, true},    {0, true, "a", 0, true},
      {0, true, "b", 0, false},
  };
  for (const Row& r : rows) {
    CAPTURE(r.weight, r.reverse, r.name);
    const std::vector<Track> tracks = {{Track::Kind::kProcess, r.name, r.weight, r.reverse}};
    const TrackEffect e = ComputeTrackEffect(tracks, inputs);
    CHECK(e.priority_delta == r.delta);
    CHECK(e.fault == r.fault);
  }
  const std::vector<Track> down = {{Track::Kind::kProcess, "b", 0, false}};
  CHECK(ComputeTrackEffect(down, inputs).fault_reasons ==
        std::vector<std::string>{"process b down"});
}

TEST_CASE("Tracking: files and processes add up with scripts and interfaces") {
  const std::vector<Track> tracks = {{Track::Kind::kInterface, "eth1", -20, false},
                                     {Track::Kind::kScript, "chk", 5, false},
                                     {Track::Kind::kFile, "prio", 2, false},
                                     {Track::Kind::kProcess, "haproxy", -30, false}};
  TrackInputs inputs;
  inputs.interface_up = [](std::string_view) { return false; };
  inputs.file_value = [](std::string_view) { return int64_t{-4}; };
  inputs.process_up = [](std::string_view) { return false; };
  const TrackEffect e = ComputeTrackEffect(tracks, inputs);
  CHECK(e.priority_delta == -20 + 5 - 8 - 30);
  CHECK_FALSE(e.fault);
}

TEST_CASE("Tracking: a file or process lookup left empty answers value 0 and up") {
  const std::vector<Track> tracks = {{Track::Kind::kFile, "f", 0, false},
                                     {Track::Kind::kProcess, "p", 0, false}};
  CHECK(ComputeTrackEffect(tracks, TrackInputs()) == TrackEffect());
}

}  // namespace
}  // namespace vrrp
