// probes/debug_info and probes/types: DWARF types of the sdt_fixture build
// (see the layout comments in sdt_fixture.c), looked up by C spelling.
// Finding the debug info, and the sim's types: debug_info_search_test.cpp.
#include "probes/debug_info.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "probes_test_util.h"

namespace {

using namespace ovsq::probes;
using namespace ovsq::testing;

// Each test runs on the default build (DWARF 5), on the DWARF 2 one, and
// on the default build after dwz (types in partial units, some in the
// supplementary file).
class FixtureTypes : public ::testing::TestWithParam<std::string (*)()> {
 protected:
  void SetUp() override {
    if (GetParam()().empty()) GTEST_SKIP() << "dwz is not installed";
    info_ = DebugInfo::open(GetParam()(), {});
  }
  TypeRef type(std::string_view spelling) {
    TypeRef t = info_->find_type(spelling);
    EXPECT_NE(t, nullptr) << spelling;
    return t;
  }
  Member member(TypeRef aggregate, std::string_view name) {
    std::optional<Member> m = aggregate->find_member(name);
    EXPECT_TRUE(m.has_value()) << name;
    return m.value_or(Member{});
  }
  std::unique_ptr<DebugInfo> info_;
};

TEST_P(FixtureTypes, StructLayout) {
  EXPECT_EQ(info_->source(), GetParam()());
  TypeRef key = type("struct fx_key");
  EXPECT_EQ(key->kind, TypeKind::Struct);
  EXPECT_EQ(key->name, "struct fx_key");
  EXPECT_EQ(key->size, 168u);
  EXPECT_TRUE(key->complete);
  const std::pair<const char*, uint64_t> offsets[] = {
      {"node", 0},      {"opaque", 8},    {"len", 16},    {"ufid", 24},
      {"result", 48},   {"callback", 56}, {"cookie", 64}, {"name", 72},
      {"matrix", 88},   {"self", 112},    {"port", 120},  {"present", 122},
      {"list", 128},    {"anon", 160},    {"sig", 164},   {"tail", 168},
  };
  for (auto [name, offset] : offsets) {
    EXPECT_EQ(member(key, name).offset, offset) << name;
    EXPECT_EQ(member(key, name).bit_size, 0u) << name;
  }
  EXPECT_EQ(key->member_names(),
            (std::vector<std::string>{
                "node", "opaque", "len", "ufid", "flags", "kind", "wide",
                "as_int", "as_float", "result", "callback", "cookie", "name",
                "matrix", "self", "port", "present", "list", "anon", "sig",
                "tail"}));
  EXPECT_FALSE(key->find_member("nosuch").has_value());
  EXPECT_FALSE(key->find_member("").has_value());
}

TEST_P(FixtureTypes, UnionTypedef) {
  TypeRef key = type("struct fx_key");
  TypeRef u128 = member(key, "ufid").type;
  EXPECT_EQ(u128, type("fx_u128"));
  EXPECT_EQ(u128->kind, TypeKind::Union);
  EXPECT_EQ(u128->name, "fx_u128");
  EXPECT_EQ(u128->typedef_of, "union <anonymous>");
  EXPECT_EQ(u128->size, 16u);
  Member u32 = member(u128, "u32");
  EXPECT_EQ(u32.offset, 0u);
  EXPECT_EQ(u32.type->kind, TypeKind::Array);
  EXPECT_EQ(u32.type->name, "uint32_t[4]");
  EXPECT_EQ(u32.type->count, 4u);
  EXPECT_EQ(u32.type->size, 16u);
  EXPECT_EQ(u32.type->target->name, "uint32_t");
  EXPECT_EQ(u32.type->target->size, 4u);
  EXPECT_FALSE(u32.type->target->is_signed);
  TypeRef u64 = member(u128, "u64").type;
  EXPECT_EQ(u64->name, "struct <anonymous>");
  EXPECT_EQ(member(u64, "hi").offset, 8u);
  EXPECT_EQ(member(u64, "hi").type->name, "uint64_t");
  // A named member of anonymous type is not looked through.
  EXPECT_FALSE(u128->find_member("lo").has_value());
  EXPECT_EQ(info_->find_type("union fx_u128"), nullptr);
}

TEST_P(FixtureTypes, AtomicPointerMember) {
  TypeRef node = member(type("struct fx_key"), "node").type;
  EXPECT_EQ(node, type("struct fx_node"));
  EXPECT_EQ(node->size, 8u);
  TypeRef next = member(node, "next").type;
  EXPECT_EQ(next->name, "struct <anonymous>");
  Member p = member(next, "p");  // _Atomic(struct fx_node *)
  EXPECT_EQ(p.type->kind, TypeKind::Pointer);
  EXPECT_EQ(p.type->name, "struct fx_node *");
  EXPECT_EQ(p.type->size, 8u);
  EXPECT_EQ(p.type->target, node);
}

TEST_P(FixtureTypes, BitFieldsAndAnonymousUnion) {
  TypeRef key = type("struct fx_key");
  const struct {
    const char* name;
    uint64_t offset;
    uint32_t bit_offset, bit_size;
  } fields[] = {{"flags", 40, 0, 3}, {"kind", 40, 3, 5}, {"wide", 41, 0, 12}};
  for (const auto& f : fields) {
    Member m = member(key, f.name);
    EXPECT_EQ(m.offset, f.offset) << f.name;
    EXPECT_EQ(m.bit_offset, f.bit_offset) << f.name;
    EXPECT_EQ(m.bit_size, f.bit_size) << f.name;
    EXPECT_EQ(m.type->name, "unsigned int");
  }
  Member as_int = member(key, "as_int");
  EXPECT_EQ(as_int.offset, 44u);
  EXPECT_EQ(as_int.type->name, "int");
  EXPECT_TRUE(as_int.type->is_signed);
  Member as_float = member(key, "as_float");
  EXPECT_EQ(as_float.offset, 44u);
  EXPECT_EQ(as_float.type->kind, TypeKind::Void);  // opaque, but sized
  EXPECT_EQ(as_float.type->size, 4u);
  // The anonymous member itself is there, unnamed.
  auto anon = std::find_if(key->members.begin(), key->members.end(),
                           [](const Member& m) { return m.name.empty(); });
  ASSERT_NE(anon, key->members.end());
  EXPECT_EQ(anon->offset, 44u);
  EXPECT_EQ(anon->type->kind, TypeKind::Union);
  EXPECT_EQ(anon->type->name, "union <anonymous>");
}

TEST_P(FixtureTypes, PointersArraysFunctions) {
  TypeRef key = type("struct fx_key");
  TypeRef opaque = member(key, "opaque").type;
  EXPECT_EQ(opaque->name, "struct fx_opaque *");
  EXPECT_FALSE(opaque->target->complete);
  EXPECT_EQ(opaque->target->size, 0u);
  EXPECT_EQ(opaque->target, type("struct fx_opaque"));

  TypeRef callback = member(key, "callback").type;
  EXPECT_EQ(callback->kind, TypeKind::Pointer);
  EXPECT_EQ(callback->name, "int (*)(void *, int)");
  EXPECT_EQ(callback->target->kind, TypeKind::Function);
  EXPECT_EQ(callback->target->name, "int (void *, int)");

  TypeRef cookie = member(key, "cookie").type;
  EXPECT_EQ(cookie->name, "void *");
  EXPECT_EQ(cookie->target->kind, TypeKind::Void);

  TypeRef name = member(key, "name").type;
  EXPECT_EQ(name->name, "char[16]");
  EXPECT_EQ(name->size, 16u);
  EXPECT_EQ(name->target->kind, TypeKind::Int);
  EXPECT_TRUE(name->target->is_signed);

  TypeRef matrix = member(key, "matrix").type;
  EXPECT_EQ(matrix->name, "int[2][3]");
  EXPECT_EQ(matrix->count, 2u);
  EXPECT_EQ(matrix->size, 24u);
  EXPECT_EQ(matrix->target->name, "int[3]");
  EXPECT_EQ(matrix->target->count, 3u);
  EXPECT_EQ(matrix->target->size, 12u);
  EXPECT_EQ(matrix->target->target->name, "int");

  TypeRef tail = member(key, "tail").type;
  EXPECT_EQ(tail->name, "uint8_t[]");
  EXPECT_EQ(tail->count, 0u);
  EXPECT_EQ(tail->size, 0u);

  EXPECT_EQ(member(key, "self").type->target, key);
  TypeRef port = member(key, "port").type;  // volatile const uint16_t
  EXPECT_EQ(port->name, "uint16_t");
  EXPECT_EQ(port->size, 2u);
  EXPECT_EQ(member(key, "present").type->kind, TypeKind::Bool);
}

TEST_P(FixtureTypes, Enums) {
  TypeRef result = member(type("struct fx_key"), "result").type;
  EXPECT_EQ(result, type("enum fx_result"));
  EXPECT_EQ(result->kind, TypeKind::Enum);
  EXPECT_EQ(result->size, 4u);
  EXPECT_FALSE(result->is_signed);
  ASSERT_EQ(result->enumerators.size(), 3u);
  EXPECT_EQ(result->enumerators[2].name, "FX_MODIFY");
  EXPECT_EQ(result->enumerators[2].value, 2);
  EXPECT_EQ(result->enumerator_name(1), "FX_DELETE");
  EXPECT_EQ(result->enumerator_name(3), std::nullopt);

  TypeRef sig = type("enum fx_signed");
  EXPECT_TRUE(sig->is_signed);
  EXPECT_EQ(sig->enumerator_name(-2), "FX_NEG");
  EXPECT_EQ(sig->enumerator_name(1000), "FX_BIG");

  EXPECT_EQ(info_->find_enumerator("FX_DELETE"), result);
  EXPECT_EQ(info_->find_enumerator("FX_NEG"), sig);
  TypeRef anon = info_->find_enumerator("FX_ANON_B");  // typedef enum {...}
  ASSERT_NE(anon, nullptr);
  EXPECT_EQ(anon->name, "fx_anon_t");
  EXPECT_EQ(anon->enumerator_name(8), "FX_ANON_B");
  EXPECT_EQ(info_->find_enumerator("FX_NOPE"), nullptr);
  std::vector<std::string> names = info_->enumerator_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const char* n : {"FX_KEEP", "FX_DELETE", "FX_MODIFY", "FX_NEG",
                        "FX_ZERO", "FX_BIG", "FX_ANON_A", "FX_ANON_B"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

// type_names: what find_type finds by name, for the session's `.type`.
// A typedef keeps the name of what it names, through typedef chains.
TEST_P(FixtureTypes, TypedefOf) {
  EXPECT_EQ(type("fx_list_t")->typedef_of, "struct fx_list");
  EXPECT_EQ(type("fx_anon_t")->typedef_of, "enum <anonymous>");
  EXPECT_EQ(type("size_t")->typedef_of, "long unsigned int");
  EXPECT_EQ(type("uint16_t")->typedef_of, "short unsigned int");  // via __uint16_t
  EXPECT_EQ(type("struct fx_list")->typedef_of, "");
  EXPECT_EQ(type("int")->typedef_of, "");
}

TEST_P(FixtureTypes, TypeNames) {
  std::vector<std::string> names = info_->type_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  auto has = [&](const std::string& name) {
    return std::binary_search(names.begin(), names.end(), name);
  };
  for (const char* name :
       {"struct fx_key", "struct fx_node", "struct fx_list", "fx_list_t",
        "fx_u128", "fx_anon_t", "enum fx_result", "enum fx_signed",
        "struct fx_shared", "struct fx_sema_holder", "uint16_t", "size_t",
        "struct fx_opaque"}) {  // declared only, but a name all the same
    EXPECT_TRUE(has(name)) << name;
    EXPECT_NE(info_->find_type(name), nullptr) << name;
  }
  // C's base types are not listed, nor anonymous types.
  for (const char* name : {"int", "char", "long unsigned int", "_Bool",
                           "float", "struct <anonymous>", "struct ", ""})
    EXPECT_FALSE(has(name)) << name;
}

INSTANTIATE_TEST_SUITE_P(Builds, FixtureTypes,
                         ::testing::Values(&fixture, &fixture_dwarf2,
                                           &fixture_dwz),
                         [](const auto& info) -> std::string {
                           return info.index == 0   ? "Dwarf5"
                                  : info.index == 1 ? "Dwarf2"
                                                    : "Dwz";
                         });

// struct fx_list refers to itself through its typedef: whichever is asked
// for first, both come out complete.
TEST(FixtureRecursiveTypes, AnyOrder) {
  for (const char* first : {"struct fx_list", "fx_list_t", "struct fx_key"}) {
    SCOPED_TRACE(first);
    auto info = DebugInfo::open(fixture(), {});
    ASSERT_NE(info->find_type(first), nullptr);
    TypeRef list = info->find_type("fx_list_t");
    TypeRef strukt = info->find_type("struct fx_list");
    for (TypeRef t : {list, strukt}) {
      EXPECT_EQ(t->kind, TypeKind::Struct);
      EXPECT_EQ(t->size, 32u);
      ASSERT_EQ(t->members.size(), 3u);
    }
    EXPECT_EQ(list->name, "fx_list_t");
    TypeRef next = list->find_member("next")->type;
    EXPECT_EQ(next->name, "fx_list_t *");
    EXPECT_EQ(next->target, list);
    EXPECT_EQ(next->target->size, 32u);
    EXPECT_EQ(next->target->members.size(), 3u);
    TypeRef prev = strukt->find_member("prev")->type;  // const struct fx_list *
    EXPECT_EQ(prev->name, "struct fx_list *");
    EXPECT_EQ(prev->target, strukt);
    Member many = *list->find_member("many");
    EXPECT_EQ(many.offset, 16u);
    EXPECT_EQ(many.type->name, "fx_list_t *[2]");
    EXPECT_EQ(many.type->size, 16u);
    EXPECT_EQ(info->find_type("struct fx_key")->find_member("list")->type, list);
  }
}

// A type that several units define alike is one Type; two different types
// that share a name (in different files) stay two.
TEST_P(FixtureTypes, TypesDefinedInTwoUnits) {
  TypeRef holder = type("struct fx_sema_holder");  // sdt_fixture_sema.c
  ASSERT_NE(holder, nullptr);
  TypeRef shared = holder->find_member("shared")->type;
  EXPECT_EQ(shared, type("struct fx_shared"));
  EXPECT_EQ(shared->find_member("x")->type, type("int"));
  TypeRef dup = holder->find_member("dup")->type;
  EXPECT_NE(dup, type("struct fx_dup"));
  EXPECT_EQ(dup->name, "struct fx_dup");
  EXPECT_EQ(dup->member_names(), std::vector<std::string>{"a"});
  EXPECT_EQ(dup->size, 4u);
  // find_type gives the first unit's (sdt_fixture.c).
  EXPECT_EQ(type("struct fx_dup")->member_names(),
            (std::vector<std::string>{"b", "c"}));
}

TEST_P(FixtureTypes, Spellings) {
  const struct {
    const char* spelling;
    const char* name;
    TypeKind kind;
    uint64_t size;
    bool is_signed;
  } cases[] = {
      {"unsigned", "unsigned int", TypeKind::Int, 4, false},
      {"unsigned int", "unsigned int", TypeKind::Int, 4, false},
      {"int", "int", TypeKind::Int, 4, true},
      {"signed", "int", TypeKind::Int, 4, true},
      {"long", "long int", TypeKind::Int, 8, true},
      {"unsigned long", "long unsigned int", TypeKind::Int, 8, false},
      {"long unsigned int", "long unsigned int", TypeKind::Int, 8, false},
      {"unsigned long long", "long long unsigned int", TypeKind::Int, 8, false},
      {"long long", "long long int", TypeKind::Int, 8, true},
      {"short", "short int", TypeKind::Int, 2, true},
      {"unsigned short", "short unsigned int", TypeKind::Int, 2, false},
      {"char", "char", TypeKind::Int, 1, true},
      {"unsigned char", "unsigned char", TypeKind::Int, 1, false},
      {"signed char", "signed char", TypeKind::Int, 1, true},
      {"size_t", "size_t", TypeKind::Int, 8, false},
      {"uint16_t", "uint16_t", TypeKind::Int, 2, false},
      {"bool", "_Bool", TypeKind::Bool, 1, false},
      {"_Bool", "_Bool", TypeKind::Bool, 1, false},
      {"void", "void", TypeKind::Void, 0, false},
      {"void *", "void *", TypeKind::Pointer, 8, false},
      {"const char *", "char *", TypeKind::Pointer, 8, false},
      {"char const*", "char *", TypeKind::Pointer, 8, false},
      {"struct fx_key*", "struct fx_key *", TypeKind::Pointer, 8, false},
      {"  struct   fx_key  ** ", "struct fx_key **", TypeKind::Pointer, 8, false},
      {"struct fx_key * const", "struct fx_key *", TypeKind::Pointer, 8, false},
      {"fx_u128 *", "fx_u128 *", TypeKind::Pointer, 8, false},
      {"enum fx_result", "enum fx_result", TypeKind::Enum, 4, false},
      {"float", "float", TypeKind::Void, 4, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.spelling);
    TypeRef t = type(c.spelling);
    if (t == nullptr) continue;
    EXPECT_EQ(t->name, c.name);
    EXPECT_EQ(t->kind, c.kind);
    EXPECT_EQ(t->size, c.size);
    EXPECT_EQ(t->is_signed, c.is_signed);
    EXPECT_EQ(info_->find_type(c.spelling), t);  // the same object again
  }
  EXPECT_EQ(type("struct fx_key **")->target->target, type("struct fx_key"));
  for (const char* unknown :
       {"", "   ", "*", "struct", "struct nosuch", "enum nosuch", "nosuch_t",
        "union fx_key", "int int", "unsigned signed", "long long long",
        "short long", "char int", "unsigned float", "char * x", "struct a b",
        "const"}) {
    EXPECT_EQ(info_->find_type(unknown), nullptr) << "'" << unknown << "'";
  }
}

}  // namespace
