// RunResult <-> JSON text (schema "trainbench-result/1", docs/result-format.md). Reading is
// strict about the keys this version needs and silent about keys it does not know, so files from
// later 1.x writers still load.
#include "results/result_checks.h"
#include "results/result_file.h"
#include "results/result_json_parts.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace tb {
namespace {

using namespace result_json;

constexpr const char* kSchemaPrefix = "trainbench-result/";
// A result nests 4 levels deep (timeline[].gpus[]); the limit leaves room for later 1.x keys
// while refusing a file of nested brackets before the parser builds a node for each of them
// (57 MB of "[" once took 4.6 GB and 42 s to refuse).
constexpr int kMaxJsonDepth = 64;
constexpr std::size_t kMaxJsonValues = 4'000'000;

// How deep arrays and objects nest in a document, and how many values it holds (the root, each
// object member's value and each array element, containers included), read from the text
// without building anything.
struct JsonShape {
  int deepest = 0;
  std::size_t values = 0;
};

// Counts brackets, colons and commas outside strings; stops early once past either limit.
// Malformed text is left to the parser to describe.
JsonShape jsonShape(const std::string& text, int depthLimit, std::size_t valueLimit) {
  JsonShape shape;
  std::vector<char> open;  // the containers around the current point: '[' or '{'
  bool inString = false;
  bool escaped = false;
  bool elementDue = false;  // just after '[' or an array's ',': the next token starts a value
  for (const char ch : text) {
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (ch == '\\') {
        escaped = true;
      } else if (ch == '"') {
        inString = false;
      }
      continue;
    }
    if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') continue;
    if (shape.values == 0 || (elementDue && ch != ']')) ++shape.values;
    elementDue = false;
    if (shape.deepest > depthLimit || shape.values > valueLimit) break;
    switch (ch) {
      case '"': inString = true; break;
      case '[':
      case '{':
        open.push_back(ch);
        shape.deepest = std::max(shape.deepest, static_cast<int>(open.size()));
        elementDue = ch == '[';
        break;
      case ']':
      case '}':
        if (!open.empty()) open.pop_back();
        break;
      case ':': ++shape.values; break;
      case ',': elementDue = !open.empty() && open.back() == '['; break;
      default: break;
    }
  }
  return shape;
}

// Accepts "trainbench-result/1"; anything else is either not ours or from a newer writer.
void checkSchema(const Reader& reader, const Json& root) {
  auto it = root.find("schema");
  if (it == root.end()) reader.fail("not a TrainBench result: no \"schema\" key");
  if (!it->is_string()) reader.fail("not a TrainBench result: \"schema\" is not a string");
  const std::string schema = it->get<std::string>();
  const std::string prefix = kSchemaPrefix;
  if (schema.compare(0, prefix.size(), prefix) != 0) {
    reader.fail("not a TrainBench result: schema is " + Reader::quoted(schema));
  }
  // "N", or "N.M": a minor revision adds only optional keys, which this reader ignores.
  const std::string version = schema.substr(prefix.size());
  const std::string majorText = version.substr(0, version.find('.'));
  const std::string minorText =
      majorText.size() < version.size() ? version.substr(majorText.size() + 1) : "0";
  const auto allDigits = [](const std::string& text) {
    return !text.empty() && text.size() <= 6 && text.find_first_not_of("0123456789") == std::string::npos;
  };
  const bool digits = allDigits(majorText) && allDigits(minorText);
  int major = digits ? std::stoi(majorText) : 0;
  if (major > kResultSchemaVersion) {
    reader.fail("written by a newer TrainBench: schema " + schema + "; this version reads up to /" +
                std::to_string(kResultSchemaVersion));
  }
  if (major != kResultSchemaVersion) reader.fail("unsupported schema " + Reader::quoted(schema));
}

// The device's optional facts are written only when known (GPUs; a probed peak), so CPU-only
// results without a probe look as before.
OrderedJson deviceJson(const DeviceRecord& device) {
  OrderedJson json = {{"id", device.id}, {"kind", device.kind}, {"name", device.name}};
  if (device.memoryMb) json["memory_mb"] = number(device.memoryMb);
  if (device.computeCapability) json["compute_capability"] = *device.computeCapability;
  if (device.driverVersion) json["driver_version"] = *device.driverVersion;
  if (device.cudaRuntime) json["cuda_runtime"] = *device.cudaRuntime;
  if (device.cudnnVersion) json["cudnn_version"] = *device.cudnnVersion;
  if (device.powerLimitW) json["power_limit_w"] = number(device.powerLimitW);
  if (device.peak) {
    const PeakFigures& peak = *device.peak;
    json["peak"] = {{"fp32_tflops", number(peak.fp32Tflops)},
                    {"tf32_tflops", number(peak.tf32Tflops)},
                    {"bf16_tflops", number(peak.bf16Tflops)},
                    {"fp16_tflops", number(peak.fp16Tflops)},
                    {"bandwidth_gbs", number(peak.bandwidthGbs)},
                    {"note", peak.note.empty() ? OrderedJson(nullptr) : OrderedJson(peak.note)}};
  }
  return json;
}

