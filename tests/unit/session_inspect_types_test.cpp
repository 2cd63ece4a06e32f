// session/inspect's `.type NAME`: pahole-style layouts of the sim's and
// the DWARF fixture's types (see the layout comments in sdt_fixture.c),
// the built-in types, the ways a name may be written, and the errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "probes/catalog_types.h"
#include "probes_test_util.h"
#include "session/inspect.h"

namespace {

using namespace ovsq::probes;
using namespace ovsq::session;
using namespace ovsq::testing;

const char kUdpifKey[] =
    "struct udpif_key {\n"
    "    struct cmap_node           cmap_node;            /*     0     8 */\n"
    "    struct nlattr *            key;                  /*     8     8 */\n"
    "    size_t                     key_len;              /*    16     8 */\n"
    "    struct nlattr *            mask;                 /*    24     8 */\n"
    "    size_t                     mask_len;             /*    32     8 */\n"
    "    ovs_u128                   ufid;                 /*    40    16 */\n"
    "    _Bool                      ufid_present;         /*    56     1 */\n"
    "    /* XXX 3 bytes hole */\n"
    "    uint32_t                   hash;                 /*    60     4 */\n"
    "    unsigned int               pmd_id;               /*    64     4 */\n"
    "    /* XXX 4 bytes hole */\n"
    "    struct ovs_mutex           mutex;                /*    72    48 */\n"
    "    struct dpif_flow_stats     stats;                /*   120    32 */\n"
    "    char *                     dp_layer;             /*   152     8 */\n"
    "    long long int              created;              /*   160     8 */\n"
    "    uint64_t                   dump_seq;             /*   168     8 */\n"
    "    uint64_t                   reval_seq;            /*   176     8 */\n"
    "    enum ukey_state            state;                /*   184     4 */\n"
    "    uint32_t                   key_recirc_id;        /*   188     4 */\n"
    "};  /* size: 192, members: 17, holes: 2 (7 bytes) */\n";

TEST(DescribeType, SimUdpifKeyAsPaholePrintsIt) {
  auto dwarf = DebugInfo::open(sim(), {});
  EXPECT_EQ(describe_type("struct udpif_key", *dwarf), kUdpifKey);
  // A bare tag, and blanks anywhere.
  EXPECT_EQ(describe_type("udpif_key", *dwarf), kUdpifKey);
  EXPECT_EQ(describe_type("  struct \t udpif_key ", *dwarf), kUdpifKey);
}

TEST(DescribeType, SimTypedefUnionEnumAndAnonymousUnionMember) {
  auto dwarf = DebugInfo::open(sim(), {});
  EXPECT_EQ(describe_type("ovs_u128", *dwarf),
            "typedef union {\n"
            "    uint32_t                   u32[4];               /*     0    16 */\n"
            "    struct {\n"
            "        uint64_t               lo;                   /*     0     8 */\n"
            "        uint64_t               hi;                   /*     8     8 */\n"
            "    } u64;                                           /*     0    16 */\n"
            "} ovs_u128;  /* size: 16, members: 2 */\n");
  EXPECT_EQ(describe_type("enum reval_result", *dwarf),
            "enum reval_result {\n"
            "    UKEY_KEEP = 0,   /* keep the flow */\n"
            "    UKEY_DELETE = 1, /* delete the flow */\n"
            "    UKEY_MODIFY = 2, /* modify the flow's actions */\n"
            "};  /* size: 4 */\n");
  EXPECT_EQ(describe_type("reval_result", *dwarf), describe_type("enum reval_result", *dwarf));
  // An enum the catalog has no meanings for.
  EXPECT_EQ(describe_type("enum ofpbuf_source", *dwarf),
            "enum ofpbuf_source {\n"
            "    OFPBUF_MALLOC = 0,\n"
            "    OFPBUF_STACK = 1,\n"
            "    OFPBUF_STUB = 2,\n"
            "};  /* size: 4 */\n");
  // Offsets inside an anonymous member count from the outer struct.
  EXPECT_EQ(describe_type("struct dpif_op", *dwarf),
            "struct dpif_op {\n"
            "    enum dpif_op_type          type;                 /*     0     4 */\n"
            "    int                        error;                /*     4     4 */\n"
            "    union {\n"
            "        struct dpif_flow_put   flow_put;             /*     8    80 */\n"
            "        struct dpif_flow_del   flow_del;             /*     8    40 */\n"
            "        struct dpif_execute    execute;              /*     8    40 */\n"
            "        struct dpif_flow_get   flow_get;             /*     8    48 */\n"
            "    };                                               /*     8    80 */\n"
            "};  /* size: 88, members: 3 */\n");
  EXPECT_EQ(describe_type("struct recirc_refs", *dwarf),
            "struct recirc_refs;  /* declared only: the debug info has no layout of it */\n");
  EXPECT_EQ(describe_type("size_t", *dwarf),
            "typedef long unsigned int size_t;  /* size: 8, unsigned integer */\n");
  EXPECT_EQ(describe_type("unsigned", *dwarf),
            "unsigned int  /* size: 4, unsigned integer */\n");
}

// Bit-fields, an anonymous union, a function pointer, arrays, a flexible
// array, typedefs of a tagged struct and of an anonymous enum.
TEST(DescribeType, FixtureKeyHasEveryKindOfMember) {
  auto dwarf = DebugInfo::open(fixture(), {});
  EXPECT_EQ(describe_type("struct fx_key", *dwarf),
            "struct fx_key {\n"
            "    struct fx_node             node;                 /*     0     8 */\n"
            "    struct fx_opaque *         opaque;               /*     8     8 */\n"
            "    size_t                     len;                  /*    16     8 */\n"
            "    fx_u128                    ufid;                 /*    24    16 */\n"
            "    unsigned int               flags:3;              /*    40:0   4 */\n"
            "    unsigned int               kind:5;               /*    40:3   4 */\n"
            "    unsigned int               wide:12;              /*    41:0   4 */\n"
            "    /* XXX 1 byte 4 bits hole */\n"
            "    union {\n"
            "        int                    as_int;               /*    44     4 */\n"
            "        float                  as_float;             /*    44     4 */\n"
            "    };                                               /*    44     4 */\n"
            "    enum fx_result             result;               /*    48     4 */\n"
            "    /* XXX 4 bytes hole */\n"
            "    int                        (*callback)(void *, int); /*    56     8 */\n"
            "    void *                     cookie;               /*    64     8 */\n"
            "    char                       name[16];             /*    72    16 */\n"
            "    int                        matrix[2][3];         /*    88    24 */\n"
            "    struct fx_key *            self;                 /*   112     8 */\n"
            "    uint16_t                   port;                 /*   120     2 */\n"
            "    _Bool                      present;              /*   122     1 */\n"
            "    /* XXX 5 bytes hole */\n"
            "    fx_list_t                  list;                 /*   128    32 */\n"
            "    fx_anon_t                  anon;                 /*   160     4 */\n"
            "    enum fx_signed             sig;                  /*   164     4 */\n"
            "    uint8_t                    tail[];               /*   168     0 */\n"
            "};  /* size: 168, members: 20, holes: 3 (10 bytes 4 bits) */\n");
  EXPECT_EQ(describe_type("fx_list_t", *dwarf),
            "typedef struct fx_list {\n"
            "    fx_list_t *                next;                 /*     0     8 */\n"
            "    struct fx_list *           prev;                 /*     8     8 */\n"
            "    fx_list_t *                many[2];              /*    16    16 */\n"
            "} fx_list_t;  /* size: 32, members: 3 */\n");
  EXPECT_EQ(describe_type("fx_anon_t", *dwarf),
            "typedef enum {\n"
            "    FX_ANON_A = 7,\n"
            "    FX_ANON_B = 8,\n"
            "} fx_anon_t;  /* size: 4 */\n");
  EXPECT_EQ(describe_type("enum fx_signed", *dwarf),
            "enum fx_signed {\n"
            "    FX_NEG = -2,\n"
            "    FX_ZERO = 0,\n"
            "    FX_BIG = 1000,\n"
            "};  /* size: 4 */\n");
}

TEST(DescribeType, UnknownNamesSuggestTheNearest) {
  auto dwarf = DebugInfo::open(sim(), {});
  EXPECT_EQ(error_of([&] { describe_type("struct udpif_kye", *dwarf); }),
            "unknown type 'struct udpif_kye'; did you mean 'struct udpif_key'?");
  EXPECT_EQ(error_of([&] { describe_type("udpif_kye", *dwarf); }),
            "unknown type 'udpif_kye'; did you mean 'udpif_key'?");
  EXPECT_EQ(error_of([&] { describe_type("ovs_u129", *dwarf); }),
            "unknown type 'ovs_u129'; did you mean 'ovs_u128'?");
  EXPECT_EQ(error_of([&] { describe_type("struct nosuch_thing", *dwarf); }),
            "unknown type 'struct nosuch_thing'");
  EXPECT_EQ(error_of([&] { describe_type("union udpif_key", *dwarf); }),
            "unknown type 'union udpif_key'; did you mean 'struct udpif_key'?");
  EXPECT_EQ(error_of([&] { describe_type(" ", *dwarf); }),
            "which type? e.g. '.type struct udpif_key'");
}

// What `.type` and its completion offer: every name describe_type takes.
TEST(DescribeType, TypeNamesAreWhatItDescribes) {
  auto dwarf = DebugInfo::open(sim(), {});
  std::unique_ptr<DebugInfo> builtin = builtin_debug_info();
  for (DebugInfo* info : {dwarf.get(), builtin.get()}) {
    SCOPED_TRACE(info->source());
    std::vector<std::string> names = info->type_names();
    EXPECT_TRUE(std::binary_search(names.begin(), names.end(), "struct udpif_key"));
    EXPECT_TRUE(std::binary_search(names.begin(), names.end(), "enum flow_del_reason"));
    EXPECT_TRUE(std::binary_search(names.begin(), names.end(), "ovs_u128"));
    for (const std::string& name : names)
      EXPECT_NE(describe_type(name, *info), "") << name;
  }
}

TEST(DescribeType, BuiltInTypesSayTheirLayoutIsPartial) {
  std::unique_ptr<DebugInfo> builtin = builtin_debug_info();
  EXPECT_EQ(describe_type("struct udpif_key", *builtin),
            "/* from ovsq's built-in types of upstream Open vSwitch on x86_64 (no "
            "debug info): they may not match this build */\n"
            "struct udpif_key {\n"
            "    struct cmap_node           cmap_node;            /*     0     8 */\n"
            "    struct nlattr *            key;                  /*     8     8 */\n"
            "    size_t                     key_len;              /*    16     8 */\n"
            "    struct nlattr *            mask;                 /*    24     8 */\n"
            "    size_t                     mask_len;             /*    32     8 */\n"
            "    ovs_u128                   ufid;                 /*    40    16 */\n"
            "    _Bool                      ufid_present;         /*    56     1 */\n"
            "    uint32_t                   hash;                 /*    60     4 */\n"
            "    unsigned int               pmd_id;               /*    64     4 */\n"
            "    /* ... and members ovsq does not know: a partial layout */\n"
            "};  /* size: unknown, members: 9 known */\n");
  EXPECT_EQ(describe_type("enum dpif_upcall_type", *builtin),
            "/* from ovsq's built-in types of upstream Open vSwitch on x86_64 (no "
            "debug info): they may not match this build */\n"
            "enum dpif_upcall_type {\n"
            "    DPIF_UC_MISS = 0,    /* miss in the flow table */\n"
            "    DPIF_UC_ACTION = 1,  /* userspace action (OVS_ACTION_ATTR_USERSPACE) */\n"
            "    DPIF_N_UC_TYPES = 2,\n"
            "};  /* size: 4 */\n");
  // A complete built-in layout has its holes counted.
  std::string del = describe_type("dpif_flow_del", *builtin);
  EXPECT_TRUE(del.ends_with("    /* XXX 3 bytes hole */\n"
                            "    unsigned int               pmd_id;               /*    28     4 */\n"
                            "    struct dpif_flow_stats *   stats;                /*    32     8 */\n"
                            "};  /* size: 40, members: 6, holes: 1 (3 bytes) */\n")) << del;
  // A struct known only by name is not a type it knows.
  EXPECT_EQ(error_of([&] { describe_type("struct nlattr", *builtin); }),
            "unknown type 'struct nlattr' among ovsq's built-in types (the binary "
            "has no debug info)");
}

}  // namespace
