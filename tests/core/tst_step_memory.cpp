// The memory a CPU training step takes, measured from two small steps, and the refusal of a
// batch that outgrows the machine (past it the system kills the run, or the app training it).
#include "data/dataset_registry.h"
#include "engine/rank_records.h"
#include "engine/step_memory.h"
#include "engine/trainer.h"
#include "machine/cpu_budget.h"
#include "models/workload.h"

#include "../support/synthetic_run.h"

#include <torch/torch.h>

#include <QtTest>

#include <atomic>
#include <optional>

using namespace tb;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kGiB = 1024.0 * kMiB;

StepMemory measured(const std::string& workloadName) {
  const auto workload = findWorkload(workloadName);
  if (!workload) throw std::runtime_error("no workload " + workloadName);
  return measureStepMemory(*workload);
}

}  // namespace

class StepMemoryTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void aStepHoldsItsImagesAndTheOptimisersMoments() {
    const auto workload = findWorkload("fashion-mlp");
    QVERIFY(workload);
    const StepMemory memory = measureStepMemory(*workload);
    const auto dataset = findDataset(workload->dataset);
    QVERIFY(dataset);
    const ImageShape& shape = dataset->shape;
    // Each image's floats are kept for the backward pass, at the least.
    QVERIFY(memory.bytesPerImage >= shape.channels * shape.height * shape.width * sizeof(float));
    // The weights, their gradients and Adam's two moments: four floats a weight.
    QVERIFY(memory.fixedBytes >= 4.0 * workload->parameters * sizeof(float));
  }

  void deeperModelsKeepMoreForTheirBackwardPass() {
    QVERIFY(measured("cifar10-resnet50").bytesPerImage >
            10 * measured("fashion-mlp").bytesPerImage);
  }

  void measuringLeavesTheRunsRandomNumbersAlone() {
    torch::manual_seed(7);
    const auto expected = torch::rand({4});
    torch::manual_seed(7);
    measured("fashion-mlp");
    QVERIFY(torch::equal(torch::rand({4}), expected));
  }

  void aBatchBeyondTheMemoryIsRefusedWithOneThatFits() {
    const StepMemory memory{1 * kGiB, 1 * kMiB};
    const std::string problem =
        stepMemoryProblem(memory, 10000, 1 * kGiB, 8 * kGiB, "this machine's 8.0 GiB of memory");
    QVERIFY2(
        problem.find("--batch-size: a training step of 10000 images needs about 10.8 GiB "
                     "beside the data's 1.0 GiB, more than this machine's 8.0 GiB of memory") !=
            std::string::npos,
        problem.c_str());
    // 8 GiB less the data and the fixed gigabyte: 6 GiB of images at 1 MiB each.
    QVERIFY2(problem.find("a batch of at most 6144 fits") != std::string::npos, problem.c_str());
    QVERIFY(stepMemoryProblem(memory, 6144, 1 * kGiB, 8 * kGiB, "memory").empty());
  }

  // Under --scaling strong a rank's step trains its share of --batch-size: the refusal said
  // "a training step of 16 images ... at most N fits" of a --batch-size 32 across two ranks, and
  // a failure's "a batch smaller than" named the share, not the flag's value.
  void aStrongScalingRanksBatchIsSaidToBeItsShare() {
    DistributedRecord strong;
    strong.worldSize = 2;
    strong.scaling = "strong";
    strong.globalBatch = 32;
    QCOMPARE(batchAsGiven(strong, 16), std::int64_t{32});
    const std::string note = rankShareNote(strong, 16);
    QVERIFY2(
        note.find("each of the 2 ranks trains 16 of --batch-size 32's images") != std::string::npos,
        note.c_str());
    DistributedRecord weak = strong;
    weak.scaling = "weak";
    weak.globalBatch = 64;
    QCOMPARE(batchAsGiven(weak, 32), std::int64_t{32});
    QVERIFY(rankShareNote(weak, 32).empty());
    QVERIFY(rankShareNote(std::nullopt, 32).empty());
  }

  void dataThatFillTheMemoryLeaveNoBatch() {
    const StepMemory memory{1 * kGiB, 1 * kMiB};
    const std::string problem = stepMemoryProblem(memory, 64, 7.5 * kGiB, 8 * kGiB, "memory");
    QVERIFY2(
        problem.find("no batch fits beside the data (a smaller --train-limit") != std::string::npos,
        problem.c_str());
  }

  // Room for one image is no batch for a workload whose BatchNorm needs two: not offered.
  void aBatchTheWorkloadCannotTrainIsNotOffered() {
    const StepMemory memory{1 * kGiB, 1 * kMiB};
    const double usable = 2 * kGiB + 1.5 * kMiB;
    QVERIFY(stepMemoryProblem(memory, 64, 1 * kGiB, usable, "memory", 1).find("at most 1 fits") !=
            std::string::npos);
    QVERIFY(stepMemoryProblem(memory, 64, 1 * kGiB, usable, "memory", 2).find("no batch fits") !=
            std::string::npos);
  }

  // CPU ranks of one machine each fit, but not together: every rank is told, with the host; a
  // GPU rank (nothing needed here) and ranks on other machines do not count.
  void ranksOfOneMachineAddUp() {
    const RankMemory cpuRank{10 * kGiB, 16 * kGiB, 1 * kGiB, 5 * kGiB};
    const std::vector<std::string> lines{memoryLine("node1", cpuRank), memoryLine("node1", cpuRank),
                                         memoryLine("node1", RankMemory{}),
                                         memoryLine("node2", cpuRank)};
    const std::string problem = sharedMemory(lines).problem;
    QVERIFY2(problem ==
                 "--data-parallel: the 2 CPU ranks on node1 need about 20.0 GiB together "
                 "for their data and training steps, more than its 16.0 GiB of memory; "
                 "fewer ranks on a machine, or a smaller --batch-size, fit",
             problem.c_str());
    QVERIFY(sharedMemory({lines[0], lines[2], lines[3]}).problem.empty());
  }

  // CPU ranks of one machine whose steps each fit in the memory free, but not together: the run
  // trains, and its result says why its steps may have been slow. Each rank read the free memory
  // at its own moment, its siblings' data loaded or not: the lowest reading counts.
  void ranksOfOneMachineShareItsFreeMemory() {
    const RankMemory first{2 * kGiB, 16 * kGiB, 1.5 * kGiB, 2.5 * kGiB};
    const RankMemory second{2 * kGiB, 16 * kGiB, 1.5 * kGiB, 2 * kGiB};
    const SharedMemory memory =
        sharedMemory({memoryLine("node1", first), memoryLine("node1", second),
                      memoryLine("node2", first), memoryLine("node3", RankMemory{})});
    QVERIFY(memory.problem.empty());
    QVERIFY2(
        memory.warning ==
            "the training steps of the 2 CPU ranks on node1 need about 3.0 GiB of memory, "
            "more than the 2.0 GiB free when the run started: the system may have moved memory "
            "to disk, which slows the steps it times. Close other programs or train a "
            "smaller --batch-size.",
        memory.warning.c_str());
    QVERIFY(
        sharedMemory({memoryLine("node1", first), memoryLine("node2", second)}).warning.empty());
  }

  // A step the machine holds but other programs' memory leaves no room for now: the run trains,
  // and its result says why its steps may have been slow.
  void aStepBeyondTheFreeMemoryIsWarnedOf() {
    const StepMemory memory{1 * kGiB, 1 * kMiB};
    const std::string warning = stepMemoryWarning(memory, 3072, 3.5 * kGiB);
    QVERIFY2(warning ==
                 "a training step of 3072 images needs about 4.0 GiB of memory, more than the "
                 "3.5 GiB free when the run started: the system may have moved memory to disk, "
                 "which slows the steps it times. Close other programs or train a smaller "
                 "--batch-size.",
             warning.c_str());
    QVERIFY(stepMemoryWarning(memory, 2048, 3.5 * kGiB).empty());
    QVERIFY(stepMemoryWarning(StepMemory{}, 1 << 20, 0).empty());
  }

  void anUnmeasuredStepIsNeverRefused() {
    QVERIFY(stepMemoryProblem(StepMemory{}, 1 << 20, 0, 1 * kGiB, "memory").empty());
  }

  // Refused before it trains: a failed run that says why, where the system would have killed the
  // process (the app's, for a single device) and saved nothing. bf16 too, whose step the
  // allocator's count put at half of what it takes (measured as fp32, step_memory.h).
  void aRunWhoseStepOutgrowsTheMemoryFailsBeforeTraining_data() {
    QTest::addColumn<QString>("precision");
    QTest::newRow("fp32") << QStringLiteral("fp32");
    QTest::newRow("bf16") << QStringLiteral("bf16");
  }
  void aRunWhoseStepOutgrowsTheMemoryFailsBeforeTraining() {
    QFETCH(QString, precision);
    const std::optional<double> usable = usableMemoryBytes();
    if (!usable) QSKIP("this machine's memory is not known");
    const double perImage = measured("cifar10-resnet50").bytesPerImage;
    QVERIFY(perImage > 0);
    const auto batch = static_cast<std::int64_t>(*usable / perImage) + 1;
    // As many synthetic images as the batch: 3 KiB each, made in a second for 30 GiB of memory.
    if (batch > 32768) QSKIP("this machine's memory needs more images than the suite should make");
    RunConfig config = tbtest::syntheticRun(1, batch, 8);
    config.workload = "cifar10-resnet50";
    config.batchSize = static_cast<int>(batch);
    config.precision = precision.toStdString();
    RunObserver observer;
    std::atomic<bool> cancel{false};
    const RunResult result = runTraining(config, observer, cancel);
    QCOMPARE(toString(result.status), "failed");
    const std::string expected =
        "--batch-size: a training step of " + std::to_string(batch) + " images needs about ";
    QVERIFY2(result.error.find(expected) != std::string::npos, result.error.c_str());
    QVERIFY(result.epochs.empty());
    QCOMPARE(result.config.batchSize, static_cast<int>(batch));
  }
};

QTEST_GUILESS_MAIN(StepMemoryTest)
#include "tst_step_memory.moc"