OrderedJson gpusJson(const std::vector<GpuSample>& gpus) {
  OrderedJson list = OrderedJson::array();
  for (const GpuSample& gpu : gpus) {
    list.push_back({{"device", gpu.device},
                    {"util_percent", number(gpu.utilPercent)},
                    {"memory_used_mb", number(gpu.memoryUsedMb)},
                    {"memory_total_mb", number(gpu.memoryTotalMb)},
                    {"power_w", number(gpu.powerW)},
                    {"temperature_c", number(gpu.temperatureC)},
                    {"sm_clock_mhz", number(gpu.smClockMhz)}});
  }
  return list;
}

std::optional<std::string> optionalString(const Reader& reader, const Json& parent,
                                          const std::string& path, const char* key) {
  const Json* value = reader.optionalValue(parent, key);
  if (!value) return std::nullopt;
  if (!value->is_string()) reader.fail(childPath(path, key) + " must be a string or null");
  return value->get<std::string>();
}

void readDeviceFacts(const Reader& reader, const Json& d, DeviceRecord& device) {
  device.memoryMb = reader.optionalNumber(d, "device", "memory_mb");
  device.computeCapability = optionalString(reader, d, "device", "compute_capability");
  device.driverVersion = optionalString(reader, d, "device", "driver_version");
  device.cudaRuntime = optionalString(reader, d, "device", "cuda_runtime");
  device.cudnnVersion = optionalString(reader, d, "device", "cudnn_version");
  device.powerLimitW = reader.optionalNumber(d, "device", "power_limit_w");
  if (const Json* peak = reader.optionalValue(d, "peak")) {
    if (!peak->is_object()) reader.fail("device.peak must be an object or null");
    PeakFigures figures;
    figures.fp32Tflops = reader.optionalNumber(*peak, "device.peak", "fp32_tflops");
    figures.tf32Tflops = reader.optionalNumber(*peak, "device.peak", "tf32_tflops");
    figures.bf16Tflops = reader.optionalNumber(*peak, "device.peak", "bf16_tflops");
    figures.fp16Tflops = reader.optionalNumber(*peak, "device.peak", "fp16_tflops");
    figures.bandwidthGbs = reader.optionalNumber(*peak, "device.peak", "bandwidth_gbs");
    figures.note = optionalString(reader, *peak, "device.peak", "note").value_or("");
    device.peak = figures;
  }
}

std::vector<GpuSample> readGpus(const Reader& reader, const Json& item, const std::string& path) {
  std::vector<GpuSample> gpus;
  const Json* list = reader.optionalValue(item, "gpus");
  if (!list) return gpus;
  if (!list->is_array()) reader.fail(path + ".gpus must be an array");
  for (std::size_t g = 0; g < list->size(); ++g) {
    const Json& entry = (*list)[g];
    const std::string at = path + ".gpus[" + std::to_string(g) + "]";
    if (!entry.is_object()) reader.fail(at + " must be an object");
    GpuSample gpu;
    gpu.device = reader.string(entry, at, "device");
    gpu.utilPercent = reader.optionalNumber(entry, at, "util_percent");
    gpu.memoryUsedMb = reader.optionalNumber(entry, at, "memory_used_mb");
    gpu.memoryTotalMb = reader.optionalNumber(entry, at, "memory_total_mb");
    gpu.powerW = reader.optionalNumber(entry, at, "power_w");
    gpu.temperatureC = reader.optionalNumber(entry, at, "temperature_c");
    gpu.smClockMhz = reader.optionalNumber(entry, at, "sm_clock_mhz");
    gpus.push_back(std::move(gpu));
  }
  return gpus;
}

