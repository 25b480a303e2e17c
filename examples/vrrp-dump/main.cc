// vrrp-dump: the operator's window on VRRP heartbeats. Reads a capture file or captures live
// with libpcap and prints one line (or one JSON object) per VRRP packet, with the reason the
// codec refuses it when it does. The PASS key is never printed.
//
//   vrrp-dump -r keepalived.pcap
//   vrrp-dump -i eth0 --json -c 10
//   vrrp-dump -i eth0 --pass 1111      # checks PASS authentication; prints auth_failure
#include <pcap/pcap.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/numbers.h"
#include "fmt/format.h"
#include "format.h"
#include "vrrp/ah.h"
#include "vrrp/codec.h"
#include "vrrp/ip_packet.h"
#include "vrrp/pass_key.h"

namespace {

constexpr std::string_view kUsage = R"(Usage: vrrp-dump (-r FILE | -i INTERFACE) [options]

Prints one line per VRRP packet (IPv4 and IPv6, VRRPv2 and v3): time, source > destination,
version, VRID, priority, advertisement interval, addresses, auth type and, for a packet the
codec refuses, REFUSED and the reason. Other traffic is skipped.

  -r FILE          read a pcap file (Ethernet or Linux cooked capture)
  -i INTERFACE     capture live on INTERFACE (needs root or CAP_NET_RAW); "any" works too
  -c COUNT         stop after COUNT VRRP packets
  --json           one JSON object per packet and line: time, src, dst, ttl, version, vrid,
                   priority, interval_cs, addresses, auth_type, valid, reason
  --pass KEY       check VRRPv2 PASS authentication against KEY (a mismatch shows as
                   auth_failure, a packet without PASS as auth_type_mismatch); the key is
                   never printed
  -h, --help       this help

Exit status: 0 on success, 1 on a usage error or when the capture cannot be opened.
)";

struct Flags {
  std::string file;
  std::string interface;
  std::optional<uint64_t> count;
  bool json = false;
  std::optional<vrrp::PassKey> pass_key;
};

// Prints "vrrp-dump: <message>" to stderr and returns the exit status for a failure.
int Fail(std::string_view message) {
  fmt::print(stderr, "vrrp-dump: {}\n", message);
  return 1;
}

// Parses argv. Returns an exit status when the program should stop (help, or an error).
std::optional<int> ParseFlags(int argc, char** argv, Flags& flags) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::optional<std::string_view> inline_value;
    if (arg.rfind("--", 0) == 0) {
      if (size_t eq = arg.find('='); eq != std::string_view::npos) {
        inline_value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
    }
    // The value of a flag that takes one: "--pass=KEY" or "--pass KEY".
    auto value = [&](std::string_view& out) -> bool {
      if (inline_value.has_value()) {
        out = *inline_value;
        return true;
      }
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    auto missing = [&] {
      return Fail(fmt::format("{} needs a value (see vrrp-dump --help)", arg));
    };

    if (arg == "-h" || arg == "--help") {
      fmt::print("{}", kUsage);
      return 0;
    } else if (arg == "--json") {
      if (inline_value.has_value()) return Fail("--json takes no value");
      flags.json = true;
    } else if (arg == "-r" || arg == "--read") {
      std::string_view v;
      if (!value(v)) return missing();
      flags.file = std::string(v);
    } else if (arg == "-i" || arg == "--interface") {
      std::string_view v;
      if (!value(v)) return missing();
      flags.interface = std::string(v);
    } else if (arg == "-c" || arg == "--count") {
      std::string_view v;
      if (!value(v)) return missing();
      uint64_t n = 0;
      if (!absl::SimpleAtoi(absl::string_view(v.data(), v.size()), &n) || n == 0) {
        return Fail(fmt::format("{} wants a positive number of packets, not '{}'", arg, v));
      }
      flags.count = n;
    } else if (arg == "--pass") {
      std::string_view v;
      if (!value(v)) return missing();
      // The key is a secret: the error names its length, never its text.
      absl::StatusOr<vrrp::PassKey> key = vrrp::PassKey::Create(v);
      if (!key.ok()) {
        return Fail(fmt::format("--pass: a PASS key is at most {} bytes, this one has {}",
                                vrrp::PassKey::kSize, v.size()));
      }
      flags.pass_key = *key;
    } else {
      return Fail(fmt::format("unknown argument '{}' (see vrrp-dump --help)", arg));
    }
  }
  if (flags.file.empty() == flags.interface.empty()) {
    return Fail("give exactly one of -r FILE or -i INTERFACE (see vrrp-dump --help)");
  }
  return std::nullopt;
}

