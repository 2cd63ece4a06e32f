// Finding a binary's DWARF, and looking types up by their C spelling.
// The DWARF-to-Type conversion itself is in probes/dwarf_types.
#include "probes/debug_info.h"

#include <elfutils/libdw.h>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>

#include "probes/dwarf_index_cache.h"
#include "probes/dwarf_types.h"
#include "probes/elf_file.h"
#include "probes/sparse_dwarf_file.h"
#include "support/error.h"

namespace ovsq::probes {

namespace {

class DwarfDebugInfo : public DebugInfo {
 public:
  explicit DwarfDebugInfo(std::unique_ptr<ElfFile> file);
  ~DwarfDebugInfo() override { close(); }

  const std::string& source() const override { return file_->path(); }
  TypeRef find_type(std::string_view c_spelling) override;
  TypeRef find_enumerator(std::string_view name) override {
    return types_->enum_of(name);
  }
  std::vector<std::string> enumerator_names() override {
    return types_->enumerator_names();
  }
  std::vector<std::string> type_names() override {
    return types_->type_names();
  }

 private:
  TypeRef integer_type(const std::vector<std::string>& words);
  bool open_cached(DwarfIndexEntries cached);
  Dwarf* begin(Elf* elf);
  void close();

  std::unique_ptr<ElfFile> file_;
  std::unique_ptr<SparseDwarfFile> sparse_;  // or null: file_ mapped whole
  Dwarf* dwarf_ = nullptr;
  std::unique_ptr<DwarfTypes> types_;
};

// With a cache file for the build-id (probes/dwarf_index_cache.h), the
// names come from it and only the units they are in are read (sparsely,
// when the DWARF allows); else every unit is walked and the file written.
DwarfDebugInfo::DwarfDebugInfo(std::unique_ptr<ElfFile> file) : file_(std::move(file)) {
  std::string build_id = file_->build_id();
  std::string cache = dwarf_index_cache_path(build_id);
  if (!cache.empty()) {
    if (std::optional<DwarfIndexEntries> cached = load_dwarf_index(cache, build_id))
      if (open_cached(std::move(*cached))) return;
  }
  dwarf_ = begin(file_->elf());
  types_ = std::make_unique<DwarfTypes>(dwarf_);
  if (!cache.empty()) save_dwarf_index(cache, build_id, types_->index());
}

// False (and nothing open) when the index is not this DWARF's.
bool DwarfDebugInfo::open_cached(DwarfIndexEntries cached) {
  sparse_ = SparseDwarfFile::open(*file_, cached.units);
  if (sparse_ != nullptr) {
    dwarf_ = dwarf_begin_elf(sparse_->elf(), DWARF_C_READ, nullptr);
    if (dwarf_ == nullptr) sparse_.reset();  // libdw wants more of it: map the file
  }
  if (dwarf_ == nullptr) dwarf_ = begin(file_->elf());
  std::function<void(Dwarf_Off)> load_unit;
  if (sparse_) load_unit = [sparse = sparse_.get()](Dwarf_Off offset) { sparse->load_unit_of(offset); };
  types_ = std::make_unique<DwarfTypes>(dwarf_, std::move(cached), std::move(load_unit));
  if (types_->matches()) return true;
  close();
  return false;
}

Dwarf* DwarfDebugInfo::begin(Elf* elf) {
  Dwarf* dwarf = dwarf_begin_elf(elf, DWARF_C_READ, nullptr);
  if (dwarf == nullptr)
    throw UserError("cannot read the DWARF of " + file_->path() + ": " + dwarf_errmsg(-1));
  return dwarf;
}

void DwarfDebugInfo::close() {
  types_.reset();
  if (dwarf_ != nullptr) dwarf_end(dwarf_);
  dwarf_ = nullptr;
  sparse_.reset();
}

TypeRef DwarfDebugInfo::find_type(std::string_view spelling) {
  std::optional<CSpelling> split = split_c_spelling(spelling);
  if (!split) return nullptr;
  const std::vector<std::string>& words = split->words;
  const int stars = split->stars;

  TypeRef type = nullptr;
  const std::string& first = words[0];
  if (first == "struct" || first == "union" || first == "enum") {
    if (words.size() == 2) type = types_->named(first + " " + words[1]);
  } else if (words.size() == 1 && first == "void") {
    type = types_->void_type();
  } else if (words.size() == 1 && (first == "bool" || first == "_Bool")) {
    type = types_->named("_Bool");  // C's name; C23's is "bool"
    if (type == nullptr) type = types_->named("bool");
    if (type == nullptr) type = types_->synthesized_int("_Bool", 1, false);
  } else {
    // A C integer spelling, else a typedef or a base type as DWARF names
    // it ("size_t", "double", "long double", "__int128 unsigned").
    type = integer_type(words);
    if (type == nullptr) {
      std::string name;
      for (const std::string& w : words) name += (name.empty() ? "" : " ") + w;
      type = types_->named(name);
    }
  }
  for (int i = 0; type != nullptr && i < stars; ++i)
    type = types_->pointer_to(type);
  return type;
}

// A C integer type spelling ("unsigned", "long long", "short int") as the
// DWARF base type name gcc and clang use ("unsigned int", "long long int"),
// synthesized when the binary does not use it.  nullptr if not one.
TypeRef DwarfDebugInfo::integer_type(const std::vector<std::string>& words) {
  std::optional<CInteger> integer = c_integer(words);
  if (!integer) return nullptr;
  const std::string& name = integer->name;
  if (TypeRef t = types_->named(name)) return t;
  return types_->synthesized_int(name, integer->size, integer->is_signed);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// `path` opened, when it is an ELF file with DWARF; nullptr otherwise.
std::unique_ptr<ElfFile> open_with_dwarf(const std::string& path) {
  if (!is_regular_file(path)) return nullptr;
  try {
    auto file = std::make_unique<ElfFile>(path);
    if (file->has_debug_info()) return file;
  } catch (const UserError&) {
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<DebugInfo> DebugInfo::open(const std::string& binary,
                                           const DebugInfoOptions& options) {
  auto bin = std::make_unique<ElfFile>(binary);
  std::string build_id = bin->build_id();

  if (!options.debug_file.empty()) {
    auto file = std::make_unique<ElfFile>(options.debug_file);
    if (!file->has_debug_info())
      throw UserError("no debug info in " + options.debug_file +
                      " (given by --debug-file): it has no .debug_info");
    std::string file_id = file->build_id();
    if (!build_id.empty() && !file_id.empty() && file_id != build_id)
      throw UserError(options.debug_file + " is not the debug info of " +
                      binary + ": its build-id is " + file_id +
                      ", the binary's is " + build_id);
    return std::make_unique<DwarfDebugInfo>(std::move(file));
  }
  if (bin->has_debug_info())
    return std::make_unique<DwarfDebugInfo>(std::move(bin));

  if (build_id.size() > 2) {
    for (const std::string& dir : options.debug_dirs) {
      std::string path = dir + "/.build-id/" + build_id.substr(0, 2) + "/" +
                         build_id.substr(2) + ".debug";
      if (auto file = open_with_dwarf(path))
        return std::make_unique<DwarfDebugInfo>(std::move(file));
    }
  }

  // .gnu_debuglink names a file to look for next to the binary (its real
  // path, after symlinks), in .debug/ there, and under each debug dir.
  std::string link = bin->debuglink();
  std::vector<std::string> link_dirs;
  if (!link.empty()) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path real = fs::canonical(binary, ec);
    if (ec) real = fs::absolute(binary);
    std::string bindir = real.parent_path().string();
    link_dirs = {bindir, bindir + "/.debug"};
    for (const std::string& dir : options.debug_dirs)
      link_dirs.push_back(dir + bindir);
    for (const std::string& dir : link_dirs) {
      std::string path = dir + "/" + link;
      if (path == real.string()) continue;
      auto file = open_with_dwarf(path);
      if (file == nullptr) continue;
      std::string file_id = file->build_id();
      if (!build_id.empty() && !file_id.empty() && file_id != build_id)
        continue;  // a stale copy, from another build
      return std::make_unique<DwarfDebugInfo>(std::move(file));
    }
  }

  std::string how;
  if (!build_id.empty())
    how = "by build-id " + build_id + " under " + join(options.debug_dirs);
  if (!link.empty())
    how += (how.empty() ? "by its .gnu_debuglink " : ", nor by its .gnu_debuglink ") +
           link + " in " + join(link_dirs);
  std::string reason = "it has no .debug_info";
  if (build_id.empty()) reason += " and no build-id";
  if (!how.empty()) reason += ", and none was found " + how;
  throw NoDebugInfoError(binary, reason);
}

}  // namespace ovsq::probes
