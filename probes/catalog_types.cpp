// Upstream Open vSwitch's types on x86_64, from tables (see catalog_types.h).
// Offsets: shared/reference/ovs-usdt-probes.md (udpif_key, dpif_flow_put,
// from the DWARF of a gcc 12 build) and upstream lib/dpif.h (dpif_flow_del,
// dpif_flow_get, laid out by the x86_64 psABI).
#include "probes/catalog_types.h"

#include <algorithm>
#include <deque>
#include <map>
#include <tuple>

#include "probes/catalog.h"

namespace ovsq::probes {
namespace {

class BuiltinDebugInfo : public DebugInfo {
 public:
  BuiltinDebugInfo();

  const std::string& source() const override { return source_; }
  TypeRef find_type(std::string_view c_spelling) override;
  TypeRef find_enumerator(std::string_view name) override {
    auto it = enumerators_.find(name);
    return it == enumerators_.end() ? nullptr : it->second;
  }
  std::vector<std::string> enumerator_names() override {
    std::vector<std::string> names;
    for (const auto& [name, type] : enumerators_) names.push_back(name);
    return names;  // sorted: a std::map
  }
  std::vector<std::string> type_names() override { return type_names_; }

 private:
  Type& add(TypeKind kind, std::string name, uint64_t size) {
    Type& t = types_.emplace_back();
    t.kind = kind;
    t.name = std::move(name);
    t.size = size;
    return t;
  }
  // An integer type by its C name, made once.
  TypeRef integer(const std::string& name, uint64_t size, bool is_signed);
  TypeRef pointer_to(TypeRef target);
  // "struct X": the built-in layout, else an incomplete struct made once.
  TypeRef aggregate(const std::string& key);
  TypeRef integer_spelling(const std::vector<std::string>& words);
  void add_struct(const std::string& key,
                  std::vector<std::pair<std::string, std::pair<uint64_t, TypeRef>>> members,
                  uint64_t size, bool partial = false);

