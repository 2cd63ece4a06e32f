#include "probes/dwarf_types.h"

#include "probes/dwarf_die.h"

namespace ovsq::probes {

namespace {

using namespace dwarf;

// "int (*)(void *, int)" for a pointer to "int (void *, int)".
std::string pointer_name(const Type& target) {
  if (target.kind == TypeKind::Function) {
    size_t paren = target.name.find(" (");
    if (paren != std::string::npos)
      return target.name.substr(0, paren) + " (*)" +
             target.name.substr(paren + 1);
  }
  if (!target.name.empty() && target.name.back() == '*')
    return target.name + "*";
  return target.name + " *";
}

}  // namespace

Type& DwarfTypes::add(TypeKind kind, std::string name) {
  Type& t = types_.emplace_back();
  t.kind = kind;
  t.name = std::move(name);
  return t;
}

TypeRef DwarfTypes::void_type() {
  if (void_ == nullptr) void_ = &add(TypeKind::Void, "void");
  return void_;
}

TypeRef DwarfTypes::pointer_to(TypeRef target) {
  auto [it, added] = pointers_.try_emplace(target, nullptr);
  if (added) {
    Type& p = add(TypeKind::Pointer, pointer_name(*target));
    p.size = 8;
    p.target = target;
    it->second = &p;
  }
  return it->second;
}

TypeRef DwarfTypes::synthesized_int(const std::string& name, uint64_t size,
                                    bool is_signed) {
  auto [it, added] = synthesized_.try_emplace(name, nullptr);
  if (added) {
    Type& t = add(name == "_Bool" ? TypeKind::Bool : TypeKind::Int, name);
    t.size = size;
    t.is_signed = is_signed;
    it->second = &t;
  }
  return it->second;
}

TypeRef DwarfTypes::convert(Dwarf_Die die) {
  if (auto it = cache_.find(die.addr); it != cache_.end()) return it->second;
  ++depth_;
  Dwarf_Die canon;
  TypeRef type = canonical(die, canon) ? convert(canon) : convert_uncached(die);
  cache_.emplace(die.addr, type);
  if (--depth_ == 0) finish_pending();
  return type;
}

TypeRef DwarfTypes::convert_target(Dwarf_Die& die) {
  Dwarf_Die target;
  return ref_die(die, DW_AT_type, target) ? convert(target) : void_type();
}

TypeRef DwarfTypes::convert_uncached(Dwarf_Die& die) {
  switch (dwarf_tag(&die)) {
    case DW_TAG_base_type: {
      Dwarf_Word enc = 0;
      udata(die, DW_AT_encoding, enc);
      TypeKind kind = TypeKind::Void;  // float, complex...: opaque
      if (enc == DW_ATE_boolean) kind = TypeKind::Bool;
      if (enc == DW_ATE_signed || enc == DW_ATE_signed_char ||
          enc == DW_ATE_unsigned || enc == DW_ATE_unsigned_char ||
          enc == DW_ATE_UTF)
        kind = TypeKind::Int;
      Type& t = add(kind, die_name(die));
      t.size = dwarf_bytesize(&die) > 0 ? dwarf_bytesize(&die) : 0;
      t.is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
      return &t;
    }
    case DW_TAG_unspecified_type:
      return void_type();
    case DW_TAG_typedef:
      return convert_typedef(die);
    case DW_TAG_const_type:
    case DW_TAG_volatile_type:
    case DW_TAG_restrict_type:
    case DW_TAG_atomic_type:
    case DW_TAG_immutable_type:
      return convert_target(die);
    case DW_TAG_pointer_type:
    case DW_TAG_reference_type:
    case DW_TAG_rvalue_reference_type:
      return convert_pointer(die);
    case DW_TAG_structure_type:
    case DW_TAG_class_type:
      return convert_aggregate(die, TypeKind::Struct);
    case DW_TAG_union_type:
      return convert_aggregate(die, TypeKind::Union);
    case DW_TAG_enumeration_type:
      return convert_enum(die);
    case DW_TAG_array_type:
      return convert_array(die);
    case DW_TAG_subroutine_type:
      return convert_function(die);
    default:
      return &add(TypeKind::Void, "<unknown>");
  }
}

TypeRef DwarfTypes::convert_typedef(Dwarf_Die& die) {
  Type& t = add(TypeKind::Void, die_name(die));
  cache_.emplace(die.addr, &t);
  in_progress_.insert(&t);
  TypeRef target = convert_target(die);
  in_progress_.erase(&t);
  // A typedef of an aggregate still being converted (a recursive type)
  // copies it once it is complete.
  pending_.emplace(&t, target);
  if (in_progress_.count(target) == 0 && pending_.count(target) == 0)
    fill_pending(&t);
  return &t;
}

TypeRef DwarfTypes::convert_aggregate(Dwarf_Die& die, TypeKind kind) {
  const char* prefix = kind == TypeKind::Struct ? "struct " : "union ";
  std::string name = die_name(die);
  Type& t = add(kind, prefix + (name.empty() ? "<anonymous>" : name));
  cache_.emplace(die.addr, &t);
  if (is_declaration(die)) {
    t.complete = false;
    return &t;
  }
  t.size = dwarf_bytesize(&die) > 0 ? dwarf_bytesize(&die) : 0;
  in_progress_.insert(&t);
  for_children(die, DW_TAG_member, [&](Dwarf_Die& member) {
    t.members.push_back(convert_member(member));
  });
  in_progress_.erase(&t);
  return &t;
}

Member DwarfTypes::convert_member(Dwarf_Die& die) {
  Member m;
  m.name = die_name(die);
  m.type = convert_target(die);
  uint64_t byte_offset = 0;
  Dwarf_Attribute attr;
  if (dwarf_attr_integrate(&die, DW_AT_data_member_location, &attr)) {
    Dwarf_Word value = 0;
    Dwarf_Op* ops = nullptr;
    size_t n = 0;
    if (dwarf_formudata(&attr, &value) == 0) {
      byte_offset = value;
    } else if (dwarf_getlocation(&attr, &ops, &n) == 0 && n == 1 &&
               ops[0].atom == DW_OP_plus_uconst) {  // DWARF 2 style
      byte_offset = ops[0].number;
    }
  }
  Dwarf_Word bit_size = 0;
  if (!udata(die, DW_AT_bit_size, bit_size) || bit_size == 0) {
    m.offset = byte_offset;
    return m;
  }
  // A bit-field: find its first bit counted from the aggregate's start
  // (little-endian numbering), then split it into a byte and a bit.
  uint64_t first_bit = byte_offset * 8;
  Dwarf_Word value = 0;
  if (udata(die, DW_AT_data_bit_offset, value)) {
    first_bit = value;
  } else if (udata(die, DW_AT_bit_offset, value)) {
    // DWARF 2/3: counted from the most significant bit of the storage
    // unit (DW_AT_byte_size, or the member type's size).
    int storage = dwarf_bytesize(&die);
    uint64_t storage_bits =
        8 * (storage > 0 ? static_cast<uint64_t>(storage) : target_size(die));
    first_bit = byte_offset * 8 + storage_bits - value - bit_size;
  }
  m.bit_size = static_cast<uint32_t>(bit_size);
  m.offset = first_bit / 8;
  m.bit_offset = static_cast<uint32_t>(first_bit % 8);
  return m;
}

TypeRef DwarfTypes::convert_enum(Dwarf_Die& die) {
  std::string name = die_name(die);
  Type& t = add(TypeKind::Enum, "enum " + (name.empty() ? "<anonymous>" : name));
  cache_.emplace(die.addr, &t);
  if (is_declaration(die)) {
    t.complete = false;
    return &t;
  }
  t.size = dwarf_bytesize(&die) > 0 ? dwarf_bytesize(&die) : 0;
  Dwarf_Die underlying;
  if (ref_die(die, DW_AT_type, underlying))
    t.is_signed = convert(underlying)->is_signed;
  for_children(die, DW_TAG_enumerator, [&](Dwarf_Die& e) {
    Enumerator en;
    en.name = die_name(e);
    Dwarf_Attribute attr;
    if (dwarf_attr_integrate(&e, DW_AT_const_value, &attr) != nullptr) {
      unsigned form = dwarf_whatform(&attr);
      Dwarf_Sword s = 0;
      Dwarf_Word u = 0;
      if (form == DW_FORM_sdata || form == DW_FORM_implicit_const) {
        dwarf_formsdata(&attr, &s);
        en.value = s;
      } else if (dwarf_formudata(&attr, &u) == 0) {
        int bits = form == DW_FORM_data1 ? 8 : form == DW_FORM_data2 ? 16
                 : form == DW_FORM_data4 ? 32 : 64;
        if (t.is_signed && bits < 64 && (u >> (bits - 1)) & 1)
          u |= ~uint64_t{0} << bits;  // sign-extend
        en.value = static_cast<int64_t>(u);
      }
    }
    if (en.value < 0) t.is_signed = true;
    t.enumerators.push_back(std::move(en));
  });
  return &t;
}

TypeRef DwarfTypes::convert_array(Dwarf_Die& die) {
  TypeRef element = convert_target(die);
  uint64_t size = target_size(die);
  if (size == 0) size = element->size;
  std::vector<uint64_t> counts;
  for_children(die, DW_TAG_subrange_type, [&](Dwarf_Die& range) {
    Dwarf_Word n = 0;
    if (udata(range, DW_AT_count, n)) {
      counts.push_back(n);
    } else if (udata(range, DW_AT_upper_bound, n)) {
      counts.push_back(n == ~Dwarf_Word{0} ? 0 : n + 1);  // [0] is bound -1
    } else {
      counts.push_back(0);  // flexible array member []
    }
  });
  if (counts.empty()) counts.push_back(0);
  // int m[2][3] is an array of 2 arrays of 3 ints: build from the inside.
  TypeRef type = element;
  std::string suffix;
  for (size_t i = counts.size(); i-- > 0;) {
    size *= counts[i];
    suffix = "[" + (counts[i] ? std::to_string(counts[i]) : "") + "]" + suffix;
    Type& a = add(TypeKind::Array, element->name + suffix);
    a.target = type;
    a.count = counts[i];
    a.size = size;
    type = &a;
  }
  return type;
}

TypeRef DwarfTypes::convert_pointer(Dwarf_Die& die) {
  TypeRef target = convert_target(die);
  // Converting the target may have come back here (struct node { struct
  // node *next; }): the pointer is then cached already.
  if (auto it = cache_.find(die.addr); it != cache_.end()) return it->second;
  return pointer_to(target);
}

TypeRef DwarfTypes::convert_function(Dwarf_Die& die) {
  TypeRef ret = convert_target(die);
  std::string params;
  bool any = false;
  for_children(die, 0, [&](Dwarf_Die& child) {
    int tag = dwarf_tag(&child);
    if (tag != DW_TAG_formal_parameter && tag != DW_TAG_unspecified_parameters)
      return;
    if (any) params += ", ";
    params += tag == DW_TAG_formal_parameter ? convert_target(child)->name
                                             : "...";
    any = true;
  });
  if (!any && dwarf_hasattr(&die, DW_AT_prototyped)) params = "void";
  if (auto it = cache_.find(die.addr); it != cache_.end()) return it->second;
  return &add(TypeKind::Function, ret->name + " (" + params + ")");
}

void DwarfTypes::finish_pending() {
  while (!pending_.empty()) fill_pending(pending_.begin()->first);
}

// Makes a typedef a copy of its underlying type, under its own name, after
// filling the underlying type first when it is a pending typedef itself.
void DwarfTypes::fill_pending(const Type* type) {
  auto it = pending_.find(type);
  if (it == pending_.end()) return;
  TypeRef target = it->second;
  pending_.erase(it);
  fill_pending(target);
  Type& t = const_cast<Type&>(*type);  // one of our own, never const
  std::string name = std::move(t.name);
  t = *target;
  t.typedef_of = target->typedef_of.empty() ? target->name : target->typedef_of;
  t.name = std::move(name);
}

}  // namespace ovsq::probes
