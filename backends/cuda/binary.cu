// Broadcasting binary kernels (add, sub, mul, div, maximum, minimum). The core's
// BroadcastGeometry travels by value as a kernel parameter; each output element finds its
// operands with common::broadcast_offsets, the same index math as the CPU backend.
#include "anvil/error.h"
#include "grid.cuh"

namespace anvil::cuda {

namespace {

// out may alias a or b when that operand has the output's shape (checked by the core): then
// it is read at the output's own index before being written.
template <typename T, BinaryOp Op>
__global__ void binary_kernel(BroadcastGeometry g, const T* a, const T* b, T* out) {
    for (std::int64_t i = grid_first(); i < g.numel; i += grid_stride()) {
        // Merged geometries are often rank 1 (same shapes, or scalar against tensor), where the
        // offsets need no division.
        common::OperandOffsets off{i * g.a_strides[0], i * g.b_strides[0]};
        if (g.rank != 1) off = common::broadcast_offsets(g, i);
        out[i] = common::apply_binary(Op, a[off.a], b[off.b]);
    }
}

template <typename T, BinaryOp Op>
void run(const KernelContext& ctx, const BroadcastGeometry& g, const void* a, const void* b,
         void* out) {
    launch_grid_stride(ctx, op_name(Op), g.numel, &binary_kernel<T, Op>, g,
                       static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(out));
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
    dispatch_floating(dtype, [&](auto zero) {
        binary_typed<decltype(zero)>(ctx, op, geometry, a, b, out);
    });
}

}  // namespace anvil::cuda
