// What the comparison calls each row where a reader picks or reads one: bars that never read
// alike, baseline choices that say their group, a chart that says which group it shows, and
// how much each row trained.
#include "common/qcustomplot_include.h"
#include "comparison/comparison_panel.h"
#include "model/run_collection.h"

#include "../support/run_result_builder.h"

#include <QComboBox>
#include <QTableWidget>
#include <QtTest>

using namespace tb;
using namespace tb::ui;

namespace {

RunResult xeonRun(const std::string& precision, double totalSeconds) {
  tbtest::RunResultBuilder run;
  run.workload("fashion-mlp").samples(60000, 10000).plannedEpochs(10).batchSize(32);
  run.device("cpu", "Intel(R) Xeon(R) Platinum 8480+ Processor").host("h200-host").threads(16);
  run.precision(precision);
  run.epoch(totalSeconds / 2, 3000.0).epoch(totalSeconds / 2, 3000.0);
  return run.totalSeconds(totalSeconds);
}

}  // namespace

class ComparisonNamesTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Shortened to fit, an fp32 and a bf16 run of one CPU read "cpu (16 thread… Processor" both:
  // bars that would read alike keep their whole names.
  void barsNeverReadAlike() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(xeonRun("fp32", 11.11));
    runs.add(xeonRun("bf16", 13.88));
    panel.refreshNow();
    const auto ticker = qSharedPointerCast<QCPAxisTickerText>(panel.barChart()->yAxis->ticker());
    const QStringList labels = ticker->ticks().values();
    QCOMPARE(labels.size(), 2);
    QVERIFY2(labels[0] != labels[1], qPrintable(labels.join(u'|')));
    QVERIFY2(labels.join(u'|').contains(QLatin1String("bf16")), qPrintable(labels.join(u'|')));
  }

  // The article's RTX 2080 Ti is a row of the MLP's group and of ResNet-50's: the baseline
  // choices say which, and the chart says which group it shows. Every row says its size.
  void choicesAndChartSayTheirGroup() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    panel.setShowPublished(true);
    runs.add(xeonRun("fp32", 11.11));
    tbtest::RunResultBuilder resnet;
    resnet.workload("cifar10-resnet50").samples(50000, 10000).plannedEpochs(10).batchSize(32);
    resnet.device("cpu", "Intel(R) Xeon(R) Platinum 8480+ Processor").host("h200-host");
    resnet.epoch(100.0, 500.0).totalSeconds(1000.0);
    runs.add(resnet);
    panel.refreshNow();
    auto* chooser = panel.findChild<QComboBox*>();
    QVERIFY(chooser);
    QStringList choices;
    for (int i = 0; i < chooser->count(); ++i) choices << chooser->itemText(i);
    QVERIFY2(choices.contains(QStringLiteral("RTX 2080 Ti (published) \u00b7 fashion-mlp")) &&
                 choices.contains(QStringLiteral("RTX 2080 Ti (published) \u00b7 cifar10-resnet50")),
             qPrintable(choices.join(u'|')));
    QCOMPARE(choices.removeDuplicates(), 0);
    QCOMPARE(panel.chartGroup(),
             QStringLiteral("fashion-mlp, 60000/10000 images x 10 epochs, batch 32"));
    // Their italics set them apart: the amber warning line does not speak of them.
    QVERIFY2(!panel.sizeNote().contains(QLatin1String("published")), qPrintable(panel.sizeNote()));
    // Published figures are no runs of this tool: no count of runs.
    for (int row = 0; row < panel.table()->rowCount(); ++row) {
      const QString device = panel.table()->item(row, ComparisonPanel::DeviceColumn)->text();
      const QString count = panel.table()->item(row, ComparisonPanel::CountColumn)->text();
      QCOMPARE(count, device.contains(QLatin1String("(published)")) ? QStringLiteral("n/a")
                                                                    : QStringLiteral("1"));
    }
  }

  // One group alone still says how much it trained: a 1-epoch trial's seconds are no full run's.
  void oneGroupSaysItsSize() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    runs.add(xeonRun("fp32", 11.11));
    panel.refreshNow();
    QCOMPARE(panel.table()->item(0, ComparisonPanel::WorkloadColumn)->text(),
             QStringLiteral("fashion-mlp, 60000/10000 images x 10 epochs, batch 32"));
  }
};

QTEST_MAIN(ComparisonNamesTest)
#include "tst_comparison_names.moc"
