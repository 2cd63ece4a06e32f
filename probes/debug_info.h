#pragma once
// DWARF types of a traced binary, read with elfutils libdw (which handles
// DW_TAG_atomic_type, unlike Debian 12's pahole).
//
// The debug info is looked for, in order: the file named by --debug-file;
// the binary itself; <dir>/.build-id/xx/rest.debug under each debug
// directory (default /usr/lib/debug); the binary's .gnu_debuglink next to
// it and under the debug directories.  Lookups are lazy: opening indexes
// the names of top-level types only, and a type is converted to the
// probes::Type model the first time it is asked for, then cached.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/types.h"
#include "support/error.h"

namespace ovsq::probes {

struct DebugInfoOptions {
  std::string debug_file;              // --debug-file; empty = search
  std::vector<std::string> debug_dirs = {"/usr/lib/debug"};  // --debug-dir
};

// DebugInfo::open's error when its search found no DWARF (and no
// --debug-file was given): the one case the driver may answer with the
// catalog's built-in types (probes/catalog_types.h) instead.
class NoDebugInfoError : public UserError {
 public:
  NoDebugInfoError(const std::string& binary, const std::string& reason)
      : UserError("no debug info for " + binary + ": " + reason +
                  "; install its debug symbols or pass --debug-file"),
        binary_(binary),
        reason_(reason) {}
  const std::string& binary() const { return binary_; }
  // "it has no .debug_info, and none was found by build-id ... under ..."
  const std::string& reason() const { return reason_; }

 private:
  std::string binary_;
  std::string reason_;
};

class DebugInfo {
 public:
  // Throws UserError naming the binary and every place searched when no
  // DWARF is found ("no debug info for /usr/sbin/ovs-vswitchd: it has no
  // .debug_info, and none was found by build-id 1a2b... under
  // /usr/lib/debug[, nor by its .gnu_debuglink X in DIR, ...]; install its
  // debug symbols or pass --debug-file"), when the binary or the
  // --debug-file cannot be opened ("cannot open PATH: strerror"), when the
  // --debug-file has no DWARF, or when its build-id is not the binary's.
  // A debuglink candidate with another build-id is skipped.  The search
  // finding nothing throws the NoDebugInfoError subclass.
  static std::unique_ptr<DebugInfo> open(const std::string& binary,
                                         const DebugInfoOptions& options);
  virtual ~DebugInfo() = default;

  // The file the DWARF was read from.
  virtual const std::string& source() const = 0;

  // Looks a type up by its C spelling: "struct udpif_key",
  // "union ovs_u128" or the typedef "ovs_u128", "enum reval_result",
  // "uint16_t", "size_t", "unsigned int", "char", and any of these followed
  // by '*'s ("struct udpif_key *", "const char *").  Returns nullptr when
  // the binary's DWARF has no such type.
  virtual TypeRef find_type(std::string_view c_spelling) = 0;

  // Every enumerator of every named enum type, to bind bare names such as
  // FDR_FLOW_IDLE.  Returns the enum type that holds `name`, or nullptr.
  virtual TypeRef find_enumerator(std::string_view name) = 0;
  // All enumerator names, for "did you mean".
  virtual std::vector<std::string> enumerator_names() = 0;
  // The C spellings of every named struct, union, enum and typedef
  // ("struct udpif_key", "enum reval_result", "ovs_u128"), sorted, for
  // the session's `.type` and its completion.
  virtual std::vector<std::string> type_names() = 0;
};

}  // namespace ovsq::probes
