// libFuzzer target: a USDT note's argument-spec string ("-4@%eax
// 8@24(%rsp) 4@$7") -> parsed arguments, or the UserError that names the
// spec.  Nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probes/usdt_notes.h"
#include "support/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view specs(reinterpret_cast<const char*>(data), size);
  try {
    ovsq::probes::parse_usdt_args(specs);
  } catch (const ovsq::UserError&) {
  }
  return 0;
}
