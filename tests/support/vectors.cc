#include "support/vectors.h"

#include <pcap/pcap.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "absl/strings/ascii.h"
#include "fmt/format.h"

namespace vrrp::testing {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// tshark appends explanations: "150 (Non-default backup priority)", "0x2365 [correct]".
std::string StripAnnotation(const std::string& value) {
  size_t cut = std::min(value.find(" ("), value.find(" ["));
  return cut == std::string::npos ? value : value.substr(0, cut);
}

std::vector<std::vector<uint8_t>> ReadPcap(const std::string& path, int& link_type) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* pcap = pcap_open_offline(path.c_str(), err);
  if (pcap == nullptr) FAIL("cannot open " << path << ": " << err);
  link_type = pcap_datalink(pcap);
  std::vector<std::vector<uint8_t>> frames;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(pcap, &header, &data) == 1) {
    frames.emplace_back(data, data + header->caplen);
  }
  pcap_close(pcap);
  return frames;
}

}  // namespace

std::string Vector::Field(const std::string& field_name) const {
  for (const auto& [k, v] : fields) {
    if (k == field_name) return StripAnnotation(v);
  }
  FAIL("tshark decode of " << name << " has no field '" << field_name << "'");
  return "";
}

std::vector<std::string> Vector::FieldAll(const std::string& field_name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : fields) {
    if (k == field_name) out.push_back(StripAnnotation(v));
  }
  return out;
}

std::string RawField(const Vector& v, const std::string& name, int n) {
  for (const auto& [k, value] : v.fields) {
    if (k == name && n-- == 0) return value;
  }
  FAIL("tshark decode of " << v.name << " has no field '" << name << "'");
  return "";
}

std::string InParens(const std::string& value) {
  size_t open = value.rfind('(');
  size_t close = value.rfind(')');
  REQUIRE(open != std::string::npos);
  REQUIRE(close != std::string::npos);
  REQUIRE(close > open);
  return value.substr(open + 1, close - open - 1);
}

std::vector<uint8_t> FromHex(const std::string& hex) {
  std::vector<uint8_t> out;
  std::string digits;
  for (char c : hex) {
    if (absl::ascii_isxdigit(static_cast<unsigned char>(c))) digits += c;
  }
  REQUIRE(digits.size() % 2 == 0);
  for (size_t i = 0; i < digits.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string ToHex(const std::vector<uint8_t>& bytes) {
  std::string out;
  for (uint8_t b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

Vector LoadVector(const std::string& name) {
  Vector v;
  v.name = name;
  const std::string base = std::string(VRRP_VECTORS_DIR) + "/" + name;
  v.frames = ReadPcap(base + ".pcap", v.link_type);

  std::ifstream txt(base + ".txt");
  if (!txt) FAIL("cannot open " << base << ".txt");
  enum class Section { kOther, kDecode, kPayloadHex, kFrameHex } section = Section::kOther;
  std::string line;
  while (std::getline(txt, line)) {
    if (line.rfind("## Packet of interest: frame ", 0) == 0) {
      v.frame_number = std::stoi(line.substr(29));
      continue;
    }
    if (line.rfind("### ", 0) == 0) {
      if (line.find("tshark -V") != std::string::npos) {
        section = Section::kDecode;
      } else if (line.find("IP payload (hex)") != std::string::npos) {
        section = Section::kPayloadHex;
      } else if (line.find("whole frame (hex)") != std::string::npos) {
        section = Section::kFrameHex;
      } else {
        section = Section::kOther;
      }
      continue;
    }
    switch (section) {
      case Section::kDecode: {
        // Bit-field lines ("0010 .... = VRRP protocol version: 2") are kept too: the name is
        // what stands between "= " and ": ".
        std::string body = Trim(line);
        if (size_t eq = body.find(" = "); eq != std::string::npos && body[0] != '[') {
          body = body.substr(eq + 3);
        }
        size_t colon = body.find(": ");
        if (colon == std::string::npos) break;
        v.fields.emplace_back(Trim(body.substr(0, colon)), Trim(body.substr(colon + 2)));
        break;
      }
      case Section::kPayloadHex:
        if (!line.empty() && line[0] != '(' && v.payload.empty()) v.payload = FromHex(line);
        break;
      case Section::kFrameHex:
        if (!line.empty() && line[0] != '(' && v.frame.empty()) v.frame = FromHex(line);
        break;
      case Section::kOther:
        break;
    }
  }
  REQUIRE_FALSE(v.frames.empty());
  REQUIRE_FALSE(v.payload.empty());
  REQUIRE_FALSE(v.frame.empty());
  return v;
}

}  // namespace vrrp::testing
