// 2-D transpose through 32x32 shared-memory tiles, so that both the reads of x and the writes
// of out are coalesced. Tiles are visited grid-stride in both directions, so any (rows, cols)
// is covered whatever the grid limits.
#include "grid.cuh"

namespace anvil::cuda {

namespace {

constexpr int kTile = 32;
constexpr int kTileRowsPerPass = 8;  // block (32, 8): each thread moves 4 elements per tile

// x: (rows, cols) -> out: (cols, rows)
template <typename T>
__global__ void transpose_kernel(const T* x, T* out, std::int64_t rows, std::int64_t cols) {
    __shared__ T tile[kTile][kTile + 1];  // +1 column: the transposed reads hit distinct banks
    const std::int64_t tile_rows = (rows + kTile - 1) / kTile;
    const std::int64_t tile_cols = (cols + kTile - 1) / kTile;
    for (std::int64_t tr = blockIdx.y; tr < tile_rows; tr += gridDim.y) {
        for (std::int64_t tc = blockIdx.x; tc < tile_cols; tc += gridDim.x) {
            const std::int64_t r0 = tr * kTile;
            const std::int64_t c0 = tc * kTile;
            for (int dy = threadIdx.y; dy < kTile; dy += kTileRowsPerPass) {
                const std::int64_t r = r0 + dy;
                const std::int64_t c = c0 + threadIdx.x;
                if (r < rows && c < cols) tile[dy][threadIdx.x] = x[r * cols + c];
            }
            __syncthreads();
            // Row c0 + dy of out holds column c0 + dy of x.
            for (int dy = threadIdx.y; dy < kTile; dy += kTileRowsPerPass) {
                const std::int64_t out_row = c0 + dy;
                const std::int64_t out_col = r0 + threadIdx.x;
                if (out_row < cols && out_col < rows)
                    out[out_row * rows + out_col] = tile[threadIdx.x][dy];
            }
            __syncthreads();  // the tile is refilled by the next iteration
        }
    }
}

}  // namespace

void launch_transpose2d(const KernelContext& ctx, DType dtype, const void* x, void* out,
                        std::int64_t rows, std::int64_t cols) {
    if (rows == 0 || cols == 0) return;
    // CUDA's grid limits: 2^31 - 1 blocks along x, 65535 along y; the kernel strides past them.
    constexpr std::int64_t kMaxGridX = 2147483647;
    constexpr std::int64_t kMaxGridY = 65535;
    const std::int64_t tile_rows = (rows + kTile - 1) / kTile;
    const std::int64_t tile_cols = (cols + kTile - 1) / kTile;
    const dim3 grid(static_cast<unsigned int>(std::min<std::int64_t>(tile_cols, kMaxGridX)),
                    static_cast<unsigned int>(std::min<std::int64_t>(tile_rows, kMaxGridY)));
    const dim3 block(kTile, kTileRowsPerPass);
    dispatch_float("transpose", dtype, [&](auto zero) {
        using T = decltype(zero);
        transpose_kernel<T><<<grid, block, 0, ctx.stream>>>(static_cast<const T*>(x),
                                                            static_cast<T*>(out), rows, cols);
    });
    check_launch("transpose", ctx.device, rows * cols);
}

}  // namespace anvil::cuda
