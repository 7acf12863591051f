// The CUDA plugin's host code with a GPU present, on machines without one: this binary links
// the fake CUDA runtime and cuBLAS of tests/cuda/fake_runtime (libcudart.so.13 and
// libcublas.so.13 by name), so the plugin, loaded afterwards, binds to them. Covered: the
// backend's availability and device description, transfers, memory accounting, every GEMM
// through cuBLAS against the row-major definition (the fake checks cuBLAS's documented
// argument rules and computes the product), exact FP32 unless TF32 is asked for, and the
// errors for a failed launch, out of memory, a GPU without this build's kernels and a machine
// with no GPU; uploads that wait for a pageable source, the memory pool the plugin configures,
// trims and reports, which op an error is reported by (ANVIL_CUDA_SYNC) and the ones vectors.
// Groups other than CudaFakeGpu need an environment that tests/cuda/CMakeLists.txt gives them,
// one ctest case each.
#include <gtest/gtest.h>

#include <cublas_api.h>
#include <cuda_runtime_api.h>
#include <library_types.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "anvil/anvil.h"
#include "fake_runtime/fake_cuda.h"
#include "support/expect_error.h"
#include "support/host_tensor.h"
#include "support/random.h"
#include "support/reference.h"

namespace {

using anvil::DType;
using anvil::Shape;
using anvil::Tensor;
using anvil::error_of;
using anvil::test::HostTensor;
using anvil::test::random_uniform;
using Index = std::int64_t;

anvil::Backend& fake_cuda_backend() {
    anvil::Registry& registry = anvil::Registry::instance();
    const anvil::LoadAttempt attempt = registry.load_file(ANVIL_CUDA_PLUGIN);
    anvil::Backend* backend = registry.find("cuda");
    if (!backend) throw anvil::Error("the cuda plugin did not register: " + attempt.detail);
    return *backend;
}

std::shared_ptr<anvil::Device> fake_gpu() {
    anvil::Backend& backend = fake_cuda_backend();
    const anvil::Availability availability = backend.availability();
    if (!availability.available)
        throw anvil::Error("the fake GPU is not seen (is the real libcudart loaded?): " +
                           availability.reason);
    return backend.device(0);
}

bool env_set(const char* name) { return std::getenv(name) != nullptr; }

// What kernel launches do (fake_cuda.h) until the end of the scope; then they fail again, and
// a planted fault is over.
class FakeLaunches {
public:
    explicit FakeLaunches(int mode) { anvil_fake_cuda_set_launches(mode); }
    ~FakeLaunches() {
        anvil_fake_cuda_set_launches(ANVIL_FAKE_LAUNCH_FAILS);
        anvil_fake_cuda_clear_fault();
    }
    FakeLaunches(const FakeLaunches&) = delete;
    FakeLaunches& operator=(const FakeLaunches&) = delete;
};

constexpr std::size_t kMiB = std::size_t{1} << 20;

// Tensor::zeros would need the fill kernel; uploads need none.
Tensor uploaded_zeros(const Shape& shape, DType dtype, const std::shared_ptr<anvil::Device>& gpu) {
    if (dtype == DType::f64)
        return Tensor::from_vector(std::vector<double>(static_cast<std::size_t>(shape.numel())), shape, gpu);
    return Tensor::from_vector(std::vector<float>(static_cast<std::size_t>(shape.numel())), shape, gpu);
}

TEST(CudaFakeGpu, DescribesTheDevice) {
    anvil::Backend& backend = fake_cuda_backend();
    ASSERT_TRUE(backend.availability().available) << backend.availability().reason;
    EXPECT_EQ(backend.device_count(), 1);
    const auto device = backend.device(0);
    EXPECT_EQ(device->name(), "cuda:0");
    EXPECT_EQ(device->description(),
              "Fake H100 (anvil test double), 80.00 GiB, compute capability 9.0, 132 SMs");
    EXPECT_NE(error_of([] { anvil::device("cuda:1"); }).find("cuda:1 does not exist"),
              std::string::npos);
}

TEST(CudaFakeGpu, TransfersAndDeviceCopiesAreExact) {
    const auto gpu = fake_gpu();
    const std::vector<float> f{1.5f, -0.0f, 3e-39f, 7.0f, -2.25f};
    const std::vector<double> d{1e300, -4.0, 0.1};
    const std::vector<std::int64_t> i{-1, (Index{1} << 62) + 3, 0};
    const Tensor tf = Tensor::from_vector(f, Shape{5}, gpu);
    EXPECT_EQ(tf.to_vector<float>(), f);
    EXPECT_EQ(tf.clone().to_vector<float>(), f);  // device to device
    EXPECT_EQ(Tensor::from_vector(d, Shape{3}, gpu).clone().to_vector<double>(), d);
    EXPECT_EQ(Tensor::from_vector(i, Shape{3}, gpu).to_vector<std::int64_t>(), i);
    // Cross-device copies go through the host.
    const auto cpu = anvil::device("cpu");
    EXPECT_EQ(tf.to(cpu).to(gpu).to_vector<float>(), f);
}

TEST(CudaFakeGpu, MemoryComesFromThePoolAndGoesBack) {
    const auto gpu = fake_gpu();
    const std::size_t before = gpu->memory_info().free_bytes;
    {
        const Tensor big = Tensor::from_vector(std::vector<float>(1 << 20, 1.0f), Shape{1 << 20}, gpu);
        EXPECT_LE(gpu->memory_info().free_bytes + (std::size_t{4} << 20), before);
    }
    EXPECT_EQ(gpu->memory_info().free_bytes, before);
}

// The fake reads a pageable upload's source only when the stream synchronises, which the
// runtime is free to do; callers (core's staging vectors, from_vector's temporaries) reuse or
// free the source as soon as the upload returns.
TEST(CudaFakeGpu, AnUploadHasReadItsPageableSourceWhenItReturns) {
    const auto gpu = fake_gpu();
    std::vector<float> source{1.5f, -2.0f, 3.25f};
    const Tensor t = Tensor::from_host(source.data(), Shape{3}, DType::f32, gpu);
    std::fill(source.begin(), source.end(), -1.0f);
    EXPECT_EQ(t.to_vector<float>(), (std::vector<float>{1.5f, -2.0f, 3.25f}));
}

// Page-locked memory is read in stream order, so an upload from it need not wait.
TEST(CudaFakeGpu, AnUploadFromPageLockedMemoryDoesNotWait) {
    const auto gpu = fake_gpu();
    std::vector<float> source{4.0f, 5.0f};
    ASSERT_EQ(cudaHostRegister(source.data(), sizeof(float) * 2, cudaHostRegisterDefault), cudaSuccess);
    const long syncs = anvil_fake_cuda_stream_syncs();
    const Tensor t = Tensor::from_host(source.data(), Shape{2}, DType::f32, gpu);
    EXPECT_EQ(anvil_fake_cuda_stream_syncs(), syncs);
    EXPECT_EQ(t.to_vector<float>(), source);
    EXPECT_EQ(cudaHostUnregister(source.data()), cudaSuccess);
}

// The fake's current pool, which cudaMallocAsync draws from, is not the default pool. The
// plugin's keep-everything release threshold must be on the current one, and what that pool
// keeps is free memory to memory_info(), although cudaMemGetInfo counts it as used.
TEST(CudaFakeGpu, FreedMemoryStaysInThePoolAllocationsComeFromAndCountsAsFree) {
    const auto gpu = fake_gpu();
    gpu->synchronize();
    const std::size_t free_before = gpu->memory_info().free_bytes;
    // 64 MiB: more than any block earlier tests can have left in the pool.
    { const Tensor big = Tensor::empty(Shape{16 << 20}, DType::f32, gpu); }
    gpu->synchronize();  // where a pool gives back what it holds beyond its release threshold
    const AnvilFakePool pool = anvil_fake_cuda_current_pool(0);
    EXPECT_EQ(pool.release_threshold, UINT64_MAX);
    EXPECT_GE(pool.reserved - pool.used, 64 * kMiB) << "the pool gave the freed memory back";
    EXPECT_EQ(gpu->memory_info().free_bytes, free_before);
}

// CUB reads its launch error with cudaPeekAtLastError, which leaves it set; once reported it
// must not be blamed on the next kernel. CCCL 3.0 clears it itself (CubDebug calls
// cudaGetLastError) and the plugin clears it again where it reports it (throw_cuda_error,
// tested without CUB's help by AKernelFaultIsReportedByTheNextCallThatWaits); this checks
// the two together on the CUB the plugin is built with.
TEST(CudaFakeGpu, AFailedCubLaunchIsNotBlamedOnTheNextKernel) {
    const auto gpu = fake_gpu();
    const Tensor x = Tensor::from_vector(std::vector<float>(6, 1.0f), Shape{6}, gpu);
    const std::string sum = error_of([&] { anvil::sum(x); });
    EXPECT_EQ(sum.rfind("[sum] ", 0), 0u) << sum;
    EXPECT_NE(sum.find("(cudaErrorNotSupported)"), std::string::npos) << sum;
    FakeLaunches launches(ANVIL_FAKE_LAUNCH_DOES_NOTHING);
    EXPECT_NO_THROW(anvil::exp(x));
}

// Without ANVIL_CUDA_SYNC, ops only queue work: a fault inside a kernel is reported by the
// next call that waits. (The fake's fault can then be cleared, which a real one cannot; the
// error the failed synchronisation left as the last error must be cleared where it is
// reported, or the next launch check would blame its kernel.)
TEST(CudaFakeGpu, AKernelFaultIsReportedByTheNextCallThatWaits) {
    const auto gpu = fake_gpu();
    const Tensor x = Tensor::from_vector(std::vector<float>(6, 1.0f), Shape{2, 3}, gpu);
    FakeLaunches launches(ANVIL_FAKE_LAUNCH_FAULTS);
    const Tensor y = anvil::exp(x);
    const std::string read = error_of([&] { y.to_vector<float>(); });
    EXPECT_NE(read.find("[to_host] cudaStreamSynchronize failed: an illegal memory access was "
                        "encountered (cudaErrorIllegalAddress); cuda:0, 24 bytes"),
              std::string::npos)
        << read;
    anvil_fake_cuda_clear_fault();
    anvil_fake_cuda_set_launches(ANVIL_FAKE_LAUNCH_DOES_NOTHING);
    EXPECT_NO_THROW(anvil::exp(x));
}

// Column sums as GEMMs use a ones vector; an f64 model next to an f32 one must not reallocate
// it at every switch.
TEST(CudaFakeGpu, TheOnesVectorIsKeptForEachDtype) {
    const auto gpu = fake_gpu();
    FakeLaunches launches(ANVIL_FAKE_LAUNCH_DOES_NOTHING);  // the ones are filled by a kernel
    struct Layer {
        Tensor x, w, dy, dw, db;
    };
    const auto layer = [&](DType dtype) {
        return Layer{uploaded_zeros(Shape{8, 3}, dtype, gpu), uploaded_zeros(Shape{2, 3}, dtype, gpu),
                     uploaded_zeros(Shape{8, 2}, dtype, gpu), uploaded_zeros(Shape{2, 3}, dtype, gpu),
                     uploaded_zeros(Shape{2}, dtype, gpu)};
    };
    Layer f32 = layer(DType::f32), f64 = layer(DType::f64);
    const auto backward = [](Layer& l) {  // no dact, no dx: nothing to allocate but the ones
        anvil::linear_act_backward(l.x, l.w, l.dy, nullptr, nullptr, l.dw, &l.db);
    };
    backward(f32);
    backward(f64);
    const long allocations = anvil_fake_cuda_allocations();
    for (int i = 0; i < 3; ++i) {
        backward(f32);
        backward(f64);
    }
    EXPECT_EQ(anvil_fake_cuda_allocations(), allocations);
}

// Runs every public op that queues work once and returns, per op, how often the stream was
// synchronised meanwhile. Kernels do nothing (their results are not looked at).
std::vector<std::pair<std::string, long>> stream_syncs_per_op(const std::shared_ptr<anvil::Device>& gpu) {
    FakeLaunches launches(ANVIL_FAKE_LAUNCH_DOES_NOTHING);
    const auto t = [&](const Shape& shape) { return uploaded_zeros(shape, DType::f32, gpu); };
    Tensor x = t(Shape{4, 3}), w = t(Shape{2, 3}), b = t(Shape{2}), y = t(Shape{4, 2}),
           dact = t(Shape{4, 2}), dx = t(Shape{4, 3}), dw = t(Shape{2, 3}), db = t(Shape{2}),
           loss = t(Shape{1}), m = t(Shape{4, 3}), v = t(Shape{4, 3}), row = t(Shape{3});
    const anvil::AdamSlot adam{&x, &dx, &m, &v};
    const anvil::SgdSlot sgd{&x, &dx, &m};
    const std::vector<std::pair<std::string, std::function<void()>>> ops = {
        {"fill", [&] { anvil::fill_(y, 1.0); }},
        {"copy", [&] { x.clone(); }},
        {"unary", [&] { anvil::exp(x); }},
        {"clip", [&] { anvil::clip(x, -1.0, 1.0); }},
        {"affine", [&] { anvil::affine(x, 2.0, 1.0); }},
        {"binary", [&] { anvil::add(x, row); }},
        {"reduce", [&] { anvil::sum(x, 0); }},
        {"argmax", [&] { anvil::argmax(x, 1); }},
        {"transpose", [&] { anvil::transpose(x); }},
        {"gemm", [&] { anvil::matmul(x, w, false, true); }},
        {"linear_act_forward",
         [&] { anvil::linear_act_forward(anvil::Activation::sine, 30.0, x, w, &b, y, &dact); }},
        {"linear_act_backward",
         [&] { anvil::linear_act_backward(x, w, y, &dact, &dx, dw, &db); }},
        {"mse_loss_grad", [&] { anvil::mse_loss_grad(x, dx, loss, &m); }},
        {"adam_update", [&] { anvil::adam_update(std::span(&adam, 1), anvil::AdamParams{}); }},
        {"sgd_update",
         [&] { anvil::sgd_update(std::span(&sgd, 1), anvil::SgdParams{0.1, 0.9}); }},
    };
    std::vector<std::pair<std::string, long>> syncs;
    for (const auto& [name, op] : ops) {
        const long before = anvil_fake_cuda_stream_syncs();
        op();
        syncs.emplace_back(name, anvil_fake_cuda_stream_syncs() - before);
    }
    return syncs;
}

TEST(CudaFakeGpu, NoOpWaitsForItsWork) {
    for (const auto& [op, syncs] : stream_syncs_per_op(fake_gpu())) EXPECT_EQ(syncs, 0) << op;
}

void check_every_transpose(const std::shared_ptr<anvil::Device>& gpu, DType dtype) {
    const Index sizes[][3] = {{1, 1, 1}, {3, 5, 7}, {17, 2, 9}, {4, 33, 1}};
    std::uint64_t seed = 1;
    for (bool ta : {false, true})
        for (bool tb : {false, true})
            for (const auto& s : sizes) {
                const Index m = s[0], n = s[1], k = s[2];
                const HostTensor a =
                    random_uniform(ta ? Shape{k, m} : Shape{m, k}, -1, 1, seed++, dtype);
                const HostTensor b =
                    random_uniform(tb ? Shape{n, k} : Shape{k, n}, -1, 1, seed++, dtype);
                HostTensor c = random_uniform(Shape{m, n}, -1, 1, seed++, dtype);
                Tensor tc = anvil::test::to_device(c, dtype, gpu);
                anvil::gemm(ta, tb, 1.5, anvil::test::to_device(a, dtype, gpu),
                            anvil::test::to_device(b, dtype, gpu), -0.5, tc);
                anvil::test::ref::gemm(ta, tb, 1.5, a, b, -0.5, c);
                const HostTensor got = anvil::test::to_host(tc);
                SCOPED_TRACE(::testing::Message() << "ta=" << ta << " tb=" << tb << " M=" << m
                                                  << " N=" << n << " K=" << k);
                for (Index i = 0; i < got.numel(); ++i)
                    EXPECT_NEAR(got[i], c[i], 1e-5) << "element " << i;
            }
}

TEST(CudaFakeGpu, GemmsFollowTheRowMajorDefinitionForEveryTranspose) {
    const auto gpu = fake_gpu();
    check_every_transpose(gpu, DType::f32);
    const AnvilFakeGemmCall f32 = anvil_fake_cublas_last_gemm();
    EXPECT_EQ(f32.compute_type, CUBLAS_COMPUTE_32F) << "f32 GEMMs must be exact FP32 by default";
    EXPECT_EQ(f32.data_type, CUDA_R_32F);
    EXPECT_FALSE(f32.on_default_stream) << "cuBLAS must run on the device's stream";
    check_every_transpose(gpu, DType::f64);
    EXPECT_EQ(anvil_fake_cublas_last_gemm().data_type, CUDA_R_64F);
}

TEST(CudaFakeGpu, RowMajorProductIsOneCallWithTheOperandsSwapped) {
    const auto gpu = fake_gpu();
    // Row-major (2 x 4) = (2 x 3) (3 x 4) is column-major (4 x 2) = B^T-as-stored (4 x 3) times
    // A-as-stored (3 x 2): m = 4, n = 2, k = 3, no transposes, lda = 4, ldb = 3, ldc = 4.
    const int calls_before = anvil_fake_cublas_last_gemm().calls;
    anvil::matmul(uploaded_zeros(Shape{2, 3}, DType::f32, gpu), uploaded_zeros(Shape{3, 4}, DType::f32, gpu));
    const AnvilFakeGemmCall call = anvil_fake_cublas_last_gemm();
    EXPECT_EQ(call.calls, calls_before + 1);
    EXPECT_EQ(call.transa, CUBLAS_OP_N);
    EXPECT_EQ(call.transb, CUBLAS_OP_N);
    EXPECT_EQ(call.m, 4);
    EXPECT_EQ(call.n, 2);
    EXPECT_EQ(call.k, 3);
    EXPECT_EQ(call.lda, 4);
    EXPECT_EQ(call.ldb, 3);
    EXPECT_EQ(call.ldc, 4);
}

TEST(CudaFakeGpu, FailedKernelLaunchNamesTheOpTheErrorAndTheSize) {
    const auto gpu = fake_gpu();
    const Tensor x = Tensor::from_vector(std::vector<float>(6, 1.0f), Shape{2, 3}, gpu);
    const std::string message = error_of([&] { anvil::exp(x); });
    EXPECT_NE(message.find("[exp] kernel launch failed: operation not supported"), std::string::npos)
        << message;
    EXPECT_NE(message.find("(cudaErrorNotSupported); cuda:0, 6 elements"), std::string::npos)
        << message;
}

TEST(CudaFakeGpuSmallMemory, OutOfMemorySaysHowMuchWasAskedForAndWhatIsFree) {
    if (!env_set("ANVIL_FAKE_CUDA_MEMORY")) GTEST_SKIP() << "needs ANVIL_FAKE_CUDA_MEMORY (ctest sets it)";
    const auto gpu = fake_gpu();
    const int trims_before = anvil_fake_cuda_pool_trims();
    try {
        Tensor::empty(Shape{Index{1} << 29}, DType::f32, gpu);  // 2 GiB on a 1 GiB GPU
        FAIL() << "2 GiB were allocated on a 1 GiB GPU";
    } catch (const anvil::OutOfMemoryError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("out of memory on cuda:0: cudaMallocAsync could not allocate "
                               "2.00 GiB (2147483648 bytes) (1.00 GiB free of 1.00 GiB)"),
                  std::string::npos)
            << message;
    }
    EXPECT_EQ(anvil_fake_cuda_pool_trims(), trims_before + 1) << "the pool is trimmed before giving up";
    // The device stays usable.
    EXPECT_EQ(Tensor::from_vector(std::vector<float>{2.0f}, Shape{1}, gpu).to_vector<float>()[0], 2.0f);
}

