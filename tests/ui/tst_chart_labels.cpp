// The run charts' legend and labels: printable, told apart by time, learning rate and what is
// shown, each run its own colour (readable on light and dark palettes), "&" kept.
#include "charts/chart_panel.h"
#include "charts/run_legend.h"
#include "common/qcustomplot_include.h"
#include "model/run_collection.h"

#include "../support/contrast.h"
#include "../support/run_result_builder.h"

#include <QCheckBox>
#include <QSet>
#include <QtTest>

#include <ctime>

using namespace tb;
using namespace tb::ui;

class ChartLabelsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // A shared file's names cannot reorder or split a legend entry: bidi overrides and line
  // breaks read as spaces, as in the tables.
  void labelsArePrintable() {
    DisplayedRun run;
    run.result.device.id = "cuda:0";
    run.result.device.name = "GPU\u202e0803 XTR";
    run.result.system.hostname = "bench\nfake row";
    const QString label = run.label();
    QVERIFY2(!label.contains(QChar(0x202e)) && !label.contains(QLatin1Char('\n')),
             qPrintable(label));
    QVERIFY2(label.contains(QLatin1String("bench fake row")), qPrintable(label));
  }

  // Two runs of one device tell apart by when they ran, in local time as History shows it (the
  // file holds UTC).
  void sameDeviceRunsShowTheirLocalTime() {
    const QByteArray oldTz = qgetenv("TZ");
    qputenv("TZ", "UTC-2");  // POSIX: two hours east of UTC
    tzset();
    RunCollection runs;
    RunResult result;
    result.device.id = "cpu";
    result.device.name = "AMD EPYC";
    result.created = "2026-12-04T08:07:33Z";
    runs.add(result);
    result.created = "2026-12-04T08:07:35Z";
    runs.add(result);
    const QString first = runs.distinctLabel(0);
    const QString second = runs.distinctLabel(1);
    if (oldTz.isNull()) qunsetenv("TZ"); else qputenv("TZ", oldTz);
    tzset();
    QVERIFY2(first.endsWith(QLatin1String("2026-12-04 10:07:33")), qPrintable(first));
    QVERIFY2(second.endsWith(QLatin1String("2026-12-04 10:07:35")), qPrintable(second));
  }

  // Three workloads' runs on one device, overlaid: each label names its workload (they read
  // alike but for the date); the date then tells apart two runs of one workload. Runs of one
  // workload need not say it.
  void legendsSayTheWorkloadWhereItDiffers() {
    RunCollection runs;
    RunResult result;
    result.device.id = "cpu";
    result.created = "2026-12-04T08:07:33Z";
    for (const char* workload : {"fashion-mlp", "mnist-mlp", "cifar10-cnn", "cifar10-cnn"}) {
      result.workload.name = workload;
      runs.add(result);
    }
    QVERIFY2(runs.distinctLabel(0).endsWith(QStringLiteral(" \u00b7 fashion-mlp")),
             qPrintable(runs.distinctLabel(0)));
    QVERIFY2(runs.distinctLabel(1).endsWith(QStringLiteral(" \u00b7 mnist-mlp")),
             qPrintable(runs.distinctLabel(1)));
    QVERIFY2(
        runs.distinctLabel(3).contains(QStringLiteral(" \u00b7 cifar10-cnn \u00b7 2026-12-04")),
        qPrintable(runs.distinctLabel(3)));
    QVERIFY(runs.distinctLabel(2) != runs.distinctLabel(3));
    runs.remove(runs.at(0).id);
    runs.remove(runs.at(0).id);
    QVERIFY2(!runs.distinctLabel(0).contains(QStringLiteral("cifar10-cnn")),
             qPrintable(runs.distinctLabel(0)));
    // Labels that differ already (another device) still say the workload where there are two.
    result.device.id = "cuda:0";
    result.workload.name = "cifar10-resnet50";
    runs.add(result);
    QVERIFY2(runs.distinctLabel(0).contains(QStringLiteral(" \u00b7 cifar10-cnn")),
             qPrintable(runs.distinctLabel(0)));
    QVERIFY2(runs.distinctLabel(2).endsWith(QStringLiteral(" \u00b7 cifar10-resnet50")),
             qPrintable(runs.distinctLabel(2)));
  }

  // Runs that differ only in learning rate say so in the legend, as the comparison's labels do;
  // the date comes after only where the rate does not tell them apart.
  void legendsSayTheLearningRate() {
    RunCollection runs;
    RunResult result;
    result.device.id = "cpu";
    result.created = "2026-12-04T08:07:33Z";
    result.config.learningRate = 0.001;
    runs.add(result);
    result.config.learningRate = 0.01;
    runs.add(result);
    result.created = "2026-12-04T09:00:00Z";
    runs.add(result);
    QVERIFY2(runs.distinctLabel(0).endsWith(QStringLiteral(" \u00b7 lr 0.001")),
             qPrintable(runs.distinctLabel(0)));
    QVERIFY2(runs.distinctLabel(1).contains(QStringLiteral(" \u00b7 lr 0.01 \u00b7 2026-12-04")),
             qPrintable(runs.distinctLabel(1)));
    QVERIFY(runs.distinctLabel(1) != runs.distinctLabel(2));
  }

  // Labels are worked out once for all runs and kept: they must still follow the runs shown.
  // Runs started the same second count up in order; a run removed, or given a new result, takes
  // the others' dates away or changes them.
  void labelsFollowTheRunsShown() {
    RunCollection runs;
    RunResult result;
    result.device.id = "cpu";
    result.created = "2026-12-04T08:07:33Z";
    const QString first = runs.add(result);
    const QString second = runs.add(result);
    QVERIFY2(!runs.distinctLabel(0).endsWith(QLatin1Char(')')), qPrintable(runs.distinctLabel(0)));
    QVERIFY2(runs.distinctLabel(1).endsWith(QLatin1String(" (2)")), qPrintable(runs.distinctLabel(1)));
    const QString third = runs.add(result);
    QVERIFY2(runs.distinctLabel(2).endsWith(QLatin1String(" (3)")), qPrintable(runs.distinctLabel(2)));

    runs.remove(first);
    runs.remove(third);
    QCOMPARE(runs.distinctLabel(0), runs.at(0).label());  // alone: no date

    RunResult other = result;
    other.system.hostname = "gpu-server";
    runs.add(other);
    QVERIFY2(runs.distinctLabel(1).endsWith(QLatin1String("gpu-server")), qPrintable(runs.distinctLabel(1)));
    runs.setResult(second, other, false);  // the same machine now: both need their dates
    QVERIFY2(runs.distinctLabel(0).endsWith(QStringLiteral("gpu-server \u00b7 2026-12-04 ") +
                                            runs.distinctLabel(0).right(8)),
             qPrintable(runs.distinctLabel(0)));
    QVERIFY2(runs.distinctLabel(1).endsWith(QLatin1String(" (2)")), qPrintable(runs.distinctLabel(1)));
  }

  // Twenty runs open get twenty colours (the eleventh took the first's); the second ten stand
  // out from the theme's background as lines must (3:1); a closed run's colour goes to the next
  // one opened.
  void runsKeepDistinctColours_data() {
    QTest::addColumn<QColor>("base");
    QTest::newRow("light") << QColor(Qt::white);
    QTest::newRow("dark") << QColor(0x2b, 0x2b, 0x2b);
  }
  void runsKeepDistinctColours() {
    QFETCH(QColor, base);
    const QPalette before = QGuiApplication::palette();
    const auto restore = qScopeGuard([&before] { QGuiApplication::setPalette(before); });
    QPalette theme(base);
    theme.setColor(QPalette::Base, base);
    QGuiApplication::setPalette(theme);
    RunCollection runs;
    RunResult result;
    result.device.id = "cpu";
    QSet<QRgb> colours;
    QStringList ids;
    for (int i = 0; i < 20; ++i) {
      ids << runs.add(result);
      colours.insert(runs.at(i).color.rgb());
      // No grey (nor white): it read as one of the article's grey published rows beside them.
      QVERIFY2(runs.at(i).color.hsvSaturationF() >= 0.2, qPrintable(runs.at(i).color.name()));
      if (i >= 10) {
        QVERIFY2(tbtest::contrast(runs.at(i).color, base) >= 3.0,
                 qPrintable(runs.at(i).color.name()));
      }
    }
    QCOMPARE(colours.size(), 20);
    const QRgb freed = runs.find(ids[12])->color.rgb();
    runs.remove(ids[12]);
    QCOMPARE(runs.find(runs.add(result))->color.rgb(), freed);
  }

  // A name with '&' reads whole in the legend (a check box would take it for a shortcut mark,
  // show "A _B" and lose the '&'), and so in the PNG and PDF images of it.
  void ampersandInANameShowsInTheLegend() {
    RunCollection runs;
    ChartPanel panel(&runs);
    RunResult result;
    result.device.id = "cpu";
    result.device.name = "R&D box";
    result.system.hostname = "lab";
    const QString id = runs.add(result);
    panel.legend()->sync();
    QCheckBox* entry = panel.legend()->entry(id);
    QVERIFY(entry);
    // Qt draws "&&" as one '&', with no shortcut.
    QVERIFY2(entry->text().contains(QLatin1String("R&&D box")), qPrintable(entry->text()));
    QVERIFY(QKeySequence::mnemonic(entry->text()).isEmpty());
    // A label cut at the legend's width is whole in the tooltip, as plain text.
    QVERIFY2(entry->toolTip().contains(QLatin1String("R&amp;D box")) &&
                 entry->toolTip().contains(QLatin1String("lab")),
             qPrintable(entry->toolTip()));
  }
};

QTEST_MAIN(ChartLabelsTest)
#include "tst_chart_labels.moc"
