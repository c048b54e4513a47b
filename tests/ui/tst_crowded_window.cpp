// Thirty results in one window on a 1366x768 screen: the window does not grow past the screen,
// the run charts keep a readable height, the legend stays within its bounded area, the comparison
// table shows at least six rows, repeats fold into rows with n, and no device name is cut short.
#include "charts/chart_panel.h"
#include "common/capped_note.h"
#include "common/metatypes.h"
#include "common/qcustomplot_include.h"
#include "comparison/comparison_panel.h"
#include "comparison/scaling_chart.h"
#include "model/run_collection.h"
#include "panels/setup_panel.h"
#include "results/result_file.h"
#include "window/main_window.h"

#include "../support/run_result_builder.h"
#include "../support/tick_labels.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QPushButton>
#include <QScrollBar>
#include <QScrollArea>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace tb;
using namespace tb::ui;

namespace {

// 768 less a window manager's title bar; the offscreen platform draws none itself.
const QSize kScreen(1366, 740);

// Ten configurations on three machines, each run three times: 30 results, 10 rows once folded.
// Every tenth run was disturbed, and the last machine's runs were projected from quick runs.
QStringList writeThirtyResults(const QString& folder) {
  QStringList paths;
  const char* const devices[] = {"cpu", "cuda:0", "cuda:1"};
  const char* const hosts[] = {"workstation", "gpu-server", "laptop"};
  for (int config = 0; config < 10; ++config) {
    const std::string device = devices[config % 3];
    const std::string host = hosts[config / 4];
    for (int repeat = 0; repeat < 3; ++repeat) {
      const double speed = 20000.0 * (config + 1) * (1.0 + 0.01 * repeat);
      tbtest::RunResultBuilder run;
      run.created("2026-12-0" + std::to_string(1 + repeat) + "T10:0" + std::to_string(config % 10) +
                  ":00Z")
          .workload("fashion-mlp", "fashion-mnist")
          .samples(60000, 10000)
          .plannedEpochs(10)
          .batchSize(32)
          .threads(config % 2 ? 8 : 16)
          .precision(config == 5 ? "bf16" : "fp32")
          .device(device, device == "cpu" ? "AMD Ryzen Threadripper PRO 7995WX 96-Cores"
                                          : "NVIDIA H200 NVL")
          .host(host)
          .group("group-" + std::to_string(config))
          .steadyState(speed);
      for (int epoch = 0; epoch < 10; ++epoch) run.epoch(60000.0 / speed, speed).loss(0.4).accuracy(0.88);
      run.test(0.35, 0.875).totalSeconds(600000.0 / speed + 1.0);
      if ((config * 3 + repeat) % 10 == 0) {
        run.validity(true, {"Other processes used 1.9 of 2 cores during the run (most: cc1plus, "
                            "ninja): results are slower and noisier. Close them, or run with "
                            "fewer threads."});
      } else {
        run.validity(false);
      }
      const QString path =
          QStringLiteral("%1/run-%2-%3.json").arg(folder).arg(config).arg(repeat);
      writeResultFile(run, path.toStdString());
      paths << path;
    }
  }
  return paths;
}

// The texts of a chart that cannot be read whole where it is drawn: a title or caption wider
// than the chart, or the value-axis label (upright, centred on the axis) longer than the chart is
// high or running up into a title or caption that reaches over the axis labels' margin.
QString unreadableChartTexts(const QCustomPlot* plot) {
  QString unreadable;
  const double labelHalf =
      QFontMetricsF(plot->yAxis->labelFont()).horizontalAdvance(plot->yAxis->label()) / 2;
  const double centre = plot->axisRect()->center().y();
  if (centre - labelHalf < 0 || centre + labelHalf > plot->height()) {
    unreadable += QStringLiteral("'%1': %2 px, centred at %3 px in %4 px; ")
                      .arg(plot->yAxis->label())
                      .arg(2 * labelHalf)
                      .arg(centre)
                      .arg(plot->height());
  }
  for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
    const auto* text = qobject_cast<const QCPTextElement*>(plot->plotLayout()->elementAt(i));
    if (text == nullptr) continue;
    const double width = QFontMetricsF(text->font()).horizontalAdvance(text->text());
    if (width > plot->width()) {
      unreadable +=
          QStringLiteral("'%1': %2 px in %3 px; ").arg(text->text()).arg(width).arg(plot->width());
    }
    const double left = text->rect().center().x() - width / 2;  // centred in its row
    if (left < plot->axisRect()->left() && centre - labelHalf < text->rect().bottom()) {
      unreadable += QStringLiteral("'%1' runs into '%2'; ").arg(plot->yAxis->label(), text->text());
    }
  }
  return unreadable;
}

