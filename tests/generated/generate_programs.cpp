// Writes random, well-typed ovsq programs for tests/generated/run.sh, which
// runs each against the simulator for real.
//
//   generate-programs BINARY SEED COUNT DIR
//
// writes DIR/gen-0001.ovsq ... from the probe catalog (the probes and
// their arguments), the binary's DWARF (each argument's type, and the
// members, enumerators and strings reachable from it) and the flow-key
// field table: every statement kind (print, printf, the aggregations,
// named aggregations, map assignments and deletes, exit), map reads,
// key fields, strings, blocks of several statements, several clauses,
// begin and end, and the run limits.  The same SEED writes the same
// programs, so a failure in CI is replayed by its seed.
//
// "Well-typed" is the generator's aim, not a promise: a program ovsq
// rejects with its own diagnostic is counted apart by run.sh, never as a
// failure.  A failure is anything else: a crash, a raw verifier or libbpf
// message, a hang.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "probes/catalog.h"
#include "probes/debug_info.h"
#include "probes/odp_key.h"
#include "probes/types.h"

namespace {

using ovsq::probes::TypeKind;
using ovsq::probes::TypeRef;

// What a piece of text is, as far as the generator needs to know.
enum class Cat { Int, Bool, Enum, Ufid, Ipv4, Ipv6, Mac, String, Pointer, Key, Flow };

// A value a clause can name: a field, a member path, a key field, a builtin.
struct Atom {
  std::string text;
  Cat cat;
  TypeRef enum_type = nullptr;  // Cat::Enum: its enumerators
  bool operator<(const Atom& o) const { return text < o.text; }
};

class Generator {
 public:
  Generator(ovsq::probes::DebugInfo& debug_info, uint64_t seed)
      : debug_info_(debug_info), rng_(seed) {
    for (const ovsq::probes::CatalogProbe& probe : ovsq::probes::ovs_catalog())
      if (ovsq::probes::find_catalog_probe(probe.short_name) == &probe)
        probe_atoms_[probe.short_name] = atoms_of(probe);
  }

  std::string program();

 private:
  // ---- what each probe offers --------------------------------------------
  std::vector<Atom> atoms_of(const ovsq::probes::CatalogProbe& probe);
  void add_members(std::vector<Atom>& atoms, const std::string& prefix,
                   TypeRef aggregate, int depth);
  void add_value(std::vector<Atom>& atoms, const std::string& text, TypeRef type,
                 int depth);
  static void add_key_fields(std::vector<Atom>& atoms);

  // ---- random choices ----------------------------------------------------
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return below(100) < size_t(percent); }
  template <class T> const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
  const Atom* pick_atom(Cat cat);
  std::vector<Cat> cats_available(const std::vector<Cat>& wanted);

  // ---- expressions -------------------------------------------------------
  std::string int_expr(int depth);
  std::string bool_expr(int depth);
  std::string value_expr(Cat& cat);   // anything printable; sets its Cat
  std::string key_expr(Cat cat);      // an aggregation or map key of this kind
  std::string literal_of(Cat cat);

  // ---- statements --------------------------------------------------------
  std::string statement();
  std::string print_stmt();
  std::string printf_stmt();
  std::string aggregate_stmt();
  std::string map_assign_stmt();
  std::string map_delete_stmt();
  std::string map_read(int depth);
  std::string keys_text(const std::vector<Cat>& kinds);
  std::string clause();

  ovsq::probes::DebugInfo& debug_info_;
  std::mt19937_64 rng_;
  std::map<std::string, std::vector<Atom>> probe_atoms_;

  // The clause being written: what its probes all have.
  std::vector<Atom> atoms_;
  // Maps and named aggregations of the program so far: their key kinds.
  struct MapInfo { std::vector<Cat> keys; };
  std::map<std::string, MapInfo> maps_;
  struct AggInfo { std::string function; std::vector<Cat> keys; };
  std::map<std::string, AggInfo> aggs_;
  int column_ = 0;
  bool big_ = false;
};

// ---- atoms -----------------------------------------------------------------

