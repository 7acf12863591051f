// HostTensor: a float64 array with a shape, the currency of the test references. It moves to
// and from any device through the public Tensor API, converting to the device tensor's dtype.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "anvil/dtype.h"
#include "anvil/shape.h"
#include "anvil/tensor.h"

namespace anvil::test {

struct HostTensor {
    Shape shape;
    std::vector<double> values;  // row-major, shape.numel() entries

    HostTensor() : values(1, 0.0) {}  // a rank-0 scalar holding 0
    explicit HostTensor(const Shape& s, double fill = 0.0);
    HostTensor(const Shape& s, std::vector<double> v);  // throws when the count differs

    std::int64_t numel() const { return static_cast<std::int64_t>(values.size()); }
    double& operator[](std::int64_t i) { return values[static_cast<std::size_t>(i)]; }
    double operator[](std::int64_t i) const { return values[static_cast<std::size_t>(i)]; }
    // Element of a rank-2 tensor: (row, col).
    double& at(std::int64_t r, std::int64_t c) { return (*this)[r * shape[1] + c]; }
    double at(std::int64_t r, std::int64_t c) const { return (*this)[r * shape[1] + c]; }
};

// The value each element takes once stored as `dtype` (f32: round to nearest float; i64:
// truncate), so that a reference computes on exactly what the device sees.
HostTensor round_to(const HostTensor& x, DType dtype);
double round_to(double value, DType dtype);

// Uploads x (converted to `dtype`) to `device`.
Tensor to_device(const HostTensor& x, DType dtype, const std::shared_ptr<Device>& device);
// Downloads any tensor (f32, f64 or i64) as float64.
HostTensor to_host(const Tensor& t);

// Elementwise |x|, for the magnitude terms of accumulation tolerances.
HostTensor abs_of(const HostTensor& x);

// "(2,3)" style index of flat element `flat` in `shape`, for failure messages.
std::string index_string(const Shape& shape, std::int64_t flat);

}  // namespace anvil::test
