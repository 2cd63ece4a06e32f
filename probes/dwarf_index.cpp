// The name index of DwarfTypes, and choosing one DIE per named type.
#include "probes/dwarf_die.h"
#include "probes/dwarf_types.h"

#include <algorithm>
#include <vector>

namespace ovsq::probes {

using namespace dwarf;

namespace {

// Whether two DIEs describe the same type as far as a tracer can tell:
// the same tag, name and size, and for aggregates and enums the same
// members at the same offsets (compared `depth` levels down) or the same
// enumerators.  Headers define each of their types in every unit that
// uses it; this lets all units share one Type, while two different types
// that happen to share a name (C allows that across files) stay apart.
bool same_shape(Dwarf_Die a, Dwarf_Die b, int depth) {
  if (a.addr == b.addr) return true;
  int tag = dwarf_tag(&a);
  if (tag != dwarf_tag(&b) || die_name(a) != die_name(b)) return false;
  Dwarf_Word size_a = 0, size_b = 0;
  bool sized_a = dwarf_aggregate_size(&a, &size_a) == 0;
  bool sized_b = dwarf_aggregate_size(&b, &size_b) == 0;
  if (sized_a != sized_b || size_a != size_b) return false;
  if (depth <= 0) return true;

  // The children that matter, in order: members or enumerators.
  auto children = [](Dwarf_Die& die, int child_tag) {
    std::vector<Dwarf_Die> out;
    for_children(die, child_tag, [&](Dwarf_Die& c) { out.push_back(c); });
    return out;
  };
  Dwarf_Die target_a, target_b;
  switch (tag) {
    case DW_TAG_structure_type:
    case DW_TAG_union_type: {
      auto ma = children(a, DW_TAG_member), mb = children(b, DW_TAG_member);
      if (ma.size() != mb.size()) return false;
      for (size_t i = 0; i < ma.size(); ++i) {
        Dwarf_Word off_a = 0, off_b = 0, bits_a = 0, bits_b = 0;
        udata(ma[i], DW_AT_data_member_location, off_a);
        udata(mb[i], DW_AT_data_member_location, off_b);
        udata(ma[i], DW_AT_data_bit_offset, bits_a);
        udata(mb[i], DW_AT_data_bit_offset, bits_b);
        if (die_name(ma[i]) != die_name(mb[i]) || off_a != off_b ||
            bits_a != bits_b)
          return false;
        bool typed_a = ref_die(ma[i], DW_AT_type, target_a);
        bool typed_b = ref_die(mb[i], DW_AT_type, target_b);
        if (typed_a != typed_b ||
            (typed_a && !same_shape(target_a, target_b, depth - 1)))
          return false;
      }
      return true;
    }
    case DW_TAG_enumeration_type: {
      auto ea = children(a, DW_TAG_enumerator);
      auto eb = children(b, DW_TAG_enumerator);
      if (ea.size() != eb.size()) return false;
      for (size_t i = 0; i < ea.size(); ++i) {
        Dwarf_Word va = 0, vb = 0;
        udata(ea[i], DW_AT_const_value, va);
        udata(eb[i], DW_AT_const_value, vb);
        if (die_name(ea[i]) != die_name(eb[i]) || va != vb) return false;
      }
      return true;
    }
    case DW_TAG_base_type:
      return true;
    default: {  // typedef, pointer, qualifiers: compare what they refer to
      bool typed_a = ref_die(a, DW_AT_type, target_a);
      bool typed_b = ref_die(b, DW_AT_type, target_b);
      return typed_a == typed_b &&
             (!typed_a || same_shape(target_a, target_b, depth));
    }
  }
}

}  // namespace


DwarfTypes::DwarfTypes(Dwarf* dwarf) {
  index(dwarf);
  if (Dwarf* alt = dwarf_getalt(dwarf)) index(alt);
}

void DwarfTypes::index(Dwarf* dwarf) {
  Dwarf_CU* cu = nullptr;
  Dwarf_Die cudie;
  uint8_t unit_type = 0;
  while (dwarf_get_units(dwarf, cu, &cu, nullptr, &unit_type, &cudie,
                         nullptr) == 0) {
    for_children(cudie, 0, [&](Dwarf_Die& die) {
      int tag = dwarf_tag(&die);
      const char* prefix = name_prefix(tag);
      if (prefix == nullptr) return;
      std::string name = die_name(die);
      if (!name.empty()) {
        auto [it, added] = names_.try_emplace(prefix + name, die);
        if (!added && is_declaration(it->second) && !is_declaration(die))
          it->second = die;
      }
      Dwarf_Die target;
      if (tag == DW_TAG_typedef && ref_die(die, DW_AT_type, target) &&
          dwarf_tag(&target) == DW_TAG_enumeration_type &&
          dwarf_diename(&target) == nullptr)
        enum_typedefs_.try_emplace(target.addr, die);
      if (tag == DW_TAG_enumeration_type && !is_declaration(die)) {
        for_children(die, DW_TAG_enumerator, [&](Dwarf_Die& e) {
          enumerators_.try_emplace(die_name(e), die);
        });
      }
    });
  }
}

TypeRef DwarfTypes::named(const std::string& key) {
  auto it = names_.find(key);
  return it == names_.end() ? nullptr : convert(it->second);
}

TypeRef DwarfTypes::enum_of(std::string_view name) {
  auto it = enumerators_.find(name);
  if (it == enumerators_.end()) return nullptr;
  auto td = enum_typedefs_.find(it->second.addr);
  return convert(td != enum_typedefs_.end() ? td->second : it->second);
}

std::vector<std::string> DwarfTypes::enumerator_names() const {
  std::vector<std::string> names;
  for (const auto& entry : enumerators_) names.push_back(entry.first);
  return names;
}

std::vector<std::string> DwarfTypes::type_names() {
  std::vector<std::string> names;
  for (auto& [name, die] : names_)
    if (dwarf_tag(&die) != DW_TAG_base_type) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

bool DwarfTypes::canonical(Dwarf_Die& die, Dwarf_Die& out) {
  const char* prefix = name_prefix(dwarf_tag(&die));
  std::string name = die_name(die);
  if (prefix == nullptr || name.empty()) return false;
  auto it = names_.find(prefix + name);
  if (it == names_.end() || it->second.addr == die.addr ||
      is_declaration(it->second))
    return false;
  // A declaration stands for the definition found elsewhere, if any.
  if (!is_declaration(die) && !same_shape(die, it->second, 2)) return false;
  out = it->second;
  return true;
}

}  // namespace ovsq::probes
