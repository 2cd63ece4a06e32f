// Text pieces of the ODP flow string (runtime/odp_key_format_detail.h):
// numbers, addresses and byte strings as OVS's lib/odp-util.c writes them.
#include <arpa/inet.h>

#include <charconv>

#include "runtime/odp_key_format_detail.h"

namespace ovsq::runtime {
namespace odp_detail {

void put_dec(std::string& out, uint64_t v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void put_hex(std::string& out, uint64_t v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v, 16).ptr);
}

void put_alt_hex(std::string& out, uint64_t v) {
  if (v) out += "0x";
  put_hex(out, v);
}

namespace {
constexpr char kHexDigits[] = "0123456789abcdef";

void put_byte_hex(std::string& out, uint8_t b) {
  out.push_back(kHexDigits[b >> 4]);
  out.push_back(kHexDigits[b & 15]);
}
}  // namespace

void put_mac(std::string& out, const uint8_t* p) {
  for (int i = 0; i < 6; ++i) {
    if (i) out.push_back(':');
    put_byte_hex(out, p[i]);
  }
}

void put_ipv4(std::string& out, const uint8_t* p) {
  for (int i = 0; i < 4; ++i) {
    if (i) out.push_back('.');
    put_dec(out, p[i]);
  }
}

void put_ipv6(std::string& out, const uint8_t* p) {
  // OVS prints addresses with inet_ntop() too.
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, p, buf, sizeof buf)) out += buf;
}

void put_field_dec(std::string& out, const char* name, uint64_t v) {
  out += name;
  out += '=';
  put_dec(out, v);
  out += ',';
}

void put_field_alt_hex(std::string& out, const char* name, uint64_t v) {
  out += name;
  out += '=';
  put_alt_hex(out, v);
  out += ',';
}

void put_field_ipv4(std::string& out, const char* name, const uint8_t* p) {
  out += name;
  out += '=';
  put_ipv4(out, p);
  out += ',';
}

void put_field_ipv6(std::string& out, const char* name, const uint8_t* p) {
  out += name;
  out += '=';
  put_ipv6(out, p);
  out += ',';
}

void put_field_mac(std::string& out, const char* name, const uint8_t* p) {
  out += name;
  out += '=';
  put_mac(out, p);
  out += ',';
}

void chomp(std::string& out) {
  if (!out.empty() && out.back() == ',') out.pop_back();
}

void put_spaced_hex(std::string& out, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ' ';
    put_byte_hex(out, p[i]);
  }
}

void put_hex_number(std::string& out, const uint8_t* p, size_t n) {
  size_t i = 0;
  while (i < n && !p[i]) ++i;
  if (i == n) {
    out += '0';
    return;
  }
  out += "0x";
  put_hex(out, p[i++]);
  for (; i < n; ++i) put_byte_hex(out, p[i]);
}

void put_unknown(std::string& out, const Attr& a) {
  out += "key";
  put_dec(out, a.type);
  out += '(';
  put_spaced_hex(out, a.payload, a.len);
  out += ')';
}

void put_bad_length(std::string& out, const Attr& a, int expected) {
  out += "key";
  put_dec(out, a.type);
  out += "(bad key length ";
  put_dec(out, a.len);
  out += ", expected ";
  put_dec(out, static_cast<uint64_t>(expected));
  out += ")(";
  put_spaced_hex(out, a.payload, a.len);
  out += ')';
}

void put_flags(std::string& out, uint32_t flags,
               const char* (*name_of)(uint32_t bit)) {
  if (!flags) {
    out += '0';
    return;
  }
  bool first = true;
  uint32_t unnamed = 0;
  for (uint32_t rest = flags; rest; rest &= rest - 1) {
    uint32_t bit = rest & (~rest + 1);
    if (const char* name = name_of(bit)) {
      if (!first) out += '|';
      out += name;
      first = false;
    } else {
      unnamed |= bit;
    }
  }
  if (unnamed) {
    if (!first) out += '|';
    out += "0x";
    put_hex(out, unnamed);
  }
}

void put_malformed(std::string& out, const WalkResult& r, bool first) {
  if (r.stop != WalkStop::Malformed) return;
  if (!first) out += ',';
  out += "...(malformed at byte ";
  put_dec(out, r.at);
  out += ')';
}

}  // namespace odp_detail

void append_ipv4(std::string& out, const uint8_t* p) { odp_detail::put_ipv4(out, p); }
void append_ipv6(std::string& out, const uint8_t* p) { odp_detail::put_ipv6(out, p); }
void append_mac(std::string& out, const uint8_t* p) { odp_detail::put_mac(out, p); }

}  // namespace ovsq::runtime
