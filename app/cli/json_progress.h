// --progress json: the run's events as one JSON object per line on stdout, for programs that
// drive trainbench-cli (the app's data-parallel runs read them to draw live charts).
#pragma once

#include "engine/run_observer.h"

#include <cstdio>
#include <string>

namespace tb::cli {

// Lines, in order (docs/result-format.md, "Progress events"):
//   {"event":"started","steps_per_epoch":N,"header":{...a result file's keys, no metrics...}}
//   {"event":"batch","epoch":E,"epochs":N,"step":S,"steps_per_epoch":N,"epoch_seconds":X}
//   {"event":"epoch","epoch":E,"train_loss":L,"train_accuracy":A,"seconds":X,"samples_per_second":Y}
//   {"event":"evaluating"}
//   {"event":"test","loss":L,"accuracy":A}
//   {"event":"finished","device":D,"status":S,"error_kind":K,"error":E,"total_seconds":T,
//    "path":P}   (every run, however it ended; also one that failed before it started)
class JsonProgress final : public RunObserver {
 public:
  explicit JsonProgress(std::FILE* out) : m_out(out) {}

  // The "finished" line: how the run ended and where its result was saved (`path` empty: it
  // could not be saved). Not RunObserver::runFinished, which knows no path.
  void finishedEvent(const RunResult& result, const std::string& path);

  void runStarted(const RunStarted& event) override;
  void batchProgress(const BatchProgress& event) override;
  void epochFinished(const EpochRecord& epoch) override;
  void evaluationStarted() override;
  void evaluationFinished(const TestRecord& test) override;

 private:
  std::FILE* m_out;
};

}  // namespace tb::cli
