// The CIFAR-10 workloads: the seed's ResNet-50 (script 2) and two common companions.
#pragma once

#include "models/workload.h"

#include <vector>

namespace tb {

std::vector<WorkloadSpec> cifarWorkloads();

}  // namespace tb
