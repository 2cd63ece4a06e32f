// PLACEHOLDER until the odp branch lands: a few fields only.
#include "probes/odp_key.h"

#include <linux/openvswitch.h>

namespace ovsq::probes {
namespace {
const std::vector<OdpField>& table() {
  static const std::vector<OdpField> fields = {
      {"in_port", "", OVS_KEY_ATTR_IN_PORT, false, 0, 4, OdpFieldKind::Native},
      {"eth", "src", OVS_KEY_ATTR_ETHERNET, false, 0, 6, OdpFieldKind::Mac},
      {"eth", "dst", OVS_KEY_ATTR_ETHERNET, false, 6, 6, OdpFieldKind::Mac},
      {"eth_type", "", OVS_KEY_ATTR_ETHERTYPE, false, 0, 2, OdpFieldKind::BigEndian},
      {"ipv4", "src", OVS_KEY_ATTR_IPV4, false, 0, 4, OdpFieldKind::Ipv4},
      {"ipv4", "dst", OVS_KEY_ATTR_IPV4, false, 4, 4, OdpFieldKind::Ipv4},
      {"ipv4", "proto", OVS_KEY_ATTR_IPV4, false, 8, 1, OdpFieldKind::Native},
      {"ipv6", "src", OVS_KEY_ATTR_IPV6, false, 0, 16, OdpFieldKind::Ipv6},
      {"tcp", "src", OVS_KEY_ATTR_TCP, false, 0, 2, OdpFieldKind::BigEndian},
      {"tcp", "dst", OVS_KEY_ATTR_TCP, false, 2, 2, OdpFieldKind::BigEndian},
      {"udp", "src", OVS_KEY_ATTR_UDP, false, 0, 2, OdpFieldKind::BigEndian},
      {"udp", "dst", OVS_KEY_ATTR_UDP, false, 2, 2, OdpFieldKind::BigEndian},
      {"tunnel", "dst", OVS_TUNNEL_KEY_ATTR_IPV4_DST, true, 0, 4, OdpFieldKind::Ipv4},
  };
  return fields;
}
}  // namespace
const OdpField* find_odp_field(std::string_view attr, std::string_view name) {
  for (const OdpField& f : table())
    if (f.attr == attr && f.name == name) return &f;
  return nullptr;
}
std::vector<std::string> odp_field_paths() {
  std::vector<std::string> out;
  for (const OdpField& f : table()) out.push_back(f.path());
  return out;
}
bool odp_attr_has_fields(std::string_view attr) {
  for (const OdpField& f : table())
    if (f.attr == attr && !f.name.empty()) return true;
  return false;
}
}  // namespace ovsq::probes
