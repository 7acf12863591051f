// anvil-siren's command line: every option with its default, parsed by CLI11 and validated
// here, so that a bad value stops the program before any work with a one-line message and
// exit status 2 (UsageError).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace anvil::siren {

// A mistake in the command line: main prints it on one line and exits with status 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Size {
    int width = 0;
    int height = 0;
    std::string to_string() const;  // "256x256"
    bool operator==(const Size& other) const = default;
};

struct Options {
    // What to do.
    bool list_backends = false;
    std::string render_only;  // checkpoint to render from; empty = train
    std::string resume;       // checkpoint to continue training from

    // Where.
    std::string backend = "auto";
    int device = 0;
    std::vector<std::string> plugin_dirs;
    std::string image;
    std::int64_t max_pixels = std::int64_t{1} << 28;  // the image's pixel limit (image.h)
    std::string out;
    std::optional<Size> train_size;  // resize the image before training
    bool train_size_full = false;    // --train-size full: train at the image's own size
    std::vector<Size> renders;       // extra renders after training (or with --render-only)

    // Model.
    std::int64_t hidden = 256;
    std::int64_t layers = 3;
    double omega0 = 30.0;
    std::optional<double> first_omega0;  // default: omega0
    std::string activation = "sine";
    std::string loss = "mse";

    // Training.
    std::int64_t steps = 700;
    std::optional<double> lr;  // default depends on the optimizer (see default_lr)
    std::string schedule = "cosine";
    std::string optimizer = "adam";
    std::int64_t batch = 0;  // 0 = full batch (every pixel every step)
    std::uint64_t seed = 0;
    std::optional<std::int64_t> snapshot_every;  // default: steps / 10
    bool quiet = false;
    // Data parallelism (docs/distributed.md): auto = mpi when launched by mpirun, else none.
    std::string distributed = "auto";

    // The long names of the options the user gave ("--hidden"): on --resume and
    // --render-only the checkpoint's settings apply unless the user asked for others.
    std::set<std::string> given;
    bool was_given(const std::string& flag) const { return given.count(flag) > 0; }

    double learning_rate() const;           // lr, or the optimizer's default
    double first_layer_omega0() const { return first_omega0.value_or(omega0); }
    std::int64_t snapshot_interval() const;  // snapshot_every, or max(1, steps / 10)
};

// The largest side of any image size anvil-siren accepts: --train-size, --render, and the
// training size a checkpoint records (settings.cpp).
constexpr std::int64_t kMaxSide = 1 << 20;
// The default training size when --train-size is not given: images larger than this
// (either side) are scaled down to fit, keeping the aspect ratio. See docs/siren.md.
constexpr int kDefaultTrainSide = 256;
// The default --batch of a new run on an image of up to 128 pixels on the longer side and
// more pixels than this (smaller images train full batch; larger ones get less:
// default_batch in settings.h). Chosen by measurement (docs/performance.md, time to quality).
constexpr std::int64_t kDefaultBatch = 16384;

// Parses argv. Returns nullopt after --help (printed to stdout: exit 0). Throws UsageError
// for anything wrong: unknown option, missing value, zero/negative/non-numeric number, bad size.
std::optional<Options> parse_options(int argc, char** argv);

// Whether `flag` (e.g. "--steps") only matters to training; --render-only refuses these.
bool is_training_only_flag(const std::string& flag);

// "256x128" -> {256, 128}. Throws UsageError("<flag>: ...") unless both are integers in
// [1, 1048576].
Size parse_size(const std::string& flag, const std::string& text);

}  // namespace anvil::siren
