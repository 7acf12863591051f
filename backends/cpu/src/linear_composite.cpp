// Fused linear layers of the CPU backend: linear_act_forward and linear_act_backward, the
// hot path of SIREN training. Both split the batch into row tiles handed to threads one at a
// time: each tile's GEMM runs on its thread (Eigen's blocked kernel, packing into that
// thread's workspace), and the bias, activation, derivative and gradient products on that
// tile follow while it is still in cache. Same math as the core defaults
// (core/src/device_composites.cpp).
#include <algorithm>
#include <array>
#include <type_traits>

#include "common/elementwise.h"
#include "cpu_device.h"
#include "gemm_kernels.h"
#include "sincos.h"

namespace anvil::cpu {

namespace {

// Rows per tile: about kTileElements outputs, so a tile of y (or g) and its dact stay in L2.
constexpr Index kTileElements = 64 * 1024;

struct Tiling {
    Index rows;   // rows per tile (the last tile may be shorter)
    Index count;  // number of tiles
    Index last;   // rows of the last tile
    Index size(Index tile) const { return tile + 1 == count ? last : rows; }
};

Tiling tile_rows(Index n, Index width) {
    const Index rows = std::min(std::max<Index>(16, kTileElements / std::max<Index>(1, width)),
                                std::max<Index>(1, n));
    const Index count = (n + rows - 1) / rows;
    return {rows, count, n - (count - 1) * rows};
}

#if ANVIL_CPU_FUSED_SINCOS
// One row of the f32 sine layer in one pass: s = omega (y + bias); y = sin(s);
// dact = omega cos(s), sin and cos sharing one range reduction (sincos.h).
void sine_row(float* y, float* dact, const float* bias, float omega, Index n) {
    using namespace Eigen::internal;
    const FloatPacket om = pset1<FloatPacket>(omega);
    auto apply = [&](float* yp, float* dp, const float* bp) {
        FloatPacket z = ploadu<FloatPacket>(yp);
        if (bp) z = padd(z, ploadu<FloatPacket>(bp));
        FloatPacket sn, cs;
        sincos_packet(pmul(z, om), sn, cs);
        pstoreu(yp, sn);
        if (dp) pstoreu(dp, pmul(om, cs));
    };
    Index j = 0;
    for (; j + kFloatLanes <= n; j += kFloatLanes)
        apply(y + j, dact ? dact + j : nullptr, bias ? bias + j : nullptr);
    if (j == n) return;
    // The tail through zero-padded packets.
    alignas(64) float yt[kFloatLanes] = {}, dt[kFloatLanes] = {}, bt[kFloatLanes] = {};
    std::copy(y + j, y + n, yt);
    if (bias) std::copy(bias + j, bias + n, bt);
    apply(yt, dt, bias ? bt : nullptr);
    std::copy(yt, yt + (n - j), y + j);
    if (dact) std::copy(dt, dt + (n - j), dact + j);
}
#endif

// y, dact: (rows, out), bias: (out) or null. On entry y holds x w^T; on return y = act(z)
// with z = y + bias, and dact (when given) = d act / d z. One row at a time so the
// passes over a row hit L1.
template <typename T>
void activate_rows(Activation act, T omega, const T* bias, T* y, T* dact, Index rows, Index out) {
#if ANVIL_CPU_FUSED_SINCOS
    if constexpr (std::is_same_v<T, float>) {
        if (act == Activation::sine) {
            for (Index r = 0; r < rows; ++r)
                sine_row(y + r * out, dact ? dact + r * out : nullptr, bias, omega, out);
            return;
        }
    }
#endif
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

}  // namespace

void CpuDevice::reserve_thread_scratch(int threads, std::size_t bytes) {
    for (int t = 0; t < threads; ++t) thread_scratch_[static_cast<std::size_t>(t)].reserve(bytes);
}

void CpuDevice::linear_act_forward(Activation act, double omega, const Tensor& x, const Tensor& w,
                                   const Tensor* b, Tensor& y, Tensor* dact) {
    std::lock_guard<std::mutex> lock(workspace_mutex_);
    dispatch_float("linear_act_forward", x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const Index n = x.shape()[0], in = x.shape()[1], out = w.shape()[0];
        const Tiling tiles = tile_rows(n, std::max(in, out));
        reserve_thread_scratch(threads_for(tiles.count, 1),
                               std::max(gemm_tile_bytes<T>(tiles.rows, out, in),
                                        gemm_tile_bytes<T>(tiles.last, out, in)));
        const T* xp = x.data_as<T>();
        const T* wp = w.data_as<T>();
        const T* bp = b ? b->data_as<T>() : nullptr;
        T* yp = y.data_as<T>();
        T* dp = dact ? dact->data_as<T>() : nullptr;
        // omega only scales the sine (see Device::linear_act_forward).
        const T om = static_cast<T>(omega);
        // w^T packed once for every tile (gemm_kernels.h).
        T* w_packed = nullptr;
        if (pack_b_once(tiles.count, out)) {
            w_packed = reinterpret_cast<T*>(workspace_.reserve(gemm_packed_b_bytes<T>(out, in)));
            gemm_pack_b<T>(true, out, in, wp, w_packed);
        }
        parallel_items(tiles.count, [&](Index tile, int t) {
            const Index r0 = tile * tiles.rows, rows = tiles.size(tile);
            std::byte* scratch = thread_scratch_[static_cast<std::size_t>(t)].data();
            // y tile: (rows, out) = x tile (rows, in) @ w^T (in, out)
            gemm_row_tile<T>(false, true, rows, out, in, T(1), xp + r0 * in, in, wp, w_packed, T(0), yp + r0 * out,
                             scratch);
            activate_rows<T>(act, om, bp, yp + r0 * out, dp ? dp + r0 * out : nullptr, rows, out);
        });
    });
}

void CpuDevice::linear_act_backward(const Tensor& x, const Tensor& w, const Tensor& dy,
                                    const Tensor* dact, Tensor* dx, Tensor& dw, Tensor* db) {
    std::lock_guard<std::mutex> lock(workspace_mutex_);
    dispatch_float("linear_act_backward", x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const Index n = x.shape()[0], in = x.shape()[1], out = w.shape()[0];
        T* dwp = dw.data_as<T>();
        T* dbp = db ? db->data_as<T>() : nullptr;
        if (n == 0) {  // no rows: parameter gradients are zero (dx is empty)
            std::fill(dwp, dwp + out * in, T(0));
            if (dbp) std::fill(dbp, dbp + out, T(0));
            return;
        }
        const Tiling tiles = tile_rows(n, std::max(in, out));
        const int threads = threads_for(tiles.count, 1);
        std::size_t gemm_bytes = 0;
        for (Index rows : {tiles.rows, tiles.last})
            gemm_bytes = std::max({gemm_bytes, gemm_tile_bytes<T>(rows, in, out), gemm_tile_bytes<T>(out, in, rows)});
        reserve_thread_scratch(threads, gemm_bytes);

        // Shared workspace, per thread: a g tile (rows, out) when dact must be multiplied
        // in, a dw partial (out, in), and a db partial (out) accumulated in double for f32.
        const auto per_thread = static_cast<std::size_t>(threads);
        WorkspaceLayout layout;
        const std::size_t g_off = layout.add<T>(dact ? per_thread * static_cast<std::size_t>(tiles.rows * out) : 0);
        const std::size_t dw_off = layout.add<T>(per_thread * static_cast<std::size_t>(out * in));
        const std::size_t db_off = layout.add<Acc<T>>(per_thread * static_cast<std::size_t>(out));
        // w packed once for every tile's dx GEMM (gemm_kernels.h).
        const bool pack_w = dx && pack_b_once(tiles.count, in);
        const std::size_t w_off = layout.add<std::byte>(pack_w ? gemm_packed_b_bytes<T>(in, out) : 0);
        workspace_.reserve(layout.bytes());
        T* g_all = workspace_.at<T>(g_off);
        T* dw_parts = workspace_.at<T>(dw_off);
        Acc<T>* db_parts = workspace_.at<Acc<T>>(db_off);

        const T* xp = x.data_as<T>();
        const T* wp = w.data_as<T>();
        const T* dyp = dy.data_as<T>();
        const T* dap = dact ? dact->data_as<T>() : nullptr;
        T* dxp = dx ? dx->data_as<T>() : nullptr;
        T* w_packed = pack_w ? workspace_.at<T>(w_off) : nullptr;
        if (w_packed) gemm_pack_b<T>(false, in, out, wp, w_packed);
        std::array<bool, kMaxThreads> ran{};  // whether thread t got a tile (and set its partials)

        parallel_items(tiles.count, [&](Index tile, int t) {
            const auto ti = static_cast<std::size_t>(t);
            T* dw_mine = dw_parts + t * out * in;
            Acc<T>* db_mine = db_parts + t * out;
            const bool first = !ran[ti];
            if (first) std::fill(db_mine, db_mine + out, Acc<T>(0));
            ran[ti] = true;
            const Index r0 = tile * tiles.rows, rows = tiles.size(tile);
            std::byte* scratch = thread_scratch_[ti].data();
            // g: (rows, out) = dy * dact, the gradient at the pre-activation.
            const T* g = dyp + r0 * out;
            if (dap) {
                T* gt = g_all + t * tiles.rows * out;
                ArrayMap<T>(gt, rows * out) =
                    ConstArrayMap<T>(g, rows * out) * ConstArrayMap<T>(dap + r0 * out, rows * out);
                g = gt;
            }
            if (dbp)
                for (Index r = 0; r < rows; ++r)
                    for (Index j = 0; j < out; ++j) db_mine[j] += static_cast<Acc<T>>(g[r * out + j]);
            // dx tile: (rows, in) = g (rows, out) @ w (out, in)
            if (dxp) gemm_row_tile<T>(false, false, rows, in, out, T(1), g, out, wp, w_packed, T(0), dxp + r0 * in, scratch);
            // dw partial (out, in) += g^T (out, rows) @ x tile (rows, in); a thread's first
            // tile overwrites.
            gemm_tile<T>(true, false, out, in, rows, T(1), g, xp + r0 * in, first ? T(0) : T(1), dw_mine, scratch);
        });

        // dw = sum of the partials, db likewise (in thread order: deterministic for a
        // given assignment of tiles).
        parallel_elements(out * in, [&](Index begin, Index end, int) {
            std::fill(dwp + begin, dwp + end, T(0));
            for (int t = 0; t < threads; ++t) {
                if (!ran[static_cast<std::size_t>(t)]) continue;
                const T* part = dw_parts + t * out * in;
                for (Index i = begin; i < end; ++i) dwp[i] += part[i];
            }
        });
        if (dbp) {
            for (Index j = 0; j < out; ++j) {
                Acc<T> total = 0;
                for (int t = 0; t < threads; ++t)
                    if (ran[static_cast<std::size_t>(t)]) total += db_parts[t * out + j];
                dbp[j] = static_cast<T>(total);
            }
        }
    });
}

}  // namespace anvil::cpu
