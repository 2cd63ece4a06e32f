// probes/usdt_notes: parsing argument specs.  Reading binaries' notes is
// tested in usdt_notes_read_test.cpp.
#include "probes/usdt_notes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "probes_test_util.h"

namespace {

using namespace ovsq::probes;
using ovsq::testing::error_of;

std::string parse_error(std::string_view spec) {
  return error_of([&] { parse_usdt_arg(spec); });
}

// ---- parse_usdt_arg --------------------------------------------------------

struct SpecCase {
  const char* spec;
  UsdtArgKind kind;
  int size;
  bool is_signed;
  const char* reg;
  int pt_regs_offset;
  int64_t offset;
  int64_t constant;
};

TEST(ParseUsdtArg, ReferenceSpecs) {
  using K = UsdtArgKind;
  const SpecCase cases[] = {
      {"8@%r15", K::Register, 8, false, "r15", 0, 0, 0},
      {"4@%r12d", K::Register, 4, false, "r12", 24, 0, 0},
      {"2@%dx", K::Register, 2, false, "rdx", 96, 0, 0},
      {"4@12(%rbx)", K::Memory, 4, false, "rbx", 40, 12, 0},
      {"8@576(%rbx)", K::Memory, 8, false, "rbx", 40, 576, 0},
      {"8@24(%rsp)", K::Memory, 8, false, "rsp", 152, 24, 0},
      {"4@$5", K::Constant, 4, false, "", 0, 0, 5},
      {"-4@$-1", K::Constant, 4, true, "", 0, 0, -1},
      {"-8@-16(%rbp)", K::Memory, 8, true, "rbp", 32, -16, 0},
      {"1@%sil", K::Register, 1, false, "rsi", 104, 0, 0},
      {"4@(%rdx)", K::Memory, 4, false, "rdx", 96, 0, 0},
      {"8@$18446744073709551615", K::Constant, 8, false, "", 0, 0, -1},
  };
  for (const SpecCase& c : cases) {
    SCOPED_TRACE(c.spec);
    UsdtArg arg = parse_usdt_arg(c.spec);
    EXPECT_EQ(arg.kind, c.kind);
    EXPECT_EQ(arg.size, c.size);
    EXPECT_EQ(arg.is_signed, c.is_signed);
    EXPECT_EQ(arg.reg, c.reg);
    EXPECT_EQ(arg.pt_regs_offset, c.pt_regs_offset);
    EXPECT_EQ(arg.offset, c.offset);
    EXPECT_EQ(arg.constant, c.constant);
    EXPECT_EQ(arg.reg_shift, 0);
    EXPECT_EQ(arg.symbol, "");
    EXPECT_EQ(arg.spec, c.spec);
  }
}

// Every register name, against struct pt_regs (arch/x86/include/asm/ptrace.h).
TEST(ParseUsdtArg, EveryRegisterName) {
  struct Reg {
    const char* base;
    int offset;
    std::vector<const char*> names;
  };
  const Reg regs[] = {
      {"r15", 0, {"r15", "r15d", "r15w", "r15b"}},
      {"r14", 8, {"r14", "r14d", "r14w", "r14b"}},
      {"r13", 16, {"r13", "r13d", "r13w", "r13b"}},
      {"r12", 24, {"r12", "r12d", "r12w", "r12b"}},
      {"rbp", 32, {"rbp", "ebp", "bp", "bpl"}},
      {"rbx", 40, {"rbx", "ebx", "bx", "bl"}},
      {"r11", 48, {"r11", "r11d", "r11w", "r11b"}},
      {"r10", 56, {"r10", "r10d", "r10w", "r10b"}},
      {"r9", 64, {"r9", "r9d", "r9w", "r9b"}},
      {"r8", 72, {"r8", "r8d", "r8w", "r8b"}},
      {"rax", 80, {"rax", "eax", "ax", "al"}},
      {"rcx", 88, {"rcx", "ecx", "cx", "cl"}},
      {"rdx", 96, {"rdx", "edx", "dx", "dl"}},
      {"rsi", 104, {"rsi", "esi", "si", "sil"}},
      {"rdi", 112, {"rdi", "edi", "di", "dil"}},
      {"rip", 128, {"rip", "eip"}},
      {"rsp", 152, {"rsp", "esp", "sp", "spl"}},
  };
  int count = 0;
  for (const Reg& r : regs) {
    for (const char* name : r.names) {
      std::string spec = std::string("8@%") + name;
      SCOPED_TRACE(spec);
      UsdtArg arg = parse_usdt_arg(spec);
      EXPECT_EQ(arg.kind, UsdtArgKind::Register);
      EXPECT_EQ(arg.reg, r.base);
      EXPECT_EQ(arg.pt_regs_offset, r.offset);
      EXPECT_EQ(arg.reg_shift, 0);
      ++count;
    }
  }
  EXPECT_EQ(count, 66);
}

TEST(ParseUsdtArg, HighByteRegistersShiftBy8) {
  const std::pair<const char*, const char*> high[] = {
      {"ah", "rax"}, {"bh", "rbx"}, {"ch", "rcx"}, {"dh", "rdx"}};
  for (auto [name, base] : high) {
    UsdtArg arg = parse_usdt_arg(std::string("1@%") + name);
    EXPECT_EQ(arg.reg, base);
    EXPECT_EQ(arg.reg_shift, 8);
    EXPECT_EQ(arg.size, 1);
  }
  EXPECT_EQ(parse_usdt_arg("1@%ah").pt_regs_offset, 80);
}

TEST(ParseUsdtArg, WithoutSizeIsEightBytesUnsigned) {
  UsdtArg reg = parse_usdt_arg("%rax");
  EXPECT_EQ(reg.kind, UsdtArgKind::Register);
  EXPECT_EQ(reg.size, 8);
  EXPECT_FALSE(reg.is_signed);
  EXPECT_EQ(reg.reg, "rax");
  UsdtArg mem = parse_usdt_arg("-16(%rbp)");
  EXPECT_EQ(mem.kind, UsdtArgKind::Memory);
  EXPECT_EQ(mem.size, 8);
  EXPECT_FALSE(mem.is_signed);
  EXPECT_EQ(mem.offset, -16);
  EXPECT_EQ(parse_usdt_arg("$3").constant, 3);
}

TEST(ParseUsdtArg, SymbolicDisplacements) {
  const struct {
    const char* spec;
    const char* symbol;
    int64_t addend;
  } cases[] = {
      {"8@16+fx_global_key(%rip)", "fx_global_key", 16},
      {"8@fx_global_key+16(%rip)", "fx_global_key", 16},
      {"-4@fx_sink(%rip)", "fx_sink", 0},
      {"4@table.1-8(%rip)", "table.1", -8},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.spec);
    UsdtArg arg = parse_usdt_arg(c.spec);
    EXPECT_EQ(arg.kind, UsdtArgKind::Memory);
    EXPECT_EQ(arg.reg, "rip");
    EXPECT_EQ(arg.pt_regs_offset, 128);
    EXPECT_EQ(arg.symbol, c.symbol);
    EXPECT_EQ(arg.offset, c.addend);
  }
}

