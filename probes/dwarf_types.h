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
  DwarfIndexEntries entries();
  DwarfTypes(const DwarfTypes&) = delete;
  DwarfTypes& operator=(const DwarfTypes&) = delete;

  // A named type: "struct X", "union X", "enum X", or a typedef or base
  // type name exactly as DWARF spells it ("ovs_u128", "long unsigned int").
  // Complete definitions are preferred over declarations.  nullptr if none.
  TypeRef named(const std::string& key);
  // The enum type that has an enumerator `name` (the typedef naming it,
  // for an anonymous enum), or nullptr.
  TypeRef enum_of(std::string_view name);
  // Every enumerator name, sorted.
  std::vector<std::string> enumerator_names() const;
  // The names `named` finds for structs, unions, enums and typedefs
  // ("struct udpif_key", "ovs_u128"; not base types), sorted.
  std::vector<std::string> type_names();

  // Types that are not looked up in DWARF.
  TypeRef void_type();
  TypeRef pointer_to(TypeRef target);
  TypeRef synthesized_int(const std::string& name, uint64_t size,
                          bool is_signed);

 private:
  void index(Dwarf* dwarf);
  // A name's DIE: found by the walk, or (from the cache file) its offset,
  // resolved to a DIE on first use.
  struct Indexed {
    Dwarf_Die die{};
    DieRef ref;
    bool resolved = true;
  };
  void restore(DwarfIndexEntries entries);
  bool spot_check();
  Indexed walked(Dwarf_Die& die) const;
  // False when the offset names no DIE (a damaged cache file).
  bool resolve(Indexed& entry) const;
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
  DwarfIndexEntries restored_;
  std::function<void(Dwarf_Off)> load_unit_;
  bool matches_ = true;
  std::vector<uint64_t> units_;  // of main_, as the walk found them
  std::deque<Type> types_;
  std::unordered_map<std::string, Indexed> names_;
  // Views of the DWARF's strings, which live as long as the Dwarf handle.
  std::unordered_map<std::string_view, Indexed> enumerators_;
  // Anonymous enum DIE (key_of its ref) -> the typedef that names it.
  std::unordered_map<uint64_t, Indexed> enum_typedefs_;
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
