// Row-major c (M, N) = alpha * op(a) (M, K) @ op(b) (K, N) + beta * c, in two forms: gemm_tiled
// for GPUs and gemm_vector for CPU devices (gemm.cpp picks one per device).
//
// gemm_tiled: a work-group of
// 16 x 16 work-items computes a 64 x 64 block of c, each work-item a 4 x 4 register tile
// (rows ly + 16 i, columns lx + 16 j, so that neighbouring work-items store neighbouring
// elements). Each step stages a 64 x 16 panel of op(a) and a 16 x 64 panel of op(b) in local
// memory, read from global memory along whichever dimension is contiguous in storage. Edges
// load zeros and store nothing. With beta_zero, c is write-only: its contents (possibly NaN)
// never reach the result.

#define ANVIL_GEMM_TILE 64
#define ANVIL_GEMM_DEPTH 16
#define ANVIL_GEMM_GROUP 16
#define ANVIL_GEMM_WORK 4  // ANVIL_GEMM_TILE / ANVIL_GEMM_GROUP

kernel __attribute__((reqd_work_group_size(ANVIL_GEMM_GROUP, ANVIL_GEMM_GROUP, 1)))
void gemm_tiled(global const T* a, global const T* b, global T* c, long M, long N, long K,
             int trans_a, int trans_b, T alpha, T beta, int beta_zero) {
    local T a_panel[ANVIL_GEMM_DEPTH][ANVIL_GEMM_TILE];  // [k][m]
    local T b_panel[ANVIL_GEMM_DEPTH][ANVIL_GEMM_TILE];  // [k][n]
    const int lx = get_local_id(0), ly = get_local_id(1);
    const int thread = ly * ANVIL_GEMM_GROUP + lx;
    const long m0 = (long)get_group_id(1) * ANVIL_GEMM_TILE;
    const long n0 = (long)get_group_id(0) * ANVIL_GEMM_TILE;
    T acc[ANVIL_GEMM_WORK][ANVIL_GEMM_WORK];
    for (int i = 0; i < ANVIL_GEMM_WORK; ++i)
        for (int j = 0; j < ANVIL_GEMM_WORK; ++j) acc[i][j] = ANVIL_ZERO;

    for (long k0 = 0; k0 < K; k0 += ANVIL_GEMM_DEPTH) {
        // 64 x 16 = 1024 elements per panel, 4 per work-item.
        for (int l = 0; l < 4; ++l) {
            const int e = thread + l * ANVIL_GEMM_GROUP * ANVIL_GEMM_GROUP;
            // a: stored (M, K) reads along k, stored (K, M) along m.
            const int am = trans_a ? e % ANVIL_GEMM_TILE : e / ANVIL_GEMM_DEPTH;
            const int ak = trans_a ? e / ANVIL_GEMM_TILE : e % ANVIL_GEMM_DEPTH;
            const long gm = m0 + am, gak = k0 + ak;
            a_panel[ak][am] = gm < M && gak < K
                                  ? (trans_a ? a[gak * M + gm] : a[gm * K + gak])
                                  : ANVIL_ZERO;
            // b: stored (K, N) reads along n, stored (N, K) along k.
            const int bn = trans_b ? e / ANVIL_GEMM_DEPTH : e % ANVIL_GEMM_TILE;
            const int bk = trans_b ? e % ANVIL_GEMM_DEPTH : e / ANVIL_GEMM_TILE;
            const long gn = n0 + bn, gbk = k0 + bk;
            b_panel[bk][bn] = gn < N && gbk < K
                                  ? (trans_b ? b[gn * K + gbk] : b[gbk * N + gn])
                                  : ANVIL_ZERO;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int k = 0; k < ANVIL_GEMM_DEPTH; ++k) {
            T ar[ANVIL_GEMM_WORK], br[ANVIL_GEMM_WORK];
            for (int i = 0; i < ANVIL_GEMM_WORK; ++i) ar[i] = a_panel[k][ly + ANVIL_GEMM_GROUP * i];
            for (int j = 0; j < ANVIL_GEMM_WORK; ++j) br[j] = b_panel[k][lx + ANVIL_GEMM_GROUP * j];
            for (int i = 0; i < ANVIL_GEMM_WORK; ++i)
                for (int j = 0; j < ANVIL_GEMM_WORK; ++j) acc[i][j] += ar[i] * br[j];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    for (int i = 0; i < ANVIL_GEMM_WORK; ++i) {
        const long gm = m0 + ly + ANVIL_GEMM_GROUP * i;
        if (gm >= M) continue;
        for (int j = 0; j < ANVIL_GEMM_WORK; ++j) {
            const long gn = n0 + lx + ANVIL_GEMM_GROUP * j;
            if (gn >= N) continue;
            global T* out = c + gm * N + gn;
            *out = beta_zero ? alpha * acc[i][j] : alpha * acc[i][j] + beta * *out;
        }
    }
}

// gemm_vector: for CPU devices (PoCL), whose compilers vectorise explicit vector types well and
// local-memory tiles with barriers badly. A work-item computes 4 rows x 8 columns of c with T8
// accumulators along n, so b must be row-major (K, N) here (the host transposes a transposed
// b first). The k range is split into slices of slice_len (dimension 2 of the NDRange): slice
// s writes its own partial product at c + s * M * N, which the host sums when there are
// several, so that all work-items of a slice reuse the same cached panels of a and b.
kernel void gemm_vector(global const T* a, global const T* b, global T* c, long M, long N,
                        long K, int trans_a, long slice_len, T alpha, T beta, int beta_zero) {
    const long n0 = (long)get_global_id(0) * 8;
    const long m0 = (long)get_global_id(1) * 4;
    const long s = get_global_id(2);
    if (n0 >= N || m0 >= M) return;
    const long k_begin = s * slice_len;
    const long k_end = min(k_begin + slice_len, K);
    global T* out = c + s * M * N;
    long rows[4];  // rows past M repeat the last one; they are computed and not stored
    for (int r = 0; r < 4; ++r) rows[r] = min(m0 + r, M - 1);
    if (n0 + 8 <= N) {
        T8 acc[4];
        for (int r = 0; r < 4; ++r) acc[r] = (T8)(ANVIL_ZERO);
        for (long k = k_begin; k < k_end; ++k) {
            const T8 bv = vload8(0, b + k * N + n0);
            for (int r = 0; r < 4; ++r)
                acc[r] += (trans_a ? a[k * M + rows[r]] : a[rows[r] * K + k]) * bv;
        }
        for (int r = 0; r < 4 && m0 + r < M; ++r) {
            global T* o = out + (m0 + r) * N + n0;
            const T8 v = alpha * acc[r];
            vstore8(beta_zero ? v : v + beta * vload8(0, o), 0, o);
        }
        return;
    }
    // The last columns of a row whose length is not a multiple of 8.
    for (long n = n0; n < N; ++n)
        for (int r = 0; r < 4 && m0 + r < M; ++r) {
            T acc = ANVIL_ZERO;
            for (long k = k_begin; k < k_end; ++k)
                acc += (trans_a ? a[k * M + m0 + r] : a[(m0 + r) * K + k]) * b[k * N + n];
            global T* o = out + (m0 + r) * N + n;
            *o = beta_zero ? alpha * acc : alpha * acc + beta * *o;
        }
}

// c = alpha * t + beta * c (beta_zero: c = alpha * t): the end of a sliced gemm_vector whose
// alpha or beta is not (1, 0).
kernel void gemm_combine(global const T* t, global T* c, long n, T alpha, T beta, int beta_zero) {
    const long i = get_global_id(0);
    if (i < n) c[i] = beta_zero ? alpha * t[i] : alpha * t[i] + beta * c[i];
}