// The scroll area the charts and comparison tab sits in.
const QScrollArea* resultsArea(const MainWindow& window) {
  for (const QWidget* widget = window.chartPanel(); widget; widget = widget->parentWidget()) {
    if (const auto* area = qobject_cast<const QScrollArea*>(widget)) return area;
  }
  return nullptr;
}

// A quick trial run of the same workload: the comparison then notes the runs' different sizes.
QString writeTrialResult(const QString& folder, int trainImages = 2000) {
  tbtest::RunResultBuilder run;
  run.workload("fashion-mlp", "fashion-mnist").samples(trainImages, 500).plannedEpochs(2).batchSize(32);
  run.device("cpu", "AMD Ryzen 7 PRO 7840U").host("laptop").steadyState(9000.0);
  for (int epoch = 0; epoch < 2; ++epoch) run.epoch(0.3, 9000.0).loss(0.6).accuracy(0.8);
  run.test(0.55, 0.81).totalSeconds(0.7);
  const QString path = folder + QStringLiteral("/trial-run-%1.json").arg(trainImages);
  writeResultFile(run, path.toStdString());
  return path;
}

// A GPU run with NVML telemetry, which adds the GPU charts (four charts across).
QString writeGpuResult(const QString& folder) {
  tbtest::RunResultBuilder run;
  run.workload("fashion-mlp", "fashion-mnist").samples(60000, 10000).plannedEpochs(10).batchSize(32);
  run.device("cuda:0", "NVIDIA H200").host("gpu-server").steadyState(37775.0);
  for (int epoch = 0; epoch < 10; ++epoch) run.epoch(1.6, 37775.0).loss(0.4).accuracy(0.88);
  run.test(0.35, 0.875).totalSeconds(16.2);
  for (int i = 0; i < 16; ++i) {
    tb::TelemetrySample sample{1.0 * i, 99.0, 6.0, 2000.0};
    tb::GpuSample gpu;
    gpu.device = "cuda:0";
    gpu.utilPercent = 25.0;
    gpu.memoryUsedMb = 2048.0;
    gpu.memoryTotalMb = 143771.0;
    sample.gpus.push_back(gpu);
    run.sample(sample);
  }
  const QString path = folder + QStringLiteral("/gpu-run.json");
  writeResultFile(run, path.toStdString());
  return path;
}

}  // namespace

class CrowdedWindowTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { registerMetaTypes(); }

  void thirtyResultsStayReadableOnASmallScreen() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QStringList paths = writeThirtyResults(dir.path());
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")),
                      dir.filePath(QStringLiteral("results")));
    window.openResultFiles(paths);
    QCOMPARE(window.collection()->count(), 30);
    // Both panels coalesce updates on a timer; draw now rather than hope the timer has fired.
    window.comparisonPanel()->refreshNow();
    window.chartPanel()->replotNow();
    window.resize(kScreen);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCoreApplication::processEvents();

    // The window fits the screen: its layout never asks for more.
    const QSize minimum = window.minimumSizeHint().expandedTo(window.minimumSize());
    QVERIFY2(minimum.height() <= kScreen.height() && minimum.width() <= kScreen.width(),
             qPrintable(QStringLiteral("minimum %1x%2").arg(minimum.width()).arg(minimum.height())));
    QCOMPARE(window.size(), kScreen);
    // ...and the charts and comparison fit it without scrolling.
    QVERIFY(resultsArea(window));
    QVERIFY(!resultsArea(window)->verticalScrollBar()->isVisible());
    QVERIFY(!resultsArea(window)->horizontalScrollBar()->isVisible());
    // The setup's fields are whole beside its scroll bar, which would otherwise cover their edge.
    const auto* setupScroll = window.setupPanel()->findChild<QScrollArea*>();
    QVERIFY(setupScroll);
    QVERIFY2(setupScroll->viewport()->width() >= setupScroll->widget()->minimumSizeHint().width(),
             qPrintable(QStringLiteral("%1 px for %2 px of fields")
                            .arg(setupScroll->viewport()->width())
                            .arg(setupScroll->widget()->minimumSizeHint().width())));
    // Run and Stop are in view without scrolling the setup.
    for (const QPushButton* button :
         {window.setupPanel()->runButton(), window.setupPanel()->stopButton()}) {
      QVERIFY2(button->visibleRegion().boundingRect().size() == button->size(),
               qPrintable(button->text()));
    }

    // Every shown run chart keeps a readable height.
    int shownCharts = 0;
    for (QCustomPlot* plot : window.chartPanel()->findChildren<QCustomPlot*>()) {
      if (!plot->isVisible()) continue;
      ++shownCharts;
      QVERIFY2(plot->height() >= ChartPanel::kPlotMinHeight,
               qPrintable(QStringLiteral("%1: %2 px").arg(plot->accessibleName()).arg(plot->height())));
      QVERIFY2(unreadableChartTexts(plot).isEmpty(), qPrintable(unreadableChartTexts(plot)));
      QVERIFY2(tbtest::crowdedTickLabels(*plot).isEmpty(),
               qPrintable(plot->accessibleName() + QStringLiteral(": ") +
                          tbtest::crowdedTickLabels(*plot)));
    }
    QVERIFY(shownCharts >= 4);
    // The legend of thirty runs scrolls within its bounded area.
    const auto areas = window.chartPanel()->findChildren<QScrollArea*>();
    QCOMPARE(areas.size(), 1);
    QVERIFY(areas[0]->height() <= ChartPanel::kLegendMaxHeight);
    // ...and every entry can be scrolled to: none lies outside the legend (clipped for good).
    const auto entries = window.chartPanel()->findChildren<QCheckBox*>();
    QCOMPARE(entries.size(), 30);
    for (const QCheckBox* entry : entries) {
      QVERIFY2(entry->geometry().bottom() <= areas[0]->widget()->height(),
               qPrintable(QStringLiteral("%1: %2 > %3").arg(entry->text()).arg(entry->geometry().bottom()).arg(areas[0]->widget()->height())));
    }

    // Repeats fold, and the table shows at least six rows at once.
    ComparisonPanel* comparison = window.comparisonPanel();
    QTableWidget* table = comparison->table();
    // Repeats fold: ten configurations, three of them with a disturbed run that folds apart from
    // its quiet repeats, plus the seed article's two published rows (shown by default).
    QCOMPARE(table->rowCount(), 10 + 3 + 2);
    int runs = 0;
    int disturbedRows = 0;
    for (int row = 0; row < table->rowCount(); ++row) {
      const QString label = table->item(row, ComparisonPanel::DeviceColumn)->text();
      if (label.endsWith(QLatin1String("(published)"))) continue;
      const int n = table->item(row, ComparisonPanel::CountColumn)->text().toInt();
      if (label.startsWith(QChar(0x26a0))) {
        ++disturbedRows;
        QCOMPARE(n, 1);
      } else {
        QVERIFY(n == 2 || n == 3);
      }
      runs += n;
    }
    QCOMPARE(runs, 30);
    QCOMPARE(disturbedRows, 3);
    const int rowHeight = table->verticalHeader()->defaultSectionSize();
    QVERIFY2(table->viewport()->height() >= 6 * rowHeight,
             qPrintable(QStringLiteral("viewport %1 px, rows %2 px")
                            .arg(table->viewport()->height())
                            .arg(rowHeight)));
    // Device names whole where they fit in about half the table, else cut in their middle (the
    // figures beside them stay in view), never "c…0"; whole in their tooltips; all distinct.
    const QFontMetrics metrics(table->font());
    const int deviceWidth = table->columnWidth(ComparisonPanel::DeviceColumn);
    QVERIFY2(deviceWidth >= 160 && deviceWidth <= table->viewport()->width() / 2 + 1,
             qPrintable(QStringLiteral("%1 of %2").arg(deviceWidth).arg(table->viewport()->width())));
    QSet<QString> labels;
    for (int row = 0; row < table->rowCount(); ++row) {
      const QTableWidgetItem* item = table->item(row, ComparisonPanel::DeviceColumn);
      const QString text = item->text();
      QVERIFY2(deviceWidth >= metrics.horizontalAdvance(text) ||
                   item->toolTip().contains(QString(text).remove(QChar(0x26a0)).trimmed()),
               qPrintable(text));
      labels.insert(text);
    }
    QCOMPARE(labels.size(), table->rowCount());
    // The bar chart keeps a readable height per bar, a line and a half of its font (and
    // scrolls).
    const int line = comparison->barChart()->fontMetrics().height();
    QVERIFY2(comparison->barChart()->height() >= line * 3 / 2 * 15,
             qPrintable(QString::number(comparison->barChart()->height())));
  }

  // An error notice and the comparison's note on differently sized runs take height of their
  // own: the window still fits the screen, the charts and the table keep their room.
  void noticesStillFitASmallScreen() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QStringList paths = writeThirtyResults(dir.path());
    paths << writeTrialResult(dir.path());
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")),
                      dir.filePath(QStringLiteral("results")));
    window.openResultFiles(paths);
    window.comparisonPanel()->refreshNow();
    window.chartPanel()->replotNow();
    QVERIFY(!window.comparisonPanel()->sizeNote().isEmpty());
    // As long a notice as the bar shows: a failed import names its file and what is wrong.
    window.showNotice(QStringLiteral("Could not open /home/user/results/run.json: ").repeated(14),
                      true);
    window.resize(kScreen);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCoreApplication::processEvents();

    const QSize minimum = window.minimumSizeHint().expandedTo(window.minimumSize());
    QVERIFY2(minimum.height() <= kScreen.height(),
             qPrintable(QStringLiteral("minimum height %1").arg(minimum.height())));
    QCOMPARE(window.size(), kScreen);
    // What does not fit scrolls, all of it within reach.
    QVERIFY(resultsArea(window));
    QVERIFY(!resultsArea(window)->horizontalScrollBar()->isVisible());
    for (QCustomPlot* plot : window.chartPanel()->findChildren<QCustomPlot*>()) {
      if (!plot->isVisible()) continue;
      QVERIFY2(plot->height() >= ChartPanel::kPlotMinHeight,
               qPrintable(QStringLiteral("%1: %2 px").arg(plot->accessibleName()).arg(plot->height())));
    }
    const QTableWidget* table = window.comparisonPanel()->table();
    const int rowHeight = table->verticalHeader()->defaultSectionSize();
    QVERIFY2(table->viewport()->height() >= 6 * rowHeight,
             qPrintable(QStringLiteral("viewport %1 px").arg(table->viewport()->height())));
  }

  // Trial runs of twenty sizes beside the full ones: the note naming every size keeps to three
  // lines, the rest on hover, and the table its six rows (the note took 9 lines and left 3).
  void noteOnManySizesStaysShort() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QStringList paths = writeThirtyResults(dir.path());
    for (int size = 1; size <= 20; ++size) paths << writeTrialResult(dir.path(), 1000 * size);
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")),
                      dir.filePath(QStringLiteral("results")));
    window.resize(kScreen);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // Set while its tab is hidden (runs ending while History is shown), cut once it is shown.
    window.showHistoryTab();
    window.openResultFiles(paths);
    window.comparisonPanel()->refreshNow();
    QCoreApplication::processEvents();
    window.showResultsTab();
    QCoreApplication::processEvents();
    const QString whole = window.comparisonPanel()->sizeNote();
    QVERIFY2(whole.contains(QLatin1String("20000/500 images")), qPrintable(whole));
    const auto* note = window.comparisonPanel()->findChild<CappedNote*>();
    QVERIFY(note && note->isVisible());
    const int lines = note->height() / note->fontMetrics().lineSpacing();
    QVERIFY2(lines <= 3, qPrintable(QStringLiteral("%1 lines: %2").arg(lines).arg(note->text())));
    QVERIFY(note->text().endsWith(QLatin1String("(hover for the whole note)")));
    QVERIFY(note->toolTip().contains(QLatin1String("20000/500 images")));
    const QTableWidget* table = window.comparisonPanel()->table();
    QVERIFY2(table->viewport()->height() >= 6 * table->verticalHeader()->defaultSectionSize(),
             qPrintable(QStringLiteral("viewport %1 px").arg(table->viewport()->height())));
  }

  // A GPU run adds two charts and the run charts go four across, narrower: their titles,
  // captions and axis labels still read whole.
  void gpuChartsFourAcrossReadWhole() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")),
                      dir.filePath(QStringLiteral("results")));
    window.openResultFiles({writeGpuResult(dir.path())});
    window.chartPanel()->replotNow();
    window.resize(1280, 740);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCoreApplication::processEvents();
    window.chartPanel()->replotNow();

    int shownCharts = 0;
    for (QCustomPlot* plot : window.chartPanel()->findChildren<QCustomPlot*>()) {
      if (!plot->isVisible()) continue;
      ++shownCharts;
      QVERIFY2(unreadableChartTexts(plot).isEmpty(), qPrintable(unreadableChartTexts(plot)));
      QVERIFY2(tbtest::crowdedTickLabels(*plot).isEmpty(),
               qPrintable(plot->accessibleName() + QStringLiteral(": ") +
                          tbtest::crowdedTickLabels(*plot)));
    }
    QCOMPARE(shownCharts, 7);  // five run charts and the two GPU ones

    // The comparison keeps its figures in view beside the bar chart: the hidden Scaling tab's
    // one-line caption asked for 505 px, all of which the table gave up (on a 1280x768 screen
    // it showed the device names alone, its figures scrolled off the right edge).
    const int scalingWidth = window.comparisonPanel()->scalingChart()->minimumSizeHint().width();
    QVERIFY2(scalingWidth <= 400, qPrintable(QStringLiteral("%1 px").arg(scalingWidth)));
  }
};

QTEST_MAIN(CrowdedWindowTest)
#include "tst_crowded_window.moc"
