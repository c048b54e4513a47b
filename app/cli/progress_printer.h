// Prints a run's progress: a Keras-style live bar on a terminal, plain lines otherwise.
#pragma once

#include "engine/run_observer.h"

#include <chrono>
#include <cstdio>
#include <string>

namespace tb::cli {

class ProgressPrinter final : public RunObserver {
 public:
  enum class Style { Bar, Lines, Silent };
  ProgressPrinter(std::FILE* out, Style style);

  void runStarted(const RunStarted& event) override;
  void batchProgress(const BatchProgress& event) override;
  void epochFinished(const EpochRecord& epoch) override;
  void evaluationStarted() override;
  void evaluationFinished(const TestRecord& test) override;
  // Ends a bar left mid-line (a run that failed or was cancelled mid-epoch), so that what is
  // printed next starts a line of its own.
  void finishLine();

 private:
  // `redrawn`: the line is drawn over by the next one, so it must fit on one terminal row.
  void printBar(std::int64_t step, const std::string& tail, bool redrawn);
  // The steps an epoch trained: all of them, or fewer where the time budget cut it short.
  std::int64_t stepsDone(const EpochRecord& epoch) const;

  std::FILE* m_out;
  Style m_style;
  int m_epochs = 0;
  std::int64_t m_stepsPerEpoch = 0;
  std::int64_t m_imagesPerStep = 0;  // the batch over all ranks
  int m_currentEpoch = 0;
  bool m_lineOpen = false;  // a bar was drawn and its line not yet ended
};

// Bar when `out` is a terminal that can erase a line, plain lines when it is a pipe or file, or
// a terminal that cannot (TERM=dumb or unset).
ProgressPrinter::Style styleFor(std::FILE* out, bool quiet);
// The terminal's width: what it says, else $COLUMNS, else the 80 columns terminals start with.
int terminalColumns(std::FILE* out);

}  // namespace tb::cli
