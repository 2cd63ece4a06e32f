#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
namespace ovsq::runtime {
// Appends the ODP flow string of a key of `key_len` bytes of which the
// first `copied` are in `data` (copied <= key_len).
void format_odp_key(std::string& out, const uint8_t* data, size_t copied, size_t key_len);
}  // namespace ovsq::runtime
