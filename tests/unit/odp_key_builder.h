#pragma once
// Flow keys and masks for the tests of runtime/odp_key_format.h and
// runtime/odp_flow_format.h: netlink attributes laid out as the datapath
// and OVS's odp-util.c lay them out, and the OVS_KEY_ATTR_* payloads.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/openvswitch.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace ovsq::odp_test {

// Appends netlink attributes as the datapath lays them out: 4-byte header
// (host order), payload, padding to 4 bytes.
class Key {
 public:
  Key& raw(uint16_t type, const void* payload, size_t len) {
    uint16_t nla_len = static_cast<uint16_t>(4 + len);
    append(&nla_len, 2);
    append(&type, 2);
    append(payload, len);
    bytes_.resize((bytes_.size() + 3) & ~size_t{3}, 0);
    return *this;
  }
  template <typename T>
  Key& put(uint16_t type, const T& payload) {
    return raw(type, &payload, sizeof payload);
  }
  Key& flag(uint16_t type) { return raw(type, nullptr, 0); }
  Key& u8(uint16_t type, uint8_t v) { return put(type, v); }
  Key& u16(uint16_t type, uint16_t v) { return put(type, v); }
  Key& u32(uint16_t type, uint32_t v) { return put(type, v); }
  Key& be16(uint16_t type, uint16_t v) { return put(type, htons(v)); }
  Key& be32(uint16_t type, uint32_t v) { return put(type, htonl(v)); }
  Key& be64(uint16_t type, uint64_t v) {
    uint32_t words[2] = {htonl(static_cast<uint32_t>(v >> 32)),
                         htonl(static_cast<uint32_t>(v))};
    return raw(type, words, sizeof words);
  }
  Key& nest(uint16_t type, const Key& inner) {
    return raw(type, inner.bytes_.data(), inner.bytes_.size());
  }
  // Bytes as they are, for malformed keys.
  Key& bytes(std::vector<uint8_t> b) {
    bytes_.insert(bytes_.end(), b.begin(), b.end());
    return *this;
  }
  const std::vector<uint8_t>& data() const { return bytes_; }
  size_t size() const { return bytes_.size(); }

 private:
  void append(const void* p, size_t n) {
    auto* b = static_cast<const uint8_t*>(p);
    bytes_.insert(bytes_.end(), b, b + n);
  }
  std::vector<uint8_t> bytes_;
};

inline void set_ipv4(void* dst, const char* text) {
  ASSERT_EQ(inet_pton(AF_INET, text, dst), 1) << text;
}
inline void set_ipv6(void* dst, const char* text) {
  ASSERT_EQ(inet_pton(AF_INET6, text, dst), 1) << text;
}
inline void set_mac(uint8_t* dst, const char* text) {
  unsigned v[6];
  ASSERT_EQ(std::sscanf(text, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2],
                        &v[3], &v[4], &v[5]),
            6);
  for (int i = 0; i < 6; ++i) dst[i] = static_cast<uint8_t>(v[i]);
}

inline ovs_key_ethernet eth(const char* src, const char* dst) {
  ovs_key_ethernet e{};
  set_mac(e.eth_src, src);
  set_mac(e.eth_dst, dst);
  return e;
}
inline ovs_key_ipv4 ipv4(const char* src, const char* dst, uint8_t proto,
                  uint8_t tos, uint8_t ttl, uint8_t frag) {
  ovs_key_ipv4 k{};
  set_ipv4(&k.ipv4_src, src);
  set_ipv4(&k.ipv4_dst, dst);
  k.ipv4_proto = proto;
  k.ipv4_tos = tos;
  k.ipv4_ttl = ttl;
  k.ipv4_frag = frag;
  return k;
}
inline ovs_key_ipv6 ipv6(const char* src, const char* dst, uint32_t label,
                  uint8_t proto, uint8_t tclass, uint8_t hlimit) {
  ovs_key_ipv6 k{};
  set_ipv6(k.ipv6_src, src);
  set_ipv6(k.ipv6_dst, dst);
  k.ipv6_label = htonl(label);
  k.ipv6_proto = proto;
  k.ipv6_tclass = tclass;
  k.ipv6_hlimit = hlimit;
  k.ipv6_frag = OVS_FRAG_TYPE_NONE;
  return k;
}
template <typename Ports>
Ports ports(uint16_t src, uint16_t dst) {
  uint16_t p[2] = {htons(src), htons(dst)};
  Ports k;
  static_assert(sizeof k == sizeof p);
  std::memcpy(&k, p, sizeof p);
  return k;
}
inline ovs_key_icmp icmp(uint8_t type, uint8_t code) { return {type, code}; }

}  // namespace ovsq::odp_test
