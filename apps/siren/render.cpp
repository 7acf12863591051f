// Chunked rendering for anvil-siren (see render.h).
#include "render.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "anvil/anvil.h"
#include "budget.h"

namespace anvil::siren {

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
