// gatherRankRecords and averageOverRanks (rank_records.h): one line per rank through the
// exchange.
#include "engine/rank_records.h"

#include <cstdlib>
#include <iomanip>
#include <locale>
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

}  // namespace tb
