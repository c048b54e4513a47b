// Comparison exports: the CSV and Markdown of grouped rows (sizes, baselines, repeats, disturbed
// runs), speed-ups of every magnitude, and cells that keep their table whatever names they hold.
#include "results/comparison.h"
#include "results/comparison_groups.h"
#include "results/table_text.h"

#include "../support/comparison_runs.h"

#include <QtTest>

using namespace tb;
using namespace tbtest;

class ComparisonExportsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Hand-edited figures at the edge of a double: a mean of epochs of 1e308 s (whose sum
  // overflows) and a peak of 1.5e308 TFLOPS over two ranks are absent, an empty CSV cell and
  // "n/a", never "inf"; an efficiency against that peak is absent too, not 0%.
  void overflowingFiguresAreAbsentNotInfinite() {
    RunResult huge = fullRun("cpu", 20.0);
    for (auto& epoch : huge.epochs) {
      epoch.seconds = 1e308;
      epoch.samplesPerSecond = 1e308;
    }
    huge.steadyState.reset();
    const ComparisonRow hugeRow = comparisonRow(huge);
    QCOMPARE(*hugeRow.meanEpochSeconds, 1e308);
    QCOMPARE(*hugeRow.samplesPerSecond, 1e308);

    RunResult ranks = fullRun("cpu", 20.0)
                          .distributed("weak", 64, {{"node-1", "cpu"}, {"node-2", "cpu"}})
                          .peakFp32Tflops(1.5e308);
    const ComparisonRow ranksRow = comparisonRow(ranks);
    QVERIFY(!ranksRow.peakTflops);
    QVERIFY(!ranksRow.efficiency);

    const std::string csv = comparisonCsv({hugeRow, ranksRow});
    QVERIFY2(!contains(csv, "inf") && !contains(csv, "nan"), csv.c_str());
    const std::string text = comparisonText(buildComparison({huge, ranks}));
    QVERIFY2(!contains(text, "inf") && !contains(text, "nan"), text.c_str());
  }

  // The app's CSV and Markdown exports hold the rows of every group: each row says its size and
  // which row is its group's baseline, so a 1.00x of a trial run is not read against a full run.
  void exportsSayEachRowsSizeAndBaseline() {
    std::vector<ComparisonRow> rows;
    for (const auto& group : buildComparison({fullRun("cpu", 10.0), fullRun("cuda:0", 2.0),
                                              trialRun("cpu", 1.0)})) {
      rows.insert(rows.end(), group.rows.begin(), group.rows.end());
    }
    QCOMPARE(rows.size(), std::size_t{3});
    QVERIFY(rows[0].baseline && !rows[1].baseline && rows[2].baseline);
    const auto csv = lines(comparisonCsv(rows));
    QVERIFY(contains(csv[0], ",within_noise,size,baseline,warnings,error,peak_rss_mib,peak_gpu_memory_mib\r"));
    QVERIFY2(contains(csv[1], std::string(",\"") + kFashionFull + "\",true,,,,\r"), csv[1].c_str());
    QVERIFY2(contains(csv[2], std::string(",\"") + kFashionFull + "\",false,,,,\r"), csv[2].c_str());
    QVERIFY2(contains(csv[3], std::string(",\"") + kFashionTrial + "\",true,,,,\r"), csv[3].c_str());

    const auto table = lines(comparisonMarkdown(rows));
    QVERIFY(contains(table[0], "| Workload and size |"));
    QVERIFY2(contains(table[2], std::string("| ") + kFashionFull + " |"), table[2].c_str());
    QVERIFY2(contains(table[2], "| 1.00x (baseline) |"), table[2].c_str());
    QVERIFY2(contains(table[3], "| 5.00x |"), table[3].c_str());
    QVERIFY2(contains(table[4], std::string("| ") + kFashionTrial + " |"), table[4].c_str());
    QVERIFY2(contains(table[4], "| 1.00x (baseline) |"), table[4].c_str());
    // One size still says it: a trial's seconds must not read as a full run's.
    const auto one = lines(comparisonMarkdown({rows[0], rows[1]}));
    QVERIFY(contains(one[0], "| Workload and size |"));
    QVERIFY2(contains(one[2], std::string("| ") + kFashionFull + " |"), one[2].c_str());
    // The article's figures are said to be the article's, with no count of runs.
    std::vector<ComparisonRow> withPublished = {rows[0]};
    withPublished.push_back(comparisonRow(publishedReferences().front()));
    const std::string published = comparisonMarkdown(withPublished);
    QVERIFY2(contains(published, "Rows marked (published) are the seed article's figures"),
             published.c_str());
  }

  // The exported Markdown flags what the screen and `compare` flag: a disturbed run (⚠ and its
  // warning under the table) and a median of repeats (n and its interval beside it).
  void markdownFlagsDisturbedRunsAndRepeats() {
    std::vector<RunResult> results = repeats("cpu", {10.0, 10.2, 9.8});
    results.push_back(fullRun("cuda:0", 2.0).validity(true, {"3 other processes used 1.5 cores"}));
    std::vector<ComparisonRow> rows;
    for (const auto& group : buildComparison(results)) {
      rows.insert(rows.end(), group.rows.begin(), group.rows.end());
    }
    QCOMPARE(rows.size(), std::size_t{2});
    const std::string text = comparisonMarkdown(rows);
    const auto table = lines(text);
    QVERIFY2(contains(table[0], "| Samples/s | n | 95% interval |"), table[0].c_str());
    QVERIFY2(contains(table[2], "| 3 | "), table[2].c_str());
    QVERIFY2(contains(table[3], "| \u26a0 " + rows[1].label + " |"), table[3].c_str());
    QVERIFY2(contains(text, "- \u26a0 " + rows[1].label + ": 3 other processes used 1.5 cores"),
             text.c_str());
    // Single runs keep the table as it was.
    QVERIFY(!contains(comparisonMarkdown({rows[1]}), "| n |"));
    // The CSV says why too, in its warnings column; a failed row's reason in its error column.
    const auto csv = lines(comparisonCsv(rows));
    QVERIFY2(contains(csv[2], ",false,3 other processes used 1.5 cores,,,\r"), csv[2].c_str());
    ComparisonRow failed = comparisonRow(fullRun("cpu", 10.0).failed(FailureKind::Run, "diverged"));
    QVERIFY2(contains(lines(comparisonCsv({failed}))[1], ",diverged,,\r"),
             lines(comparisonCsv({failed}))[1].c_str());
  }

  // Hundreds of times slower reads as such, not "0.00x"; a total of 0 or beyond any real figure
  // gives no speed-up at all, never "inf".
  void speedupsOfEveryMagnitudeRead() {
    QCOMPARE(formatSpeedup(0.0027), std::string("0.0027x"));
    QCOMPARE(formatSpeedup(0.5), std::string("0.50x"));
    // Two GPUs 0.4% apart do not both read 1.00x; the baseline does.
    QCOMPARE(formatSpeedup(1.0036), std::string("1.004x"));
    QCOMPARE(formatSpeedup(0.9996), std::string("0.9996x"));
    QCOMPARE(formatSpeedup(1.0), std::string("1.00x"));
    QCOMPARE(formatSpeedup(1.02), std::string("1.02x"));
    QCOMPARE(formatSpeedup(0.99999), std::string("1.00x"));  // too small to show
    std::vector<ComparisonRow> rows = {comparisonRow(fullRun("cpu", 1e300)),
                                       comparisonRow(fullRun("cuda:0", 1e-20))};
    applySpeedups(rows, 0);
    QVERIFY(!rows[1].speedup);
    QVERIFY(!contains(comparisonMarkdown(rows), "inf"));
    QVERIFY(!contains(comparisonCsv(rows), "inf"));
  }

  // Markdown cells keep their table whatever a shared file's names hold: a pipe, a backslash
  // before a pipe, line breaks, C1 and bidi controls that would reorder or fake a row.
  void markdownCellsKeepTheirTable() {
    // A row's names are printable wherever it is shown: screen, charts, PDF, CSV.
    const ComparisonRow row = comparisonRow(fullRun("cpu", 10.0, 6000.0, "bench\u202e-a\nx"));
    QVERIFY2(!contains(row.machine, "\u202e") && !contains(row.machine, "\n"),
             row.machine.c_str());
    // ...and so are its warnings, which the PDF report prints as they are.
    RunResult warned = fullRun("cpu", 10.0);
    warned.validity = ValidityRecord{};
    warned.validity->warnings = {"warn \u202eDESREVER\u202c end", "line1\nline2"};
    const ComparisonRow warnedRow = comparisonRow(warned);
    QCOMPARE(warnedRow.warnings,
             (std::vector<std::string>{"warn  DESREVER  end", "line1 line2"}));
    QCOMPARE(table::markdownCell("a|b"), std::string("a\\|b"));
    QCOMPARE(table::markdownCell("a\\|b"), std::string("a\\\\\\|b"));
    QCOMPARE(table::printable("x\ny\x1b[2J"), std::string("x y [2J"));
    QCOMPARE(table::printable("gpu\u202e1\u2066\u2028z\u0085."), std::string("gpu 1  z ."));
    QCOMPARE(table::printable("Café — 2080 Ti ™"), std::string("Café — 2080 Ti ™"));
  }
};

QTEST_APPLESS_MAIN(ComparisonExportsTest)
#include "tst_comparison_exports.moc"
