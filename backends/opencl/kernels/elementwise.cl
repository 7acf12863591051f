// Elementwise kernels, one work-item per element: the unary ops (anvil_unary, generated from
// the op table), clip, affine, and the broadcasting binary ops. x and out may be the same
// buffer (in-place forms), so nothing is declared restrict.

kernel void unary_op(global const T* x, global T* out, long n, int op) {
    const long i = get_global_id(0);
    if (i < n) out[i] = anvil_unary(op, x[i]);
}

kernel void clip_op(global const T* x, global T* out, long n, T lo, T hi) {
    const long i = get_global_id(0);
    if (i < n) out[i] = anvil_clip(x[i], lo, hi);
}

kernel void affine_op(global const T* x, global T* out, long n, T a, T b) {
    const long i = get_global_id(0);
    if (i < n) out[i] = a * x[i] + b;
}

// The core's BroadcastGeometry: output extents and per-operand strides (0 on broadcast axes)
// of up to 8 merged dimensions. Rank 1 covers same-shape operands (strides 1) and a scalar
// operand (stride 0) without any division.
kernel void binary_op(global const T* a, global const T* b, global T* out, long n, int op,
                      int rank, long8 dims, long8 a_strides, long8 b_strides) {
    const long i = get_global_id(0);
    if (i >= n) return;
    long ia = 0, ib = 0;
    if (rank == 1) {
        ia = i * a_strides.s0;
        ib = i * b_strides.s0;
    } else {
        long d[8], sa[8], sb[8];
        vstore8(dims, 0, d);
        vstore8(a_strides, 0, sa);
        vstore8(b_strides, 0, sb);
        long rest = i;
        for (int k = rank - 1; k >= 0; --k) {
            const long coord = rest % d[k];
            rest /= d[k];
            ia += coord * sa[k];
            ib += coord * sb[k];
        }
    }
    out[i] = anvil_binary(op, a[ia], b[ib]);
}

// x: (rows, cols) -> out: (cols, rows), through a 16x16 tile in local memory so that both the
// reads and the writes of a work-group touch consecutive addresses. The +1 column keeps the
// transposed reads off a single local-memory bank.
#define ANVIL_TILE 16
kernel __attribute__((reqd_work_group_size(ANVIL_TILE, ANVIL_TILE, 1)))
void transpose_op(global const T* x, global T* out, long rows, long cols) {
    local T tile[ANVIL_TILE][ANVIL_TILE + 1];
    const int lx = get_local_id(0), ly = get_local_id(1);
    const long c = (long)get_group_id(0) * ANVIL_TILE + lx;
    const long r = (long)get_group_id(1) * ANVIL_TILE + ly;
    if (r < rows && c < cols) tile[ly][lx] = x[r * cols + c];
    barrier(CLK_LOCAL_MEM_FENCE);
    const long out_r = (long)get_group_id(0) * ANVIL_TILE + ly;  // a column of x
    const long out_c = (long)get_group_id(1) * ANVIL_TILE + lx;  // a row of x
    if (out_r < cols && out_c < rows) out[out_r * rows + out_c] = tile[lx][ly];
}
