// Float64 reference of the elementwise ops: unary, clip, affine, and binary ops with NumPy
// broadcasting done the long way (a multi-index per output element), independent of the
// merged-stride geometry the core hands to backends.
#include <cmath>
#include <stdexcept>

#include "support/reference.h"

namespace anvil::test::ref {

double unary(UnaryOp op, double x) {
    switch (op) {
        case UnaryOp::neg:
            return -x;
        case UnaryOp::abs:
            return std::fabs(x);
        case UnaryOp::exp:
            return std::exp(x);
        case UnaryOp::log:
            return std::log(x);
        case UnaryOp::sqrt:
            return std::sqrt(x);
        case UnaryOp::square:
            return x * x;
        case UnaryOp::sin:
            return std::sin(x);
        case UnaryOp::cos:
            return std::cos(x);
        case UnaryOp::tanh:
            return std::tanh(x);
        case UnaryOp::sigmoid:
            // 1 / (1 + e^-x) overflows e^-x for x << 0; e^x / (1 + e^x) is its exact rewrite.
            if (std::isnan(x)) return x;
            return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
        case UnaryOp::relu:
            if (std::isnan(x)) return x;
            return x > 0 ? x : 0.0;
        case UnaryOp::step:
            if (std::isnan(x)) return x;
            return x > 0 ? 1.0 : 0.0;
        case UnaryOp::softplus:
            // log(1 + e^x) overflows e^x for x > 709; x + log(1 + e^-x) is its exact rewrite.
            if (std::isnan(x)) return x;
            return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
    }
    throw std::invalid_argument("[ref::unary] unknown op");
}

HostTensor unary(UnaryOp op, const HostTensor& x) {
    HostTensor out(x.shape);
    for (std::int64_t i = 0; i < x.numel(); ++i) out[i] = unary(op, x[i]);
    return out;
}

HostTensor clip(const HostTensor& x, double lo, double hi) {
    HostTensor out(x.shape);
    for (std::int64_t i = 0; i < x.numel(); ++i) {
        const double v = x[i];
        out[i] = std::isnan(v) ? v : (v < lo ? lo : (v > hi ? hi : v));
    }
    return out;
}

HostTensor affine(const HostTensor& x, double a, double b) {
    HostTensor out(x.shape);
    for (std::int64_t i = 0; i < x.numel(); ++i) out[i] = a * x[i] + b;
    return out;
}

double binary(BinaryOp op, double a, double b) {
    switch (op) {
        case BinaryOp::add:
            return a + b;
        case BinaryOp::sub:
            return a - b;
        case BinaryOp::mul:
            return a * b;
        case BinaryOp::div:
            return a / b;
        case BinaryOp::maximum:
            if (std::isnan(a) || std::isnan(b)) return NAN;
            return a > b ? a : b;
        case BinaryOp::minimum:
            if (std::isnan(a) || std::isnan(b)) return NAN;
            return a < b ? a : b;
    }
    throw std::invalid_argument("[ref::binary] unknown op");
}

Shape broadcast_shape(const Shape& a, const Shape& b) {
    const int rank = std::max(a.rank(), b.rank());
    std::vector<std::int64_t> dims;
    for (int d = 0; d < rank; ++d) {
        // Align trailing dimensions; missing leading ones count as 1.
        const int da = d - (rank - a.rank()), db = d - (rank - b.rank());
        const std::int64_t ea = da >= 0 ? a[da] : 1, eb = db >= 0 ? b[db] : 1;
        if (ea != eb && ea != 1 && eb != 1)
            throw std::invalid_argument("[ref::binary] shapes " + a.to_string() + " and " +
                                        b.to_string() + " cannot be broadcast");
        dims.push_back(ea == 1 ? eb : ea);
    }
    return Shape(std::move(dims));
}

namespace {
// Flat offset in `operand` of the output multi-index `idx` (rank of the output).
std::int64_t operand_offset(const Shape& operand, const std::vector<std::int64_t>& idx) {
    const int pad = static_cast<int>(idx.size()) - operand.rank();
    std::int64_t offset = 0;
    for (int d = 0; d < operand.rank(); ++d) {
        const std::int64_t extent = operand[d];
        const std::int64_t i = extent == 1 ? 0 : idx[static_cast<std::size_t>(d + pad)];
        offset = offset * extent + i;
    }
    return offset;
}
}  // namespace

HostTensor binary(BinaryOp op, const HostTensor& a, const HostTensor& b) {
    const Shape shape = broadcast_shape(a.shape, b.shape);
    HostTensor out(shape);
    std::vector<std::int64_t> idx(static_cast<std::size_t>(shape.rank()), 0);
    for (std::int64_t i = 0; i < out.numel(); ++i) {
        std::int64_t rest = i;
        for (int d = shape.rank() - 1; d >= 0; --d) {
            idx[static_cast<std::size_t>(d)] = rest % shape[d];
            rest /= shape[d];
        }
        out[i] = binary(op, a[operand_offset(a.shape, idx)], b[operand_offset(b.shape, idx)]);
    }
    return out;
}

}  // namespace anvil::test::ref
