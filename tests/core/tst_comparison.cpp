// Comparison rows: published references, speed-ups, missing metrics, CSV and Markdown output
// (the grouped comparison: tst_comparison_groups; exports of grouped rows: tst_comparison_exports).
#include "results/comparison.h"
#include "results/comparison_groups.h"
#include "results/table_text.h"

#include "../support/comparison_runs.h"
#include "../support/run_result_builder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <sstream>

using namespace tb;
using namespace tbtest;

namespace {

std::vector<ComparisonRow> publishedRows(const std::string& workload) {
  std::vector<ComparisonRow> rows;
  for (const auto& reference : publishedReferences()) {
    if (reference.workload == workload) rows.push_back(comparisonRow(reference));
  }
  return rows;
}

RunResult completedRun() {
  return tbtest::RunResultBuilder()
      .workload("fashion-mlp")
      .device("cpu", "AMD EPYC 7B13")
      .host("bench-host")
      .epoch(2.0, 30000.0)
      .loss(0.5)
      .accuracy(0.8)
      .epoch(4.0, 15000.0)
      .loss(0.4)
      .accuracy(0.85)
      .test(0.45, 0.8512)
      .totalSeconds(6.5);
}

}  // namespace

class ComparisonTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The references must reproduce the article's own claim: the M1 was 1.16x the 2080 Ti (14%).
  void publishedReferencesGiveTheArticlesSpeedup() {
    auto rows = publishedRows("fashion-mlp");
    QCOMPARE(rows.size(), std::size_t{2});
    QCOMPARE(rows[0].device, std::string("RTX 2080 Ti"));
    QCOMPARE(rows[0].machine, std::string("Linux, i7-9700K, 32 GB"));
    QCOMPARE(*rows[0].totalSeconds, 7.78);
    QCOMPARE(*rows[0].testAccuracy, 0.88);
    QCOMPARE(*rows[1].totalSeconds, 6.70);
    QVERIFY(!rows[1].testAccuracy);
    QVERIFY(rows[1].published);
    QCOMPARE(rows[1].status, std::string("published"));

    applySpeedups(rows, 0);
    QCOMPARE(formatSpeedup(*rows[0].speedup), std::string("1.00x"));
    QCOMPARE(formatSpeedup(*rows[1].speedup), std::string("1.16x"));

    // ResNet-50: the M1 took 5.46x as long.
    auto resnet = publishedRows("cifar10-resnet50");
    QCOMPARE(resnet.size(), std::size_t{2});
    applySpeedups(resnet, 1);
    QCOMPARE(formatSpeedup(*resnet[0].speedup), std::string("5.46x"));
  }

  // CPU model names carry trademark signs that only take room from the table's other columns.
  void deviceNamesDropTrademarkSigns() {
    QCOMPARE(withoutTrademarks("Intel(R) Xeon(R) Platinum 8480+"),
             std::string("Intel Xeon Platinum 8480+"));
    QCOMPARE(withoutTrademarks("Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz"),
             std::string("Intel Core i7-9750H CPU @ 2.60GHz"));
    QCOMPARE(withoutTrademarks("AMD Ryzen\u2122 9 7950X"), std::string("AMD Ryzen 9 7950X"));
    QCOMPARE(withoutTrademarks("AMD EPYC 7B13 64-Core Processor"),
             std::string("AMD EPYC 7B13 64-Core Processor"));
    RunResult run = completedRun();
    run.device.name = "Intel(R) Xeon(R) Processor";
    QVERIFY(deviceLabel(run).find("Intel Xeon Processor") != std::string::npos);
    QCOMPARE(run.device.name, std::string("Intel(R) Xeon(R) Processor"));  // the record keeps it
  }

  // A row carries the run's facts and averages epochs, so rows from two machines line up.
  void rowFromCompletedRun() {
    const ComparisonRow row = comparisonRow(completedRun());
    QCOMPARE(row.device, std::string("cpu"));
    QVERIFY(row.label.find("AMD EPYC 7B13") != std::string::npos);
    QCOMPARE(row.machine, std::string("bench-host"));
    QCOMPARE(row.workload, std::string("fashion-mlp"));
    QCOMPARE(row.status, std::string("completed"));
    QVERIFY(!row.published);
    QCOMPARE(*row.totalSeconds, 6.5);
    QCOMPARE(*row.meanEpochSeconds, 3.0);
    QCOMPARE(*row.samplesPerSecond, 22500.0);
    QCOMPARE(*row.testAccuracy, 0.8512);
  }

  // A --time-budget run's last epoch stops part way: the mean epoch leaves it out (it read 15%
  // too fast beside the full runs); where the budget ended in the first epoch, there is none.
  void meanEpochLeavesOutAnEpochCutByTheBudget() {
    tbtest::RunResultBuilder run;
    run.workload("fashion-mlp", "fashion-mnist").samples(60000, 10000).plannedEpochs(5);
    run.device("cpu", "AMD EPYC 7B13").host("bench-host").batchSize(32);
    run.epoch(1.0, 60000.0).epoch(1.2, 50000.0).epoch(0.1, 60000.0);  // 6 000 images of 60 000
    run.steadyState(60000.0).projection(11.0, 10.0, 12.0, 10, 60000, 10000);
    QVERIFY(qAbs(*comparisonRow(run).meanEpochSeconds - 1.1) < 1e-12);

    tb::RunResult measured = run;
    measured.projection.reset();  // a measured run's epochs are all whole
    QVERIFY(qAbs(*comparisonRow(measured).meanEpochSeconds - 2.3 / 3) < 1e-12);

    tbtest::RunResultBuilder oneCut;
    oneCut.workload("cifar10-resnet50", "cifar10").samples(50000, 10000).plannedEpochs(10);
    oneCut.device("cpu", "AMD EPYC 7B13").host("bench-host").batchSize(32);
    oneCut.epoch(60.0, 20.0).steadyState(20.0).projection(250000.0, 240000.0, 260000.0, 10, 50000, 10000);
    QVERIFY(!comparisonRow(oneCut).meanEpochSeconds);  // part of an epoch is no epoch's time

    // Stopped two steps before the epoch's end (59 936 of 60 000 images) is cut all the same:
    // its time is short of an epoch's by those steps.
    tbtest::RunResultBuilder nearlyWhole;
    nearlyWhole.workload("fashion-mlp", "fashion-mnist").samples(60000, 10000).plannedEpochs(5);
    nearlyWhole.device("cpu", "AMD EPYC 7B13").host("bench-host").batchSize(32);
    nearlyWhole.epoch(1.0, 60000.0).epoch(1.2, 50000.0).epoch(1.0, 59936.0);
    nearlyWhole.steadyState(60000.0).projection(11.0, 10.0, 12.0, 10, 60000, 10000);
    QVERIFY(qAbs(*comparisonRow(nearlyWhole).meanEpochSeconds - 1.1) < 1e-12);

    // Data-parallel ranks train whole steps of all ranks only: 8 ranks of 128 train 49 152 of
    // CIFAR-10's 50 000 images in a whole epoch, which is no cut epoch.
    tbtest::RunResultBuilder ranks;
    ranks.workload("cifar10-resnet50", "cifar10").samples(50000, 10000).plannedEpochs(10);
    ranks.device("cpu", "AMD EPYC 7B13").host("bench-host").batchSize(128);
    ranks.epoch(10.0, 4915.2).epoch(12.0, 4096.0);
    ranks.steadyState(4915.2).projection(120.0, 110.0, 130.0, 10, 50000, 10000);
    tb::RunResult distributed = ranks;
    distributed.distributed = tb::DistributedRecord{8, "gloo", "weak", 1024, {}};
    QVERIFY(qAbs(*comparisonRow(distributed).meanEpochSeconds - 11.0) < 1e-12);
  }

  // A seed-MLP file written before 2026-12-03 stores 609 792 FLOPs per sample, today's 409 088:
  // both are counted on today's count, so the same speed reads the same achieved TFLOPS. A
  // workload this version does not know keeps the count its file gives.
  void achievedTflopsUseOneCountPerPreset() {
    const auto mlp = [](double storedFlops) {
      return RunResultBuilder()
          .workload("fashion-mlp")
          .parameters(101770)
          .flopsPerSample(storedFlops)
          .epoch(1.0, 1e6)
          .steadyState(1e6)
          .totalSeconds(1.0)
          .build();
    };
    const ComparisonRow before = comparisonRow(mlp(609792.0));
    const ComparisonRow now = comparisonRow(mlp(409088.0));
    QVERIFY(before.achievedTflops && now.achievedTflops);
    QCOMPARE(*before.achievedTflops, *now.achievedTflops);
    QVERIFY(std::fabs(*now.achievedTflops - 0.409088) < 1e-12);
    RunResult other = mlp(609792.0);
    other.workload.name = "someone-elses-mlp";
    QVERIFY(std::fabs(*comparisonRow(other).achievedTflops - 0.609792) < 1e-12);
    // The same name with other parameters is another model: its own count stands.
    RunResult wider = mlp(609792.0);
    wider.workload.parameters = 203530;
    QVERIFY(std::fabs(*comparisonRow(wider).achievedTflops - 0.609792) < 1e-12);
  }

  // A data-parallel run's samples/s are all its devices': its efficiency is against all their
  // peaks. Four GPUs at 60% of 50 TFLOPS each read 60%, not 240%, and a peak ratio of 4x against
  // one of them. CPU ranks on one machine add up the shares of its CPU they had.
  void dataParallelEfficiencyCountsEveryDevice() {
    const auto run = [](const std::string& device) {
      return RunResultBuilder()
          .workload("fashion-mlp")
          .device(device, "GPU")
          .host("node")
          .batchSize(32)
          .flopsPerSample(1e9)
          .peakFp32Tflops(50.0)
          .epoch(1.0, 30000.0)
          .totalSeconds(10.0);
    };
    RunResult single = run("cuda:0").steadyState(30000.0);  // 30 TFLOPS: 60%
    RunResult four = run("cuda:0")
                         .steadyState(120000.0)
                         .distributed("weak", 128, {{"node", "cuda:0"}, {"node", "cuda:1"},
                                                    {"node", "cuda:2"}, {"node", "cuda:3"}});
    std::vector<ComparisonRow> rows = {comparisonRow(single), comparisonRow(four)};
    QVERIFY(std::fabs(*rows[1].efficiency - 0.6) < 1e-9);
    QCOMPARE(*rows[1].peakTflops, 200.0);
    applySpeedups(rows, 0);
    QCOMPARE(*rows[1].peakRatio, 4.0);
    // Four ranks on one GPU (`--device cuda:0 --data-parallel 4`) are not four GPUs: another
    // label, and no repeat of the four-GPU run.
    RunResult shared = run("cuda:0").steadyState(29000.0).distributed(
        "weak", 128, {{"node", "cuda:0"}, {"node", "cuda:0"}, {"node", "cuda:0"}, {"node", "cuda:0"}});
    QVERIFY2(deviceLabel(shared).find("\u00d7 4 ranks on cuda:0 \u2014") != std::string::npos,
             deviceLabel(shared).c_str());
    // A file listing fewer ranks than its world cannot show that they shared.
    RunResult partial = shared;
    partial.distributed->ranks.pop_back();
    QVERIFY2(deviceLabel(partial).find("\u00d7 4 ranks \u2014") != std::string::npos,
             deviceLabel(partial).c_str());
    QVERIFY2(deviceLabel(four).find("\u00d7 4 ranks \u2014") != std::string::npos,
             deviceLabel(four).c_str());
    QVERIFY(foldKey(shared) != foldKey(four));
    // A strong run split the batch: it must not read like the weak one (they looked alike in
    // the legend, the comparison and the report).
    RunResult strong = four;
    strong.distributed->scaling = "strong";
    QVERIFY2(deviceLabel(strong).find("\u00d7 4 ranks (strong) \u2014") != std::string::npos,
             deviceLabel(strong).c_str());
    QCOMPARE(*comparisonRow(shared).peakTflops, 50.0);
    // Two machines with one GPU each: two devices, though both are "cuda:0".
    four.distributed = RunResultBuilder()
                           .distributed("weak", 64, {{"a", "cuda:0"}, {"b", "cuda:0"}})
                           .build()
                           .distributed;
    QCOMPARE(*comparisonRow(four).peakTflops, 100.0);
    QVERIFY2(deviceLabel(four).find("\u00d7 2 ranks across 2 machines") != std::string::npos,
             deviceLabel(four).c_str());
    // Two CPU ranks on one machine of 16 cores, each using every core: its one CPU's peak.
    RunResult cpu = run("cpu").steadyState(30000.0).distributed(
        "weak", 64, {{"node", "cpu"}, {"node", "cpu"}});
    cpu.system.logicalCores = 16;
    cpu.config.threads = 16;
    QCOMPARE(*comparisonRow(cpu).peakTflops, 50.0);
    QVERIFY(std::fabs(*comparisonRow(cpu).efficiency - 0.6) < 1e-9);
    // --data-parallel 2 gives each rank half the cores, and the peak was probed on 8 threads:
    // two such peaks make the machine's.
    cpu.config.threads = 8;
    QCOMPARE(*comparisonRow(cpu).peakTflops, 100.0);
    QVERIFY(std::fabs(*comparisonRow(cpu).efficiency - 0.3) < 1e-9);
    // Counted in physical cores where known: 8 of them, hyperthreaded to 16, hold one 8-thread
    // peak, not two.
    cpu.system.physicalCores = 8;
    QCOMPARE(*comparisonRow(cpu).peakTflops, 50.0);
  }

  // An efficiency over 100% (a CPU's 1024 x 1024 products run slower than a small CNN's
  // kernels) is said to make the peak a lower bound: it read as a device beating its best.
  void efficiencyOverTheMeasuredPeakIsExplained() {
    ComparisonRow under;
    under.efficiency = 0.6;
    ComparisonRow over;
    over.efficiency = 1.038;
    QVERIFY(efficiencyNote({under}).empty());
    const std::string note = efficiencyNote({under, over});
    QVERIFY2(note.find("above 100%") != std::string::npos &&
                 note.find("lower bound") != std::string::npos,
             note.c_str());
  }

  // A data-parallel run trained its global batch: a strong-scaling run of batch 32 over 2 ranks
  // (16 each) is the seed's size and compares with single runs of it; a weak-scaling one (32
  // each, 64 a step) is another size.
  void dataParallelRunsAreSizedByTheirGlobalBatch() {
    const auto run = [](int batch) {
      return RunResultBuilder()
          .workload("fashion-mlp")
          .device("cpu", "CPU")
          .host("node")
          .samples(60000, 10000)
          .plannedEpochs(10)
          .batchSize(batch)
          .epoch(1.0, 30000.0)
          .totalSeconds(10.0);
    };
    const RunResult single = run(32);
    const RunResult strong = run(16).distributed("strong", 32, {{"node", "cpu"}, {"node", "cpu"}});
    const RunResult weak = run(32).distributed("weak", 64, {{"node", "cpu"}, {"node", "cpu"}});
    QCOMPARE(comparisonRow(strong).size, comparisonRow(single).size);
    QVERIFY(comparisonRow(single).size.find("batch 32") != std::string::npos);
    QVERIFY(comparisonRow(weak).size.find("batch 64") != std::string::npos);
    // Two strong runs of 2 ranks still fold together; a 2-rank and a single run never do.
    QCOMPARE(foldKey(strong), foldKey(run(16).distributed("strong", 32, {{"node", "cpu"},
                                                                        {"node", "cpu"}})));
    QVERIFY(foldKey(strong) != foldKey(single));
  }

  // A failed run is no measurement: no samples/s, from an old file's steady state or from its
  // epochs (a script ranking `compare --json` rows by speed ranked a diverged run).
  void failedRunHasNoSpeed() {
    RunResult failed = tbtest::RunResultBuilder()
                           .workload("fashion-mlp")
                           .device("cpu", "AMD EPYC 7B13")
                           .epoch(2.0, 30000.0)
                           .steadyState(31000.0);
    QVERIFY(comparisonRow(failed).samplesPerSecond);
    failed.status = RunStatus::Failed;
    failed.failure = FailureKind::Run;
    QVERIFY(!failed.epochs.empty() && failed.steadyState);
    const ComparisonRow row = comparisonRow(failed);
    QVERIFY(!row.samplesPerSecond);
    QVERIFY(!row.achievedTflops);
    QVERIFY(comparisonRow(completedRun()).samplesPerSecond);
  }

  // Metrics are valid or absent: a cancelled run without epochs, test or total must not read 0.
  void missingMetricsStayMissing() {
    RunResult result = completedRun();
    result.status = RunStatus::Cancelled;
    result.epochs.clear();
    result.test.reset();
    result.totalSeconds.reset();
    std::vector<ComparisonRow> rows = {comparisonRow(completedRun()), comparisonRow(result)};
    const ComparisonRow& row = rows[1];
    QCOMPARE(row.status, std::string("cancelled"));
    QVERIFY(!row.totalSeconds);
    QVERIFY(!row.meanEpochSeconds);
    QVERIFY(!row.samplesPerSecond);
    QVERIFY(!row.testAccuracy);

    applySpeedups(rows, 0);
    QVERIFY(rows[0].speedup);
    QVERIFY(!rows[1].speedup);
    // With the incomplete row as baseline nobody gets a speed-up.
    applySpeedups(rows, 1);
    QVERIFY(!rows[0].speedup);
    // An out-of-range baseline clears speed-ups instead of crashing.
    applySpeedups(rows, 7);
    QVERIFY(!rows[0].speedup);
  }

  // Hostnames and machine descriptions contain commas and quotes; the CSV must stay rectangular.
  // A device name from a shared file that a spreadsheet would run as a formula stays text.
  void csvKeepsFormulasAsText() {
    ComparisonRow row = comparisonRow(completedRun());
    row.label = "=HYPERLINK(\"http://x\",\"gpu\")";
    row.machine = "@SUM(A1)";
    const std::string csv = comparisonCsv({row});
    const auto rows = lines(csv);
    QVERIFY2(rows[1].rfind("\"'=HYPERLINK(", 0) == 0, rows[1].c_str());
    QVERIFY2(rows[1].find(",'@SUM(A1),") != std::string::npos, rows[1].c_str());
  }

  void csvQuotesCommasAndQuotes() {
    ComparisonRow row = comparisonRow(publishedReferences().front());  // "Linux, i7-9700K, 32 GB"
    row.label = "GPU \"fast\" one";
    ComparisonRow incomplete = comparisonRow(RunResult{});
    const std::string csv = comparisonCsv({row, incomplete});
    const auto rows = lines(csv);
    QCOMPARE(rows.size(), std::size_t{3});
    QVERIFY(rows[0].rfind("label,device,machine,workload,status", 0) == 0);
    QVERIFY(csv.find("\r\n") != std::string::npos);
    QVERIFY(csv.find("\"GPU \"\"fast\"\" one\"") != std::string::npos);
    QVERIFY(csv.find("\"Linux, i7-9700K, 32 GB\"") != std::string::npos);
    QVERIFY(csv.find(",7.78,") != std::string::npos);
    // Missing values are empty cells, never "n/a" or 0.
    QVERIFY(csv.find("n/a") == std::string::npos);
    QVERIFY(rows[2].find(",false,,,,,") != std::string::npos);
    QCOMPARE(count(rows[2], ','), count(rows[0], ','));
  }

  // The report pastes this table as is: a header, an alignment row, one row per entry, the
  // article's formatting (seconds with 2 decimals, "1.16x", "n/a" for what is missing).
  void markdownTableShape() {
    auto rows = publishedRows("fashion-mlp");
    rows.push_back(comparisonRow(RunResult{}));
    rows.back().machine = "odd|host";
    applySpeedups(rows, 0);
    // The table's lines; a note under it says whose the published figures are.
    const std::string markdown = comparisonMarkdown(rows);
    std::vector<std::string> table;
    for (const auto& line : lines(markdown)) {
      if (!line.empty() && line.front() == '|') table.push_back(line);
    }
    QCOMPARE(table.size(), std::size_t{2 + rows.size()});
    QVERIFY2(contains(markdown, "\nRows marked (published) are the seed article's figures"),
             markdown.c_str());
    const int columns = 12;
    for (const auto& line : table) {
      QVERIFY(line.front() == '|' && line.back() == '|');
      // Escaped pipes inside cells do not count as separators.
      int separators = 0;
      for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++separators;
      }
      QCOMPARE(separators, columns + 1);
    }
    QVERIFY(table[0].find("Device") != std::string::npos);
    QVERIFY(table[1].find("---:") != std::string::npos);
    QVERIFY(table[2].find("| 7.78 |") != std::string::npos);
    QVERIFY(table[2].find("| 0.88 |") != std::string::npos);
    QVERIFY(table[3].find("| 6.70 |") != std::string::npos);
    QVERIFY(table[3].find("| 1.16x |") != std::string::npos);
    QVERIFY(table[3].find("published") != std::string::npos);
    QVERIFY(table[4].find("odd\\|host") != std::string::npos);
    QVERIFY(table[4].find("| n/a |") != std::string::npos);
  }

  // A short trial run next to a full one (or the article's full runs) must not pass for a
  // like-for-like comparison of total times.
  void differentRunSizesAreNamed() {
    RunResult full = completedRun();
    full.workload.trainSamples = 60000;
    full.workload.testSamples = 10000;
    full.config.epochs = 10;
    full.config.batchSize = 32;
    const std::string fullSize = "fashion-mlp, 60000/10000 images x 10 epochs, batch 32";
    QCOMPARE(comparisonRow(full).size, fullSize);
    // The seed's full run is what the article timed: same size, nothing to say.
    auto rows = publishedRows("fashion-mlp");
    QCOMPARE(rows[0].size, fullSize);
    rows.push_back(comparisonRow(full));
    QCOMPARE(sizeMismatchNote(rows), std::string());

    RunResult trial = full;
    trial.workload.trainSamples = 6000;
    trial.workload.testSamples = 1000;
    trial.config.epochs = 1;
    RunResult failed = trial;
    failed.status = RunStatus::Failed;
    failed.config.batchSize = 64;
    rows.push_back(comparisonRow(failed));  // failed runs have no total time to misread
    QCOMPARE(sizeMismatchNote(rows), std::string());

    rows.push_back(comparisonRow(trial));
    const std::string note = sizeMismatchNote(rows);
    QVERIFY2(note.find(fullSize) != std::string::npos, note.c_str());
    QVERIFY2(note.find("fashion-mlp, 6000/1000 images x 1 epoch, batch 32") != std::string::npos,
             note.c_str());
    QVERIFY2(note.find("batch 64") == std::string::npos, note.c_str());
    QVERIFY(comparisonMarkdown(rows).find(note) != std::string::npos);
  }

  // A failed run's row is all n/a: why it failed is said beside the table and in the JSON (it
  // was only in `show`), and a completed run has no error.
  void failedRowsSayWhy() {
    RunResult failed = completedRun();
    failed.status = RunStatus::Failed;
    failed.error = "data not found in /data/fashion-mnist; use --synthetic";
    const auto groups = buildComparison({completedRun(), failed});
    const std::string text = comparisonText(groups);
    QVERIFY2(text.find(": failed: data not found in /data/fashion-mnist; use --synthetic") != std::string::npos,
             text.c_str());
    const std::string json = comparisonJson(groups, -1);
    QVERIFY2(json.find("\"error\":\"data not found in /data/fashion-mnist; use --synthetic\"") != std::string::npos,
             json.c_str());
    QVERIFY2(json.find("\"error\":null") != std::string::npos, json.c_str());
  }

  // The comparison panel redraws (and its exports refresh) only when a row is unequal to the one
  // shown: a field left out of the comparison, like the peak once was, leaves them stale.
  void rowsDifferingInOneFieldAreUnequal() {
    const ComparisonRow row = comparisonRow(completedRun());
    QVERIFY(row == comparisonRow(completedRun()));
    ComparisonRow peak = row;
    peak.peakTflops = 12.5;
    QVERIFY(!(peak == row));
    QVERIFY(peak != row);
    ComparisonRow otherPeak = peak;
    otherPeak.peakTflops = 13.0;
    QVERIFY(otherPeak != peak);
    ComparisonRow size = row;
    size.size = "fashion-mlp, 6000/1000 images x 1 epoch, batch 32";
    QVERIFY(size != row);
    // The fields of repeats, noise and comparability count too.
    const auto differs = [&row](auto change) {
      ComparisonRow other = row;
      change(other);
      return other != row;
    };
    QVERIFY(differs([](ComparisonRow& r) { r.n = 3; }));
    QVERIFY(differs([](ComparisonRow& r) { r.sources = {4}; }));
    QVERIFY(differs([](ComparisonRow& r) { r.key = "other"; }));
    QVERIFY(differs([](ComparisonRow& r) { r.samplesPerSecondLow = 1.0; }));
    QVERIFY(differs([](ComparisonRow& r) { r.samplesPerSecondHigh = 1.0; }));
    QVERIFY(differs([](ComparisonRow& r) { r.totalLow = 1.0; }));
    QVERIFY(differs([](ComparisonRow& r) { r.totalHigh = 1.0; }));
    QVERIFY(differs([](ComparisonRow& r) { r.projected = true; }));
    QVERIFY(differs([](ComparisonRow& r) { r.disturbed = true; }));
    QVERIFY(differs([](ComparisonRow& r) { r.otherMethod = true; }));
    QVERIFY(differs([](ComparisonRow& r) { r.error = "out of memory"; }));
    QVERIFY(differs([](ComparisonRow& r) { r.watched = !r.watched; }));
    QVERIFY(differs([](ComparisonRow& r) { r.warnings = {"busy"}; }));
    QVERIFY(differs([](ComparisonRow& r) { r.withinNoise = true; }));
    QVERIFY(differs([](ComparisonRow& r) { r.noiseJudged = true; }));
    QVERIFY(differs([](ComparisonRow& r) { r.learningRate = 0.5; }));
    QVERIFY(differs([](ComparisonRow& r) { r.environment = "reference BLAS"; }));
    QVERIFY(differs([](ComparisonRow& r) { r.dataSource = "synthetic"; }));
    QVERIFY(differs([](ComparisonRow& r) { r.group = "other"; }));
    QVERIFY(differs([](ComparisonRow& r) { r.created = "2027-01-01T00:00:00Z"; }));
    QVERIFY(differs([](ComparisonRow& r) { r.threads = 3; }));
    QVERIFY(differs([](ComparisonRow& r) { r.baseline = true; }));
  }
};

QTEST_APPLESS_MAIN(ComparisonTest)
#include "tst_comparison.moc"
