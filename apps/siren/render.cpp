// Chunked rendering and memory budgets for anvil-siren (see render.h).
#include "render.h"

#include <unistd.h>

#include <algorithm>

#include "anvil/anvil.h"

namespace anvil::siren {

std::size_t render_host_bytes(const Size& size, int channels) {
    const std::size_t samples = static_cast<std::size_t>(size.width) * size.height * channels;
    // float image (4) + 8-bit copy (1) + stb's filtered rows, deflate output and our copy of
    // the PNG (about 1 each).
    return samples * 8;
}

std::size_t host_memory_budget() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page_size = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page_size <= 0) return std::size_t{4} << 30;
    return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size) / 2;
}

std::size_t training_host_bytes(const Size& size, int channels) {
    const std::size_t pixels = static_cast<std::size_t>(size.width) * size.height;
    // The image and its targets (4 C each), coordinates (8), and a snapshot render.
    return pixels * (8 + 8 * static_cast<std::size_t>(channels)) + render_host_bytes(size, channels);
}

void check_host_budget(const std::string& what, std::size_t bytes) {
    const std::size_t budget = host_memory_budget();
    if (bytes > budget)
        throw UsageError(what + " needs " + format_bytes(bytes) +
                         " of host memory, over the budget of " + format_bytes(budget) +
                         " (half of this machine's RAM); ask for a smaller size");
}

void check_render_budget(const std::vector<Size>& sizes, int channels) {
    for (const Size& s : sizes)
        check_host_budget("--render " + s.to_string(), render_host_bytes(s, channels));
}

std::int64_t render_chunk_pixels(const nn::MlpConfig& config, const Device& device) {
    // Inference keeps every layer's output: input (2) + hidden layers + output, in f32.
    const std::int64_t per_pixel =
        4 * (config.in_features + config.hidden * config.hidden_layers + config.out_features);
    std::size_t budget = std::size_t{256} << 20;
    const MemoryInfo info = device.memory_info();
    if (info.free_bytes > 0) budget = std::min(budget, info.free_bytes / 4);
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(budget) / per_pixel);
}

namespace {

// Per sample: input and target, each layer's output and activation derivative, the two
// backward ping-pong buffers, and the loss's gradient and workspaces, all f32.
std::size_t training_bytes_per_pixel(const nn::MlpConfig& c) {
    const std::int64_t hidden = c.hidden * c.hidden_layers;
    return static_cast<std::size_t>(4 * (c.in_features + 2 * hidden + 2 * c.hidden + 8 * c.out_features));
}

std::size_t parameter_bytes(const nn::MlpConfig& c) {
    const std::int64_t params = (c.in_features + 1) * c.hidden +
                                (c.hidden_layers - 1) * (c.hidden + 1) * c.hidden +
                                (c.hidden + 1) * c.out_features;
    // value, gradient and two optimizer moments
    return static_cast<std::size_t>(params) * 4 * 4;
}

}  // namespace

std::size_t training_device_bytes(const nn::MlpConfig& config, std::int64_t pixels) {
    return parameter_bytes(config) + training_bytes_per_pixel(config) * static_cast<std::size_t>(pixels);
}

std::int64_t training_pixels_that_fit(const nn::MlpConfig& config, std::size_t free_bytes) {
    const std::size_t params = parameter_bytes(config);
    if (free_bytes <= params) return 0;
    return static_cast<std::int64_t>((free_bytes - params) / training_bytes_per_pixel(config));
}

Image render(const nn::Mlp& model, int width, int height, const Extent& extent,
             TargetRange range) {
    const auto channels = static_cast<int>(model.config().out_features);
    Image image(width, height, channels);
    const std::int64_t rows_per_chunk = std::clamp<std::int64_t>(
        render_chunk_pixels(model.config(), *model.device()) / width, 1, height);
    nn::MlpContext ctx;
    for (int row = 0; row < height; row += static_cast<int>(rows_per_chunk)) {
        const int end = static_cast<int>(std::min<std::int64_t>(height, row + rows_per_chunk));
        const std::vector<float> coords = grid_rows(width, height, extent, row, end);
        // coords: (rows * width, 2) -> out: (rows * width, channels)
        const Tensor x = Tensor::from_vector(
            coords, Shape{static_cast<std::int64_t>(end - row) * width, 2}, model.device());
        const Tensor& y = model.forward(x, ctx, /*training=*/false);
        decode_into(y.to_vector<float>(), range, image, row);
    }
    return image;
}

}  // namespace anvil::siren
