// Rank settings and their comparison (rank_agreement.h).
#include "dist/rank_agreement.h"

#include "devices/device_id.h"
#include "devices/system_info.h"
#include "models/workload.h"

#include <map>
#include <sstream>

namespace tb {

namespace {

std::string number(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

// The kind of a device string ("cuda:1" -> "cuda"); the string itself when it does not parse.
std::string deviceKind(const std::string& device) {
  try {
    return toString(parseDeviceId(device).kind);
  } catch (const DeviceError&) {
    return device;
  }
}

RankSettings decode(const std::string& encoded) {
  RankSettings settings;
  std::istringstream lines(encoded);
  std::string line;
  while (std::getline(lines, line)) {
    const auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    settings.emplace_back(line.substr(0, equals), line.substr(equals + 1));
  }
  return settings;
}

}  // namespace

RankSettings rankSettings(const RunConfig& config, bool strongScaling, double bucketMegabytes) {
  const auto workload = findWorkload(config.workload);
  const int epochs = config.epochs > 0 ? config.epochs : workload ? workload->defaultEpochs : 0;
  const int batch = config.batchSize > 0 ? config.batchSize : workload ? workload->defaultBatchSize : 0;
  const double rate = config.learningRate > 0 ? config.learningRate
                      : workload                ? workload->learningRate
                                                : 0.0;
  return {
      {"TrainBench version", appVersion()},
      {"LibTorch version", libtorchVersion()},
      {"--workload", config.workload},
      {"--device", deviceKind(config.device)},
      {"--epochs", std::to_string(epochs)},
      {"--batch-size", std::to_string(batch)},
      {"--learning-rate", number(rate)},
      {"--seed", std::to_string(config.seed)},
      {"--precision", config.precision},
      {"--execution", config.execution.empty() ? "eager" : config.execution},
      {"--synthetic", config.synthetic ? "yes" : "no"},
      {"--train-limit", std::to_string(config.trainLimit)},
      {"--test-limit", std::to_string(config.testLimit)},
      {"--scaling", strongScaling ? "strong" : "weak"},
      {"--bucket-mb", number(bucketMegabytes)},
  };
}

std::string encodeRankSettings(const RankSettings& settings) {
  std::string encoded;
  for (const auto& [flag, value] : settings) encoded += flag + '=' + value + '\n';
  return encoded;
}

std::string rankDisagreement(const std::vector<std::string>& encodedPerRank) {
  if (encodedPerRank.empty()) return {};
  const RankSettings first = decode(encodedPerRank[0]);
  for (std::size_t rank = 1; rank < encodedPerRank.size(); ++rank) {
    const RankSettings other = decode(encodedPerRank[rank]);
    std::map<std::string, std::string> values(other.begin(), other.end());
    for (const auto& [flag, value] : first) {
      const auto found = values.find(flag);
      const std::string theirs = found == values.end() ? "nothing" : found->second;
      if (theirs == value) continue;
      return "ranks disagree on " + flag + ": rank 0 has " + value + ", rank " +
             std::to_string(rank) + " has " + theirs;
    }
    if (other.size() != first.size()) {
      return "ranks disagree on their settings: rank " + std::to_string(rank) +
             " sends settings rank 0 does not know (different TrainBench versions?)";
    }
  }
  return {};
}

}  // namespace tb
