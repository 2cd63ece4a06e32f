#pragma once
// The catalog of ovs-vswitchd's USDT probes: the short names a query uses,
// OVS's provider:name, and each argument's name and C type, as upstream
// Open vSwitch passes them (see shared/reference/ovs-usdt-probes.md).
//
// The catalog is checked against the binary's own note before use: a probe
// whose argument count or sizes differ is an error, never a misread.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/usdt_notes.h"

namespace ovsq::probes {

struct CatalogArg {
  std::string name;     // as queries write it: "ukey", "reason"
  std::string c_type;   // C spelling, looked up in DWARF: "struct udpif_key *"
  int size = 8;         // bytes the note must show
  std::vector<std::string> aliases;  // other accepted names ("del_reason")
  // A flow key passed as a pointer: the argument holding its length
  // (upcall's key and key_len).  Such an argument reads as a flow key.
  std::string length_arg;
};

// A field computed from an argument rather than passed: `ufid` is
// `ukey->ufid` (inline in struct udpif_key) or `*put->ufid` (a pointer in
// struct dpif_flow_put).  Whether the member is inline or a pointer is
// read from DWARF.  `key` is the flow key `ukey->key` of `ukey->key_len`
// bytes (or put->key, ...): a derived field with a length member.
struct DerivedField {
  std::string name;    // "ufid", "key"
  std::string arg;     // argument it comes from: "ukey", "put"
  std::string member;  // member of the pointed-to struct: "ufid", "key"
  std::string length_member;  // flow keys: the length member, "key_len"
};

struct CatalogProbe {
  std::string short_name;  // "flow_result"
  std::string provider;    // "revalidate"
  std::string name;        // "flow_result"
  std::vector<CatalogArg> args;
  std::vector<DerivedField> derived;

  std::string full_name() const { return provider + ":" + name; }
  // Index of the argument called `field` (or one of its aliases), or -1.
  int arg_index(std::string_view field) const;
  const DerivedField* find_derived(std::string_view field) const;
  // Every name a query may use on this probe, for "did you mean".
  std::vector<std::string> field_names() const;
};

// All 13 vswitchd probes, in the order of the reference table.
const std::vector<CatalogProbe>& ovs_catalog();

// By short name ("flow_result") or provider:name ("revalidate:flow_result").
const CatalogProbe* find_catalog_probe(std::string_view name);

// Every name find_catalog_probe accepts, for "did you mean".
std::vector<std::string> catalog_probe_names();

// Checks the probe's note locations against the catalog: every location
// must have as many arguments as the catalog and the same sizes.  Returns
// an empty string when they agree, else a one-line reason such as
// "revalidate:flow_result in /usr/sbin/ovs-vswitchd passes 4 arguments of
//  sizes 4,4,8,8; ovsq expects udpif (8), ukey (8), result (4), reason (4)".
std::string check_against_note(const CatalogProbe& probe,
                               const UsdtProbe& note,
                               const std::string& binary);

// What an enumerator of one of OVS's enums means, e.g. for
// ("enum flow_del_reason", "FDR_FLOW_IDLE"); nullopt when unknown.
std::optional<std::string> enumerator_meaning(std::string_view enum_name,
                                              std::string_view enumerator);

}  // namespace ovsq::probes
