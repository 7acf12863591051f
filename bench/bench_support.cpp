// Shared helpers of anvil's benchmarks (see bench_support.h).
#include "bench_support.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

namespace anvil::bench {

std::vector<std::string> available_backends(const std::string& only) {
    Registry& registry = Registry::instance();
    registry.load_plugins();
    std::vector<std::string> wanted;
    std::stringstream list(only);
    for (std::string name; std::getline(list, name, ',');)
        if (!name.empty()) wanted.push_back(name);
    std::vector<std::string> names;
    for (Backend* backend : registry.backends()) {
        if (!backend->availability().available) continue;
        if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), backend->name()) == wanted.end())
            continue;
        names.push_back(backend->name());
    }
    for (const std::string& name : wanted)  // an unknown or unavailable name says why
        if (std::find(names.begin(), names.end(), name) == names.end()) registry.get(name);
    return names;
}

Tensor random_tensor(const Shape& shape, const std::shared_ptr<Device>& device, std::uint32_t seed,
                     double lo, double hi, DType dtype) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> uniform(lo, hi);
    const auto n = static_cast<std::size_t>(shape.numel());
    if (dtype == DType::f64) {
        std::vector<double> values(n);
        for (double& v : values) v = uniform(rng);
        return Tensor::from_vector(values, shape, device);
    }
    std::vector<float> values(n);
    for (float& v : values) v = static_cast<float>(uniform(rng));
    return Tensor::from_vector(values, shape, device);
}

std::size_t peak_rss_bytes() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmHWM:", 0) != 0) continue;
        std::istringstream fields(line.substr(6));
        std::size_t kib = 0;
        fields >> kib;
        return kib * 1024;
    }
    return 0;
}

bool reset_peak_rss() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.flush();
    return static_cast<bool>(clear);
}

}  // namespace anvil::bench
