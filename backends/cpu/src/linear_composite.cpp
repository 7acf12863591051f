// Fused linear layers of the CPU backend: linear_act_forward and linear_act_backward, the
// hot path of SIREN training. Both walk the batch in row tiles, one contiguous run of tiles
// per thread: each tile's GEMM runs on its thread (Eigen goes sequential inside a parallel
// region) and the bias, activation, derivative and gradient products on that tile follow
// while it is still in cache. Same math as the core defaults (core/src/device_composites.cpp).
#include <algorithm>
#include <array>

#include "common/elementwise.h"
#include "cpu_device.h"
#include "kernels.h"

namespace anvil::cpu {

namespace {

// Rows per tile: about kTileElements outputs, so a tile of y (or g) and its dact stay in L2.
constexpr Index kTileElements = 64 * 1024;

Index tile_rows(Index n, Index width) {
    const Index rows = std::max<Index>(16, kTileElements / std::max<Index>(1, width));
    return std::min(rows, std::max<Index>(1, n));
}

// y, dact: (rows, out), bias: (out) or null. On entry y holds x w^T; on return y = act(z)
// with z = y + bias, and dact (when given) = d act / d z. One row at a time so the three
// passes over a row hit L1.
template <typename T>
void activate_rows(Activation act, T omega, const T* bias, T* y, T* dact, Index rows, Index out) {
    for (Index r = 0; r < rows; ++r) {
        ArrayMap<T> yr(y + r * out, out);
        T* dr = dact ? dact + r * out : nullptr;
        if (bias) yr += ConstArrayMap<T>(bias, out);
        switch (act) {
            case Activation::identity:
                if (dr) ArrayMap<T>(dr, out).setOnes();
                break;
            case Activation::sine:  // y = sin(omega z), dy/dz = omega cos(omega z)
                yr *= omega;
                if (dr) ArrayMap<T>(dr, out) = omega * yr.cos();
                yr = yr.sin();
                break;
            case Activation::relu:
                if (dr)
                    for (Index j = 0; j < out; ++j) dr[j] = common::step(yr[j]);
                for (Index j = 0; j < out; ++j) yr[j] = common::relu(yr[j]);
                break;
            case Activation::tanh:  // dy/dz = 1 - y^2
                yr = yr.tanh();
                if (dr) ArrayMap<T>(dr, out) = T(1) - yr.square();
                break;
            case Activation::sigmoid:  // dy/dz = y (1 - y)
                for (Index j = 0; j < out; ++j) yr[j] = common::stable_sigmoid(yr[j]);
                if (dr) ArrayMap<T>(dr, out) = (T(1) - yr) * yr;
                break;
        }
    }
}

template <typename T>
void forward_typed(Activation act, T omega, const Tensor& x, const Tensor& w, const Tensor* b,
                   Tensor& y, Tensor* dact) {
    const Index n = x.shape()[0], in = x.shape()[1], out = w.shape()[0];
    const Index rows = tile_rows(n, std::max(in, out));
    const Index tiles = (n + rows - 1) / rows;
    const T* xp = x.data_as<T>();
    const T* wp = w.data_as<T>();
    const T* bp = b ? b->data_as<T>() : nullptr;
    T* yp = y.data_as<T>();
    T* dp = dact ? dact->data_as<T>() : nullptr;
    parallel_ranges(tiles, 1, [&](Index begin, Index end, int) {
        for (Index t = begin; t < end; ++t) {
            const Index r0 = t * rows, count = std::min(rows, n - r0);
            // y tile: (count, out) = x tile (count, in) @ w^T (in, out)
            gemm_rows<T>(false, true, count, out, in, T(1), xp + r0 * in, wp, T(0), yp + r0 * out);
            activate_rows<T>(act, omega, bp, yp + r0 * out, dp ? dp + r0 * out : nullptr, count, out);
        }
    });
}

template <typename T>
void backward_typed(const Tensor& x, const Tensor& w, const Tensor& dy, const Tensor* dact,
                    Tensor* dx, Tensor& dw, Tensor* db, Workspace& workspace) {
    const Index n = x.shape()[0], in = x.shape()[1], out = w.shape()[0];
    T* dwp = dw.data_as<T>();
    T* dbp = db ? db->data_as<T>() : nullptr;
    if (n == 0) {  // no rows: parameter gradients are zero (dx is empty)
        std::fill(dwp, dwp + out * in, T(0));
        if (dbp) std::fill(dbp, dbp + out, T(0));
        return;
    }
    const Index rows = tile_rows(n, std::max(in, out));
    const Index tiles = (n + rows - 1) / rows;
    const int threads = threads_for(tiles, 1);

    // Per thread: a g tile (rows, out) when dact must be multiplied in, a dw partial
    // (out, in) for threads after the first (thread 0 accumulates into dw itself), and a
    // db partial (out) accumulated in double for f32.
    WorkspaceLayout layout;
    const std::size_t g_off = layout.add<T>(dact ? static_cast<std::size_t>(threads * rows * out) : 0);
    const std::size_t dw_off = layout.add<T>(static_cast<std::size_t>((threads - 1) * out * in));
    const std::size_t db_off = layout.add<Acc<T>>(static_cast<std::size_t>(threads * out));
    workspace.reserve(layout.bytes());
    T* g_all = workspace.at<T>(g_off);
    T* dw_parts = workspace.at<T>(dw_off);
    Acc<T>* db_parts = workspace.at<Acc<T>>(db_off);

    const T* xp = x.data_as<T>();
    const T* wp = w.data_as<T>();
    const T* dyp = dy.data_as<T>();
    const T* dap = dact ? dact->data_as<T>() : nullptr;
    T* dxp = dx ? dx->data_as<T>() : nullptr;

    std::array<bool, kMaxThreads> ran{};  // OpenMP may grant fewer threads than asked
    parallel_ranges(tiles, 1, [&](Index begin, Index end, int t) {
        ran[static_cast<std::size_t>(t)] = true;
        T* dw_mine = t == 0 ? dwp : dw_parts + (t - 1) * out * in;
        Acc<T>* db_mine = db_parts + t * out;
        std::fill(db_mine, db_mine + out, Acc<T>(0));
        for (Index tile = begin; tile < end; ++tile) {
            const Index r0 = tile * rows, count = std::min(rows, n - r0);
            // g: (count, out) = dy * dact, the gradient at the pre-activation.
            const T* g = dyp + r0 * out;
            if (dap) {
                T* gt = g_all + t * rows * out;
                ArrayMap<T>(gt, count * out) =
                    ConstArrayMap<T>(g, count * out) * ConstArrayMap<T>(dap + r0 * out, count * out);
                g = gt;
            }
            if (dbp)
                for (Index r = 0; r < count; ++r)
                    for (Index j = 0; j < out; ++j) db_mine[j] += static_cast<Acc<T>>(g[r * out + j]);
            // dx tile: (count, in) = g (count, out) @ w (out, in)
            if (dxp) gemm_rows<T>(false, false, count, in, out, T(1), g, wp, T(0), dxp + r0 * in);
            // dw (out, in) += g^T (out, count) @ x tile (count, in); the first tile overwrites.
            gemm_rows<T>(true, false, out, in, count, T(1), g, xp + r0 * in,
                         tile == begin ? T(0) : T(1), dw_mine);
        }
    });
    if (threads > 1) {
        parallel_elements(out * in, [&](Index begin, Index end, int) {
            for (int t = 1; t < threads; ++t) {
                if (!ran[static_cast<std::size_t>(t)]) continue;
                const T* part = dw_parts + (t - 1) * out * in;
                for (Index i = begin; i < end; ++i) dwp[i] += part[i];
            }
        });
    }
    if (dbp) {
        for (Index j = 0; j < out; ++j) {
            Acc<T> total = 0;
            for (int t = 0; t < threads; ++t)
                if (ran[static_cast<std::size_t>(t)]) total += db_parts[t * out + j];
            dbp[j] = static_cast<T>(total);
        }
    }
}

}  // namespace

void CpuDevice::linear_act_forward(Activation act, double omega, const Tensor& x, const Tensor& w,
                                   const Tensor* b, Tensor& y, Tensor* dact) {
    // omega only scales the sine (see Device::linear_act_forward).
    dispatch_float(x.dtype(), "linear_act_forward", [&]<typename T>() {
        forward_typed<T>(act, static_cast<T>(omega), x, w, b, y, dact);
    });
}

void CpuDevice::linear_act_backward(const Tensor& x, const Tensor& w, const Tensor& dy,
                                    const Tensor* dact, Tensor* dx, Tensor& dw, Tensor* db) {
    std::lock_guard<std::mutex> lock(workspace_mutex_);
    dispatch_float(x.dtype(), "linear_act_backward", [&]<typename T>() {
        backward_typed<T>(x, w, dy, dact, dx, dw, db, workspace_);
    });
}

}  // namespace anvil::cpu
