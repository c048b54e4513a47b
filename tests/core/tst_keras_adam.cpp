// Keras's Adam on one flat buffer: the parameters move into it without changing value or
// identity, and a step over the whole buffer trains exactly what a step parameter by parameter
// trains (bit for bit, with parameters of awkward sizes and two threads, so the buffer's parts
// start and end in the middle of the kernels' vector and thread blocks). A parameter left
// without a gradient is left alone. Kernels stored channels-last step as contiguous ones do.
#include "engine/keras_adam.h"

#include <torch/torch.h>

#include <QtTest>

#include <limits>

using namespace tb;

namespace {

// Sizes whose ends fall anywhere in a SIMD vector or a thread's block.
std::vector<torch::Tensor> awkwardParameters(torch::ScalarType type = torch::kFloat) {
  torch::manual_seed(3);
  std::vector<torch::Tensor> parameters;
  for (const std::vector<std::int64_t>& shape :
       std::vector<std::vector<std::int64_t>>{{1}, {7}, {33, 3}, {1000}, {70001}, {5, 5, 3, 3}}) {
    parameters.push_back(
        torch::randn(shape, torch::TensorOptions().dtype(type)).requires_grad_(true));
  }
  return parameters;
}

std::vector<torch::Tensor> copiesOf(const std::vector<torch::Tensor>& parameters) {
  std::vector<torch::Tensor> copies;
  for (const auto& p : parameters) copies.push_back(p.detach().clone().requires_grad_(true));
  return copies;
}

// Gradients of step `step`, the same for both sets; none for the parameters listed in `skip`.
void setGradients(std::vector<torch::Tensor>& parameters, int step,
                  std::vector<std::size_t> skip = {}) {
  torch::manual_seed(100 + step);
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const auto grad =
        torch::randn(parameters[i].sizes(), parameters[i].options().requires_grad(false));
    const bool skipped = std::find(skip.begin(), skip.end(), i) != skip.end();
    parameters[i].mutable_grad() = skipped ? torch::Tensor() : grad.to(parameters[i].scalar_type());
  }
}

bool equal(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i].to(a[i].scalar_type()))) return false;
  }
  return true;
}

}  // namespace

class KerasAdamTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { at::set_num_threads(2); }

  // The parameters become consecutive parts of one buffer, keeping their values and shapes.
  void parametersMoveIntoOneBuffer() {
    auto parameters = awkwardParameters();
    const auto before = copiesOf(parameters);
    KerasAdam adam(parameters);
    QVERIFY(adam.isFlat());
    const auto* base = static_cast<const char*>(parameters.front().data_ptr());
    std::int64_t offset = 0;
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      QCOMPARE(static_cast<const char*>(parameters[i].data_ptr()) - base,
               static_cast<std::ptrdiff_t>(offset * sizeof(float)));
      QVERIFY(parameters[i].requires_grad());
      offset += parameters[i].numel();
    }
    QVERIFY(equal(parameters, before));
  }

  // One set in the flat buffer, the other kept apart by a double-precision parameter (mixed
  // types cannot share a buffer, so that set steps parameter by parameter).
  void flatStepEqualsStepParameterByParameter() {
    auto flat = awkwardParameters();
    auto each = copiesOf(flat);
    each.push_back(torch::zeros({4}, torch::kDouble).requires_grad_(true));
    KerasAdam flatAdam(flat, KerasAdamOptions{}, /*plannedSteps=*/3);
    KerasAdam eachAdam(each, KerasAdamOptions{}, /*plannedSteps=*/3);
    QVERIFY(flatAdam.isFlat());
    QVERIFY(!eachAdam.isFlat());
    for (int step = 0; step < 5; ++step) {
      setGradients(flat, step);
      setGradients(each, step);
      flatAdam.step();
      eachAdam.step();
      QVERIFY2(equal(flat, each), qPrintable(QStringLiteral("step %1").arg(step)));
    }
    QVERIFY(!equal(flat, awkwardParameters()));  // it did train
  }

  // A parameter without a gradient keeps its value and moments; the others step as they would
  // without it (Keras's step count is the optimiser's, shared by all).
  void parameterWithoutGradientIsLeftAlone() {
    auto all = awkwardParameters();
    std::vector<torch::Tensor> others(all.begin() + 1, all.end());
    auto reference = copiesOf(others);
    KerasAdam adam(all);
    KerasAdam referenceAdam(reference);
    for (int step = 0; step < 3; ++step) {
      const auto first = all.front().detach().clone();
      setGradients(all, step, step == 1 ? std::vector<std::size_t>{0} : std::vector<std::size_t>{});
      std::vector<torch::Tensor> withGrads(all.begin() + 1, all.end());
      for (std::size_t i = 0; i < reference.size(); ++i)
        reference[i].mutable_grad() = withGrads[i].grad().clone();
      adam.step();
      referenceAdam.step();
      QVERIFY2(equal(others, reference), qPrintable(QStringLiteral("step %1").arg(step)));
      if (step == 1)
        QVERIFY(torch::equal(all.front(), first));
      else
        QVERIFY(!torch::equal(all.front(), first));
    }
  }

  // Channels-last (engine/weight_layout.h): the 4-D parameters become NHWC views of their parts,
  // with their values, and step exactly as contiguous ones do, whole buffer or (a step where one
  // has no gradient) parameter by parameter: moments and gradients line up with the weights.
  void channelsLastLayoutStepsLikeTheContiguousOne() {
    auto laidOut = awkwardParameters();
    laidOut.push_back(torch::randn({8, 3, 3, 3}).requires_grad_(true));
    auto contiguous = copiesOf(laidOut);
    WeightLayout layout;
    layout.channelsLast = true;
    KerasAdam laidOutAdam(laidOut, KerasAdamOptions{}, 3, layout);
    KerasAdam contiguousAdam(contiguous, KerasAdamOptions{}, 3);
    QVERIFY(laidOutAdam.isFlat());
    QVERIFY(equal(laidOut, contiguous));
    for (const auto& parameter : laidOut) {
      if (parameter.dim() == 4) QVERIFY(parameter.is_contiguous(at::MemoryFormat::ChannelsLast));
    }
    for (int step = 0; step < 5; ++step) {
      const auto skip = step == 2 ? std::vector<std::size_t>{5} : std::vector<std::size_t>{};
      setGradients(laidOut, step, skip);
      setGradients(contiguous, step, skip);
      laidOutAdam.step();
      contiguousAdam.step();
      QVERIFY2(equal(laidOut, contiguous), qPrintable(QStringLiteral("step %1").arg(step)));
    }
  }

  // fp16's loss scaling skips an overflowed step on the device (engine/loss_scaler.h): the
  // weights, moments and step count stay as they were, so the steps after it train as if it
  // had never been asked for; a step that did not overflow trains as a plain step does.
  void overflowedStepIsSkippedOnTheDevice() {
    auto skipping = awkwardParameters();
    auto reference = copiesOf(skipping);
    auto plain = copiesOf(skipping);
    KerasAdam skippingAdam(skipping);
    KerasAdam referenceAdam(reference);
    KerasAdam plainAdam(plain);
    const auto good = torch::zeros({1});
    const auto overflow = torch::ones({1});
    for (int step = 0; step < 4; ++step) {
      if (step == 1) {
        setGradients(skipping, 50);
        skipping[3].mutable_grad()[7] = std::numeric_limits<float>::infinity();
        const auto before = copiesOf(skipping);
        skippingAdam.step(overflow);
        QVERIFY(equal(skipping, before));
      }
      setGradients(skipping, step);
      setGradients(reference, step);
      setGradients(plain, step);
      skippingAdam.step(good);
      referenceAdam.step(good);
      plainAdam.step();
      QVERIFY2(equal(skipping, reference), qPrintable(QStringLiteral("step %1").arg(step)));
      for (std::size_t i = 0; i < plain.size(); ++i) {
        QVERIFY(torch::allclose(reference[i], plain[i], /*rtol=*/1e-6, /*atol=*/1e-7));
      }
    }
    QCOMPARE(skippingAdam.iterations(), std::int64_t{5});  // asked of the host, skipped one too
  }
};

QTEST_APPLESS_MAIN(KerasAdamTest)
#include "tst_keras_adam.moc"
