// Broadcasting binary kernels (add, sub, mul, div, maximum, minimum). The core merges
// geometries, so the common cases are rank 1 (same shapes, or a scalar against a tensor): those
// run on 16-byte packs without any index math. Higher ranks find each element's operands with
// common::broadcast_offsets_in, the index math the CPU tests check, in 32-bit integers when the
// output has fewer than 2^31 elements (a 64-bit division is a long software routine on GPUs).
#include "anvil/error.h"
#include "grid.cuh"

namespace anvil::cuda {

namespace {

// A pack of operand x at pack i: its own elements (stride 1) or its one element repeated
// (stride 0, a broadcast scalar).
template <typename T>
__device__ __forceinline__ Pack<T> load_pack(const T* x, std::int64_t stride, std::int64_t i) {
    if (stride != 0) return reinterpret_cast<const Pack<T>*>(x)[i];
    Pack<T> v;
#pragma unroll
    for (int j = 0; j < kPack<T>; ++j) v.v[j] = x[0];
    return v;
}

// Rank 1: out[i] = a[i * sa] op b[i * sb], strides 0 or 1. out may alias a or b when that
// operand has the output's shape (checked by the core): each thread reads an element (or
// pack) before writing it.
template <typename T, BinaryOp Op, bool Packed>
__global__ void binary_flat_kernel(const T* a, std::int64_t sa, const T* b, std::int64_t sb,
                                   T* out, std::int64_t n) {
    std::int64_t done = 0;
    if constexpr (Packed) {
        constexpr int P = kPack<T>;
        const std::int64_t packs = n / P;
        auto* outp = reinterpret_cast<Pack<T>*>(out);
        for (std::int64_t i = grid_first(); i < packs; i += grid_stride()) {
            const Pack<T> va = load_pack(a, sa, i);
            const Pack<T> vb = load_pack(b, sb, i);
            Pack<T> r;
#pragma unroll
            for (int j = 0; j < P; ++j) r.v[j] = common::apply_binary(Op, va.v[j], vb.v[j]);
            outp[i] = r;
        }
        done = packs * P;
    }
    for (std::int64_t i = done + grid_first(); i < n; i += grid_stride())
        out[i] = common::apply_binary(Op, a[i * sa], b[i * sb]);
}

// Any rank; Index is std::uint32_t when numel < 2^31, else std::int64_t.
template <typename T, BinaryOp Op, typename Index>
__global__ void binary_broadcast_kernel(BroadcastGeometry g, const T* a, const T* b, T* out) {
    const Index n = static_cast<Index>(g.numel);
    const Index stride = static_cast<Index>(grid_stride());
    for (Index i = static_cast<Index>(grid_first()); i < n; i += stride) {
        const common::OperandOffsets off = common::broadcast_offsets_in<Index>(g, i);
        out[i] = common::apply_binary(Op, a[off.a], b[off.b]);
    }
}

template <typename T, BinaryOp Op>
void run(const KernelContext& ctx, const BroadcastGeometry& g, const void* a_raw,
         const void* b_raw, void* out_raw) {
    const auto* a = static_cast<const T*>(a_raw);
    const auto* b = static_cast<const T*>(b_raw);
    auto* out = static_cast<T*>(out_raw);
    const char* name = op_name(Op);
    const bool flat = g.rank == 1 && (g.a_strides[0] == 0 || g.a_strides[0] == 1) &&
                      (g.b_strides[0] == 0 || g.b_strides[0] == 1);
    if (flat && all_aligned16(a, b, out)) {
        launch_grid_stride_per(ctx, name, g.numel, kPack<T>, &binary_flat_kernel<T, Op, true>, a,
                               g.a_strides[0], b, g.b_strides[0], out, g.numel);
    } else if (flat) {
        launch_grid_stride(ctx, name, g.numel, &binary_flat_kernel<T, Op, false>, a,
                           g.a_strides[0], b, g.b_strides[0], out, g.numel);
    } else if (g.numel < (std::int64_t{1} << 31)) {
        launch_grid_stride(ctx, name, g.numel, &binary_broadcast_kernel<T, Op, std::uint32_t>, g,
                           a, b, out);
    } else {
        launch_grid_stride(ctx, name, g.numel, &binary_broadcast_kernel<T, Op, std::int64_t>, g,
                           a, b, out);
    }
}

template <typename T>
void binary_typed(const KernelContext& ctx, BinaryOp op, const BroadcastGeometry& g,
                  const void* a, const void* b, void* out) {
    switch (op) {
        case BinaryOp::add: return run<T, BinaryOp::add>(ctx, g, a, b, out);
        case BinaryOp::sub: return run<T, BinaryOp::sub>(ctx, g, a, b, out);
        case BinaryOp::mul: return run<T, BinaryOp::mul>(ctx, g, a, b, out);
        case BinaryOp::div: return run<T, BinaryOp::div>(ctx, g, a, b, out);
        case BinaryOp::maximum: return run<T, BinaryOp::maximum>(ctx, g, a, b, out);
        case BinaryOp::minimum: return run<T, BinaryOp::minimum>(ctx, g, a, b, out);
    }
    throw Error(std::string("[") + op_name(op) + "] unknown binary op on cuda");
}

}  // namespace

void launch_binary(const KernelContext& ctx, BinaryOp op, DType dtype,
                   const BroadcastGeometry& geometry, const void* a, const void* b, void* out) {
    dispatch_float(op_name(op), dtype, [&](auto zero) {
        binary_typed<decltype(zero)>(ctx, op, geometry, a, b, out);
    });
}

}  // namespace anvil::cuda
