#pragma once
// A datapath flow's match, its key under its mask, as `ovs-appctl
// dpctl/dump-flows` (without -m) prints it: OVS's odp_flow_format() with
// the mask, not verbose.  A field the mask wildcards is left out, and an
// attribute whose mask is all zeros with it (but for eth(), which names the
// packet's root type, and the nested encap()); a partly masked field is
// value/mask; ct_state and tcp_flags with a partial mask are +flag-flag.
//
// Every attribute is printed by OVS 3.5's rules, tunnel(...) (with its
// geneve, vxlan, erspan and gtpu options), mpls, nsh and the conntrack
// tuples too.  Departures from OVS, all about broken input: those of
// runtime/odp_key_format.h, and an attribute whose key or mask has the
// wrong size is printed as bytes with its type and a comma before it,
// "key2(bad key length 2, expected 4)(07 00/ff ff ff ff)" or
// "key2(07 00 00 00/(bad mask length 2, expected 4)(ff ff))" (OVS leaves
// out the type, and the parentheses around the second).  With no mask at all
// (`mask` null or `mask_len` 0: the mask could not be read) every field is
// printed as exact, where OVS's odp_flow_format() without a mask would
// leave out a tunnel's id and the ct_mark, ct_zone and ct_label values
// (as it does, and so does this, inside an encap(...) the mask lacks).
#include <cstddef>
#include <cstdint>
#include <string>

namespace ovsq::runtime {

void format_odp_flow(std::string& out, const uint8_t* key, size_t key_copied,
                     size_t key_len, const uint8_t* mask, size_t mask_copied,
                     size_t mask_len);

}  // namespace ovsq::runtime