Json parseDocument(const Reader& reader, const std::string& text) {
  // Refused before parsing: a file of nested brackets once took 4.6 GB and 42 s to refuse.
  // And wide: 21 million empty objects fit in 64 MiB and took 2.4 GB and 17 s to parse. The
  // largest result the writer makes holds about two million values (100 000 epochs of 6, and a
  // timeline thinned to 100 000 samples of up to 14 with a GPU): twice that is allowed. Counted
  // in the text, not by a parser callback: nlohmann's callback parser searches the enclosing
  // array after every object, and 100 000 epochs took seconds.
  const JsonShape shape = jsonShape(text, kMaxJsonDepth, kMaxJsonValues);
  if (shape.deepest > kMaxJsonDepth) {
    reader.fail("not a TrainBench result: nested deeper than " + std::to_string(kMaxJsonDepth) +
                " levels");
  }
  if (shape.values > kMaxJsonValues) {
    reader.fail("not a TrainBench result: more than " + std::to_string(kMaxJsonValues) +
                " values");
  }
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::exception& e) {
    // Keep nlohmann's "parse error at line L, column C: ..." and drop its "[json.exception.*]".
    std::string what = e.what();
    auto at = what.find("parse error");
    reader.fail("not valid JSON: " + (at == std::string::npos ? what : what.substr(at)));
  }
  if (!root.is_object()) {
    reader.fail(std::string("not a TrainBench result: the top level is ") + root.type_name() +
                ", not an object");
  }
  return root;
}

// status, error and error_kind.
void readOutcome(const Reader& reader, const Json& root, RunResult& r) {
  const std::string status = reader.string(root, "", "status");
  auto parsedStatus = parseRunStatus(status);
  if (!parsedStatus) {
    reader.fail("unknown status " + Reader::quoted(status) +
                " (expected completed, cancelled or failed)");
  }
  r.status = *parsedStatus;
  if (const Json* error = reader.optionalValue(root, "error")) {
    if (!error->is_string()) reader.fail("error must be a string or null");
    r.error = error->get<std::string>();
  }
  r.failure = FailureKind::None;
  if (r.status == RunStatus::Failed) {
    r.failure = FailureKind::Run;  // the kind is optional; an unclassified failure is a run failure
    if (const Json* kind = reader.optionalValue(root, "error_kind")) {
      auto parsed = kind->is_string() ? parseFailureKind(kind->get<std::string>()) : std::nullopt;
      if (!parsed || *parsed == FailureKind::None) {
        reader.fail("error_kind must be \"data\", \"device\" or \"run\"");
      }
      r.failure = *parsed;
    }
  }
}

WorkloadRecord readWorkload(const Reader& reader, const Json& w) {
  WorkloadRecord workload;
  workload.name = reader.string(w, "workload", "name");
  workload.dataset = reader.string(w, "workload", "dataset");
  workload.dataSource = reader.string(w, "workload", "data_source");
  if (reader.optionalValue(w, "data_fingerprint") != nullptr) {
    workload.dataFingerprint = reader.string(w, "workload", "data_fingerprint");
  }
  workload.trainSamples = reader.integer(w, "workload", "train_samples");
  workload.testSamples = reader.integer(w, "workload", "test_samples");
  workload.parameters = reader.integer(w, "workload", "parameters");
  workload.flopsPerSample = reader.optionalNumber(w, "workload", "flops_per_sample");
  return workload;
}

ConfigRecord readConfig(const Reader& reader, const Json& c) {
  ConfigRecord config;
  config.epochs = reader.smallInteger(c, "config", "epochs");
  config.batchSize = reader.smallInteger(c, "config", "batch_size");
  config.optimizer = reader.string(c, "config", "optimizer");
  config.learningRate = reader.number(c, "config", "learning_rate");
  config.seed = reader.unsignedInteger(c, "config", "seed");
  config.threads = reader.smallInteger(c, "config", "threads");
  config.precision = reader.string(c, "config", "precision");
  if (reader.optionalValue(c, "execution") != nullptr) {
    config.execution = reader.string(c, "config", "execution");
    if (config.execution != "eager" && config.execution != "graph") {
      reader.fail("config.execution must be \"eager\" or \"graph\", not " +
                  Reader::quoted(config.execution));
    }
  }
  if (reader.optionalValue(c, "execution_fallback") != nullptr) {
    config.executionFallback = reader.string(c, "config", "execution_fallback");
  }
  config.timeBudgetSeconds =
      reader.optionalNumber(c, "config", "time_budget_seconds").value_or(0.0);
  if (reader.optionalValue(c, "environment") != nullptr) {
    const Json& environment = reader.object(c, "config", "environment");
    for (const auto& [name, value] : environment.items()) {
      if (!value.is_string()) reader.fail("config.environment." + name + " must be a string");
      config.environment[name] = value.get<std::string>();
    }
  }
  return config;
}

