// The graph-safe training step against the plain eager loop it replaced: the device-side step
// counter, the static input buffers and the device-side Adam factor must train exactly the
// same weights, losses and accuracy, step for step (on the CPU, bit for bit: the same kernels
// round the same numbers in the same order). Also the per-step time breakdown's phases, and
// the execution modes.
#include "data/synthetic.h"
#include "devices/device_id.h"
#include "engine/epoch_stats.h"
#include "engine/execution.h"
#include "engine/keras_adam.h"
#include "engine/step_profile.h"
#include "engine/train_step.h"
#include "engine/weight_layout.h"
#include "models/workload.h"

#include "../support/lone_rank.h"

#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <functional>
#include <mutex>
#include <set>
#include <sstream>

using namespace tb;

Q_DECLARE_METATYPE(tb::Precision)

namespace {

constexpr std::int64_t kBatch = 32;

// The training loop as TrainBench ran it before the step became graph-safe: host-side batch
// slicing, host-side Adam step factor, per-step loss written at a host index.
struct ReferenceTraining {
  std::shared_ptr<Classifier> model;
  std::vector<torch::Tensor> firstMoments, secondMoments;
  int step = 0;

  explicit ReferenceTraining(std::shared_ptr<Classifier> m) : model(std::move(m)) {
    for (const auto& p : model->parameters()) {
      firstMoments.push_back(torch::zeros_like(p));
      secondMoments.push_back(torch::zeros_like(p));
    }
  }

  void adam() {
    torch::NoGradGuard noGrad;
    ++step;
    const double t = step;
    const double rate = 1e-3 * std::sqrt(1.0 - std::pow(0.999, t)) / (1.0 - std::pow(0.9, t));
    std::vector<torch::Tensor> params, grads;
    for (const auto& p : model->parameters()) {
      params.push_back(p);
      grads.push_back(p.grad());
    }
    at::_foreach_mul_(firstMoments, 0.9);
    at::_foreach_add_(firstMoments, grads, 1.0 - 0.9);
    at::_foreach_mul_(secondMoments, 0.999);
    at::_foreach_addcmul_(secondMoments, grads, grads, 1.0 - 0.999);
    auto denominators = at::_foreach_sqrt(secondMoments);
    at::_foreach_add_(denominators, 1e-7);
    at::_foreach_addcdiv_(params, firstMoments, denominators, -rate);
  }

