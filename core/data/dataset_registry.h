// The datasets TrainBench knows: their file layout, shapes and where to look for them.
#pragma once

#include "data/data_paths.h"
#include "data/dataset.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tb {

struct DatasetInfo {
  std::string name;   // "fashion-mnist", "mnist"
  std::string title;  // "Fashion-MNIST"
  ImageShape shape;
  int numClasses = 10;
  std::int64_t trainSamples = 0;  // of the official files
  std::int64_t testSamples = 0;
  // Images of each class in the official test file, by label; empty where not worth knowing.
  // MNIST and Fashion-MNIST share file names and sizes, so these counts are what tells a
  // folder of one from a folder of the other.
  std::vector<std::int64_t> testClassCounts;
};

const std::vector<DatasetInfo>& knownDatasets();
std::optional<DatasetInfo> findDataset(const std::string& name);


// Loads a dataset from `dataDir` (the files themselves or a sub-folder named after the dataset),
// or from the default root when `dataDir` is empty. Throws DataError naming what is missing.
DatasetSplits loadDataset(const DatasetInfo& info, const std::string& dataDir);

// Why `data`, loaded whole, is not `info`'s published set: other numbers of images, or a test
// set with other images per class; empty where it is.
std::string notThePublishedSet(const DatasetInfo& info, const DatasetSplits& data);

}  // namespace tb
