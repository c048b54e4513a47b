// TrainingRun's outline and set-up: resolving the settings, loading the data, and turning what
// happened into the result.
#include "engine/training_run.h"

#include "devices/blas_library.h"
#include "devices/build_info.h"
#include "devices/cuda_libraries.h"
#include "devices/device_health.h"
#include "devices/device_id.h"
#include "devices/peak_probe.h"
#include "devices/system_info.h"
#include "devices/torch_device.h"
#include "engine/execution.h"
#include "engine/rank_data.h"
#include "engine/rank_records.h"
#include "engine/step_memory.h"
#include "machine/cpu_budget.h"
#include "machine/speed_switches.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace tb::detail {

RunResult TrainingRun::execute() {
  m_result.created = isoTimestampUtc();
  m_result.system = collectSystemInfo();
  m_result.config.seed = m_config.seed;
  m_result.config.precision = m_config.precision;
  // Kept by a run cancelled or failed, which has no projection to hold it: `run --from` it runs
  // as long again, not the full length (hours of ResNet-50 on a CPU).
  m_result.config.timeBudgetSeconds = m_config.timeBudgetSeconds;
  m_result.device.id = m_config.device;
  m_result.workload.name = m_config.workload;
  // As asked, so a run that fails before its data loads still says which it was.
  m_result.workload.dataSource = m_config.synthetic ? "synthetic" : "files";
  m_result.group = m_config.group;
  try {
    resolve();
    loadDataOnEveryRank();
    train();
    m_result.status = RunStatus::Completed;
  } catch (const Cancelled&) {
    m_result.status = RunStatus::Cancelled;
  } catch (const Failure& e) {
    m_result.failure = e.kind();
    m_result.error = e.what();
  } catch (const DataError& e) {
    m_result.failure = FailureKind::Data;
    m_result.error = e.what();
  } catch (const DeviceError& e) {
    m_result.failure = FailureKind::Device;
    m_result.error = e.what();
  } catch (const c10::Error& e) {
    recordFailure(e.what_without_backtrace());
  } catch (const std::exception& e) {
    recordFailure(e.what());
  } catch (...) {
    m_result.failure = FailureKind::Run;
    m_result.error = "unknown error";
  }
  // Ranks of a cancelled data-parallel run stop at different steps: one that finds its partner
  // gone was still cancelled by the user, not failed.
  if (m_result.status == RunStatus::Failed && m_config.exchange && m_cancel.load()) {
    m_result.status = RunStatus::Cancelled;
    m_result.failure = FailureKind::None;
    m_result.error.clear();
  }
  // The other ranks see this one stop answering; the reason is known here alone.
  if (m_result.status == RunStatus::Failed && m_config.exchange) {
    m_config.exchange->reportFailure(m_result.error);
  }
  if (m_result.status != RunStatus::Completed) m_result.totalSeconds.reset();
  // A run that ended mid-epoch keeps the steps it trained there.
  if (m_stepClock) {
    try {
      m_stepClock->flushInto(m_stepTimes);
    } catch (...) {
      // A device that failed cannot give its timestamps back; the earlier epochs' still count.
    }
  }
  // A failed run is no measurement: a diverged one timed its last steps on NaN weights.
  if (m_result.status != RunStatus::Failed) {
    m_result.steadyState = m_stepTimes.steadyState(m_result.config.batchSize * worldSize());
  }
  // The closing telemetry sample first: the validity check's pass over /proc is not the run's.
  if (m_sampler) {
    m_sampler->finish();
    try {
      forwardTelemetry();
    } catch (...) {
      // The run is over; an observer failing on a late sample must not change its outcome.
    }
    m_result.timeline = thinnedTimeline(m_sampler->all());
  }
  // A failed run has nothing to judge; a cancelled one keeps its epochs and so its validity.
  if (m_validity && m_result.status != RunStatus::Failed) m_result.validity = m_validity->finish();
  // Stalls disturb the run whatever caused them: they show in its own steps, also where no
  // reading of the machine caught the cause (a process that came and went, the device). Not a
  // data-parallel run's: its steps wait for the slowest rank's allreduce, uneven by nature (two
  // CPU ranks on a quiet 2-core machine: 1.42x).
  if (m_result.steadyState && worldSize() == 1) {
    if (std::string stall = m_stepTimes.stallWarning(m_result.config.batchSize * worldSize());
        !stall.empty()) {
      if (!m_result.validity) m_result.validity = ValidityRecord{};
      m_result.validity->disturbed = true;
      m_result.validity->warnings.push_back(std::move(stall));
    }
  }
  if (!m_settingsWarnings.empty() && m_result.status != RunStatus::Failed) {
    if (!m_result.validity) m_result.validity = ValidityRecord{};
    for (const auto& warning : m_settingsWarnings) m_result.validity->warnings.push_back(warning);
  }
  return m_result;
}

