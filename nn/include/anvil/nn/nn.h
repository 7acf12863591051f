// Everything of anvil::nn: layers and the MLP, activations, initialisers, losses, optimizers,
// learning-rate schedules and safetensors checkpoints. Backend-agnostic: it runs on any device
// through the core's ops.
#pragma once

#include "anvil/nn/activation.h"
#include "anvil/nn/checkpoint.h"
#include "anvil/nn/init.h"
#include "anvil/nn/linear.h"
#include "anvil/nn/loss.h"
#include "anvil/nn/mlp.h"
#include "anvil/nn/optimizer.h"
#include "anvil/nn/safetensors.h"
#include "anvil/nn/schedule.h"
