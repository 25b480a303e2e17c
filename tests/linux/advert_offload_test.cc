// AdvertOffload against the real kernel: adverts sent by one RawSocketTransport over a veth link,
// the receiving socket filtered by the eBPF program. Repeats of the armed packet are absorbed,
// timed and counted; one goes up every pass_every; anything else goes up at once.
#include "vrrp/linux/advert_offload.h"

#include <linux/capability.h>
#include <poll.h>

#include <array>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "system/netns.h"
#include "vrrp/ah.h"
#include "vrrp/codec.h"
#include "vrrp/linux/event_loop.h"
#include "vrrp/linux/raw_socket.h"

namespace vrrp::os {
namespace {

using vrrp::test::Netns;

struct Pair {
  std::unique_ptr<Netns> a;
  std::unique_ptr<Netns> b;
  std::unique_ptr<RawSocketTransport> from;
  std::unique_ptr<RawSocketTransport> to;
  IpAddress source;
  IpAddress group;
};

// "a0" in one namespace sends, "b0" in the other receives, for `family`.
Pair MakePair(Family family) {
  Pair p;
  absl::StatusOr<vrrp::test::LinkedPair> pair = vrrp::test::LinkedPair::Create();
  INFO(pair.status().ToString());
  REQUIRE(pair.ok());
  p.a = std::move(pair->a);
  p.b = std::move(pair->b);
  auto open = [&](const Netns& ns, const char* name, std::unique_ptr<RawSocketTransport>& out) {
    REQUIRE(ns.Inside([&] {
                auto opened = RawSocketTransport::Open({.interface = name, .family = family});
                INFO(opened.status().ToString());
                REQUIRE(opened.ok());
                out = std::move(*opened);
              }).ok());
  };
  open(*p.a, "a0", p.from);
  open(*p.b, "b0", p.to);
  REQUIRE(p.a->Inside([&] {
               auto primary = InterfacePrimaryAddress("a0", family);
               REQUIRE(primary.ok());
               p.source = *primary;
             })
              .ok());
  p.group = MulticastGroup(family);
  REQUIRE(p.to->JoinGroup(p.group).ok());
  return p;
}

std::vector<uint8_t> Advert(const Pair& p, uint8_t vrid, uint8_t priority) {
  Advertisement adv;
  adv.version = Version::kV3;
  adv.family = p.source.family();
  adv.vrid = vrid;
  adv.priority = priority;
  adv.interval = Centiseconds(100);
  adv.addresses.push_back(adv.family == Family::kIPv4 ? IpAddress::V4(198, 51, 100, 7)
                                                      : *IpAddress::Parse("2001:db8::7"));
  std::array<uint8_t, kMaxAdvertisementSize> buf;
  auto n =
      EncodeAdvertisement(adv, {.source = p.source, .destination = p.group}, absl::MakeSpan(buf));
  REQUIRE(n.ok());
  return std::vector<uint8_t>(buf.begin(), buf.begin() + static_cast<long>(*n));
}

// Everything `to` has within `wait_ms`, as payloads.
std::vector<ReceivedPacket> Drain(RawSocketTransport& to, int wait_ms,
                                  std::vector<std::vector<uint8_t>>& storage) {
  std::vector<ReceivedPacket> out;
  for (;;) {
    pollfd pfd{to.fd(), POLLIN, 0};
    if (poll(&pfd, 1, wait_ms) != 1) return out;
    storage.emplace_back(kReceiveBufferSize);
    auto got = to.Receive(absl::MakeSpan(storage.back()));
    REQUIRE(got.ok());
    if (got->has_value()) out.push_back(**got);
  }
}

// The first advert that arrives (multicast joins take a moment), for its image.
ReceivedPacket FirstArrival(Pair& p, const std::vector<uint8_t>& payload,
                            std::vector<std::vector<uint8_t>>& storage) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    REQUIRE(p.from->Send(payload, p.source, p.group).ok());
    std::vector<ReceivedPacket> got = Drain(*p.to, 100, storage);
    if (!got.empty()) return got.back();
  }
  FAIL("no advert arrived in 5 s");
  return {};
}