void TrainingRun::resolve() {
  if (const std::string problem = runConfigProblem(m_config); !problem.empty()) {
    throw Failure(FailureKind::Run, problem);
  }
  const auto workload = findWorkload(m_config.workload);
  if (!workload) {
    throw Failure(FailureKind::Run, "unknown workload '" + m_config.workload +
                                        "'; available workloads: " + workloadNames());
  }
  m_workload = *workload;
  const int threads = cpuThreadCount(m_config.threads);
  at::set_num_threads(threads);
  // The settings asked for, before anything that may fail or be cancelled (a device that is not
  // there, the peak's measurement): a result saved without them reads as "0 epochs, batch 0", in
  // a group of its own, and `run --from` it repeats the workload's defaults instead.
  auto& config = m_result.config;
  config.epochs = m_config.epochs > 0 ? m_config.epochs : m_workload.defaultEpochs;
  config.batchSize = m_config.batchSize > 0 ? m_config.batchSize : m_workload.defaultBatchSize;
  config.optimizer = "adam";
  config.learningRate =
      m_config.learningRate > 0 ? m_config.learningRate : m_workload.learningRate;
  config.threads = at::get_num_threads();
  config.environment = speedSwitches();
  m_result.workload.dataset = m_workload.dataset;
  m_result.workload.parameters = m_workload.parameters;
  if (m_workload.flopsPerSample > 0) m_result.workload.flopsPerSample = m_workload.flopsPerSample;
  const DeviceId id = resolveDevice(m_config.device);
  m_device = torchDevice(id);
  m_facts = deviceFacts(id);
  m_precision = checkPrecision(id, m_config.precision, m_facts.computeCapability);
  try {
    // A capture given by a test runs graph mode on any device.
    const bool givenCapture = m_config.stepCapture && m_config.execution == "graph";
    m_result.config.execution = givenCapture ? "graph" : resolveExecution(id, m_config.execution);
  } catch (const ExecutionError& e) {
    throw Failure(FailureKind::Run, e.what());
  }
  // A data-parallel rank's share is checked here too, and with its siblings' on the same
  // machine in loadDataOnEveryRank.
  if (id.kind == DeviceKind::Cpu) {
    if (std::string warning = tooManyThreadsWarning(threads, usableCpuCount()); !warning.empty()) {
      m_settingsWarnings.push_back(std::move(warning));
      m_threadsWarned = true;
    }
    if (std::string warning = referenceBlasWarning(loadedBlasLibrary()); !warning.empty()) {
      m_settingsWarnings.push_back(std::move(warning));
    }
  }
  if (std::string warning = unoptimisedBuildWarning(thisBuild()); !warning.empty()) {
    m_settingsWarnings.push_back(std::move(warning));
  }

  m_result.device.id = id.str();
  m_result.device.kind = toString(id.kind);
  m_result.device.name = m_facts.name;
  if (id.kind != DeviceKind::Cpu)
    m_result.device.memoryMb = m_facts.memoryMb;  // the CPU's: system.memory_mb
  m_result.device.computeCapability = m_facts.computeCapability;
  m_result.device.driverVersion = m_facts.driverVersion;
  if (id.kind == DeviceKind::Cuda) {
    const CudaLibraries libraries = cudaLibraries();
    m_result.device.cudaRuntime = libraries.runtime;
    m_result.device.cudnnVersion = libraries.cudnn;
  }
  m_result.device.powerLimitW = m_facts.powerLimitW;
  resolveDistributed();
  // Measured once per device and process, before the clock starts, so runs can be read as a
  // share of the device's peak. Last: a run cancelled while it measures keeps its settings.
  if (m_config.probePeak && probeEnabledByEnvironment()) {
    m_result.device.peak = cachedPeak(id, &m_cancel);  // Ctrl-C need not wait for it
    checkCancelled();
  }
}

