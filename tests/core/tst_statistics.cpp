// Statistics behind repeats and projections, on fixed samples: percentiles, 95% intervals, the
// --repeat auto rule, the warm-up rule of step times, and the projection arithmetic.
#include "engine/projection.h"
#include "engine/step_times.h"
#include "results/repeats.h"
#include "stats/summary.h"

#include "../support/run_result_builder.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace tb;

namespace {

RunResult completedWithThroughput(double samplesPerSecond) {
  RunResult result;
  result.status = RunStatus::Completed;
  result.steadyState = SteadyStateRecord{samplesPerSecond, 0.001, 0.002, 10, 100};
  return result;
}

}  // namespace

class StatisticsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // numpy's default (linear) percentile, so figures can be checked with a one-liner.
  void percentilesInterpolate() {
    QCOMPARE(*percentile({4, 1, 3, 2}, 0.5), 2.5);
    QCOMPARE(*percentile({1, 2, 3, 4, 5}, 0.95), 4.8);
    QCOMPARE(*percentile({7}, 0.95), 7.0);
    QVERIFY(!percentile({}, 0.5));
    QCOMPARE(*median({10, 30, 20}), 20.0);
  }

  // mean ± t(0.975, n-1)·s/√n: for {98, 100, 102}, s = 2, so 100 ± 4.303·2/√3.
  void intervalIsStudentsT() {
    const auto interval = confidenceInterval({98, 100, 102});
    QVERIFY(interval);
    QCOMPARE(interval->n, std::size_t{3});
    QCOMPARE(interval->median, 100.0);
    const double half = 4.303 * 2.0 / std::sqrt(3.0);
    QVERIFY(std::fabs(interval->low - (100 - half)) < 1e-9);
    QVERIFY(std::fabs(interval->high - (100 + half)) < 1e-9);
    QVERIFY(std::fabs(interval->relativeHalfWidth() - half / 100) < 1e-12);
    // One sample: no spread to speak of, a zero-width interval at the sample.
    const auto one = confidenceInterval({5});
    QCOMPARE(one->low, 5.0);
    QCOMPARE(one->high, 5.0);
    QVERIFY(!confidenceInterval({}));
    // Two far-apart throughputs: the t interval would reach below zero, which no rate can.
    QCOMPARE(confidenceInterval({10, 1000})->low, 0.0);
    QVERIFY(confidenceInterval({-10, 1000})->low < 0.0);
  }

  // Six runs at 10 s and four at 11 s: the mean's interval is 10.03-10.77, the median 10. The
  // interval shown beside the median must hold it.
  void intervalHoldsItsMedian() {
    const auto interval = confidenceInterval({10, 10, 10, 10, 10, 10, 11, 11, 11, 11});
    QCOMPARE(interval->median, 10.0);
    QCOMPARE(interval->low, 10.0);
    QVERIFY(std::fabs(interval->high - 10.77) < 0.01);
  }

  // Beyond the table t still falls towards 1.96, never below it: t(31) = 2.0395, t(60) = 2.0003,
  // t(120) = 1.9799, t(1000) = 1.9623.
  void tQuantileBeyondTheTable() {
    QCOMPARE(tQuantile975(30), 2.042);
    QVERIFY(std::fabs(tQuantile975(31) - 2.0395) < 2e-4);
    QVERIFY(std::fabs(tQuantile975(60) - 2.0003) < 2e-4);
    QVERIFY(std::fabs(tQuantile975(120) - 1.9799) < 2e-4);
    QVERIFY(std::fabs(tQuantile975(1000) - 1.9623) < 2e-4);
    QVERIFY(tQuantile975(1000000) > 1.95996);
  }

  void overlappingIntervalsAreWithinNoise() {
    const Interval a{100, 95, 105, 3};
    const Interval b{104, 101, 107, 3};
    const Interval c{120, 110, 130, 3};
    QVERIFY(overlaps(a, b));
    QVERIFY(overlaps(b, a));
    QVERIFY(!overlaps(a, c));
  }

  // --repeat auto: never fewer than 3, stop once within ±2%, give up at 10.
  void autoRepeatStopsWhenTightOrAtTen() {
    QCOMPARE(autoRepeatDecision(2, {1000, 1000}), RepeatDecision::Continue);
    QCOMPARE(autoRepeatDecision(3, {1000, 1001, 999}), RepeatDecision::Converged);
    // ±30% spread after 3: keep going.
    QCOMPARE(autoRepeatDecision(3, {700, 1000, 1300}), RepeatDecision::Continue);
    std::vector<double> noisy;
    for (int i = 0; i < 9; ++i) noisy.push_back(i % 2 ? 700 : 1300);
    QCOMPARE(autoRepeatDecision(noisy.size(), noisy), RepeatDecision::Continue);
    noisy.push_back(1000);
    QCOMPARE(autoRepeatDecision(noisy.size(), noisy), RepeatDecision::GaveUp);
  }

  // Runs that measure no steady state (too short) repeat the same way: they must not repeat
  // for ever. Three without any end the repeats; a mix still stops at ten runs.
  void autoRepeatEndsWithoutSteadyStates() {
    QCOMPARE(autoRepeatDecision(1, {}), RepeatDecision::Continue);
    QCOMPARE(autoRepeatDecision(3, {}), RepeatDecision::GaveUp);
    QCOMPARE(autoRepeatDecision(9, {1000, 1300}), RepeatDecision::Continue);
    QCOMPARE(autoRepeatDecision(10, {1000, 1300}), RepeatDecision::GaveUp);
    // Three tight steady states among more runs still converge.
    QCOMPARE(autoRepeatDecision(5, {1000, 1001, 999}), RepeatDecision::Converged);
  }

  // The summary names median, interval and n; only completed runs with a steady state count.
  void repeatSummaryNamesMedianIntervalAndN() {
    std::vector<RunResult> runs = {completedWithThroughput(1000), completedWithThroughput(1010),
                                   completedWithThroughput(990)};
    RunResult cancelled = completedWithThroughput(5);
    cancelled.status = RunStatus::Cancelled;
    runs.push_back(cancelled);
    const QString summary = QString::fromStdString(repeatSummary("cpu", runs, false));
    QVERIFY2(summary.startsWith(QStringLiteral("cpu: 1000 samples/s steady state (median of 3; "
                                               "95% interval ")),
             qPrintable(summary));
    const QString gaveUp = QString::fromStdString(repeatSummary("cpu", runs, true));
    QVERIFY2(gaveUp.contains(QStringLiteral("without reaching")), qPrintable(gaveUp));
    QVERIFY(QString::fromStdString(repeatSummary("cpu", {}, false)).contains("no completed"));
  }

  // A disturbed repeat is left out of the summary and of --repeat auto's decision, as the
  // comparison printed below it folds it apart; the summary says how many were left out.
  void disturbedRepeatsAreLeftOut() {
    RunResult slow = completedWithThroughput(400);
    slow.validity = ValidityRecord{true, {"Other processes used 1.0 of 2 cores"}};
    const std::vector<RunResult> runs = {completedWithThroughput(1000), slow,
                                         completedWithThroughput(1010), completedWithThroughput(990)};
    QCOMPARE(steadyThroughputs(runs), (std::vector<double>{1000, 1010, 990}));
    const QString summary = QString::fromStdString(repeatSummary("cpu", runs, false));
    QVERIFY2(summary.startsWith(QStringLiteral("cpu: 1000 samples/s steady state (median of 3; ")),
             qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("\u26a0 1 disturbed repeat left out)")),
             qPrintable(summary));
    const QString allDisturbed = QString::fromStdString(repeatSummary("cpu", {slow, slow}, false));
    // The comparison still shows them folded and marked: the summary says so, or it read as
    // "no figure" beside a table that showed one.
    QVERIFY2(allDisturbed.contains(QStringLiteral("every completed repeat was disturbed")) &&
                 allDisturbed.contains(QStringLiteral("the comparison shows them marked disturbed")),
             qPrintable(allDisturbed));
    // Disturbed, but too short to measure a steady state at all: a quiet machine would not help.
    RunResult shortAndDisturbed = slow;
    shortAndDisturbed.steadyState.reset();
    const QString tooShort =
        QString::fromStdString(repeatSummary("cpu", {shortAndDisturbed, shortAndDisturbed}, false));
    QVERIFY2(tooShort.contains(QStringLiteral("no completed repeat measured a steady state")) &&
                 !tooShort.contains(QStringLiteral("close other programs")),
             qPrintable(tooShort));
  }

  void groupIdsDiffer() {
    const std::string a = newGroupId();
    const std::string b = newGroupId();
    QVERIFY(!a.empty());
    QVERIFY(a != b);
  }

  // With later epochs to measure, the whole first epoch is warm-up; partial batches are timed but
  // never part of the steady state.
  void warmupIsTheFirstEpoch() {
    StepTimes times;
    for (int i = 0; i < 10; ++i) times.add(1, i < 2 ? 1.0 : 0.1, i < 9);
    for (int i = 0; i < 10; ++i) times.add(2, 0.1 + 0.01 * i, i < 9);
    QCOMPARE(times.warmupSteps(), std::int64_t{10});
    QCOMPARE(times.steadySeconds().size(), std::size_t{9});
    const auto steady = times.steadyState(32);
    QVERIFY(steady);
    QVERIFY(std::fabs(steady->stepSecondsP50 - 0.14) < 1e-12);
    QVERIFY(std::fabs(steady->samplesPerSecond - 32 / 0.14) < 1e-9);
    QVERIFY(steady->stepSecondsP95 >= steady->stepSecondsP50);
    QCOMPARE(steady->warmupSteps, std::int64_t{10});
    QCOMPARE(steady->steps, std::int64_t{9});
  }

  // One epoch: its first tenth (at least 3 steps) is warm-up. Too few steps: no figure.
  void oneEpochLeavesOutItsFirstSteps() {
    StepTimes times;
    for (int i = 0; i < 50; ++i) times.add(1, i < 5 ? 2.0 : 0.5, true);
    QCOMPARE(times.warmupSteps(), std::int64_t{5});
    QCOMPARE(times.warmupSeconds(), 10.0);
    QCOMPARE(times.steadyState(10)->samplesPerSecond, 20.0);
    StepTimes few;
    for (int i = 0; i < 7; ++i) few.add(1, 0.1, true);
    QVERIFY(!few.steadyState(10));
  }

  // A run cut short early in its second epoch (a time budget, a stop) is measured like a
  // one-epoch run: leaving all of epoch 1 out rested its steady state on a few steps of epoch 2.
  // The first epoch's smaller last batch (the first step of its shape) stays warm-up, so a slow
  // one never stands for the later ones; a second whole epoch makes all of the first warm-up.
  void cutShortRunKeepsMostOfEpochOne() {
    StepTimes times;
    for (int i = 0; i < 30; ++i) times.add(1, i < 3 ? 2.0 : 0.5, true);
    times.add(1, 3.0, false);
    for (int i = 0; i < 6; ++i) times.add(2, 0.5, true);
    QCOMPARE(times.warmupSteps(), std::int64_t{5});  // 37 steps: at least 4, and the small batch
    QCOMPARE(times.warmupSeconds(), 9.5);
    QCOMPARE(times.warmupPartialSteps(), std::int64_t{1});
    QCOMPARE(times.steadySeconds().size(), std::size_t{32});
    QVERIFY(times.partialSeconds().empty());
    QCOMPARE(times.steadyState(10)->warmupSteps, std::int64_t{5});

    for (int i = 6; i < 30; ++i) times.add(2, 0.5, true);
    times.add(2, 0.25, false);
    QCOMPARE(times.warmupSteps(), std::int64_t{31});
    QCOMPARE(times.steadySeconds().size(), std::size_t{30});
    QCOMPARE(times.partialSeconds(), std::vector<double>{0.25});
    QCOMPARE(times.warmupPartialSteps(), std::int64_t{1});
  }

  // Epochs of three full steps: a CUDA graph's capture (its fourth full step) is epoch 2's
  // first, and stays warm-up although all of epoch 1 is.
  void warmupHoldsTheGraphCapture() {
    StepTimes times;
    for (int epoch = 1; epoch <= 3; ++epoch) {
      for (int i = 0; i < 3; ++i) times.add(epoch, epoch == 2 && i == 0 ? 5.0 : 0.01, true);
      times.add(epoch, 0.005, false);
    }
    QCOMPARE(times.warmupSteps(), std::int64_t{5});  // epoch 1 (4 steps) and the capture
    const std::vector<double> steady = times.steadySeconds();
    QCOMPARE(steady.size(), std::size_t{5});
    QVERIFY(*std::max_element(steady.begin(), steady.end()) < 1.0);
  }

  // Steps that stalled make the median step overstate the run: the warning gives both rates.
  // Steady steps within a quarter of their median in all stay quiet, and so do stalls of a
  // short run that lost under a second.
  void stalledStepsAreWarnedAbout() {
    StepTimes even;
    for (int i = 0; i < 20; ++i) even.add(1, 0.1, true);
    for (int i = 0; i < 20; ++i) even.add(2, i % 10 == 0 ? 0.3 : 0.1, true);  // 1.2x in all
    QVERIFY(even.steadyState(32));
    QCOMPARE(even.stallWarning(32), std::string());

    StepTimes stalled;
    for (int i = 0; i < 20; ++i) stalled.add(1, 0.1, true);
    for (int i = 0; i < 20; ++i) stalled.add(2, i % 10 == 0 ? 1.0 : 0.1, true);  // 1.9x
    const std::string warning = stalled.stallWarning(32);
    QVERIFY2(warning.find("1.9x") != std::string::npos, warning.c_str());
    QVERIFY2(warning.find("trained at 168 samples/s, not the 320 of its median step") !=
                 std::string::npos,
             warning.c_str());

    StepTimes slower;  // 2 s lost, but 1.2x in all: within the ratio
    for (int i = 0; i < 20; ++i) slower.add(1, 0.1, true);
    for (int i = 0; i < 100; ++i) slower.add(2, i % 5 == 0 ? 0.2 : 0.1, true);
    QCOMPARE(slower.stallWarning(32), std::string());

    StepTimes shortRun;  // 1.9x, but 0.018 s lost in all: nothing worth a warning
    for (int i = 0; i < 20; ++i) shortRun.add(1, 0.001, true);
    for (int i = 0; i < 20; ++i) shortRun.add(2, i % 10 == 0 ? 0.01 : 0.001, true);
    QCOMPARE(shortRun.stallWarning(32), std::string());

    StepTimes tooFew;  // no steady state, nothing to judge
    for (int i = 0; i < 6; ++i) tooFew.add(1, i == 5 ? 5.0 : 0.1, true);
    QCOMPARE(tooFew.stallWarning(32), std::string());
  }

  // setup + warm-up + remaining steps x mean step + evaluation scaled to the full test set.
  void projectionAddsUpItsParts() {
    ProjectionInputs in;
    in.setupSeconds = 2.0;
    in.warmupSteps = 10;
    in.warmupSeconds = 5.0;
    in.steadyStepSeconds = std::vector<double>(100, 0.5);
    in.evaluationSeconds = 3.0;
    in.evaluatedSamples = 1000;
    in.epochs = 10;
    in.stepsPerEpoch = 1563;
    in.trainSamples = 50000;
    in.testSamples = 10000;
    in.budgetSeconds = 60;
    const auto projection = projectFullRun(in);
    QVERIFY(projection);
    const double expected = 2.0 + 5.0 + (15630 - 10) * 0.5 + 3.0 * 10;
    QVERIFY(std::fabs(projection->totalSeconds - expected) < 1e-6);
    // Identical steps: no spread, so the interval closes on the total.
    QVERIFY(std::fabs(projection->low - expected) < 1e-6);
    QVERIFY(std::fabs(projection->high - expected) < 1e-6);
    QCOMPARE(projection->basisSteps, std::int64_t{100});
    QCOMPARE(projection->epochs, 10);
    QCOMPARE(projection->trainSamples, std::int64_t{50000});

    // 50000 images in batches of 32: 1562 full steps and one of 16 images, timed at half a step
    // (steady state's mean leaves partial batches out; a whole step for it overcounted).
    in.batchSize = 32;
    const double partial = 2.0 + 5.0 + (10 * 1562.5 - 10) * 0.5 + 3.0 * 10;
    QVERIFY(std::fabs(projectFullRun(in)->totalSeconds - partial) < 1e-6);
    in.trainSamples = 2001;
    in.batchSize = 2000;
    in.stepsPerEpoch = 2;
    in.warmupSteps = 0;
    in.warmupSeconds = 0.0;
    const double tiny = 2.0 + 10 * 1.0005 * 0.5 + 3.0 * 10;
    QVERIFY(std::fabs(projectFullRun(in)->totalSeconds - tiny) < 1e-6);
    // Where the run timed such small batches, their mean counts (a step's fixed cost does not
    // shrink with its images): 9 more at 0.2 s, and 8 full steps left after warm-up's 2.
    in.partialStepSeconds = {0.1, 0.3};
    in.warmupSteps = 3;
    in.warmupPartialSteps = 1;
    const double timed = 2.0 + 9 * 0.2 + 8 * 0.5 + 3.0 * 10;
    QVERIFY(std::fabs(projectFullRun(in)->totalSeconds - timed) < 1e-6);
  }

  // A run with a few long stalls: its steps' interval reaches below zero, and its low end
  // projected the 99,800 steps to come at 0 s, below the 40 s the run had already taken. The
  // low end is at least what was taken, the rest at the fastest step timed.
  void stallsNeverProjectBelowTheTimeTaken() {
    ProjectionInputs in;
    in.epochs = 10;
    in.stepsPerEpoch = 10000;
    in.steadyStepSeconds = std::vector<double>(190, 0.01);
    for (int i = 0; i < 10; ++i) in.steadyStepSeconds.push_back(3.8);
    const auto projection = projectFullRun(in);
    QVERIFY(projection);
    const double taken = 190 * 0.01 + 10 * 3.8;
    QVERIFY2(projection->low >= taken + (100000 - 200) * 0.01 - 1e-6,
             qPrintable(QString::number(projection->low)));
    QVERIFY(projection->low <= projection->totalSeconds);
  }

  // A drift within the short run (steps slowing down as the machine heats) widens the interval.
  void driftWidensTheProjection() {
    ProjectionInputs in;
    in.epochs = 1;
    in.stepsPerEpoch = 1000;
    for (int i = 0; i < 100; ++i) in.steadyStepSeconds.push_back(0.5 + 0.005 * i);
    const auto projection = projectFullRun(in);
    QVERIFY(projection);
    QVERIFY(projection->low < projection->totalSeconds);
    QVERIFY(projection->high > projection->totalSeconds);
    QVERIFY(projection->high - projection->low > 0.05 * projection->totalSeconds);
    in.steadyStepSeconds.clear();
    QVERIFY(!projectFullRun(in));
  }
};

QTEST_GUILESS_MAIN(StatisticsTest)
#include "tst_statistics.moc"