void Generator::add_value(std::vector<Atom>& atoms, const std::string& text,
                          TypeRef type, int depth) {
  if (type == nullptr) return;
  switch (type->kind) {
    case TypeKind::Int: atoms.push_back({text, Cat::Int}); break;
    case TypeKind::Bool: atoms.push_back({text, Cat::Bool}); break;
    case TypeKind::Enum:
      if (!type->enumerators.empty()) atoms.push_back({text, Cat::Enum, type});
      break;
    case TypeKind::Pointer: {
      TypeRef target = type->target;
      if (target && target->kind == TypeKind::Int && target->size == 1) {
        atoms.push_back({"str(" + text + ")", Cat::String});
        atoms.push_back({"str(" + text + ", 32)", Cat::String});
      }
      atoms.push_back({text, Cat::Pointer});
      if (depth > 0 && target && target->is_aggregate() && target->complete &&
          !target->partial)
        add_members(atoms, text + "->", target, depth - 1);
      break;
    }
    case TypeKind::Struct:
    case TypeKind::Union:
      if (depth > 0 && type->complete && !type->partial)
        add_members(atoms, text + ".", type, depth - 1);
      break;
    case TypeKind::Array:
      if (type->target && type->target->kind == TypeKind::Int &&
          type->target->size == 1 && type->count > 0)
        atoms.push_back({text, Cat::String});
      break;
    default: break;
  }
}

void Generator::add_members(std::vector<Atom>& atoms, const std::string& prefix,
                            TypeRef aggregate, int depth) {
  for (const std::string& name : aggregate->member_names()) {
    std::optional<ovsq::probes::Member> member = aggregate->find_member(name);
    if (!member || member->bit_size != 0) continue;
    add_value(atoms, prefix + name, member->type, depth);
  }
}

void Generator::add_key_fields(std::vector<Atom>& atoms) {
  for (const std::string& path : ovsq::probes::odp_field_paths()) {
    size_t dot = path.find('.');
    const ovsq::probes::OdpField* field =
        dot == std::string::npos
            ? ovsq::probes::find_odp_field(path, "")
            : ovsq::probes::find_odp_field(path.substr(0, dot), path.substr(dot + 1));
    if (!field) continue;
    Cat cat = Cat::Int;
    switch (field->kind) {
      case ovsq::probes::OdpFieldKind::Ipv4: cat = Cat::Ipv4; break;
      case ovsq::probes::OdpFieldKind::Ipv6: cat = Cat::Ipv6; break;
      case ovsq::probes::OdpFieldKind::Mac: cat = Cat::Mac; break;
      default: break;
    }
    atoms.push_back({"key." + path, cat});
  }
}

std::vector<Atom> Generator::atoms_of(const ovsq::probes::CatalogProbe& probe) {
  std::vector<Atom> atoms;
  for (const ovsq::probes::CatalogArg& arg : probe.args) {
    if (probe.is_flow_key(arg.name)) continue;  // below, as `key`
    add_value(atoms, arg.name, debug_info_.find_type(arg.c_type), 2);
  }
  for (const ovsq::probes::DerivedField& derived : probe.derived) {
    if (derived.name == "ufid") atoms.push_back({"ufid", Cat::Ufid});
    if (derived.name == "flow") atoms.push_back({"flow", Cat::Flow});
  }
  if (probe.is_flow_key("key")) {
    atoms.push_back({"key", Cat::Key});
    add_key_fields(atoms);
  }
  return atoms;
}

const Atom* Generator::pick_atom(Cat cat) {
  std::vector<const Atom*> of;
  for (const Atom& atom : atoms_)
    if (atom.cat == cat) of.push_back(&atom);
  return of.empty() ? nullptr : of[below(of.size())];
}

// ---- expressions ----------------------------------------------------------

std::string Generator::literal_of(Cat cat) {
  static const std::vector<std::string> ints = {"0", "1", "7", "42", "0xff", "1000",
                                                "4294967295", "10ms", "1s", "5us"};
  static const std::vector<std::string> ufids = {
      "ufid:89025cc1-910a-2dec-bcbd-da2adc29f439",
      "ufid:00000000-0000-0000-0000-000000000000"};
  static const std::vector<std::string> ipv4 = {"10.0.0.1", "10.1.0.3", "192.0.2.1"};
  static const std::vector<std::string> ipv6 = {"2001:db8::1", "::1", "2001:db8:1::3"};
  static const std::vector<std::string> macs = {"02:00:00:00:00:01", "02:00:00:01:00:03"};
  static const std::vector<std::string> strings = {"\"ovs-vswitchd\"", "\"\"",
                                                   "\"system@ovs-system\"", "\"a\\tb\\n\""};
  switch (cat) {
    case Cat::Ufid: return pick(ufids);
    case Cat::Ipv4: return pick(ipv4);
    case Cat::Ipv6: return pick(ipv6);
    case Cat::Mac: return pick(macs);
    case Cat::String: return pick(strings);
    default: return pick(ints);
  }
}

