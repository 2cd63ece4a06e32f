#pragma once
// The event layouts by id, each prepared once, and the lookup of the
// layout an event from the ring buffer claims: what every output format
// (and the text row printer) does first with an event.
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "runtime/bpf_program.h"
#include "runtime/value_format.h"

namespace ovsq::runtime {

struct Prepared {
  bool present = false;
  EventLayout layout;
  size_t min_size = 0;
  std::string label;               // layout_label()
  PrintfFormat printf;
  std::vector<std::string> names;  // JSON field names: headers made unique
};

// JSON object keys must differ: a header seen before gets "#2", "#3", ...
std::vector<std::string> unique_names(const std::vector<Column>& columns);

class LayoutIndex {
 public:
  explicit LayoutIndex(const std::vector<EventLayout>& layouts);

  enum class Found { Layout, Exit, Malformed };
  // Malformed: shorter than its layout, or an id no layout has.
  Found find(std::span<const uint8_t> event, const Prepared*& layout) const {
    if (event.size() < 8) return Found::Malformed;
    uint32_t id;
    std::memcpy(&id, event.data(), sizeof id);
    if (id == kExitEventId) return Found::Exit;
    if (id >= by_id_.size() || !by_id_[id].present) return Found::Malformed;
    if (event.size() < by_id_[id].min_size) return Found::Malformed;
    layout = &by_id_[id];
    return Found::Layout;
  }

  const std::vector<Prepared>& all() const { return by_id_; }  // by id
  size_t row_layouts() const { return row_layouts_; }

 private:
  std::vector<Prepared> by_id_;
  size_t row_layouts_ = 0;
};

}  // namespace ovsq::runtime
