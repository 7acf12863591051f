// The settings of one anvil-siren run, resolved from the command line and, on --resume or
// --render-only, from the checkpoint's metadata (the user's explicit flags win; an explicit
// architecture that differs from the checkpoint's is an error). Also the "train.*" metadata
// that makes a checkpoint self-describing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "anvil/nn/nn.h"
#include "grid.h"
#include "options.h"

namespace anvil::siren {

struct TrainSettings {
    nn::MlpConfig config;
    nn::LossKind loss = nn::LossKind::mse;
    nn::OptimizerKind optimizer = nn::OptimizerKind::adam;
    nn::ScheduleKind schedule = nn::ScheduleKind::constant;
    double lr = 1e-4;
    std::int64_t steps = 0;           // the step the run ends at
    std::int64_t batch = 0;           // pixels per step; 0 = all of them
    std::uint64_t seed = 0;
    std::int64_t snapshot_every = 1;
    std::optional<Size> train_size;   // explicit size; otherwise fit in kDefaultTrainSide
    bool train_size_full = false;
};

// The MLP the options describe for an image with `channels` channels.
nn::MlpConfig config_from_options(const Options& options, int channels);
// Fresh run: from the options alone.
TrainSettings settings_for_new_run(const Options& options, int channels);
// Resumed run: the checkpoint's settings, overridden by what the user gave; throws the
// checkpoint's "[checkpoint] ... asked for" error for a different architecture.
TrainSettings settings_for_resume(const Options& options, const nn::Checkpoint& checkpoint,
                                  int channels);
// The architecture to render a checkpoint with: the checkpoint's, checked against any
// architecture flags the user gave.
nn::MlpConfig config_for_render(const Options& options, const nn::Checkpoint& checkpoint);

// The first layer's frequency of a new sine run without --first-omega0: omega0 up to
// kDefaultTrainSide pixels on the longer side, then growing linearly with it,
// omega0 * max(1, 2 side / 256 - 1), so that it keeps pace with the pixel spacing (the
// coordinates span [-1, 1] at every size): 30 up to 256, 60 at 384, 90 at 512, 210 at 1024.
// Measured at 512x512 in docs/performance.md (time to quality at 512x512).
double default_first_omega0(double omega0, int width, int height);

// The random pixels per step of a new run without --batch: kDefaultBatch (16384) up to
// kBatchLawSide pixels on the longer side, then kDefaultBatch * 128 / side: 8192 at 256, 4096
// at 512, 2048 at 1024. Measured for the same pixels processed (docs/performance.md, time to
// quality): at 256, 8192 beat 16384 on both bundled images; at 512, 4096 beat 8192 and
// 16384; at 1024, 2048 beat 1024 and 4096 on four images; at 128, a full batch beat a
// quarter of the image by 20 to 87 dB. The trainer uses it only for images with more pixels
// than it (smaller ones: full batch).
constexpr int kBatchLawSide = 128;
std::int64_t default_batch(int width, int height);

// The number of steps of a new run without --steps: `steps` (700) up to kBatchLawSide pixels
// on the longer side, then as many as keep the pixels a default run processes (steps x
// default_batch) at 11.5 M up to 256 and growing slowly beyond (14.7 M at 512, 15.6 M at 1024,
// the rule of 2026-12-05): 1400 at 256, kDefaultSteps512 at 512, 7600 at 1024. So a default
// run takes about the same time at every size (a minute or so on two cores here).
constexpr std::int64_t kDefaultSteps512 = 3600;
std::int64_t default_steps(std::int64_t steps, int width, int height);

// The learning rate of a new sine run without --lr: the optimizer's default (options.h) up to
// kDefaultTrainSide pixels on the longer side, then scaled by 256 / side (1e-3 for Adam at
// 512), as the first layer's frequency grows (default_first_omega0).
double default_sine_lr(double lr, int width, int height);

nn::LrSchedule make_schedule(const TrainSettings& settings);
TargetRange target_range(const nn::MlpConfig& config);

// Where the training image is and what it looked like, saved with each checkpoint.
struct TrainState {
    std::string image;
    int width = 0, height = 0, channels = 0;
    double elapsed_s = 0.0;     // training time so far, across resumes
    std::string batch_rng;      // nn::Rng state of the batch sampler
    std::string backend, device;
};
std::map<std::string, std::string> checkpoint_metadata(const TrainSettings& settings,
                                                       const TrainState& state);
// Reads the train.* keys back; throws "[checkpoint] <path>: not an anvil-siren checkpoint"
// when they are missing, and "[checkpoint] <path>: bad <key> ..." when malformed (a number
// that does not parse or is not finite, a generator state that does not parse).
TrainState read_train_state(const nn::Checkpoint& checkpoint);

// Throws "[checkpoint] <path>: tensor '<name>' holds NaN (element i of n) ..." when a
// floating-point tensor whose name starts with `prefix` ("" for all) is not finite.
void require_finite_tensors(const nn::Checkpoint& checkpoint, const std::string& prefix);

}  // namespace anvil::siren
