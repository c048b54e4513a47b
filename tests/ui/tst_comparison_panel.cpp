// The comparison panel: rows and speed-ups from the collection, the baseline chooser, published
// reference rows, "n/a" for what was not measured, and the bar chart.
#include "common/eliding_combo_box.h"
#include "common/qcustomplot_include.h"
#include "common/qt_convert.h"
#include "common/status_colors.h"
#include "comparison/comparison_chart.h"
#include "comparison/comparison_panel.h"
#include "model/run_collection.h"

#include "../support/bar_labels.h"
#include "../support/run_result_builder.h"
#include "../support/tick_labels.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QTableWidget>
#include <QtTest>

using namespace tb;
using namespace tb::ui;

namespace {

RunResult finishedRun(const std::string& device, double totalSeconds,
                      std::optional<double> testAccuracy) {
  tbtest::RunResultBuilder run;
  run.workload("fashion-mlp").device(device, device + " name").host("host-" + device);
  run.epoch(totalSeconds / 2, 60000.0 / (totalSeconds / 2)).loss(0.5).accuracy(0.8);
  run.epoch(totalSeconds / 2, 60000.0 / (totalSeconds / 2)).loss(0.4).accuracy(0.85);
  if (testAccuracy) run.test(0.4, *testAccuracy);
  return run.totalSeconds(totalSeconds);
}

QString cell(const ComparisonPanel& panel, int row, int column) {
  const QTableWidgetItem* item = panel.table()->item(row, column);
  return item ? item->text() : QString();
}

}  // namespace

class ComparisonPanelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Two runs must read like the article: totals side by side, the first as the 1.00x baseline.
  void twoRunsGiveTwoRowsWithSpeedups() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(finishedRun("cuda:0", 7.78, 0.88));
    runs.add(finishedRun("cpu", 6.70, 0.87));
    QTRY_COMPARE(panel.table()->rowCount(), 2);

    QCOMPARE(cell(panel, 0, ComparisonPanel::TotalColumn), QStringLiteral("7.78"));
    QCOMPARE(cell(panel, 1, ComparisonPanel::TotalColumn), QStringLiteral("6.70"));
    QCOMPARE(cell(panel, 0, ComparisonPanel::SpeedupColumn), QStringLiteral("1.00x"));
    QCOMPARE(cell(panel, 1, ComparisonPanel::SpeedupColumn), QStringLiteral("1.16x"));
    QCOMPARE(cell(panel, 0, ComparisonPanel::MachineColumn), QStringLiteral("host-cuda:0"));
    QCOMPARE(cell(panel, 1, ComparisonPanel::StatusColumn), QStringLiteral("completed"));
    QCOMPARE(cell(panel, 0, ComparisonPanel::AccuracyColumn), QStringLiteral("0.88"));
    QCOMPARE(cell(panel, 0, ComparisonPanel::MeanEpochColumn), QStringLiteral("3.89"));

    const auto rows = panel.rows();
    QCOMPARE(rows.size(), std::size_t{2});
    QCOMPARE(*rows[1].totalSeconds, 6.70);
    QVERIFY(qAbs(*rows[1].speedup - 7.78 / 6.70) < 1e-12);
    QCOMPARE(panel.barChart()->plottableCount(), 2);
  }

  // Ctrl+C copies the selected rows under the headers, tab-separated, as a spreadsheet pastes
  // them (it copied one cell); Copy Table in the context menu copies every row.
  void copyGivesRowsWithHeaders() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(finishedRun("cuda:0", 7.78, 0.88));
    runs.add(finishedRun("cpu", 6.70, 0.87));
    QTRY_COMPARE(panel.table()->rowCount(), 2);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.table()->setFocus();
    panel.table()->selectRow(1);
    QTest::keyClick(panel.table(), Qt::Key_C, Qt::ControlModifier);
    const QStringList lines = QGuiApplication::clipboard()->text().split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    QVERIFY2(lines[0].startsWith(QStringLiteral("Device\tn\tSamples/s\t")), qPrintable(lines[0]));
    // The columns shown (not those hidden, with nothing to show), each under its header.
    const QStringList headers = lines[0].split(u'\t');
    const QStringList cells = lines[1].split(u'\t');
    QCOMPARE(cells.size(), headers.size());
    QVERIFY(!headers.contains(QStringLiteral("TFLOPS")));
    QCOMPARE(cells[headers.indexOf(QStringLiteral("Total (s)"))], QStringLiteral("6.70"));
    QCOMPARE(cells[headers.indexOf(QStringLiteral("Speed-up"))], QStringLiteral("1.16x"));
    QAction* copyAll = panel.table()->actions().at(1);  // after Copy, before Remove from View
    QCOMPARE(copyAll->text(), QStringLiteral("Copy &Table"));
    copyAll->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text().count(u'\n'), 3);
  }

  // The bar chart beside the table is narrow, its names take much of it: its seconds still read
  // one by one
  // ("0 0.050.10.150.2" before).
  void narrowBarChartKeepsSecondsApart() {
    std::vector<ComparisonRow> rows(2);
    rows[0].label = "cpu (1 thread) \u2014 AMD EPYC \u00b7 2026-12-04 08:07:33";
    rows[0].totalSeconds = 0.13;
    rows[0].speedup = 1.0;
    rows[1].label = "cpu (1 thread) \u2014 AMD EPYC \u00b7 2026-12-04 08:07:35";
    rows[1].totalSeconds = 0.07;
    rows[1].speedup = 0.13 / 0.07;
    QCustomPlot plot;
    setUpTotalTimeChart(&plot);
    drawTotalTimeBars(&plot, rows, {Qt::blue, Qt::red}, plot.palette());
    plot.resize(370, 200);  // as beside the table in a 1280 px window
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.replot();  // lays the chart out ...
    plot.replot();  // ... and chooses its ticks for that room
    QVERIFY(tbtest::ticksInRange(plot.xAxis) >= 2);
    QVERIFY2(tbtest::crowdedTickLabels(plot.xAxis).isEmpty(),
             qPrintable(tbtest::crowdedTickLabels(plot.xAxis)));
  }

  // One GPU model on two machines: the bars' labels keep what tells them apart (" · bench-1"),
  // shortening the long device name instead; the baseline combo names each machine once.
  void barLabelsKeepTheMachine() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    for (const char* host : {"bench-1", "bench-2"}) {
      RunResult run = finishedRun("cuda:0", 7.78, 0.88);
      run.device.name = "NVIDIA GeForce RTX 3080 Laptop GPU";
      run.system.hostname = host;
      runs.add(run);
    }
    panel.refreshNow();
    const auto ticker = qSharedPointerCast<QCPAxisTickerText>(panel.barChart()->yAxis->ticker());
    const QStringList labels = ticker->ticks().values();
    QCOMPARE(labels.size(), 2);
    QVERIFY2(labels[0] != labels[1], qPrintable(labels.join(QLatin1Char('|'))));
    for (const QString& label : labels) {
      QVERIFY2(label.endsWith(QLatin1String("bench-1")) || label.endsWith(QLatin1String("bench-2")),
               qPrintable(label));
      QVERIFY(label.size() <= 30);
    }
    auto* chooser = panel.findChild<QComboBox*>();
    QVERIFY(chooser);
    QCOMPARE(chooser->itemText(0).count(QStringLiteral("bench-1")), 1);
  }

  // A label longer than the baseline box is cut in its middle: the device at its start and the
  // host at its end, which tells runs apart, both stay in view (the box cut the end off).
  void baselineBoxKeepsBothEndsOfALongLabel() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    RunResult run = finishedRun("cuda:0", 7.78, 0.88);
    run.device.name = "NVIDIA H200 NVL Tensor Core GPU with a long marketing name";
    run.system.hostname = "gpu-node-with-a-really-long-host-name-7";
    runs.add(run);
    panel.refreshNow();
    panel.resize(900, 500);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto* chooser = panel.findChild<ElidingComboBox*>();
    QVERIFY(chooser);
    const QString shown = chooser->shownText();
    QVERIFY2(shown.contains(QChar(0x2026)) && shown.startsWith(QLatin1String("cuda:0")) &&
                 shown.endsWith(QLatin1String("name-7")),
             qPrintable(shown));
    QVERIFY(chooser->currentText().size() > shown.size());
  }

  // A long device label took up to 640 px, and in a window of common size the table showed
  // names and hardly any figures: no column takes more than about half the table's width (the
  // label elides in its middle, whole in its tooltip).
  void longLabelsLeaveTheFiguresInView() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    RunResult run = finishedRun("cuda:0", 7.78, 0.88);
    run.device.name = "NVIDIA H200 NVL Tensor Core GPU with a long marketing name, and more of it";
    run.system.hostname = "gpu-node-with-a-really-long-host-name-7";
    runs.add(run);
    runs.add(finishedRun("cpu", 20.0, 0.87));
    panel.refreshNow();
    panel.resize(900, 500);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto* table = panel.table();
    QTRY_VERIFY(table->viewport()->width() > 0);
    const int device = table->horizontalHeader()->sectionSize(ComparisonPanel::DeviceColumn);
    QVERIFY2(device <= table->viewport()->width() / 2,
             qPrintable(QStringLiteral("%1 of %2").arg(device).arg(table->viewport()->width())));
    QVERIFY(table->item(0, ComparisonPanel::DeviceColumn)->toolTip().contains(QLatin1String("more of it")) ||
            table->item(1, ComparisonPanel::DeviceColumn)->toolTip().contains(QLatin1String("more of it")));
  }

  // Fully qualified host names: the bars keep what tells the hosts apart, not the end of the
  // domain they share (twelve cluster nodes all read "…rch.example.org"), and keep the part
  // that differs where only the domain does.
  void barLabelsKeepTheHostOfAQualifiedName_data() {
    QTest::addColumn<QStringList>("hosts");
    QTest::addColumn<QStringList>("shown");
    QTest::newRow("cluster nodes")
        << QStringList{QStringLiteral("gpu-node-00.hpc-cluster.research.example.org"),
                       QStringLiteral("gpu-node-01.hpc-cluster.research.example.org")}
        << QStringList{QStringLiteral(" \u00b7 gpu-node-00\u2026"),
                       QStringLiteral(" \u00b7 gpu-node-01\u2026")};
    QTest::newRow("two sites")
        << QStringList{QStringLiteral("node1.site-a.hpc.example.org"),
                       QStringLiteral("node1.site-b.hpc.example.org")}
        << QStringList{QStringLiteral(" \u00b7 node1.site-a\u2026"),
                       QStringLiteral(" \u00b7 node1.site-b\u2026")};
  }
  void barLabelsKeepTheHostOfAQualifiedName() {
    QFETCH(QStringList, hosts);
    QFETCH(QStringList, shown);
    RunCollection runs;
    ComparisonPanel panel(&runs);
    for (const QString& host : hosts) {
      RunResult run = finishedRun("cpu", 7.78, 0.88);
      run.device.name = "AMD EPYC 7B13 64-Core Processor";
      run.system.hostname = host.toStdString();
      runs.add(run);
    }
    panel.refreshNow();
    const auto ticker = qSharedPointerCast<QCPAxisTickerText>(panel.barChart()->yAxis->ticker());
    const QStringList labels = ticker->ticks().values();
    QCOMPARE(labels.size(), hosts.size());
    const QString all = labels.join(QLatin1Char('|'));
    for (const QString& part : shown) QVERIFY2(all.contains(part), qPrintable(all));
    for (const QString& label : labels) QVERIFY2(label.size() <= 30, qPrintable(label));
  }

  // Bars are sized by the font: at a larger one (a high-DPI desktop) a fixed 24 px per bar made
  // their labels overlap.
  void barsGrowWithTheFont() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    for (int i = 0; i < 6; ++i) {
      RunResult run = finishedRun("cpu", 7.0 + i, 0.88);
      run.system.hostname = "bench-" + std::to_string(i);  // six rows, not six repeats of one
      runs.add(run);
    }
    panel.refreshNow();
    QCOMPARE(panel.table()->rowCount(), 6);
    const int normal = panel.barChart()->minimumHeight();
    QFont big = panel.font();
    big.setPointSizeF(big.pointSizeF() * 2);
    panel.setFont(big);
    const int line = panel.fontMetrics().height();
    QVERIFY2(panel.barChart()->minimumHeight() >= line * 3 / 2 * 6,
             qPrintable(QStringLiteral("%1 px for 6 bars of %2 px lines")
                            .arg(panel.barChart()->minimumHeight())
                            .arg(line)));
    QVERIFY(panel.barChart()->minimumHeight() > normal * 3 / 2);
  }

  // Each bar's value label ("2.31 s  (1.00x)") is whole however narrow the chart is drawn (the
  // narrowest show the seconds alone), and a wide chart gives the bars the room rather than
  // leaving it empty.
  void barLabelsFitAtAnyWidth() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(finishedRun("cuda:0", 7.78, 0.88));
    runs.add(finishedRun("cpu", 123.45, 0.87));
    QTRY_COMPARE(panel.table()->rowCount(), 2);

    for (const int width : {260, 360, 600, 1000}) {
      QCustomPlot plot;
      plot.resize(width, 220);
      setUpTotalTimeChart(&plot);
      plot.show();
      QVERIFY(QTest::qWaitForWindowExposed(&plot));
      drawTotalTimeBars(&plot, panel.rows(), {Qt::red, Qt::blue}, plot.palette());
      plot.replot();  // once, as the panel draws new rows

      const auto edges = tbtest::barLabelRightEdges(plot);
      QCOMPARE(edges.size(), 2);
      QCOMPARE(edges[1].first, width > 260 ? QStringLiteral("123.45 s  (0.063x)")
                                           : QStringLiteral("123.45 s"));
      QVERIFY2(tbtest::cutOffBarLabels(plot).isEmpty(),
               qPrintable(QStringLiteral("%1 px wide: %2").arg(width).arg(tbtest::cutOffBarLabels(plot))));
      // The value axis's ticks are for the range drawn, not bunched at its start.
      const QVector<double> ticks = plot.xAxis->tickVector();
      QVERIFY(!ticks.isEmpty() && ticks.last() > plot.xAxis->range().upper / 2);
      const double widest = std::max(edges[0].second, edges[1].second);
      QVERIFY2(plot.axisRect()->right() - widest < 20.0,
               qPrintable(QStringLiteral("%1 px wide: the labels end %2 px before the axis")
                              .arg(width)
                              .arg(plot.axisRect()->right() - widest)));
    }
  }

  // The 95% interval takes repeats: with single runs only its column stays out of the way (the
  // speed-up then fits beside the device names); repeats bring it back, with their interval.
  void intervalColumnShowsWithRepeats() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(finishedRun("cuda:0", 7.78, 0.88));
    runs.add(finishedRun("cpu", 6.70, 0.87));
    panel.refreshNow();
    QVERIFY(panel.table()->isColumnHidden(ComparisonPanel::IntervalColumn));

    for (const double speed : {1000.0, 1010.0, 1020.0}) {
      tbtest::RunResultBuilder run;
      run.workload("fashion-mlp").device("cpu", "cpu name").host("host-cpu").threads(4);
      run.group("repeats").steadyState(speed);
      run.epoch(3.0, speed).loss(0.5).accuracy(0.8);
      runs.add(run.totalSeconds(6.0));
    }
    panel.refreshNow();
    QVERIFY(!panel.table()->isColumnHidden(ComparisonPanel::IntervalColumn));
    bool found = false;
    for (int row = 0; row < panel.table()->rowCount(); ++row) {
      if (cell(panel, row, ComparisonPanel::CountColumn) != QLatin1String("3")) continue;
      found = true;
      QVERIFY2(cell(panel, row, ComparisonPanel::IntervalColumn).contains(QChar(0x2013)),
               qPrintable(cell(panel, row, ComparisonPanel::IntervalColumn)));
    }
    QVERIFY(found);
  }

  // Figures beyond any real one (hand-edited files) read in scientific notation in every cell,
  // as in the exports: the interval wrote all sixteen digits beside a median of "2.00e+15".
  void hugeIntervalsReadLikeTheirMedian() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    for (const double speed : {2.0e15, 2.1e15, 2.2e15}) {
      tbtest::RunResultBuilder run;
      run.workload("fashion-mlp").device("cpu", "cpu name").host("host-cpu");
      run.group("repeats").steadyState(speed);
      run.epoch(3.0, speed).loss(0.5).accuracy(0.8);
      runs.add(run.totalSeconds(6.0));
    }
    panel.refreshNow();
    QCOMPARE(panel.table()->rowCount(), 1);
    QCOMPARE(cell(panel, 0, ComparisonPanel::ThroughputColumn), QStringLiteral("2.10e+15"));
    QCOMPARE(cell(panel, 0, ComparisonPanel::IntervalColumn),
             QStringLiteral("1.85e+15\u20132.35e+15"));
  }

  // "Within noise" is judged on the total times' intervals, which the table does not show: the
  // speed-up's tooltip gives both, the total's its own (the samples/s interval alone could sit
  // far apart beside "within noise").
  void withinNoiseSaysWhichIntervalsOverlap() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    for (const int threads : {1, 2}) {
      for (const double total : {6.0, 6.1, 5.9}) {
        tbtest::RunResultBuilder run;
        run.workload("fashion-mlp").device("cpu", "cpu name").host("host-cpu").threads(threads);
        run.group("repeats").steadyState(1000.0 * threads + total);
        run.epoch(3.0, 1000.0).loss(0.5).accuracy(0.8);
        runs.add(run.totalSeconds(total + 0.01 * threads));
      }
    }
    panel.refreshNow();
    QCOMPARE(panel.table()->rowCount(), 2);
    QVERIFY(cell(panel, 1, ComparisonPanel::SpeedupColumn).endsWith(QLatin1String("(within noise)")));
    const auto rows = panel.rows();
    const QString tip = panel.table()->item(1, ComparisonPanel::SpeedupColumn)->toolTip();
    QVERIFY2(tip.contains(QLatin1String("95% intervals of the total times overlap")) &&
                 tip.contains(toQString(totalIntervalText(rows[0]) + " (baseline)")) &&
                 tip.contains(toQString(totalIntervalText(rows[1]))),
             qPrintable(tip));
    QCOMPARE(panel.table()->item(0, ComparisonPanel::TotalColumn)->toolTip(),
             QStringLiteral("95% interval ") + toQString(totalIntervalText(rows[0])));
    QVERIFY(panel.table()->item(0, ComparisonPanel::SpeedupColumn)->toolTip() !=
            tip);  // the baseline's says it is the baseline
  }

  // The article's figures sit next to the user's runs, set apart as published.
  void publishedFiguresAddReferenceRows() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(finishedRun("cpu", 15.56, 0.88));
    panel.refreshNow();
    QCOMPARE(panel.table()->rowCount(), 1);
    QVERIFY(!panel.showPublished());

    panel.setShowPublished(true);
    QVERIFY(panel.showPublished());
    // Only the references of the workload present (fashion-mlp), not ResNet-50's.
    QCOMPARE(panel.table()->rowCount(), 3);
    QCOMPARE(cell(panel, 1, ComparisonPanel::StatusColumn), QStringLiteral("published"));
    QCOMPARE(cell(panel, 1, ComparisonPanel::TotalColumn), QStringLiteral("7.78"));
    QCOMPARE(cell(panel, 2, ComparisonPanel::TotalColumn), QStringLiteral("6.70"));
    QCOMPARE(cell(panel, 1, ComparisonPanel::SpeedupColumn), QStringLiteral("2.00x"));
    QCOMPARE(cell(panel, 2, ComparisonPanel::AccuracyColumn), QStringLiteral("n/a"));
    QVERIFY(panel.table()->item(1, ComparisonPanel::DeviceColumn)->font().italic());
    QVERIFY(!panel.table()->item(0, ComparisonPanel::DeviceColumn)->font().italic());
    QVERIFY(panel.rows()[2].published);
    QCOMPARE(panel.barChart()->plottableCount(), 3);

    panel.setShowPublished(false);
    QCOMPARE(panel.table()->rowCount(), 1);
  }

  // A 1-epoch trial next to a full run: the panel says the totals do not compare, until the
  // trial is closed.
  void differentRunSizesShowANote() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    RunResult full = finishedRun("cuda:0", 16.2, 0.93);
    full.workload.trainSamples = 60000;
    full.workload.testSamples = 10000;
    full.config.epochs = 10;
    full.config.batchSize = 32;
    RunResult trial = full;
    trial.device = finishedRun("cpu", 16.2, 0.93).device;
    trial.workload.trainSamples = 6000;
    trial.config.epochs = 1;
    runs.add(full);
    const QString trialId = runs.add(trial);
    panel.refreshNow();
    QVERIFY2(panel.sizeNote().contains(QLatin1String("60000/10000 images x 10 epochs")),
             qPrintable(panel.sizeNote()));
    QVERIFY2(panel.sizeNote().contains(QLatin1String("6000/10000 images x 1 epoch")),
             qPrintable(panel.sizeNote()));
    // In amber that reads on the theme's background, also after a switch to a dark theme.
    QLabel* note = nullptr;
    for (QLabel* label : panel.findChildren<QLabel*>()) {
      if (label->text() == panel.sizeNote()) note = label;
    }
    QVERIFY(note);
    QCOMPARE(note->palette().color(QPalette::WindowText), warningTextColor(panel.palette()));
    QPalette dark(QColor(0x3d, 0x3d, 0x3d));
    dark.setColor(QPalette::Base, QColor(0x2b, 0x2b, 0x2b));
    panel.setPalette(dark);
    QCOMPARE(note->palette().color(QPalette::WindowText), warningTextColor(dark));
    QVERIFY(isDarkPalette(dark));

    runs.remove(trialId);
    panel.refreshNow();
    QCOMPARE(panel.sizeNote(), QString());
  }

  // Metrics are valid or absent: a run without a test pass shows "n/a", never 0.
  void missingTestAccuracyShowsNa() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(finishedRun("cpu", 5.0, std::nullopt));
    RunResult cancelled = finishedRun("cpu", 5.0, std::nullopt);
    cancelled.status = RunStatus::Cancelled;
    cancelled.totalSeconds.reset();
    runs.add(cancelled);
    panel.refreshNow();
    QCOMPARE(cell(panel, 0, ComparisonPanel::AccuracyColumn), QStringLiteral("n/a"));
    QCOMPARE(cell(panel, 1, ComparisonPanel::TotalColumn), QStringLiteral("n/a"));
    QCOMPARE(cell(panel, 1, ComparisonPanel::SpeedupColumn), QStringLiteral("n/a"));
    QCOMPARE(cell(panel, 1, ComparisonPanel::StatusColumn), QStringLiteral("cancelled"));
    QVERIFY(!panel.rows()[1].totalSeconds);
  }

  // A live run shows as running and gets its totals when it finishes, via the coalescing timer.
  void liveRunUpdatesWhenFinished() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    RunResult header = finishedRun("cpu", 4.0, 0.9);
    const RunResult finished = header;
    header.epochs.clear();
    header.test.reset();
    header.totalSeconds.reset();
    const QString id = runs.add(header, true);
    QTRY_COMPARE(panel.table()->rowCount(), 1);
    QCOMPARE(cell(panel, 0, ComparisonPanel::StatusColumn), QStringLiteral("running"));
    QCOMPARE(cell(panel, 0, ComparisonPanel::TotalColumn), QStringLiteral("n/a"));
    QSignalSpy changed(&panel, &ComparisonPanel::rowsChanged);
    for (int i = 0; i < 50; ++i) runs.appendTelemetry(id, {0.1 * i, 50.0, 90.0, 100.0});
    runs.setResult(id, finished, false);
    QTRY_COMPARE(cell(panel, 0, ComparisonPanel::TotalColumn), QStringLiteral("4.00"));
    QCOMPARE(changed.count(), 1);  // one refresh for the whole burst
    QCOMPARE(cell(panel, 0, ComparisonPanel::StatusColumn), QStringLiteral("completed"));
  }

  // A device probed after its run was shown changes only the row's peak; the panel must still
  // refresh, or the exports (which read its rows) keep the old figure.
  void peakAloneChangesTheRows() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    RunResult result = finishedRun("cpu", 4.0, 0.9);
    result.device.peak = PeakFigures{};
    result.device.peak->fp32Tflops = 1.5;
    const QString id = runs.add(result);
    panel.refreshNow();
    QCOMPARE(panel.rows().at(0).peakTflops, std::optional<double>(1.5));
    QSignalSpy changed(&panel, &ComparisonPanel::rowsChanged);
    result.device.peak->fp32Tflops = 2.5;
    runs.setResult(id, result, false);
    panel.refreshNow();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(panel.rows().at(0).peakTflops, std::optional<double>(2.5));
  }
};

QTEST_MAIN(ComparisonPanelTest)
#include "tst_comparison_panel.moc"
