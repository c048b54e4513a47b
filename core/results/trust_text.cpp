#include "results/trust_text.h"

#include "results/comparison.h"
#include "results/table_text.h"

namespace tb {

using table::fixed;

std::string steadyStateText(const SteadyStateRecord& steady) {
  return fixed(steady.samplesPerSecond, throughputDecimals(steady.samplesPerSecond)) +
         " samples/s (step p50 " + fixed(1000.0 * steady.stepSecondsP50, 3) + " ms, p95 " +
         fixed(1000.0 * steady.stepSecondsP95, 3) + " ms; " + std::to_string(steady.steps) +
         " steps after " + std::to_string(steady.warmupSteps) + " warm-up steps)";
}

std::string projectionText(const ProjectionRecord& projection) {
  return "(" + std::to_string(projection.epochs) + " epochs on " +
         std::to_string(projection.trainSamples) + "/" + std::to_string(projection.testSamples) +
         " images): " + fixed(projection.totalSeconds, 2) + " seconds, 95% interval " +
         fixed(projection.low, 2) + "-" + fixed(projection.high, 2) + " (from " +
         std::to_string(projection.basisSteps) + " steady-state steps in a " +
         fixed(projection.budgetSeconds, 0) + "-second budget)";
}

std::string rankText(const RankRecord& rank) {
  return "rank " + std::to_string(rank.rank) + " on " + rank.host + " (" + rank.device +
         "): " + fixed(rank.samplesPerSecond, 1) + " samples/s, " +
         fixed(100.0 * rank.communicationShare, 1) + "% of its training time in allreduce";
}

}  // namespace tb
