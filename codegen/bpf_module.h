#pragma once
// An LLVM module for the BPF target, with the pieces every ovsq program
// needs and that libbpf expects to find in the object:
//   - maps as globals in section ".maps", described in BTF through debug
//     info (the BPF backend turns DWARF-style metadata into .BTF), in the
//     `int (*type)[N]` encoding that libbpf's __uint() uses;
//   - a "license" section;
//   - calls to kernel helpers by number;
//   - emission of textual IR, BPF assembly or an ELF object, in memory.
// codegen/codegen.cpp lowers the typed AST with it; nothing here knows
// about queries.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/error.h"

#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

namespace ovsq::codegen {

// One `__uint(name, value)` member of a BTF map definition.
struct MapAttribute {
  std::string name;  // "type", "max_entries", "key_size", "value_size"
  uint32_t value;
};

enum class OutputKind { IR, Assembly, Object };

// A BPF program needs more than BPF's 512 bytes of stack (the BPF
// backend says so while emitting).  `line` is the line of the clause it
// was lowered from (0: unknown); pipeline::Pipeline::emit turns it into
// the StackTooLarge diagnostic at that clause.
class StackTooLarge : public UserError {
 public:
  explicit StackTooLarge(unsigned line);
  unsigned line() const { return line_; }

 private:
  unsigned line_;
};

class BpfModule {
 public:
  explicit BpfModule(const std::string& name);
  ~BpfModule();

  llvm::LLVMContext& context() { return *context_; }
  llvm::Module& module() { return *module_; }

  // Defines a map global in ".maps" with BTF for `attributes`.
  llvm::GlobalVariable* define_map(const std::string& name,
                                   const std::vector<MapAttribute>& attributes);
  // Defines the "license" section.
  void define_license(const std::string& license);

  // A new program function `int name(void *ctx)` in section `section`,
  // with BTF FUNC info.  Returns the function; its entry block is empty.
  llvm::Function* define_program(const std::string& name,
                                 const std::string& section);

  // Emits a call to BPF helper number `helper_id` (from <linux/bpf.h>'s
  // enum bpf_func_id) of the given type.
  llvm::CallInst* call_helper(llvm::IRBuilder<>& builder, int helper_id,
                              llvm::Type* return_type,
                              llvm::ArrayRef<llvm::Value*> args);

  // Finalises debug info, verifies and optimises the module (-O2), and
  // returns the requested form: IR text, BPF assembly text, or ELF bytes.
  // Throws std::runtime_error on an internal failure (a bug, not bad input).
  std::vector<uint8_t> emit(OutputKind kind);

 private:
  llvm::DIType* int_type();

  std::unique_ptr<llvm::LLVMContext> context_;
  std::unique_ptr<llvm::Module> module_;
  std::unique_ptr<llvm::DIBuilder> di_;
  llvm::DICompileUnit* compile_unit_ = nullptr;
  llvm::DIFile* file_ = nullptr;
  llvm::DIType* di_int_ = nullptr;
  llvm::TargetMachine* target_;  // the process's (bpf_module.cpp)
  bool finalized_ = false;
};

}  // namespace ovsq::codegen
