// gatherRankRecords and averageOverRanks (rank_records.h): one line per rank through the
// exchange.
#include "engine/rank_records.h"

#include <algorithm>
#include <cstdlib>
#include <iomanip>
#include <locale>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tb {

namespace {

std::vector<std::string> fieldsOf(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  for (const char c : line + '\t') {
    if (c == '\t') {
      fields.push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  return fields;
}

}  // namespace

DistributedRecord distributedRecord(const GradientExchange& exchange, bool strongScaling,
                                    int& batchSize) {
  const int world = exchange.worldSize();
  if (strongScaling) {
    if (batchSize % world != 0) {
      throw std::invalid_argument("strong scaling splits the batch of " +
                                  std::to_string(batchSize) + " across " + std::to_string(world) +
                                  " ranks: the batch size must be a multiple of the world size");
    }
    batchSize /= world;  // each rank's share of the seed's global batch
  }
  DistributedRecord record;
  record.worldSize = world;
  record.backend = exchange.backend();
  record.scaling = strongScaling ? "strong" : "weak";
  record.globalBatch = batchSize * world;
  return record;
}

std::vector<RankRecord> gatherRankRecords(GradientExchange& exchange, const RunResult& result) {
  double seconds = 0.0;
  double images = 0.0;
  for (const auto& epoch : result.epochs) {
    seconds += epoch.seconds;
    images += epoch.samplesPerSecond * epoch.seconds / exchange.worldSize();  // this rank's share
  }
  const double own = seconds > 0 ? images / seconds : 0.0;
  const double share = seconds > 0 ? exchange.communicationSeconds() / seconds : 0.0;
  const std::string mine = result.system.hostname + '\t' + result.device.id + '\t' +
                           std::to_string(own) + '\t' + std::to_string(share);
  std::vector<RankRecord> ranks;
  const std::vector<std::string> all = exchange.gatherStrings(mine);
  for (std::size_t r = 0; r < all.size(); ++r) {
    const std::vector<std::string> fields = fieldsOf(all[r]);
    if (fields.size() != 4) continue;
    ranks.push_back(RankRecord{static_cast<int>(r), fields[0], fields[1],
                               std::strtod(fields[2].c_str(), nullptr),
                               std::strtod(fields[3].c_str(), nullptr)});
  }
  return ranks;
}

void averageOverRanks(GradientExchange& exchange, EpochRecord& epoch) {
  std::ostringstream mine;
  mine.imbue(std::locale::classic());
  mine << std::setprecision(17) << epoch.trainLoss << ' ' << epoch.trainAccuracy;
  double loss = 0.0;
  double accuracy = 0.0;
  const std::vector<std::string> all = exchange.gatherStrings(mine.str());
  for (const std::string& text : all) {
    std::istringstream in(text);
    in.imbue(std::locale::classic());
    double rankLoss = 0.0;
    double rankAccuracy = 0.0;
    in >> rankLoss >> rankAccuracy;
    loss += rankLoss;
    accuracy += rankAccuracy;
  }
  if (all.empty()) return;
  epoch.trainLoss = loss / static_cast<double>(all.size());
  epoch.trainAccuracy = accuracy / static_cast<double>(all.size());
}

std::string sharedCpuWarning(GradientExchange& exchange, const std::string& host, bool cpuRank,
                             int threads, int usableCpus) {
  const std::string mine = host + '\t' + (cpuRank ? "1" : "0") + '\t' + std::to_string(threads) +
                           '\t' + std::to_string(usableCpus);
  struct Host {
    int ranks = 0;
    long threads = 0;
    int usableCpus = 0;
  };
  std::map<std::string, Host> hosts;
  for (const std::string& line : exchange.gatherStrings(mine)) {
    const std::vector<std::string> fields = fieldsOf(line);
    if (fields.size() != 4 || fields[1] != "1") continue;
    Host& shared = hosts[fields[0]];
    ++shared.ranks;
    shared.threads += std::strtol(fields[2].c_str(), nullptr, 10);
    const int usable = static_cast<int>(std::strtol(fields[3].c_str(), nullptr, 10));
    shared.usableCpus = shared.usableCpus > 0 ? std::min(shared.usableCpus, usable) : usable;
  }
  std::string warning;
  for (const auto& [name, shared] : hosts) {
    if (shared.usableCpus <= 0 || shared.threads <= shared.usableCpus) continue;
    const std::string cpus =
        std::to_string(shared.usableCpus) + (shared.usableCpus == 1 ? " CPU" : " CPUs");
    const std::string who = shared.ranks == 1
                                ? "The rank on " + name + " uses "
                                : "The " + std::to_string(shared.ranks) + " ranks on " + name +
                                      " use ";
    warning += std::string(warning.empty() ? "" : " ") + who + std::to_string(shared.threads) +
               " CPU threads" + (shared.ranks == 1 ? "" : " in all") + ", but may run on only " +
               cpus +
               ": the threads take turns on them, so the times measure that queueing more than "
               "the CPU. Give the run " + std::to_string(shared.usableCpus) +
               " threads or fewer (--threads is the run's total).";
  }
  return warning;
}

}  // namespace tb
