// A DeviceId as LibTorch's torch::Device, and waiting for a device's queued work.
#pragma once

#include "devices/device_id.h"

#include <torch/types.h>

namespace tb {

torch::Device torchDevice(const DeviceId& id);

// Returns once every kernel queued on `device` has finished. On the CPU kernels run before they
// return, so there is nothing to wait for.
void synchronise(const torch::Device& device);

// Creates `device`'s context and its matrix library's handle (a CUDA context takes a second or
// more) and waits for them: a run's clock, started after this, then measures training whether or
// not the peak probe woke the device first.
void wakeDevice(const torch::Device& device);

}  // namespace tb
