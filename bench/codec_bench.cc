// Codec speed: decode + validate and encode of the three advertisement kinds keepalived sends
// (v2 PASS over IPv4, v3 over IPv4, v3 over IPv6), with 1 and 16 addresses. Beside each,
// BM_Checksum sums the same bytes (with the pseudo-header for v3): the floor any decoder that
// verifies the checksum pays. The goal is decode within 2x of that floor for the common case,
// v3 IPv4 with one address.
//
//   ninja -C build codec_bench
//   build/bench/codec_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <array>
#include <cstdlib>
#include <vector>

#include "vrrp/checksum.h"
#include "vrrp/codec.h"

namespace {

using vrrp::Advertisement;
using vrrp::Family;
using vrrp::IpAddress;
using vrrp::Version;

struct V2PassIpv4 {};
struct V3Ipv4 {};
struct V3Ipv6 {};

// One advertisement of a kind, its wire bytes, and what a receiver configured for it passes.
struct Fixture {
  Advertisement adv;
  vrrp::EncodeOptions encode;
  vrrp::DecodeOptions decode;
  vrrp::ReceiveInfo info;
  std::vector<uint8_t> wire;
};

IpAddress Nth(Family family, int i) {
  if (family == Family::kIPv4) return IpAddress::V4(192, 0, 2, static_cast<uint8_t>(3 + i));
  std::array<uint8_t, 16> b = {0x20, 0x01, 0x0d, 0xb8};
  b[15] = static_cast<uint8_t>(3 + i);
  return IpAddress::FromV6Bytes(b.data());
}

template <typename Kind>
Fixture Make(int count) {
  Fixture f;
  constexpr bool v2 = std::is_same_v<Kind, V2PassIpv4>;
  constexpr bool v6 = std::is_same_v<Kind, V3Ipv6>;
  const Family family = v6 ? Family::kIPv6 : Family::kIPv4;
  f.adv.version = v2 ? Version::kV2 : Version::kV3;
  f.adv.family = family;
  f.adv.vrid = 50;
  f.adv.priority = 150;
  f.adv.interval = vrrp::Centiseconds(100);
  f.adv.auth_type = v2 ? vrrp::AuthType::kPass : vrrp::AuthType::kNone;
  for (int i = 0; i < count; ++i) f.adv.addresses.push_back(Nth(family, i));
  auto key = vrrp::PassKey::Create("1111");
  if (!key.ok()) std::abort();
  f.info.source = v6 ? *IpAddress::Parse("fe80::3002:9eff:fef0:3f93") : IpAddress::V4(192, 0, 2, 5);
  f.info.destination = vrrp::MulticastGroup(family);
  f.encode.source = f.info.source;
  f.encode.destination = f.info.destination;
  f.encode.pass_key = *key;
  f.decode.version = f.adv.version;
  f.decode.auth_type = f.adv.auth_type;
  f.decode.pass_key = *key;
  f.wire.resize(vrrp::EncodedSize(f.adv));
  auto n = vrrp::EncodeAdvertisement(f.adv, f.encode, absl::MakeSpan(f.wire));
  if (!n.ok()) std::abort();
  Advertisement check;
  if (vrrp::DecodeAdvertisement(f.wire, f.info, f.decode, check) != vrrp::DropReason::kNone ||
      !(check == f.adv)) {
    std::abort();
  }
  return f;
}

template <typename Kind>
void BM_Decode(benchmark::State& state) {
  const Fixture f = Make<Kind>(static_cast<int>(state.range(0)));
  Advertisement adv;  // reused, as a receive loop does
  for (auto _ : state) {
    vrrp::DropReason r = vrrp::DecodeAdvertisement(f.wire, f.info, f.decode, adv);
    benchmark::DoNotOptimize(r);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.wire.size()));
}

template <typename Kind>
void BM_Encode(benchmark::State& state) {
  const Fixture f = Make<Kind>(static_cast<int>(state.range(0)));
  std::array<uint8_t, vrrp::kMaxAdvertisementSize> buf;
  for (auto _ : state) {
    auto n = vrrp::EncodeAdvertisement(f.adv, f.encode, absl::MakeSpan(buf));
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.wire.size()));
}

// The floor: the checksum over the same bytes, with the pseudo-header for v3 (RFC 5798 §5.2.8).
template <typename Kind>
void BM_Checksum(benchmark::State& state) {
  const Fixture f = Make<Kind>(static_cast<int>(state.range(0)));
  constexpr bool v3 = !std::is_same_v<Kind, V2PassIpv4>;
  for (auto _ : state) {
    uint32_t sum = 0;
    if constexpr (v3) {
      sum = vrrp::PseudoHeaderSum(f.info.source, f.info.destination, vrrp::kIpProtocolVrrp,
                                  static_cast<uint32_t>(f.wire.size()));
    }
    uint16_t c = vrrp::ChecksumFinish(vrrp::ChecksumAdd(sum, f.wire));
    benchmark::DoNotOptimize(c);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.wire.size()));
}

#define VRRP_CODEC_BENCH(kind)                            \
  BENCHMARK_TEMPLATE(BM_Checksum, kind)->Arg(1)->Arg(16); \
  BENCHMARK_TEMPLATE(BM_Decode, kind)->Arg(1)->Arg(16);   \
  BENCHMARK_TEMPLATE(BM_Encode, kind)->Arg(1)->Arg(16)

VRRP_CODEC_BENCH(V2PassIpv4);
VRRP_CODEC_BENCH(V3Ipv4);
VRRP_CODEC_BENCH(V3Ipv6);

}  // namespace
