// Resolving anvil-siren's run settings and the checkpoint metadata (see settings.h).
#include "settings.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace anvil::siren {
namespace {

const char* kApp = "anvil-siren";

[[noreturn]] void bad_checkpoint(const nn::Checkpoint& c, const std::string& what) {
    throw Error("[checkpoint] " + c.path() + ": " + what);
}

std::string required(const nn::Checkpoint& c, const std::string& key) {
    const std::string value = c.setting(key, "\x01");
    if (value == "\x01")
        bad_checkpoint(c, "not an anvil-siren checkpoint (no " + key + " in its metadata)");
    return value;
}

std::int64_t required_int(const nn::Checkpoint& c, const std::string& key, std::int64_t lo,
                          std::int64_t hi = std::numeric_limits<std::int64_t>::max()) {
    const std::string text = required(c, key);
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
        bad_checkpoint(c, "bad " + key + " '" + text + "' in its metadata");
    return v;
}

// A finite number >= lo (NaN and infinities are refused: a NaN learning rate or elapsed time
// would otherwise fail later without naming the checkpoint).
double required_double(const nn::Checkpoint& c, const std::string& key, double lo) {
    const std::string text = required(c, key);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < lo)
        bad_checkpoint(c, "bad " + key + " '" + text + "' in its metadata");
    return v;
}

// nn's own message for an unknown name does not say where the name came from.
nn::ScheduleKind required_schedule(const nn::Checkpoint& c) {
    const std::string text = required(c, "train.schedule");
    try {
        return nn::parse_schedule(text);
    } catch (const Error&) {
        bad_checkpoint(c, "bad train.schedule '" + text + "' in its metadata");
    }
}