std::string Generator::int_expr(int depth) {
  switch (below(depth > 0 ? 8 : 4)) {
    case 0: return literal_of(Cat::Int);
    case 1: {
      static const std::vector<std::string> builtins = {"now", "walltime", "pid", "tid", "cpu"};
      return pick(builtins);
    }
    case 2:
    case 3:
      if (const Atom* atom = pick_atom(Cat::Int)) return atom->text;
      return literal_of(Cat::Int);
    case 4: {
      static const std::vector<std::string> ops = {"+", "-", "*", "/", "%", "&", "|",
                                                   "^", "<<", ">>"};
      return "(" + int_expr(depth - 1) + " " + pick(ops) + " " + int_expr(depth - 1) + ")";
    }
    case 5: return (chance(50) ? "-" : "~") + int_expr(depth - 1);
    case 6: if (!maps_.empty()) return map_read(depth - 1); return int_expr(depth - 1);
    default: return "(" + bool_expr(depth - 1) + ")";
  }
}

std::string Generator::bool_expr(int depth) {
  switch (below(depth > 0 ? 9 : 5)) {
    case 0: {
      static const std::vector<std::string> ops = {"==", "!=", "<", "<=", ">", ">="};
      return int_expr(depth > 0 ? depth - 1 : 0) + " " + pick(ops) + " " +
             int_expr(depth > 0 ? depth - 1 : 0);
    }
    case 1:
      if (const Atom* atom = pick_atom(Cat::Enum))
        return atom->text + (chance(50) ? " == " : " != ") +
               pick(atom->enum_type->enumerators).name;
      return "1";
    case 2: {
      std::vector<Cat> kinds = cats_available({Cat::Ufid, Cat::Ipv4, Cat::Ipv6, Cat::Mac,
                                               Cat::String});
      if (kinds.empty()) return "comm == \"vswitchd-sim\"";
      Cat cat = pick(kinds);
      return pick_atom(cat)->text + (chance(50) ? " == " : " != ") + literal_of(cat);
    }
    case 3:
      if (const Atom* atom = pick_atom(Cat::Bool)) return atom->text;
      return "comm != \"\"";
    case 4: return int_expr(0);
    case 5: return bool_expr(depth - 1) + (chance(50) ? " && " : " || ") + bool_expr(depth - 1);
    case 6: return (chance(50) ? "!" : "not ") + std::string("(") + bool_expr(depth - 1) + ")";
    case 7: return bool_expr(depth - 1) + (chance(50) ? " and " : " or ") + bool_expr(depth - 1);
    default: return "(" + bool_expr(depth - 1) + ")";
  }
}

std::vector<Cat> Generator::cats_available(const std::vector<Cat>& wanted) {
  std::vector<Cat> out;
  for (Cat cat : wanted)
    if (pick_atom(cat)) out.push_back(cat);
  return out;
}

std::string Generator::value_expr(Cat& cat) {
  switch (below(10)) {
    case 0: cat = Cat::Int; return int_expr(2);
    case 1: cat = Cat::Bool; return bool_expr(1);
    case 2: cat = Cat::String; return "comm";
    case 3: cat = Cat::Enum; return "probe";
    default: {
      std::vector<Cat> kinds = cats_available({Cat::Int, Cat::Bool, Cat::Enum, Cat::Ufid,
                                               Cat::Ipv4, Cat::Ipv6, Cat::Mac, Cat::String,
                                               Cat::Pointer, Cat::Key, Cat::Flow});
      if (kinds.empty()) { cat = Cat::Int; return int_expr(1); }
      cat = pick(kinds);
      const Atom* atom = pick_atom(cat);
      if (cat == Cat::Enum && chance(30)) {
        cat = Cat::String;
        return "meaning(" + atom->text + ")";
      }
      return atom->text;
    }
  }
}

// Keys of aggregations and maps: integers, enums (probe), ufids, strings
// (comm).  A map or a named aggregation keeps its first key kinds.
std::string Generator::key_expr(Cat cat) {
  switch (cat) {
    case Cat::Enum: return "probe";
    case Cat::String: return "comm";
    case Cat::Ufid: return "ufid";
    default:
      if (const Atom* atom = chance(50) ? pick_atom(Cat::Int) : nullptr) return atom->text;
      static const std::vector<std::string> builtins = {"tid", "cpu", "pid", "42"};
      return pick(builtins);
  }
}