pcap_t* g_pcap = nullptr;  // for the signal handler only

extern "C" void OnSignal(int) {
  if (g_pcap != nullptr) pcap_breakloop(g_pcap);
}

// Opens a live capture the way an operator expects tcpdump to: promiscuous (the VRRP group is
// multicast), immediate delivery so each heartbeat prints as it arrives. A clear message for the
// two usual failures: no such interface, not root.
pcap_t* OpenLive(const std::string& interface, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t* p = pcap_create(interface.c_str(), errbuf);
  if (p == nullptr) {
    error = fmt::format("cannot capture on {}: {}", interface, errbuf);
    return nullptr;
  }
  (void)pcap_set_snaplen(p, 65535);  // whole packets: 255 IPv6 addresses make 4 KiB
  (void)pcap_set_promisc(p, 1);
  (void)pcap_set_immediate_mode(p, 1);
  (void)pcap_set_timeout(p, 1000);
  const int rc = pcap_activate(p);
  if (rc < 0) {
    switch (rc) {
      case PCAP_ERROR_NO_SUCH_DEVICE:
        error = fmt::format("no such interface '{}'", interface);
        break;
      case PCAP_ERROR_PERM_DENIED:
        error = fmt::format("capturing on {} needs root (or CAP_NET_RAW): {}", interface,
                            pcap_geterr(p));
        break;
      default:
        error = fmt::format("cannot capture on {}: {}", interface, pcap_geterr(p));
    }
    pcap_close(p);
    return nullptr;
  }
  // libpcap 1.10 gives "any" the SLL2 header; ask for SLL (v1), which the parsers read.
  if (pcap_datalink(p) == DLT_LINUX_SLL2) (void)pcap_set_datalink(p, DLT_LINUX_SLL);
  return p;
}

// Only VRRP reaches us from a live capture: the kernel filters, including 802.1Q-tagged frames.
// IPv4 protocol 51 is keepalived's auth_type AH (vrrp/ah.h), VRRPv2 behind an AH header.
bool SetFilter(pcap_t* p, std::string& error) {
  const char* kFilters[] = {
      "ip proto 112 or ip proto 51 or ip6 proto 112 or "
      "(vlan and (ip proto 112 or ip proto 51 or ip6 proto 112))",
      "ip proto 112 or ip proto 51 or ip6 proto 112",  // link types where `vlan` does not apply
  };
  for (const char* filter : kFilters) {
    bpf_program program;
    if (pcap_compile(p, &program, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) continue;
    const int rc = pcap_setfilter(p, &program);
    pcap_freecode(&program);
    if (rc == 0) return true;
  }
  error = fmt::format("cannot set the VRRP filter: {}", pcap_geterr(p));
  return false;
}

// The IP datagram of a captured frame, or nullopt for anything that is not IPv4 / IPv6.
std::optional<vrrp::IpDatagram> IpOf(int link_type, absl::Span<const uint8_t> bytes) {
  absl::Span<const uint8_t> ip_bytes;
  switch (link_type) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL: {
      absl::StatusOr<vrrp::LinkFrame> frame =
          link_type == DLT_EN10MB ? vrrp::ParseEthernet(bytes) : vrrp::ParseLinuxSll(bytes);
      if (!frame.ok()) return std::nullopt;
      if (frame->ether_type != vrrp::kEtherTypeIPv4 && frame->ether_type != vrrp::kEtherTypeIPv6) {
        return std::nullopt;
      }
      ip_bytes = frame->payload;
      break;
    }
    case DLT_RAW:
      ip_bytes = bytes;
      break;
    default:
      return std::nullopt;
  }
  absl::StatusOr<vrrp::IpDatagram> ip = vrrp::ParseIpDatagram(ip_bytes);
  if (!ip.ok()) return std::nullopt;
  return *ip;
}

