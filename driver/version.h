#pragma once
// `ovsq --version`: ovsq's version, the versions of LLVM, libbpf and libdw
// it was built with, and the kernel features it needs, probed now, so that
// a bug report carries what matters.
#include <ostream>

namespace ovsq::driver {

void print_version(std::ostream& out);

}  // namespace ovsq::driver
