// The name index of DwarfTypes, and choosing one DIE per named type.
#include "probes/dwarf_die.h"
#include "probes/dwarf_index_cache.h"
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


DwarfTypes::DwarfTypes(Dwarf* dwarf, std::string_view build_id)
    : main_(dwarf), alt_(dwarf_getalt(dwarf)) {
  std::string cache = dwarf_index_cache_path(build_id);
  if (!cache.empty()) {
    if (std::optional<DwarfIndexEntries> entries = load_dwarf_index(cache, build_id)) {
      if (restore(std::move(*entries))) return;
      names_.clear();
      enumerators_.clear();
      enum_typedefs_.clear();
    }
  }
  index(main_);
  if (alt_) index(alt_);
  if (!cache.empty()) save_dwarf_index(cache, build_id, entries());
}

bool DwarfTypes::die_at(DieRef ref, Dwarf_Die& die) const {
  Dwarf* dwarf = ref.alt ? alt_ : main_;
  return dwarf != nullptr && dwarf_offdie(dwarf, ref.offset, &die) != nullptr;
}

DieRef DwarfTypes::ref_of(Dwarf_Die& die) const {
  return {alt_ != nullptr && dwarf_cu_getdwarf(die.cu) == alt_, dwarf_dieoffset(&die)};
}

bool DwarfTypes::restore(DwarfIndexEntries entries) {
  restored_ = std::move(entries);  // the enumerator keys view its strings
  Dwarf_Die die, other;
  for (const auto& [name, ref] : restored_.names) {
    if (!die_at(ref, die)) return false;
    names_.emplace(name, die);
  }
  for (const auto& [name, ref] : restored_.enumerators) {
    if (!die_at(ref, die)) return false;
    enumerators_.emplace(std::string_view(name), die);
  }
  for (const auto& [anonymous, named] : restored_.enum_typedefs) {
    if (!die_at(anonymous, die) || !die_at(named, other)) return false;
    enum_typedefs_.emplace(die.addr, other);
  }
  return true;
}

DwarfIndexEntries DwarfTypes::entries() {
  DwarfIndexEntries entries;
  for (auto& [name, die] : names_) entries.names.emplace_back(name, ref_of(die));
  for (auto& [name, die] : enumerators_)
    entries.enumerators.emplace_back(std::string(name), ref_of(die));
  for (auto& [addr, typedef_die] : enum_typedefs_) {
    Dwarf_Die anonymous = typedef_die;
    if (!ref_die(typedef_die, DW_AT_type, anonymous)) continue;
    entries.enum_typedefs.emplace_back(ref_of(anonymous), ref_of(typedef_die));
  }
  return entries;
}

void DwarfTypes::index(Dwarf* dwarf) {
  Dwarf_CU* cu = nullptr;
  Dwarf_Die cudie;
  uint8_t unit_type = 0;
  // Every unit repeats the types of the headers it includes (a real
  // vswitchd: 214 units), so most names are seen many times: the key is
  // built in one reused buffer and copied only when it is new, and
  // enumerator names are views of the DWARF's own strings.
  std::string key;
  while (dwarf_get_units(dwarf, cu, &cu, nullptr, &unit_type, &cudie,
                         nullptr) == 0) {
    for_children(cudie, 0, [&](Dwarf_Die& die) {
      int tag = dwarf_tag(&die);
      const char* prefix = name_prefix(tag);
      if (prefix == nullptr) return;
      const char* name = dwarf_diename(&die);
      if (name != nullptr && *name != '\0') {
        key.assign(prefix).append(name);
        auto it = names_.find(key);
        if (it == names_.end())
          names_.emplace(key, die);
        else if (is_declaration(it->second) && !is_declaration(die))
          it->second = die;
      }
      Dwarf_Die target;
      if (tag == DW_TAG_typedef && ref_die(die, DW_AT_type, target) &&
          dwarf_tag(&target) == DW_TAG_enumeration_type &&
          dwarf_diename(&target) == nullptr)
        enum_typedefs_.try_emplace(target.addr, die);
      if (tag == DW_TAG_enumeration_type && !is_declaration(die)) {
        for_children(die, DW_TAG_enumerator, [&](Dwarf_Die& e) {
          if (const char* enumerator = dwarf_diename(&e))
            enumerators_.try_emplace(std::string_view(enumerator), die);
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
  for (const auto& entry : enumerators_) names.emplace_back(entry.first);
  std::sort(names.begin(), names.end());
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