std::string Generator::keys_text(const std::vector<Cat>& kinds) {
  std::string out;
  for (Cat cat : kinds) out += (out.empty() ? "" : ", ") + key_expr(cat);
  return out;
}

std::vector<Cat> random_key_kinds(size_t n, bool has_ufid, std::mt19937_64& rng) {
  std::vector<Cat> choices = {Cat::Int, Cat::Enum, Cat::String};
  if (has_ufid) choices.push_back(Cat::Ufid);
  std::vector<Cat> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(choices[std::uniform_int_distribution<size_t>(0, choices.size() - 1)(rng)]);
  return out;
}

bool has_ufid_keys(const std::vector<Cat>& keys) {
  for (Cat cat : keys)
    if (cat == Cat::Ufid) return true;
  return false;
}

std::string Generator::map_read(int depth) {
  std::vector<std::string> usable;
  bool has_ufid = pick_atom(Cat::Ufid) != nullptr;
  for (const auto& [name, info] : maps_)
    if (has_ufid || !has_ufid_keys(info.keys)) usable.push_back(name);
  if (usable.empty()) return literal_of(Cat::Int);
  const std::string& name = pick(usable);
  const MapInfo& info = maps_[name];
  if (info.keys.empty()) return "@" + name;
  return "@" + name + "[" + keys_text(info.keys) + "]";
}

// ---- statements -----------------------------------------------------------

std::string Generator::print_stmt() {
  std::string out = "print ";
  size_t n = 1 + below(big_ ? 6 : 3);
  for (size_t i = 0; i < n; ++i) {
    Cat cat;
    out += (i ? ", " : "") + value_expr(cat);
    if (chance(20)) out += " as col" + std::to_string(++column_);
  }
  return out;
}

std::string Generator::printf_stmt() {
  std::string format, args;
  size_t n = below(big_ ? 7 : 4);
  static const std::vector<std::string> int_conversions = {"%d", "%u", "%x", "%-8d", "%5u",
                                                           "%llu", "%#x", "%i", "%o", "%X"};
  for (size_t i = 0; i < n; ++i) {
    Cat cat;
    std::string value = value_expr(cat);
    format += (i ? " " : "") + std::string(i == 1 ? "v=" : "");
    if (cat == Cat::Int || cat == Cat::Bool)
      format += pick(int_conversions);
    else
      format += chance(20) ? "%-20s" : "%s";
    args += ", " + value;
  }
  if (chance(30)) format += " 100%%";
  return "printf(\"" + format + "\\n\"" + args + ")";
}

std::string Generator::aggregate_stmt() {
  static const std::vector<std::string> functions = {"count", "sum", "avg", "min",
                                                     "max", "hist", "lhist"};
  std::string function = pick(functions);
  auto call = [&](const std::string& f) {
    if (f == "count") return std::string("count()");
    if (f == "lhist") return "lhist(" + int_expr(1) + ", 0, 1000, 100)";
    return f + "(" + int_expr(1) + ")";
  };
  bool has_ufid = pick_atom(Cat::Ufid) != nullptr;
  if (chance(40)) {
    // A named aggregation: an existing one (same function and key kinds),
    // or a new one.
    for (const auto& [name, info] : aggs_)
      if (chance(50) && (has_ufid || !has_ufid_keys(info.keys)))
        return "@" + name + (info.keys.empty() ? "" : "[" + keys_text(info.keys) + "]") +
               " = " + call(info.function);
    std::string name = "agg" + std::to_string(aggs_.size() + 1);
    AggInfo info{function, random_key_kinds(below(3), has_ufid, rng_)};
    aggs_[name] = info;
    return "@" + name + (info.keys.empty() ? "" : "[" + keys_text(info.keys) + "]") +
           " = " + call(function);
  }
  std::string out = function == "count" ? (chance(50) ? "count" : "count()") : call(function);
  std::vector<Cat> keys = random_key_kinds(below(3), has_ufid, rng_);
  if (!keys.empty()) out += " by " + keys_text(keys);
  return out;
}

