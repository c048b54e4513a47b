// The run charts' legend (ui/charts/run_legend.h): a label longer than the legend is wide is
// cut in its middle, so the device and the host that tells runs apart both stay in view.
#include "charts/run_legend.h"
#include "model/run_collection.h"

#include "../support/run_result_builder.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QPushButton>
#include <QtTest>

using namespace tb;
using namespace tb::ui;

class RunLegendTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // A cloud host's name ran off the legend's edge with no ellipsis: the part that differs
  // between machines was the part cut off.
  void longLabelsKeepBothEnds() {
    RunCollection runs;
    RunLegend legend(&runs);
    tbtest::RunResultBuilder run;
    run.device("cpu", "AMD EPYC 9754 128-Core Processor with an extremely long marketing name");
    run.host("build-worker-0042.eu-central-1.compute.example-corporation.com");
    run.epoch(1.0, 1000.0);
    const QString id = runs.add(run);
    tbtest::RunResultBuilder shortRun;
    shortRun.device("cpu", "Test & CPU").host("lab");
    shortRun.epoch(1.0, 1000.0);
    const QString shortId = runs.add(shortRun);
    legend.resize(500, 80);
    legend.show();
    QVERIFY(QTest::qWaitForWindowExposed(&legend));
    legend.sync();

    QCheckBox* entry = legend.entry(id);
    QVERIFY(entry);
    const QString shown = entry->text();
    QVERIFY2(shown.contains(QChar(0x2026)) && shown.startsWith(QLatin1String("cpu")) &&
                 shown.endsWith(QLatin1String("example-corporation.com")),
             qPrintable(shown));
    QVERIFY2(entry->sizeHint().width() <= legend.width(), qPrintable(shown));
    QVERIFY(entry->toolTip().contains(QLatin1String("extremely long marketing name")));
    QCOMPARE(entry->accessibleName(), runs.distinctLabel(runs.indexOf(id)));  // read whole
    // A short label stays whole (its '&' escaped so it shows, not underlines).
    QVERIFY2(legend.entry(shortId)->text().contains(QLatin1String("Test && CPU")),
             qPrintable(legend.entry(shortId)->text()));

    // Wider room, the whole label; narrower again, cut again (its whole width had become the
    // legend's least, so it stayed whole, off the edge).
    legend.resize(1400, 80);
    QTRY_VERIFY2(!legend.entry(id)->text().contains(QChar(0x2026)), qPrintable(legend.entry(id)->text()));
    legend.resize(500, 80);
    QTRY_COMPARE(legend.width(), 500);
    QTRY_VERIFY2(legend.entry(id)->text().contains(QChar(0x2026)), qPrintable(legend.entry(id)->text()));
  }

  // Tab reaches the legend's entries where they are, before what comes after the legend, in
  // the runs' order: added as runs came, they joined the end of the window's Tab order, after
  // the whole comparison.
  void entriesFollowTheLegendInTabOrder() {
    RunCollection runs;
    QWidget window;
    auto* before = new QLineEdit(&window);
    auto* legend = new RunLegend(&runs, &window);
    auto* after = new QPushButton(QStringLiteral("after"), &window);
    const QString first = runs.add(tbtest::RunResultBuilder().device("cpu", "A").host("a"));
    legend->sync();
    const QString second = runs.add(tbtest::RunResultBuilder().device("cpu", "B").host("b"));
    legend->sync();
    QList<QWidget*> order;
    for (QWidget* widget = before->nextInFocusChain(); widget != before; widget = widget->nextInFocusChain()) {
      if (widget->focusPolicy() & Qt::TabFocus) order << widget;
    }
    QCOMPARE(order, (QList<QWidget*>{legend->entry(first), legend->entry(second), after}));
  }
};

QTEST_MAIN(RunLegendTest)
#include "tst_run_legend.moc"
