// libFuzzer target: raw netlink bytes -> the ODP flow-key formatter, as a
// probe's copy of a key (possibly cut short) and as a key with its mask.
//
// Input: a control byte C, then bytes R.
//   - R is a key of which a probe copied all R but that claims to be
//     (C & 0x3f) bytes longer (a cut copy when non-zero);
//   - with C's top bit set, R is also LEN (2 bytes, little-endian), a key
//     of LEN bytes and its mask (the rest), as `flow` prints them.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/odp_flow_format.h"
#include "runtime/odp_key_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint8_t control = data[0];
  const uint8_t* rest = data + 1;
  size_t rest_size = size - 1;
  size_t missing = control & 0x3f;
  std::string out;
  ovsq::runtime::format_odp_key(out, rest, rest_size, rest_size + missing);
  if ((control & 0x80) && rest_size >= 2) {
    size_t key_len = std::min<size_t>(rest[0] | rest[1] << 8, rest_size - 2);
    const uint8_t* key = rest + 2;
    const uint8_t* mask = key + key_len;
    size_t mask_len = rest_size - 2 - key_len;
    out.clear();
    ovsq::runtime::format_odp_flow(out, key, key_len, key_len + missing, mask,
                                   mask_len, mask_len);
  }
  return 0;
}
