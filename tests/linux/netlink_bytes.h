// Bytes: expected netlink messages written out field by field, for the tests of the builders
// and parsers in vrrp/linux/netlink_messages.h (never produced by the code under test).
#ifndef VRRP_TESTS_LINUX_NETLINK_BYTES_H_
#define VRRP_TESTS_LINUX_NETLINK_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace vrrp::os {

// Netlink is in host byte order; the addresses inside attributes are in network order.
struct Bytes {
  std::vector<uint8_t> data;
  Bytes& U8(uint8_t v) {
    data.push_back(v);
    return *this;
  }
  Bytes& U16(uint16_t v) { return Native(v); }
  Bytes& U32(uint32_t v) { return Native(v); }
  Bytes& I32(int32_t v) { return Native(v); }
  Bytes& Raw(std::initializer_list<uint8_t> bytes) {
    data.insert(data.end(), bytes);
    return *this;
  }
  Bytes& Text(std::string_view text) {
    data.insert(data.end(), text.begin(), text.end());
    return *this;
  }
  Bytes& Zeros(size_t n) {
    data.insert(data.end(), n, 0);
    return *this;
  }
  Bytes& Append(const Bytes& other) {
    data.insert(data.end(), other.data.begin(), other.data.end());
    return *this;
  }
  // nlmsghdr
  Bytes& Header(uint32_t len, uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid = 0) {
    return U32(len).U16(type).U16(flags).U32(seq).U32(pid);
  }
  // struct ifaddrmsg
  Bytes& Ifaddr(uint8_t family, uint8_t prefix, uint8_t flags, uint8_t scope, uint32_t index) {
    return U8(family).U8(prefix).U8(flags).U8(scope).U32(index);
  }
  // struct ifinfomsg: family, pad, type (ARPHRD_*), index, flags, change
  Bytes& Ifinfo(uint8_t family, uint16_t type, int32_t index, uint32_t flags, uint32_t change) {
    return U8(family).U8(0).U16(type).I32(index).U32(flags).U32(change);
  }
  // struct nlattr: nla_len (header included, padding excluded), nla_type
  Bytes& Attr(uint16_t len, uint16_t type) { return U16(len).U16(type); }

  template <typename T>
  Bytes& Native(T v) {
    uint8_t raw[sizeof(T)];
    std::memcpy(raw, &v, sizeof(T));
    data.insert(data.end(), raw, raw + sizeof(T));
    return *this;
  }
};

}  // namespace vrrp::os

#endif  // VRRP_TESTS_LINUX_NETLINK_BYTES_H_
