// The run charts: a real (tiny) run fills them, redraws are coalesced, the legend and the
// collection hide and remove runs in every chart, hovering reads out the nearest point. The
// legend's labels and colours: tst_chart_labels.
#include "charts/chart_panel.h"
#include "charts/plot_hover.h"
#include "charts/roomy_ticks.h"
#include "charts/run_legend.h"
#include "common/qcustomplot_include.h"
#include "export/file_export.h"
#include "engine/trainer.h"
#include "model/run_collection.h"

#include "../support/run_result_builder.h"
#include "../support/tick_labels.h"

#include <QCheckBox>
#include <QScrollArea>
#include <QtTest>

using namespace tb;
using namespace tb::ui;

namespace {

// Feeds a run into the collection the way the GUI does, event by event.
class CollectionObserver final : public RunObserver {
 public:
  explicit CollectionObserver(RunCollection& runs) : m_runs(runs) {}
  QString id;

  void runStarted(const RunStarted& event) override { id = m_runs.add(event.header, true); }
  void epochFinished(const EpochRecord& epoch) override { m_runs.appendEpoch(id, epoch); }
  void evaluationFinished(const TestRecord& test) override { m_runs.setTest(id, test); }
  void telemetry(const TelemetrySample& sample) override { m_runs.appendTelemetry(id, sample); }
  void runFinished(const RunResult& result) override { m_runs.setResult(id, result, false); }

 private:
  RunCollection& m_runs;
};

RunResult trainTinyRun(RunCollection& runs, QString* id) {
  RunConfig config;
  config.workload = "fashion-mlp";
  config.synthetic = true;
  config.epochs = 2;
  config.trainLimit = 512;
  config.testLimit = 256;
  config.threads = 1;
  config.telemetryIntervalSeconds = 0.1;
  CollectionObserver observer(runs);
  const std::atomic<bool> cancel{false};
  const RunResult result = runTraining(config, observer, cancel);
  *id = observer.id;
  return result;
}

// A synthetic finished result, cheap enough to add many of.
RunResult fakeResult(int epochs) {
  tbtest::RunResultBuilder run;
  run.device("cpu", "Test CPU").host("test-host").cores(0, 4);
  for (int e = 1; e <= epochs; ++e)
    run.epoch(2.0, 1000.0 * e).loss(1.0 / e).accuracy(0.5 + 0.1 * e);
  run.test(0.6, 0.8).totalSeconds(2.0 * epochs);
  for (int i = 0; i < 10; ++i) run.sample({0.5 * i, 40.0 + i, 90.0 + i, 100.0});
  return run;
}

}  // namespace

class ChartPanelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The charts must show what the engine really reports: one point per epoch and every telemetry
  // sample (a run this short may have none; burstOfChangesReplotsOnce draws a long timeline).
  void tinyRunFillsTheCharts() {
    RunCollection runs;
    ChartPanel panel(&runs);
    QString id;
    const RunResult result = trainTinyRun(runs, &id);
    QCOMPARE(result.status, RunStatus::Completed);
    panel.replotNow();

    const QStringList titles = panel.plotTitles();
    QCOMPARE(titles, (QStringList{QStringLiteral("Loss"), QStringLiteral("Accuracy"),
                                  QStringLiteral("Epoch time"), QStringLiteral("Throughput"),
                                  QStringLiteral("CPU utilisation")}));
    const QVector<QCustomPlot*> plots = panel.plots();
    QCOMPARE(plots.size(), titles.size());
    // Loss and accuracy: train per epoch, then one test marker at the last epoch.
    for (int p = 0; p < 2; ++p) {
      QCOMPARE(plots[p]->graphCount(), 2);
      QCOMPARE(plots[p]->graph(0)->dataCount(), 2);
      QCOMPARE(plots[p]->graph(1)->dataCount(), 1);
      QCOMPARE(plots[p]->graph(1)->data()->at(0)->key, 2.0);
    }
    QCOMPARE(plots[0]->graph(1)->data()->at(0)->value, result.test->loss);
    QCOMPARE(plots[2]->graph(0)->dataCount(), 2);
    QCOMPARE(plots[3]->graph(0)->dataCount(), 2);
    QCOMPARE(plots[3]->graph(0)->data()->at(1)->value, result.epochs[1].samplesPerSecond);
    QCOMPARE(plots[4]->graph(0)->dataCount(), static_cast<int>(result.timeline.size()));
    // The run's colour and label reach the graphs.
    const DisplayedRun* run = runs.find(id);
    QCOMPARE(plots[0]->graph(0)->pen().color(), run->color);
    QCOMPARE(plots[0]->graph(0)->name(), run->label());
    // Axes follow the data: every epoch lies inside the x range.
    QVERIFY(plots[0]->xAxis->range().contains(1.0) && plots[0]->xAxis->range().contains(2.0));
  }

  // A rectangle dragged over a chart shows that part, and stays as the run adds epochs (an outlier
  // flattened the rest of the curve, and nothing could show it); a double-click fits the data
  // again.
  void dragZoomsAndDoubleClickFitsAgain() {
    RunCollection runs;
    ChartPanel panel(&runs);
    panel.resize(1200, 800);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    tbtest::RunResultBuilder run;
    run.device("cpu", "Test CPU");
    for (int e = 1; e <= 10; ++e) run.epoch(1.0, 1000.0).loss(e == 5 ? 1e5 : 1.0 / e).accuracy(0.5);
    const QString id = runs.add(run, true);
    panel.replotNow();
    QCustomPlot* loss = panel.plots()[0];
    const QRect area = loss->axisRect()->rect();
    const auto send = [loss](QEvent::Type type, QPoint at, Qt::MouseButton button,
                             Qt::MouseButtons held) {
      QMouseEvent event(type, at, loss->mapToGlobal(at), button, held, Qt::NoModifier);
      QCoreApplication::sendEvent(loss, &event);
    };
    const QPoint from(static_cast<int>(loss->xAxis->coordToPixel(1.5)), area.top() + 2);
    const QPoint to(static_cast<int>(loss->xAxis->coordToPixel(4.5)), area.bottom() - 2);
    send(QEvent::MouseButtonPress, from, Qt::LeftButton, Qt::LeftButton);
    send(QEvent::MouseMove, to, Qt::NoButton, Qt::LeftButton);
    send(QEvent::MouseButtonRelease, to, Qt::LeftButton, Qt::NoButton);
    const QCPRange zoomed = loss->xAxis->range();
    QVERIFY2(zoomed.lower > 1.0 && zoomed.upper < 5.0,
             qPrintable(QStringLiteral("%1..%2").arg(zoomed.lower).arg(zoomed.upper)));

    runs.appendEpoch(id, {11, 0.05, 0.9, 1.0, 900.0});
    panel.replotNow();
    QCOMPARE(loss->xAxis->range().lower, zoomed.lower);
    QCOMPARE(loss->xAxis->range().upper, zoomed.upper);

    send(QEvent::MouseButtonDblClick, to, Qt::LeftButton, Qt::LeftButton);
    QVERIFY(loss->xAxis->range().contains(1.0) && loss->xAxis->range().contains(11.0));
    QVERIFY(loss->yAxis->range().contains(1e5));

    // Zoomed again, a run added (one starting, files opened) is brought into view.
    send(QEvent::MouseButtonPress, from, Qt::LeftButton, Qt::LeftButton);
    send(QEvent::MouseMove, to, Qt::NoButton, Qt::LeftButton);
    send(QEvent::MouseButtonRelease, to, Qt::LeftButton, Qt::NoButton);
    QVERIFY(loss->xAxis->range().upper < 11.0);
    tbtest::RunResultBuilder longer = run;  // its ten epochs and ten more
    for (int e = 11; e <= 20; ++e) longer.epoch(1.0, 1000.0).loss(0.5).accuracy(0.5);
    runs.add(longer);
    panel.replotNow();
    QVERIFY(loss->xAxis->range().contains(20.0));
  }

  // A live run emits a change per telemetry sample; drawing each would stall the GUI.
  void burstOfChangesReplotsOnce() {
    RunCollection runs;
    ChartPanel panel(&runs);
    const QString id = runs.add(fakeResult(1), true);
    panel.replotNow();
    const int before = panel.replotCount();
    for (int i = 0; i < 200; ++i) runs.appendTelemetry(id, {10.0 + i, 50.0, 80.0, 100.0});
    for (int e = 2; e <= 5; ++e) runs.appendEpoch(id, {e, 0.3, 0.9, 1.0, 900.0});
    QCOMPARE(panel.replotCount(), before);  // nothing drawn synchronously
    QTRY_COMPARE(panel.replotCount(), before + 1);
    QVERIFY(!panel.replotPending());  // the one redraw took it all: no second one is coming
    QCOMPARE(panel.plots()[0]->graph(0)->dataCount(), 5);
    QCOMPARE(panel.plots()[4]->graph(0)->dataCount(), 210);
  }

  // Every other machine CPU reading missing (a /proc read that failed now and then): each reading
  // left stood alone between gaps, and the machine's line showed nothing at all. Its readings
  // show as dots; the process's line, whole, keeps its plain line.
  void readingsBetweenGapsShowAsDots() {
    RunCollection runs;
    ChartPanel panel(&runs);
    tbtest::RunResultBuilder run;
    run.device("cpu", "Test CPU").host("test-host").cores(0, 4);
    run.epoch(6.0, 25000.0).loss(0.5).accuracy(0.8);
    for (int i = 0; i < 6; ++i) {
      run.sample({i + 1.0, i % 2 == 0 ? std::optional<double>(90.0) : std::nullopt, 80.0, 100.0});
    }
    runs.add(run.totalSeconds(6.5));
    panel.replotNow();
    QCustomPlot* cpu = panel.plots()[4];
    QCOMPARE(cpu->graphCount(), 2);
    int dotted = 0;
    for (int g = 0; g < cpu->graphCount(); ++g)
      dotted += cpu->graph(g)->scatterStyle().isNone() ? 0 : 1;
    QCOMPARE(dotted, 1);
  }

  // Two short runs with one CPU sample each, microseconds apart in their runs' time: each shows
  // as a dot, on a time axis of sensible width.
  void loneTelemetrySamplesShowAsDots() {
    RunCollection runs;
    ChartPanel panel(&runs);
    for (const double t : {1.00026, 1.00031}) {
      tbtest::RunResultBuilder run;
      run.device("cpu", "Test CPU").host("test-host").cores(0, 4);
      run.epoch(0.8, 25000.0).loss(0.5).accuracy(0.8);
      run.sample({t, 90.0, 80.0, 100.0});
      runs.add(run.totalSeconds(1.6));
    }
    panel.replotNow();

    QCustomPlot* cpu = panel.plots()[4];
    int dots = 0;
    for (int g = 0; g < cpu->graphCount(); ++g) {
      QCOMPARE(cpu->graph(g)->dataCount(), 1);
      QVERIFY2(!cpu->graph(g)->scatterStyle().isNone(), qPrintable(cpu->graph(g)->name()));
      ++dots;
    }
    QVERIFY(dots >= 2);  // the machine's and the process's, per run
    QVERIFY(cpu->xAxis->range().size() >= 1.0);
    QVERIFY(cpu->xAxis->range().contains(1.00026) && cpu->xAxis->range().contains(1.00031));
  }

  // Utilisation is a share: its axis reads 0 to 100 however close the readings are (99.2 and
  // 100 once filled the chart's height, a small wobble drawn as a cliff), and time runs from
  // the run's start, so a short run's one sample is drawn where in the run it was taken.
  void utilisationAxisShowsTheWholeShareFromTheStart() {
    RunCollection runs;
    ChartPanel panel(&runs);
    tbtest::RunResultBuilder run;
    run.device("cpu", "Test CPU").host("test-host").cores(0, 2);
    run.epoch(0.6, 25000.0).loss(0.5).accuracy(0.8);
    run.sample({0.69, 100.0, 99.2 * 2, 100.0});  // process CPU: 198.4 % of one core of two
    runs.add(run.totalSeconds(0.69));
    panel.replotNow();

    QCustomPlot* cpu = panel.plots()[4];
    QCOMPARE(cpu->yAxis->range().lower, 0.0);
    QVERIFY(cpu->yAxis->range().upper >= 100.0 && cpu->yAxis->range().upper <= 110.0);
    QCOMPARE(cpu->xAxis->range().lower, 0.0);
    QVERIFY(cpu->xAxis->range().contains(0.69));
    // The epochs' charts are not shares: they still fit their data.
    QVERIFY(panel.plots()[1]->yAxis->range().upper < 1.0);  // accuracy 0.8
  }

  // A chart first laid out small (in a hidden tab, say) gets ticks for its real size once shown:
  // several labels on each axis, none running into the next. (The scaling chart once showed
  // only "0" and "2" after its tab was opened.)
  void ticksFollowTheSizeAChartIsShownAt() {
    QCustomPlot plot;
    keepTickLabelsApart(&plot, /*integerX=*/true);
    QCPGraph* graph = plot.addGraph();
    graph->setData({1.0, 2.0, 3.0, 4.0}, {60000.0, 20000.0, 90000.0, 125000.0});
    plot.xAxis->setRange(0.5, 4.5);
    plot.yAxis->setRange(0.0, 130000.0);
    plot.resize(60, 40);
    plot.replot();
    plot.resize(420, 300);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    QTRY_VERIFY(tbtest::ticksInRange(plot.xAxis) >= 4 && tbtest::ticksInRange(plot.yAxis) >= 3);
    QVERIFY2(tbtest::crowdedTickLabels(plot).isEmpty(), qPrintable(tbtest::crowdedTickLabels(plot)));
  }

  // A chart drawn for the report at 900 x 480 gets ticks for that size, not the few a small
  // chart on screen has room for (the PDF showed one label per axis under a large font).
  void exportedChartsGetTicksForTheirSize() {
    QCustomPlot plot;
    keepTickLabelsApart(&plot, /*integerX=*/true);
    QCPGraph* graph = plot.addGraph();
    graph->setData({1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0},
                   {60000.0, 20000.0, 90000.0, 125000.0, 70000.0, 80000.0, 95000.0, 99000.0});
    plot.xAxis->setRange(0.5, 8.5);
    plot.yAxis->setRange(0.0, 130000.0);
    plot.resize(220, 150);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.replot();
    QTRY_VERIFY2(tbtest::ticksInRange(plot.xAxis) >= 1,
                 qPrintable(QStringLiteral("%1 ticks, axis rect %2 px")
                                .arg(plot.xAxis->tickVector().size())
                                .arg(plot.axisRect()->width())));
    const int screenTicks = tbtest::ticksInRange(plot.xAxis);
    const QPixmap pixmap = plotToPixmap(&plot, 900, 480, 1.0);
    QCOMPARE(pixmap.size(), QSize(900, 480));
    // The ticks of the last drawing, the export's.
    QVERIFY2(tbtest::ticksInRange(plot.xAxis) == 8 && screenTicks < 8,
             qPrintable(QStringLiteral("%1 on screen, %2 exported")
                            .arg(screenTicks)
                            .arg(tbtest::ticksInRange(plot.xAxis))));
    QVERIFY2(tbtest::ticksInRange(plot.yAxis) >= 4,
             qPrintable(QString::number(tbtest::ticksInRange(plot.yAxis))));
    // And the screen gets its own back.
    QTRY_COMPARE(tbtest::ticksInRange(plot.xAxis), screenTicks);
  }

  // On a small screen or with a large font the charts go two or one across, so nothing is cut
  // off at the right; shown inside a scrolling area, they follow its visible width.
  void columnsFollowTheRoom() {
    RunCollection runs;
    QScrollArea area;
    auto* panel = new ChartPanel(&runs);
    area.setWidget(panel);
    area.setWidgetResizable(true);
    area.resize(1300, 700);
    area.show();
    QVERIFY(QTest::qWaitForWindowExposed(&area));
    QCOMPARE(panel->columns(), 3);
    area.resize(640, 700);
    QTRY_COMPARE(panel->columns(), 2);
    // Every chart fits the visible width: no horizontal scrolling past a chart.
    QTRY_VERIFY2(panel->minimumSizeHint().width() <= area.viewport()->width(),
                 qPrintable(QString::number(panel->minimumSizeHint().width())));
    area.resize(360, 700);
    QTRY_COMPARE(panel->columns(), 1);
    area.resize(1300, 700);
    QTRY_COMPARE(panel->columns(), 3);
  }

  // A larger font (a desktop's larger text) makes each chart's least size larger, in text, not
  // fixed pixels: at 260 px the axis titles and captions were cut off. The same width then
  // holds fewer charts across.
  void chartsGrowWithTheFont() {
    RunCollection runs;
    QScrollArea area;
    auto* panel = new ChartPanel(&runs);
    QFont large = panel->font();
    large.setPointSizeF(large.pointSizeF() * 2.0);
    panel->setFont(large);
    area.setWidget(panel);
    area.setWidgetResizable(true);
    area.resize(1300, 700);
    area.show();
    QVERIFY(QTest::qWaitForWindowExposed(&area));
    const int least = QFontMetrics(large).averageCharWidth() * 30;
    for (const QCustomPlot* plot : panel->findChildren<QCustomPlot*>()) {
      if (!plot->isVisible()) continue;
      QVERIFY2(plot->minimumWidth() >= least, qPrintable(QString::number(plot->minimumWidth())));
    }
    QTRY_VERIFY(panel->columns() < 3);
  }

  // Hiding a run (from the legend or elsewhere) hides it in every chart, and rescales to the rest.
  void hidingARunHidesItsGraphs() {
    RunCollection runs;
    ChartPanel panel(&runs);
    const QString a = runs.add(fakeResult(3));
    const QString b = runs.add(fakeResult(8));
    panel.replotNow();
    QVERIFY(panel.plots()[0]->xAxis->range().contains(8.0));

    QCheckBox* entry = panel.legend()->entry(b);
    QVERIFY(entry);
    QVERIFY(entry->isChecked());
    QVERIFY(entry->text().contains(QStringLiteral("Test CPU")));
    entry->click();  // the user unticks run b in the legend
    QVERIFY(!runs.find(b)->visible);
    QTRY_VERIFY(!panel.graphs(b).first()->visible());
    for (QCPGraph* graph : panel.graphs(b)) QVERIFY(!graph->visible());
    for (QCPGraph* graph : panel.graphs(a)) QVERIFY(graph->visible());
    QVERIFY(!panel.plots()[0]->xAxis->range().contains(8.0));

    runs.setVisible(b, true);
    panel.replotNow();
    QVERIFY(entry->isChecked());
    for (QCPGraph* graph : panel.graphs(b)) QVERIFY(graph->visible());
  }

  // Closing a run must free its graphs and legend entry, or charts leak and lie.
  void removingARunRemovesItsGraphs() {
    RunCollection runs;
    ChartPanel panel(&runs);
    const QString a = runs.add(fakeResult(2));
    const QString b = runs.add(fakeResult(2));
    panel.replotNow();
    QCOMPARE(panel.plots()[0]->graphCount(), 4);
    runs.remove(a);
    QTRY_COMPARE(panel.plots()[0]->graphCount(), 2);
    QVERIFY(panel.graphs(a).isEmpty());
    QVERIFY(!panel.legend()->entry(a));
    QCOMPARE(panel.graphs(b).size(), 8);  // 2 + 2 + 1 + 1 + 2 series
    runs.clear();
    QTRY_COMPARE(panel.plots()[0]->graphCount(), 0);
  }

  // A chart added for a metric no run has (GPU on a CPU-only machine) stays off screen.
  void emptyOptionalChartStaysHidden() {
    RunCollection runs;
    ChartPanel panel(&runs);
    runs.add(fakeResult(2));
    ChartSpec gpu;
    gpu.title = QStringLiteral("GPU utilisation");
    gpu.showWhenEmpty = false;
    gpu.series = {timelineSeries(
        QStringLiteral("GPU"), SeriesLook::Line,
        [](const RunResult&, const TelemetrySample&) { return std::optional<double>(); })};
    panel.addChart(gpu);
    panel.replotNow();
    QVERIFY(!panel.plotTitles().contains(QStringLiteral("GPU utilisation")));
    QCOMPARE(panel.plots().size(), 5);
  }

  // A run its time budget stopped in epoch 1 has no epoch time: Epoch time says why rather than
  // showing bare axes, until a run with whole epochs gives it points.
  void emptyEpochTimeSaysWhy() {
    RunCollection runs;
    ChartPanel panel(&runs);
    tbtest::RunResultBuilder cut;
    cut.workload("cifar10-cnn", "cifar10").samples(8000, 500).device("cpu", "Test CPU").host("test-host");
    cut.epoch(5.0, 1000.0).projection(40.0, 38.0, 42.0, 10, 8000, 500);  // 5000 of 8000 images
    runs.add(cut);
    panel.replotNow();
    QCustomPlot* plot = panel.plots().value(panel.plotTitles().indexOf(QStringLiteral("Epoch time")));
    QVERIFY(plot);
    const auto noteShown = [plot] {
      for (int i = 0; i < plot->itemCount(); ++i) {
        const auto* text = qobject_cast<QCPItemText*>(plot->item(i));
        if (text && text->visible() && text->text().startsWith(QLatin1String("No whole epoch"))) return true;
      }
      return false;
    };
    QVERIFY(noteShown());
    runs.add(fakeResult(2));
    panel.replotNow();
    QVERIFY(!noteShown());
  }

  // Hovering must name the run and give the exact x and y of the point under the mouse.
  void hoverFindsNearestPoint() {
    RunCollection runs;
    ChartPanel panel(&runs);
    panel.resize(1200, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const QString id = runs.add(fakeResult(3));
    panel.replotNow();
    QCustomPlot* loss = panel.plots()[0];
    const QPointF pixel(loss->xAxis->coordToPixel(2.0), loss->yAxis->coordToPixel(0.5));
    const auto point = nearestPoint(loss, pixel + QPointF(3, -2));
    QVERIFY(point);
    QCOMPARE(point->key, 2.0);
    QCOMPARE(point->value, 0.5);
    const QString text = hoverText(*point, QStringLiteral("Epoch"), true);
    QVERIFY(text.contains(runs.find(id)->label()));
    QVERIFY(text.contains(QStringLiteral("Epoch: 2")));
    QVERIFY(text.contains(QStringLiteral("Train loss: 0.5")));
    QVERIFY(!nearestPoint(loss, pixel + QPointF(200, 200)));
    // A throughput reads as the table writes it, not "1.1836e+05".
    HoverPoint fast = *point;
    fast.series = QStringLiteral("Samples/s");
    fast.value = 118358.4;
    QVERIFY2(hoverText(fast, QStringLiteral("Epoch"), true).contains(QStringLiteral("Samples/s: 118358")),
             qPrintable(hoverText(fast, QStringLiteral("Epoch"), true)));
  }

  // Sixteen runs' legend scrolls in the window; the exported image names every run, above the
  // charts as shown. A legend that fits is exported as shown.
  void exportedImageHasTheWholeLegend() {
    RunCollection runs;
    ChartPanel panel(&runs);
    panel.resize(1000, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    runs.add(fakeResult(2));
    panel.replotNow();
    QCOMPARE(panel.imageWithWholeLegend(1.0).size(), panel.size());
    for (int i = 0; i < 15; ++i) runs.add(fakeResult(2));
    panel.replotNow();
    QTRY_VERIFY(panel.legend()->height() > panel.legend()->parentWidget()->height());
    const QPixmap image = panel.imageWithWholeLegend(1.0);
    QCOMPARE(image.width(), panel.width());
    const int scrolled = panel.legend()->height() - panel.legend()->parentWidget()->height();
    QVERIFY2(std::abs(image.height() - (panel.height() + scrolled)) <= 4,
             qPrintable(QStringLiteral("%1 against %2 + %3")
                            .arg(image.height()).arg(panel.height()).arg(scrolled)));
  }

  // The legend scrolls within a few lines when many runs are shown; once they are all closed
  // (Run > Clear charts) it gives the room back to the charts, as tall as with no run ever shown.
  void clearedLegendGivesItsRoomBack() {
    RunCollection runs;
    ChartPanel panel(&runs);
    panel.resize(1000, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QWidget* scroll = panel.legend()->parentWidget()->parentWidget();  // viewport's scroll area
    QTRY_VERIFY(scroll->height() > 0);
    const int emptyHeight = scroll->height();
    for (int i = 0; i < 30; ++i) runs.add(fakeResult(2));
    panel.replotNow();
    QTRY_VERIFY(scroll->height() > emptyHeight);
    runs.clear();
    panel.replotNow();
    QTRY_COMPARE(scroll->height(), emptyHeight);
  }
};

QTEST_MAIN(ChartPanelTest)
#include "tst_chart_panel.moc"