// The fake's pools are fragmented: a cached block serves only a request it fits. So the
// retry after a failed allocation must trim the pool cudaMallocAsync draws from (its current
// pool, not the default one) to get the cached memory back.
TEST(CudaFakeGpuSmallMemory, TheRetryTrimsThePoolAllocationsComeFrom) {
    if (!env_set("ANVIL_FAKE_CUDA_MEMORY")) GTEST_SKIP() << "needs ANVIL_FAKE_CUDA_MEMORY (ctest sets it)";
    const auto gpu = fake_gpu();
    const int trims_before = anvil_fake_cuda_pool_trims();
    { const Tensor a = Tensor::empty(Shape{150 << 20}, DType::f32, gpu); }  // 600 MiB, kept
    // 700 MiB fit neither in the cached 600 MiB block nor beside it in the 1 GiB.
    const Tensor b = Tensor::empty(Shape{175 << 20}, DType::f32, gpu);
    EXPECT_EQ(anvil_fake_cuda_pool_trims(), trims_before + 1);
    EXPECT_EQ(anvil_fake_cuda_current_pool(0).used, 700 * kMiB);
}

TEST(CudaFakeGpuTf32, Tf32IsUsedOnlyWhenAskedFor) {
    if (!env_set("ANVIL_CUDA_TF32")) GTEST_SKIP() << "needs ANVIL_CUDA_TF32=1 (ctest sets it)";
    const auto gpu = fake_gpu();
    EXPECT_NE(gpu->description().find("TF32 GEMMs (ANVIL_CUDA_TF32=1)"), std::string::npos)
        << gpu->description();
    anvil::matmul(uploaded_zeros(Shape{2, 3}, DType::f32, gpu), uploaded_zeros(Shape{3, 4}, DType::f32, gpu));
    EXPECT_EQ(anvil_fake_cublas_last_gemm().compute_type, CUBLAS_COMPUTE_32F_FAST_TF32);
    // f64 never uses tensor-core TF32.
    anvil::matmul(uploaded_zeros(Shape{2, 3}, DType::f64, gpu), uploaded_zeros(Shape{3, 4}, DType::f64, gpu));
    EXPECT_EQ(anvil_fake_cublas_last_gemm().data_type, CUDA_R_64F);
}

