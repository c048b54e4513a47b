// torchDevice and synchronise (torch_device.h).
#include "devices/torch_device.h"

#include <torch/cuda.h>
#include <torch/torch.h>

namespace tb {

torch::Device torchDevice(const DeviceId& id) {
  if (id.kind == DeviceKind::Cuda)
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(id.index));
  if (id.kind == DeviceKind::Mps) return torch::Device(torch::kMPS);
  return torch::Device(torch::kCPU);
}

void synchronise(const torch::Device& device) {
  if (device.is_cuda()) {
    torch::cuda::synchronize(device.index());
  } else if (!device.is_cpu()) {
    // LibTorch 1.13 has no C++ MPS synchronize; a copy to the host waits for the queue.
    torch::zeros({1}, torch::TensorOptions().device(device)).cpu();
  }
}

void wakeDevice(const torch::Device& device) {
  const torch::Tensor square = torch::ones({64, 64}, torch::TensorOptions().device(device));
  (void)square.mm(square);
  synchronise(device);
}

}  // namespace tb
