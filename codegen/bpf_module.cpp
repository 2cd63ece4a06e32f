#include "codegen/bpf_module.h"

#include <optional>

#include <llvm/IR/DiagnosticInfo.h>
#include <llvm/IR/DiagnosticPrinter.h>

#include "support/error.h"

#include <mutex>
#include <stdexcept>

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Analysis/TargetTransformInfo.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetOptions.h>

extern "C" {
void LLVMInitializeBPFTargetInfo();
void LLVMInitializeBPFTarget();
void LLVMInitializeBPFTargetMC();
void LLVMInitializeBPFAsmPrinter();
}

namespace ovsq::codegen {
namespace {

constexpr const char* kTriple = "bpfel";
// v3 adds 32-bit jumps and ALU32 (kernel 5.1+): smaller, faster programs.
constexpr const char* kCpu = "v3";

void initialize_bpf_target() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeBPFTargetInfo();
    LLVMInitializeBPFTarget();
    LLVMInitializeBPFTargetMC();
    LLVMInitializeBPFAsmPrinter();
  });
}

std::unique_ptr<llvm::TargetMachine> create_target_machine() {
  initialize_bpf_target();
  std::string error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(kTriple, error);
  if (!target) throw std::runtime_error("LLVM has no BPF target: " + error);
  llvm::TargetOptions options;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      kTriple, kCpu, "", options, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
}

// One for the process: a session compiles many queries, and the target
// machine (its subtarget, its register and instruction tables) is the same
// for all of them.  ovsq compiles on one thread.  Never freed: LLVM's own
// statics may be gone by the time a static destructor would run.
llvm::TargetMachine& target_machine() {
  static llvm::TargetMachine* machine = create_target_machine().release();
  return *machine;
}

}  // namespace

BpfModule::BpfModule(const std::string& name)
    : context_(std::make_unique<llvm::LLVMContext>()),
      module_(std::make_unique<llvm::Module>(name, *context_)),
      di_(std::make_unique<llvm::DIBuilder>(*module_)),
      target_(&target_machine()) {
  module_->setTargetTriple(kTriple);
  module_->setDataLayout(target_->createDataLayout());
  // The BPF backend emits .BTF/.BTF.ext only for modules with debug info.
  module_->addModuleFlag(llvm::Module::Warning, "Debug Info Version",
                         llvm::DEBUG_METADATA_VERSION);
  module_->addModuleFlag(llvm::Module::Warning, "Dwarf Version", 5);
  file_ = di_->createFile(name, ".");
  compile_unit_ = di_->createCompileUnit(llvm::dwarf::DW_LANG_C, file_, "ovsq",
                                         /*isOptimized=*/true, "", 0);
}

BpfModule::~BpfModule() = default;

llvm::DIType* BpfModule::int_type() {
  if (!di_int_)
    di_int_ = di_->createBasicType("int", 32, llvm::dwarf::DW_ATE_signed);
  return di_int_;
}

llvm::GlobalVariable* BpfModule::define_map(
    const std::string& name, const std::vector<MapAttribute>& attributes) {
  // C equivalent: struct { int (*type)[T]; int (*max_entries)[N]; ... }
  //               name SEC(".maps");
  std::vector<llvm::Metadata*> members;
  uint64_t offset_bits = 0;
  for (const MapAttribute& attribute : attributes) {
    llvm::DINodeArray subscripts =
        di_->getOrCreateArray({di_->getOrCreateSubrange(0, attribute.value)});
    llvm::DIType* array =
        di_->createArrayType(uint64_t(attribute.value) * 32, 32, int_type(),
                             subscripts);
    llvm::DIType* pointer = di_->createPointerType(array, 64);
    members.push_back(di_->createMemberType(
        file_, attribute.name, file_, 0, 64, 0, offset_bits,
        llvm::DINode::FlagZero, pointer));
    offset_bits += 64;
  }
  llvm::DICompositeType* struct_type = di_->createStructType(
      file_, "", file_, 0, offset_bits, 0, llvm::DINode::FlagZero, nullptr,
      di_->getOrCreateArray(members));

  llvm::Type* ptr = llvm::PointerType::get(*context_, 0);
  std::vector<llvm::Type*> fields(attributes.size(), ptr);
  llvm::StructType* ir_type = llvm::StructType::create(*context_, fields,
                                                       "map_def." + name);
  auto* global = new llvm::GlobalVariable(
      *module_, ir_type, false, llvm::GlobalValue::ExternalLinkage,
      llvm::ConstantAggregateZero::get(ir_type), name);
  global->setSection(".maps");
  global->setAlignment(llvm::Align(8));
  global->addDebugInfo(di_->createGlobalVariableExpression(
      compile_unit_, name, name, file_, 0, struct_type, false));
  return global;
}

void BpfModule::define_license(const std::string& license) {
  llvm::Constant* text = llvm::ConstantDataArray::getString(*context_, license);
  auto* global = new llvm::GlobalVariable(*module_, text->getType(), true,
                                          llvm::GlobalValue::ExternalLinkage,
                                          text, "LICENSE");
  global->setSection("license");
}