TEST(CudaFakeGpuNoImage, AGpuWithoutThisBuildsKernelsIsAClearError) {
    if (!env_set("ANVIL_FAKE_CUDA_NO_IMAGE")) GTEST_SKIP() << "needs ANVIL_FAKE_CUDA_NO_IMAGE (ctest sets it)";
    const std::string message = error_of([] { fake_gpu(); });
    EXPECT_NE(message.find("cuda:0 cannot run this build's kernels: no kernel image is available"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("rebuild with -DCMAKE_CUDA_ARCHITECTURES=<this GPU's sm>"), std::string::npos)
        << message;
}

TEST(CudaFakeGpuNoDevices, ARuntimeWithNoGpuMakesTheBackendUnavailable) {
    if (!env_set("ANVIL_FAKE_CUDA_DEVICES")) GTEST_SKIP() << "needs ANVIL_FAKE_CUDA_DEVICES=0 (ctest sets it)";
    anvil::Backend& backend = fake_cuda_backend();
    EXPECT_FALSE(backend.availability().available);
    EXPECT_EQ(backend.availability().reason, "no CUDA-capable GPU found (cudaGetDeviceCount returned 0)");
    EXPECT_EQ(backend.device_count(), 0);
    EXPECT_NE(error_of([] { anvil::device("cuda"); }).find("is unavailable: no CUDA-capable GPU"),
              std::string::npos);
}

// Every op makes its GPU current first: memory and cuBLAS calls act on the current device.
TEST(CudaFakeGpuTwoDevices, EachDeviceWorksOnItsOwnGpu) {
    if (!env_set("ANVIL_FAKE_CUDA_DEVICES")) GTEST_SKIP() << "needs ANVIL_FAKE_CUDA_DEVICES=2 (ctest sets it)";
    anvil::Backend& backend = fake_cuda_backend();
    ASSERT_EQ(backend.device_count(), 2);
    const auto gpu0 = anvil::device("cuda:0"), gpu1 = anvil::device("cuda:1");
    EXPECT_EQ(gpu1->name(), "cuda:1");
    const Tensor a1 = uploaded_zeros(Shape{2, 3}, DType::f32, gpu1);
    const Tensor a0 = uploaded_zeros(Shape{2, 3}, DType::f32, gpu0);
    const Tensor b1 = uploaded_zeros(Shape{3, 4}, DType::f32, gpu1);
    EXPECT_EQ(anvil_fake_cuda_device_of(a1.data()), 1);
    EXPECT_EQ(anvil_fake_cuda_device_of(a0.data()), 0);
    EXPECT_EQ(anvil_fake_cuda_device_of(b1.data()), 1);
    const Tensor c1 = anvil::matmul(a1, b1);
    EXPECT_EQ(anvil_fake_cublas_last_gemm().device, 1);
    EXPECT_EQ(anvil_fake_cuda_device_of(c1.data()), 1);
    anvil::matmul(a0, uploaded_zeros(Shape{3, 4}, DType::f32, gpu0));
    EXPECT_EQ(anvil_fake_cublas_last_gemm().device, 0);
    // A copy from one GPU to the other goes through the host and lands on the target.
    const Tensor moved = a1.to(gpu0);
    EXPECT_EQ(anvil_fake_cuda_device_of(moved.data()), 0);
}

// A fault inside a kernel surfaces at the next call that waits for the stream (a host read,
// synchronize(), an upload from pageable memory), which names the call and the error.
TEST(CudaFakeGpuKernelFault, AFaultIsReportedByTheNextHostRead) {
    if (!env_set("ANVIL_FAKE_CUDA_FAULT")) GTEST_SKIP() << "needs ANVIL_FAKE_CUDA_FAULT (ctest sets it)";
    const auto gpu = fake_gpu();
    const Tensor t = Tensor::empty(Shape{5}, DType::f32, gpu);
    const std::string read = error_of([&] { t.to_vector<float>(); });
    EXPECT_NE(read.find("[to_host] cudaStreamSynchronize failed: an illegal memory access was "
                        "encountered (cudaErrorIllegalAddress); cuda:0, 20 bytes"),
              std::string::npos)
        << read;
    EXPECT_NE(error_of([&] { gpu->synchronize(); }).find("[synchronize] cudaStreamSynchronize failed"),
              std::string::npos);
    const std::string upload = error_of([&] { Tensor::from_vector(std::vector<float>{1.0f}, Shape{1}, gpu); });
    EXPECT_NE(upload.find("[from_host] cudaStreamSynchronize failed: an illegal memory access"),
              std::string::npos)
        << upload;
}

// ANVIL_CUDA_SYNC=1: every op waits for its work, so a fault inside a kernel is reported by
// the op that launched it.
TEST(CudaFakeGpuSync, AKernelFaultIsReportedByTheOpThatLaunchedIt) {
    if (!env_set("ANVIL_CUDA_SYNC")) GTEST_SKIP() << "needs ANVIL_CUDA_SYNC=1 (ctest sets it)";
    const auto gpu = fake_gpu();
    EXPECT_NE(gpu->description().find(", every op synchronised (ANVIL_CUDA_SYNC=1)"), std::string::npos)
        << gpu->description();
    const Tensor x = Tensor::from_vector(std::vector<float>(6, 1.0f), Shape{2, 3}, gpu);
    FakeLaunches launches(ANVIL_FAKE_LAUNCH_FAULTS);
    const std::string message = error_of([&] { anvil::exp(x); });
    EXPECT_EQ(message, "[exp] cudaStreamSynchronize failed: an illegal memory access was encountered "
                       "(cudaErrorIllegalAddress); cuda:0, waiting for this op (ANVIL_CUDA_SYNC=1)");
}

TEST(CudaFakeGpuSync, EveryOpWaitsForItsWork) {
    if (!env_set("ANVIL_CUDA_SYNC")) GTEST_SKIP() << "needs ANVIL_CUDA_SYNC=1 (ctest sets it)";
    for (const auto& [op, syncs] : stream_syncs_per_op(fake_gpu())) EXPECT_GE(syncs, 1) << op;
}

}  // namespace
