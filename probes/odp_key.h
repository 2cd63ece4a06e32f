#pragma once
// Datapath flow keys: the netlink attributes of <linux/openvswitch.h>
// (OVS_KEY_ATTR_*, payloads struct ovs_key_*) that OVS passes as
// `ukey->key`, `put->key` and the upcall's `key`.
//
// One table of the fields a query can name (`key.ipv4.src`, `key.tcp.dst`,
// `key.in_port`) serves sema (names, types, "did you mean"), codegen (where
// the bytes are) and --filter-flows (the seed script's ODP-like syntax).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ovsq::probes {

// How a field's bytes read as a value.
enum class OdpFieldKind {
  Native,     // host-order unsigned integer of `size` 1/2/4/8 bytes
  BigEndian,  // network-order unsigned integer of `size` 2/4/8: byte-swapped
  Ipv4,       // 4 bytes, network order: compared with 10.0.0.1 literals
  Ipv6,       // 16 bytes: compared with fe80::1 literals
  Mac,        // 6 bytes: compared with 0e:04:47:fc:74:51 literals
};

struct OdpField {
  std::string attr;    // ODP spelling of the attribute: "ipv4", "in_port"
  std::string name;    // field within it: "src"; empty for a whole-attribute
                       // scalar (in_port, recirc_id, eth_type, ct_state ...)
  uint16_t attr_type;  // OVS_KEY_ATTR_*; for a tunnel field the nested
                       // OVS_TUNNEL_KEY_ATTR_* (then `in_tunnel` is true)
  bool in_tunnel = false;  // nested in OVS_KEY_ATTR_TUNNEL
  uint32_t offset = 0;     // bytes into the attribute's payload
  uint32_t size = 0;       // bytes
  OdpFieldKind kind = OdpFieldKind::Native;
  // Bits within an integer (after byte-swapping a BigEndian one): the
  // value is (v >> shift) & mask; mask 0 takes every bit.  vlan.vid is
  // the TCI's low 12 bits, vlan.pcp its top 3.
  uint32_t shift = 0;
  uint64_t mask = 0;

  // "ipv4.src", "in_port", "tunnel.dst"
  std::string path() const { return name.empty() ? attr : attr + "." + name; }
};

// The field `attr.name` ("ipv4", "src") or the whole-attribute scalar
// `attr` (name empty), or nullptr.
const OdpField* find_odp_field(std::string_view attr, std::string_view name);

// Every field's path() for "did you mean", in table order.
std::vector<std::string> odp_field_paths();

// Whether `attr` names an attribute that has named fields ("ipv4": true,
// "in_port": false, "nosuch": false).
bool odp_attr_has_fields(std::string_view attr);

}  // namespace ovsq::probes
