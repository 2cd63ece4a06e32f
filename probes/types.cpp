#include "probes/types.h"

#include <map>

namespace ovsq::probes {

namespace {

// An unnamed member whose members are reachable by name (C11 anonymous
// struct/union members).
bool is_anonymous_aggregate(const Member& m) {
  return m.name.empty() && m.type != nullptr && m.type->is_aggregate();
}

}  // namespace

std::optional<Member> Type::find_member(std::string_view member_name) const {
  if (member_name.empty()) return std::nullopt;
  for (const Member& m : members) {
    if (m.name == member_name) return m;
    if (is_anonymous_aggregate(m)) {
      if (std::optional<Member> inner = m.type->find_member(member_name)) {
        inner->offset += m.offset;
        return inner;
      }
    }
  }
  return std::nullopt;
}

std::vector<std::string> Type::member_names() const {
  std::vector<std::string> names;
  for (const Member& m : members) {
    if (!m.name.empty()) {
      names.push_back(m.name);
    } else if (is_anonymous_aggregate(m)) {
      for (std::string& inner : m.type->member_names())
        names.push_back(std::move(inner));
    }
  }
  return names;
}

std::optional<std::string> Type::enumerator_name(int64_t value) const {
  for (const Enumerator& e : enumerators)
    if (e.value == value) return e.name;
  return std::nullopt;
}

namespace {
bool is_qualifier(const std::string& word) {
  return word == "const" || word == "volatile" || word == "restrict" ||
         word == "_Atomic";
}
}  // namespace

std::optional<CSpelling> split_c_spelling(std::string_view spelling) {
  CSpelling out;
  std::string word;
  auto end_word = [&]() -> bool {
    if (word.empty()) return true;
    bool ok = is_qualifier(word) || out.stars == 0;  // no names after a '*'
    if (!is_qualifier(word)) out.words.push_back(word);
    word.clear();
    return ok;
  };
  for (char c : spelling) {
    if (c == ' ' || c == '\t' || c == '*') {
      if (!end_word()) return std::nullopt;
      if (c == '*') ++out.stars;
    } else {
      word += c;
    }
  }
  if (!end_word() || out.words.empty()) return std::nullopt;
  return out;
}

std::optional<CInteger> c_integer(const std::vector<std::string>& words) {
  std::map<std::string, int> n;
  for (const std::string& w : words) {
    if (w != "signed" && w != "unsigned" && w != "char" && w != "short" &&
        w != "int" && w != "long")
      return std::nullopt;
    ++n[w];
  }
  bool is_unsigned = n["unsigned"] > 0;
  if (n["signed"] + n["unsigned"] > 1 || n["int"] > 1 || n["char"] > 1 ||
      n["short"] > 1 || n["long"] > 2 || (n["short"] && n["long"]) ||
      (n["char"] && (n["int"] || n["short"] || n["long"])))
    return std::nullopt;
  CInteger out;
  out.is_signed = !is_unsigned;
  if (n["char"]) {
    out.name = is_unsigned ? "unsigned char" : n["signed"] ? "signed char" : "char";
    out.size = 1;
  } else if (n["short"]) {
    out.name = is_unsigned ? "short unsigned int" : "short int";
    out.size = 2;
  } else if (n["long"] == 1) {
    out.name = is_unsigned ? "long unsigned int" : "long int";
    out.size = 8;
  } else if (n["long"] == 2) {
    out.name = is_unsigned ? "long long unsigned int" : "long long int";
    out.size = 8;
  } else {
    out.name = is_unsigned ? "unsigned int" : "int";
  }
  return out;
}

}  // namespace ovsq::probes
