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

// A named type: "struct udpif_key", "ovs_u128", "long unsigned int".
struct IndexedName {
  std::string_view name;  // a view of DwarfIndexEntries::text
  DieRef ref;
  bool base_type = false;  // C's own types ("int"), not listed to users
};

struct IndexedEnumerator {
  std::string_view name;  // a view of DwarfIndexEntries::text
  DieRef ref;             // its enum's DIE
};

// The whole index in a few flat arrays over one text (the cache file's,
// or the walk's names), so that a vswitchd's 7,500 names cost 0.5 MB and
// no allocation each.  Moving it keeps the views valid.
struct DwarfIndexEntries {
  std::string text;
  std::vector<IndexedName> names;              // sorted by name
  std::vector<IndexedEnumerator> enumerators;  // sorted by name
  std::vector<std::pair<DieRef, DieRef>> enum_typedefs;  // anonymous enum -> typedef
  // Every unit's offset in the main file's .debug_info, ascending: what
  // probes/sparse_dwarf_file needs to read units one at a time.
  std::vector<uint64_t> units;

  const IndexedName* find_name(std::string_view name) const;
  const IndexedEnumerator* find_enumerator(std::string_view name) const;
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
