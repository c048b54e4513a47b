#include "json_progress.h"

#include "results/result_file.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace tb::cli {

namespace {

using Json = nlohmann::ordered_json;

Json number(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

void printLine(std::FILE* out, const Json& line) {
  std::fprintf(out, "%s\n", line.dump(-1, ' ', false, Json::error_handler_t::replace).c_str());
  std::fflush(out);
}

}  // namespace

void JsonProgress::runStarted(const RunStarted& event) {
  Json line{{"event", "started"}, {"steps_per_epoch", event.stepsPerEpoch}};
  Json header = Json::parse(toJson(event.header, -1));
  // How the run ended is not known yet: a "status": "failed" here would read as a failure.
  for (const char* key : {"status", "error", "error_kind"}) header.erase(key);
  line["header"] = std::move(header);
  printLine(m_out, line);
}

void JsonProgress::batchProgress(const BatchProgress& event) {
  printLine(m_out, Json{{"event", "batch"},
                        {"epoch", event.epoch},
                        {"epochs", event.epochs},
                        {"step", event.step},
                        {"steps_per_epoch", event.stepsPerEpoch},
                        {"epoch_seconds", number(event.epochSeconds)}});
}

void JsonProgress::epochFinished(const EpochRecord& epoch) {
  printLine(m_out, Json{{"event", "epoch"},
                        {"epoch", epoch.epoch},
                        {"train_loss", number(epoch.trainLoss)},
                        {"train_accuracy", number(epoch.trainAccuracy)},
                        {"seconds", number(epoch.seconds)},
                        {"samples_per_second", number(epoch.samplesPerSecond)}});
}

void JsonProgress::evaluationStarted() { printLine(m_out, Json{{"event", "evaluating"}}); }

void JsonProgress::evaluationFinished(const TestRecord& test) {
  printLine(m_out, Json{{"event", "test"},
                        {"loss", number(test.loss)},
                        {"accuracy", number(test.accuracy)}});
}

void JsonProgress::finishedEvent(const RunResult& result, const std::string& path) {
  const bool failed = result.status == RunStatus::Failed;
  printLine(m_out, Json{{"event", "finished"},
                        {"device", result.device.id},
                        {"status", toString(result.status)},
                        {"error_kind", failed ? Json(toString(result.failure)) : Json(nullptr)},
                        {"error", result.error.empty() ? Json(nullptr) : Json(result.error)},
                        {"total_seconds", result.totalSeconds ? number(*result.totalSeconds)
                                                              : Json(nullptr)},
                        {"path", path.empty() ? Json(nullptr) : Json(path)}});
}

}  // namespace tb::cli
