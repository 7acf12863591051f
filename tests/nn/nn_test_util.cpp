// Helpers shared by the anvil::nn tests (see nn_test_util.h).
#include "nn_test_util.h"

namespace anvil::nn::test {

std::shared_ptr<Device> cpu() { return anvil::device("cpu"); }

std::shared_ptr<Device> reference_or_null() {
    Registry& registry = Registry::instance();
    registry.load_plugins({ANVIL_EXTERNAL_PLUGIN_DIR});
    Backend* backend = registry.find("reference");
    if (!backend || !backend->availability().available) return nullptr;
    return backend->device(0);
}

Tensor upload(const std::vector<double>& values, const Shape& shape, DType dtype,
              const std::shared_ptr<Device>& device) {
    if (dtype == DType::f64) return Tensor::from_vector(values, shape, device);
    return Tensor::from_vector(std::vector<float>(values.begin(), values.end()), shape, device);
}

std::vector<double> download(const Tensor& t) {
    if (t.dtype() == DType::f64) return t.to_vector<double>();
    const std::vector<float> narrow = t.to_vector<float>();
    return {narrow.begin(), narrow.end()};
}

std::vector<double> random_values(Rng& rng, std::int64_t n, double lo, double hi) {
    std::vector<double> out(static_cast<std::size_t>(n));
    for (double& v : out) v = rng.uniform(lo, hi);
    return out;
}

}  // namespace anvil::nn::test
