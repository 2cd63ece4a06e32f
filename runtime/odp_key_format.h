#pragma once
// A datapath flow key (netlink OVS_KEY_ATTR_* attributes, see
// probes/odp_key.h) as OVS's "ODP flow string":
//
//   recirc_id(0),in_port(2),eth(src=0e:04:47:fc:74:51,dst=da:dc:c5:69:05:d7),
//   eth_type(0x0800),ipv4(src=192.168.10.10,dst=192.168.10.30,proto=1,tos=0,
//   ttl=64,frag=no),icmp(type=8,code=0)
//
// The text is what OVS's odp_flow_key_format() prints (odp_flow_format()
// with no mask, verbose): every field of every attribute, numbers spelled
// as OVS spells them (recirc_id(0x1), ct_state(0x21), eth_type(0x0800)).
// Departures from OVS, all about broken input:
//   - attributes are always comma-separated (OVS omits the comma before an
//     attribute of the wrong length), and an attribute of the wrong length
//     always names its type: key3(bad key length 2, expected 4)(01 00);
//   - a malformed key ends with ",...(malformed at byte N)" where OVS
//     prints ",***N leftover bytes*** (...)";
//   - a key cut short by the copy ends with
//     ",...(truncated: C of L bytes)";
//   - variable-length payloads OVS would read past their end (erspan, gtpu
//     tunnel options) are printed as hex bytes unless their size is right.
#include <cstddef>
#include <cstdint>
#include <string>

namespace ovsq::runtime {

// Appends the ODP flow string of a key of `key_len` bytes of which the
// first `copied` are in `data` (copied <= key_len; more is ignored).
//
// Every attribute that lies wholly inside the copied bytes is printed; an
// attribute cut by the end of the copy is not, and the text ends with
// ",...(truncated: C of L bytes)" (no comma when nothing was printed).
// An attribute header with nla_len < 4, or running past key_len, ends the
// text with ",...(malformed at byte N)" (N counted from the key's start;
// inside encap(...) for a malformed nested attribute).  An empty key is
// "<empty>", as OVS prints it.
void format_odp_key(std::string& out, const uint8_t* data, size_t copied,
                    size_t key_len);

// Addresses as dpctl prints them ("10.0.0.1", inet_ntop's IPv6,
// "0e:04:47:fc:74:51"); also how Ipv4/Ipv6/Mac columns print.
void append_ipv4(std::string& out, const uint8_t* p);
void append_ipv6(std::string& out, const uint8_t* p);
void append_mac(std::string& out, const uint8_t* p);

}  // namespace ovsq::runtime
