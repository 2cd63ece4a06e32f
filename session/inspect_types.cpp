// `.type NAME`: a struct, union or enum laid out the way pahole prints
// one, from the probes::Type model (so from the DWARF, or from the
// built-in types when the binary has none).
#include <algorithm>
#include <cstdio>

#include "frontend/diagnostics.h"
#include "probes/catalog.h"
#include "probes/catalog_types.h"
#include "session/inspect.h"
#include "support/error.h"

namespace ovsq::session {
namespace {

using probes::Member;
using probes::Type;
using probes::TypeKind;
using probes::TypeRef;

// Columns as pahole's, with 4 blanks for its tab: a member's name starts
// at column 31 and its "/* offset size */" at column 53, at every depth.
constexpr size_t kNameColumn = 31;
constexpr size_t kCommentColumn = 53;

// `text` padded with spaces to `column`, and at least one.
std::string pad_to(std::string text, size_t column) {
  text += ' ';
  if (text.size() < column) text.append(column - text.size(), ' ');
  return text;
}

std::string indent(int depth) { return std::string(4 * size_t(depth), ' '); }

// "8 bytes", "1 byte 4 bits", "3 bits".
std::string gap_text(uint64_t bits) {
  auto count = [](uint64_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  if (bits % 8 == 0) return count(bits / 8, "byte");
  if (bits < 8) return count(bits, "bit");
  return count(bits / 8, "byte") + " " + count(bits % 8, "bit");
}

// A named struct, union or enum: its C tag, with no "<anonymous>".
bool has_tag(const std::string& name) {
  return name.find('<') == std::string::npos &&
         (name.starts_with("struct ") || name.starts_with("union ") ||
          name.starts_with("enum "));
}
bool is_anonymous(const Type& type) {
  return type.name.find("<anonymous>") != std::string::npos;
}

// "struct", "union" or "enum": how an anonymous or typedef'd one opens.
const char* keyword(const Type& type) {
  if (type.kind == TypeKind::Struct) return "struct";
  if (type.kind == TypeKind::Union) return "union";
  return "enum";
}

// A member's C declaration around its name: "uint32_t", "u32" and "[4]"
// for an array; "int", "(*callback" and ")(void *, int)" for a function
// pointer.  A typedef of either keeps its own name.
struct Declaration {
  std::string type;    // the type column
  std::string before;  // then, in the name column, before the name
  std::string after;   // and after it
};
Declaration declaration(const Type& type) {
  const std::string& name = type.name;
  if (type.kind == TypeKind::Array && name.ends_with("]")) {
    size_t bracket = name.find('[');
    return {name.substr(0, bracket), "", name.substr(bracket)};
  }
  size_t star = name.find(" (*)");
  if (type.kind == TypeKind::Pointer && star != std::string::npos)
    return {name.substr(0, star), "(*", name.substr(star + 3)};
  return {name, "", ""};
}

// How the type opens and closes: "struct udpif_key {" and "};", or for a
// typedef "typedef union {" and "} ovs_u128;".
std::pair<std::string, std::string> brackets(const Type& type, const char* keyword) {
  if (type.typedef_of.empty()) return {type.name + " {", "};"};
  std::string named = has_tag(type.typedef_of) ? type.typedef_of : keyword;
  return {"typedef " + named + " {", "} " + type.name + ";"};
}

// What the closing line sums up, pahole-style.
struct Totals {
  size_t holes = 0;
  uint64_t hole_bits = 0;
  uint64_t end_bit = 0;  // where the last member ends, from the type's start
};

class LayoutPrinter {
 public:
  explicit LayoutPrinter(bool partial) : partial_(partial) {}

  // The members of `type` at `depth`, their offsets counted from the
  // outermost type's start (`base` is where `type` starts in it), as
  // find_member counts them through anonymous members.
  Totals members(const Type& type, uint64_t base, int depth) {
    Totals totals;
    const bool is_struct = type.kind == TypeKind::Struct;
    for (const Member& m : type.members) {
      const uint64_t start_bit = m.offset * 8 + m.bit_offset;
      // A partial layout leaves members out: its gaps are not holes.
      if (is_struct && !partial_ && start_bit > totals.end_bit) {
        out_ += indent(depth) + "/* XXX " + gap_text(start_bit - totals.end_bit) +
                " hole */\n";
        ++totals.holes;
        totals.hole_bits += start_bit - totals.end_bit;
      }
      Totals inner = member(m, base, depth);
      totals.holes += inner.holes;
      totals.hole_bits += inner.hole_bits;
      uint64_t bits = m.bit_size != 0 ? m.bit_size : m.type->size * 8;
      totals.end_bit = std::max(totals.end_bit, start_bit + bits);
    }
    return totals;
  }

  std::string take() { return std::move(out_); }
  void line(const std::string& text) { out_ += text + "\n"; }

 private:
  // One member; for an anonymous struct or union, which is laid out
  // where it stands, the holes in it.
  Totals member(const Member& m, uint64_t base, int depth) {
    const Type& type = *m.type;
    const uint64_t offset = base + m.offset;
    if (type.is_aggregate() && is_anonymous(type)) {
      line(indent(depth) + keyword(type) + " {");
      Totals inner = members(type, offset, depth + 1);
      std::string close = indent(depth) + "}" + (m.name.empty() ? "" : " " + m.name) + ";";
      line(pad_to(close, kCommentColumn) + comment(offset, type.size));
      return inner;
    }
    Declaration decl = declaration(type);
    std::string name = decl.before + m.name + decl.after;
    if (m.bit_size != 0) name += ":" + std::to_string(m.bit_size);
    std::string text = pad_to(indent(depth) + decl.type, kNameColumn) + name + ";";
    line(pad_to(text, kCommentColumn) +
         (m.bit_size != 0 ? bit_field_comment(offset, m.bit_offset, type.size)
                          : comment(offset, type.size)));
    return {};
  }

  // "/*    40     8 */": offset and size in bytes.
  static std::string comment(uint64_t offset, uint64_t size) {
    char text[32];
    std::snprintf(text, sizeof text, "/* %5llu %5llu */",
                  static_cast<unsigned long long>(offset),
                  static_cast<unsigned long long>(size));
    return text;
  }
  // "/*    40:3   4 */": the byte and bit a bit-field starts at, and the
  // size of its type.
  static std::string bit_field_comment(uint64_t offset, uint32_t bit, uint64_t size) {
    char text[32];
    std::snprintf(text, sizeof text, "/* %5llu:%u %3llu */",
                  static_cast<unsigned long long>(offset), bit,
                  static_cast<unsigned long long>(size));
    return text;
  }

  bool partial_;
  std::string out_;
};

// Said first when the type is from the built-in types.
constexpr const char* kBuiltinNote =
    "/* from ovsq's built-in types of upstream Open vSwitch on x86_64 (no "
    "debug info): they may not match this build */";

std::string describe_aggregate(const Type& type, bool builtin) {
  LayoutPrinter printer(type.partial);
  if (builtin) printer.line(kBuiltinNote);
  auto [opening, closing] = brackets(type, keyword(type));
  printer.line(opening);
  Totals totals = printer.members(type, 0, 1);
  std::string summary;
  if (type.partial) {
    printer.line("    /* ... and members ovsq does not know: a partial layout */");
    summary = "size: unknown, members: " + std::to_string(type.members.size()) +
              " known";
  } else {
    summary = "size: " + std::to_string(type.size) +
              ", members: " + std::to_string(type.members.size());
    if (totals.holes > 0)
      summary += ", holes: " + std::to_string(totals.holes) + " (" +
                 gap_text(totals.hole_bits) + ")";
    if (type.kind == TypeKind::Struct && type.size * 8 > totals.end_bit)
      summary += ", padding: " + gap_text(type.size * 8 - totals.end_bit);
  }
  printer.line(closing + "  /* " + summary + " */");
  return printer.take();
}

std::string describe_enum(const Type& type, bool builtin) {
  auto [opening, closing] = brackets(type, "enum");
  std::string out = builtin ? std::string(kBuiltinNote) + "\n" : "";
  out += opening + "\n";
  // The catalog knows meanings by the enum's tag, also for a typedef of it.
  const std::string& enum_name = type.typedef_of.empty() ? type.name : type.typedef_of;
  std::vector<std::string> entries;
  size_t width = 0;
  for (const probes::Enumerator& e : type.enumerators) {
    entries.push_back("    " + e.name + " = " + std::to_string(e.value) + ",");
    width = std::max(width, entries.back().size());
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    std::optional<std::string> meaning =
        probes::enumerator_meaning(enum_name, type.enumerators[i].name);
    out += meaning ? pad_to(entries[i], width + 1) + "/* " + *meaning + " */\n"
                   : entries[i] + "\n";
  }
  return out + closing + "  /* size: " +
         std::to_string(type.size) + " */\n";
}

// A type with no members to lay out: an integer, a pointer, an array.
std::string describe_scalar(const Type& type) {
  std::string what;
  switch (type.kind) {
    case TypeKind::Int: what = type.is_signed ? "signed integer" : "unsigned integer"; break;
    case TypeKind::Bool: what = "boolean"; break;
    case TypeKind::Pointer: what = "pointer to " + type.target->name; break;
    case TypeKind::Array:
      what = "array of " + std::to_string(type.count) + " " + type.target->name;
      break;
    case TypeKind::Function: what = "function"; break;
    default: what = type.size > 0 ? "not an integer: ovsq cannot read it" : "void"; break;
  }
  std::string declared =
      type.typedef_of.empty() ? type.name : "typedef " + type.typedef_of + " " + type.name + ";";
  return declared + "  /* size: " + std::to_string(type.size) + ", " + what + " */\n";
}

// The names a tag may have, in the order a bare name is tried.
std::vector<std::string> spellings_of_tag(const std::string& tag) {
  return {"struct " + tag, "union " + tag, "enum " + tag};
}

// "struct  udpif_key" as "struct udpif_key".
std::string squeeze(std::string_view text) {
  std::string out;
  bool blank = false;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      blank = !out.empty();
      continue;
    }
    if (blank) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

// "unknown type 'struct udpif_kye'; did you mean 'struct udpif_key'?"
// `names` is type_names(), sorted.
std::string unknown_type(const std::string& wanted, const std::vector<std::string>& names,
                         bool builtin) {
  std::string message = "unknown type '" + wanted + "'";
  if (builtin) message += " among ovsq's built-in types (the binary has no debug info)";
  // "union udpif_key" for a struct: the tag under its own keyword.
  if (size_t space = wanted.find(' '); space != std::string::npos && has_tag(wanted)) {
    for (const std::string& other : spellings_of_tag(wanted.substr(space + 1)))
      if (other != wanted && std::binary_search(names.begin(), names.end(), other))
        return message + "; " +
               frontend::diagnostic_message(frontend::DiagnosticKind::DidYouMean, {other});
  }
  // Suggest a bare tag too: "udpif_kye" is nearer "udpif_key".
  std::vector<std::string> candidates = names;
  for (const std::string& n : names)
    if (size_t space = n.find(' '); space != std::string::npos && has_tag(n))
      candidates.push_back(n.substr(space + 1));
  return frontend::with_did_you_mean(message, wanted, candidates);
}

}  // namespace

std::string describe_type(std::string_view name, probes::DebugInfo& debug_info) {
  const std::string wanted = squeeze(name);
  if (wanted.empty()) throw UserError("which type? e.g. '.type struct udpif_key'");
  const bool builtin = probes::is_builtin(debug_info);
  const std::vector<std::string> names = debug_info.type_names();
  auto listed = [&](const std::string& n) {
    return std::binary_search(names.begin(), names.end(), n);
  };

  // A bare name is a struct's, a union's or an enum's tag, else a typedef.
  std::vector<std::string> spellings = {wanted};
  if (!has_tag(wanted)) {
    spellings = spellings_of_tag(wanted);
    spellings.push_back(wanted);
  }
  TypeRef type = nullptr;
  for (const std::string& spelling : spellings)
    if (listed(spelling) && (type = debug_info.find_type(spelling)) != nullptr) break;
  // Anything else find_type knows, such as "unsigned int" or "char *";
  // not a struct known only by name, as the built-in types make up any.
  if (type == nullptr) {
    type = debug_info.find_type(wanted);
    if (type != nullptr && !type->complete) type = nullptr;
  }
  if (type == nullptr) throw UserError(unknown_type(wanted, names, builtin));

  if (!type->complete) {
    std::string declared = type->typedef_of.empty()
                               ? type->name
                               : "typedef " + type->typedef_of + " " + type->name;
    return declared + ";  /* declared only: the debug info has no layout of it */\n";
  }
  if (type->is_aggregate()) return describe_aggregate(*type, builtin);
  if (type->kind == TypeKind::Enum) return describe_enum(*type, builtin);
  return describe_scalar(*type);
}

}  // namespace ovsq::session
