// anvil-siren --render-only CKPT: rebuilds the model a checkpoint describes on any backend and
// renders it at each --render size (the training size when none is given), without an image.
#include <cstdio>
#include <filesystem>

#include "anvil/nn/nn.h"
#include "app.h"
#include "budget.h"
#include "outputs.h"
#include "render.h"
#include "session.h"
#include "settings.h"

namespace anvil::siren {

int run_render_only(const Options& options) {
    auto note = [&](const std::string& line) {
        if (!options.quiet) std::fprintf(stderr, "%s\n", line.c_str());
    };
    const Placement placement =
        open_device(options.backend, options.device, options.plugin_dirs, note);
    prepare_output_dir(options.out);
    const nn::Checkpoint checkpoint = nn::Checkpoint::read(options.render_only);
    // NaN or infinite weights would render a black image without a word.
    require_finite_tensors(checkpoint, "layers.");
    const nn::MlpConfig config = config_for_render(options, checkpoint);
    const TrainState state = read_train_state(checkpoint);
    std::vector<Size> sizes = options.renders;
    if (sizes.empty()) sizes.push_back({state.width, state.height});
    check_render_budget(sizes, static_cast<int>(config.out_features));

    nn::Mlp model(config, placement.device, checkpoint.dtype());
    checkpoint.restore_model(model);
    const Extent extent = extent_for(state.width, state.height);
    for (const Size& size : sizes) {
        const std::string name = "render_" + size.to_string() + ".png";
        write_png((std::filesystem::path(options.out) / name).string(),
                  render(model, size.width, size.height, extent, target_range(config)));
        note("anvil-siren: rendered " + name + " from " + options.render_only + " (step " +
             std::to_string(checkpoint.step()) + ") on " + placement.device->name());
    }
    return kExitOk;
}

}  // namespace anvil::siren