DeviceRecord readDevice(const Reader& reader, const Json& d) {
  DeviceRecord device;
  device.id = reader.string(d, "device", "id");
  device.kind = reader.string(d, "device", "kind");
  device.name = reader.string(d, "device", "name");
  readDeviceFacts(reader, d, device);
  return device;
}

SystemRecord readSystem(const Reader& reader, const Json& s) {
  SystemRecord system;
  system.os = reader.string(s, "system", "os");
  system.hostname = reader.string(s, "system", "hostname");
  system.cpuModel = reader.string(s, "system", "cpu_model");
  system.physicalCores = reader.smallInteger(s, "system", "physical_cores");
  system.logicalCores = reader.smallInteger(s, "system", "logical_cores");
  system.memoryMb = reader.optionalNumber(s, "system", "memory_mb");
  system.libtorchVersion = reader.string(s, "system", "libtorch_version");
  system.appVersion = reader.string(s, "system", "app_version");
  system.blas = optionalString(reader, s, "system", "blas").value_or("");
  system.build = optionalString(reader, s, "system", "build").value_or("");
  // Absent: written before the method was recorded, by a TrainBench that measured otherwise.
  system.measurementMethod = s.contains("measurement_method")
                                 ? reader.smallInteger(s, "system", "measurement_method")
                                 : 0;
  return system;
}

std::vector<EpochRecord> readEpochs(const Reader& reader, const Json& epochs) {
  std::vector<EpochRecord> records;
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    const std::string path = "epochs[" + std::to_string(i) + "]";
    if (!epochs[i].is_object()) reader.fail(path + " must be an object");
    EpochRecord e;
    e.epoch = reader.smallInteger(epochs[i], path, "epoch");
    e.trainLoss = reader.number(epochs[i], path, "train_loss");
    e.trainAccuracy = reader.number(epochs[i], path, "train_accuracy");
    e.seconds = reader.number(epochs[i], path, "seconds");
    e.samplesPerSecond = reader.number(epochs[i], path, "samples_per_second");
    records.push_back(e);
  }
  return records;
}

std::vector<TelemetrySample> readTimeline(const Reader& reader, const Json& timeline) {
  if (!timeline.is_array()) reader.fail("timeline must be an array");
  std::vector<TelemetrySample> samples;
  for (std::size_t i = 0; i < timeline.size(); ++i) {
    const Json& item = timeline[i];
    const std::string path = "timeline[" + std::to_string(i) + "]";
    if (!item.is_object()) reader.fail(path + " must be an object");
    TelemetrySample sample;
    const Json& t = reader.value(item, path, "t");
    if (!t.is_number()) reader.fail(path + ".t must be a number");
    sample.t = t.get<double>();
    sample.cpuPercent = reader.optionalNumber(item, path, "cpu_percent");
    sample.processCpuPercent = reader.optionalNumber(item, path, "process_cpu_percent");
    sample.rssMb = reader.optionalNumber(item, path, "rss_mb");
    sample.gpus = readGpus(reader, item, path);
    samples.push_back(sample);
  }
  return samples;
}

}  // namespace

bool sameRun(const RunResult& a, const RunResult& b) {
  // Cheap fields first; the JSON text then compares everything, NaN included (both "null").
  return a.created == b.created && a.device.id == b.device.id &&
         a.workload.name == b.workload.name && toJson(a) == toJson(b);
}

