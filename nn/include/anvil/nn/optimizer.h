// Optimizers over a list of Parameters (value + gradient): SGD with momentum and bias-corrected
// Adam, each one call into the core composites (anvil::sgd_update / anvil::adam_update) for all
// parameters per step. Their state tensors are exposed by name for checkpoints.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "anvil/device.h"
#include "anvil/export.h"
#include "anvil/nn/linear.h"

namespace anvil::nn {

enum class OptimizerKind : std::uint8_t { sgd, adam };
ANVIL_EXPORT const char* optimizer_name(OptimizerKind kind);
ANVIL_EXPORT OptimizerKind parse_optimizer(const std::string& name);  // "[optimizer] unknown ..."

struct OptimizerOptions {
    double momentum = 0.9;  // sgd: v = momentum v + g; p -= lr v (0 = plain SGD, no state)
    double beta1 = 0.9;     // adam
    double beta2 = 0.999;   // adam
    double eps = 1e-8;      // adam
};

// A state tensor of the optimizer, named "<param>.m", "<param>.v" (adam) or
// "<param>.velocity" (sgd) after the parameter it belongs to.
struct StateTensor {
    std::string name;
    Tensor* value = nullptr;
};

class ANVIL_EXPORT Optimizer {
public:
    virtual ~Optimizer();
    Optimizer(const Optimizer&) = delete;
    Optimizer& operator=(const Optimizer&) = delete;

    // Applies one update with learning rate lr from the gradients now in the parameters.
    virtual void step(double lr) = 0;
    virtual OptimizerKind kind() const = 0;
    // Hyperparameters as strings that round-trip exactly ("beta1" -> "0.90000000000000002").
    virtual std::map<std::string, std::string> hyperparameters() const = 0;
    // State tensors, in a fixed order; empty for SGD without momentum. The pointers stay
    // valid for the optimizer's lifetime (a checkpoint reads and restores through them).
    const std::vector<StateTensor>& state() const { return state_; }

    // Updates applied so far (Adam's bias correction uses steps() + 1 for the next one).
    std::int64_t steps() const { return steps_; }
    // Restores the step count on resume; throws for a negative count.
    void set_steps(std::int64_t steps);
    const std::vector<Parameter>& parameters() const { return params_; }

protected:
    // Throws "[optimizer] ..." for an empty list, a missing value/grad, or grads whose shape,
    // dtype or device differs from their parameter.
    explicit Optimizer(std::vector<Parameter> params);
    // A zero tensor shaped like each parameter (for m, v, velocity).
    std::vector<Tensor> zeros_like_params() const;

    std::vector<Parameter> params_;
    std::vector<StateTensor> state_;  // filled by the derived constructors
    std::int64_t steps_ = 0;
};

class ANVIL_EXPORT Sgd final : public Optimizer {
public:
    // Throws for momentum outside [0, 1).
    Sgd(std::vector<Parameter> params, double momentum);
    void step(double lr) override;
    OptimizerKind kind() const override { return OptimizerKind::sgd; }
    std::map<std::string, std::string> hyperparameters() const override;
    double momentum() const { return momentum_; }

private:
    double momentum_;
    std::vector<Tensor> velocity_;  // one per parameter when momentum != 0
    std::vector<SgdSlot> slots_;    // built once: no allocation per step
};

class ANVIL_EXPORT Adam final : public Optimizer {
public:
    // Throws for betas outside [0, 1) or eps <= 0.
    Adam(std::vector<Parameter> params, double beta1 = 0.9, double beta2 = 0.999,
         double eps = 1e-8);
    void step(double lr) override;
    OptimizerKind kind() const override { return OptimizerKind::adam; }
    std::map<std::string, std::string> hyperparameters() const override;

private:
    double beta1_, beta2_, eps_;
    std::vector<Tensor> m_, v_;    // one per parameter, parameter's shape
    std::vector<AdamSlot> slots_;  // built once: no allocation per step
};

// Builds the optimizer of `kind` with the options that apply to it.
ANVIL_EXPORT std::unique_ptr<Optimizer> make_optimizer(OptimizerKind kind,
                                                       std::vector<Parameter> params,
                                                       const OptimizerOptions& options = {});

// Formats a double so that parsing it back gives the same bits ("%.17g").
ANVIL_EXPORT std::string exact_double(double value);

}  // namespace anvil::nn
