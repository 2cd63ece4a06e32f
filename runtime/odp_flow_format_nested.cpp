// The tunnel and nsh attributes of a flow under their masks, as OVS's
// lib/odp-util.c prints them with a mask, verbose off:
// format_odp_tun_attr() (and its vxlan, geneve, erspan and gtpu helpers)
// and format_odp_nsh_attr() with format_nsh_key_mask().
#include <linux/openvswitch.h>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <vector>

#include "runtime/odp_flow_format_detail.h"

namespace ovsq::runtime::odp_detail {
namespace {

// The mask OVS makes for a sub-attribute its mask lacks
// (generate_all_wildcard_mask()): zeros of the key's size, or an empty
// list for a nested one.
Attr wildcard_mask(const Attr& a, bool nested, std::vector<uint8_t>& zeros) {
  zeros.assign(nested ? 0 : a.len, 0);
  return Attr{a.type, zeros.data(), zeros.size(), a.at};
}

// format_odp_tun_vxlan_opt(): "gbp(id=N,flags=0xN)" under the mask.
void format_vxlan_masked(std::string& out, const Attr& vx, const Attr* m) {
  WalkResult r = walk_attrs(vx.payload, vx.len, vx.len, vx.at + 4, [&](const Attr& a) {
    std::optional<Attr> ma;
    std::vector<uint8_t> zeros;
    if (m) {
      ma = find_attr(m->payload, m->len, a.type);
      if (!ma) ma = wildcard_mask(a, false, zeros);
    }
    const Attr* mp = ma ? &*ma : nullptr;
    if (a.type <= kVxlanExtMax && !lengths_ok(out, a, mp, a.type == kVxlanGbp ? 4 : 0)) return;
    if (a.type != kVxlanGbp) {
      put_unknown_masked(out, a, mp);
      return;
    }
    // The raw u32: the group policy id in the low 16 bits, its flags above.
    auto split = [](uint32_t raw, uint8_t id[2], uint8_t& flags) {
      id[0] = static_cast<uint8_t>(raw >> 8);
      id[1] = static_cast<uint8_t>(raw);
      flags = static_cast<uint8_t>(raw >> 16);
    };
    uint8_t key[3], mask[3];
    split(rd_u32(a.payload), key, key[2]);
    if (mp) split(rd_u32(mp->payload), mask, mask[2]);
    Field f{out, key, mp ? mask : nullptr};
    out += "gbp(";
    f.be16("id", 0);
    f.u8("flags", 2, true);
    chomp(out);
    out += "),";
  });
  put_malformed(out, r, true);
  chomp(out);
}

// format_geneve_opts() under the mask, which lays its options out as the
// key's (class 0xffff, type 0xff and length 0x1f when they are matched).
void format_geneve_masked(std::string& out, const Attr& a, const Attr* m) {
  if (m && m->len != a.len) {
    out += "value len ";
    put_dec(out, a.len);
    out += " different from mask len ";
    put_dec(out, m->len);
    return;
  }
  walk_geneve_options(out, a, [&](const uint8_t* opt, size_t data_len, size_t at) {
    const uint8_t* mask = m ? m->payload + at : nullptr;
    // The header as a key and mask the Field helpers read: be16 class,
    // u8 type, u8 length in bytes (its mask 0xff when all 5 bits are).
    uint8_t key[4] = {opt[0], opt[1], opt[2], static_cast<uint8_t>(data_len)};
    uint8_t bits[4] = {};
    if (mask) {
      uint8_t len_mask = mask[3] & 0x1f;
      bits[0] = mask[0];
      bits[1] = mask[1];
      bits[2] = mask[2];
      bits[3] = len_mask == 0x1f ? 0xff : len_mask;
    }
    Field f{out, key, mask ? bits : nullptr};
    out += '{';
    f.be16("class", 0, true);
    f.u8("type", 2, true);
    f.u8("len", 3);
    if (data_len && (!mask || !all_bytes(mask + 4, data_len, 0))) {
      put_hex_number(out, opt + 4, data_len);
      if (mask && !all_bytes(mask + 4, data_len, 0xff)) {
        out += '/';
        put_hex_number(out, mask + 4, data_len);
      }
    } else {
      chomp(out);
    }
    out += '}';
  });
}

// format_odp_tun_erspan_opt() under the mask: the version's low byte, then
// version 1's index (always with its mask), or version 2's direction and
// the four hardware id bits OVS reads (see format_erspan()).
void format_erspan_masked(std::string& out, const Attr& a, const Attr* m) {
  if (a.len != kErspanMetadataSize || (m && m->len != kErspanMetadataSize)) {
    put_spaced_hex(out, a.payload, a.len);
    if (m) {
      out += '/';
      put_spaced_hex(out, m->payload, m->len);
    }
    return;
  }
  auto fields = [](const uint8_t* p, uint8_t f[3]) {
    f[0] = static_cast<uint8_t>(rd_u32(p));  // (uint8_t) of the int version
    f[1] = (p[11] >> 3) & 1;
    f[2] = p[11] >> 4;
  };
  uint8_t key[3], mask[3];
  fields(a.payload, key);
  if (m) fields(m->payload, mask);
  Field f{out, key, m ? mask : nullptr};
  f.u8("ver", 0);
  uint32_t version = rd_u32(a.payload);
  if (version == 1) {
    out += "idx=";
    put_alt_hex(out, rd_be32(a.payload + 4));
    if (m) {
      out += '/';
      put_alt_hex(out, rd_be32(m->payload + 4));
    }
    out += ',';
  } else if (version == 2) {
    f.u8("dir", 1);
    f.u8("hwid", 2, true);
  }
  chomp(out);
}

// format_odp_tun_gtpu_opt() under the mask: struct gtpu_metadata { u8
// flags, msgtype }.
void format_gtpu_masked(std::string& out, const Attr& a, const Attr* m) {
  if (a.len != 2 || (m && m->len != 2)) {
    put_spaced_hex(out, a.payload, a.len);
    if (m) {
      out += '/';
      put_spaced_hex(out, m->payload, m->len);
    }
    return;
  }
  Field f{out, a.payload, m ? m->payload : nullptr};
  f.u8("flags", 0, true);
  f.u8("msgtype", 1);
  chomp(out);
}

// format_nsh_key_mask()'s pieces: "name=N" when exact, "name=0xNN/0xNN"
// when partly masked, nothing when wildcarded; a comma before all but the
// first.
void put_nsh_u8(std::string& out, bool& first, const char* name, uint8_t v, uint8_t mask) {
  if (!mask) return;
  if (!first) out += ',';
  first = false;
  out += name;
  out += '=';
  if (mask == 0xff) {
    put_dec(out, v);
    return;
  }
  char text[16];
  std::snprintf(text, sizeof text, "0x%02x/0x%02x", v, mask);
  out += text;
}

void put_nsh_u32(std::string& out, bool& first, const char* name, uint32_t v, uint32_t mask) {
  if (!mask) return;
  if (!first) out += ',';
  first = false;
  out += name;
  out += "=0x";
  put_hex(out, v);
  if (mask == 0xffffffff) return;
  char text[16];
  std::snprintf(text, sizeof text, "/0x%08x", mask);
  out += text;
}

}  // namespace

void format_tunnel_masked(std::string& out, const Attr& tun, const Attr* m,
                          bool unmasked_exact) {
  uint32_t flags = 0, mask_flags = 0;
  WalkResult r = walk_attrs(tun.payload, tun.len, tun.len, tun.at + 4, [&](const Attr& a) {
    std::optional<Attr> ma;
    std::vector<uint8_t> zeros;
    if (m) {
      ma = find_attr(m->payload, m->len, a.type);
      if (!ma)
        ma = wildcard_mask(a, tun_expected_len(a.type) == kLenNested, zeros);
    }
    const Attr* mp = ma ? &*ma : nullptr;
    if (a.type <= kTunAttrMax && !lengths_ok(out, a, mp, tun_expected_len(a.type))) return;
    Field f{out, a.payload, mp ? mp->payload : nullptr};
    switch (a.type) {
      case OVS_TUNNEL_KEY_ATTR_ID: {
        // With no mask at all OVS's format_be64() leaves the id out.
        uint64_t mask = mp ? rd_be64(mp->payload) : unmasked_exact ? ~uint64_t{0} : 0;
        if (mask) {
          out += "tun_id=0x";
          put_hex(out, rd_be64(a.payload));
          if (mask != ~uint64_t{0}) {
            out += '/';
            put_alt_hex(out, mask);
          }
          out += ',';
        }
        flags |= kTnlKey;
        if (mp) mask_flags |= kTnlKey;
        break;
      }
      case OVS_TUNNEL_KEY_ATTR_IPV4_SRC: f.ipv4("src", 0); break;
      case OVS_TUNNEL_KEY_ATTR_IPV4_DST: f.ipv4("dst", 0); break;
      case OVS_TUNNEL_KEY_ATTR_IPV6_SRC: f.ipv6("ipv6_src", 0); break;
      case OVS_TUNNEL_KEY_ATTR_IPV6_DST: f.ipv6("ipv6_dst", 0); break;
      case OVS_TUNNEL_KEY_ATTR_TOS: f.u8("tos", 0, true); break;
      case OVS_TUNNEL_KEY_ATTR_TTL: f.u8("ttl", 0); break;
      case OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT: flags |= kTnlDontFragment; break;
      case OVS_TUNNEL_KEY_ATTR_CSUM: flags |= kTnlCsum; break;
      case OVS_TUNNEL_KEY_ATTR_OAM: flags |= kTnlOam; break;
      case OVS_TUNNEL_KEY_ATTR_TP_SRC: f.be16("tp_src", 0); break;
      case OVS_TUNNEL_KEY_ATTR_TP_DST: f.be16("tp_dst", 0); break;
      case OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS:
        out += "vxlan(";
        format_vxlan_masked(out, a, mp);
        out += "),";
        break;
      case OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS:
        out += "geneve(";
        format_geneve_masked(out, a, mp);
        out += "),";
        break;
      case OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS:
        out += "erspan(";
        format_erspan_masked(out, a, mp);
        out += "),";
        break;
      case kTunGtpuOpts:
        out += "gtpu(";
        format_gtpu_masked(out, a, mp);
        out += "),";
        break;
      case OVS_TUNNEL_KEY_ATTR_PAD:
        break;
      default:
        put_unknown_masked(out, a, mp);
        break;
    }
  });
  // A flag's mask is its attribute in the mask, whether or not the key
  // has the flag.
  if (m) {
    walk_attrs(m->payload, m->len, m->len, m->at + 4, [&](const Attr& a) {
      if (a.type == OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT) mask_flags |= kTnlDontFragment;
      if (a.type == OVS_TUNNEL_KEY_ATTR_CSUM) mask_flags |= kTnlCsum;
      if (a.type == OVS_TUNNEL_KEY_ATTR_OAM) mask_flags |= kTnlOam;
    });
  }
  if (!m) {
    out += "flags(";
    put_flags(out, flags, tun_flag_name);
    out += "),";
  } else if (mask_flags) {
    out += "flags(";
    put_flags_masked(out, flags, mask_flags & kTnlFlagsMask, kTnlFlagsMask, tun_flag_name);
    out += "),";
  }
  chomp(out);
  put_malformed(out, r, out.empty() || out.back() == '(');
}

void format_nsh_masked(std::string& out, const Attr& nsh, const Attr* m) {
  if (!m) {
    format_nsh(out, nsh);
    return;
  }
  uint8_t base[8] = {}, base_mask[8];
  uint8_t context[16] = {}, context_mask[16];
  std::memset(base_mask, 0xff, sizeof base_mask);
  std::memset(context_mask, 0xff, sizeof context_mask);
  WalkResult r = walk_attrs(nsh.payload, nsh.len, nsh.len, nsh.at + 4, [&](const Attr& a) {
    std::optional<Attr> ma = find_attr(m->payload, m->len, a.type);
    const Attr* mp = ma ? &*ma : nullptr;
    int expected = a.type == OVS_NSH_KEY_ATTR_BASE  ? 8
                   : a.type == OVS_NSH_KEY_ATTR_MD1 ? 16
                   : a.type == OVS_NSH_KEY_ATTR_MD2 ? kLenVariable
                                                    : 0;
    if (a.type <= OVS_NSH_KEY_ATTR_MAX && !lengths_ok(out, a, mp, expected)) return;
    if (a.type == OVS_NSH_KEY_ATTR_BASE) {
      std::memcpy(base, a.payload, sizeof base);
      if (mp) std::memcpy(base_mask, mp->payload, sizeof base_mask);
    } else if (a.type == OVS_NSH_KEY_ATTR_MD1) {
      std::memcpy(context, a.payload, sizeof context);
      if (mp) std::memcpy(context_mask, mp->payload, sizeof context_mask);
    }
  });
  using B = ovs_nsh_key_base;
  uint32_t path = rd_be32(base + offsetof(B, path_hdr));
  uint32_t path_mask = rd_be32(base_mask + offsetof(B, path_hdr));
  uint32_t spi_mask = path_mask >> 8;
  if (spi_mask == 0xffffff) spi_mask = 0xffffffff;
  bool first = true;
  put_nsh_u8(out, first, "flags", base[offsetof(B, flags)], base_mask[offsetof(B, flags)]);
  put_nsh_u8(out, first, "ttl", base[offsetof(B, ttl)], base_mask[offsetof(B, ttl)]);
  put_nsh_u8(out, first, "mdtype", base[offsetof(B, mdtype)], base_mask[offsetof(B, mdtype)]);
  put_nsh_u8(out, first, "np", base[offsetof(B, np)], base_mask[offsetof(B, np)]);
  put_nsh_u32(out, first, "spi", path >> 8, spi_mask);
  put_nsh_u8(out, first, "si", static_cast<uint8_t>(path), static_cast<uint8_t>(path_mask));
  const char* names[4] = {"c1", "c2", "c3", "c4"};
  for (int i = 0; i < 4; ++i)
    put_nsh_u32(out, first, names[i], rd_be32(context + 4 * i), rd_be32(context_mask + 4 * i));
  put_malformed(out, r, first);
}

}  // namespace ovsq::runtime::odp_detail