// Every rank of a data-parallel run says how its loading went before any trains
// (engine/rank_data.h); this rank's own failure is rethrown as it was.
void TrainingRun::loadDataOnEveryRank() {
  if (worldSize() <= 1) {
    loadData();
    return;
  }
  std::exception_ptr failure;
  std::string mine;
  try {
    loadData();
    mine = loadedData(m_data.train.size());
  } catch (const Cancelled&) {
    failure = std::current_exception();
    mine = cancelledLoading();
  } catch (const c10::Error& e) {
    failure = std::current_exception();
    mine = failedToLoad(e.what_without_backtrace());  // one line for the others
  } catch (const std::exception& e) {
    failure = std::current_exception();
    mine = failedToLoad(e.what());
  } catch (...) {
    failure = std::current_exception();
    mine = failedToLoad("unknown error");
  }
  const DataAgreement agreement = agreeOnData(*m_config.exchange, mine);
  if (failure) std::rethrow_exception(failure);
  if (agreement.cancelled) throw Cancelled{};
  if (!agreement.problem.empty()) throw Failure(FailureKind::Data, agreement.problem);
  std::string shared = sharedCpuWarning(*m_config.exchange, m_result.system.hostname,
                                        m_device.is_cpu(), m_result.config.threads,
                                        machineCpuCount());
  // Said once: a rank over its own CPUs already said it (resolve()).
  if (!shared.empty() && !m_threadsWarned) m_settingsWarnings.push_back(std::move(shared));
  // Each CPU rank checked its own step against the memory (loadData); ranks of one machine add up.
  SharedMemory memory = sharedMemory(*m_config.exchange, m_result.system.hostname, m_memory);
  if (!memory.problem.empty()) throw Failure(FailureKind::Run, memory.problem);
  if (!memory.warning.empty()) m_settingsWarnings.push_back(std::move(memory.warning));
  for (std::string& warning :
       otherRanksWarnings(*m_config.exchange, m_result.system.hostname, m_settingsWarnings)) {
    m_settingsWarnings.push_back(std::move(warning));
  }
}

void TrainingRun::loadData() {
  m_data = loadRunData(m_config, m_workload.dataset, /*withTest=*/rank() == 0);
  m_result.workload.dataSource = m_data.source;
  m_result.workload.dataFingerprint = m_data.fingerprint;
  if (!m_data.warning.empty()) m_settingsWarnings.push_back(m_data.warning);
  m_result.workload.trainSamples = m_data.train.size();
  m_result.workload.testSamples = m_data.test.size();
  // The files' own size decides the last step; a data-parallel run leaves the remainder out,
  // so only its per-rank batch counts (the CLI refuses a strong split too small before the
  // ranks start; this catches any other front end).
  const std::int64_t batch = m_result.config.batchSize;
  if (const std::string problem =
          batchProblem(m_workload, batch, worldSize() > 1 ? 0 : m_data.train.size());
      !problem.empty()) {
    throw Failure(FailureKind::Run, problem);
  }
  if (std::string warning = leftOutImagesWarning(m_data.train.size(), batch, worldSize());
      !warning.empty()) {
    m_settingsWarnings.push_back(std::move(warning));
  }
  if (worldSize() <= 1 && m_data.train.size() < batch) noteNoFullBatch();
  if (m_device.is_cpu()) refuseStepBeyondMemory();
}

