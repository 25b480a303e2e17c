// The small functions of the public types: locations and warnings as text, lookups by name.
#include "fmt/format.h"
#include "vrrp/config/config.h"

namespace vrrp::config {

std::string ToString(const Location& where) { return fmt::format("{}:{}", where.file, where.line); }

std::string ToString(const Warning& warning) {
  return fmt::format("{}: {}", ToString(warning.where), warning.message);
}

const VrrpInstance* Configuration::FindInstance(std::string_view name) const {
  for (const VrrpInstance& vi : instances) {
    if (vi.config.name == name) return &vi;
  }
  return nullptr;
}

const VrrpScript* Configuration::FindScript(std::string_view name) const {
  for (const VrrpScript& s : scripts) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const VrrpTrackFile* Configuration::FindTrackFile(std::string_view name) const {
  for (const VrrpTrackFile& f : track_files) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const VrrpTrackProcess* Configuration::FindTrackProcess(std::string_view name) const {
  for (const VrrpTrackProcess& p : track_processes) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

AnnouncePacing Configuration::announce_pacing() const {
  AnnouncePacing pacing{.defaults = global.announce_intervals};
  for (const GarpGroup& g : garp_groups) pacing.groups.push_back(g.group);
  return pacing;
}

}  // namespace vrrp::config
