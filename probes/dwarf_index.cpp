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


DwarfTypes::DwarfTypes(Dwarf* dwarf) : main_(dwarf), alt_(dwarf_getalt(dwarf)) {
  index(main_);
  if (alt_) index(alt_);
}

DwarfTypes::DwarfTypes(Dwarf* dwarf, DwarfIndexEntries cached,
                       std::function<void(Dwarf_Off)> load_unit)
    : main_(dwarf), alt_(dwarf_getalt(dwarf)), load_unit_(std::move(load_unit)) {
  units_ = cached.units;
  restore(std::move(cached));
  matches_ = spot_check();
}

DieRef DwarfTypes::ref_of(Dwarf_Die& die) const {
  return {alt_ != nullptr && dwarf_cu_getdwarf(die.cu) == alt_, dwarf_dieoffset(&die)};
}

uint64_t DwarfTypes::key_of(DieRef ref) { return ref.offset | (uint64_t{ref.alt} << 63); }

DwarfTypes::Indexed DwarfTypes::walked(Dwarf_Die& die) const {
  return {die, ref_of(die), true};
}

// An entry from the cache file becomes a DIE only when it is looked up:
// resolving all of them would read every unit the walk skipped.
bool DwarfTypes::resolve(Indexed& entry) const {
  if (entry.resolved) return entry.die.addr != nullptr;
  entry.resolved = true;
  Dwarf* dwarf = entry.ref.alt ? alt_ : main_;
  if (!entry.ref.alt && load_unit_) load_unit_(entry.ref.offset);
  if (dwarf == nullptr || dwarf_offdie(dwarf, entry.ref.offset, &entry.die) == nullptr)
    entry.die = Dwarf_Die{};  // a damaged cache: as if the name were not there
  return entry.die.addr != nullptr;
}

void DwarfTypes::restore(DwarfIndexEntries entries) {
  restored_ = std::move(entries);  // the enumerator keys view its strings
  for (const auto& [name, ref] : restored_.names)
    names_.emplace(name, Indexed{Dwarf_Die{}, ref, false});
  for (const auto& [name, ref] : restored_.enumerators)
    enumerators_.emplace(std::string_view(name), Indexed{Dwarf_Die{}, ref, false});
  for (const auto& [anonymous, named] : restored_.enum_typedefs)
    enum_typedefs_.emplace(key_of(anonymous), Indexed{Dwarf_Die{}, named, false});
}

// A cache file that parsed may still not be this DWARF's (a foreign or
// damaged one): a few of its names must name DIEs of that name.  They are
// spread over the file's lines but taken from the first unit, which is
// read anyway, so that the check reads no unit a query does not need.
bool DwarfTypes::spot_check() {
  std::vector<const std::string*> keys;
  for (const auto& [name, ref] : restored_.names)
    if (ref.alt || units_.size() < 2 || ref.offset < units_[1]) keys.push_back(&name);
  if (keys.empty()) return false;
  constexpr size_t kChecks = 8;
  for (size_t i = 0; i < kChecks; ++i) {
    const std::string& key = *keys[i * (keys.size() - 1) / (kChecks - 1)];
    Indexed& entry = names_.at(key);
    const char* name = resolve(entry) ? dwarf_diename(&entry.die) : nullptr;
    const char* prefix = name ? name_prefix(dwarf_tag(&entry.die)) : nullptr;
    if (prefix == nullptr || key != std::string(prefix) + name) return false;
  }
  return true;
}

DwarfIndexEntries DwarfTypes::entries() {
  DwarfIndexEntries entries;
  for (auto& [name, entry] : names_) entries.names.emplace_back(name, entry.ref);
  for (auto& [name, entry] : enumerators_)
    entries.enumerators.emplace_back(std::string(name), entry.ref);
  for (auto& [anonymous, entry] : enum_typedefs_)
    entries.enum_typedefs.emplace_back(DieRef{(anonymous >> 63) != 0, anonymous & ~(uint64_t{1} << 63)},
                                       entry.ref);
  entries.units = units_;
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
    if (dwarf == main_) units_.push_back(dwarf_dieoffset(&cudie) - dwarf_cuoffset(&cudie));
    for_children(cudie, 0, [&](Dwarf_Die& die) {
      int tag = dwarf_tag(&die);
      const char* prefix = name_prefix(tag);
      if (prefix == nullptr) return;
      const char* name = dwarf_diename(&die);
      if (name != nullptr && *name != '\0') {
        key.assign(prefix).append(name);
        auto it = names_.find(key);
        if (it == names_.end())
          names_.emplace(key, walked(die));
        else if (is_declaration(it->second.die) && !is_declaration(die))
          it->second = walked(die);
      }
      Dwarf_Die target;
      if (tag == DW_TAG_typedef && ref_die(die, DW_AT_type, target) &&
          dwarf_tag(&target) == DW_TAG_enumeration_type &&
          dwarf_diename(&target) == nullptr)
        enum_typedefs_.try_emplace(key_of(ref_of(target)), walked(die));
      if (tag == DW_TAG_enumeration_type && !is_declaration(die)) {
        for_children(die, DW_TAG_enumerator, [&](Dwarf_Die& e) {
          if (const char* enumerator = dwarf_diename(&e))
            enumerators_.try_emplace(std::string_view(enumerator), walked(die));
        });
      }
    });
  }
}

TypeRef DwarfTypes::named(const std::string& key) {
  auto it = names_.find(key);
  return it == names_.end() || !resolve(it->second) ? nullptr : convert(it->second.die);
}

TypeRef DwarfTypes::enum_of(std::string_view name) {
  auto it = enumerators_.find(name);
  if (it == enumerators_.end() || !resolve(it->second)) return nullptr;
  auto td = enum_typedefs_.find(key_of(it->second.ref));
  if (td != enum_typedefs_.end() && resolve(td->second)) return convert(td->second.die);
  return convert(it->second.die);
}

std::vector<std::string> DwarfTypes::enumerator_names() const {
  std::vector<std::string> names;
  for (const auto& entry : enumerators_) names.emplace_back(entry.first);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> DwarfTypes::type_names() {
  std::vector<std::string> names;
  for (auto& [name, entry] : names_)
    if (resolve(entry) && dwarf_tag(&entry.die) != DW_TAG_base_type) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

bool DwarfTypes::canonical(Dwarf_Die& die, Dwarf_Die& out) {
  const char* prefix = name_prefix(dwarf_tag(&die));
  std::string name = die_name(die);
  if (prefix == nullptr || name.empty()) return false;
  auto it = names_.find(prefix + name);
  if (it == names_.end() || !resolve(it->second)) return false;
  Dwarf_Die& indexed = it->second.die;
  if (indexed.addr == die.addr || is_declaration(indexed)) return false;
  // A declaration stands for the definition found elsewhere, if any.
  if (!is_declaration(die) && !same_shape(die, indexed, 2)) return false;
  out = indexed;
  return true;
}

}  // namespace ovsq::probes
