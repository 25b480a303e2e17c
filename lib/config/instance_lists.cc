// The lists inside a vrrp_instance: unicast_peer, track_interface, track_script, track_file and
// track_process, one entry per line (or several on a line), each with its own location.
#include "blocks.h"
#include "fmt/format.h"
#include "values.h"

namespace vrrp::config {

absl::Status ReadUnicastPeers(Cursor& in, PendingInstance& p, const Token& kw) {
  if (absl::Status s = in.OpenBlock(kw, "unicast_peer"); !s.ok()) return s;
  return in.Body(kw, "unicast_peer", [&](const Token& a) -> absl::Status {
    absl::StatusOr<IpAddress> ip = HostAddress(in, a, kw.text);
    if (!ip.ok()) return ip.status();
    p.vi.extras.unicast_peers.push_back(*ip);
    while (in.HasValue(a) && (in.Peek().text == "min_ttl" || in.Peek().text == "max_ttl")) {
      const Token& ttl = in.Next();
      if (absl::Status s = ReadInt(in, ttl, 0, 255).status(); !s.ok()) return s;
      // keepalived.conf(5): a TTL range turns on check_unicast_src, which vrrpd does too. The
      // range itself is not kept: every advertisement must arrive with TTL 255 (RFC 5798 §7.1),
      // so a peer beyond a router is refused whatever range is written here.
      p.peer_ttl_range = true;
      in.Warn(ttl, fmt::format("unicast_peer {}: {} is not enforced (vrrpd takes TTL 255 only, "
                               "RFC 5798 §7.1); it turns on check_unicast_src",
                               *ip, ttl.text));
    }
    return absl::OkStatus();
  });
}

absl::Status ReadTrackInterfaces(Cursor& in, PendingInstance& p, const Token& kw) {
  if (absl::Status s = in.OpenBlock(kw, "track_interface"); !s.ok()) return s;
  return in.Body(kw, "track_interface", [&](const Token& a) -> absl::Status {
    TrackedInterface ti{in.Where(a), a.text, 0};
    if (in.HasValue(a) && in.Peek().text == "weight") {
      if (absl::Status s = Assign(ReadInt(in, in.Next(), -254, 254), ti.weight); !s.ok()) {
        return s;
      }
    }
    p.vi.extras.track_interfaces.push_back(std::move(ti));
    return absl::OkStatus();
  });
}

absl::Status ReadTrackScripts(Cursor& in, PendingInstance& p, const Token& kw) {
  if (absl::Status s = in.OpenBlock(kw, "track_script"); !s.ok()) return s;
  return in.Body(kw, "track_script", [&](const Token& a) -> absl::Status {
    TrackedScript ts{in.Where(a), a.text, std::nullopt, false};
    if (in.HasValue(a) && in.Peek().text == "weight") {
      if (absl::Status s = Assign(ReadInt(in, in.Next(), -253, 253), ts.weight); !s.ok()) {
        return s;
      }
      if (in.HasValue(a) && in.Peek().text == "reverse") {
        in.Next();
        ts.reverse = true;
      }
    }
    p.vi.extras.track_scripts.push_back(std::move(ts));
    return absl::OkStatus();
  });
}

namespace {

// NAME [weight W [reverse|noreverse]], keepalived's form of a track_file or track_process entry
// (keepalived.conf(5), vrrp_instance): W in -254..254.
template <typename Entry>
absl::Status ReadWeightedNames(Cursor& in, const Token& kw, std::vector<Entry>& out) {
  if (absl::Status s = in.OpenBlock(kw, kw.text); !s.ok()) return s;
  return in.Body(kw, kw.text, [&](const Token& a) -> absl::Status {
    Entry e{in.Where(a), a.text, std::nullopt, false};
    if (in.HasValue(a) && in.Peek().text == "weight") {
      const Token& weight = in.Next();
      if (absl::Status s = Assign(ReadInt(in, weight, -254, 254), e.weight); !s.ok()) return s;
      if (in.HasValue(a) && (in.Peek().text == "reverse" || in.Peek().text == "noreverse")) {
        e.reverse = in.Next().text == "reverse";
      }
    }
    out.push_back(std::move(e));
    return absl::OkStatus();
  });
}

}  // namespace

absl::Status ReadTrackFiles(Cursor& in, PendingInstance& p, const Token& kw) {
  return ReadWeightedNames(in, kw, p.vi.extras.track_files);
}

absl::Status ReadTrackProcesses(Cursor& in, PendingInstance& p, const Token& kw) {
  return ReadWeightedNames(in, kw, p.vi.extras.track_processes);
}

}  // namespace vrrp::config
