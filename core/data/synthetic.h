// A built-in synthetic dataset with the shapes of a real one: deterministic from the seed and
// learnable (each class has its own smooth prototype image), so training curves look real.
#pragma once

#include "data/dataset.h"

#include <cstdint>

namespace tb {

DatasetSplits makeSyntheticDataset(const ImageShape& shape, std::int64_t trainSamples,
                                   std::int64_t testSamples, int numClasses, std::uint64_t seed);

}  // namespace tb
