#pragma once
// Once attached, the exporter reads its maps through descriptors it
// already holds, which needs no privilege (on kernels from 6.5; before,
// with kernel.unprivileged_bpf_disabled set, every bpf() call needs
// CAP_BPF).  So it drops the capabilities it no longer needs, as
// ebpf_exporter does: from the effective, permitted, inheritable, ambient
// and bounding sets of the process (it has one thread by then).
#include <string>

namespace ovsq::metrics {

// Drops every capability but those reading maps needs on this kernel and,
// with `keep_for_attach` (--follow: a new vswitchd is attached to
// later), those loading and attaching BPF programs needs.  Returns the
// capabilities kept, by name ("none" when none); throws UserError when the
// kernel refuses.
std::string drop_capabilities(bool keep_for_attach);

}  // namespace ovsq::metrics
