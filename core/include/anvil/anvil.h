// Everything an application needs: tensors, ops and the backend registry.
#pragma once

#include "anvil/backend.h"
#include "anvil/device.h"
#include "anvil/dtype.h"
#include "anvil/error.h"
#include "anvil/op.h"
#include "anvil/ops.h"
#include "anvil/registry.h"
#include "anvil/shape.h"
#include "anvil/tensor.h"
