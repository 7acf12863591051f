// anvil-bench-gemm: the three GEMM shapes of a SIREN layer at 256x256 (x W^T and g W:
// 65536x256 @ 256x256, g^T x: 256x65536 @ 65536x256) side by side in anvil's cpu backend
// (whichever variant the loader chose; ANVIL_CPU_VARIANT forces one), Eigen's own product
// (as anvil used before), oneDNN's sgemm and BLIS's cblas_sgemm where the build found them.
// GFLOP/s and the fraction of this CPU's measured peak at the variant's ISA (peak_flops.h);
// ONEDNN_MAX_CPU_ISA=AVX2 and BLIS_ARCH_TYPE=haswell hold the libraries to AVX2 beside v3.
//   OMP_NUM_THREADS=2 anvil-bench-gemm [--reps N]
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "bench_support.h"
#include "peak_flops.h"

#ifdef ANVIL_BENCH_DNNL
#include <oneapi/dnnl/dnnl.h>
#endif
#ifdef ANVIL_BENCH_BLIS
#include <cblas.h>
#endif

void anvil_eigen_gemm_v3(bool, bool, std::int64_t, std::int64_t, std::int64_t, const float*, const float*, float*);
void anvil_eigen_gemm_v4(bool, bool, std::int64_t, std::int64_t, std::int64_t, const float*, const float*, float*);

namespace {

struct Shape3 {
    const char* name;
    bool ta, tb;
    std::int64_t m, n, k;
};

struct Timing {
    double median, best;  // seconds
};

// Median and fastest of `reps` calls after one warm-up call.
Timing time_calls(int reps, const std::function<void()>& body) {
    body();
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        body();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return {t[t.size() / 2], t.front()};
}

}  // namespace

int main(int argc, char** argv) {
    int reps = 7;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--reps") == 0) reps = std::atoi(argv[i + 1]);
    const int threads = omp_get_max_threads();
    const anvil::bench::Isa isa = anvil::bench::variant_isa();
    std::printf("threads %d, variant ISA %s\n", threads, anvil::bench::isa_name(isa).c_str());

    auto device = anvil::device("cpu");
    std::printf("anvil device: %s\n", device->description().c_str());
    const Shape3 shapes[] = {{"fwd_xWt_65536x256x256", false, true, 65536, 256, 256},
                             {"bwd_gW_65536x256x256", false, false, 65536, 256, 256},
                             {"bwd_gtx_256x65536x256", true, false, 256, 256, 65536}};
    // On a shared machine the cores a process gets change from second to second, so each row's
    // peak is measured right before and after its GEMM and the two are averaged. The peak is
    // the best of its runs, so "best" (fastest call over that peak) is the like-for-like
    // ratio; of_peak uses the median call.
    std::printf("%-24s %-10s %10s %10s %10s %8s %8s\n", "shape", "library", "ms", "GFLOP/s", "peak", "of_peak",
                "best");
    // Unmeasured: the first peak run after start-up came out at 0.73 of every later one,
    // which made the first row's of_peak read above 1.
    anvil::bench::peak_gflops(isa, threads, 3);
    for (const Shape3& s : shapes) {
        const anvil::Shape a_shape = s.ta ? anvil::Shape{s.k, s.m} : anvil::Shape{s.m, s.k};
        const anvil::Shape b_shape = s.tb ? anvil::Shape{s.n, s.k} : anvil::Shape{s.k, s.n};
        const anvil::Tensor a = anvil::bench::random_tensor(a_shape, device, 1);
        const anvil::Tensor b = anvil::bench::random_tensor(b_shape, device, 2);
        anvil::Tensor c = anvil::Tensor::empty(anvil::Shape{s.m, s.n}, anvil::DType::f32, device);
        const std::vector<float> av = a.to_vector<float>(), bv = b.to_vector<float>();
        std::vector<float> cv(static_cast<std::size_t>(s.m * s.n));
        const double flops = 2.0 * static_cast<double>(s.m * s.n) * static_cast<double>(s.k);
        auto report = [&](const char* lib, const std::function<void()>& body) {
            const double before = anvil::bench::peak_gflops(isa, threads, 3);
            const Timing t = time_calls(reps, body);
            const double peak = 0.5 * (before + anvil::bench::peak_gflops(isa, threads, 3));
            const double g = flops / t.median / 1e9;
            std::printf("%-24s %-10s %10.2f %10.1f %10.1f %8.2f %8.2f\n", s.name, lib, t.median * 1e3, g, peak,
                        g / peak, flops / t.best / 1e9 / peak);
            std::fflush(stdout);
        };
        report("anvil", [&] { anvil::gemm(s.ta, s.tb, 1.0, a, b, 0.0, c); });
        const std::int64_t lda = s.ta ? s.m : s.k, ldb = s.tb ? s.k : s.n;
        if (isa == anvil::bench::Isa::avx512)
            report("eigen", [&] { anvil_eigen_gemm_v4(s.ta, s.tb, s.m, s.n, s.k, av.data(), bv.data(), cv.data()); });
        else if (isa == anvil::bench::Isa::avx2)
            report("eigen", [&] { anvil_eigen_gemm_v3(s.ta, s.tb, s.m, s.n, s.k, av.data(), bv.data(), cv.data()); });
#ifdef ANVIL_BENCH_DNNL
        report("onednn", [&] {
            dnnl_sgemm(s.ta ? 'T' : 'N', s.tb ? 'T' : 'N', s.m, s.n, s.k, 1.0f, av.data(), lda, bv.data(), ldb,
                       0.0f, cv.data(), s.n);
        });
#endif
#ifdef ANVIL_BENCH_BLIS
        report("blis", [&] {
            cblas_sgemm(CblasRowMajor, s.ta ? CblasTrans : CblasNoTrans, s.tb ? CblasTrans : CblasNoTrans,
                        static_cast<int>(s.m), static_cast<int>(s.n), static_cast<int>(s.k), 1.0f, av.data(),
                        static_cast<int>(lda), bv.data(), static_cast<int>(ldb), 0.0f, cv.data(),
                        static_cast<int>(s.n));
        });
#endif
        (void)lda;
        (void)ldb;
    }
    return 0;
}