TEST(ParseUsdtArg, BadSpecsSayWhy) {
  const std::pair<const char*, const char*> cases[] = {
      {"4@5", "expected %reg, off(%reg) or $constant"},
      {"8@rax", "expected %reg, off(%reg) or $constant"},
      {"3@%rax", "the size must be 1, 2, 4 or 8"},
      {"16@%rax", "the size must be 1, 2, 4 or 8"},
      {"@%rax", "the size must be 1, 2, 4 or 8"},
      {"x@%rax", "the size must be 1, 2, 4 or 8"},
      {"--4@%rax", "the size must be 1, 2, 4 or 8"},
      {"8@", "no operand after '@'"},
      {"8@%xyz", "unknown register %xyz"},
      {"8@%", "unknown register %"},
      {"8@%fs:40", "unknown register %fs:40"},
      {"8@12(rbx)", "unknown register rbx"},
      {"8@12()", "unknown register "},
      {"4@$x", "bad constant $x"},
      {"4@$", "bad constant $"},
      {"4@$5x", "bad constant $5x"},
      {"-4@-72(%rsp,%rsi)", "indexed memory operands are not supported"},
      {"4@(,%rax,4)", "indexed memory operands are not supported"},
      {"8@sym(%rbx)", "a symbolic displacement is only supported with %rip"},
      {"8@1x(%rbx)", "bad displacement 1x"},
      {"8@a+b(%rip)", "bad displacement a+b"},
      {"8@-sym(%rip)", "bad displacement -sym"},
      {"8@sym+(%rip)", "bad displacement sym+"},
      {"1@(%ah)", "%ah cannot address memory"},
  };
  for (auto [spec, why] : cases) {
    EXPECT_EQ(parse_error(spec), std::string("cannot parse USDT argument '") +
                                     spec + "': " + why);
  }
  EXPECT_EQ(parse_error(""), "cannot parse USDT argument '': it is empty");
}

TEST(ParseUsdtArgs, SplitsOnWhitespace) {
  EXPECT_TRUE(parse_usdt_args("").empty());
  EXPECT_TRUE(parse_usdt_args("  ").empty());
  auto args = parse_usdt_args("8@%rdx 4@%ecx  8@%rax\t4@12(%rbx) 8@576(%rbx) 8@584(%rbx)");
  ASSERT_EQ(args.size(), 6u);
  EXPECT_EQ(args[0].spec, "8@%rdx");
  EXPECT_EQ(args[1].reg, "rcx");
  EXPECT_EQ(args[3].offset, 12);
  EXPECT_EQ(args[5].offset, 584);
  EXPECT_EQ(parse_usdt_args("8@%r15 8@24(%rsp) 8@%rbx 8@%r12")[1].reg, "rsp");
  EXPECT_EQ(error_of([] { parse_usdt_args("8@%rbx 4@%ebq"); }),
            "cannot parse USDT argument '4@%ebq': unknown register %ebq");
}

}  // namespace

