// Reductions and argmax (kernels/reduce.cl). The plan: contiguous rows (inner == 1) of at least
// kRowKernelLength items take one work-group each (reduce_rows); everything else takes one
// work-item per output walking its column (reduce_columns). Long rows and columns are split
// into chunks whose partials, shaped (outer, chunks, inner), are reduced again by the same
// plan; a mean divides only in the last pass. Chunks bound the sequential part of every sum
// (at most 64 terms per work-item in a row chunk, 256 in a column chunk), so f32 sums of
// 10^5 terms stay as accurate as a pairwise sum, and they give few long rows enough
// work-groups to fill the device.
#include <algorithm>

#include "anvil/dispatch.h"
#include "kernel_source.h"
#include "opencl_device.h"

namespace anvil::opencl {

namespace {

constexpr std::int64_t kRowKernelLength = 64;
constexpr std::size_t kGroup = 256;             // ANVIL_REDUCE_GROUP in reduce.cl
constexpr std::int64_t kMinGroups = 64;         // work-groups worth splitting rows for
constexpr std::int64_t kRowChunk = 64 * 256;    // longest row chunk: 64 terms per work-item
constexpr std::int64_t kColumnChunk = 256;      // longest column chunk

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// The largest power of two <= the kernel's work-group limit and kGroup.
std::size_t group_size(std::size_t limit) {
    std::size_t size = 1;
    while (size * 2 <= std::min(limit, kGroup)) size *= 2;
    return size;
}

int kind_of(ReduceOp op) {
    switch (op) {
        case ReduceOp::sum:
        case ReduceOp::mean: return static_cast<int>(ReduceKind::sum);
        case ReduceOp::max: return static_cast<int>(ReduceKind::max);
        case ReduceOp::min: return static_cast<int>(ReduceKind::min);
    }
    return static_cast<int>(ReduceKind::sum);
}

}  // namespace

void OpenclDevice::reduce_buffers(const char* op, DType dtype, int kind, const ReduceGeometry& g,
                                  cl_mem x, cl_mem out, bool divide, double divisor) {
    const std::int64_t outputs = g.outer * g.inner;
    if (outputs == 0) return;
    const bool rows = g.inner == 1 && g.length >= kRowKernelLength;
    std::int64_t chunks = 1;
    if (rows) {
        chunks = ceil_div(g.length, kRowChunk);
        if (outputs < kMinGroups)
            chunks = std::max(chunks, std::min(ceil_div(kMinGroups, outputs), ceil_div(g.length, 1024)));
    } else if (g.length > kColumnChunk) {
        chunks = ceil_div(g.length, kColumnChunk);
    }
    const std::int64_t chunk = std::max<std::int64_t>(ceil_div(g.length, chunks), 1);
    const bool last = chunks == 1;
    // Partials (outer, chunks, inner) when the rows or columns are split.
    Tensor partials;
    if (!last)
        partials = Tensor::empty(Shape{g.outer * chunks * g.inner}, dtype, shared_from_this());
    const cl_mem target = last ? out : mem(partials);
    const cl_int pass_divide = last && divide ? 1 : 0;
    dispatch_float(op, dtype, [&](auto zero) {
        using T = decltype(zero);
        const T d = static_cast<T>(divisor);
        if (rows) {
            const std::size_t local = group_size(prepare(op, dtype, "reduce_rows").max_work_group);
            run(op, dtype, "reduce_rows", static_cast<std::size_t>(outputs * chunks) * local, local,
                x, target, static_cast<cl_long>(g.length), static_cast<cl_long>(chunk),
                static_cast<cl_long>(chunks), static_cast<cl_int>(kind), pass_divide, d);
        } else {
            const std::int64_t items = outputs * chunks;
            run(op, dtype, "reduce_columns", static_cast<std::size_t>(items), 0, x, target,
                static_cast<cl_long>(items), static_cast<cl_long>(g.length),
                static_cast<cl_long>(g.inner), static_cast<cl_long>(chunk),
                static_cast<cl_long>(chunks), static_cast<cl_int>(kind), pass_divide, d);
        }
    });
    if (!last)
        reduce_buffers(op, dtype, kind, ReduceGeometry{g.outer, chunks, g.inner}, mem(partials),
                       out, divide, divisor);
}

void OpenclDevice::reduce(ReduceOp op, const ReduceGeometry& g, const Tensor& x, Tensor& out) {
    reduce_buffers(op_name(op), x.dtype(), kind_of(op), g, mem(x), mem(out),
                   op == ReduceOp::mean, static_cast<double>(g.length));
}

void OpenclDevice::argmax(const ReduceGeometry& g, const Tensor& x, Tensor& out) {
    const std::int64_t outputs = g.outer * g.inner;
    if (g.inner == 1 && g.length >= kRowKernelLength) {
        const std::size_t local =
            group_size(prepare("argmax", x.dtype(), "argmax_rows").max_work_group);
        run("argmax", x.dtype(), "argmax_rows", static_cast<std::size_t>(outputs) * local, local,
            mem(x), mem(out), static_cast<cl_long>(g.length));
        return;
    }
    run("argmax", x.dtype(), "argmax_columns", static_cast<std::size_t>(outputs), 0, mem(x),
        mem(out), static_cast<cl_long>(outputs), static_cast<cl_long>(g.length),
        static_cast<cl_long>(g.inner));
}

}  // namespace anvil::opencl
