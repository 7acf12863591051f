// anvil-siren's memory budgets, checked before any step runs: host memory for the training
// data and renders (at most half of this machine's RAM), device memory for a training step,
// and the row chunks that bound a render's device workspace. The model's share comes from nn
// (MlpConfig's parameter and workspace counts), so it follows any change to the layers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "anvil/device.h"
#include "anvil/nn/mlp.h"
#include "options.h"

namespace anvil::siren {

// Host bytes a width x height render with `channels` channels needs at its peak: the float
// image, its 8-bit copy and the PNG encoder's buffers.
std::size_t render_host_bytes(const Size& size, int channels);
// Half of this machine's physical memory.
std::size_t host_memory_budget();
// Host bytes training at `size` needs: the image, coordinates, targets and snapshot renders.
std::size_t training_host_bytes(const Size& size, int channels);
// Throws UsageError "<what> needs N of host memory, over the budget of M (...)" when
// `bytes` exceeds host_memory_budget().
void check_host_budget(const std::string& what, std::size_t bytes);
// check_host_budget for each "--render WxH".
void check_render_budget(const std::vector<Size>& sizes, int channels);

// Pixels per chunk for evaluating `config` in inference on `device`: the workspace of one
// chunk stays under min(256 MiB, a quarter of the device's free memory).
std::int64_t render_chunk_pixels(const nn::MlpConfig& config, const Device& device);

// Device bytes one training step holds for `pixels` samples per step: parameters with their
// gradients and optimizer moments, and the forward/backward workspace of the batch.
std::size_t training_device_bytes(const nn::MlpConfig& config, std::int64_t pixels);
// How many samples per step fit in `free_bytes` (0 when not even the parameters fit).
std::int64_t training_pixels_that_fit(const nn::MlpConfig& config, std::size_t free_bytes);
// Throws "[memory] training ... needs about N on <device>, which has M free; use --batch K or
// less ..." when `device` reports its free memory and a step on `pixels` samples exceeds it.
void check_training_device_budget(const nn::MlpConfig& config, std::int64_t pixels,
                                  const Device& device);

}  // namespace anvil::siren
