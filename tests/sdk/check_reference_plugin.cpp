// anvil-sdk-check DIR: loads the out-of-tree reference plugin from DIR through the normal
// plugin search and checks that it registered `reference` and computes correctly, including
// a composite op that only the core's default (built from its primitives) provides.
// Prints one line per failed check and exits 1 when any failed.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "anvil/anvil.h"

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
    if (!ok) {
        std::fprintf(stderr, "anvil-sdk-check: FAILED: %s\n", what.c_str());
        ++failures;
    }
}

bool near(double got, double want, double tol = 1e-6) {
    return std::abs(got - want) <= tol * (1.0 + std::abs(want));
}

// The load report must name the file in DIR, say it loaded, and list exactly `reference`.
void check_load_report(const std::filesystem::path& plugin) {
    const std::string want = std::filesystem::weakly_canonical(plugin).string();
    bool found = false;
    for (const anvil::LoadAttempt& a : anvil::Registry::instance().attempts()) {
        if (std::filesystem::weakly_canonical(a.path).string() != want) continue;
        found = true;
        check(a.outcome == anvil::LoadOutcome::loaded,
              "load outcome of " + a.path + " is '" + anvil::load_outcome_name(a.outcome) +
                  "': " + a.detail);
        check(a.backends == std::vector<std::string>{"reference"},
              a.path + " did not register exactly the backend 'reference'");
    }
    check(found, "no load attempt recorded for " + want);
}

void check_backend() {
    anvil::Backend& backend = anvil::backend("Reference");  // names match case-insensitively
    check(backend.availability().available, "reference is unavailable: " +
                                                backend.availability().reason);
    check(backend.device_count() == 1, "reference should have one device");
    check(backend.priority() == 1, "reference should have priority 1");
    check(backend.device(0)->name() == "reference:0", "device is named " +
                                                          backend.device(0)->name());
}

void check_compute() {
    auto dev = anvil::device("reference:0");
    using anvil::Shape;
    using anvil::Tensor;
    // (2,3) @ (3,2): a hand-computed product.
    Tensor a = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, Shape{2, 3}, dev);
    Tensor b = Tensor::from_vector<float>({7, 8, 9, 10, 11, 12}, Shape{3, 2}, dev);
    const std::vector<float> c = anvil::matmul(a, b).to_vector<float>();
    check(c == std::vector<float>({58, 64, 139, 154}), "matmul (2,3) x (3,2) is wrong");

    // sigmoid must not overflow for large negative inputs; maximum propagates NaN.
    Tensor x = Tensor::from_vector<double>({-1000.0, 0.0, 1000.0}, Shape{3}, dev);
    const std::vector<double> s = anvil::sigmoid(x).to_vector<double>();
    check(s[0] == 0.0 && s[1] == 0.5 && s[2] == 1.0, "sigmoid(-1000, 0, 1000) != (0, 0.5, 1)");
    Tensor nan = Tensor::from_vector<double>({NAN, 1.0, 5.0}, Shape{3}, dev);
    const std::vector<double> m = anvil::maximum(x, nan).to_vector<double>();
    check(std::isnan(m[0]) && m[1] == 1.0 && m[2] == 1000.0, "maximum does not propagate NaN");

    // A composite the plugin does not override: the core's default runs on its primitives.
    // mean((pred - target)^2) = (1 + 4 + 0 + 9) / 4 = 3.5; grad = 2 (pred - target) / 4.
    Tensor pred = Tensor::from_vector<float>({1, 2, 3, 4}, Shape{2, 2}, dev);
    Tensor target = Tensor::from_vector<float>({0, 0, 3, 7}, Shape{2, 2}, dev);
    Tensor loss = Tensor::empty(Shape{}, anvil::DType::f32, dev);
    Tensor grad = Tensor::empty(Shape{2, 2}, anvil::DType::f32, dev);
    anvil::mse_loss_grad(pred, target, loss, &grad);
    check(near(loss.item(), 3.5), "mse loss is " + std::to_string(loss.item()) + ", want 3.5");
    const std::vector<float> g = grad.to_vector<float>();
    check(g == std::vector<float>({0.5f, 1.0f, 0.0f, -1.5f}), "mse gradient is wrong");

    // supports() is truthful: no arithmetic on i64, and the core refuses it by name.
    check(!dev->supports(anvil::Op::sin, anvil::DType::i64), "claims sin for i64");
    check(dev->supports(anvil::Op::fill, anvil::DType::i64), "denies fill for i64");
    Tensor idx = anvil::argmax(a, 1);
    check(idx.to_vector<std::int64_t>() == std::vector<std::int64_t>({2, 2}), "argmax is wrong");
    try {
        (void)anvil::transpose(idx.reshape(Shape{1, 2}));
        check(false, "transpose of an i64 tensor was accepted");
    } catch (const anvil::Error& e) {
        check(std::string(e.what()).find("does not support transpose for i64") !=
                  std::string::npos,
              std::string("unexpected error: ") + e.what());
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: anvil-sdk-check PLUGIN_DIR\n");
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    const std::filesystem::path plugin = dir / "libanvil-reference.so";
    if (!std::filesystem::is_regular_file(plugin)) {
        std::fprintf(stderr, "anvil-sdk-check: %s does not exist\n", plugin.c_str());
        return 1;
    }
    try {
        anvil::Registry::instance().load_plugins({dir.string()});
        check_load_report(plugin);
        check_backend();
        check_compute();
    } catch (const anvil::Error& e) {
        std::fprintf(stderr, "anvil-sdk-check: FAILED: %s\n", e.what());
        return 1;
    }
    if (failures > 0) return 1;
    std::printf("anvil-sdk-check: %s loaded and registered 'reference'; all checks passed\n",
                plugin.c_str());
    return 0;
}
