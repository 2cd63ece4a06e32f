#pragma once
// Small libdw helpers shared by dwarf_types.cpp and dwarf_index.cpp.
#include <dwarf.h>
#include <elfutils/libdw.h>

#include <cstdint>
#include <string>

namespace ovsq::probes::dwarf {

inline bool is_declaration(Dwarf_Die& die) {
  return dwarf_hasattr(&die, DW_AT_declaration) != 0;
}

inline std::string die_name(Dwarf_Die& die) {
  const char* name = dwarf_diename(&die);
  return name != nullptr ? name : "";
}

// The DIE that `die`'s attribute `at` refers to.
inline bool ref_die(Dwarf_Die& die, unsigned at, Dwarf_Die& out) {
  Dwarf_Attribute attr;
  return dwarf_attr_integrate(&die, at, &attr) != nullptr &&
         dwarf_formref_die(&attr, &out) != nullptr;
}

inline bool udata(Dwarf_Die& die, unsigned at, Dwarf_Word& out) {
  Dwarf_Attribute attr;
  return dwarf_attr_integrate(&die, at, &attr) != nullptr &&
         dwarf_formudata(&attr, &out) == 0;
}

// Size in bytes of the type `die` refers to, computed by libdw from the
// DIEs (so it does not depend on how far our own conversion has come).
inline uint64_t target_size(Dwarf_Die& die) {
  Dwarf_Die target;
  Dwarf_Word size = 0;
  if (!ref_die(die, DW_AT_type, target) ||
      dwarf_aggregate_size(&target, &size) != 0)
    return 0;
  return size;
}

// How a named type of this tag is spelled before its name, or nullptr for
// tags that are not indexed by name.
inline const char* name_prefix(int tag) {
  switch (tag) {
    case DW_TAG_structure_type: return "struct ";
    case DW_TAG_union_type: return "union ";
    case DW_TAG_enumeration_type: return "enum ";
    case DW_TAG_typedef:
    case DW_TAG_base_type: return "";
    default: return nullptr;
  }
}

// Calls f(child) for the children of `parent` with tag `tag` (0: all).
template <typename F>
void for_children(Dwarf_Die& parent, int tag, F f) {
  Dwarf_Die child;
  if (dwarf_child(&parent, &child) != 0) return;
  do {
    if (tag == 0 || dwarf_tag(&child) == tag) f(child);
  } while (dwarf_siblingof(&child, &child) == 0);
}

}  // namespace ovsq::probes::dwarf