// A GPU says when it is out of memory; the system kills a CPU run past it, and the app with it
// when the app trains in its own process (step_memory.h).
void TrainingRun::refuseStepBeyondMemory() {
  const std::optional<double> usable = usableMemoryBytes();
  if (!usable) return;
  const std::int64_t batch = std::min<std::int64_t>(m_result.config.batchSize, m_data.train.size());
  const StepMemory step = measureStepMemory(m_workload);
  const double held = heldDataBytes(m_data);
  m_memory.neededBytes = held + step.bytesFor(batch);
  m_memory.usableBytes = *usable;
  m_memory.stepBytes = step.bytesFor(batch);
  if (std::string problem = stepMemoryProblem(step, batch, held, *usable, usableMemoryName(*usable),
                                              m_workload.minimumBatch);
      !problem.empty()) {
    throw Failure(FailureKind::Run,
                  problem + rankShareNote(m_result.distributed, m_result.config.batchSize));
  }
  // The data is held already, so what is free now is for the step alone. Ranks sharing a
  // machine share it: they add up in loadDataOnEveryRank. The heap an earlier run in this
  // process freed (a repeat's, the app's last) is the C library's to reuse, unseen by the
  // system's count until handed back. Not where AddressSanitizer's allocator stands in for the C
  // library's, which then holds nothing to trim and sets itself up on this first call without a
  // lock: two ranks' threads trimming at once there both take its main heap, and the second to end
  // aborts the process.
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
  malloc_trim(0);
#endif
  const std::optional<double> available = availableMemoryBytes();
  m_memory.availableBytes = available.value_or(0.0);
  if (available && worldSize() <= 1) {
    if (std::string warning = stepMemoryWarning(step, batch, *available); !warning.empty()) {
      m_settingsWarnings.push_back(std::move(warning));
    }
  }
}

// Every step trains the whole, smaller set: the run times batches of that size, none of the
// batch it records, so it has no steady state, and a time budget nothing to project from (it
// would stop with a run that says neither that it was cut short nor what the full one takes).
void TrainingRun::noteNoFullBatch() {
  const std::string images = std::to_string(m_data.train.size()) + " training images";
  const std::string batch = std::to_string(m_result.config.batchSize);
  if (budgeted()) {
    throw Failure(FailureKind::Run,
                  budgetBatchProblem(m_data.train.size(), m_result.config.batchSize));
  }
  m_settingsWarnings.push_back("the " + images + " are fewer than one batch of " + batch +
                               " (--batch-size): every step trained all of them, so the run has no "
                               "steady-state samples/s at that batch size");
}

void TrainingRun::resolveDistributed() {
  if (!m_config.exchange) return;
  try {
    m_result.distributed = distributedRecord(*m_config.exchange, m_config.strongScaling,
                                             m_result.config.batchSize);
  } catch (const std::invalid_argument& e) {
    throw Failure(FailureKind::Run, e.what());
  }
}

void TrainingRun::forwardTelemetry() {
  if (!m_sampler) return;
  for (const auto& sample : m_sampler->takeNew()) m_observer.telemetry(sample);
}

void TrainingRun::recordFailure(const std::string& message) {
  // The batch named is the --batch-size to lower, not a strong-scaling rank's share of it.
  const RunFailure failure = describeRunFailure(
      m_result.device.id, m_device.is_cuda(), message,
      static_cast<int>(batchAsGiven(m_result.distributed, m_result.config.batchSize)));
  m_result.failure = failure.deviceFault ? FailureKind::Device : FailureKind::Run;
  m_result.error = failure.message;
}

}  // namespace tb::detail
