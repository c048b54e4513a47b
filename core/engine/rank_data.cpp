#include "engine/rank_data.h"

#include "engine/gradient_exchange.h"

#include <vector>

namespace tb {

namespace {

constexpr const char* kOk = "ok ";
constexpr const char* kFailed = "failed ";

bool startsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

std::string loadedData(std::int64_t trainImages) { return kOk + std::to_string(trainImages); }

std::string failedToLoad(const std::string& why) { return kFailed + why; }

DataAgreement agreeOnData(GradientExchange& exchange, const std::string& mine) {
  const std::vector<std::string> all = exchange.gatherStrings(mine);
  DataAgreement agreement;
  for (std::size_t r = 0; r < all.size(); ++r) {
    if (all[r] == cancelledLoading()) {
      agreement.cancelled = true;
      return agreement;
    }
    if (!startsWith(all[r], kOk)) {
      const std::string why = startsWith(all[r], kFailed)
                                  ? ": " + all[r].substr(std::string(kFailed).size())
                                  : std::string();
      agreement.problem = "rank " + std::to_string(r) + " could not load its data" + why;
      return agreement;
    }
  }
  const std::size_t ok = std::string(kOk).size();
  for (std::size_t r = 1; r < all.size(); ++r) {
    if (all[r] == all[0]) continue;
    agreement.problem = "the ranks loaded different training sets: rank 0 has " +
                        all[0].substr(ok) + " images, rank " + std::to_string(r) + " has " +
                        all[r].substr(ok) +
                        "; every rank needs the same dataset files (--data-dir) and --train-limit";
    return agreement;
  }
  return agreement;
}

std::string leftOutImagesWarning(std::int64_t samples, std::int64_t batch, int world) {
  const std::int64_t stepImages = batch * world;
  if (world <= 1 || stepImages <= 0) return {};
  const std::int64_t trained = samples / stepImages * stepImages;
  // A few images short (59 968 of 60 000) changes no total worth reading; more does, and the
  // result's size still says the whole set, so it says so.
  if (trained == 0 || (samples - trained) * 100 < samples) return {};
  return "each epoch trained " + std::to_string(trained) + " of the " + std::to_string(samples) +
         " training images (" + std::to_string(world) + " ranks take " +
         std::to_string(stepImages) +
         " a step and leave the rest out): compare its samples/s, not its total time";
}

}  // namespace tb
