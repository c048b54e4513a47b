// What rank 0 of a local data-parallel run leaves for its launcher (local_ranks.cpp): rank 0
// saves the run, and when the system kills it (out of memory, most often) nothing would be. So
// it keeps the run as it stands in a file the launcher names; the launcher saves that, as
// failed, with the epochs rank 0 finished.
#pragma once

#include "engine/run_observer.h"
#include "results/run_result.h"

#include <chrono>
#include <optional>
#include <string>

namespace tb::cli {

// The file rank 0 keeps, set by the launcher in every rank's environment.
inline constexpr const char* kRankJournalVariable = "TRAINBENCH_RANK_JOURNAL";

// Passes every event on to `inner`, and first keeps the run so far in `path`: at its start and
// as epochs end, at most every 2 s (the write happens between epochs, on the run's clock: a
// plain write, no fsync, so it costs microseconds).
class RankJournal final : public RunObserver {
 public:
  RankJournal(RunObserver& inner, std::string path) : m_inner(inner), m_path(std::move(path)) {}

  void runStarted(const RunStarted& event) override;
  void batchProgress(const BatchProgress& event) override { m_inner.batchProgress(event); }
  void epochFinished(const EpochRecord& epoch) override;
  void evaluationStarted() override;
  void evaluationFinished(const TestRecord& test) override { m_inner.evaluationFinished(test); }
  void telemetry(const TelemetrySample& sample) override { m_inner.telemetry(sample); }
  void runFinished(const RunResult& result) override { m_inner.runFinished(result); }

  // Rank 0 has saved the run (or tried): the file goes, so that the launcher does not save it
  // again when rank 0 is killed on its way out, and nothing is written after.
  void finish();

 private:
  void write();

  RunObserver& m_inner;
  std::string m_path;
  RunResult m_soFar;
  std::optional<std::chrono::steady_clock::time_point> m_written;
  std::size_t m_writtenEpochs = 0;
  bool m_finished = false;
};

struct RunOptions;

// The run rank 0 left in `path`, saved as failed beside where rank 0 would have saved it
// (`options`' --out), `why` first in its error, when it had finished an epoch: the saved path,
// or empty (said on stderr). No file at `path`: rank 0 had saved the run itself (finish()).
std::string saveWhatRankZeroLeft(const RunOptions& options, const std::string& path,
                                 const std::string& why);

}  // namespace tb::cli
