// The two flow-key tables agree: every field a filter can name
// (probes/odp_key.h) is printed by the ODP formatter (runtime/
// odp_key_format.h) under the same name, and every field the formatter
// prints is one a filter can name, or is listed below as not (yet).
#include <gtest/gtest.h>
#include <linux/openvswitch.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "probes/odp_key.h"
#include "runtime/odp_key_format.h"

namespace ovsq {
namespace {

// One netlink attribute: header, payload, padding to 4 bytes.
void put_attr(std::vector<uint8_t>& key, uint16_t type, const std::vector<uint8_t>& payload) {
  uint16_t len = static_cast<uint16_t>(4 + payload.size());
  key.resize(key.size() + 4);
  std::memcpy(key.data() + key.size() - 4, &len, 2);
  std::memcpy(key.data() + key.size() - 2, &type, 2);
  key.insert(key.end(), payload.begin(), payload.end());
  key.resize((key.size() + 3) & ~size_t{3}, 0);
}

std::string format(const std::vector<uint8_t>& key) {
  std::string out;
  runtime::format_odp_key(out, key.data(), key.size(), key.size());
  return out;
}

// The attribute `type` with a zero payload of the size the formatter
// expects (the first size it prints without "bad key length"), or "" when
// no size up to 64 bytes is right (a nested or variable attribute).
std::string formatted_attr(uint16_t type) {
  for (size_t size = 0; size <= 64; ++size) {
    std::vector<uint8_t> key;
    put_attr(key, type, std::vector<uint8_t>(size, 0));
    std::string text = format(key);
    if (text.find("bad key length") == std::string::npos &&
        text.find("malformed") == std::string::npos)
      return text;
  }
  return "";
}

// A tunnel holding the one nested attribute `type` of `size` bytes.
std::string formatted_tunnel_attr(uint16_t type, size_t size) {
  std::vector<uint8_t> inner, key;
  put_attr(inner, type, std::vector<uint8_t>(size, 0));
  put_attr(key, OVS_KEY_ATTR_TUNNEL, inner);
  return format(key);
}

// The comma-separated items of `text` at its top level.
std::vector<std::string> items(const std::string& text) {
  std::vector<std::string> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(' || text[i] == '{') ++depth;
    if (text[i] == ')' || text[i] == '}') --depth;
    if (text[i] == ',' && depth == 0) {
      out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(text.substr(start));
  return out;
}

// "attr" and "attr.field" for each attribute of an ODP string and each
// field in it, `field=value` or `field(...)`: ipv4(src=1.2.3.4,dst=...)
// gives ipv4, ipv4.src, ipv4.dst; encap(...) holds attributes.
void add_printed_paths(const std::string& text, std::set<std::string>& paths) {
  for (const std::string& item : items(text)) {
    size_t open = item.find('(');
    if (open == std::string::npos || item.back() != ')') continue;
    std::string attr = item.substr(0, open);
    std::string inside = item.substr(open + 1, item.size() - open - 2);
    if (attr == "encap") {
      add_printed_paths(inside, paths);
      continue;
    }
    paths.insert(attr);
    for (const std::string& field : items(inside)) {
      size_t end = field.find_first_of("=(");
      if (end != std::string::npos && end > 0) paths.insert(attr + "." + field.substr(0, end));
    }
  }
}

std::set<std::string> printed_paths(const std::string& text) {
  std::set<std::string> paths;
  add_printed_paths(text, paths);
  return paths;
}

TEST(OdpFieldCoverage, EveryFilterableFieldIsPrintedUnderItsName) {
  for (const std::string& path : probes::odp_field_paths()) {
    SCOPED_TRACE(path);
    size_t dot = path.find('.');
    std::string attr = path.substr(0, dot);
    std::string name = dot == std::string::npos ? "" : path.substr(dot + 1);
    const probes::OdpField* field = probes::find_odp_field(attr, name);
    ASSERT_NE(field, nullptr);
    std::string text = field->in_tunnel
                           ? formatted_tunnel_attr(field->attr_type, field->size)
                           : formatted_attr(field->attr_type);
    ASSERT_FALSE(text.empty());
    EXPECT_TRUE(printed_paths(text).count(path)) << text;
  }
}

// Printed, but not fields a filter can name (yet).  An attribute whose
// fields a filter names ("ipv4") counts as named.
const std::set<std::string> kPrintedOnly = {
    "ct_label",      "nd_ext",          "nd_ext.nd_options_type", "nd_ext.nd_reserved",
    "nsh",           "nsh.flags",       "nsh.mdtype",             "nsh.np",
    "nsh.si",        "nsh.spi",         "nsh.ttl",                "packet_type",
    "packet_type.id", "packet_type.ns", "tunnel.erspan",          "tunnel.flags",
    "tunnel.geneve", "tunnel.gtpu",     "tunnel.vxlan",           "vlan.cfi",
};

TEST(OdpFieldCoverage, EveryPrintedFieldIsFilterable) {
  std::set<std::string> filterable;
  for (const std::string& path : probes::odp_field_paths()) {
    filterable.insert(path);
    filterable.insert(path.substr(0, path.find('.')));
  }
  std::set<std::string> printed;
  for (uint16_t type = 1; type <= OVS_KEY_ATTR_MAX; ++type) {
    if (type == OVS_KEY_ATTR_TUNNEL) continue;  // nested: below
    for (const std::string& p : printed_paths(formatted_attr(type))) printed.insert(p);
  }
  for (uint16_t type = 0; type <= OVS_TUNNEL_KEY_ATTR_MAX; ++type)
    for (size_t size : {0, 1, 2, 4, 8, 16})
      for (const std::string& p : printed_paths(formatted_tunnel_attr(type, size)))
        if (p.find("bad") == std::string::npos) printed.insert(p);
  // The walk saw the attributes (and a tunnel's nested ones) ...
  for (const char* path : {"in_port", "ipv4.src", "tcp.dst", "tunnel.tun_id", "tunnel.ttl"})
    EXPECT_TRUE(printed.count(path)) << path;
  // ... and the list of exceptions holds nothing that is not printed.
  for (const std::string& path : kPrintedOnly) EXPECT_TRUE(printed.count(path)) << path;
  for (const std::string& path : printed) {
    if (path.find_first_of(" 0123456789") != std::string::npos) continue;  // keyN(...)
    EXPECT_TRUE(filterable.count(path) || kPrintedOnly.count(path))
        << path << " is printed but no filter can name it";
  }
}

}  // namespace
}  // namespace ovsq
