// The fixture every conformance test runs on: one (backend, dtype) pair per instance, named
// "cpu" (f32) or "cpu_f64", so tests read "Sin.RandomValues/cpu". main.cpp fills the list of
// backends before GoogleTest registers the instances.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "anvil/anvil.h"
#include "support/compare.h"
#include "support/host_tensor.h"
#include "support/random.h"
#include "support/reference.h"
#include "tolerances.h"

namespace anvil::test {

struct BackendParam {
    std::string backend;
    DType dtype = DType::f32;
};

// Prints "cpu f32" where GoogleTest names a failing instance's parameter.
void PrintTo(const BackendParam& param, std::ostream* os);

// Set once by main before InitGoogleTest. `selected`: the backends under test (all available
// ones, or the one named by --backend); `available`: every available backend, the partners of
// cross-backend tests.
void set_backends(const std::vector<std::string>& selected,
                  const std::vector<std::string>& available);
// One entry per selected backend and dtype (f32, f64).
const std::vector<BackendParam>& dtype_params();
// One entry per selected backend (f32), for tests about the backend rather than a dtype.
const std::vector<BackendParam>& backend_params();
// Available backends other than `backend`.
std::vector<std::string> other_backends(const std::string& backend);
// "cpu", "cpu_f64"; characters GoogleTest does not allow in names become '_'.
std::string param_name(const testing::TestParamInfo<BackendParam>& info);

class BackendTest : public testing::TestWithParam<BackendParam> {
protected:
    void SetUp() override;

    DType dtype() const { return GetParam().dtype; }
    const std::string& backend() const { return GetParam().backend; }
    const std::shared_ptr<Device>& device() const { return device_; }
    // Empty when the device supports `op` for this dtype, else the skip message, which names
    // the backend, the op and the dtype.
    std::string unsupported(Op op) const;

    // Host data to the device under test, in its dtype (values already rounded to it).
    Tensor upload(const HostTensor& x) const { return to_device(x, dtype(), device_); }
    // Seeded uniform values, rounded to the dtype under test.
    HostTensor uniform(const Shape& shape, double lo, double hi, std::uint64_t seed) const {
        return random_uniform(shape, lo, hi, seed, dtype());
    }
    Tolerance tolerance(Op op) const { return op_tolerance(op, dtype()); }
    // gamma(n) for this dtype: the accumulation bound of n terms.
    double gamma_n(std::int64_t n) const { return gamma(n, dtype()); }

private:
    std::shared_ptr<Device> device_;
};

// Skips the test, visibly and with the reason, when the backend does not declare `op` for the
// dtype under test. An unsupported op is never a failure and never a silent pass.
#define ANVIL_REQUIRE_OP(op)                                                     \
    do {                                                                         \
        if (const std::string anvil_why_ = unsupported(op); !anvil_why_.empty()) \
            GTEST_SKIP() << anvil_why_;                                          \
    } while (0)

// Declares suite `Suite` (deriving `Base`, a BackendTest) instantiated once per (backend,
// dtype), or once per backend (f32).
#define ANVIL_DTYPE_SUITE_OF(Suite, Base)                                                 \
    class Suite : public Base {};                                                         \
    INSTANTIATE_TEST_SUITE_P(, Suite, ::testing::ValuesIn(::anvil::test::dtype_params()), \
                             ::anvil::test::param_name)
#define ANVIL_DTYPE_SUITE(Suite) ANVIL_DTYPE_SUITE_OF(Suite, ::anvil::test::BackendTest)
#define ANVIL_BACKEND_SUITE(Suite)                                                          \
    class Suite : public ::anvil::test::BackendTest {};                                     \
    INSTANTIATE_TEST_SUITE_P(, Suite, ::testing::ValuesIn(::anvil::test::backend_params()), \
                             ::anvil::test::param_name)

// Success when `fn` throws anvil::Error whose message starts with `prefix` (e.g. "[clip]") and
// contains every string in `parts`; the failure says what was thrown instead.
testing::AssertionResult throws_error(const std::function<void()>& fn, const std::string& prefix,
                                      const std::vector<std::string>& parts = {});

// Sizes that are not multiples of any SIMD width, plus empty and single-element.
inline const std::vector<std::int64_t> kOddSizes{0, 1, 7, 17, 1023, 65537};

}  // namespace anvil::test
