// Fuzz harness: loading a checkpoint as anvil-siren does on --render-only and --resume, from
// arbitrary bytes: nn::Checkpoint::decode (safetensors, metadata, the tensors the architecture
// implies), the app's train.* settings against the command line's flags, then the model and
// optimizer restored on the cpu backend and a 2x2 render. Input layout: byte 0 chooses the mode,
// the image's channels and one of the flag sets below; the rest is the file.
// Every refusal must be anvil::Error or UsageError (one line, exit 1 or 2 in the app);
// anything else (a crash, a sanitizer report, another exception type) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "anvil/anvil.h"
#include "anvil/nn/nn.h"
#include "budget.h"
#include "grid.h"
#include "options.h"
#include "render.h"
#include "settings.h"

namespace {

using namespace anvil;
using namespace anvil::siren;

// Flags a user may give beside --resume / --render-only; each set is checked against the file.
const std::vector<std::vector<std::string>> kFlagSets = {
    {},
    {"--hidden", "2", "--layers", "1"},
    {"--activation", "relu"},
    {"--loss", "bce"},
    {"--omega0", "30", "--first-omega0", "30"},
    {"--steps", "100000", "--lr", "0.001", "--schedule", "step", "--optimizer", "sgd"},
    {"--batch", "4", "--seed", "7", "--snapshot-every", "3"},
    {"--optimizer", "adam", "--train-size", "4x4", "--render", "3x2"},
};

Options options_for(bool render_only, const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"anvil-siren", "--out", "fuzz-out"};
    if (render_only) {
        args.insert(args.end(), {"--render-only", "fuzz.safetensors"});
    } else {
        args.insert(args.end(), {"--resume", "fuzz.safetensors", "--image", "fuzz.png"});
    }
    // --render-only refuses the training-only flags (a usage error before any file is read),
    // so a render keeps only the pairs it accepts: the architecture and --render sizes.
    for (std::size_t i = 0; i + 1 < flags.size(); i += 2) {
        if (render_only && is_training_only_flag(flags[i])) continue;
        args.insert(args.end(), {flags[i], flags[i + 1]});
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    return *parse_options(static_cast<int>(argv.size()), argv.data());
}

// The options of every mode and flag set, parsed once: parsing builds the whole command line
// (CLI11) and took half of each execution's time; the CLI harness fuzzes the parser itself.
const Options& cached_options(bool render_only, std::size_t flag_set) {
    static const std::vector<Options> all = [] {
        std::vector<Options> parsed;
        for (const bool render : {false, true})
            for (const auto& flags : kFlagSets) parsed.push_back(options_for(render, flags));
        return parsed;
    }();
    return all[(render_only ? kFlagSets.size() : 0) + flag_set];
}

// Renders above this many pixels are skipped, for speed: the sizes come from the file.
constexpr std::int64_t kMaxRenderPixels = 4096;

// anvil-siren --render-only, without writing files.
void render_only(const nn::Checkpoint& checkpoint, const Options& options,
                 const std::shared_ptr<Device>& device) {
    require_finite_tensors(checkpoint, "layers.");
    const nn::MlpConfig config = config_for_render(options, checkpoint);
    const TrainState state = read_train_state(checkpoint);
    std::vector<Size> sizes = options.renders;
    if (sizes.empty()) sizes.push_back({state.width, state.height});
    check_render_budget(sizes, static_cast<int>(config.out_features));
    nn::Mlp model(config, device, checkpoint.dtype());
    checkpoint.restore_model(model);
    const Extent extent = extent_for(state.width, state.height);
    for (const Size& size : sizes)
        if (std::int64_t{size.width} * size.height <= kMaxRenderPixels)
            render(model, size.width, size.height, extent, target_range(config));
}

// anvil-siren --resume up to the first step (Trainer::prepare and build_model).
void resume(const nn::Checkpoint& checkpoint, const Options& options, int channels,
            const std::shared_ptr<Device>& device) {
    require_finite_tensors(checkpoint, "");
    const TrainSettings settings = settings_for_resume(options, checkpoint, channels);
    // The size training resumes at (Trainer::load_training_image resizes the image to it).
    if (settings.train_size && (settings.train_size->width < 1 || settings.train_size->height < 1))
        std::abort();
    nn::Mlp model(settings.config, device);
    const auto optimizer = nn::make_optimizer(settings.optimizer, model.parameters());
    checkpoint.restore_model(model);
    checkpoint.restore_optimizer(*optimizer);
    const TrainState saved = read_train_state(checkpoint);
    if (!saved.batch_rng.empty()) nn::Rng::from_string(saved.batch_rng);
    const nn::LrSchedule schedule = make_schedule(settings);
    schedule.lr_at(checkpoint.step());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    setenv("OMP_NUM_THREADS", "1", 0);  // one input at a time; threads only add noise
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::shared_ptr<Device> device = anvil::device("cpu");
    if (size < 1) return 0;
    const bool render = (data[0] & 0x80) != 0;
    const int channels = (data[0] & 0x40) != 0 ? 3 : 1;
    const Options& options = cached_options(render, data[0] % kFlagSets.size());
    const auto* begin = reinterpret_cast<const std::byte*>(data + 1);
    const std::vector<std::byte> bytes(begin, begin + (size - 1));
    try {
        const nn::Checkpoint checkpoint = nn::Checkpoint::decode(bytes, "fuzz.safetensors");
        if (render) {
            render_only(checkpoint, options, device);
        } else {
            resume(checkpoint, options, channels, device);
        }
    } catch (const Error&) {
    } catch (const UsageError&) {
    }
    return 0;
}
