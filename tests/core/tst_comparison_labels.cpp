// The comparison's labels (results/comparison_groups.h, distinguishLabels): rows that read the
// same are told apart by what they trained with, then the machine, then the date in local time;
// synthetic data is said.
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

class ComparisonLabelsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The labels' dates are local time: these checks read them in UTC wherever they run.
  void initTestCase() {
    qputenv("TZ", "UTC");
    tzset();
  }

  // Labels tell rows apart: the machine where the device reads the same, then the date and time
  // where the machine does too.
  void labelsDistinctByMachineThenDate() {
    const std::vector<RunResult> results = {fullRun("cpu", 10.0, 6000.0, "bench-a"),
                                            fullRun("cpu", 10.0, 6000.0, "bench-b"),
                                            fullRun("cpu", 10.0, 6000.0, "bench-a")
                                                .parameters(101770)
                                                .created("2026-12-03T09:05:00Z"),
                                            fullRun("cuda:0", 2.0)};
    const auto rows = allRows(buildComparison(results));
    QCOMPARE(rows.size(), std::size_t{4});
    const std::string device = "cpu (8 threads) \u2014 AMD EPYC 7B13";
    QCOMPARE(rows[0].label, device + " \u00b7 bench-a \u00b7 2026-12-02 10:31");
    QCOMPARE(rows[1].label, device + " \u00b7 bench-b");
    QCOMPARE(rows[2].label, device + " \u00b7 bench-a \u00b7 2026-12-03 09:05");
    QCOMPARE(rows[3].label, std::string("cuda:0 \u2014 NVIDIA H200"));  // unique as it was

    // Nothing tells two rows apart (same machine, same second): they are numbered.
    std::vector<ComparisonRow> same = {comparisonRow(results[0]), comparisonRow(results[0])};
    distinguishLabels(same);
    QCOMPARE(same[0].label, device);
    QCOMPARE(same[1].label, device + " (2)");
    // Runs a few seconds apart show the seconds.
    std::vector<ComparisonRow> close = {
        comparisonRow(fullRun("cpu", 1.0).created("2026-12-02T10:31:05Z")),
        comparisonRow(fullRun("cpu", 1.0).created("2026-12-02T10:31:40Z"))};
    distinguishLabels(close);
    QCOMPARE(close[1].label, device + " \u00b7 2026-12-02 10:31:40");

    // Runs that differ only in what they trained with say so, not when they ran.
    const RunResult adam = fullRun("cpu", 10.0).optimizer("adam", 0.001);
    const auto experiments = allRows(buildComparison(
        {adam, fullRun("cpu", 10.0).optimizer("adam", 0.01).created("2026-12-02T11:00:00Z"),
         fullRun("cpu", 10.0).optimizer("sgd", 0.01).created("2026-12-02T12:00:00Z")}));
    QCOMPARE(experiments.size(), std::size_t{3});
    QCOMPARE(experiments[0].label, device + " \u00b7 adam \u00b7 lr 0.001");
    QCOMPARE(experiments[1].label, device + " \u00b7 adam \u00b7 lr 0.01");
    QCOMPARE(experiments[2].label, device + " \u00b7 sgd");
  }

  // A run on built-in data trains as fast as on the files, so it joins the article's group, but
  // its accuracy means nothing: its label says synthetic, and so does --json.
  void syntheticRunsSaySo() {
    ComparisonOptions withPublished;
    withPublished.includePublished = true;
    const auto groups =
        buildComparison({fullRun("cpu", 10.0).dataSource("synthetic"), fullRun("cpu", 10.0)},
                        withPublished);
    QCOMPARE(groups.size(), std::size_t{1});
    const auto& rows = groups[0].rows;
    QCOMPARE(rows.size(), std::size_t{4});  // two runs, two published rows
    QCOMPARE(rows[0].label, std::string("cpu (8 threads) synthetic \u2014 AMD EPYC 7B13"));
    QCOMPARE(rows[1].label, std::string("cpu (8 threads) \u2014 AMD EPYC 7B13"));
    QVERIFY(rows[2].published);
    const QJsonArray json =
        QJsonDocument::fromJson(QByteArray::fromStdString(comparisonJson(groups))).array();
    QCOMPARE(json[0].toObject().value(QLatin1String("data_source")).toString(), QStringLiteral("synthetic"));
    QCOMPARE(json[1].toObject().value(QLatin1String("data_source")).toString(), QStringLiteral("files"));
    QVERIFY(json[2].toObject().value(QLatin1String("data_source")).isNull());
  }

  // The date in a label is this machine's local time, as the charts' legends and History show
  // it: the table said 10:31 (UTC, unmarked) beside a legend of 11:31.
  void labelDatesAreLocalTime() {
    qputenv("TZ", "CET-1");  // UTC+1, spelled so that no time zone database is needed
    tzset();
    std::vector<ComparisonRow> close = {
        comparisonRow(fullRun("cpu", 1.0).created("2026-12-02T23:31:05Z")),
        comparisonRow(fullRun("cpu", 1.0).created("2026-12-02T23:31:40.250Z"))};
    distinguishLabels(close);
    qputenv("TZ", "UTC");
    tzset();
    QCOMPARE(close[0].label, std::string("cpu (8 threads) \u2014 AMD EPYC 7B13 \u00b7 2026-12-03 00:31:05"));
    QCOMPARE(close[1].label, std::string("cpu (8 threads) \u2014 AMD EPYC 7B13 \u00b7 2026-12-03 00:31:40"));
    // A time written without an offset is UTC as the format says (the app reads it so); one
    // with an offset is moved by it.
    std::vector<ComparisonRow> offsets = {
        comparisonRow(fullRun("cpu", 1.0).created("2026-12-02T23:31:05")),
        comparisonRow(fullRun("cpu", 1.0).created("2026-12-02T23:31:40+05:30"))};
    distinguishLabels(offsets);
    QCOMPARE(offsets[0].label, std::string("cpu (8 threads) \u2014 AMD EPYC 7B13 \u00b7 2026-12-02 23:31"));
    QCOMPARE(offsets[1].label, std::string("cpu (8 threads) \u2014 AMD EPYC 7B13 \u00b7 2026-12-02 18:01"));
    // Text that is no UTC time stays as it is.
    std::vector<ComparisonRow> odd = {comparisonRow(fullRun("cpu", 1.0).created("yesterday")),
                                      comparisonRow(fullRun("cpu", 1.0).created("today"))};
    distinguishLabels(odd);
    QCOMPARE(odd[1].label, std::string("cpu (8 threads) \u2014 AMD EPYC 7B13 \u00b7 today"));
  }
};

QTEST_APPLESS_MAIN(ComparisonLabelsTest)
#include "tst_comparison_labels.moc"