void OffloadCase(Family family) {
  Pair p = MakePair(family);
  absl::StatusOr<std::unique_ptr<AdvertOffload>> offload;
  REQUIRE(p.b->Inside([&] { offload = AdvertOffload::Attach(p.to->fd(), family); }).ok());
  INFO(offload.status().ToString());
  REQUIRE(offload.ok());
  AdvertOffload& filter = **offload;

  std::vector<std::vector<uint8_t>> storage;
  const std::vector<uint8_t> steady = Advert(p, 42, 150);
  ReceivedPacket first = FirstArrival(p, steady, storage);
  std::optional<AdvertOffload::Image> image = AdvertOffload::ImageOf(first.payload, first.info);
  REQUIRE(image.has_value());
  CHECK(image->size == (family == Family::kIPv4 ? 20u : 40u) + steady.size());

  // Armed, with one repeat in 10 s let up: the next ten are absorbed, none reaches the socket.
  CHECK_FALSE(filter.armed(42));
  filter.Arm(42, *image, absl::Seconds(10), MonotonicNow());
  CHECK(filter.armed(42));
  const absl::Time before = MonotonicNow();
  for (int i = 0; i < 10; ++i) REQUIRE(p.from->Send(steady, p.source, p.group).ok());
  CHECK(Drain(*p.to, 300, storage).empty());
  AdvertOffload::Repeats r = filter.Take(42);
  CHECK(r.count == 10);
  CHECK(r.last_absorbed >= before);
  CHECK(r.last_absorbed <= MonotonicNow());
  CHECK(filter.absorbed_total() == 10);
  // Taken: nothing new until more come.
  r = filter.Take(42);
  CHECK(r.count == 0);
  CHECK(r.last_absorbed == absl::InfinitePast());

  // Not a repeat: another priority, a resignation, another VRID go up at once.
  for (uint8_t priority : {uint8_t{200}, uint8_t{0}}) {
    REQUIRE(p.from->Send(Advert(p, 42, priority), p.source, p.group).ok());
  }
  REQUIRE(p.from->Send(Advert(p, 43, 150), p.source, p.group).ok());
  std::vector<ReceivedPacket> up = Drain(*p.to, 300, storage);
  REQUIRE(up.size() == 3);
  CHECK(filter.Take(42).count == 0);

  // pass_every zero: every repeat goes up (and none is counted as absorbed).
  filter.Arm(42, *image, absl::ZeroDuration(), MonotonicNow());
  for (int i = 0; i < 3; ++i) REQUIRE(p.from->Send(steady, p.source, p.group).ok());
  CHECK(Drain(*p.to, 300, storage).size() == 3);
  CHECK(filter.Take(42).count == 0);

  // Re-armed with the same image: only pass_every changes. Armed anew (after a Disarm) with
  // pass_every 150 ms, a repeat every 20 ms for about 0.6 s: most absorbed, a few up, the first
  // of them at least 150 ms after the Arm.
  filter.Disarm(42);
  filter.Arm(42, *image, absl::Milliseconds(150), MonotonicNow());
  const absl::Time armed_at = MonotonicNow();
  size_t sent = 0;
  size_t passed = 0;
  absl::Time first_up = absl::InfiniteFuture();
  while (MonotonicNow() - armed_at < absl::Milliseconds(600)) {
    REQUIRE(p.from->Send(steady, p.source, p.group).ok());
    ++sent;
    std::vector<ReceivedPacket> got = Drain(*p.to, 20, storage);
    if (!got.empty() && first_up == absl::InfiniteFuture()) first_up = MonotonicNow();
    passed += got.size();
  }
  r = filter.Take(42);
  INFO("sent " << sent << " passed " << passed << " absorbed " << r.count);
  CHECK(passed >= 2);
  CHECK(passed <= 5);
  CHECK(r.count + passed == sent);
  CHECK(first_up - armed_at >= absl::Milliseconds(150));

  // Disarmed: everything goes up again.
  filter.Disarm(42);
  CHECK_FALSE(filter.armed(42));
  for (int i = 0; i < 3; ++i) REQUIRE(p.from->Send(steady, p.source, p.group).ok());
  CHECK(Drain(*p.to, 300, storage).size() == 3);
}

