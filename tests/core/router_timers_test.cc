// RFC 5798 §6.1 / RFC 3768 §6.1 timers in integer centiseconds. The expected values are worked
// by hand from the RFC formulas (shown in each row), not taken from the implementation.
#include <catch2/catch.hpp>

#include "vrrp/router.h"

namespace vrrp {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);

struct Row {
  Version version;
  int priority;
  int64_t interval_cs;
  int64_t skew_cs;
  int64_t down_cs;
};

// v3: skew = ((256 - p) * I) / 256, down = 3 * I + skew.
// v2: skew = ((256 - p) * 100) / 256 whatever the interval, down = 3 * I + skew.
constexpr Row kRows[] = {
    // 10 ms: 255 * 1 / 256 = 0, ...
    {Version::kV3, 1, 1, 0, 3},
    {Version::kV3, 100, 1, 0, 3},
    {Version::kV3, 254, 1, 0, 3},
    {Version::kV3, 255, 1, 0, 3},
    // 100 ms: 2550 / 256 = 9.96, 1560 / 256 = 6.09, 20 / 256, 10 / 256.
    {Version::kV3, 1, 10, 9, 39},
    {Version::kV3, 100, 10, 6, 36},
    {Version::kV3, 254, 10, 0, 30},
    {Version::kV3, 255, 10, 0, 30},
    // 1 s: 25500 / 256 = 99.6, 15600 / 256 = 60.9, 200 / 256, 100 / 256.
    {Version::kV3, 1, 100, 99, 399},
    {Version::kV3, 100, 100, 60, 360},
    {Version::kV3, 254, 100, 0, 300},
    {Version::kV3, 255, 100, 0, 300},
    // 40.95 s: 255 * 4095 / 256 = 4079.0, 156 * 4095 / 256 = 2495.4.
    {Version::kV3, 1, 4095, 4079, 16364},
    {Version::kV3, 100, 4095, 2495, 14780},
    // v2, 1 s: 255 * 100 / 256 = 99.6, 15600 / 256 = 60.9, 200 / 256 = 0.78.
    {Version::kV2, 1, 100, 99, 399},
    {Version::kV2, 100, 100, 60, 360},
    {Version::kV2, 254, 100, 0, 300},
    {Version::kV2, 255, 100, 0, 300},
    // v2, 10 s: the skew does not scale with the interval.
    {Version::kV2, 1, 1000, 99, 3099},
    {Version::kV2, 150, 1000, 41, 3041},
};

TEST_CASE("Skew_Time and Master_Down_Interval in centiseconds") {
  for (const Row& row : kRows) {
    INFO("v" << static_cast<int>(row.version) << " priority " << row.priority << " interval "
             << row.interval_cs << "cs");
    CHECK(SkewTime(row.version, row.priority, Centiseconds(row.interval_cs)) ==
          Centiseconds(row.skew_cs));
    CHECK(MasterDownInterval(row.version, row.priority, Centiseconds(row.interval_cs)) ==
          Centiseconds(row.down_cs));
  }
  // keepalived's down_timer_adverts replaces the 3.
  CHECK(MasterDownInterval(Version::kV3, 100, Centiseconds(100), 5) == Centiseconds(560));
  CHECK(MasterDownInterval(Version::kV3, 100, Centiseconds(100), 1) == Centiseconds(160));
}

TEST_CASE("A started Backup's deadline is exactly Master_Down_Interval away") {
  for (const Row& row : kRows) {
    if (row.priority == 255) continue;  // the owner does not wait
    INFO("v" << static_cast<int>(row.version) << " priority " << row.priority << " interval "
             << row.interval_cs << "cs");
    RouterConfig c;
    c.vrid = 1;
    c.version = row.version;
    c.priority = row.priority;
    c.advert_interval = Centiseconds(row.interval_cs);
    c.virtual_addresses = {IpAddress::V4(192, 0, 2, 3)};
    c.primary_address = IpAddress::V4(192, 0, 2, 5);
    absl::StatusOr<Router> r = Router::Create(c);
    REQUIRE(r.ok());
    r->Start(kT0);
    CHECK(r->skew_time() == Centiseconds(row.skew_cs));
    CHECK(r->master_down_interval() == Centiseconds(row.down_cs));
    CHECK(r->NextDeadline() == kT0 + absl::Milliseconds(row.down_cs * 10));
    // And a priority-0 advertisement brings it to Skew_Time.
    Advertisement adv;
    adv.version = row.version;
    adv.vrid = 1;
    adv.priority = 0;
    adv.interval = Centiseconds(row.interval_cs);
    adv.addresses = c.virtual_addresses;
    r->OnAdvertisement(kT0 + absl::Seconds(1), adv, IpAddress::V4(192, 0, 2, 6));
    CHECK(r->NextDeadline() == kT0 + absl::Seconds(1) + absl::Milliseconds(row.skew_cs * 10));
  }
}

}  // namespace
}  // namespace vrrp
