// loadRunData (run_data.h).
#include "engine/run_data.h"

#include "data/data_paths.h"
#include "data/dataset_registry.h"
#include "data/synthetic.h"
#include "machine/cpu_budget.h"
#include "results/table_text.h"

#include <algorithm>
#include <cstdint>
#include <string>

namespace tb {

namespace {

double gib(double bytes) { return bytes / (1024.0 * 1024.0 * 1024.0); }

std::string oneDecimal(double value) { return table::fixed(value, 1); }

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
    // A --train-limit of a trillion must be a clear data error, not an 8 TiB allocation
    // reported as out of memory, or the system's kill.
    if (const std::string problem = dataMemoryProblem(config, datasetName); !problem.empty()) {
      throw DataError(problem);
    }
    data = makeSyntheticDataset(dataset->shape, trainSamples, testSamples, dataset->numClasses,
                                config.seed);
  } else {
    data = loadDataset(*dataset, config.dataDir);
    // Judged on the whole files, before the limits: a part of the published set is still it.
    if (std::string why = notThePublishedSet(*dataset, data); !why.empty()) {
      data.source = kCustomFiles;
      data.warning = std::move(why);
      // Two sets of one's own of one size must not fold into one median, whose accuracy
      // would be neither's.
      data.fingerprint = dataFingerprint(data);
    }
    data.train = takeFirst(data.train, config.trainLimit);
    data.test = withTest ? takeFirst(data.test, config.testLimit) : LabelledImages{};
  }
  if (data.train.size() == 0) {
    // Synthetic sets are at least one image; files can hold none, and the user must find them.
    const std::string folder = config.dataDir.empty() ? defaultDataRoot() : config.dataDir;
    throw DataError(config.synthetic ? std::string("the training set is empty")
                                     : "the training files of " + datasetName + " in " + folder +
                                           " hold no images");
  }
  return data;
}

std::string dataMemoryProblem(const RunConfig& config, const std::string& datasetName,
                              int processes) {
  const auto dataset = findDataset(datasetName);
  if (!dataset) return {};
  // The files hold what they hold; a limit only cuts them. Synthetic sets are as large as asked.
  const auto sized = [&](std::int64_t limit, std::int64_t files) {
    if (limit <= 0) return files;
    return config.synthetic ? limit : std::min(limit, files);
  };
  const std::int64_t train = sized(config.trainLimit, dataset->trainSamples);
  const std::int64_t test = sized(config.testLimit, dataset->testSamples);
  const ImageShape& shape = dataset->shape;
  const double pixels = static_cast<double>(shape.channels * shape.height * shape.width);
  // The floats the images are normalised into live on the device: in this memory only for a CPU
  // run (a GPU run's host keeps the bytes).
  const bool cpu = config.device.empty() || config.device.rfind("cpu", 0) == 0;
  const double perImage = pixels * (1 + (cpu ? sizeof(float) : 0)) + sizeof(std::int64_t);
  // Only rank 0 holds the test set.
  const double bytes = (static_cast<double>(train) * std::max(processes, 1) +
                        static_cast<double>(test)) * perImage;
  const std::optional<double> memory = usableMemoryBytes();
  if (!memory || bytes <= *memory) return {};
  const std::string images = std::to_string(train) + " + " + std::to_string(test) +
                             (config.synthetic ? " synthetic images" : " images");
  const std::string whose = usableMemoryName(*memory);
  if (processes > 1) {
    return "--data-parallel/--train-limit: " + std::to_string(processes) +
           " ranks on this machine, each holding " + std::to_string(train) +
           " training images, need about " + oneDecimal(gib(bytes)) + " GiB, more than " + whose +
           "; fewer ranks or a smaller --train-limit fit";
  }
  return "--train-limit/--test-limit: " + images + " need about " + oneDecimal(gib(bytes)) +
         " GiB, more than " + whose;
}

std::string usableMemoryName(double usableBytes) {
  const std::optional<double> containerLimit = cgroupMemoryLimitBytes();
  return containerLimit && *containerLimit <= usableBytes
             ? "the " + oneDecimal(gib(usableBytes)) +
                   " GiB this process's container (cgroup) may use"
             : "this machine's " + oneDecimal(gib(usableBytes)) + " GiB of memory";
}

}  // namespace tb
