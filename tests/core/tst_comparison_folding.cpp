// Repeats folded into one row of the comparison (results/comparison_groups.h): n, the median and
// a 95% interval, and the runs that must never fold together (different switches, disturbed,
// without a steady state, data-parallel). Grouping and notes: tst_comparison_groups.
#include "results/comparison.h"
#include "results/comparison_groups.h"
#include "results/result_file.h"
#include "stats/summary.h"

#include "../support/comparison_runs.h"

#include <QtTest>

#include <algorithm>
#include <ctime>

using namespace tb;
using namespace tbtest;

class ComparisonFoldingTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The labels' dates are local time: these checks read them in UTC wherever they run.
  void initTestCase() {
    qputenv("TZ", "UTC");
    tzset();
  }

  // Three repeats of one configuration on one machine are one row: n, the median, a 95% interval.
  // Steady-state samples/s (warm-up left out) is what the row reports, not the epochs' mean.
  void repeatsFoldIntoOneRow() {
    std::vector<RunResult> results = repeats("cpu", {10.0, 10.4, 9.8});
    results.insert(results.begin() + 1, fullRun("cuda:0", 2.0));
    const auto groups = buildComparison(results);
    QCOMPARE(groups.size(), std::size_t{1});
    QCOMPARE(groups[0].rows.size(), std::size_t{2});
    const ComparisonRow& row = groups[0].rows[0];
    QCOMPARE(row.n, 3);
    QCOMPARE(row.sources, (std::vector<std::size_t>{0, 2, 3}));
    QCOMPARE(*row.totalSeconds, 10.0);
    const std::vector<double> throughputs = {6000.0, 60000.0 / 10.4, 60000.0 / 9.8};
    const auto interval = *confidenceInterval(throughputs);
    QCOMPARE(*row.samplesPerSecond, *median(throughputs));
    QCOMPARE(*row.samplesPerSecondLow, interval.low);
    QCOMPARE(*row.samplesPerSecondHigh, interval.high);
    QVERIFY(*row.samplesPerSecondLow < *row.samplesPerSecond);
    QVERIFY(*row.totalLow < 10.0 && *row.totalHigh > 10.0);
    QCOMPARE(row.created, std::string("2026-12-02T10:30:00Z"));  // the earliest
    // Earliest by the time named, not by the text: a run made at 10:00 in Kiritimati (+14:00)
    // started two hours before one at 22:00 UTC the day before, and says so in UTC.
    std::vector<RunResult> zones = repeats("cpu", {10.0, 10.4});
    zones[0].created = "2026-12-05T22:00:00Z";
    zones[1].created = "2026-12-06T10:00:00+14:00";
    QCOMPARE(buildComparison(zones)[0].rows[0].created, std::string("2026-12-05T20:00:00Z"));
    QCOMPARE(groups[0].rows[1].n, 1);
    QVERIFY(!groups[0].rows[1].samplesPerSecondLow);
    // The steady state, not the epochs' mean (which counts warm-up), is the row's throughput.
    QCOMPARE(*comparisonRow(fullRun("cpu", 10.0, 6500.0)).samplesPerSecond, 6500.0);

    const std::string text = comparisonText(groups);
    QVERIFY2(
        contains(text, "| 3 | " +
                           std::to_string(static_cast<int>(std::lround(*row.samplesPerSecond))) +
                           " | "),
        text.c_str());
    QVERIFY2(contains(text, "\u2013"), text.c_str());  // "5712–6238"
    QVERIFY2(contains(text, "| 1 | 6000 | n/a | 2.00 | 0.88 | 5.00x | completed |"), text.c_str());
  }

  // Runs differing in anything that changes the speed (threads, precision, data source, machine)
  // stay apart, and failed or cancelled runs never fold: each is its own row, with its own key.
  void onlyLikeCompletedRunsFold() {
    const RunResult base = fullRun("cpu", 10.0);
    std::vector<RunResult> results = {
        base, fullRun("cpu", 10.0).threads(4), fullRun("cpu", 10.0).precision("bf16"),
        fullRun("cpu", 10.0).dataSource("synthetic"), fullRun("cpu", 10.0, 6000.0, "bench-b")};
    QCOMPARE(buildComparison(results)[0].rows.size(), std::size_t{5});
    // Two machines of one host name: the same GPU on another host CPU, or another core count,
    // is another machine, not a repeat.
    results = {fullRun("cuda:0", 2.0).host("ubuntu").cpuModel("AMD EPYC 9654"),
               fullRun("cuda:0", 2.0).host("ubuntu").cpuModel("Intel Xeon Platinum 8480+"),
               fullRun("cuda:0", 2.0).host("ubuntu").cpuModel("AMD EPYC 9654").cores(8, 16),
               fullRun("cuda:0", 2.1).host("ubuntu").cpuModel("AMD EPYC 9654")};
    QCOMPARE(buildComparison(results)[0].rows.size(), std::size_t{3});
    QCOMPARE(buildComparison(results)[0].rows[0].n, 2);
    // Another learning rate, optimizer or model is another experiment, not a repeat; another
    // seed is what repeats vary.
    const RunResult adam = fullRun("cpu", 10.0);
    results = {adam, fullRun("cpu", 10.0).optimizer(adam.config.optimizer, 0.01),
               fullRun("cpu", 10.0).optimizer("sgd", adam.config.learningRate),
               fullRun("cpu", 10.0).parameters(adam.workload.parameters + 1),
               fullRun("cpu", 10.0).seed(adam.config.seed + 1)};
    QCOMPARE(buildComparison(results)[0].rows.size(), std::size_t{4});
    QCOMPARE(buildComparison(results)[0].rows[0].n, 2);

    RunResult failed = fullRun("cpu", 10.0).failed(FailureKind::Run, "diverged");
    failed.totalSeconds.reset();
    RunResult cancelled = fullRun("cpu", 10.0).status(RunStatus::Cancelled);
    cancelled.totalSeconds.reset();
    results = {base, failed, failed, cancelled, cancelled, base};
    const auto groups = buildComparison(results);
    QCOMPARE(groups.size(), std::size_t{1});
    const auto& rows = groups[0].rows;
    QCOMPARE(rows.size(), std::size_t{5});
    QCOMPARE(rows[0].n, 2);
    QCOMPARE(rows[1].status, std::string("failed"));
    QCOMPARE(rows[2].status, std::string("failed"));
    QCOMPARE(rows[1].n, 1);
    QCOMPARE(rows[3].status, std::string("cancelled"));
    QVERIFY(rows[1].key != rows[2].key);
    QVERIFY(rows[3].key != rows[4].key);
    QVERIFY(!rows[1].speedup && !rows[3].speedup);
    QVERIFY(foldKey(failed) != foldKey(base));
    QCOMPARE(foldKey(base), foldKey(fullRun("cpu", 12.0).created("2027-01-01T00:00:00Z")));
  }

  // One host's runs before and after an upgrade of LibTorch or the GPU driver are two speeds:
  // folded, their median was neither's and their interval spanned both. Their labels say what
  // differs, and only that.
  void runsOfOtherSoftwareFoldApart() {
    std::vector<RunResult> results;
    for (const double total : {2.0, 2.1}) {
      RunResult before = fullRun("cuda:0", total);
      before.system.libtorchVersion = "2.5.1";
      before.device.driverVersion = "550.90.07";
      RunResult after = fullRun("cuda:0", total * 0.75);
      after.system.libtorchVersion = "2.7.0";
      after.device.driverVersion = "570.86.10";
      RunResult driverOnly = before;
      driverOnly.device.driverVersion = "570.86.10";
      results.insert(results.end(), {before, after, driverOnly});
    }
    const auto rows = allRows(buildComparison(results));
    QCOMPARE(rows.size(), std::size_t{3});
    for (const auto& row : rows) QCOMPARE(row.n, 2);
    QVERIFY2(rows[0].label.find("LibTorch 2.5.1, driver 550.90.07") != std::string::npos,
             rows[0].label.c_str());
    QVERIFY2(rows[1].label.find("LibTorch 2.7.0, driver 570.86.10") != std::string::npos,
             rows[1].label.c_str());
    QVERIFY2(rows[2].label.find("LibTorch 2.5.1, driver 570.86.10") != std::string::npos,
             rows[2].label.c_str());
  }

  // One card at two power limits (an administrator's cap) trains at two speeds: the runs fold
  // apart, and only the limit is said, since all else is alike. Unknown (older files) is a third.
  void runsAtOtherPowerLimitsFoldApart() {
    std::vector<RunResult> results;
    for (const double total : {2.0, 2.1}) {
      RunResult capped = fullRun("cuda:0", total * 1.3);
      capped.device.driverVersion = "570.86.10";
      capped.device.powerLimitW = 300.0;
      RunResult full = capped;
      full.totalSeconds = total;
      full.device.powerLimitW = 700.0;
      results.insert(results.end(), {capped, full});
    }
    const auto rows = allRows(buildComparison(results));
    QCOMPARE(rows.size(), std::size_t{2});
    for (const auto& row : rows) QCOMPARE(row.n, 2);
    QVERIFY2(rows[0].label.find("power limit 300 W") != std::string::npos, rows[0].label.c_str());
    QVERIFY2(rows[1].label.find("power limit 700 W") != std::string::npos, rows[1].label.c_str());
    QVERIFY2(rows[1].label.find("driver") == std::string::npos, rows[1].label.c_str());
  }

  // A cuDNN upgrade alone (same GPU, driver and LibTorch version number, as a LibTorch rebuilt
  // against a newer cuDNN has) changes a convolution network's speed: the runs fold apart and the
  // label says the cuDNN. Files without it (older ones, CPU runs) are a group of their own.
  void runsOnOtherCudnnFoldApart() {
    std::vector<RunResult> results;
    for (const double total : {2.0, 2.1}) {
      RunResult older = fullRun("cuda:0", total * 1.2);
      older.device.driverVersion = "570.86.10";
      older.device.cudaRuntime = "12.4";
      older.device.cudnnVersion = "8.9.2";
      RunResult newer = older;
      newer.totalSeconds = total;
      newer.device.cudnnVersion = "9.1.0";
      results.insert(results.end(), {older, newer});
    }
    const auto rows = allRows(buildComparison(results));
    QCOMPARE(rows.size(), std::size_t{2});
    for (const auto& row : rows) QCOMPARE(row.n, 2);
    QVERIFY2(rows[0].label.find("cuDNN 8.9.2") != std::string::npos, rows[0].label.c_str());
    QVERIFY2(rows[1].label.find("cuDNN 9.1.0") != std::string::npos, rows[1].label.c_str());
    QVERIFY2(rows[1].label.find("driver") == std::string::npos, rows[1].label.c_str());
  }

  // A disturbed run never folds into the quiet repeats beside it: it gets a row of its own, so
  // the quiet runs' interval stays theirs.
  void disturbedRunsFoldApart() {
    std::vector<RunResult> results = repeats("cpu", {10.0, 10.1, 9.9});
    RunResult busy = results[0];
    busy.validity = ValidityRecord{true, {"Other processes used 1.9 of 2 cores."}};
    results.push_back(busy);
    const auto rows = allRows(buildComparison(results));
    QCOMPARE(rows.size(), std::size_t{2});
    QCOMPARE(rows[0].n, 3);
    QVERIFY(!rows[0].disturbed);
    QCOMPARE(rows[1].n, 1);
    QVERIFY(rows[1].disturbed);
  }

  // Two sets of custom files of one size (a user's own digits, and another's) train as fast but
  // learn differently: their runs fold apart, labelled by the files' fingerprint, while runs on
  // one set fold. The fingerprint survives the file.
  void customFilesOfOneSizeFoldApartByFingerprint() {
    std::vector<RunResult> results;
    for (const char* fingerprint : {"crc32 0000beef", "crc32 0000beef", "crc32 12345678"}) {
      RunResult run = fullRun("cpu", 10.0).dataSource("custom files").dataFingerprint(fingerprint);
      results.push_back(fromJson(toJson(run), "run.json"));
    }
    QCOMPARE(results[2].workload.dataFingerprint, std::string("crc32 12345678"));
    const auto rows = allRows(buildComparison(results));
    QCOMPARE(rows.size(), std::size_t{2});
    QCOMPARE(rows[0].n, 2);
    QCOMPARE(rows[1].n, 1);
    QVERIFY2(QString::fromStdString(rows[0].label).endsWith("crc32 0000beef"),
             rows[0].label.c_str());
    QVERIFY2(QString::fromStdString(rows[1].label).endsWith("crc32 12345678"),
             rows[1].label.c_str());
  }

  // A file from before the steady state was recorded gives the epochs' mean, warm-up included:
  // folded with steady-state repeats, its median and interval would mix two measures.
  // A run on the reference BLAS is another speed.
  void runsWithoutASteadyStateFoldApart() {
    std::vector<RunResult> results = repeats("cpu", {10.0, 10.1, 9.9});
    RunResult older = results[0];
    older.steadyState.reset();
    older.created = "2026-11-20T10:00:00Z";
    results.push_back(older);
    const auto rows = allRows(buildComparison(results));
    QCOMPARE(rows.size(), std::size_t{2});
    QCOMPARE(rows[0].n, 3);
    QCOMPARE(rows[1].n, 1);
    // Nor does a run on the reference BLAS fold with runs on OpenBLAS.
    results.pop_back();
    for (auto& run : results) run.system.blas = "OpenBLAS 0.3.21 (OpenMP)";
    RunResult slowBlas = results[0];
    slowBlas.system.blas = "reference BLAS";
    results.push_back(slowBlas);
    QCOMPARE(allRows(buildComparison(results)).size(), std::size_t{2});
    // Nor one under another OpenMP wait policy (1.5x the seed MLP's speed, docs/benchmarks.md).
    results.back().system.blas = results[0].system.blas;
    for (auto& run : results) run.config.environment = {{"OPENBLAS_CORETYPE", "Haswell"}};
    results.back().config.environment["OMP_WAIT_POLICY"] = "passive";
    const auto apart = allRows(buildComparison(results));
    QCOMPARE(apart.size(), std::size_t{2});
    // ...and the labels say why, before any date, with only the switch that differs.
    QVERIFY2(contains(apart[1].label, " \u00b7 OMP_WAIT_POLICY=passive") &&
                 !contains(apart[1].label, "Haswell") && !contains(apart[0].label, "Haswell"),
             (apart[0].label + " / " + apart[1].label).c_str());
    QCOMPARE(apart[1].environment, std::string("OMP_WAIT_POLICY=passive, OPENBLAS_CORETYPE=Haswell"));
    results.back().config.environment.erase("OMP_WAIT_POLICY");
    QCOMPARE(allRows(buildComparison(results)).size(), std::size_t{1});
    // A GPU's speed owes nothing to the CPU's BLAS: its runs fold whatever that is.
    std::vector<RunResult> gpu = repeats("cuda:0", {2.0, 2.1});
    gpu[1].system.blas = "reference BLAS";
    QCOMPARE(allRows(buildComparison(gpu)).size(), std::size_t{1});
  }

  // A run measured by an earlier TrainBench (another warm-up rule, GPU steps timed as launched,
  // or the epochs' mean) never folds with this version's runs, and says so: its label is marked
  // and a note under the table says what the mark means. An older server's CLI wrote such files
  // beside a newer desktop's, and they folded silently into one median.
  void runsOfAnotherMeasurementMethodFoldApartMarked() {
    std::vector<RunResult> results = repeats("cpu", {10.0, 10.1, 9.9});
    RunResult older = results[0];
    older.system.measurementMethod = 0;
    older.created = "2026-12-03T10:00:00Z";
    results.push_back(older);
    const auto groups = buildComparison(results);
    const auto rows = allRows(groups);
    QCOMPARE(rows.size(), std::size_t{2});
    QCOMPARE(rows[0].n, 3);
    QVERIFY(!rows[0].otherMethod && !contains(rows[0].label, "TrainBench"));
    QVERIFY(rows[1].otherMethod);
    QVERIFY2(contains(rows[1].label, "(earlier TrainBench)"), rows[1].label.c_str());
    QCOMPARE(groups.size(), std::size_t{1});
    QVERIFY2(std::any_of(groups[0].notes.begin(), groups[0].notes.end(),
                         [](const std::string& note) { return contains(note, "(earlier TrainBench)"); }),
             comparisonText(groups).c_str());
    results.back().system.measurementMethod = kMeasurementMethod + 1;
    const auto newer = buildComparison(results);
    QVERIFY(contains(allRows(newer)[1].label, "(newer TrainBench)"));
    // One text whichever marks a table holds: a window listing several tables' notes says it once.
    QCOMPARE(newer[0].notes, groups[0].notes);
    // Only this version's runs: no mark, no note.
    results.pop_back();
    QVERIFY(buildComparison(results)[0].notes.empty());
  }

  // A data-parallel run is the run over all its ranks: its own row, labelled with them.
  void dataParallelRunsFoldApart() {
    std::vector<RunResult> results = repeats("cpu", {10.0, 10.1});
    RunResult twoRanks = results[0];
    DistributedRecord record;
    record.worldSize = 2;
    record.backend = "gloo";
    record.scaling = "weak";
    record.globalBatch = 64;
    twoRanks.distributed = record;
    results.push_back(twoRanks);
    const auto rows = allRows(buildComparison(results));
    QCOMPARE(rows.size(), std::size_t{2});
    QCOMPARE(rows[0].n, 2);
    QVERIFY2(!contains(rows[0].label, "ranks"), rows[0].label.c_str());
    QCOMPARE(rows[1].n, 1);
    QVERIFY2(contains(rows[1].label, "\u00d7 2 ranks"), rows[1].label.c_str());
  }

};

QTEST_APPLESS_MAIN(ComparisonFoldingTest)
#include "tst_comparison_folding.moc"
