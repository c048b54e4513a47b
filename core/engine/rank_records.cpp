// gatherRankRecords and averageOverRanks (rank_records.h): one line per rank through the
// exchange.
#include "engine/rank_records.h"

#include "results/table_text.h"

#include <algorithm>
#include <cstdlib>
#include <iomanip>
#include <locale>
#include <map>
#include <optional>
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

std::int64_t batchAsGiven(const std::optional<DistributedRecord>& distributed,
                          std::int64_t rankBatch) {
  const bool strong =
      distributed && distributed->scaling == "strong" && distributed->globalBatch > 0;
  return strong ? distributed->globalBatch : rankBatch;
}

std::string rankShareNote(const std::optional<DistributedRecord>& distributed,
                          std::int64_t rankBatch) {
  if (batchAsGiven(distributed, rankBatch) == rankBatch) return {};
  const std::string ranks = std::to_string(distributed->worldSize);
  return " (with --scaling strong each of the " + ranks + " ranks trains " +
         std::to_string(rankBatch) + " of --batch-size " +
         std::to_string(distributed->globalBatch) +
         "'s images: these batches are a rank's, and --batch-size is " + ranks + " times one)";
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
                             int threads, int machineCpus) {
  const std::string mine = host + '\t' + (cpuRank ? "1" : "0") + '\t' + std::to_string(threads) +
                           '\t' + std::to_string(machineCpus);
  struct Host {
    int ranks = 0;
    long threads = 0;
    int cpus = 0;
  };
  std::map<std::string, Host> hosts;
  for (const std::string& line : exchange.gatherStrings(mine)) {
    const std::vector<std::string> fields = fieldsOf(line);
    if (fields.size() != 4 || fields[1] != "1") continue;
    Host& shared = hosts[fields[0]];
    ++shared.ranks;
    shared.threads += std::strtol(fields[2].c_str(), nullptr, 10);
    shared.cpus = std::max(shared.cpus, static_cast<int>(std::strtol(fields[3].c_str(), nullptr, 10)));
  }
  const auto count = [](long n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::string warning;
  // One rank alone checks its own threads (tooManyThreadsWarning).
  for (const auto& [name, shared] : hosts) {
    if (shared.ranks < 2 || shared.cpus <= 0 || shared.threads <= shared.cpus) continue;
    // Ranks of one thread each can only be fewer.
    const std::string fix =
        shared.threads == shared.ranks
            ? "Run at most " + count(shared.cpus, "rank", "ranks") + " on it."
            : "Give its ranks " + count(shared.cpus, "thread", "threads") + " or fewer in all.";
    warning += std::string(warning.empty() ? "" : " ") + std::to_string(shared.ranks) +
               " ranks on " + name + " use " + count(shared.threads, "CPU thread", "CPU threads") +
               " in all, but it has only " + count(shared.cpus, "CPU", "CPUs") +
               ": the threads take turns on them, so the times measure that queueing more than "
               "the CPU. " + fix;
  }
  return warning;
}

std::string memoryLine(const std::string& host, const RankMemory& memory) {
  // Whole bytes: no locale's decimal point between the ranks.
  std::string line = host;
  for (const double bytes :
       {memory.neededBytes, memory.usableBytes, memory.stepBytes, memory.availableBytes}) {
    line += '\t' + std::to_string(static_cast<long long>(bytes));
  }
  return line;
}

SharedMemory sharedMemory(const std::vector<std::string>& lines) {
  struct Host {
    int ranks = 0;  // those that need memory of their own: CPU ranks
    RankMemory together;
    std::optional<double> leastFree;  // the lowest reading: ranks load their data at their pace
  };
  std::map<std::string, Host> hosts;
  for (const std::string& line : lines) {
    const std::vector<std::string> fields = fieldsOf(line);
    if (fields.size() != 5) continue;
    const auto bytes = [&fields](int field) {
      return static_cast<double>(std::strtoll(fields[field].c_str(), nullptr, 10));
    };
    if (bytes(1) <= 0) continue;
    Host& shared = hosts[fields[0]];
    ++shared.ranks;
    shared.together.neededBytes += bytes(1);
    shared.together.usableBytes = bytes(2);
    shared.together.stepBytes += bytes(3);
    if (bytes(4) > 0) shared.leastFree = std::min(shared.leastFree.value_or(bytes(4)), bytes(4));
  }
  const auto gib = [](double bytes) { return table::fixed(bytes / (1024.0 * 1024 * 1024), 1); };
  SharedMemory memory;
  for (const auto& [name, shared] : hosts) {
    const RankMemory& together = shared.together;
    const std::string ranks = "the " + std::to_string(shared.ranks) + " CPU ranks on " + name;
    // One rank alone checked its own against the machine (step_memory.h).
    if (shared.ranks >= 2 && together.usableBytes > 0 &&
        together.neededBytes > together.usableBytes) {
      memory.problem += std::string(memory.problem.empty() ? "--data-parallel: " : "; ") + ranks +
                        " need about " + gib(together.neededBytes) +
                        " GiB together for their data and training steps, more than its " +
                        gib(together.usableBytes) + " GiB of memory";
    } else if (shared.leastFree && together.stepBytes > *shared.leastFree) {
      memory.warning +=
          std::string(memory.warning.empty() ? "" : "; ") +
          (shared.ranks >= 2 ? "the training steps of " + ranks + " need about "
                             : "the training step of the CPU rank on " + name + " needs about ") +
          gib(together.stepBytes) + " GiB of memory, more than the " + gib(*shared.leastFree) +
          " GiB free when the run started";
    }
  }
  if (!memory.problem.empty()) {
    memory.problem += "; fewer ranks on a machine, or a smaller --batch-size, fit";
  }
  if (!memory.warning.empty()) {
    memory.warning +=
        ": the system may have moved memory to disk, which slows the steps it "
        "times. Close other programs or train a smaller --batch-size.";
  }
  return memory;
}

SharedMemory sharedMemory(GradientExchange& exchange, const std::string& host,
                          const RankMemory& mine) {
  return sharedMemory(exchange.gatherStrings(memoryLine(host, mine)));
}

namespace {
// Between a rank's host and its warnings, which are sentences (a tab or a line break may be in
// one).
constexpr char kRecordSeparator = '\x1e';
}  // namespace

std::string warningsLine(const std::string& host, const std::vector<std::string>& warnings) {
  std::string line = host;
  for (const std::string& warning : warnings) line += kRecordSeparator + warning;
  return line;
}

std::vector<std::string> otherRanksWarnings(const std::vector<std::string>& lines,
                                            const std::vector<std::string>& mine) {
  std::vector<std::string> order;             // each warning as first said
  std::map<std::string, std::string> saidBy;  // warning -> "rank 1 on node2, rank 3 on node3"
  for (std::size_t rank = 1; rank < lines.size(); ++rank) {
    std::vector<std::string> fields;
    std::string field;
    for (const char c : lines[rank] + kRecordSeparator) {
      if (c != kRecordSeparator) {
        field += c;
        continue;
      }
      fields.push_back(field);
      field.clear();
    }
    const std::string who = "rank " + std::to_string(rank) + " on " + fields.front();
    for (std::size_t i = 1; i < fields.size(); ++i) {
      const std::string& warning = fields[i];
      if (warning.empty() || std::find(mine.begin(), mine.end(), warning) != mine.end()) continue;
      std::string& ranks = saidBy[warning];
      if (ranks.empty()) order.push_back(warning);
      ranks += (ranks.empty() ? "" : ", ") + who;
    }
  }
  std::vector<std::string> warnings;
  for (const std::string& warning : order) warnings.push_back(saidBy[warning] + ": " + warning);
  return warnings;
}

std::vector<std::string> otherRanksWarnings(GradientExchange& exchange, const std::string& host,
                                            const std::vector<std::string>& mine) {
  const std::vector<std::string> lines = exchange.gatherStrings(warningsLine(host, mine));
  if (exchange.rank() != 0) return {};
  return otherRanksWarnings(lines, mine);
}

}  // namespace tb
