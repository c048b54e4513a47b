// loadRunData (run_data.h).
#include "engine/run_data.h"

#include "data/dataset_registry.h"
#include "data/synthetic.h"

#include <unistd.h>

#include <cstdint>
#include <iomanip>
#include <locale>
#include <sstream>
#include <string>

namespace tb {

namespace {

double gib(double bytes) { return bytes / (1024.0 * 1024.0 * 1024.0); }

std::string oneDecimal(double value) {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out << std::fixed << std::setprecision(1) << value;
  return out.str();
}

// Each image is held as bytes and, once normalised for training, as floats: a --train-limit of
// a trillion must be a clear data error, not an 8 TiB allocation reported as out of memory.
void checkSyntheticFits(const ImageShape& shape, std::int64_t train, std::int64_t test) {
  const double pixels = static_cast<double>(shape.channels * shape.height * shape.width);
  const double bytes = (static_cast<double>(train) + static_cast<double>(test)) *
                       (pixels * (1 + sizeof(float)) + sizeof(std::int64_t));
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long pageSize = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0) return;  // unknown: let the allocation decide
  const double memory = static_cast<double>(pages) * static_cast<double>(pageSize);
  if (bytes > memory) {
    throw DataError("--train-limit/--test-limit: " + std::to_string(train) + " + " +
                    std::to_string(test) + " synthetic images need about " +
                    oneDecimal(gib(bytes)) + " GiB, more than this machine's " +
                    oneDecimal(gib(memory)) + " GiB of memory");
  }
}

}  // namespace

DatasetSplits loadRunData(const RunConfig& config, const std::string& datasetName,
                          bool withTest) {
  const auto dataset = findDataset(datasetName);
  if (!dataset) throw DataError("unknown dataset '" + datasetName + "'");
  DatasetSplits data;
  if (config.synthetic) {
    // Synthetic sets take the limits as their sizes, larger than the real files if asked (a
    // longer epoch for a fast GPU), as long as they fit in memory.
    const auto trainSamples = config.trainLimit > 0 ? config.trainLimit : dataset->trainSamples;
    const auto testSamples =
        !withTest ? 0 : config.testLimit > 0 ? config.testLimit : dataset->testSamples;
    checkSyntheticFits(dataset->shape, trainSamples, testSamples);
    data = makeSyntheticDataset(dataset->shape, trainSamples, testSamples, dataset->numClasses,
                                config.seed);
  } else {
    data = loadDataset(*dataset, config.dataDir);
    data.train = takeFirst(data.train, config.trainLimit);
    data.test = withTest ? takeFirst(data.test, config.testLimit) : LabelledImages{};
  }
  if (data.train.size() == 0) throw DataError("the training set is empty");
  return data;
}

}  // namespace tb
