// Checkpoints: exact round trip of parameters, optimizer state and metadata; a resumed run
// that continues bit for bit; atomic saves that keep the old file when a save fails; restore
// on another backend; and Python's safetensors reading and rewriting our files.
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "nn_test_util.h"

namespace anvil::nn::test {
namespace {

MlpConfig small(std::int64_t hidden = 8) {
    MlpConfig c;
    c.in_features = 2;
    c.out_features = 3;
    c.hidden = hidden;
    c.hidden_layers = 2;
    c.omega0 = 25;
    c.first_omega0 = 35;
    return c;
}

// Data and a few training steps, so optimizer state is non-trivial.
struct Trainer {
    Mlp& model;
    Optimizer& opt;
    Tensor x, y, loss, grad;
    Loss mse{LossKind::mse};
    MlpContext ctx;
    Trainer(Mlp& m, Optimizer& o) : model(m), opt(o) {
        Rng rng(99);
        x = upload(random_values(rng, 32 * 2, -1, 1), Shape{32, 2}, m.dtype(), m.device());
        y = upload(random_values(rng, 32 * 3, -1, 1), Shape{32, 3}, m.dtype(), m.device());
        loss = Loss::make_scalar(x);
        grad = Tensor::empty(Shape{32, 3}, m.dtype(), m.device());
    }
    void run(int steps) {
        for (int i = 0; i < steps; ++i) {
            mse.compute(model.forward(x, ctx), y, loss, &grad);
            model.backward(ctx, grad);
            opt.step(1e-3);
        }
    }
};

std::vector<std::vector<float>> values_of(const Mlp& model) {
    std::vector<std::vector<float>> out;
    for (const auto& [name, t] : model.named_parameters()) out.push_back(t->to_vector<float>());
    return out;
}

std::vector<std::vector<float>> state_of(const Optimizer& opt) {
    std::vector<std::vector<float>> out;
    for (const StateTensor& s : opt.state()) out.push_back(s.value->to_vector<float>());
    return out;
}

TEST(Checkpoint, RoundTripIsExact) {
    TempDir dir;
    Mlp model(small(), cpu());
    model.initialize(5);
    Adam adam(model.parameters(), 0.8, 0.99, 1e-7);
    Trainer(model, adam).run(3);
    save_checkpoint(dir.file("m.safetensors"), model, &adam, 3, {{"train.lr", "0.001"}});

    const Checkpoint ck = Checkpoint::read(dir.file("m.safetensors"));
    EXPECT_EQ(ck.config(), small());
    EXPECT_EQ(ck.dtype(), DType::f32);
    EXPECT_EQ(ck.step(), 3);
    EXPECT_EQ(ck.optimizer(), "adam");
    EXPECT_EQ(ck.setting("train.lr"), "0.001");
    EXPECT_EQ(ck.setting("train.absent", "x"), "x");
    EXPECT_EQ(ck.setting("optimizer.beta1"), exact_double(0.8));

    Mlp restored(ck.config(), cpu());
    Adam adam2(restored.parameters(), 0.8, 0.99, 1e-7);
    ck.restore_model(restored);
    ck.restore_optimizer(adam2);
    EXPECT_EQ(values_of(restored), values_of(model));
    EXPECT_EQ(state_of(adam2), state_of(adam));
    EXPECT_EQ(adam2.steps(), 3);
}

TEST(Checkpoint, SgdVelocityAndModelOnlyFiles) {
    TempDir dir;
    Mlp model(small(), cpu());
    model.initialize(6);
    Sgd sgd(model.parameters(), 0.9);
    Trainer(model, sgd).run(2);
    save_checkpoint(dir.file("sgd.safetensors"), model, &sgd, 2);
    const Checkpoint ck = Checkpoint::read(dir.file("sgd.safetensors"));
    Mlp restored(ck.config(), cpu());
    Sgd sgd2(restored.parameters(), 0.9);
    ck.restore_model(restored);
    ck.restore_optimizer(sgd2);
    EXPECT_EQ(state_of(sgd2), state_of(sgd));
    // Plain SGD keeps no velocity: the file's velocity would be lost, so it is refused.
    Sgd plain(restored.parameters(), 0.0);
    EXPECT_NE(error_of([&] { ck.restore_optimizer(plain); }).find("different momentum?"),
              std::string::npos);
    Adam adam(restored.parameters());
    EXPECT_NE(error_of([&] {
                  ck.restore_optimizer(adam);
              }).find("checkpoint was trained with sgd, adam asked for"),
              std::string::npos);

    save_checkpoint(dir.file("model.safetensors"), model, nullptr, 7);
    const Checkpoint bare = Checkpoint::read(dir.file("model.safetensors"));
    EXPECT_EQ(bare.optimizer(), "none");
    EXPECT_NE(error_of([&] { bare.restore_optimizer(sgd2); }).find("holds no optimizer state"),
              std::string::npos);
    EXPECT_NE(error_of([&] {
                  save_checkpoint(dir.file("x.safetensors"), model, nullptr, 0, {{"step", "1"}});
              }).find("setting key 'step' is reserved"),
              std::string::npos);
}

// Train 2k steps straight, or k steps, save, load into fresh objects, k more: same bits.
TEST(Checkpoint, ResumeContinuesExactly) {
    TempDir dir;
    Mlp straight(small(), cpu());
    straight.initialize(11);
    Adam adam_a(straight.parameters());
    Trainer(straight, adam_a).run(10);

    Mlp first_half(small(), cpu());
    first_half.initialize(11);
    Adam adam_b(first_half.parameters());
    Trainer(first_half, adam_b).run(5);
    save_checkpoint(dir.file("half.safetensors"), first_half, &adam_b, 5);

    const Checkpoint ck = Checkpoint::read(dir.file("half.safetensors"));
    Mlp resumed(ck.config(), cpu());
    Adam adam_c(resumed.parameters());
    ck.restore_model(resumed);
    ck.restore_optimizer(adam_c);
    Trainer(resumed, adam_c).run(5);
    EXPECT_EQ(values_of(resumed), values_of(straight));
    EXPECT_EQ(adam_c.steps(), 10);
}

TEST(Checkpoint, RestoresOnAnotherBackend) {
    ANVIL_REFERENCE_OR_SKIP(ref);
    TempDir dir;
    Mlp model(small(), cpu());
    model.initialize(12);
    save_checkpoint(dir.file("m.safetensors"), model, nullptr, 0);
    Mlp elsewhere(small(), ref);
    Checkpoint::read(dir.file("m.safetensors")).restore_model(elsewhere);
    EXPECT_EQ(values_of(elsewhere), values_of(model));
}

std::vector<char> bytes_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool has_temp_files(const std::string& dir) {
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        if (entry.path().filename().string().find(".tmp-") != std::string::npos) return true;
    return false;
}

// A good checkpoint at step 1 in a fresh directory, which a failing save must leave alone.
struct ExistingCheckpoint {
    TempDir dir;
    std::string path = dir.file("m.safetensors");
    Mlp model{small(), cpu()};
    std::vector<char> before;
    ExistingCheckpoint() {
        model.initialize(13);
        save_checkpoint(path, model, nullptr, 1);
        before = bytes_of(path);
    }
};

// A full disk in miniature: RLIMIT_FSIZE makes write() fail with EFBIG part-way through.
TEST(Checkpoint, FailedSaveKeepsThePreviousFile) {
    ExistingCheckpoint existing;
    const std::string& path = existing.path;
    const std::vector<char>& before = existing.before;
    Mlp bigger(small(64), cpu());
    bigger.initialize(14);
    rlimit old_limit{};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = old_limit;
    limit.rlim_cur = static_cast<rlim_t>(before.size() / 2);
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
    const std::string message = error_of([&] { save_checkpoint(path, bigger, nullptr, 2); });
    setrlimit(RLIMIT_FSIZE, &old_limit);
    std::signal(SIGXFSZ, old_handler);

    EXPECT_NE(message.find("[checkpoint] " + path + ": cannot write"), std::string::npos)
        << message;
    EXPECT_EQ(bytes_of(path), before);
    EXPECT_FALSE(has_temp_files(existing.dir.path()));
    EXPECT_EQ(Checkpoint::read(path).step(), 1);
}

TEST(Checkpoint, SaveIntoAReadOnlyDirectoryKeepsThePreviousFile) {
    if (::geteuid() == 0)
        GTEST_SKIP() << "running as root, which ignores directory permissions; "
                        "FailedSaveKeepsThePreviousFile covers a failing save";
    ExistingCheckpoint existing;
    const std::string dir = existing.dir.path();
    std::filesystem::permissions(
        dir, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    const std::string message =
        error_of([&] { save_checkpoint(existing.path, existing.model, nullptr, 2); });
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
    EXPECT_NE(message.find("cannot create a temporary file"), std::string::npos) << message;
    EXPECT_EQ(bytes_of(existing.path), existing.before);
}

TEST(Checkpoint, SaveIntoAMissingDirectoryFailsClearly) {
    TempDir dir;
    Mlp model(small(), cpu());
    const std::string message = error_of(
        [&] { save_checkpoint(dir.file("no/such/dir/m.safetensors"), model, nullptr, 0); });
    EXPECT_NE(message.find("cannot create a temporary file in"), std::string::npos) << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
}

// Python's safetensors opens the file, checks what it sees, and writes it back with its own
// writer; we read that file and expect every tensor and metadata entry unchanged.
TEST(Checkpoint, PythonSafetensorsReadsAndRewritesIt) {
    const std::string python = ANVIL_TEST_PYTHON;
    if (python.empty() ||
        std::system((python + " -c 'import safetensors, numpy' >/dev/null 2>&1").c_str()) != 0)
        GTEST_SKIP() << "Python's safetensors and numpy are not importable by '" << python
                     << "': pip install safetensors numpy (or scripts/setup.sh) to run this test";
    TempDir dir;
    Mlp model(small(), cpu());
    model.initialize(16);
    Adam adam(model.parameters());
    Trainer(model, adam).run(2);
    save_checkpoint(dir.file("m.safetensors"), model, &adam, 2, {{"train.image", "cameraman.png"}});
    const std::string command = python + " " + ANVIL_NN_TEST_DIR + "/safetensors_roundtrip.py " +
                                dir.file("m.safetensors") + " " + dir.file("py.safetensors");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;

    const SafetensorsFile ours = read_safetensors(dir.file("m.safetensors"));
    const Checkpoint theirs = Checkpoint::read(dir.file("py.safetensors"));
    EXPECT_EQ(theirs.metadata(), ours.metadata);
    ASSERT_EQ(theirs.file().tensors.size(), ours.tensors.size());
    for (const HostTensor& t : ours.tensors) {
        const HostTensor* other = theirs.file().find(t.name);
        ASSERT_NE(other, nullptr) << t.name;
        EXPECT_EQ(other->dtype, t.dtype) << t.name;
        EXPECT_EQ(other->shape, t.shape) << t.name;
        EXPECT_EQ(other->data, t.data) << t.name;
    }
}

}  // namespace
}  // namespace anvil::nn::test