llvm::Function* BpfModule::define_program(const std::string& name,
                                          const std::string& section) {
  llvm::Type* ptr = llvm::PointerType::get(*context_, 0);
  auto* type = llvm::FunctionType::get(llvm::Type::getInt32Ty(*context_),
                                       {ptr}, false);
  auto* function = llvm::Function::Create(
      type, llvm::GlobalValue::ExternalLinkage, name, *module_);
  function->setSection(section);
  // No unwinding in BPF: without this LLVM adds an .eh_frame libbpf skips.
  function->addFnAttr(llvm::Attribute::NoUnwind);
  function->getArg(0)->setName("ctx");
  llvm::DIType* void_ptr = di_->createPointerType(nullptr, 64);
  llvm::DISubroutineType* di_type = di_->createSubroutineType(
      di_->getOrCreateTypeArray({int_type(), void_ptr}));
  llvm::DISubprogram* subprogram = di_->createFunction(
      file_, name, name, file_, 1, di_type, 1, llvm::DINode::FlagPrototyped,
      llvm::DISubprogram::SPFlagDefinition | llvm::DISubprogram::SPFlagOptimized);
  // The kernel rejects BTF whose FUNC_PROTO has an unnamed argument; the
  // backend names it from this retained parameter variable.
  di_->createParameterVariable(subprogram, "ctx", 1, file_, 1, void_ptr,
                               /*AlwaysPreserve=*/true);
  function->setSubprogram(subprogram);
  return function;
}

llvm::CallInst* BpfModule::call_helper(llvm::IRBuilder<>& builder,
                                       int helper_id, llvm::Type* return_type,
                                       llvm::ArrayRef<llvm::Value*> args) {
  std::vector<llvm::Type*> arg_types;
  for (llvm::Value* arg : args) arg_types.push_back(arg->getType());
  auto* type = llvm::FunctionType::get(return_type, arg_types, false);
  llvm::Constant* callee = llvm::ConstantExpr::getIntToPtr(
      builder.getInt64(helper_id), llvm::PointerType::get(*context_, 0));
  return builder.CreateCall(type, callee, args);
}

namespace {

// LLVM's default handler prints an error and exits; this one keeps the
// errors (the BPF backend reports a program that needs more stack than
// BPF has this way) so that emit() can explain them.
class ErrorCollector : public llvm::DiagnosticHandler {
 public:
  ErrorCollector(std::vector<std::string>& errors, std::optional<unsigned>& stack_line)
      : errors_(errors), stack_line_(stack_line) {}
  bool handleDiagnostics(const llvm::DiagnosticInfo& info) override {
    if (info.getSeverity() != llvm::DS_Error) return true;
    std::string text;
    llvm::raw_string_ostream stream(text);
    llvm::DiagnosticPrinterRawOStream printer(stream);
    info.print(printer);
    stream.flush();
    // The BPF backend has no diagnostic kind of its own for this; its
    // text is how it is told apart.
    if (text.find("stack limit") != std::string::npos) {
      unsigned line = 0;
      if (const auto* u = llvm::dyn_cast<llvm::DiagnosticInfoUnsupported>(&info))
        line = u->getLocation().getLine();
      if (!stack_line_) stack_line_ = line;
      return true;
    }
    errors_.push_back(text);
    return true;
  }

 private:
  std::vector<std::string>& errors_;
  std::optional<unsigned>& stack_line_;
};

}  // namespace

StackTooLarge::StackTooLarge(unsigned line)
    : UserError("the clause" + (line ? " at line " + std::to_string(line) : std::string()) +
                " needs more than the 512 bytes of stack a BPF program may use: "
                "give it fewer statements, keys or strings, or split it into "
                "several clauses"),
      line_(line) {}

std::vector<uint8_t> BpfModule::emit(OutputKind kind) {
  std::vector<std::string> errors;
  std::optional<unsigned> stack_line;
  context_->setDiagnosticHandler(std::make_unique<ErrorCollector>(errors, stack_line));
  if (!finalized_) {
    di_->finalize();
    finalized_ = true;
    std::string problems;
    llvm::raw_string_ostream problem_stream(problems);
    if (llvm::verifyModule(*module_, &problem_stream))
      throw std::runtime_error("internal error: invalid IR generated:\n" +
                               problems);

    // A fixed, small pipeline rather than PassBuilder's O2: our IR needs
    // only stack slots promoted, redundant loads merged and the CFG
    // tidied, and without PassBuilder (which references every pass LLVM
    // has) the statically linked ovsq is a third smaller and starts faster.
    llvm::legacy::FunctionPassManager optimize(module_.get());
    optimize.add(llvm::createTargetTransformInfoWrapperPass(
        target_->getTargetIRAnalysis()));
    optimize.add(llvm::createSROAPass());
    optimize.add(llvm::createEarlyCSEPass(true));
    optimize.add(llvm::createInstructionCombiningPass());
    optimize.add(llvm::createCFGSimplificationPass());
    optimize.add(llvm::createDeadCodeEliminationPass());
    optimize.doInitialization();
    for (llvm::Function& f : *module_) optimize.run(f);
    optimize.doFinalization();
  }

  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream stream(buffer);
  if (kind == OutputKind::IR) {
    module_->print(stream, nullptr);
  } else {
    llvm::legacy::PassManager codegen;
    auto file_type = kind == OutputKind::Assembly
                         ? llvm::CodeGenFileType::AssemblyFile
                         : llvm::CodeGenFileType::ObjectFile;
    if (target_->addPassesToEmitFile(codegen, stream, nullptr, file_type))
      throw std::runtime_error("internal error: BPF target cannot emit this file type");
    codegen.run(*module_);
  }
  if (stack_line) throw StackTooLarge(*stack_line);
  if (!errors.empty()) throw UserError(errors.front());
  return std::vector<uint8_t>(buffer.begin(), buffer.end());
}

}  // namespace ovsq::codegen
