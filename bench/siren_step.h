// The benchmarked SIREN training step, built only from the core's composite ops: by default
// 2 -> 256 -> 256 -> 256 -> 256 -> 1 (four sine layers, omega 30, then a linear output; the
// network of issue 5's 1.18 MFLOP per pixel, anvil-siren --layers 4), full batch over a
// side x side pixel grid, MSE loss, Adam. Also replays the step's GEMMs
// alone (same shapes, same device, the primitive gemm) so a run can report step / GEMM.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "anvil/anvil.h"

namespace anvil::bench {

class SirenStep {
public:
    // widths: layer widths from the 2 input coordinates to the 1 output value.
    static std::vector<std::int64_t> widths_for(int sine_layers, std::int64_t hidden = 256);
    SirenStep(const std::shared_ptr<Device>& device, std::int64_t side,
              std::vector<std::int64_t> widths = {2, 256, 256, 256, 256, 1}, double omega = 30.0);

    // One training step: forward, loss and gradient, backward, Adam. Synchronises the device
    // so wall-clock timing of the call is the step's time.
    void step();
    // The step's GEMMs only: forward x W^T, backward g^T x and g W, into scratch outputs.
    void gemms_only();
    // Reads the last step's loss (synchronises).
    double loss() const { return loss_.item(); }

    std::int64_t pixels() const { return pixels_; }
    // Floating-point operations of the step's GEMMs (2 per multiply-add), which is how the
    // "1.18 MFLOP per pixel per step" of the effective GFLOP/s is counted.
    double gemm_flops() const;

private:
    Tensor& scratch(const Shape& shape);

    struct Layer {
        Tensor w, b, dw, db, mw, vw, mb, vb;
    };
    std::shared_ptr<Device> device_;
    std::int64_t pixels_;
    std::vector<std::int64_t> widths_;
    double omega_;
    std::vector<Layer> layers_;
    std::vector<Tensor> acts_;   // acts_[l]: (N, widths[l]); acts_[0] = coordinates
    std::vector<Tensor> dacts_;  // dacts_[l]: (N, widths[l + 1]) for the sine layers
    Tensor target_, loss_, grad_out_;
    std::vector<Tensor> grads_;  // grads_[l]: (N, widths[l]), the dx of layer l (l >= 1)
    std::map<std::vector<std::int64_t>, Tensor> scratch_;  // gemms_only() outputs by shape
    std::vector<AdamSlot> slots_;
    std::int64_t adam_step_ = 0;
};

}  // namespace anvil::bench
