#pragma once
// Converts DWARF type DIEs (libdw) into the probes::Type model, lazily.
//
// Construction walks only the top-level DIEs of every unit (and of the
// dwz supplementary file, when there is one) to index the names of
// struct/union/enum/typedef/base types and of enumerators.  A DIE is
// converted the first time it is asked for and cached by its address in
// the debug sections.  A named type that several units define alike (a
// header's struct) becomes one Type, so TypeRefs can be compared; the
// Types live in a deque owned by this object, so every TypeRef stays valid
// for its lifetime.
#include <elfutils/libdw.h>

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "probes/dwarf_index_cache.h"
#include "probes/types.h"

namespace ovsq::probes {

class DwarfTypes {
 public:
  // Indexes the names by a walk over every unit (of the dwz file too).
  explicit DwarfTypes(Dwarf* dwarf);
  // Takes the names from a cache file's index (probes/dwarf_index_cache.h)
  // instead.  `load_unit`, when given, is called with a DIE's offset in the
  // main file before the DIE is read (probes/sparse_dwarf_file.h).
  // matches() says whether the index is this DWARF's.
  DwarfTypes(Dwarf* dwarf, DwarfIndexEntries cached,
             std::function<void(Dwarf_Off)> load_unit = {});
  bool matches() const { return matches_; }
  // The index, for the cache file.
  const DwarfIndexEntries& index() const { return index_; }

  // A named type: "struct X", "union X", "enum X", or a typedef or base
  // type name exactly as DWARF spells it ("ovs_u128", "long unsigned int").
  // Complete definitions are preferred over declarations.  nullptr if none.
  TypeRef named(std::string_view key);
  // The enum type that has an enumerator `name` (the typedef naming it,
  // for an anonymous enum), or nullptr.
  TypeRef enum_of(std::string_view name);
  // Every enumerator name, sorted.
  std::vector<std::string> enumerator_names() const;
  // The names `named` finds for structs, unions, enums and typedefs
  // ("struct udpif_key", "ovs_u128"; not base types), sorted.
  std::vector<std::string> type_names() const;

  // Types that are not looked up in DWARF.
  TypeRef void_type();
  TypeRef pointer_to(TypeRef target);
  TypeRef synthesized_int(const std::string& name, uint64_t size,
                          bool is_signed);

 private:
  struct Walk;
  void walk(Dwarf* dwarf, Walk& walk) const;
  void use_index(DwarfIndexEntries index);
  bool spot_check();
  // An indexed DIE, read the first time it is asked for (with the cache,
  // the walk that would have read it was skipped); nullptr when the
  // offset names no DIE (a damaged cache file).
  Dwarf_Die* resolve(DieRef ref);
  DieRef ref_of(Dwarf_Die& die) const;
  static uint64_t key_of(DieRef ref);
  TypeRef convert(Dwarf_Die die);
  TypeRef convert_uncached(Dwarf_Die& die);
  TypeRef convert_target(Dwarf_Die& die);  // DW_AT_type, or void
  TypeRef convert_typedef(Dwarf_Die& die);
  TypeRef convert_aggregate(Dwarf_Die& die, TypeKind kind);
  TypeRef convert_enum(Dwarf_Die& die);
  TypeRef convert_array(Dwarf_Die& die);
  TypeRef convert_pointer(Dwarf_Die& die);
  TypeRef convert_function(Dwarf_Die& die);
  Member convert_member(Dwarf_Die& die);
  // The DIE that stands for the named type `die` (a struct/union/enum,
  // typedef or base type): the indexed one with that name, when it is
  // another DIE describing the same type, or the definition of a
  // declaration.  False when `die` stands for itself.
  bool canonical(Dwarf_Die& die, Dwarf_Die& out);
  void finish_pending();
  void fill_pending(const Type* type);
  Type& add(TypeKind kind, std::string name);

  Dwarf* main_;
  Dwarf* alt_;  // the dwz supplementary file, or null
  DwarfIndexEntries index_;
  std::unordered_map<uint64_t, DieRef> enum_typedefs_;  // anonymous enum (key_of) -> typedef
  std::unordered_map<uint64_t, Dwarf_Die> dies_;        // resolved, by key_of
  std::function<void(Dwarf_Off)> load_unit_;
  bool matches_ = true;
  std::deque<Type> types_;
  std::unordered_map<const void*, TypeRef> cache_;  // by Dwarf_Die::addr
  std::unordered_map<TypeRef, TypeRef> pointers_;
  std::unordered_map<std::string, TypeRef> synthesized_;
  TypeRef void_ = nullptr;

  // Aggregates and typedefs whose conversion has begun but not ended, and
  // typedefs that must copy their underlying type once it is complete
  // (typedef -> underlying), done when the outermost convert() returns.
  std::unordered_set<TypeRef> in_progress_;
  std::unordered_map<TypeRef, TypeRef> pending_;
  int depth_ = 0;
};

}  // namespace ovsq::probes