template <typename T>
void require_finite(const nn::Checkpoint& c, const nn::HostTensor& t) {
    const std::size_t n = t.data.size() / sizeof(T);
    for (std::size_t i = 0; i < n; ++i) {
        T v;
        std::memcpy(&v, t.data.data() + i * sizeof(T), sizeof(T));
        if (!std::isfinite(v))
            bad_checkpoint(c, "tensor '" + t.name + "' holds " +
                                  (std::isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf") + " (element " +
                                  std::to_string(i) + " of " + std::to_string(n) +
                                  "); the checkpoint is unusable");
    }
}

// The checkpoint's architecture with the user's explicit architecture flags applied.
nn::MlpConfig merge_config(const Options& o, const nn::Checkpoint& c) {
    nn::MlpConfig cfg = c.config();
    if (o.was_given("--hidden")) cfg.hidden = o.hidden;
    if (o.was_given("--layers")) cfg.hidden_layers = o.layers;
    if (o.was_given("--activation")) cfg.activation = parse_activation(o.activation);
    if (o.was_given("--omega0")) cfg.omega0 = o.omega0;
    if (o.was_given("--first-omega0")) cfg.first_omega0 = o.first_layer_omega0();
    if (o.was_given("--loss")) cfg.sigmoid_head = o.loss == "bce";
    return cfg;
}

}  // namespace

nn::MlpConfig config_from_options(const Options& o, int channels) {
    nn::MlpConfig cfg;
    cfg.in_features = 2;
    cfg.out_features = channels;
    cfg.hidden = o.hidden;
    cfg.hidden_layers = o.layers;
    cfg.activation = parse_activation(o.activation);
    cfg.omega0 = o.omega0;
    cfg.first_omega0 = o.first_layer_omega0();
    cfg.sigmoid_head = o.loss == "bce";
    cfg.bias = true;
    cfg.validate();
    return cfg;
}

TrainSettings settings_for_new_run(const Options& o, int channels) {
    TrainSettings s;
    s.config = config_from_options(o, channels);
    s.loss = nn::parse_loss(o.loss);
    s.optimizer = nn::parse_optimizer(o.optimizer);
    s.schedule = nn::parse_schedule(o.schedule);
    s.lr = o.learning_rate();
    s.steps = o.steps;
    s.batch = o.batch;
    s.seed = o.seed;
    s.snapshot_every = o.snapshot_interval();
    s.train_size = o.train_size;
    s.train_size_full = o.train_size_full;
    return s;
}

TrainSettings settings_for_resume(const Options& o, const nn::Checkpoint& c, int channels) {
    const TrainState state = read_train_state(c);
    TrainSettings s;
    s.config = merge_config(o, c);
    s.config.out_features = channels;
    c.require_config(s.config, DType::f32);
    s.loss = s.config.sigmoid_head ? nn::LossKind::bce : nn::LossKind::mse;
    s.optimizer = o.was_given("--optimizer") ? nn::parse_optimizer(o.optimizer)
                                             : nn::parse_optimizer(c.optimizer());
    s.schedule = o.was_given("--schedule") ? nn::parse_schedule(o.schedule)
                                           : required_schedule(c);
    s.lr = o.was_given("--lr") ? o.learning_rate()
                               : required_double(c, "train.lr", std::numeric_limits<double>::min());
    s.steps = o.was_given("--steps") ? o.steps : required_int(c, "train.steps", 1);
    s.batch = o.was_given("--batch") ? o.batch : required_int(c, "train.batch", 0);
    s.seed = o.was_given("--seed") ? o.seed
                                   : static_cast<std::uint64_t>(required_int(c, "train.seed", 0));
    s.snapshot_every = o.was_given("--snapshot-every")
                           ? o.snapshot_interval()
                           : required_int(c, "train.snapshot_every", 1);
    s.train_size_full = o.train_size_full;
    s.train_size = o.train_size;
    // Resume at the size the checkpoint trained at unless told otherwise.
    if (!o.was_given("--train-size")) s.train_size = Size{state.width, state.height};
    return s;
}

nn::MlpConfig config_for_render(const Options& o, const nn::Checkpoint& c) {
    read_train_state(c);
    const nn::MlpConfig cfg = merge_config(o, c);
    c.require_config(cfg, c.dtype());
    if (cfg.in_features != 2 || (cfg.out_features != 1 && cfg.out_features != 3))
        bad_checkpoint(c, "not an image model (" + cfg.describe() + ")");
    return cfg;
}

double default_first_omega0(double omega0, int width, int height) {
    const int side = std::max(width, height);
    return omega0 * std::max(1.0, 2.0 * static_cast<double>(side) / kDefaultTrainSide - 1.0);
}

namespace {
// The pixels (steps x batch) a default run processes: kDefaultBatch x `steps` up to
// kDefaultTrainSide on the longer side (11.5 M), then growing as the rule of 2026-12-05 had
// them, `steps` + (kDefaultSteps512 - `steps`) (area - 1) / 3 steps of kDefaultBatch / area
// pixels, area = (side / 256)^2: 14.7 M at 512, 15.6 M at 1024.
double default_run_pixels(std::int64_t steps, int side) {
    const double area = std::max(1.0, static_cast<double>(side) * side / (kDefaultTrainSide * kDefaultTrainSide));
    const double old_steps = static_cast<double>(steps) +
                             static_cast<double>(kDefaultSteps512 - steps) * (area - 1.0) / 3.0;
    return old_steps * static_cast<double>(kDefaultBatch) / area;
}

double batch_for_side(int side) {
    return static_cast<double>(kDefaultBatch) * std::min(1.0, static_cast<double>(kBatchLawSide) / side);
}
}  // namespace

std::int64_t default_batch(int width, int height) {
    return std::max<std::int64_t>(1, std::llround(batch_for_side(std::max(width, height))));
}

std::int64_t default_steps(std::int64_t steps, int width, int height) {
    const int side = std::max(width, height);
    if (side <= kBatchLawSide) return steps;
    return std::llround(default_run_pixels(steps, side) / batch_for_side(side));
}

double default_sine_lr(double lr, int width, int height) {
    const int side = std::max(width, height);
    return lr * std::min(1.0, static_cast<double>(kDefaultTrainSide) / side);
}

nn::LrSchedule make_schedule(const TrainSettings& s) {
    switch (s.schedule) {
        case nn::ScheduleKind::constant: return nn::LrSchedule::constant(s.lr);
        case nn::ScheduleKind::cosine: return nn::LrSchedule::cosine(s.lr, s.steps, s.lr / 100);
        case nn::ScheduleKind::step:
            return nn::LrSchedule::step(s.lr, std::max<std::int64_t>(1, s.steps / 4), 0.5);
    }
    return nn::LrSchedule::constant(s.lr);
}

TargetRange target_range(const nn::MlpConfig& config) {
    return config.sigmoid_head ? TargetRange::unit : TargetRange::signed_unit;
}

std::map<std::string, std::string> checkpoint_metadata(const TrainSettings& s,
                                                       const TrainState& state) {
    return {
        {"train.app", kApp},
        {"train.image", state.image},
        {"train.width", std::to_string(state.width)},
        {"train.height", std::to_string(state.height)},
        {"train.channels", std::to_string(state.channels)},
        {"train.loss", nn::loss_name(s.loss)},
        {"train.lr", nn::exact_double(s.lr)},
        {"train.schedule", nn::schedule_name(s.schedule)},
        {"train.steps", std::to_string(s.steps)},
        {"train.batch", std::to_string(s.batch)},
        {"train.seed", std::to_string(s.seed)},
        {"train.snapshot_every", std::to_string(s.snapshot_every)},
        {"train.elapsed_s", nn::exact_double(state.elapsed_s)},
        {"train.batch_rng", state.batch_rng},
        {"train.backend", state.backend},
        {"train.device", state.device},
    };
}

TrainState read_train_state(const nn::Checkpoint& c) {
    if (required(c, "train.app") != kApp)
        bad_checkpoint(c, "not an anvil-siren checkpoint (train.app is '" +
                              c.setting("train.app") + "')");
    TrainState t;
    t.image = c.setting("train.image");
    // Bounded before the narrowing to int: a train.width of 2^32 used to become 0 (a division
    // by zero in render: SIGFPE on --render-only) and 2^32-1 became -1 (found while writing
    // tests/fuzz/fuzz_checkpoint.cpp). Channels: a sanity bound, the app writes 1 or 3.
    t.width = static_cast<int>(required_int(c, "train.width", 1, kMaxSide));
    t.height = static_cast<int>(required_int(c, "train.height", 1, kMaxSide));
    t.channels = static_cast<int>(required_int(c, "train.channels", 1, 4));
    t.elapsed_s = required_double(c, "train.elapsed_s", 0.0);
    t.batch_rng = c.setting("train.batch_rng");
    if (!t.batch_rng.empty()) {
        try {
            nn::Rng::from_string(t.batch_rng);
        } catch (const Error&) {
            bad_checkpoint(c, "bad train.batch_rng '" + t.batch_rng + "' in its metadata");
        }
    }
    t.backend = c.setting("train.backend");
    t.device = c.setting("train.device");
    return t;
}

void require_finite_tensors(const nn::Checkpoint& c, const std::string& prefix) {
    for (const nn::HostTensor& t : c.file().tensors) {
        if (t.name.rfind(prefix, 0) != 0) continue;
        if (t.dtype == DType::f32) require_finite<float>(c, t);
        if (t.dtype == DType::f64) require_finite<double>(c, t);
    }
}

}  // namespace anvil::siren
