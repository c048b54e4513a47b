// gatherRankRecords (rank_records.h): one tab-separated line per rank through the exchange.
#include "engine/rank_records.h"

#include <cstdlib>
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

}  // namespace tb
