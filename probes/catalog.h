#pragma once
// The catalog of ovs-vswitchd's USDT probes: the short names a query uses,
// OVS's provider:name, and each argument's name and C type, as upstream
// Open vSwitch passes them (see shared/reference/ovs-usdt-probes.md), and
// for some probes other argument orders that builds in the wild pass.
//
// The catalog is checked against the binary's own note before use: the
// version whose argument count and sizes match every location of the note
// is used, and a probe that matches none is an error, never a misread.
//
// It also knows the enums of upstream OVS (enumerator names, values and
// meanings): the meanings are looked up by name, so that the binary's DWARF
// decides the values; the values are used only for a binary without debug
// info (probes/catalog_types).
#include <cstdint>
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
// `flow` is the same key with its mask (`ukey->mask` of `ukey->mask_len`
// bytes), printed as dpctl/dump-flows prints a flow's match; on the
// revalidator probes only, since flow_put's third argument is named flow.
struct DerivedField {
  std::string name;    // "ufid", "key", "flow"
  std::string arg;     // argument it comes from: "ukey", "put"
  std::string member;  // member of the pointed-to struct: "ufid", "key"
  std::string length_member;  // flow keys: the length member, "key_len"
  std::string mask_member = {};         // flow: "mask"
  std::string mask_length_member = {};  // flow: "mask_len"
};

// One argument-order version of a probe.  A probe has one or more
// versions, upstream's first; they share the names and differ in `args`.
struct CatalogProbe {
  std::string short_name;  // "flow_result"
  std::string provider;    // "revalidate"
  std::string name;        // "flow_result"
  std::vector<CatalogArg> args;
  std::vector<DerivedField> derived;
  std::string version = "upstream";  // "upstream", "seed patch v9"

  std::string full_name() const { return provider + ":" + name; }
  // Index of the argument called `field` (or one of its aliases), or -1.
  int arg_index(std::string_view field) const;
  const DerivedField* find_derived(std::string_view field) const;
  // Whether `field` is a flow key here: an argument with a length argument
  // (the upcall's key) or a derived field with a length member (ukey->key).
  bool is_flow_key(std::string_view field) const;
  // Every name a query may use on this probe, for "did you mean".
  std::vector<std::string> field_names() const;
};

// Every version of the 13 vswitchd probes, in the order of the reference
// table; a probe's versions follow each other, upstream's first.
const std::vector<CatalogProbe>& ovs_catalog();

// By short name ("flow_result") or provider:name ("revalidate:flow_result"):
// the probe's first (upstream) version, or nullptr.
const CatalogProbe* find_catalog_probe(std::string_view name);
// Every version of that probe, upstream's first; empty when unknown.
std::vector<const CatalogProbe*> catalog_versions(std::string_view name);

// Every name find_catalog_probe accepts, for "did you mean".
std::vector<std::string> catalog_probe_names();

// Picks the version of `probe` (any version of it) whose argument count
// and sizes match every location of the binary's note.  When none does,
// returns nullptr and sets `error` to a one-line reason naming what was
// found and every version known, such as
// "revalidate:flow_result in /usr/sbin/ovs-vswitchd passes 4 arguments of
//  sizes 8,8,8,8; ovsq knows udpif (8), ukey (8), result (4), reason (4)
//  (upstream) or result (4), reason (4), udpif (8), ukey (8) (seed patch v9)"
// ("ovsq expects ..." for a probe with one version), or the location's
// argument spec error.
const CatalogProbe* select_version(const CatalogProbe& probe,
                                   const UsdtProbe& note,
                                   const std::string& binary,
                                   std::string& error);

// What an enumerator of one of OVS's enums means, from the comments of the
// OVS sources: enumerator_meaning("flow_del_reason", "FDR_FLOW_IDLE") is
// "flow idle timeout".  `enum_name` may be spelled "enum flow_del_reason".
// Keyed by name, so the binary's DWARF decides the values.  nullopt for an
// enum or enumerator the catalog does not know.
std::optional<std::string> enumerator_meaning(std::string_view enum_name,
                                              std::string_view enumerator);

// The enums of upstream OVS on x86_64 as the catalog knows them: the
// fallback for a binary without debug info (probes/catalog_types).
struct CatalogEnumerator {
  std::string name;     // "FDR_FLOW_IDLE"
  int64_t value = 0;    // upstream's value
  std::string meaning;  // "flow idle timeout"; empty when it has none
};
struct CatalogEnum {
  std::string name;  // "flow_del_reason" (the C tag, without "enum ")
  std::vector<CatalogEnumerator> enumerators;
};
const std::vector<CatalogEnum>& catalog_enums();

}  // namespace ovsq::probes
