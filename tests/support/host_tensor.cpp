// HostTensor conversions: rounding to a device dtype, uploads and downloads through the public
// Tensor API only (from_host / to_vector), never a backend's internals.
#include "support/host_tensor.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace anvil::test {

HostTensor::HostTensor(const Shape& s, double fill)
    : shape(s), values(static_cast<std::size_t>(s.numel()), fill) {}

HostTensor::HostTensor(const Shape& s, std::vector<double> v) : shape(s), values(std::move(v)) {
    if (static_cast<std::int64_t>(values.size()) != shape.numel())
        throw std::invalid_argument("[HostTensor] " + std::to_string(values.size()) +
                                    " values do not fill shape " + shape.to_string());
}

double round_to(double value, DType dtype) {
    switch (dtype) {
        case DType::f32:
            return static_cast<double>(static_cast<float>(value));
        case DType::f64:
            return value;
        case DType::i64:
            return static_cast<double>(static_cast<std::int64_t>(value));
    }
    return value;
}

HostTensor round_to(const HostTensor& x, DType dtype) {
    HostTensor out = x;
    for (double& v : out.values) v = round_to(v, dtype);
    return out;
}

Tensor to_device(const HostTensor& x, DType dtype, const std::shared_ptr<Device>& device) {
    switch (dtype) {
        case DType::f32: {
            std::vector<float> v(x.values.begin(), x.values.end());
            return Tensor::from_vector(v, x.shape, device);
        }
        case DType::f64:
            return Tensor::from_vector(x.values, x.shape, device);
        case DType::i64: {
            std::vector<std::int64_t> v;
            v.reserve(x.values.size());
            for (double d : x.values) v.push_back(static_cast<std::int64_t>(d));
            return Tensor::from_vector(v, x.shape, device);
        }
    }
    throw std::invalid_argument("[to_device] unknown dtype");
}

HostTensor to_host(const Tensor& t) {
    HostTensor out(t.shape());
    switch (t.dtype()) {
        case DType::f32: {
            const std::vector<float> v = t.to_vector<float>();
            out.values.assign(v.begin(), v.end());
            break;
        }
        case DType::f64:
            out.values = t.to_vector<double>();
            break;
        case DType::i64: {
            const std::vector<std::int64_t> v = t.to_vector<std::int64_t>();
            for (std::size_t i = 0; i < v.size(); ++i) out.values[i] = static_cast<double>(v[i]);
            break;
        }
    }
    return out;
}

HostTensor abs_of(const HostTensor& x) {
    HostTensor out = x;
    for (double& v : out.values) v = std::fabs(v);
    return out;
}

std::string index_string(const Shape& shape, std::int64_t flat) {
    if (shape.rank() == 0) return "()";
    std::vector<std::int64_t> idx(static_cast<std::size_t>(shape.rank()));
    for (int d = shape.rank() - 1; d >= 0; --d) {
        const std::int64_t n = shape[d];
        idx[static_cast<std::size_t>(d)] = n > 0 ? flat % n : 0;
        flat = n > 0 ? flat / n : 0;
    }
    std::string s = "(";
    for (std::size_t i = 0; i < idx.size(); ++i) {
        if (i) s += ',';
        s += std::to_string(idx[i]);
    }
    s += ')';
    return s;
}

}  // namespace anvil::test
