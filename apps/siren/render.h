// Rendering a trained SIREN at any size: the grid is evaluated in chunks of rows so that
// device memory stays bounded however large the picture (the chunk size is a budget, in
// budget.h).
#pragma once

#include "anvil/nn/mlp.h"
#include "grid.h"
#include "image.h"

namespace anvil::siren {

// Evaluates the model on a width x height pixel grid spanning `extent` and maps the outputs
// back to pixels.
Image render(const nn::Mlp& model, int width, int height, const Extent& extent,
             TargetRange range);

}  // namespace anvil::siren
