// PLACEHOLDER until the odp branch lands.
#include "runtime/odp_key_format.h"
namespace ovsq::runtime {
void format_odp_key(std::string& out, const uint8_t* data, size_t copied, size_t key_len) {
  static const char* hex = "0123456789abcdef";
  for (size_t i = 0; i < copied; ++i) { out += hex[data[i] >> 4]; out += hex[data[i] & 15]; }
  if (copied < key_len) out += "...";
}
}  // namespace ovsq::runtime
