// anvil-siren's host and device memory budgets (see budget.h). Everything is f32, the dtype
// the app trains and renders in.
#include "budget.h"

#include <unistd.h>

#include <algorithm>

#include "anvil/error.h"

namespace anvil::siren {

namespace {

constexpr std::size_t kF32 = dtype_size(DType::f32);

// Per training sample besides the model's workspace: the input coordinates, the target, the
// loss gradient and up to five (N, out) loss workspaces (bce's clip, logs and mean).
std::size_t training_bytes_per_pixel(const nn::MlpConfig& c) {
    const auto own = static_cast<std::size_t>(c.in_features + 7 * c.out_features);
    return c.workspace_bytes_per_sample(/*training=*/true) + own * kF32;
}

// Each parameter's value, gradient and two optimizer moments.
std::size_t parameter_bytes(const nn::MlpConfig& c) {
    return static_cast<std::size_t>(c.parameter_count()) * 4 * kF32;
}

}  // namespace

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
    // The chunk's coordinates (N, in), and every layer's output that inference keeps.
    const auto per_pixel = static_cast<std::int64_t>(
        static_cast<std::size_t>(config.in_features) * kF32 +
        config.workspace_bytes_per_sample(/*training=*/false));
    std::size_t budget = std::size_t{256} << 20;
    const MemoryInfo info = device.memory_info();
    if (info.free_bytes > 0) budget = std::min(budget, info.free_bytes / 4);
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(budget) / per_pixel);
}

std::size_t training_device_bytes(const nn::MlpConfig& config, std::int64_t pixels) {
    return parameter_bytes(config) + training_bytes_per_pixel(config) * static_cast<std::size_t>(pixels);
}

std::int64_t training_pixels_that_fit(const nn::MlpConfig& config, std::size_t free_bytes) {
    const std::size_t params = parameter_bytes(config);
    if (free_bytes <= params) return 0;
    return static_cast<std::int64_t>((free_bytes - params) / training_bytes_per_pixel(config));
}

void check_training_device_budget(const nn::MlpConfig& config, std::int64_t pixels,
                                  const Device& device) {
    const std::size_t need = training_device_bytes(config, pixels);
    const std::size_t free_bytes = device.memory_info().free_bytes;
    if (free_bytes == 0 || need <= free_bytes) return;  // 0: the device does not report it
    // The advice keeps a fifth of the free memory back for what the estimate leaves out.
    const std::int64_t fit = training_pixels_that_fit(config, free_bytes / 10 * 8);
    const std::string advice = fit > 0 ? "use --batch " + std::to_string(fit) + " or less"
                                       : "use a smaller --hidden or --layers";
    throw Error("[memory] training " + config.describe() + " on " + std::to_string(pixels) +
                " pixels per step needs about " + format_bytes(need) + " on " + device.name() +
                ", which has " + format_bytes(free_bytes) + " free; " + advice +
                " (or a smaller --train-size)");
}

}  // namespace anvil::siren
