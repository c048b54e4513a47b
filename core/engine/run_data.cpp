// loadRunData (run_data.h).
#include "engine/run_data.h"

#include "data/dataset_registry.h"
#include "data/synthetic.h"

namespace tb {

DatasetSplits loadRunData(const RunConfig& config, const std::string& datasetName) {
  const auto dataset = findDataset(datasetName);
  if (!dataset) throw DataError("unknown dataset '" + datasetName + "'");
  DatasetSplits data;
  if (config.synthetic) {
    const auto trainSamples = config.trainLimit > 0 ? config.trainLimit : dataset->trainSamples;
    const auto testSamples = config.testLimit > 0 ? config.testLimit : dataset->testSamples;
    data = makeSyntheticDataset(dataset->shape, trainSamples, testSamples, dataset->numClasses,
                                config.seed);
  } else {
    data = loadDataset(*dataset, config.dataDir);
    data.train = takeFirst(data.train, config.trainLimit);
    data.test = takeFirst(data.test, config.testLimit);
  }
  if (data.train.size() == 0) throw DataError("the training set is empty");
  return data;
}

}  // namespace tb