  std::string source_ = "ovsq's built-in types";
  std::deque<Type> types_;
  std::map<std::string, TypeRef> named_;  // "struct udpif_key", "ovs_u128", "size_t"
  std::map<TypeRef, TypeRef> pointers_;
  std::map<std::string, TypeRef, std::less<>> enumerators_;
  std::vector<std::string> type_names_;  // sorted
};

BuiltinDebugInfo::BuiltinDebugInfo() {
  named_["void"] = &add(TypeKind::Void, "void", 0);
  named_["_Bool"] = &add(TypeKind::Bool, "_Bool", 1);
  // The typedefs of <stdint.h> and <stddef.h> on x86_64, under their own
  // names (as the DWARF reader resolves a typedef).
  for (auto [name, size, is_signed, base] :
       std::vector<std::tuple<const char*, uint64_t, bool, const char*>>{
           {"uint8_t", 1, false, "unsigned char"},
           {"uint16_t", 2, false, "short unsigned int"},
           {"uint32_t", 4, false, "unsigned int"},
           {"uint64_t", 8, false, "long unsigned int"},
           {"int8_t", 1, true, "signed char"},
           {"int16_t", 2, true, "short int"},
           {"int32_t", 4, true, "int"},
           {"int64_t", 8, true, "long int"},
           {"size_t", 8, false, "long unsigned int"},
           {"ssize_t", 8, true, "long int"}}) {
    Type& t = add(TypeKind::Int, name, size);
    t.is_signed = is_signed;
    t.typedef_of = base;
    named_[name] = &t;
  }

  for (const CatalogEnum& e : catalog_enums()) {
    Type& t = add(TypeKind::Enum, "enum " + e.name, 4);
    t.is_signed = false;  // gcc: unsigned int, as no enumerator is negative
    for (const CatalogEnumerator& en : e.enumerators) {
      t.enumerators.push_back({en.name, en.value});
      enumerators_[en.name] = &t;
    }
    named_[t.name] = &t;
  }

  // typedef union { uint32_t u32[4]; struct { uint64_t lo, hi; } u64; } ovs_u128;
  TypeRef u32 = named_["uint32_t"];
  TypeRef u64 = named_["uint64_t"];
  Type& u32_array = add(TypeKind::Array, "uint32_t[4]", 16);
  u32_array.target = u32;
  u32_array.count = 4;
  Type& lo_hi = add(TypeKind::Struct, "struct <anonymous>", 16);
  lo_hi.members = {{"lo", 0, u64}, {"hi", 8, u64}};
  Type& u128 = add(TypeKind::Union, "ovs_u128", 16);
  u128.typedef_of = "union <anonymous>";
  u128.members = {{"u32", 0, &u32_array}, {"u64", 0, &lo_hi}};
  named_["ovs_u128"] = &u128;

  // Holds an _Atomic pointer; its insides are of no use to a query.
  Type& cmap_node = add(TypeKind::Struct, "struct cmap_node", 8);
  cmap_node.complete = false;
  named_[cmap_node.name] = &cmap_node;

  TypeRef nlattr = pointer_to(aggregate("struct nlattr"));
  TypeRef size_t_ = named_["size_t"];
  TypeRef unsigned_int = integer("unsigned int", 4, false);
  TypeRef ufid_pointer = pointer_to(&u128);
  add_struct("struct udpif_key",
             {{"cmap_node", {0, &cmap_node}},
              {"key", {8, nlattr}},
              {"key_len", {16, size_t_}},
              {"mask", {24, nlattr}},
              {"mask_len", {32, size_t_}},
              {"ufid", {40, &u128}},
              {"ufid_present", {56, named_["_Bool"]}},
              {"hash", {60, u32}},
              {"pmd_id", {64, unsigned_int}}},
             0, true);
  add_struct("struct dpif_flow_put",
             {{"flags", {0, named_["enum dpif_flow_put_flags"]}},
              {"key", {8, nlattr}},
              {"key_len", {16, size_t_}},
              {"mask", {24, nlattr}},
              {"mask_len", {32, size_t_}},
              {"actions", {40, nlattr}},
              {"actions_len", {48, size_t_}},
              {"ufid", {56, ufid_pointer}},
              {"pmd_id", {64, unsigned_int}},
              {"stats", {72, pointer_to(aggregate("struct dpif_flow_stats"))}}},
             80);
  add_struct("struct dpif_flow_del",
             {{"key", {0, nlattr}},
              {"key_len", {8, size_t_}},
              {"ufid", {16, ufid_pointer}},
              {"terse", {24, named_["_Bool"]}},
              {"pmd_id", {28, unsigned_int}},
              {"stats", {32, pointer_to(aggregate("struct dpif_flow_stats"))}}},
             40);
  add_struct("struct dpif_flow_get",
             {{"key", {0, nlattr}},
              {"key_len", {8, size_t_}},
              {"ufid", {16, ufid_pointer}},
              {"pmd_id", {24, unsigned_int}},
              {"buffer", {32, pointer_to(aggregate("struct ofpbuf"))}},
              {"flow", {40, pointer_to(aggregate("struct dpif_flow"))}}},
             48);

  // What type_names() lists: the enums, the structs and unions with a
  // layout, and the typedefs; not C's base types (as the DWARF's list),
  // nor the structs known only by name (nlattr, cmap_node).
  for (const auto& [name, type] : named_) {
    std::optional<CSpelling> split = split_c_spelling(name);
    bool base = type->kind == TypeKind::Void || type->kind == TypeKind::Bool ||
                (split && c_integer(split->words));
    bool nameless = type->is_aggregate() && !type->complete;
    if (!base && !nameless) type_names_.push_back(name);
  }
}

void BuiltinDebugInfo::add_struct(
    const std::string& key,
    std::vector<std::pair<std::string, std::pair<uint64_t, TypeRef>>> members,
    uint64_t size, bool partial) {
  Type& t = add(TypeKind::Struct, key, size);
  t.partial = partial;
  for (auto& [name, where] : members)
    t.members.push_back({name, where.first, where.second});
  named_[key] = &t;
}

TypeRef BuiltinDebugInfo::integer(const std::string& name, uint64_t size,
                                  bool is_signed) {
  auto it = named_.find(name);
  if (it != named_.end()) return it->second;
  Type& t = add(TypeKind::Int, name, size);
  t.is_signed = is_signed;
  return named_[name] = &t;
}

TypeRef BuiltinDebugInfo::pointer_to(TypeRef target) {
  auto it = pointers_.find(target);
  if (it != pointers_.end()) return it->second;
  std::string name = target->name;
  name += !name.empty() && name.back() == '*' ? "*" : " *";
  Type& p = add(TypeKind::Pointer, name, 8);
  p.target = target;
  return pointers_[target] = &p;
}

TypeRef BuiltinDebugInfo::aggregate(const std::string& key) {
  auto it = named_.find(key);
  if (it != named_.end()) return it->second;
  bool is_union = key.rfind("union ", 0) == 0;
  Type& t = add(is_union ? TypeKind::Union : TypeKind::Struct, key, 0);
  t.complete = false;
  return named_[key] = &t;
}

// A C integer spelling ("unsigned", "long long", "short int") under the
// name gcc's DWARF gives it ("unsigned int", "long long int"); nullptr if
// the words are not one.
TypeRef BuiltinDebugInfo::integer_spelling(const std::vector<std::string>& words) {
  std::optional<CInteger> c = c_integer(words);
  return c ? integer(c->name, c->size, c->is_signed) : nullptr;
}

TypeRef BuiltinDebugInfo::find_type(std::string_view spelling) {
  std::optional<CSpelling> split = split_c_spelling(spelling);
  if (!split) return nullptr;
  const std::vector<std::string>& words = split->words;
  const int stars = split->stars;

  TypeRef type = nullptr;
  const std::string& first = words[0];
  if (first == "struct" || first == "union") {
    if (words.size() == 2) type = aggregate(first + " " + words[1]);
  } else if (first == "enum") {
    if (words.size() == 2) {
      auto it = named_.find("enum " + words[1]);
      if (it != named_.end()) type = it->second;
    }
  } else if (words.size() == 1 && first == "bool") {
    type = named_["_Bool"];
  } else if ((type = integer_spelling(words)) == nullptr && words.size() == 1) {
    auto it = named_.find(first);
    if (it != named_.end()) type = it->second;
  }
  for (int i = 0; type != nullptr && i < stars; ++i) type = pointer_to(type);
  return type;
}

}  // namespace

std::unique_ptr<DebugInfo> builtin_debug_info() {
  return std::make_unique<BuiltinDebugInfo>();
}

bool is_builtin(const DebugInfo& info) {
  return dynamic_cast<const BuiltinDebugInfo*>(&info) != nullptr;
}

OpenedDebugInfo open_debug_info(const std::string& binary,
                                const DebugInfoOptions& options) {
  try {
    return {DebugInfo::open(binary, options), ""};
  } catch (const NoDebugInfoError& e) {
    if (!options.debug_file.empty()) throw;  // never thrown for one; be sure
    return {builtin_debug_info(),
            "no debug info for " + e.binary() + " (" + e.reason() +
                "); using ovsq's built-in enum values and layouts of "
                "upstream Open vSwitch, which may not match this build"};
  }
}

}  // namespace ovsq::probes
