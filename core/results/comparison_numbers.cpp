// The comparison's number formats: speed-ups, peak ratios, TFLOPS and efficiencies with as many
// decimals as their size needs, '.' as the decimal point whatever the locale.
#include "results/comparison.h"

#include "results/table_text.h"

#include <cmath>

namespace tb {

using table::fixed;

std::string formatSpeedup(double speedup) {
  // A CPU training ResNet-50 next to a GPU is hundreds of times slower: not "0.00x".
  if (std::fabs(speedup) < 0.1) return formatRatio(speedup);
  // Two GPUs 0.4% apart, their intervals apart too, must not both read "1.00x": a difference
  // from the baseline keeps the digits that show it (up to four).
  // A difference too small for four ("1.0000x") reads as the baseline's 1.00x.
  for (int decimals = 2; decimals <= 4; ++decimals) {
    const std::string text = fixed(speedup, decimals);
    if (speedup == 1.0 || text != fixed(1.0, decimals)) return text + "x";
  }
  return fixed(speedup, 2) + "x";
}

std::string formatRatio(double ratio) {
  // A laptop CPU's peak can be 1/1000 of a GPU's: "0.00x" would hide it.
  const double magnitude = std::fabs(ratio);
  const int decimals = magnitude >= 0.1 ? 2 : magnitude >= 0.01 ? 3 : magnitude >= 0.001 ? 4 : 5;
  return fixed(ratio, decimals) + "x";
}

int throughputDecimals(double samplesPerSecond) {
  const double magnitude = std::fabs(samplesPerSecond);
  return magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
}

std::string formatTflops(double tflops) {
  const double magnitude = std::fabs(tflops);
  const int decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2
                       : magnitude >= 0.1 ? 3 : magnitude >= 0.01 ? 4 : 5;
  return fixed(tflops, decimals);
}

std::string formatEfficiency(double efficiency) {
  // Small models on big GPUs reach well under 1% (an MLP in bf16 on an H200: 0.002%): more
  // decimals the smaller it is, so it never reads "0.00%".
  const double percent = 100.0 * efficiency;
  const double magnitude = std::fabs(percent);
  if (magnitude == 0.0) return "0%";
  const int decimals = magnitude >= 1.0 ? 1 : magnitude >= 0.1 ? 2 : magnitude >= 0.01 ? 3
                       : magnitude >= 0.001 ? 4 : 5;
  return fixed(percent, decimals) + "%";
}

}  // namespace tb
