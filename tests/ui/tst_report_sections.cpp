// The PDF report's tables (ui/export/report_tables.h): one per workload and size with its own
// baseline, projected totals marked, the peak table's columns only where a peak was measured,
// the article's rows beside the runs they compare with, huge figures kept short.
#include "export/report_tables.h"
#include "results/comparison.h"
#include "results/comparison_groups.h"

#include "../support/comparison_runs.h"
#include "../support/run_result_builder.h"

#include <QtTest>

class TestReportSections final : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The report's comparison has a table per size, each naming its own baseline: a ResNet-50
  // row's 1.00x is against a ResNet-50 run, not the MLP baseline of the first table. A CPU
  // training ResNet-50 keeps the decimals it needs and its speed-up its digits.
  void reportTablesAreOnePerSizeWithTheirBaseline() {
    std::vector<tb::RunResult> results = {tbtest::fullRun("cpu", 10.0),
                                          tbtest::fullRun("cuda:0", 2.0),
                                          tbtest::cifarRun("cuda:0", 8.0),
                                          tbtest::cifarRun("cpu", 3000.0)};
    results[3].steadyState->samplesPerSecond = 3.4567;
    tb::ComparisonOptions options;
    options.includePublished = true;
    const auto groups = tb::buildComparison(results, options);
    const auto rows = tbtest::allRows(groups);
    const auto sections = tb::ui::comparisonSections(rows);
    QCOMPARE(sections.size(), 2);
    QCOMPARE(sections[0].title, QString::fromLatin1(tbtest::kFashionFull));
    QCOMPARE(sections[1].title, QString::fromLatin1(tbtest::kCifarFull));
    const QString fashionBaseline = QString::fromStdString(groups[0].rows[0].label);
    const QString cifarBaseline = QString::fromStdString(groups[1].rows[0].label);
    QVERIFY2(sections[0].baselineNote.contains(fashionBaseline),
             qPrintable(sections[0].baselineNote));
    QVERIFY2(sections[1].baselineNote.contains(cifarBaseline),
             qPrintable(sections[1].baselineNote));
    const int speedup = static_cast<int>(sections[1].columns.size()) - 1;
    const int samples = speedup - 2;
    QCOMPARE(sections[1].columns[samples].header, QStringLiteral("Samples/s"));
    QCOMPARE(sections[1].rows[1].cells[samples], QStringLiteral("3.46"));
    QCOMPARE(sections[1].rows[1].cells[speedup], QStringLiteral("0.0027×"));
    // The article's rows are listed but not counted as runs.
    QVERIFY(std::any_of(rows.begin(), rows.end(), [](const auto& row) { return row.published; }));
    QCOMPARE(tb::ui::runsAndMachines(rows, 1), QStringLiteral("4 runs  ·  1 machine"));
  }

  // A run cut short by its time budget stands for the full run it projects: the report writes
  // its total as History does, "~74.40 s (projected)".
  void reportMarksProjectedTotals() {
    tbtest::RunResultBuilder cut = tbtest::fullRun("cpu", 10.0);
    cut.projection(74.4, 70.0, 80.0, 10, 60000, 10000);
    const auto rows = tbtest::allRows(tb::buildComparison({tbtest::fullRun("cuda:0", 2.0), cut}, {}));
    const auto sections = tb::ui::comparisonSections(rows);
    QCOMPARE(sections.size(), 1);
    const int total = 2;  // after Run and Machine
    QCOMPARE(sections[0].columns[total].header, QStringLiteral("Total time"));
    QStringList totals;
    for (const auto& row : sections[0].rows) totals << row.cells[total];
    QVERIFY2(totals.contains(QStringLiteral("~74.40 s (projected)")), qPrintable(totals.join(u'|')));
    QVERIFY2(totals.contains(QStringLiteral("2.00 s")), qPrintable(totals.join(u'|')));
  }

  // The peak table is one per group too: its peak ratios and speed-ups are against each group's
  // baseline, and one table of two groups read "1.00×" on both baselines as if against one.
  void peakTablesAreOnePerGroup() {
    const auto probed = [](tbtest::RunResultBuilder run, double peak) {
      return tb::RunResult(run.flopsPerSample(1e6).peakFp32Tflops(peak));
    };
    const std::vector<tb::RunResult> results = {
        probed(tbtest::fullRun("cpu", 20.0), 1.0), probed(tbtest::fullRun("cuda:0", 5.0), 50.0),
        probed(tbtest::trialRun("cpu", 2.0), 1.0)};
    const auto rows = tbtest::allRows(tb::buildComparison(results));
    const auto sections = tb::ui::efficiencySections(rows);
    QCOMPARE(sections.size(), 2);
    QCOMPARE(sections[0].title, QString::fromLatin1(tbtest::kFashionFull));
    QCOMPARE(sections[1].title, QString::fromLatin1(tbtest::kFashionTrial));
    QCOMPARE(sections[0].rows.size(), 2);
    QCOMPARE(sections[1].rows.size(), 1);
    const int peakRatio = 5;
    QCOMPARE(sections[0].columns[peakRatio].header, QStringLiteral("Peak ratio"));
    QCOMPARE(sections[0].rows[1].cells[peakRatio], QStringLiteral("50.00×"));
    QCOMPARE(sections[1].rows[0].cells[peakRatio], QStringLiteral("1.00×"));  // its own baseline
  }

  // A group where no device's peak was measured (CLI runs with --no-probe) has no peak columns:
  // they read n/a on every row. A group with one keeps them, n/a where a peak is missing.
  void peakColumnsOnlyWhereAPeakWasMeasured() {
    const std::vector<tb::RunResult> results = {
        tbtest::fullRun("cpu", 20.0).flopsPerSample(1e6),
        tbtest::fullRun("cuda:0", 5.0).flopsPerSample(1e6),
        tbtest::trialRun("cpu", 2.0).flopsPerSample(1e6).peakFp32Tflops(1.0),
        tbtest::trialRun("cuda:0", 1.0).flopsPerSample(1e6)};
    const auto sections = tb::ui::efficiencySections(tbtest::allRows(tb::buildComparison(results)));
    QCOMPARE(sections.size(), 2);
    QVERIFY(!sections[0].peaks);
    QStringList headers;
    for (const auto& column : sections[0].columns) headers << column.header;
    QCOMPARE(headers.join(u'|'), QStringLiteral("Run|Precision|Achieved TFLOPS|Speed-up"));
    for (const auto& row : sections[0].rows) QCOMPARE(row.cells.size(), 4);
    QVERIFY(sections[1].peaks);
    QCOMPARE(sections[1].columns.size(), 7);
    QCOMPARE(sections[1].rows[1].cells[3], QStringLiteral("n/a"));  // cuda:0's peak
  }

  // The article's rows join a workload's runs of unknown size: one table, against one baseline
  // (they were a table of their own, with speed-ups against the other table's baseline). A
  // group where no row has a total names no baseline.
  void publishedRowsShareTheTableTheyCompareIn() {
    tbtest::RunResultBuilder unknownSize = tbtest::fullRun("cpu", 10.0);
    unknownSize.samples(0, 0);
    tb::ComparisonOptions options;
    options.includePublished = true;
    const auto rows = tbtest::allRows(tb::buildComparison({unknownSize}, options));
    QCOMPARE(rows.size(), std::size_t{3});
    const auto sections = tb::ui::comparisonSections(rows);
    QCOMPARE(sections.size(), 1);
    QCOMPARE(sections[0].rows.size(), 3);
    QVERIFY2(sections[0].baselineNote.contains(QString::fromStdString(rows[0].label)),
             qPrintable(sections[0].baselineNote));

    tbtest::RunResultBuilder failed = tbtest::fullRun("cpu", 10.0);
    tb::RunResult result = failed;
    result.status = tb::RunStatus::Failed;
    result.totalSeconds.reset();
    const auto none = tbtest::allRows(tb::buildComparison({result}));
    QVERIFY(!none[0].baseline);
    QVERIFY2(tb::ui::comparisonSections(none)[0].baselineNote.startsWith(QLatin1String("No run")),
             qPrintable(tb::ui::comparisonSections(none)[0].baselineNote));
  }

  // A speed-up within the noise reads so in the report's tables (speedupText, which the peak
  // table now uses too: it dropped the mark), and the note under its table gives the total
  // times' intervals it is judged on.
  void withinNoiseReadsTheSameInEveryTable() {
    std::vector<tb::RunResult> results = tbtest::repeats("cpu", {10.0, 10.1, 9.9});
    for (const auto& run : tbtest::repeats("cuda:0", {10.05, 10.15, 9.95})) results.push_back(run);
    const auto rows = tbtest::allRows(tb::buildComparison(results));
    QVERIFY(rows.size() == 2 && rows[1].withinNoise);
    QCOMPARE(tb::ui::speedupText(rows[1]), QStringLiteral("0.995× (within noise)"));
    const auto sections = tb::ui::comparisonSections(rows);
    QCOMPARE(sections[0].rows[1].cells.last(), tb::ui::speedupText(rows[1]));
    QVERIFY2(sections[0].baselineNote.contains(
                 QString::fromStdString(tb::withinNoiseNote({&rows[0], &rows[1]}))),
             qPrintable(sections[0].baselineNote));
  }

  // Figures beyond any real one (a hand-edited file) stay short: the table keeps its columns.
  void hugeFiguresAreWrittenInScientificNotation() {
    const auto rows = tbtest::allRows(tb::buildComparison({tbtest::fullRun("cpu", 1e300)}));
    const auto sections = tb::ui::comparisonSections(rows);
    QCOMPARE(sections.size(), 1);
    const QString total = sections[0].rows[0].cells[2];
    QVERIFY2(total.startsWith(QStringLiteral("1.00e+300")), qPrintable(total));
  }

  // A failed run says why under the tables (a diverged run read only "failed"); a run that
  // completed says nothing there.
  void failedRunsSayWhy() {
    tb::RunResult diverged = tbtest::fullRun("cpu", 10.0).failed(
        tb::FailureKind::Run, "training diverged at epoch 1, step 2 (the loss became NaN)");
    const auto rows =
        tbtest::allRows(tb::buildComparison({tbtest::fullRun("cuda:0", 5.0), diverged}));
    const QStringList lines = tb::ui::failureLines(rows);
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines[0].contains(QLatin1String("failed: training diverged at epoch 1, step 2")),
             qPrintable(lines[0]));
    QVERIFY2(lines[0].contains(QLatin1String("cpu")), qPrintable(lines[0]));
    // What samples/s is, for runs with and without a steady state alike.
    QVERIFY2(tb::ui::comparisonNotes(rows).join(u' ').contains(
                 QLatin1String("too short to have a steady state, its epochs' mean")),
             qPrintable(tb::ui::comparisonNotes(rows).join(u' ')));
  }
};

QTEST_MAIN(TestReportSections)
#include "tst_report_sections.moc"
