// decode_aggregation (runtime/output.h): per-CPU values combined, keys
// decoded as event values are, rows sorted.
#include <algorithm>
#include <array>
#include <optional>
#include <cstring>
#include <map>
#include <string_view>

#include "runtime/output.h"
#include "runtime/value_format.h"

namespace ovsq::runtime {
namespace {

// Beyond this many buckets between a row's lowest and highest non-empty
// one (an absurd lhist), only the non-empty buckets are listed.
constexpr uint64_t kMaxBucketSpan = 1u << 20;

template <typename T>
int three_way(T a, T b) {
  return a < b ? -1 : b < a ? 1 : 0;
}

int compare_column(const Column& c, const uint8_t* a, const uint8_t* b) {
  const uint8_t* pa = a + c.offset;
  const uint8_t* pb = b + c.offset;
  auto sign_of = [](int r) { return r < 0 ? -1 : r > 0 ? 1 : 0; };
  KeyOrder order = column_kind_info(c.kind).order;
  if (order == KeyOrder::Enum)
    order = enum_is_signed(c) ? KeyOrder::Signed : KeyOrder::Unsigned;
  switch (order) {
    case KeyOrder::Unsigned:
      return three_way(read_unsigned(pa, c.size), read_unsigned(pb, c.size));
    case KeyOrder::Signed:
    case KeyOrder::Enum:
      return three_way(read_signed(pa, c.size), read_signed(pb, c.size));
    case KeyOrder::Words:  // a ufid's text is its words in order, fixed-width hex
      for (uint32_t i = 0; i + 4 <= std::min<uint32_t>(c.size, 16); i += 4)
        if (int r = three_way(read_unsigned(pa + i, 4), read_unsigned(pb + i, 4)))
          return r;
      return 0;
    case KeyOrder::Bytes: return sign_of(std::memcmp(pa, pb, c.size));
    case KeyOrder::Text: {
      auto text = [&](const uint8_t* p) {
        const void* nul = std::memchr(p, 0, c.size);
        size_t n = nul ? static_cast<const uint8_t*>(nul) - p : c.size;
        return std::string_view(reinterpret_cast<const char*>(p), n);
      };
      // string_view compares chars as unsigned (char_traits<char>).
      return sign_of(text(pa).compare(text(pb)));
    }
  }
  return 0;
}

struct Pending {
  std::vector<uint8_t> key;  // the user key (no bucket)
  AggregationRow row;
};

HistBucket hist_bucket(const AggregationMap& map, uint64_t index) {
  HistBucket b;
  if (map.kind == AggregationKind::Hist) {
    if (index == 0) {
      b.has_high = true;
      b.high = 0;
    } else if (index == 1) {
      b.has_low = b.has_high = true;
      b.low = 0;
      b.high = 1;
    } else {
      b.has_low = true;
      b.low = int64_t{1} << (index - 2);
      if (index < 64) {
        b.has_high = true;
        b.high = int64_t{1} << (index - 1);
      }
    }
    return b;
  }
  int64_t step = map.lhist_step > 0 ? map.lhist_step : 1;
  uint64_t n = lhist_buckets(map.lhist_min, map.lhist_max, step);
  if (index == 0) {
    b.has_high = true;
    b.high = map.lhist_min;
  } else if (index <= n) {
    b.has_low = b.has_high = true;
    b.low = static_cast<int64_t>(map.lhist_min +
                                 static_cast<__int128>(index - 1) * step);
    b.high = static_cast<int64_t>(b.low + static_cast<__int128>(step));
  } else {
    b.has_low = true;
    b.low = static_cast<int64_t>(map.lhist_min + static_cast<__int128>(n) * step);
  }
  return b;
}

// The highest bucket index the map's kind has.
uint64_t last_bucket(const AggregationMap& map) {
  if (map.kind == AggregationKind::Hist) return 64;
  return 1 + lhist_buckets(map.lhist_min, map.lhist_max, map.lhist_step);
}

// One entry's value on each CPU: u64 word `word` of CPU `cpu`'s value.
struct PerCpu {
  const RawEntry& entry;
  size_t cpus;
  size_t stride;
  uint64_t operator()(size_t cpu, size_t word) const {
    uint64_t v;
    std::memcpy(&v, entry.values.data() + cpu * stride + word * 8, 8);
    return v;
  }
  uint64_t total(size_t word) const {  // wraps as the kernel's s64 adds do
    uint64_t sum = 0;
    for (size_t cpu = 0; cpu < cpus; ++cpu) sum += (*this)(cpu, word);
    return sum;
  }
};

// The per-CPU combine and final values of each kind: the numbers in the
// order support/aggregations.h names them, or nothing for an entry with
// nothing in it.  For Hist/Lhist an entry is one bucket, whose count and
// sum decode_aggregation adds up over a key's buckets.
std::optional<std::array<int64_t, 3>> combine_cpus(AggregationKind kind,
                                                   const PerCpu& v) {
  auto s64 = [](uint64_t x) { return static_cast<int64_t>(x); };
  // sum / count toward zero, as bpftrace prints an average
  auto average = [&](uint64_t sum, uint64_t count) {
    auto divisor = s64(count);
    return divisor > 0 ? s64(sum) / divisor : 0;
  };
  switch (kind) {
    case AggregationKind::Count: {
      uint64_t count = v.total(0);
      if (count == 0) return std::nullopt;
      return std::array<int64_t, 3>{s64(count)};
    }
    case AggregationKind::Sum: return std::array<int64_t, 3>{s64(v.total(0))};
    case AggregationKind::Avg: {
      uint64_t sum = v.total(0), count = v.total(1);
      if (count == 0) return std::nullopt;
      return std::array<int64_t, 3>{average(sum, count), s64(count)};
    }
    case AggregationKind::Stats: {
      uint64_t sum = v.total(0), count = v.total(1);
      if (count == 0) return std::nullopt;
      return std::array<int64_t, 3>{s64(count), s64(sum), average(sum, count)};
    }
    case AggregationKind::Min:
    case AggregationKind::Max: {
      bool any = false;
      int64_t best = 0;
      for (size_t cpu = 0; cpu < v.cpus; ++cpu) {
        if (v(cpu, 1) == 0) continue;  // no value on that CPU
        int64_t x = s64(v(cpu, 0));
        if (!any || (kind == AggregationKind::Min ? x < best : x > best)) best = x;
        any = true;
      }
      if (!any) return std::nullopt;
      return std::array<int64_t, 3>{best};
    }
    case AggregationKind::Hist:
    case AggregationKind::Lhist: {  // one bucket's
      uint64_t count = v.total(0), sum = v.total(1);
      if (count == 0) return std::nullopt;
      return std::array<int64_t, 3>{s64(count), s64(sum)};
    }
  }
  return std::nullopt;
}

}  // namespace

AggregationTable decode_aggregation(const AggregationMap& map,
                                    std::span<const RawEntry> entries,
                                    int ncpus) {
  AggregationTable table;
  table.map = &map;
  const bool hist = is_histogram(map.kind);
  if (hist && map.key_size < 8) return table;
  if (map.value_size < aggregation_value_size(map.kind)) return table;
  const size_t user_size = hist ? map.key_size - 8 : map.key_size;
  size_t key_needed = map.key_size;
  for (const Column& c : map.keys)
    if (size_t{c.offset} + c.size > user_size) return table;  // bad map
  const size_t stride = (size_t{map.value_size} + 7) / 8 * 8;

  auto cpus_of = [&](const RawEntry& e) {
    size_t have = e.values.size() / stride;
    return ncpus > 0 ? std::min<size_t>(have, static_cast<size_t>(ncpus))
                     : have;
  };

  std::vector<Pending> pending;
  // Hist/Lhist: user key -> bucket index -> count, and the key's values
  // (count and sum over its buckets).
  std::map<std::vector<uint8_t>, std::map<uint64_t, uint64_t>> histograms;
  std::map<std::vector<uint8_t>, std::array<uint64_t, 3>> histogram_totals;
  const uint64_t last = hist ? last_bucket(map) : 0;
  const AggregationInfo& info = aggregation_info(map.kind);
  auto set_values = [&](AggregationRow& row, const std::array<int64_t, 3>& numbers) {
    for (size_t i = 0; i < aggregation_value_count(map.kind); ++i)
      row.values.push_back({info.values[i].name, numbers[i], info.values[i].is_unsigned});
  };

  for (const RawEntry& e : entries) {
    if (e.key.size() < key_needed) continue;
    PerCpu per_cpu{e, cpus_of(e), stride};
    std::vector<uint8_t> user(e.key.begin(), e.key.begin() + user_size);
    uint64_t index = 0;
    if (hist) {
      std::memcpy(&index, e.key.data() + user_size, 8);
      if (index > last) continue;
    }
    std::optional<std::array<int64_t, 3>> numbers = combine_cpus(map.kind, per_cpu);
    if (!numbers) continue;
    if (hist) {  // one bucket's values, added to its key's (wrapping)
      std::array<uint64_t, 3>& totals = histogram_totals[user];
      for (size_t i = 0; i < totals.size(); ++i)
        totals[i] += static_cast<uint64_t>((*numbers)[i]);
      histograms[std::move(user)][index] += static_cast<uint64_t>((*numbers)[0]);
      continue;
    }
    AggregationRow row;
    set_values(row, *numbers);
    pending.push_back({std::move(user), std::move(row)});
  }

  for (auto& [user, buckets] : histograms) {
    Pending p;
    p.key = user;
    std::array<int64_t, 3> totals{};
    for (size_t i = 0; i < totals.size(); ++i)
      totals[i] = static_cast<int64_t>(histogram_totals[user][i]);
    set_values(p.row, totals);
    uint64_t lo = buckets.begin()->first, hi = buckets.rbegin()->first;
    if (hi - lo < kMaxBucketSpan) {
      for (uint64_t i = lo; i <= hi; ++i) {
        HistBucket b = hist_bucket(map, i);
        auto it = buckets.find(i);
        b.count = it == buckets.end() ? 0 : it->second;
        p.row.buckets.push_back(b);
      }
    } else {
      for (const auto& [i, count] : buckets) {
        HistBucket b = hist_bucket(map, i);
        b.count = count;
        p.row.buckets.push_back(b);
      }
    }
    pending.push_back(std::move(p));
  }

  auto key_compare = [&](const Pending& a, const Pending& b) {
    for (const Column& c : map.keys)
      if (int r = compare_column(c, a.key.data(), b.key.data())) return r;
    if (user_size == 0) return 0;
    int r = std::memcmp(a.key.data(), b.key.data(), user_size);
    return r < 0 ? -1 : r > 0 ? 1 : 0;
  };
  auto value_compare = [&](const Pending& a, const Pending& b) {
    const AggregationValue& x = a.row.values.front();
    const AggregationValue& y = b.row.values.front();
    if (x.is_unsigned)
      return three_way(static_cast<uint64_t>(x.value), static_cast<uint64_t>(y.value));
    return three_way(x.value, y.value);
  };
  std::stable_sort(pending.begin(), pending.end(),
                   [&](const Pending& a, const Pending& b) {
                     if (!hist) {
                       if (int r = value_compare(a, b)) return r > 0;
                     }
                     return key_compare(a, b) < 0;
                   });

  table.rows.reserve(pending.size());
  for (Pending& p : pending) {
    for (const Column& c : map.keys)
      p.row.key.push_back({value_text(c, p.key.data()),
                           column_kind_info(c.kind).json == JsonForm::Number});
    table.rows.push_back(std::move(p.row));
  }
  return table;
}

}  // namespace ovsq::runtime