std::string Generator::map_assign_stmt() {
  bool has_ufid = pick_atom(Cat::Ufid) != nullptr;
  std::string name;
  for (const auto& [existing, info] : maps_)
    if (chance(50) && (has_ufid || !has_ufid_keys(info.keys))) name = existing;
  if (name.empty()) {
    name = "m" + std::to_string(maps_.size() + 1);
    maps_[name] = MapInfo{random_key_kinds(below(3), has_ufid, rng_)};
  }
  const MapInfo& info = maps_[name];
  std::string target = "@" + name + (info.keys.empty() ? "" : "[" + keys_text(info.keys) + "]");
  return target + " = " + int_expr(2);
}

std::string Generator::map_delete_stmt() {
  bool has_ufid = pick_atom(Cat::Ufid) != nullptr;
  for (const auto& [name, info] : maps_)
    if (!info.keys.empty() && (has_ufid || !has_ufid_keys(info.keys)))
      return "delete @" + name + "[" + keys_text(info.keys) + "]";
  return map_assign_stmt();
}

std::string Generator::statement() {
  switch (below(20)) {
    case 0: case 1: case 2: case 3: return print_stmt();
    case 4: case 5: case 6: return printf_stmt();
    case 7: case 8: case 9: case 10: return aggregate_stmt();
    case 11: case 12: case 13: return map_assign_stmt();
    case 14: return map_delete_stmt();
    case 15: return chance(10) ? (chance(50) ? "exit" : "exit()") : print_stmt();
    default: return aggregate_stmt();
  }
}

std::string Generator::clause() {
  std::string head;
  atoms_.clear();
  size_t kind = below(10);
  if (kind == 0 || kind == 1) {
    head = kind == 0 ? "begin" : "end";
  } else {
    // One probe, or two that share fields (the clause sees what both have).
    static const std::vector<std::vector<std::string>> groups = {
        {"flow_result", "flow_sweep_result"}, {"flow_put", "flow_del", "flow_get"},
        {"reval_entry", "reval_exit"}, {"start_dump", "sweep_done"},
        {"upcall", "flow_execute"}, {"run_start", "poll_block"}};
    std::vector<std::string> names;
    if (chance(25)) {
      const std::vector<std::string>& group = pick(groups);
      names = group;
      if (names.size() > 2 && chance(50)) names.pop_back();
    } else {
      auto it = probe_atoms_.begin();
      std::advance(it, below(probe_atoms_.size()));
      names = {it->first};
    }
    std::set<Atom> common(probe_atoms_[names[0]].begin(), probe_atoms_[names[0]].end());
    for (size_t i = 1; i < names.size(); ++i) {
      std::set<Atom> next;
      for (const Atom& atom : probe_atoms_[names[i]])
        if (common.count(atom) && common.find(atom)->cat == atom.cat) next.insert(atom);
      common = next;
    }
    atoms_.assign(common.begin(), common.end());
    head = "on";
    for (size_t i = 0; i < names.size(); ++i) head += (i ? ", " : " ") + names[i];
    if (chance(50)) head += " where " + bool_expr(big_ ? 3 : 2);
  }
  size_t n = 1 + below(big_ ? 8 : 4);
  if (n == 1 && chance(50)) return head + " " + statement();
  std::string body;
  for (size_t i = 0; i < n; ++i) {
    if (chance(50))
      body += "\n  " + statement();
    else
      body += (i ? "; " : " ") + statement();
  }
  return head + " {" + body + (chance(50) ? "\n}" : " }");
}

std::string Generator::program() {
  maps_.clear();
  aggs_.clear();
  column_ = 0;
  // One program in four is big: more clauses, statements and arguments,
  // for the verifier's limits rather than for variety.
  big_ = chance(25);
  std::string out;
  size_t clauses = 1 + below(big_ ? 7 : 4);
  for (size_t i = 0; i < clauses; ++i) out += clause() + (chance(30) ? ";\n" : "\n");
  // run.sh gives each program a fixed time: every program ends by itself.
  out += "for 200ms\n";
  if (chance(30)) out += "every 50ms\n";
  if (chance(15)) out += "limit " + std::to_string(1 + below(50)) + "\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: generate-programs BINARY SEED COUNT DIR\n";
    return 2;
  }
  try {
    std::unique_ptr<ovsq::probes::DebugInfo> debug_info =
        ovsq::probes::DebugInfo::open(argv[1], {});
    Generator generator(*debug_info, std::stoull(argv[2]));
    unsigned long count = std::stoul(argv[3]);
    for (unsigned long i = 1; i <= count; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "/gen-%04lu.ovsq", i);
      std::ofstream(std::string(argv[4]) + name) << generator.program();
    }
  } catch (const std::exception& e) {
    std::cerr << "generate-programs: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