bool SupportedLinkType(int link_type) {
  return link_type == DLT_EN10MB || link_type == DLT_LINUX_SLL || link_type == DLT_RAW;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (std::optional<int> rc = ParseFlags(argc, argv, flags); rc.has_value()) return *rc;

  // A tool has no configuration: accept both versions and skip the auth checks, so every
  // packet shows; the TTL, checksum and length checks still apply. --pass turns PASS checks on.
  vrrp::DecodeOptions options;
  options.version = std::nullopt;
  options.auth_type = std::nullopt;
  if (flags.pass_key.has_value()) {
    options.auth_type = vrrp::AuthType::kPass;
    options.pass_key = *flags.pass_key;
  }

  const bool live = !flags.interface.empty();
  std::string error;
  pcap_t* p = nullptr;
  if (live) {
    p = OpenLive(flags.interface, error);
    if (p == nullptr) return Fail(error);
    if (!SetFilter(p, error)) {
      pcap_close(p);
      return Fail(error);
    }
  } else {
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    p = pcap_open_offline(flags.file.c_str(), errbuf);
    if (p == nullptr) return Fail(fmt::format("cannot read {}: {}", flags.file, errbuf));
  }
  const int link_type = pcap_datalink(p);
  if (!SupportedLinkType(link_type)) {
    const char* name = pcap_datalink_val_to_name(link_type);
    pcap_close(p);
    return Fail(
        fmt::format("{}: link type {} ({}) is not supported; Ethernet, Linux cooked (SLL) "
                    "and raw IP are",
                    live ? flags.interface : flags.file, name ? name : "unknown", link_type));
  }

  g_pcap = p;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  uint64_t shown = 0;
  int status = 0;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  while (!flags.count.has_value() || shown < *flags.count) {
    const int rc = pcap_next_ex(p, &header, &data);
    if (rc == 0) continue;              // live timeout, nothing arrived
    if (rc == PCAP_ERROR_BREAK) break;  // end of file, or a signal
    if (rc == PCAP_ERROR) {
      status = Fail(fmt::format("{}: {}", live ? flags.interface : flags.file, pcap_geterr(p)));
      break;
    }
    std::optional<vrrp::IpDatagram> ip = IpOf(link_type, absl::MakeConstSpan(data, header->caplen));
    // AH packets carry their IP header in ip->info for the codec, which reads the message
    // behind the AH header (the ICV is not checked: a tool has no key).
    if (!ip.has_value() ||
        (ip->protocol != vrrp::kIpProtocolVrrp && ip->protocol != vrrp::kIpProtocolAh)) {
      continue;
    }
    const vrrp_dump::Timestamp time{static_cast<int64_t>(header->ts.tv_sec),
                                    static_cast<int32_t>(header->ts.tv_usec)};
    const vrrp_dump::Summary summary = vrrp_dump::Summarize(time, ip->info, ip->payload, options);
    const std::string line =
        flags.json ? vrrp_dump::FormatJson(summary) : vrrp_dump::FormatLine(summary);
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    if (live) std::fflush(stdout);  // a pipe to a script should see each heartbeat as it comes
    ++shown;
  }
  g_pcap = nullptr;
  pcap_close(p);
  if (std::fflush(stdout) != 0) return Fail("cannot write the output");
  return status;
}
