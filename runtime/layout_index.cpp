#include "runtime/layout_index.h"

#include <algorithm>

namespace ovsq::runtime {
namespace {

// Layout ids index a vector; codegen numbers them from 0.
constexpr uint32_t kMaxLayoutId = 1u << 20;

}  // namespace

std::vector<std::string> unique_names(const std::vector<Column>& columns) {
  std::vector<std::string> names;
  auto taken = [&](const std::string& n) {
    if (std::find(names.begin(), names.end(), n) != names.end()) return true;
    for (const Column& c : columns)
      if (c.header == n) return true;
    return false;
  };
  for (const Column& c : columns) {
    std::string name = c.header;
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      for (unsigned k = 2;; ++k) {
        name = c.header + "#" + std::to_string(k);
        if (!taken(name)) break;
      }
    }
    names.push_back(std::move(name));
  }
  return names;
}

LayoutIndex::LayoutIndex(const std::vector<EventLayout>& layouts) {
  for (const EventLayout& layout : layouts) {
    if (layout.id >= kMaxLayoutId) continue;
    if (layout.id >= by_id_.size()) by_id_.resize(layout.id + 1);
    Prepared& p = by_id_[layout.id];
    p.present = true;
    p.layout = layout;
    p.min_size = required_size(layout);
    p.label = layout_label(layout);
    if (layout.is_printf)
      p.printf = PrintfFormat(layout);
    else
      p.names = unique_names(layout.columns);
  }
  for (const Prepared& p : by_id_)
    if (p.present && !p.layout.is_printf) ++row_layouts_;
}

}  // namespace ovsq::runtime
