#pragma once
// A file per build-id that keeps DwarfTypes' name index, so that the next
// ovsq on the same binary skips the walk over every unit.  On a real
// ovs-vswitchd (214 units, 6 MB of .debug_info) the walk is 14 ms and most
// of ovsq's start-up, and it maps all of .debug_info into memory; with the
// file, only the DIEs a query needs are read.
//
// Where: $OVSQ_CACHE_DIR, else $XDG_CACHE_HOME/ovsq, else ~/.cache/ovsq;
// file dwarf-index-BUILDID.  A build-id names one build exactly, so an
// entry never goes stale; a file that cannot be read, or is not what this
// version writes, is ignored (and rewritten).  No directory that can be
// written: no caching, silently.
#include <elfutils/libdw.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ovsq::probes {

// The index as DIE offsets.  `alt`: the DIE is in the dwz supplementary
// file (dwarf_getalt), not the main one.
struct DieRef {
  bool alt = false;
  Dwarf_Off offset = 0;
};

struct DwarfIndexEntries {
  std::vector<std::pair<std::string, DieRef>> names;        // "struct udpif_key"
  std::vector<std::pair<std::string, DieRef>> enumerators;  // its enum's DIE
  std::vector<std::pair<DieRef, DieRef>> enum_typedefs;     // anonymous enum -> typedef
  // Every unit's offset in the main file's .debug_info, ascending: what
  // probes/sparse_dwarf_file needs to read units one at a time.
  std::vector<uint64_t> units;
};

// The cache file for `build_id` (hex), or "" when there is nowhere to keep it.
std::string dwarf_index_cache_path(std::string_view build_id);

std::optional<DwarfIndexEntries> load_dwarf_index(const std::string& path,
                                                  std::string_view build_id);
// Written to a temporary file and renamed, so a reader never sees half.
// Failures are ignored: the cache is only an optimisation.
void save_dwarf_index(const std::string& path, std::string_view build_id,
                      const DwarfIndexEntries& entries);

}  // namespace ovsq::probes
