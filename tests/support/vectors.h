// Test vectors: the keepalived 2.2.7 captures in tests/vectors/ and tshark's decode of each.
//
// Expected values in tests come from here — from the capture bytes and from tshark's text — never
// from our own encoder.
//
//   auto v = vrrp::testing::LoadVector("keepalived-v2-pass");
//   v.frames[0]                          // bytes of the first captured frame (libpcap)
//   v.Field("Virtual Rtr ID")            // "50", from tshark -V of the packet of interest
//   v.FieldAll("IP Address")             // every value of a repeated field, in order
//   v.payload_hex / v.frame_hex          // hex sections of the .txt
#ifndef VRRP_TESTS_SUPPORT_VECTORS_H_
#define VRRP_TESTS_SUPPORT_VECTORS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace vrrp::testing {

struct Vector {
  std::string name;
  std::vector<std::vector<uint8_t>> frames;  // every frame of the .pcap, in order
  int link_type = 0;                         // pcap DLT of the capture
  // tshark -V of the packet of interest: "Name: value" lines, trimmed, in order.
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<uint8_t> payload;  // the "IP payload (hex)" section
  std::vector<uint8_t> frame;    // the "whole frame (hex)" section
  int frame_number = 1;          // which frame of the pcap the .txt decodes

  // The value of the first field with this exact name, up to the first " (" or " [" that tshark
  // appends ("Priority: 150 (Non-default backup priority)" gives "150"). Fails the test if absent.
  std::string Field(const std::string& field_name) const;
  // Every value of that field (e.g. several "IP Address" lines), trimmed the same way.
  std::vector<std::string> FieldAll(const std::string& field_name) const;
};

// The raw text tshark printed for the n-th field called `name`, annotations kept, so a test can
// read what tshark puts in parentheses ("Opcode: request (1)"). Fails the test if absent.
std::string RawField(const Vector& v, const std::string& name, int n = 0);

// What stands in the last parentheses: "IPv4mcast_12 (01:00:5e:00:00:12)" gives the MAC,
// "VRRP (112)" the number. Fails the test if there are none.
std::string InParens(const std::string& value);

// Loads tests/vectors/NAME.pcap and NAME.txt. Fails the current test if either is unreadable.
Vector LoadVector(const std::string& name);

std::vector<uint8_t> FromHex(const std::string& hex);
std::string ToHex(const std::vector<uint8_t>& bytes);

}  // namespace vrrp::testing

#endif  // VRRP_TESTS_SUPPORT_VECTORS_H_
