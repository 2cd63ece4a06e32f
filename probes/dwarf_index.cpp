// The name index of DwarfTypes, and choosing one DIE per named type.
#include "probes/dwarf_die.h"
#include "probes/dwarf_index_cache.h"
#include "probes/dwarf_types.h"

#include <algorithm>
#include <string>
#include <unordered_map>
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


// The walk's findings, before they become the flat index.
struct DwarfTypes::Walk {
  struct Named {
    Dwarf_Die die;
    bool base_type;
  };
  std::unordered_map<std::string, Named> names;
  std::unordered_map<std::string_view, Dwarf_Die> enumerators;  // the DWARF's strings
  std::unordered_map<uint64_t, std::pair<DieRef, DieRef>> enum_typedefs;  // by key_of
  std::vector<uint64_t> units;
};

DwarfTypes::DwarfTypes(Dwarf* dwarf) : main_(dwarf), alt_(dwarf_getalt(dwarf)) {
  Walk found;
  walk(main_, found);
  if (alt_) walk(alt_, found);

  DwarfIndexEntries index;
  size_t text_size = 0;
  for (const auto& [name, named] : found.names) text_size += name.size();
  for (const auto& [name, die] : found.enumerators) text_size += name.size();
  index.text.reserve(text_size);  // no reallocation: the views below stay valid
  auto keep = [&index](std::string_view name) {
    size_t at = index.text.size();
    index.text += name;
    return std::string_view(index.text).substr(at, name.size());
  };
  for (auto& [name, named] : found.names)
    index.names.push_back({keep(name), ref_of(named.die), named.base_type});
  for (auto& [name, die] : found.enumerators) index.enumerators.push_back({keep(name), ref_of(die)});
  auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
  std::sort(index.names.begin(), index.names.end(), by_name);
  std::sort(index.enumerators.begin(), index.enumerators.end(), by_name);
  for (auto& [key, typedef_of] : found.enum_typedefs) index.enum_typedefs.push_back(typedef_of);
  index.units = std::move(found.units);
  use_index(std::move(index));
}

DwarfTypes::DwarfTypes(Dwarf* dwarf, DwarfIndexEntries cached,
                       std::function<void(Dwarf_Off)> load_unit)
    : main_(dwarf), alt_(dwarf_getalt(dwarf)), load_unit_(std::move(load_unit)) {
  use_index(std::move(cached));
  matches_ = spot_check();
}

void DwarfTypes::use_index(DwarfIndexEntries index) {
  index_ = std::move(index);
  for (const auto& [anonymous, named] : index_.enum_typedefs)
    enum_typedefs_.emplace(key_of(anonymous), named);
}

DieRef DwarfTypes::ref_of(Dwarf_Die& die) const {
  return {alt_ != nullptr && dwarf_cu_getdwarf(die.cu) == alt_, dwarf_dieoffset(&die)};
}

uint64_t DwarfTypes::key_of(DieRef ref) { return ref.offset | (uint64_t{ref.alt} << 63); }

// With the cache file, resolving every entry would read every unit the
// walk skipped; after a walk, the unit is read already and this is cheap.
Dwarf_Die* DwarfTypes::resolve(DieRef ref) {
  auto [it, added] = dies_.try_emplace(key_of(ref));
  Dwarf_Die& die = it->second;
  if (added) {
    Dwarf* dwarf = ref.alt ? alt_ : main_;
    if (!ref.alt && load_unit_) load_unit_(ref.offset);
    if (dwarf == nullptr || dwarf_offdie(dwarf, ref.offset, &die) == nullptr)
      die = Dwarf_Die{};  // a damaged cache: as if the name were not there
  }
  return die.addr != nullptr ? &die : nullptr;
}

