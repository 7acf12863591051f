// Shared helpers of anvil's benchmarks: which backends to run, seeded random tensors, and
// the process's peak resident memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "anvil/anvil.h"

namespace anvil::bench {

// Loads the plugins (plus ANVIL_PLUGIN_PATH) and returns the names of the available
// backends; `only` (comma-separated, may be empty) restricts the list.
std::vector<std::string> available_backends(const std::string& only = "");

// Uniform values in [lo, hi) from a fixed seed, as a tensor of `dtype` on `device`.
Tensor random_tensor(const Shape& shape, const std::shared_ptr<Device>& device,
                     std::uint32_t seed, double lo = -1.0, double hi = 1.0,
                     DType dtype = DType::f32);

// Peak resident set size of this process in bytes (VmHWM), and a reset of that peak
// (Linux clear_refs "5"); reset returns false where the kernel does not allow it.
std::size_t peak_rss_bytes();
bool reset_peak_rss();

}  // namespace anvil::bench
