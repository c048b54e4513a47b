#include "progress_printer.h"

#include "data/data_paths.h"
#include "util/clock_text.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace tb::cli {

namespace {

constexpr int kBarWidth = 30;     // Keras's, where the terminal has room for it
constexpr int kMinBarWidth = 10;  // narrower says too little; the tail gives way instead
// The usual length of what follows the bar ("ETA: 1:05 - loss: 0.3712 - accuracy: 0.8935", or an
// epoch's "3s 1ms/step - loss: ..."): the bar's width is set from it, not from each line's own
// tail, so that the bar keeps its width while the ETA's length changes.
constexpr int kUsualTailLength = 45;

// As Keras's progress bar: "45s" under a minute, then "1:05" and "1:02:03".
std::string formatDuration(double seconds) {
  if (seconds >= 59.5) return clockText(seconds);
  return std::to_string(seconds > 0 ? std::lround(seconds) : 0L) + "s";  // NaN reads 0s
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

// An epoch line's time: hundredths of a second, or milliseconds where that would read "0.00s"
// (a small or synthetic run on a fast device).
std::string formatEpochSeconds(double seconds) {
  char buffer[32];
  if (seconds >= 0.1) {
    std::snprintf(buffer, sizeof buffer, "%.2fs", seconds);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1fms", seconds * 1e3);
  }
  return buffer;
}

std::string lossAndAccuracy(double loss, double accuracy) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "loss: %.4f - accuracy: %.4f", loss, accuracy);
  return buffer;
}

}  // namespace

int terminalColumns(std::FILE* out) {
  winsize size{};
  if (::ioctl(fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    const int parsed = std::atoi(columns);
    if (parsed > 0) return parsed;
  }
  return 80;
}

ProgressPrinter::Style styleFor(std::FILE* out, bool quiet) {
  if (quiet) return ProgressPrinter::Style::Silent;
  // A terminal that cannot erase a line (Emacs' shell, some CI logs: TERM=dumb or none) would
  // show the bar's escapes and every redraw.
  const char* term = std::getenv("TERM");
  const bool erases = term && *term && std::strcmp(term, "dumb") != 0;
  return isatty(fileno(out)) && erases ? ProgressPrinter::Style::Bar
                                       : ProgressPrinter::Style::Lines;
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
               workload.dataSource == "synthetic"      ? " (synthetic data)"
               : workload.dataSource == kCustomFiles ? " (custom files, not the published set)"
                                                     : "",
               m_epochs,
               m_epochs == 1 ? "" : "s", event.header.config.batchSize);
  std::fflush(m_out);
}

void ProgressPrinter::printBar(std::int64_t step, const std::string& tail, bool redrawn) {
  const std::string total = std::to_string(m_stepsPerEpoch);
  std::string counter = std::to_string(step);
  counter.insert(0, total.size() > counter.size() ? total.size() - counter.size() : 0, ' ');
  counter += '/' + total;
  // A line longer than the terminal wraps, and the erase below clears only its last row: each
  // redraw would leave a row behind. So the line keeps to the width, less one column (a line
  // that fills the last column wraps on some terminals); the bar narrows first, then a redrawn
  // line's tail is cut. A line drawn once, the epoch's last, keeps its tail and may wrap.
  const int room = terminalColumns(m_out) - 1;
  // The epoch's closing line by its own tail ("12s 13ms/step - ..." is longer than the usual).
  const int tailLength = redrawn ? kUsualTailLength : static_cast<int>(tail.size());
  const int besideBar = static_cast<int>(counter.size() + std::strlen(" [] - ")) + tailLength;
  const int barWidth = std::clamp(room - besideBar, kMinBarWidth, kBarWidth);
  const double fraction =
      m_stepsPerEpoch > 0 ? static_cast<double>(step) / static_cast<double>(m_stepsPerEpoch) : 1;
  const int filled = static_cast<int>(fraction * barWidth);
  std::string bar(static_cast<std::size_t>(barWidth), '.');
  for (int i = 0; i < filled && i < barWidth; ++i) bar[static_cast<std::size_t>(i)] = '=';
  if (filled < barWidth) bar[static_cast<std::size_t>(filled)] = '>';
  std::string shownTail = tail;
  const auto length = [&] { return counter.size() + bar.size() + std::strlen(" [] - ") + shownTail.size(); };
  if (redrawn && room > 0) {
    // Whole " - field" parts go from the end: a figure cut short ("loss: 0.37") would read as
    // another figure.
    for (std::size_t cut; length() > static_cast<std::size_t>(room) &&
                          (cut = shownTail.rfind(" - ")) != std::string::npos;) {
      shownTail.resize(cut);
    }
    if (length() > static_cast<std::size_t>(room)) shownTail.clear();
  }
  std::string line = counter + " [" + bar + "] - " + shownTail;
  if (redrawn && room > 0 && line.size() > static_cast<std::size_t>(room)) {
    line.resize(static_cast<std::size_t>(room));  // a terminal too narrow for the bar itself
  }
  // \r plus the erase-line escape redraws the bar in place, as Keras does.
  std::fprintf(m_out, "\r\033[K%s", line.c_str());
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
  const double perStep =
      event.epochSeconds / static_cast<double>(std::max<std::int64_t>(1, event.step));
  std::string tail =
      "ETA: " + formatDuration(perStep * static_cast<double>(event.stepsPerEpoch - event.step));
  if (event.runningLoss && event.runningAccuracy) {
    tail += " - " + lossAndAccuracy(*event.runningLoss, *event.runningAccuracy);
  }
  printBar(event.step, tail, true);
}

void ProgressPrinter::epochFinished(const EpochRecord& epoch) {
  if (m_style == Style::Silent) return;
  const std::int64_t steps = stepsDone(epoch);
  // An epoch the time budget stopped part way: its time is no epoch's (as `show` marks it).
  const char* cutShort = steps < m_stepsPerEpoch ? " (cut short by the time budget)" : "";
  if (m_style == Style::Lines) {
    std::fprintf(m_out, "Epoch %d/%d - %s - %.0f samples/s - %s%s\n", epoch.epoch, m_epochs,
                 formatEpochSeconds(epoch.seconds).c_str(), epoch.samplesPerSecond,
                 lossAndAccuracy(epoch.trainLoss, epoch.trainAccuracy).c_str(), cutShort);
    std::fflush(m_out);
    return;
  }
  if (epoch.epoch != m_currentEpoch) {  // an epoch too short for any progress event
    m_currentEpoch = epoch.epoch;
    std::fprintf(m_out, "Epoch %d/%d\n", epoch.epoch, m_epochs);
  }
  const double secondsPerStep =
      epoch.seconds / static_cast<double>(std::max<std::int64_t>(1, steps));
  char timing[64];
  std::snprintf(timing, sizeof timing, "%s %s - ", formatDuration(epoch.seconds).c_str(),
                formatStepTime(secondsPerStep).c_str());
  printBar(steps, timing + lossAndAccuracy(epoch.trainLoss, epoch.trainAccuracy) + cutShort, false);
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
