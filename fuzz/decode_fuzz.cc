// libFuzzer target for the packet codec and the parsers under it.
//
// Input: two control bytes, then a VRRP message (the IP payload).
//   byte 0, bits 0-1: DecodeOptions::version  (0, 3: any; 1: v2; 2: v3)
//           bit 2:    receive over IPv6 (else IPv4), from the addresses of the keepalived captures
//           bit 3:    accept_v3_ipv4_without_pseudo_header = false
//           bits 4-5: DecodeOptions::auth_type (0: none given; 1: none; 2: PASS; 3: AH)
//           bit 6:    TTL from byte 1 (else 255)
//           bit 7:    PASS key "1111" (else the empty key)
//   byte 1: TTL when bit 6 is set.
// The whole input is also fed to ParseEthernet / ParseLinuxSll / ParseIpDatagram, and a VRRP
// datagram found that way is decoded and round-tripped too (an AH one checked with the key
// "1111", its message round-tripped), so raw frames make useful seeds.
//
// Whatever the decoder accepts must survive encode -> decode unchanged; a mismatch aborts (that
// is what the fuzzer is looking for). The seeds in fuzz/seeds/ are the captures' messages behind
// control bytes, a few malformed variants, and the captures' frames.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "absl/types/span.h"
#include "vrrp/ah.h"
#include "vrrp/checksum.h"
#include "vrrp/codec.h"
#include "vrrp/ip_packet.h"