TEST_CASE("AdvertOffload absorbs repeats of the armed IPv4 advert and lets the rest up") {
  VRRP_SKIP_UNLESS_ROOT();
  OffloadCase(Family::kIPv4);
}

TEST_CASE("AdvertOffload absorbs repeats of the armed IPv6 advert and lets the rest up") {
  VRRP_SKIP_UNLESS_ROOT();
  OffloadCase(Family::kIPv6);
}

TEST_CASE("AdvertOffload images: what is compared, what is not, what cannot be armed") {
  ReceiveInfo info;
  info.source = IpAddress::V4(192, 0, 2, 5);
  info.destination = kMulticastGroupV4;
  const std::vector<uint8_t> payload = {0x31, 42, 150, 1, 0, 100, 0xab, 0xcd, 198, 51, 100, 7};
  auto image = AdvertOffload::ImageOf(payload, info);
  REQUIRE(image.has_value());
  REQUIRE(image->size == 32);
  const std::vector<uint8_t> header(image->bytes.begin(), image->bytes.begin() + 20);
  CHECK(header == std::vector<uint8_t>{0x45, 0, 0, 32, 0,   0, 0, 0, 255, 112, 0, 0,  //
                                       192,  0, 2, 5,  224, 0, 0, 18});
  CHECK(std::equal(payload.begin(), payload.end(), image->bytes.begin() + 20));
  // Another TTL is another image: a packet from off the link never matches.
  ReceiveInfo routed = info;
  routed.ttl = 254;
  CHECK_FALSE(*AdvertOffload::ImageOf(payload, routed) == *image);
  // AH packets carry a sequence number: never a repeat.
  ReceiveInfo ah = info;
  ah.protocol = kIpProtocolAh;
  CHECK_FALSE(AdvertOffload::ImageOf(payload, ah).has_value());
  // Too long for the filter's buffer.
  const std::vector<uint8_t> big(AdvertOffload::kMaxImage - 19, 0);
  CHECK_FALSE(AdvertOffload::ImageOf(big, info).has_value());
  CHECK(AdvertOffload::ImageOf(absl::MakeSpan(big).subspan(1), info).has_value());
}

TEST_CASE("AdvertOffload without CAP_BPF is refused, and says which call") {
  VRRP_SKIP_UNLESS_ROOT();
  if (!vrrp::test::UnprivilegedBpfDisabled()) {
    WARN("skipped: kernel.unprivileged_bpf_disabled is 0 here, eBPF needs no capability");
    return;
  }
  Pair p = MakePair(Family::kIPv4);
  absl::StatusOr<std::unique_ptr<AdvertOffload>> offload;
  REQUIRE(p.b->Inside([&] {
               // CAP_SYS_ADMIN grants eBPF too.
               REQUIRE(vrrp::test::DropEffectiveCapability(CAP_BPF).ok());
               REQUIRE(vrrp::test::DropEffectiveCapability(CAP_SYS_ADMIN).ok());
               offload = AdvertOffload::Attach(p.to->fd(), Family::kIPv4);
             })
              .ok());
  REQUIRE_FALSE(offload.ok());
  CHECK(offload.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(std::string(offload.status().message()).find("bpf(BPF_MAP_CREATE") != std::string::npos);
  CHECK(std::string(offload.status().message()).find("CAP_BPF") != std::string::npos);
}

TEST_CASE("AdvertOffload on something that is not a socket says so") {
  auto offload = AdvertOffload::Attach(0, Family::kIPv4);  // stdin
  REQUIRE_FALSE(offload.ok());
  CHECK(std::string(offload.status().message()).find("SO_TYPE") != std::string::npos);
}

}  // namespace
}  // namespace vrrp::os