std::string toJson(const RunResult& r, int indent) {
  OrderedJson root;
  root["schema"] = kResultSchema;
  root["status"] = toString(r.status);
  root["error"] = r.error.empty() ? OrderedJson(nullptr) : OrderedJson(r.error);
  if (r.status == RunStatus::Failed) {
    // A failed run always has a kind; "none" would contradict the status.
    root["error_kind"] = toString(r.failure == FailureKind::None ? FailureKind::Run : r.failure);
  }
  root["created"] = r.created;
  root["workload"] = {{"name", r.workload.name},
                      {"dataset", r.workload.dataset},
                      {"data_source", r.workload.dataSource},
                      {"train_samples", r.workload.trainSamples},
                      {"test_samples", r.workload.testSamples},
                      {"parameters", r.workload.parameters},
                      {"flops_per_sample", number(r.workload.flopsPerSample)}};
  if (!r.workload.dataFingerprint.empty()) {
    root["workload"]["data_fingerprint"] = r.workload.dataFingerprint;
  }
  root["config"] = {{"epochs", r.config.epochs},
                    {"batch_size", r.config.batchSize},
                    {"optimizer", r.config.optimizer},
                    {"learning_rate", number(r.config.learningRate)},
                    {"seed", r.config.seed},
                    {"threads", r.config.threads},
                    {"precision", r.config.precision},
                    {"execution", r.config.execution}};
  if (!r.config.executionFallback.empty()) {
    root["config"]["execution_fallback"] = r.config.executionFallback;
  }
  if (r.config.timeBudgetSeconds > 0) {
    root["config"]["time_budget_seconds"] = number(r.config.timeBudgetSeconds);
  }
  if (!r.config.environment.empty()) {
    OrderedJson environment = OrderedJson::object();
    for (const auto& [name, value] : r.config.environment) environment[name] = value;
    root["config"]["environment"] = std::move(environment);
  }
  root["device"] = deviceJson(r.device);
  root["system"] = {{"os", r.system.os},
                    {"hostname", r.system.hostname},
                    {"cpu_model", r.system.cpuModel},
                    {"physical_cores", r.system.physicalCores},
                    {"logical_cores", r.system.logicalCores},
                    {"memory_mb", number(r.system.memoryMb)},
                    {"libtorch_version", r.system.libtorchVersion},
                    {"app_version", r.system.appVersion},
                    {"blas", r.system.blas.empty() ? OrderedJson(nullptr) : OrderedJson(r.system.blas)},
                    {"build", r.system.build.empty() ? OrderedJson(nullptr) : OrderedJson(r.system.build)},
                    {"measurement_method", r.system.measurementMethod}};
  OrderedJson epochs = OrderedJson::array();
  for (const EpochRecord& e : r.epochs) {
    epochs.push_back({{"epoch", e.epoch},
                      {"train_loss", number(e.trainLoss)},
                      {"train_accuracy", number(e.trainAccuracy)},
                      {"seconds", number(e.seconds)},
                      {"samples_per_second", number(e.samplesPerSecond)}});
  }
  root["epochs"] = std::move(epochs);
  root["test"] = r.test ? OrderedJson{{"loss", number(r.test->loss)},
                                      {"accuracy", number(r.test->accuracy)}}
                        : OrderedJson(nullptr);
  root["total_seconds"] = number(r.totalSeconds);
  OrderedJson timeline = OrderedJson::array();
  for (const TelemetrySample& s : r.timeline) {
    OrderedJson sample = {{"t", number(s.t)},
                          {"cpu_percent", number(s.cpuPercent)},
                          {"process_cpu_percent", number(s.processCpuPercent)},
                          {"rss_mb", number(s.rssMb)}};
    if (!s.gpus.empty()) sample["gpus"] = gpusJson(s.gpus);  // left out without a GPU
    timeline.push_back(std::move(sample));
  }
  root["timeline"] = std::move(timeline);
  writeOptionalBlocks(r, root);
  // Error texts come from libraries and may hold invalid UTF-8; replace it rather than throw.
  return root.dump(indent, ' ', false, OrderedJson::error_handler_t::replace);
}

RunResult fromJson(const std::string& text, const std::string& sourceName) {
  Reader reader(sourceName);
  const Json root = parseDocument(reader, text);
  checkSchema(reader, root);
  RunResult r;
  readOutcome(reader, root, r);
  r.created = reader.string(root, "", "created");
  r.workload = readWorkload(reader, reader.object(root, "", "workload"));
  r.config = readConfig(reader, reader.object(root, "", "config"));
  r.device = readDevice(reader, reader.object(root, "", "device"));
  r.system = readSystem(reader, reader.object(root, "", "system"));
  r.epochs = readEpochs(reader, reader.array(root, "", "epochs"));
  if (const Json* test = reader.optionalValue(root, "test")) {
    if (!test->is_object()) reader.fail("test must be an object or null");
    r.test = TestRecord{reader.number(*test, "test", "loss"),
                        reader.number(*test, "test", "accuracy")};
  }
  r.totalSeconds = reader.optionalNumber(root, "", "total_seconds");
  // Only a completed run has a total (TrainingRun drops it otherwise): one a failed or cancelled
  // run carried would be compared, with a speed-up, as if the run had finished.
  if (r.status != RunStatus::Completed) r.totalSeconds.reset();
  // Optional as a whole: a run without telemetry may leave it out.
  if (const Json* timeline = reader.optionalValue(root, "timeline")) {
    r.timeline = readTimeline(reader, *timeline);
  }
  readOptionalBlocks(reader, root, r);
  checkResultValues(r, sourceName);
  return r;
}

}  // namespace tb