namespace {

using vrrp::Advertisement;
using vrrp::AuthType;
using vrrp::DecodeOptions;
using vrrp::DropReason;
using vrrp::IpAddress;
using vrrp::ReceiveInfo;

void Fail(const char* what) {
  std::fprintf(stderr, "decode_fuzz: %s\n", what);
  std::abort();
}

// decode(encode(x)) == x for every x the decoder accepted; and when the input is exactly what
// our encoder would have written, the bytes come back the same.
void RoundTrip(absl::Span<const uint8_t> payload, const ReceiveInfo& info,
               const DecodeOptions& options, const Advertisement& adv) {
  vrrp::EncodeOptions eo;
  eo.source = info.source;
  eo.destination = info.destination;
  eo.pass_key = options.pass_key;
  std::array<uint8_t, vrrp::kMaxAdvertisementSize> buf;
  auto n = vrrp::EncodeAdvertisement(adv, eo, absl::MakeSpan(buf));
  // The decoder lets through what only the state machine refuses: a zero interval. The encoder
  // refuses that; nothing else (AH's message is encoded alone: vrrp/ah.h wraps it).
  const bool encodable = adv.interval.count() != 0;
  if (!n.ok()) {
    if (encodable) Fail("encoder refused an advertisement the decoder accepted");
    return;
  }
  if (!encodable) Fail("encoder accepted an advertisement it should refuse");
  if (*n != payload.size() || *n != vrrp::EncodedSize(adv)) Fail("encoded size differs");

  DecodeOptions strict = options;
  strict.accept_v3_ipv4_without_pseudo_header = false;
  Advertisement again;
  if (vrrp::DecodeAdvertisement(absl::MakeConstSpan(buf.data(), *n), info, strict, again) !=
      DropReason::kNone) {
    Fail("decoder refused what the encoder wrote");
  }
  if (!(again == adv)) Fail("decode(encode(x)) != x");

  // Byte identity, where the input is canonical: v3 with zero reserved bits and the
  // pseudo-header checksum; v2 with the auth data we would send.
  bool canonical = true;
  if (adv.version == vrrp::Version::kV3) {
    const uint32_t pseudo =
        vrrp::PseudoHeaderSum(info.source, info.destination, vrrp::kIpProtocolVrrp,
                              static_cast<uint32_t>(payload.size()));
    canonical =
        (payload[4] & 0xf0) == 0 && vrrp::ChecksumFinish(vrrp::ChecksumAdd(pseudo, payload)) == 0;
  } else {
    for (size_t i = 0; i < vrrp::kV2AuthDataSize; ++i) {
      const uint8_t want =
          adv.auth_type == AuthType::kPass ? eo.pass_key.wire_bytes()[i] : uint8_t{0};
      if (payload[payload.size() - vrrp::kV2AuthDataSize + i] != want) canonical = false;
    }
  }
  if (!canonical) return;
  for (size_t i = 0; i < payload.size(); ++i) {
    if (i == 6 || i == 7) continue;
    if (buf[i] != payload[i]) Fail("re-encoded bytes differ from a canonical input");
  }
  // One's complement has two zeros: 0x0000 and 0xffff both verify where the sum is all ones.
  const unsigned got = static_cast<unsigned>(buf[6] << 8 | buf[7]);
  const unsigned had = static_cast<unsigned>(payload[6] << 8 | payload[7]);
  if (got != had && !((got == 0 && had == 0xffff) || (got == 0xffff && had == 0))) {
    Fail("re-encoded checksum differs from a canonical input");
  }
}

void DecodeAndCheck(absl::Span<const uint8_t> payload, const ReceiveInfo& info,
                    const DecodeOptions& options) {
  Advertisement adv;
  const DropReason r = vrrp::DecodeAdvertisement(payload, info, options, adv);
  if (r != DropReason::kNone) return;
  if (adv.addresses.size() != payload[3]) Fail("address count differs");
  if (adv.family != info.source.family()) Fail("family differs from the receive family");
  RoundTrip(payload, info, options, adv);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> input(data, size);

  // The parsers take anything.
  if (auto frame = vrrp::ParseEthernet(input); frame.ok()) {
    if (auto ip = vrrp::ParseIpDatagram(frame->payload);
        ip.ok() && ip->protocol == vrrp::kIpProtocolVrrp) {
      DecodeOptions any;
      any.version = std::nullopt;
      any.auth_type = std::nullopt;
      DecodeAndCheck(ip->payload, ip->info, any);
    } else if (ip.ok() && ip->protocol == vrrp::kIpProtocolAh) {
      // AH (vrrp/ah.h): checked with the AH capture's key, and the message inside round-tripped
      // as any other.
      DecodeOptions keyed;
      keyed.version = vrrp::Version::kV2;
      keyed.auth_type = AuthType::kAh;
      keyed.pass_key = *vrrp::PassKey::Create("1111");
      Advertisement adv;
      (void)vrrp::DecodeAdvertisement(ip->payload, ip->info, keyed, adv);
      vrrp::AhReceived ah;
      if (vrrp::UnwrapAh(ip->info.ip_header, ip->payload, nullptr, false, ah) ==
          DropReason::kNone) {
        ReceiveInfo inner = ip->info;
        inner.protocol = vrrp::kIpProtocolVrrp;
        inner.ip_header = {};
        DecodeOptions any;
        any.version = std::nullopt;
        any.auth_type = std::nullopt;
        DecodeAndCheck(ah.vrrp_message, inner, any);
      }
    }
  }
  (void)vrrp::ParseLinuxSll(input);
  (void)vrrp::ParseIpDatagram(input);

  if (size < 2) return 0;
  const uint8_t control = data[0];
  DecodeOptions options;
  switch (control & 0x03) {
    case 1:
      options.version = vrrp::Version::kV2;
      break;
    case 2:
      options.version = vrrp::Version::kV3;
      break;
    default:
      options.version = std::nullopt;
      break;
  }
  const bool v6 = (control & 0x04) != 0;
  options.accept_v3_ipv4_without_pseudo_header = (control & 0x08) == 0;
  switch ((control >> 4) & 0x03) {
    case 0:
      options.auth_type = std::nullopt;
      break;
    case 1:
      options.auth_type = AuthType::kNone;
      break;
    case 2:
      options.auth_type = AuthType::kPass;
      break;
    default:
      options.auth_type = AuthType::kAh;
      break;
  }
  if ((control & 0x80) != 0) options.pass_key = *vrrp::PassKey::Create("1111");

  ReceiveInfo info;
  if (v6) {
    static constexpr uint8_t kSource[16] = {0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                                            0x30, 0x02, 0x9e, 0xff, 0xfe, 0xf0, 0x3f, 0x93};
    info.source = IpAddress::FromV6Bytes(kSource);
    info.destination = vrrp::MulticastGroup(vrrp::Family::kIPv6);
  } else {
    info.source = IpAddress::V4(192, 0, 2, 5);
    info.destination = vrrp::kMulticastGroupV4;
  }
  info.ttl = (control & 0x40) != 0 ? data[1] : vrrp::kVrrpTtl;
  DecodeAndCheck(input.subspan(2), info, options);
  return 0;
}