  // One epoch over `order`; the loss of each step.
  std::vector<float> epoch(const LabelledImages& data, const torch::Tensor& order) {
    std::vector<float> losses;
    const std::int64_t samples = order.size(0);
    for (std::int64_t first = 0; first < samples; first += kBatch) {
      const auto indices = order.narrow(0, first, std::min(kBatch, samples - first));
      const auto images = data.images.index_select(0, indices).to(torch::kFloat).div_(255.0);
      const auto labels = data.labels.index_select(0, indices);
      const auto loss = torch::nn::functional::cross_entropy(model->forward(images), labels);
      for (auto& p : model->parameters()) p.mutable_grad() = torch::Tensor();
      loss.backward();
      adam();
      losses.push_back(loss.item<float>());
    }
    return losses;
  }
};

std::shared_ptr<Classifier> freshMlp() {
  const auto workload = findWorkload("fashion-mlp");  // the first call builds models of its own
  torch::manual_seed(7);
  return workload->makeModel();
}

bool sameWeights(Classifier& a, Classifier& b) {
  const auto pa = a.parameters();
  const auto pb = b.parameters();
  for (std::size_t i = 0; i < pa.size(); ++i) {
    if (!torch::equal(pa[i], pb[i])) return false;
  }
  return true;
}

// One operator call as a captured CUDA graph would freeze it: the operator, its tensors' types
// and shapes, and its other arguments' values; plus where its tensors are.
struct OperatorCall {
  std::string signature;
  std::vector<const void*> inputs;
  std::vector<const void*> outputs;
};

std::mutex g_callsMutex;
std::vector<OperatorCall> g_calls;

void describe(const c10::IValue& value, std::string& signature, std::vector<const void*>& addresses) {
  std::ostringstream text;
  if (value.isTensor()) {
    const auto& tensor = value.toTensor();
    if (tensor.defined() && tensor.unsafeGetTensorImpl()->is_wrapped_number()) {
      // A number passed as a 0-dim tensor: its value is the argument.
      if (tensor.scalar_type() == torch::kLong) text << *tensor.data_ptr<std::int64_t>();
      else if (tensor.scalar_type() == torch::kDouble) text << *tensor.data_ptr<double>();
      else text << "number";
    } else if (tensor.defined()) {
      text << tensor.scalar_type() << tensor.sizes();
      addresses.push_back(tensor.data_ptr());
    } else {
      text << "undefined";
    }
  } else if (value.isTensorList()) {
    for (const auto& tensor : value.toTensorVector()) describe(tensor, signature, addresses);
  } else if (value.isDouble()) {
    text << value.toDouble();
  } else if (value.isInt()) {
    text << value.toInt();
  } else if (value.isBool()) {
    text << value.toBool();
  } else if (value.isIntList()) {
    text << value.toIntVector();
  } else {
    text << value.tagKind();
  }
  signature += " " + text.str();
}

struct CallIndex : at::ObserverContext {
  explicit CallIndex(std::size_t i) : index(i) {}
  std::size_t index;
};

std::unique_ptr<at::ObserverContext> callStarted(const at::RecordFunction& function) {
  OperatorCall call;
  call.signature = function.name();
  for (const auto& input : function.inputs()) describe(input, call.signature, call.inputs);
  const std::lock_guard lock(g_callsMutex);
  g_calls.push_back(std::move(call));
  return std::make_unique<CallIndex>(g_calls.size() - 1);
}

void callEnded(const at::RecordFunction& function, at::ObserverContext* context) {
  std::string ignored;
  std::vector<const void*> outputs;
  for (const auto& output : function.outputs()) describe(output, ignored, outputs);
  const auto* call = static_cast<CallIndex*>(context);
  if (call == nullptr) return;  // its start was not recorded
  const std::lock_guard lock(g_callsMutex);
  g_calls[call->index].outputs = std::move(outputs);
}

// The operator calls of `work` (every thread), in the order they started.
std::vector<OperatorCall> callsOf(const std::function<void()>& work) {
  g_calls.clear();
  const auto handle = at::addGlobalCallback(at::RecordFunctionCallback(callStarted, callEnded)
                                                .needsInputs(true)
                                                .needsOutputs(true)
                                                .scopes({at::RecordScope::FUNCTION}));
  work();
  at::removeCallback(handle);
  return std::move(g_calls);
}

// For each call, where its tensors from outside the step are: those no earlier call of the
// step returned. (The others are the step's own intermediates, which a captured graph keeps in
// its private memory pool.)
std::vector<std::vector<const void*>> outsideTensors(const std::vector<OperatorCall>& calls) {
  std::set<const void*> made;
  std::vector<std::vector<const void*>> outside;
  for (const auto& call : calls) {
    outside.emplace_back();
    for (const void* address : call.inputs) {
      if (made.count(address) == 0) outside.back().push_back(address);
    }
    made.insert(call.outputs.begin(), call.outputs.end());
  }
  return outside;
}

TrainStepParts partsFor(Classifier& model, KerasAdam& optimizer, const LabelledImages& data) {
  TrainStepParts parts;
  parts.model = &model;
  parts.optimizer = &optimizer;
  parts.parameters = model.parameters();
  parts.images = normalised(data.images);
  parts.labels = data.labels;
  parts.batchSize = kBatch;
  return parts;
}

}  // namespace

class TrainStepTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { at::set_num_threads(1); }

  // Three epochs of 200 images: six full steps and a partial one of 8 each epoch; the optimiser
  // planned fewer steps than it takes, so its factor table grows on the way.
  void graphSafeStepMatchesTheEagerLoop() {
    const auto data = makeSyntheticDataset({1, 28, 28}, 200, 1, 10, 3).train;
    auto reference = ReferenceTraining(freshMlp());
    auto model = freshMlp();
    QVERIFY(sameWeights(*reference.model, *model));
    KerasAdam optimizer(model->parameters(), KerasAdamOptions{}, /*plannedSteps=*/5);
    TrainStep step(partsFor(*model, optimizer, data));

    torch::manual_seed(11);
    for (int epoch = 0; epoch < 3; ++epoch) {
      const auto order = torch::randperm(200, torch::kLong);
      const std::vector<float> expected = reference.epoch(data, order);
      EpochStats stats(200, kBatch, torch::kCPU);
      const std::int64_t full = step.startEpoch(order, stats);
      QCOMPARE(full, std::int64_t{6});
      for (std::int64_t s = 0; s < full; ++s) step.runFull();
      step.runPartial(full, order.narrow(0, full * kBatch, 200 - full * kBatch));
      QVERIFY2(sameWeights(*reference.model, *model), qPrintable(QStringLiteral("epoch %1").arg(epoch)));
      double weighted = 0.0;
      for (std::size_t s = 0; s < expected.size(); ++s) {
        weighted += expected[s] * (s + 1 < expected.size() ? kBatch : 200 - full * kBatch);
      }
      QVERIFY(std::abs(stats.meanLoss(7) - weighted / 200) < 1e-6);
    }
    QCOMPARE(optimizer.iterations(), std::int64_t{21});
  }

  // A data-parallel rank's batches: the r-th block of each step's images, as before; the
  // remainder that would leave the ranks out of step is left out.
  void rankTakesItsBlockOfEachStep() {
    const auto data = makeSyntheticDataset({1, 28, 28}, 200, 1, 10, 3).train;
    auto reference = ReferenceTraining(freshMlp());
    auto model = freshMlp();
    KerasAdam optimizer(model->parameters());
    tbtest::LoneRank exchange;
    TrainStepParts parts = partsFor(*model, optimizer, data);
    parts.exchange = &exchange;
    TrainStep step(parts);
    const auto order = torch::randperm(200, torch::kLong);
    std::vector<torch::Tensor> blocks;
    for (std::int64_t s = 0; s < 3; ++s) blocks.push_back(order.narrow(0, (s * 2 + 1) * kBatch, kBatch));
    reference.epoch(data, torch::cat(blocks));
    EpochStats stats(96, kBatch, torch::kCPU);
    QCOMPARE(step.startEpoch(order, stats), std::int64_t{3});  // 200 / (32 x 2)
    for (int s = 0; s < 3; ++s) step.runFull();
    QVERIFY(sameWeights(*reference.model, *model));
  }

  // What CUDA graph capture needs of a full step, seen in its operator calls: a step in one
  // epoch and another step in a later epoch call the same operators with the same shapes and
  // the same host arguments (no step number, no learning rate that changes), read nothing back
  // to the host, and take their batch and record their loss in the same memory.
  // bf16 trains on bf16 copies of the weights (engine/weight_layout.h), refreshed every step.
  void fullStepsAreTheSameWorkEveryEpoch_data() {
    QTest::addColumn<Precision>("precision");
    QTest::newRow("fp32") << Precision::Fp32;
    QTest::newRow("bf16") << Precision::Bf16;
  }
  void fullStepsAreTheSameWorkEveryEpoch() {
    QFETCH(Precision, precision);
    const auto data = makeSyntheticDataset({1, 28, 28}, 200, 1, 10, 3).train;
    auto model = freshMlp();
    KerasAdam optimizer(model->parameters(), KerasAdamOptions{}, /*plannedSteps=*/5,
                        weightLayoutFor(*model, precision, torch::kCPU, false));
    QCOMPARE(optimizer.keepsBf16Copies(), precision == Precision::Bf16);
    TrainStepParts parts = partsFor(*model, optimizer, data);
    parts.precision = precision;
    TrainStep step(parts);
    EpochStats stats(200, kBatch, torch::kCPU);  // one for the run, as the trainer keeps it
    std::vector<std::vector<OperatorCall>> recorded;
    for (int epoch = 0; epoch < 2; ++epoch) {
      if (epoch > 0) stats.restart();
      step.startEpoch(torch::randperm(200, torch::kLong), stats);
      for (int s = 0; s < 6; ++s) {
        if (s == 2 + 3 * epoch) {
          recorded.push_back(callsOf([&] { step.runFull(); }));
        } else {
          step.runFull();
        }
      }
    }
    const auto& first = recorded[0];
    const auto& later = recorded[1];
    QCOMPARE(later.size(), first.size());
    QVERIFY(first.size() > 20);
    for (std::size_t i = 0; i < first.size(); ++i) {
      QCOMPARE(later[i].signature, first[i].signature);
      QVERIFY2(first[i].signature.rfind("aten::_local_scalar_dense", 0) != 0, "a host read");
    }
    // Every tensor the step reads from outside itself (images, labels, input buffers, the
    // epoch's order, the weights, the optimiser's state, the epoch's figures) is where it was.
    const auto firstOutside = outsideTensors(first);
    const auto laterOutside = outsideTensors(later);
    std::size_t outside = 0;
    for (std::size_t i = 0; i < first.size(); ++i) {
      QVERIFY2(laterOutside[i] == firstOutside[i], first[i].signature.c_str());
      outside += firstOutside[i].size();
    }
    QVERIFY(outside >= 10);
  }

  void profilePhasesAddUpToTheStep() {
    ProfileOptions options;
    options.config.workload = "fashion-mlp";
    options.config.synthetic = true;
    options.config.threads = 1;
    options.steps = 30;
    options.warmupSteps = 3;
    const std::atomic<bool> cancel{false};
    const StepProfile profile = profileTrainingStep(options, cancel);
    QCOMPARE(profile.steps, 30);
    QCOMPARE(profile.phases.size(), std::size_t{4});  // data, forward, backward, optimizer
    double seconds = 0.0;
    double shares = 0.0;
    for (const auto& phase : profile.phases) {
      QVERIFY2(phase.secondsPerStep > 0.0, toString(phase.phase));
      seconds += phase.secondsPerStep;
      shares += phase.share;
    }
    QVERIFY(std::abs(seconds - profile.stepSeconds) < 1e-12);
    QVERIFY(std::abs(shares - 1.0) < 1e-9);
    QVERIFY(profile.runStepSeconds > 0.0);
    // Forward, loss, backward and Adam are dozens of operator calls, the same every step.
    QVERIFY2(profile.operatorCalls >= 20 && profile.operatorCalls == std::floor(profile.operatorCalls),
             qPrintable(QString::number(profile.operatorCalls)));
    QVERIFY2(QString::fromStdString(profile.verdict).startsWith(QLatin1String("compute-bound on the CPU")),
             profile.verdict.c_str());
    QVERIFY(profileText(profile).find("backward") != std::string::npos);
    // The device's own clock (engine/device_timer.h) is a GPU's.
    QCOMPARE(profile.deviceTimedSteps, 0);
    QVERIFY(profile.deviceTimeNote.empty());
    for (const auto& phase : profile.phases) QVERIFY(!phase.deviceSecondsPerStep.has_value());
    QVERIFY(profileText(profile).find("device ms") == std::string::npos);
  }

  void verdictNamesWhatBoundsTheStep() {
    StepProfile profile;
    profile.phases = {{StepPhase::Forward, 0.004, 0.4, {}}, {StepPhase::Backward, 0.006, 0.6, {}}};
    profile.stepSeconds = 0.010;
    profile.runStepSeconds = 0.010;
    profile.issueSeconds = 0.0095;
    QVERIFY(stepVerdict(profile, "cuda").rfind("launch-bound: the host needs 95 % of the step", 0) == 0);
    profile.issueSeconds = 0.002;
    QVERIFY(stepVerdict(profile, "cuda").rfind("device-bound", 0) == 0);
    QVERIFY(stepVerdict(profile, "cpu").find("backward takes 60 % of the step") != std::string::npos);
  }

  // BatchNorm with no momentum reads its batch count on the host every step (1 / count); every
  // workload's BatchNorm has one, so its running statistics stay on the device.
  void batchNormNeverReadsTheHost() {
    int batchNorms = 0;
    for (const auto& workload : knownWorkloads()) {
      for (const auto& module : workload.makeModel()->modules(/*include_self=*/false)) {
        if (const auto* norm = module->as<torch::nn::BatchNorm2d>()) {
          QVERIFY2(norm->options.momentum().has_value(), workload.name.c_str());
          ++batchNorms;
        }
      }
    }
    QVERIFY(batchNorms > 0);
  }

  void graphIsRefusedWhereItCannotRun() {
    QCOMPARE(QString::fromStdString(resolveExecution(parseDeviceId("cpu"), "")), QStringLiteral("eager"));
    QCOMPARE(QString::fromStdString(resolveExecution(parseDeviceId("cpu"), "eager")), QStringLiteral("eager"));
    for (const char* device : {"cpu", "mps", "cuda:0"}) {
      try {
        resolveExecution(parseDeviceId(device), "graph");
        QFAIL(device);
      } catch (const ExecutionError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("--execution eager")), e.what());
      }
    }
  }
};

QTEST_GUILESS_MAIN(TrainStepTest)
#include "tst_train_step.moc"
