// decode_aggregation (runtime/output.h): per-CPU values combined, keys
// decoded as event values are, rows sorted.
#include <algorithm>
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
  switch (c.kind) {
    case ColumnKind::Unsigned:
    case ColumnKind::Pointer:
    case ColumnKind::Bool:
      return three_way(read_unsigned(pa, c.size), read_unsigned(pb, c.size));
    case ColumnKind::Signed:
      return three_way(read_signed(pa, c.size), read_signed(pb, c.size));
    case ColumnKind::Enum:
      return enum_is_signed(c)
                 ? three_way(read_signed(pa, c.size), read_signed(pb, c.size))
                 : three_way(read_unsigned(pa, c.size),
                             read_unsigned(pb, c.size));
    case ColumnKind::Ufid: {
      // The text is the four words in order, each fixed-width hex.
      for (uint32_t i = 0; i + 4 <= std::min<uint32_t>(c.size, 16); i += 4)
        if (int r = three_way(read_unsigned(pa + i, 4), read_unsigned(pb + i, 4)))
          return r;
      return 0;
    }
    case ColumnKind::Ipv4:
    case ColumnKind::Ipv6:
    case ColumnKind::Mac:
    case ColumnKind::FlowKey: {  // network order: bytes sort as addresses
      int r = std::memcmp(pa, pb, c.size);
      return r < 0 ? -1 : r > 0 ? 1 : 0;
    }
    case ColumnKind::String: {
      auto text = [&](const uint8_t* p) {
        const void* nul = std::memchr(p, 0, c.size);
        size_t n = nul ? static_cast<const uint8_t*>(nul) - p : c.size;
        return std::string_view(reinterpret_cast<const char*>(p), n);
      };
      // string_view compares chars as unsigned (char_traits<char>).
      int r = text(pa).compare(text(pb));
      return r < 0 ? -1 : r > 0 ? 1 : 0;
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
  __int128 span = static_cast<__int128>(map.lhist_max) - map.lhist_min;
  uint64_t n = span > 0 ? static_cast<uint64_t>(span / step) : 0;
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
  int64_t step = map.lhist_step > 0 ? map.lhist_step : 1;
  __int128 span = static_cast<__int128>(map.lhist_max) - map.lhist_min;
  uint64_t n = span > 0 ? static_cast<uint64_t>(span / step) : 0;
  return 1 + n;
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
  auto u64_at = [](const RawEntry& e, size_t offset) {
    uint64_t v;
    std::memcpy(&v, e.values.data() + offset, 8);
    return v;
  };

  std::vector<Pending> pending;
  // Hist/Lhist: user key -> bucket index -> count, and the values' sum.
  std::map<std::vector<uint8_t>, std::map<uint64_t, uint64_t>> histograms;
  std::map<std::vector<uint8_t>, uint64_t> histogram_sums;
  const uint64_t last = hist ? last_bucket(map) : 0;

  for (const RawEntry& e : entries) {
    if (e.key.size() < key_needed) continue;
    size_t cpus = cpus_of(e);
    std::vector<uint8_t> user(e.key.begin(), e.key.begin() + user_size);
    if (hist) {
      uint64_t index;
      std::memcpy(&index, e.key.data() + user_size, 8);
      if (index > last) continue;
      uint64_t count = 0, sum = 0;
      for (size_t cpu = 0; cpu < cpus; ++cpu) {
        count += u64_at(e, cpu * stride);
        sum += u64_at(e, cpu * stride + 8);
      }
      if (count == 0) continue;
      histogram_sums[user] += sum;
      histograms[std::move(user)][index] += count;
      continue;
    }
    AggregationRow row;
    switch (map.kind) {
      case AggregationKind::Count: {
        uint64_t count = 0;
        for (size_t cpu = 0; cpu < cpus; ++cpu) count += u64_at(e, cpu * stride);
        if (count == 0) continue;
        row.count = count;
        row.value = static_cast<int64_t>(count);
        break;
      }
      case AggregationKind::Sum: {
        uint64_t sum = 0;  // wraps as the kernel's s64 adds do
        for (size_t cpu = 0; cpu < cpus; ++cpu) sum += u64_at(e, cpu * stride);
        row.value = static_cast<int64_t>(sum);
        break;
      }
      case AggregationKind::Avg: {
        uint64_t sum = 0, count = 0;
        for (size_t cpu = 0; cpu < cpus; ++cpu) {
          sum += u64_at(e, cpu * stride);
          count += u64_at(e, cpu * stride + 8);
        }
        if (count == 0) continue;
        auto divisor = static_cast<int64_t>(count);
        row.count = count;
        row.value = divisor > 0 ? static_cast<int64_t>(sum) / divisor : 0;
        break;
      }
      case AggregationKind::Min:
      case AggregationKind::Max: {
        bool any = false;
        uint64_t count = 0;
        int64_t best = 0;
        for (size_t cpu = 0; cpu < cpus; ++cpu) {
          uint64_t n = u64_at(e, cpu * stride + 8);
          if (n == 0) continue;
          auto v = static_cast<int64_t>(u64_at(e, cpu * stride));
          if (!any || (map.kind == AggregationKind::Min ? v < best : v > best))
            best = v;
          any = true;
          count += n;
        }
        if (!any) continue;
        row.value = best;
        row.count = count;
        break;
      }
      case AggregationKind::Hist:
      case AggregationKind::Lhist:
        break;
    }
    pending.push_back({std::move(user), std::move(row)});
  }

  for (auto& [user, buckets] : histograms) {
    Pending p;
    p.key = user;
    p.row.value = static_cast<int64_t>(histogram_sums[user]);
    for (const auto& [index, count] : buckets) p.row.count += count;
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
    if (map.kind == AggregationKind::Count)
      return three_way(a.row.count, b.row.count);
    return three_way(a.row.value, b.row.value);
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
      p.row.key.push_back(
          {value_text(c, p.key.data()),
           c.kind == ColumnKind::Unsigned || c.kind == ColumnKind::Signed});
    table.rows.push_back(std::move(p.row));
  }
  return table;
}

}  // namespace ovsq::runtime
