// The grouped comparison (results/comparison_groups.h): runs grouped by workload and size, no
// speed-up across groups, "within noise", projected totals, published rows, disturbed runs'
// warnings, and the JSON and CSV outputs. Labels: tst_comparison_labels; repeats folded into
// one row, and the runs that never fold: tst_comparison_folding.
#include "results/comparison.h"
#include "results/comparison_groups.h"

#include "../support/comparison_runs.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <ctime>

using namespace tb;
using namespace tbtest;

class ComparisonGroupsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The labels' dates are local time: these checks read them in UTC wherever they run.
  void initTestCase() {
    qputenv("TZ", "UTC");
    tzset();
  }
  // The first rule: runs compare within a workload and size. Each group is one table,
  // in order of first appearance, and speed-ups are against that group's own baseline.
  void comparisonGroupsByWorkloadAndSize() {
    const std::vector<RunResult> results = {fullRun("cpu", 10.0), cifarRun("cpu", 4000.0),
                                            trialRun("cpu", 1.0), fullRun("cuda:0", 2.0)};
    const auto groups = buildComparison(results);
    QCOMPARE(groups.size(), std::size_t{3});
    QCOMPARE(groups[0].size, std::string(kFashionFull));
    QCOMPARE(groups[0].workload, std::string("fashion-mlp"));
    QCOMPARE(groups[1].size, std::string(kCifarFull));
    QCOMPARE(groups[2].size, std::string(kFashionTrial));
    QCOMPARE(groups[0].rows.size(), std::size_t{2});
    QCOMPARE(groups[0].rows[1].sources, std::vector<std::size_t>{3});
    QCOMPARE(groups[0].rows[1].device, std::string("cuda:0"));
    QCOMPARE(*groups[0].rows[1].speedup, 5.0);
    // The other groups' only rows are their own baselines, never measured against the MLP.
    QCOMPARE(*groups[1].rows[0].speedup, 1.0);
    QCOMPARE(*groups[2].rows[0].speedup, 1.0);
    for (const auto& group : groups) {
      for (const auto& row : group.rows) QCOMPARE(row.group, group.key);
    }
    const std::string text = comparisonText(groups);
    QVERIFY2(contains(text, std::string("### ") + kFashionFull + "\n"), text.c_str());
    QVERIFY2(contains(text, std::string("### ") + kCifarFull + "\n"), text.c_str());
    QVERIFY2(contains(text, std::string("### ") + kFashionTrial + "\n"), text.c_str());
  }

  // A ResNet-50 row next to an MLP baseline (or a trial next to a full run) must read "n/a", never
  // "400x slower": applySpeedups leaves rows of another group without a speed-up or peak ratio.
  void noSpeedupAcrossWorkloadsOrSizes() {
    std::vector<ComparisonRow> rows = {
        comparisonRow(fullRun("cpu", 10.0).peakFp32Tflops(1.0)),
        comparisonRow(cifarRun("cuda:0", 400.0).peakFp32Tflops(50.0)),
        comparisonRow(trialRun("cuda:0", 1.0).peakFp32Tflops(50.0)),
        comparisonRow(fullRun("cuda:0", 2.0).peakFp32Tflops(50.0))};
    applySpeedups(rows, 0);
    QCOMPARE(*rows[0].speedup, 1.0);
    QVERIFY(!rows[1].speedup && !rows[1].peakRatio);
    QVERIFY(!rows[2].speedup && !rows[2].peakRatio);
    QCOMPARE(*rows[3].speedup, 5.0);
    QCOMPARE(*rows[3].peakRatio, 50.0);
    QVERIFY(!comparableRows(rows[0], rows[1]));
    QVERIFY(!comparableRows(rows[0], rows[2]));
    const auto table = lines(comparisonMarkdown(rows));
    QVERIFY(contains(table[3], "| n/a | n/a | completed |"));  // peak ratio, speed-up
    QVERIFY(contains(table[4], "| n/a | n/a | completed |"));

    // Choosing the cifar row as baseline moves only the cifar group's baseline.
    const std::vector<RunResult> results = {fullRun("cpu", 10.0), cifarRun("cpu", 4000.0),
                                            cifarRun("cuda:0", 400.0)};
    ComparisonOptions options;
    options.baselineKey = foldKey(results[2]);
    const auto groups = buildComparison(results, options);
    QCOMPARE(groups.size(), std::size_t{2});
    QCOMPARE(groups[0].baseline, std::size_t{0});
    QCOMPARE(*groups[0].rows[0].speedup, 1.0);
    QCOMPARE(groups[1].baseline, std::size_t{1});
    QCOMPARE(*groups[1].rows[0].speedup, 0.1);
  }

  // A disturbed run measured the machine's other work too: the first quiet row is the default
  // baseline. Chosen, it is the baseline all the same; with no quiet row, the first is.
  void disturbedRunIsNotTheDefaultBaseline() {
    RunResult busy = fullRun("cpu", 8.0);
    busy.validity = ValidityRecord{true, {"Other processes used 1.5 of 2 cores during the run"}};
    const std::vector<RunResult> results = {busy, fullRun("cuda:0", 2.0), fullRun("cuda:1", 4.0)};
    const auto groups = buildComparison(results, {});
    QCOMPARE(groups[0].baseline, std::size_t{1});
    QCOMPARE(*groups[0].rows[0].speedup, 0.25);
    QCOMPARE(*groups[0].rows[2].speedup, 0.5);
    ComparisonOptions chosen;
    chosen.baselineKey = groups[0].rows[0].key;
    QCOMPARE(buildComparison(results, chosen)[0].baseline, std::size_t{0});
    QCOMPARE(buildComparison({busy}, {})[0].baseline, std::size_t{0});
  }

  // A completed run whose total reads 0 s is not chosen as the default baseline: the next one is,
  // and the others get their speed-ups.
  void zeroTotalIsNotTheDefaultBaseline() {
    const std::vector<RunResult> results = {fullRun("cpu", 0.0), fullRun("cuda:0", 2.0),
                                            fullRun("cuda:1", 4.0)};
    const auto groups = buildComparison(results, {});
    QCOMPARE(groups.size(), std::size_t{1});
    QCOMPARE(groups[0].baseline, std::size_t{1});
    QCOMPARE(*groups[0].rows[2].speedup, 0.5);
    // Not even when chosen: the group keeps a baseline speed-ups can be measured against, and
    // the JSON marks the row the table marks.
    ComparisonOptions chosen;
    chosen.baselineKey = groups[0].rows[0].key;
    const auto again = buildComparison(results, chosen);
    QCOMPARE(again[0].baseline, std::size_t{1});
    QCOMPARE(*again[0].rows[2].speedup, 0.5);
    const QJsonArray rows = QJsonDocument::fromJson(QByteArray::fromStdString(
                                                        comparisonJson(again)))
                                .array();
    QCOMPARE(rows[0].toObject()[QLatin1String("baseline")].toBool(), false);
    QCOMPARE(rows[1].toObject()[QLatin1String("baseline")].toBool(), true);
  }

  // Two devices 1% apart with overlapping intervals may differ by chance alone: the speed-up says
  // "within noise". Intervals apart, or rows without an interval, are not flagged.
  void withinNoiseWhenIntervalsOverlap() {
    std::vector<RunResult> results = repeats("cpu", {10.0, 10.1, 9.9});
    for (const auto& run : repeats("cuda:0", {10.05, 10.15, 9.95})) results.push_back(run);
    for (const auto& run : repeats("cuda:1", {5.0, 5.05, 4.95})) results.push_back(run);
    results.push_back(fullRun("mps", 10.0));  // n == 1: no interval to judge by
    const auto groups = buildComparison(results);
    QCOMPARE(groups.size(), std::size_t{1});
    const auto& rows = groups[0].rows;
    QCOMPARE(rows.size(), std::size_t{4});
    QVERIFY(!rows[0].withinNoise);  // the baseline
    QVERIFY(rows[1].withinNoise);
    QVERIFY(!rows[2].withinNoise);
    QVERIFY(!rows[3].withinNoise);
    QVERIFY(qAbs(*rows[1].speedup - 10.0 / 10.05) < 1e-12);
    // Scripts tell "a real difference" (false) from "not judged" (null: the baseline, a row
    // without an interval).
    const QJsonArray json =
        QJsonDocument::fromJson(QByteArray::fromStdString(comparisonJson(groups))).array();
    const auto noise = [&json](int i) {
      return json[i].toObject().value(QLatin1String("within_noise"));
    };
    QVERIFY(noise(0).isNull());
    QCOMPARE(noise(1), QJsonValue(true));
    QCOMPARE(noise(2), QJsonValue(false));
    QVERIFY(noise(3).isNull());
    const std::string text = comparisonText(groups);
    QVERIFY2(contains(text, "| 0.995x (within noise) |"), text.c_str());
    QVERIFY2(contains(text, "| 2.00x |"), text.c_str());
    QVERIFY2(contains(text, "| **1.00x** (baseline) |"), text.c_str());
    QVERIFY(contains(comparisonMarkdown(rows), "0.995x (within noise)"));
    // The table shows samples/s intervals; a note under it gives the total times' intervals the
    // verdict is judged on (they were only in --json), and names no row that is not in noise.
    const std::string note = "within noise: the 95% intervals of the total times overlap, so the "
                             "difference may be chance: " +
                             rows[0].label + " " + totalIntervalText(rows[0]) + " (baseline), " +
                             rows[1].label + " " + totalIntervalText(rows[1]) + ".";
    QVERIFY(!totalIntervalText(rows[1]).empty() && totalIntervalText(rows[3]).empty());
    QVERIFY2(contains(text, "\n" + note + "\n"), text.c_str());
    QVERIFY(contains(comparisonMarkdown(rows), note));
    // Many rows in noise: four named, the rest counted (a year of runs made a 6,000-character
    // line of them); the table marks each.
    std::vector<RunResult> many = repeats("cpu", {10.0, 10.1, 9.9});
    for (int gpu = 0; gpu < 7; ++gpu) {
      for (const auto& run : repeats("cuda:" + std::to_string(gpu), {10.05, 10.15, 9.95})) {
        many.push_back(run);
      }
    }
    const std::string crowded = comparisonText(buildComparison(many));
    QVERIFY2(contains(crowded, ", and 3 more rows marked (within noise).\n"), crowded.c_str());
    QVERIFY2(contains(crowded, "cuda:3") && !contains(crowded.substr(crowded.find("within noise:")),
                                                      "cuda:4"),
             crowded.c_str());
    const std::vector<RunResult> apart = {results[0], results[1], results[2], results[6],
                                          results[7], results[8]};
    QVERIFY(!contains(comparisonText(buildComparison(apart)), "within noise"));
    // Rows of several sizes in one export: each is named against its own group's baseline.
    std::vector<RunResult> twoSizes = {results[0], results[1], results[2], results[3], results[4],
                                       results[5]};
    for (const double total : {20.0, 20.2, 19.8}) twoSizes.push_back(cifarRun("cpu", total));
    for (const double total : {20.1, 20.3, 19.9}) twoSizes.push_back(cifarRun("cuda:0", total));
    const auto mixed = allRows(buildComparison(twoSizes));
    QCOMPARE(mixed.size(), std::size_t{4});
    const std::string both = comparisonMarkdown(mixed);
    QVERIFY2(contains(both, mixed[0].label + " " + totalIntervalText(mixed[0]) + " (baseline), " +
                                mixed[1].label + " " + totalIntervalText(mixed[1]) + ".\n"),
             both.c_str());
    QVERIFY2(contains(both, mixed[2].label + " " + totalIntervalText(mixed[2]) + " (baseline), " +
                                mixed[3].label + " " + totalIntervalText(mixed[3]) + ".\n"),
             both.c_str());

    // A projection's own interval counts as well.
    results.push_back(trialRun("cuda:2", 3.0).projection(10.1, 9.5, 10.7, 10, 60000, 10000));
    const auto withProjection = buildComparison(results);
    QCOMPARE(withProjection[0].rows.size(), std::size_t{5});
    QVERIFY(withProjection[0].rows[4].withinNoise);
  }

  // A --time-budget run stands for the full run it projects: its total is the projection,
  // flagged, with the projection's interval, in the full run's group, and a note says so.
  void projectedRowTotalIsTheProjection() {
    const RunResult projected =
        trialRun("cuda:0", 12.0).projection(120.0, 110.0, 130.0, 10, 60000, 10000);
    const ComparisonRow row = comparisonRow(projected);
    QVERIFY(row.projected);
    QCOMPARE(*row.totalSeconds, 120.0);
    QCOMPARE(*row.totalLow, 110.0);
    QCOMPARE(*row.totalHigh, 130.0);
    QCOMPARE(row.size, std::string(kFashionFull));
    QVERIFY(hasTotalInterval(row));
    // Its model trained for the budget only: no accuracy beside the full runs'.
    QVERIFY(projected.test && !row.testAccuracy);
    QVERIFY(!hasTotalInterval(comparisonRow(fullRun("cpu", 10.0))));

    // Next to a measured full run: one group, never folded, and the mix is said.
    const std::vector<RunResult> results = {fullRun("cuda:0", 100.0), projected};
    const auto groups = buildComparison(results);
    QCOMPARE(groups.size(), std::size_t{1});
    QCOMPARE(groups[0].rows.size(), std::size_t{2});
    QVERIFY(!groups[0].rows[0].projected);
    QVERIFY(groups[0].rows[1].projected);
    QCOMPARE(groups[0].notes.size(), std::size_t{1});
    QVERIFY(contains(groups[0].notes[0], "projected"));
    const std::string text = comparisonText(groups);
    QVERIFY2(contains(text, "| ~120.00 |"), text.c_str());
    QVERIFY2(contains(text, "| 100.00 |"), text.c_str());
    QVERIFY2(contains(text, groups[0].notes[0]), text.c_str());
    std::vector<ComparisonRow> flat = groups[0].rows;
    QVERIFY(contains(comparisonMarkdown(flat), "| ~120.00 |"));
    QVERIFY(contains(comparisonMarkdown(flat), projectionNote(flat)));
    // Projected rows alone still say what "~" means, without measured rows to set apart.
    QCOMPARE(buildComparison({projected})[0].notes, std::vector<std::string>{projectionNote({row})});
  }

  // The article's rows join only the group of their own size (the seed's full runs): next to a
  // one-epoch trial they would pass for a like-for-like comparison.
  void publishedRowsJoinOnlyTheMatchingSize() {
    const std::vector<RunResult> results = {trialRun("cpu", 1.0), fullRun("cpu", 15.56),
                                            cifarRun("cpu", 4000.0).samples(5000, 1000)};
    QCOMPARE(allRows(buildComparison(results)).size(), std::size_t{3});
    ComparisonOptions options;
    options.includePublished = true;
    const auto groups = buildComparison(results, options);
    QCOMPARE(groups.size(), std::size_t{4});
    QCOMPARE(groups[0].rows.size(), std::size_t{1});  // the trial
    QCOMPARE(groups[1].rows.size(), std::size_t{3});
    QCOMPARE(groups[2].rows.size(), std::size_t{1});  // a smaller ResNet-50 run
    // No ResNet-50 run of the seed's size: its published rows stand apart, still shown, and
    // compared with nothing but each other.
    QCOMPARE(groups[3].rows.size(), std::size_t{2});
    QVERIFY(groups[3].rows[0].published && groups[3].rows[1].published);
    QVERIFY(!groups[2].rows[0].speedup || *groups[2].rows[0].speedup == 1.0);
    const ComparisonRow& published = groups[1].rows[1];
    QVERIFY(published.published);
    QCOMPARE(published.key, std::string("published:fashion-mlp:RTX 2080 Ti"));
    QCOMPARE(published.label, std::string("RTX 2080 Ti (published)"));
    QCOMPARE(formatSpeedup(*published.speedup), std::string("2.00x"));
    QCOMPARE(groups[1].baseline, std::size_t{0});
    // Chosen as baseline, a published row is one like any other.
    options.baselineKey = "published:fashion-mlp:M1 Mac mini";
    const auto againstM1 = buildComparison(results, options);
    QCOMPARE(againstM1[1].baseline, std::size_t{2});
    QCOMPARE(formatSpeedup(*againstM1[1].rows[0].speedup), std::string("0.43x"));
  }

  // Disturbed runs keep their warnings: the row is flagged and each warning is listed once.
  void disturbedRowsListTheirWarnings() {
    std::vector<RunResult> results = repeats("cpu", {10.0, 10.1, 9.9});
    const std::string busy = "Another process used 45% of the CPU during the run.";
    results[0].validity = ValidityRecord{true, {busy}};
    results[1].validity = ValidityRecord{true, {busy, "The CPU clock dropped by 30%."}};
    results[2].validity = ValidityRecord{false, {}};
    const auto groups = buildComparison(results);
    const ComparisonRow& row = groups[0].rows[0];
    QVERIFY(row.disturbed);
    QCOMPARE(row.warnings.size(), std::size_t{2});
    const std::string text = comparisonText(groups);
    QVERIFY2(contains(text, "| 1 | \u26a0 cpu (8 threads)"), text.c_str());
    QVERIFY2(contains(text, "- \u26a0 " + row.label + ": " + busy + "\n"), text.c_str());
    QVERIFY(text.find(busy) == text.rfind(busy));  // once, though two runs said it
  }

  // Scripts read `compare --json`: one object per row with the documented keys, null for what is
  // missing (a failed run's speed-up), '.' decimals.
  void jsonHasTheDocumentedKeys() {
    std::vector<RunResult> results = repeats("cpu", {10.0, 10.1, 9.9});
    RunResult failed = fullRun("cuda:0", 1.0).failed(FailureKind::Device, "out of memory");
    failed.totalSeconds.reset();
    results.push_back(failed);
    results.push_back(cifarRun("cpu", 4000.0).flopsPerSample(1e9).peakFp32Tflops(1.0));
    results.back().validity = ValidityRecord{false, {}};  // watched, and quiet
    const ComparisonRow cifar = comparisonRow(results.back());
    QVERIFY(cifar.efficiency && cifar.achievedTflops);
    const auto groups = buildComparison(results);
    QJsonParseError error{};
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray::fromStdString(comparisonJson(groups)), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QVERIFY(doc.isArray());
    const QJsonArray rows = doc.array();
    QCOMPARE(rows.size(), 3);
    const QStringList keys = {"row",           "workload",  "size",
                              "label",         "device",    "machine",
                              "precision",     "threads",   "execution",
                              "optimizer",     "learning_rate", "environment", "data_source", "n",
                              "disturbed",     "warnings",  "samples_per_second",
                              "total_seconds", "total_low", "total_high",
                              "projected",     "speedup",   "within_noise",
                              "baseline",      "status",    "published",
                              "test_accuracy", "created",   "notes",
                              "mean_epoch_seconds", "achieved_tflops", "peak_tflops",
                              "efficiency",    "peak_ratio"};
    for (const QJsonValue& value : rows) {
      const QJsonObject row = value.toObject();
      for (const QString& key : keys) QVERIFY2(row.contains(key), qPrintable(key));
      const QJsonObject throughput = row[QLatin1String("samples_per_second")].toObject();
      for (const char* key : {"median", "low", "high"}) QVERIFY(throughput.contains(key));
    }
    const QJsonObject cpu = rows[0].toObject();
    QCOMPARE(cpu[QLatin1String("row")].toInt(), 1);
    QCOMPARE(cpu[QLatin1String("n")].toInt(), 3);
    QCOMPARE(cpu[QLatin1String("size")].toString(), QString::fromLatin1(kFashionFull));
    QCOMPARE(cpu[QLatin1String("workload")].toString(), QStringLiteral("fashion-mlp"));
    QCOMPARE(cpu[QLatin1String("baseline")].toBool(), true);
    QVERIFY(cpu[QLatin1String("environment")].isNull());  // nothing beyond the settings
    QCOMPARE(cpu[QLatin1String("speedup")].toDouble(), 1.0);
    QCOMPARE(cpu[QLatin1String("threads")].toInt(), 8);
    QCOMPARE(cpu[QLatin1String("execution")].toString(), QStringLiteral("eager"));
    QCOMPARE(cpu[QLatin1String("total_seconds")].toDouble(), 10.0);
    QVERIFY(cpu[QLatin1String("samples_per_second")][QLatin1String("low")].isDouble());
    // Files from before runs were watched: neither quiet nor disturbed, so null, not false.
    QVERIFY(cpu[QLatin1String("disturbed")].isNull());
    const QJsonObject gpu = rows[1].toObject();
    QCOMPARE(gpu[QLatin1String("status")].toString(), QStringLiteral("failed"));
    QVERIFY(gpu[QLatin1String("speedup")].isNull());
    QVERIFY(gpu[QLatin1String("total_seconds")].isNull());
    QVERIFY(gpu[QLatin1String("samples_per_second")][QLatin1String("low")].isNull());
    QCOMPARE(gpu[QLatin1String("baseline")].toBool(), false);
    QCOMPARE(rows[2].toObject()[QLatin1String("workload")].toString(),
             QStringLiteral("cifar10-resnet50"));
    QCOMPARE(rows[2].toObject()[QLatin1String("row")].toInt(), 3);
    QCOMPARE(rows[2].toObject()[QLatin1String("disturbed")], QJsonValue(false));
    // The GPU server's figures a script compares: achieved TFLOPS against the measured peak.
    QCOMPARE(rows[2].toObject()[QLatin1String("efficiency")].toDouble(), *cifar.efficiency);
    QCOMPARE(rows[2].toObject()[QLatin1String("peak_tflops")].toDouble(), 1.0);
    QVERIFY(cpu[QLatin1String("efficiency")].isNull());  // no peak measured
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(comparisonJson({}))).array().size(),
             0);
  }

  // Spreadsheets find the old columns where they were; the new ones come after them.
  void csvKeepsOldColumnsAndAddsNewOnesAtTheEnd() {
    const auto groups = buildComparison(repeats("cpu", {10.0, 10.1, 9.9}));
    const std::string csv = comparisonCsv(groups[0].rows);
    const auto rows = lines(csv);
    QVERIFY(rows[0].rfind("label,device,machine,workload,status,published,total_seconds,"
                          "mean_epoch_seconds,samples_per_second,test_accuracy,speedup,precision,"
                          "achieved_tflops,peak_tflops,efficiency,peak_ratio,n,"
                          "samples_per_second_low,samples_per_second_high,total_low,total_high,"
                          "projected,disturbed,within_noise,size,baseline,warnings,error,"
                          "peak_rss_mib,peak_gpu_memory_mib\r",
                          0) == 0);
    QVERIFY(contains(rows[1], ",3,"));
    // projected; disturbed, empty as no run was watched (files from before validity); then
    // within_noise: empty, as the baseline is never judged.
    QVERIFY(contains(rows[1], ",false,,,\""));
    QVERIFY(contains(rows[1], "\",true,,,,\r"));
    std::vector<RunResult> watched = repeats("cpu", {10.0, 10.1, 9.9});
    for (RunResult& run : watched) run.validity = ValidityRecord{false, {}};
    QVERIFY(contains(lines(comparisonCsv(buildComparison(watched)[0].rows))[1], ",false,false,,\""));
    // Peak memory, from the runs' telemetry: the largest any repeat took (will it fit?).
    for (std::size_t i = 0; i < watched.size(); ++i) {
      watched[i].timeline = {TelemetrySample{1.0, 50.0, 100.0, 300.0 + 100.0 * static_cast<double>(i)},
                             TelemetrySample{2.0, 50.0, 100.0, 250.0}};
    }
    const auto folded = buildComparison(watched)[0].rows;
    QCOMPARE(folded[0].peakRssMb.value_or(-1), 500.0);
    QVERIFY(!folded[0].peakGpuMemoryMb);
    QVERIFY(contains(lines(comparisonCsv(folded))[1], ",500,\r"));
    const QJsonArray json =
        QJsonDocument::fromJson(QByteArray::fromStdString(comparisonJson(buildComparison(watched))))
            .array();
    QCOMPARE(json[0].toObject()[QLatin1String("peak_rss_mb")].toDouble(), 500.0);
    QVERIFY(json[0].toObject()[QLatin1String("peak_gpu_memory_mb")].isNull());
  }
};

QTEST_APPLESS_MAIN(ComparisonGroupsTest)
#include "tst_comparison_groups.moc"
