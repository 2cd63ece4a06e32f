#include "probes/dwarf_index_cache.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ovsq::probes {
namespace {

// The first line; a file without it, or with another, is not used.
constexpr std::string_view kMagic = "ovsq-dwarf-index 3";

// "N struct udpif_key\t0\t1a2b": a kind letter (B for a base type), the
// name, the file (1: the supplementary one), the DIE offset in hex.  T
// lines: "T 0 1a2b\t0\t1c3d".
// One U line: "U 0\t3c1\t..." every unit's offset in hex.
void put_ref(std::ostream& out, DieRef ref) {
  out << (ref.alt ? '1' : '0') << '\t' << std::hex << ref.offset << std::dec;
}

bool parse_ref(std::string_view alt, std::string_view offset, DieRef& ref) {
  if (alt != "0" && alt != "1") return false;
  ref.alt = alt == "1";
  auto [end, error] =
      std::from_chars(offset.data(), offset.data() + offset.size(), ref.offset, 16);
  return error == std::errc() && end == offset.data() + offset.size();
}

// Splits "a\tb\tc" into its fields.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t tab; (tab = line.find('\t', start)) != std::string_view::npos; start = tab + 1)
    out.push_back(line.substr(start, tab - start));
  out.push_back(line.substr(start));
  return out;
}

template <typename Entry>
const Entry* find_sorted(const std::vector<Entry>& entries, std::string_view name) {
  auto it = std::lower_bound(entries.begin(), entries.end(), name,
                             [](const Entry& e, std::string_view n) { return e.name < n; });
  return it != entries.end() && it->name == name ? &*it : nullptr;
}

template <typename Entry>
void sort_by_name(std::vector<Entry>& entries) {
  auto by_name = [](const Entry& a, const Entry& b) { return a.name < b.name; };
  if (!std::is_sorted(entries.begin(), entries.end(), by_name))
    std::sort(entries.begin(), entries.end(), by_name);
}

}  // namespace

std::string dwarf_index_cache_path(std::string_view build_id) {
  if (build_id.empty()) return {};
  std::string dir;
  if (const char* d = std::getenv("OVSQ_CACHE_DIR"); d && *d) dir = d;
  else if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) dir = std::string(x) + "/ovsq";
  else if (const char* h = std::getenv("HOME"); h && *h) dir = std::string(h) + "/.cache/ovsq";
  else return {};
  return dir + "/dwarf-index-" + std::string(build_id);
}

const IndexedName* DwarfIndexEntries::find_name(std::string_view name) const {
  return find_sorted(names, name);
}

const IndexedEnumerator* DwarfIndexEntries::find_enumerator(std::string_view name) const {
  return find_sorted(enumerators, name);
}

// Read whole and parsed in place: the entries are views of the text.
std::optional<DwarfIndexEntries> load_dwarf_index(const std::string& path,
                                                  std::string_view build_id) {
  DwarfIndexEntries entries;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    entries.text = std::move(text).str();
  }
  std::string_view rest = entries.text;
  auto next_line = [&rest](std::string_view& line) {
    size_t newline = rest.find('\n');
    if (newline == std::string_view::npos) return false;
    line = rest.substr(0, newline);
    rest.remove_prefix(newline + 1);
    return true;
  };
  std::string_view line;
  if (!next_line(line) || line != std::string(kMagic) + " " + std::string(build_id))
    return std::nullopt;
  bool ended = false;
  while (next_line(line)) {
    if (line == "end") {
      ended = true;
      break;
    }
    if (line.size() < 2 || line[1] != ' ') return std::nullopt;
    std::vector<std::string_view> f = fields(line.substr(2));
    DieRef ref, other;
    switch (line[0]) {
      case 'N':
      case 'B':
      case 'E':
        if (f.size() != 3 || !parse_ref(f[1], f[2], ref)) return std::nullopt;
        if (line[0] == 'E')
          entries.enumerators.push_back({f[0], ref});
        else
          entries.names.push_back({f[0], ref, line[0] == 'B'});
        break;
      case 'U':
        for (std::string_view offset : f) {
          uint64_t value = 0;
          auto [end, error] = std::from_chars(offset.data(), offset.data() + offset.size(), value, 16);
          if (error != std::errc() || end != offset.data() + offset.size()) return std::nullopt;
          entries.units.push_back(value);
        }
        break;
      case 'T':
        if (f.size() != 4 || !parse_ref(f[0], f[1], ref) || !parse_ref(f[2], f[3], other))
          return std::nullopt;
        entries.enum_typedefs.emplace_back(ref, other);
        break;
      default:
        return std::nullopt;
    }
  }
  if (!ended) return std::nullopt;  // cut short
  sort_by_name(entries.names);
  sort_by_name(entries.enumerators);
  return entries;
}

void save_dwarf_index(const std::string& path, std::string_view build_id,
                      const DwarfIndexEntries& entries) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::create_directories(fs::path(path).parent_path(), error);
  std::string temporary = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out << kMagic << ' ' << build_id << '\n';
    for (const IndexedName& name : entries.names) {
      out << (name.base_type ? "B " : "N ") << name.name << '\t';
      put_ref(out, name.ref);
      out << '\n';
    }
    for (const IndexedEnumerator& enumerator : entries.enumerators) {
      out << "E " << enumerator.name << '\t';
      put_ref(out, enumerator.ref);
      out << '\n';
    }
    for (const auto& [anonymous, typedef_ref] : entries.enum_typedefs) {
      out << "T ";
      put_ref(out, anonymous);
      out << '\t';
      put_ref(out, typedef_ref);
      out << '\n';
    }
    if (!entries.units.empty()) {
      out << "U " << std::hex;
      for (size_t i = 0; i < entries.units.size(); ++i) out << (i ? "\t" : "") << entries.units[i];
      out << std::dec << '\n';
    }
    out << "end\n";
    if (!out) {
      fs::remove(temporary, error);
      return;
    }
  }
  fs::rename(temporary, path, error);
  if (error) fs::remove(temporary, error);
}

}  // namespace ovsq::probes
