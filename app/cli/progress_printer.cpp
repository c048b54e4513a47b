#include "progress_printer.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace tb::cli {

namespace {

constexpr int kBarWidth = 30;

std::string formatDuration(double seconds) {
  char buffer[32];
  if (seconds >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%d:%02d:%02d", static_cast<int>(seconds / 3600),
                  static_cast<int>(std::fmod(seconds, 3600) / 60),
                  static_cast<int>(std::fmod(seconds, 60)));
  } else if (seconds >= 60) {
    std::snprintf(buffer, sizeof buffer, "%d:%02d", static_cast<int>(seconds / 60),
                  static_cast<int>(std::fmod(seconds, 60)));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.0fs", seconds);
  }
  return buffer;
}

// As Keras writes it: "2s/step", "12ms/step", "573us/step" (a fast step read "1ms/step", a GPU's
// "0ms/step").
std::string formatStepTime(double seconds) {
  char buffer[32];
  if (seconds >= 1.0) {
    std::snprintf(buffer, sizeof buffer, "%.0fs/step", seconds);
  } else if (seconds >= 1e-3) {
    std::snprintf(buffer, sizeof buffer, "%.0fms/step", seconds * 1e3);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.0fus/step", seconds * 1e6);
  }
  return buffer;
}

std::string lossAndAccuracy(double loss, double accuracy) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "loss: %.4f - accuracy: %.4f", loss, accuracy);
  return buffer;
}

}  // namespace

ProgressPrinter::Style styleFor(std::FILE* out, bool quiet) {
  if (quiet) return ProgressPrinter::Style::Silent;
  return isatty(fileno(out)) ? ProgressPrinter::Style::Bar : ProgressPrinter::Style::Lines;
}

ProgressPrinter::ProgressPrinter(std::FILE* out, Style style) : m_out(out), m_style(style) {}

void ProgressPrinter::runStarted(const RunStarted& event) {
  m_epochs = event.header.config.epochs;
  m_stepsPerEpoch = event.stepsPerEpoch;
  const auto& header = event.header;
  m_imagesPerStep = header.distributed && header.distributed->globalBatch > 0
                        ? header.distributed->globalBatch
                        : header.config.batchSize;
  if (m_style == Style::Silent) return;
  const auto& workload = event.header.workload;
  std::fprintf(m_out, "%s on %s (%s): %lld training / %lld test images%s, %d epoch%s, batch %d\n",
               workload.name.c_str(), event.header.device.id.c_str(),
               event.header.device.name.c_str(), static_cast<long long>(workload.trainSamples),
               static_cast<long long>(workload.testSamples),
               workload.dataSource == "synthetic" ? " (synthetic data)" : "", m_epochs,
               m_epochs == 1 ? "" : "s", event.header.config.batchSize);
  std::fflush(m_out);
}

void ProgressPrinter::printBar(std::int64_t step, const std::string& tail) {
  const double fraction =
      m_stepsPerEpoch > 0 ? static_cast<double>(step) / static_cast<double>(m_stepsPerEpoch) : 1;
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::string bar(static_cast<std::size_t>(kBarWidth), '.');
  for (int i = 0; i < filled && i < kBarWidth; ++i) bar[static_cast<std::size_t>(i)] = '=';
  if (filled < kBarWidth) bar[static_cast<std::size_t>(filled)] = '>';
  const int width = static_cast<int>(std::to_string(m_stepsPerEpoch).size());
  // \r plus the erase-line escape redraws the bar in place, as Keras does.
  std::fprintf(m_out, "\r\033[K%*lld/%lld [%s] - %s", width, static_cast<long long>(step),
               static_cast<long long>(m_stepsPerEpoch), bar.c_str(), tail.c_str());
  std::fflush(m_out);
  m_lineOpen = true;
}

void ProgressPrinter::finishLine() {
  if (!m_lineOpen) return;
  std::fprintf(m_out, "\n");
  std::fflush(m_out);
  m_lineOpen = false;
}

void ProgressPrinter::batchProgress(const BatchProgress& event) {
  if (m_style != Style::Bar) return;
  if (event.epoch != m_currentEpoch) {
    m_currentEpoch = event.epoch;
    std::fprintf(m_out, "Epoch %d/%d\n", event.epoch, event.epochs);
  }
  const double perStep = event.epochSeconds / static_cast<double>(std::max<std::int64_t>(1, event.step));
  std::string tail = "ETA: " + formatDuration(perStep * static_cast<double>(event.stepsPerEpoch - event.step));
  if (event.runningLoss && event.runningAccuracy) {
    tail += " - " + lossAndAccuracy(*event.runningLoss, *event.runningAccuracy);
  }
  printBar(event.step, tail);
}

void ProgressPrinter::epochFinished(const EpochRecord& epoch) {
  if (m_style == Style::Silent) return;
  const std::int64_t steps = stepsDone(epoch);
  // An epoch the time budget stopped part way: its time is no epoch's (as `show` marks it).
  const char* cutShort = steps < m_stepsPerEpoch ? " (cut short by the time budget)" : "";
  if (m_style == Style::Lines) {
    std::fprintf(m_out, "Epoch %d/%d - %.2fs - %.0f samples/s - %s%s\n", epoch.epoch, m_epochs,
                 epoch.seconds, epoch.samplesPerSecond,
                 lossAndAccuracy(epoch.trainLoss, epoch.trainAccuracy).c_str(), cutShort);
    std::fflush(m_out);
    return;
  }
  if (epoch.epoch != m_currentEpoch) {  // an epoch too short for any progress event
    m_currentEpoch = epoch.epoch;
    std::fprintf(m_out, "Epoch %d/%d\n", epoch.epoch, m_epochs);
  }
  const double secondsPerStep = epoch.seconds / static_cast<double>(std::max<std::int64_t>(1, steps));
  char timing[64];
  std::snprintf(timing, sizeof timing, "%s %s - ", formatDuration(epoch.seconds).c_str(),
                formatStepTime(secondsPerStep).c_str());
  printBar(steps, timing + lossAndAccuracy(epoch.trainLoss, epoch.trainAccuracy) + cutShort);
  finishLine();
}

std::int64_t ProgressPrinter::stepsDone(const EpochRecord& epoch) const {
  if (m_imagesPerStep <= 0 || !(epoch.seconds > 0.0) || !std::isfinite(epoch.samplesPerSecond)) {
    return m_stepsPerEpoch;
  }
  // The images it trained, from its throughput; a last, partial batch is a step of its own.
  const double images = epoch.seconds * epoch.samplesPerSecond;
  const double steps = std::ceil(images / static_cast<double>(m_imagesPerStep) - 1e-6);
  if (!(steps >= 1.0)) return 1;
  return std::min(m_stepsPerEpoch, static_cast<std::int64_t>(steps));
}

void ProgressPrinter::evaluationStarted() {
  if (m_style == Style::Silent) return;
  std::fprintf(m_out, "Evaluating on the test set...\n");
  std::fflush(m_out);
}

void ProgressPrinter::evaluationFinished(const TestRecord& test) {
  if (m_style == Style::Silent) return;
  std::fprintf(m_out, "Test %s\n", lossAndAccuracy(test.loss, test.accuracy).c_str());
  std::fflush(m_out);
}

}  // namespace tb::cli
