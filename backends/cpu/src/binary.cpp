// Broadcasting binary kernels of the CPU backend (add, sub, mul, div, maximum, minimum).
// The core's BroadcastGeometry has merged contiguous dimensions, so the innermost dimension
// is a run where each operand either steps by 1 or stays put (stride 0); the kernel walks
// such runs with a loop specialised per stride pair, which covers same-shape (rank 1) and
// row-broadcast (rank 2, "(N,C) + (C)") without per-element index math.
#include <algorithm>

#include "common/elementwise.h"
#include "cpu_device.h"
#include "parallel.h"

namespace anvil::cpu {

namespace {

// out[k] = f(a[k * sa], b[k * sb]) for k < n. out may alias a or b (then sa == sb == 1).
template <typename T, typename F>
void run_segment(const T* a, Index sa, const T* b, Index sb, T* out, Index n, F f) {
    if (sa == 1 && sb == 1) {
        for (Index k = 0; k < n; ++k) out[k] = f(a[k], b[k]);
    } else if (sa == 1 && sb == 0) {
        const T bv = *b;
        for (Index k = 0; k < n; ++k) out[k] = f(a[k], bv);
    } else if (sa == 0 && sb == 1) {
        const T av = *a;
        for (Index k = 0; k < n; ++k) out[k] = f(av, b[k]);
    } else {
        for (Index k = 0; k < n; ++k) out[k] = f(a[k * sa], b[k * sb]);
    }
}

// out: numel elements, row-major over g.out_dims; a and b read through g's strides.
template <typename T, typename F>
void broadcast_apply(const BroadcastGeometry& g, const T* a, const T* b, T* out, F f) {
    const int last = g.rank - 1;
    const Index inner = g.out_dims[last];
    const Index sa = g.a_strides[last], sb = g.b_strides[last];
    parallel_elements(g.numel, [&](Index begin, Index end, int) {
        Index i = begin;
        while (i < end) {
            Index row = i / inner;
            const Index col = i % inner;
            const Index len = std::min(inner - col, end - i);
            // Offsets of this run's first element: the outer dimensions' index math, once
            // per run rather than per element.
            Index oa = col * sa, ob = col * sb;
            for (int d = last - 1; d >= 0; --d) {
                const Index idx = row % g.out_dims[d];
                row /= g.out_dims[d];
                oa += idx * g.a_strides[d];
                ob += idx * g.b_strides[d];
            }
            run_segment(a + oa, sa, b + ob, sb, out + i, len, f);
            i += len;
        }
    });
}

template <typename T>
void binary_typed(BinaryOp op, const BroadcastGeometry& g, const T* a, const T* b, T* out) {
    switch (op) {
        case BinaryOp::add: return broadcast_apply(g, a, b, out, [](T x, T y) { return x + y; });
        case BinaryOp::sub: return broadcast_apply(g, a, b, out, [](T x, T y) { return x - y; });
        case BinaryOp::mul: return broadcast_apply(g, a, b, out, [](T x, T y) { return x * y; });
        case BinaryOp::div: return broadcast_apply(g, a, b, out, [](T x, T y) { return x / y; });
        // NumPy semantics: NaN in either operand gives NaN (shared functors).
        case BinaryOp::maximum:
            return broadcast_apply(g, a, b, out, [](T x, T y) { return common::maximum(x, y); });
        case BinaryOp::minimum:
            return broadcast_apply(g, a, b, out, [](T x, T y) { return common::minimum(x, y); });
    }
}

}  // namespace

void CpuDevice::binary(BinaryOp op, const BroadcastGeometry& geometry, const Tensor& a,
                       const Tensor& b, Tensor& out) {
    dispatch_float(op_name(op), a.dtype(), [&](auto zero) {
        using T = decltype(zero);
        binary_typed(op, geometry, a.data_as<T>(), b.data_as<T>(), out.data_as<T>());
    });
}

}  // namespace anvil::cpu