// A cache file that parsed may still not be this DWARF's (a foreign or
// damaged one): a few of its names must name DIEs of that name.  They are
// spread over the file's lines but taken from the first unit, which is
// read anyway, so that the check reads no unit a query does not need.
bool DwarfTypes::spot_check() {
  const std::vector<uint64_t>& units = index_.units;
  std::vector<const IndexedName*> first_unit;
  for (const IndexedName& name : index_.names)
    if (name.ref.alt || units.size() < 2 || name.ref.offset < units[1]) first_unit.push_back(&name);
  if (first_unit.empty()) return false;
  constexpr size_t kChecks = 8;
  for (size_t i = 0; i < kChecks; ++i) {
    const IndexedName& entry = *first_unit[i * (first_unit.size() - 1) / (kChecks - 1)];
    Dwarf_Die* die = resolve(entry.ref);
    const char* name = die ? dwarf_diename(die) : nullptr;
    const char* prefix = name ? name_prefix(dwarf_tag(die)) : nullptr;
    if (prefix == nullptr || entry.name != std::string(prefix) + name) return false;
  }
  return true;
}

void DwarfTypes::walk(Dwarf* dwarf, Walk& found) const {
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
    if (dwarf == main_) found.units.push_back(dwarf_dieoffset(&cudie) - dwarf_cuoffset(&cudie));
    for_children(cudie, 0, [&](Dwarf_Die& die) {
      int tag = dwarf_tag(&die);
      const char* prefix = name_prefix(tag);
      if (prefix == nullptr) return;
      const char* name = dwarf_diename(&die);
      if (name != nullptr && *name != '\0') {
        key.assign(prefix).append(name);
        auto it = found.names.find(key);
        if (it == found.names.end())
          found.names.emplace(key, Walk::Named{die, tag == DW_TAG_base_type});
        else if (is_declaration(it->second.die) && !is_declaration(die))
          it->second.die = die;
      }
      Dwarf_Die target;
      if (tag == DW_TAG_typedef && ref_die(die, DW_AT_type, target) &&
          dwarf_tag(&target) == DW_TAG_enumeration_type &&
          dwarf_diename(&target) == nullptr) {
        DieRef anonymous = ref_of(target);
        found.enum_typedefs.try_emplace(key_of(anonymous), anonymous, ref_of(die));
      }
      if (tag == DW_TAG_enumeration_type && !is_declaration(die)) {
        for_children(die, DW_TAG_enumerator, [&](Dwarf_Die& e) {
          if (const char* enumerator = dwarf_diename(&e))
            found.enumerators.try_emplace(std::string_view(enumerator), die);
        });
      }
    });
  }
}

TypeRef DwarfTypes::named(std::string_view key) {
  const IndexedName* entry = index_.find_name(key);
  Dwarf_Die* die = entry ? resolve(entry->ref) : nullptr;
  return die ? convert(*die) : nullptr;
}

TypeRef DwarfTypes::enum_of(std::string_view name) {
  const IndexedEnumerator* entry = index_.find_enumerator(name);
  Dwarf_Die* die = entry ? resolve(entry->ref) : nullptr;
  if (die == nullptr) return nullptr;
  auto td = enum_typedefs_.find(key_of(entry->ref));
  if (td != enum_typedefs_.end())
    if (Dwarf_Die* typedef_die = resolve(td->second)) return convert(*typedef_die);
  return convert(*die);
}

std::vector<std::string> DwarfTypes::enumerator_names() const {
  std::vector<std::string> names;
  for (const IndexedEnumerator& entry : index_.enumerators) names.emplace_back(entry.name);
  return names;  // sorted, as the index is
}

std::vector<std::string> DwarfTypes::type_names() const {
  std::vector<std::string> names;
  for (const IndexedName& entry : index_.names)
    if (!entry.base_type) names.emplace_back(entry.name);
  return names;  // sorted, as the index is
}

bool DwarfTypes::canonical(Dwarf_Die& die, Dwarf_Die& out) {
  const char* prefix = name_prefix(dwarf_tag(&die));
  std::string name = die_name(die);
  if (prefix == nullptr || name.empty()) return false;
  const IndexedName* entry = index_.find_name(prefix + name);
  Dwarf_Die* indexed = entry ? resolve(entry->ref) : nullptr;
  if (indexed == nullptr || indexed->addr == die.addr || is_declaration(*indexed)) return false;
  // A declaration stands for the definition found elsewhere, if any.
  if (!is_declaration(die) && !same_shape(die, *indexed, 2)) return false;
  out = *indexed;
  return true;
}

}  // namespace ovsq::probes
