#pragma once
// The C type model shared by the DWARF reader (probes/debug_info) and the
// semantic pass (frontend/sema).  Typedefs, const/volatile and _Atomic are
// resolved away to the underlying type; `name` keeps the C spelling a user
// would recognise ("ovs_u128", "struct udpif_key", "enum reval_result").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ovsq::probes {

struct Type;
using TypeRef = const Type*;  // owned by a TypeTable; never null where used

enum class TypeKind {
  Void,      // void, or a type we cannot describe (opaque)
  Int,       // char, short, int, long, size_t, uint16_t... (size, is_signed)
  Bool,      // _Bool
  Enum,      // size, is_signed, enumerators
  Pointer,   // target (may be an incomplete struct: members empty)
  Struct,    // size, members
  Union,     // size, members
  Array,     // target = element type, count (0 for flexible [])
  Function,  // only ever seen behind a pointer
};

struct Member {
  std::string name;      // empty for an anonymous struct/union member
  uint64_t offset = 0;   // bytes from the start of the enclosing aggregate
  TypeRef type = nullptr;
  uint32_t bit_size = 0;    // non-zero for bit-fields
  uint32_t bit_offset = 0;  // from the start of the byte at `offset`
};

struct Enumerator {
  std::string name;
  int64_t value = 0;
};

struct Type {
  TypeKind kind = TypeKind::Void;
  std::string name;     // C spelling for messages: "struct udpif_key", "uint32_t"
  // A typedef's copy of the type it names: that type's name, through
  // typedefs of typedefs ("struct fx_list", "union <anonymous>", "long
  // unsigned int"); empty for any other type.
  std::string typedef_of;
  uint64_t size = 0;    // bytes; 0 for void, functions, incomplete types
  bool is_signed = false;
  bool complete = true; // false for a declared-only struct/union/enum
  // A struct from ovsq's built-in layouts (no DWARF): `members` holds only
  // the members ovsq knows; the real struct has more, and `size` is 0.
  bool partial = false;
  TypeRef target = nullptr;       // Pointer: pointee; Array: element
  uint64_t count = 0;             // Array: element count
  std::vector<Member> members;    // Struct, Union
  std::vector<Enumerator> enumerators;  // Enum

  bool is_integer() const {
    return kind == TypeKind::Int || kind == TypeKind::Bool ||
           kind == TypeKind::Enum;
  }
  bool is_aggregate() const {
    return kind == TypeKind::Struct || kind == TypeKind::Union;
  }
  // Finds a named member, looking through anonymous struct/union members
  // (their offsets are added).  Returns nullopt when there is none.
  std::optional<Member> find_member(std::string_view member_name) const;
  // Names of all members reachable by find_member, for "did you mean".
  std::vector<std::string> member_names() const;
  // Enumerator name for a value, or nullopt.
  std::optional<std::string> enumerator_name(int64_t value) const;
};

// A C type spelling taken apart the way both type tables look it up:
// "const struct udpif_key *" is words {"struct", "udpif_key"} and 1 star;
// qualifiers (const, volatile, restrict, _Atomic) are dropped wherever
// they stand.  nullopt for no words, or a name after a '*'.
struct CSpelling {
  std::vector<std::string> words;
  int stars = 0;
};
std::optional<CSpelling> split_c_spelling(std::string_view spelling);

// A C integer spelling ("unsigned", "long long", "short int") as the DWARF
// base type name gcc and clang use ("unsigned int", "long long int"), with
// its x86_64 size and signedness (char is signed); nullopt if the words
// are not one.
struct CInteger {
  std::string name;
  uint64_t size = 4;
  bool is_signed = true;
};
std::optional<CInteger> c_integer(const std::vector<std::string>& words);

}  // namespace ovsq::probes
