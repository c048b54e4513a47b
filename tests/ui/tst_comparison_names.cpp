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

  // Two H100s and two A100s on four machines, all "cuda:0 synthetic": the bars leave out the
  // words every run shares and keep each model and machine, where the cut had kept the shared
  // words and taken the model ("cuda:0 synthetic — N… · node-1"). The published rows keep
  // their names.
  void barsKeepTheModelsWhereEveryRunSharesItsDeviceId() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    panel.setShowPublished(true);
    const std::vector<std::pair<std::string, std::string>> machines{
        {"NVIDIA H100 80GB HBM3", "node-1"},
        {"NVIDIA H100 80GB HBM3", "node-2"},
        {"NVIDIA A100-SXM4-80GB", "node-3"},
        {"NVIDIA A100-SXM4-80GB", "node-4"}};
    for (const auto& [model, host] : machines) {
      tbtest::RunResultBuilder run;
      run.workload("fashion-mlp").samples(60000, 10000).plannedEpochs(10).batchSize(32);
      run.dataSource("synthetic").device("cuda:0", model).host(host);
      runs.add(run.epoch(8.0, 7500.0).epoch(8.0, 7500.0).totalSeconds(16.2));
    }
    panel.refreshNow();
    const auto ticker = qSharedPointerCast<QCPAxisTickerText>(panel.barChart()->yAxis->ticker());
    const QStringList labels = ticker->ticks().values();
    for (const auto& [model, host] : machines) {
      const QString shown = QString::fromStdString(model).section(u' ', 1, 1);  // "H100"
      const QString machine = QString::fromStdString(host);
      QVERIFY2(std::any_of(labels.begin(), labels.end(),
                           [&](const QString& label) {
                             return label.contains(shown) && label.endsWith(machine);
                           }),
               qPrintable(labels.join(u'|')));
    }
    QVERIFY2(labels.contains(QStringLiteral("RTX 2080 Ti (published)")),
             qPrintable(labels.join(u'|')));
    for (const QString& label : labels) QVERIFY2(label.size() <= 30, qPrintable(label));
  }

  // A thread sweep shares "cpu" and the word "threads)": only whole pieces that every row shares
  // are left out, so the bars read "(4 threads)" and "(8 threads)", never "(4" and "(8".
  void barsLeaveOutOnlyWholeSharedPieces() {
    RunCollection runs;
    ComparisonPanel panel(&runs);
    for (const int threads : {4, 8}) {
      tbtest::RunResultBuilder run;
      run.workload("fashion-mlp").samples(60000, 10000).plannedEpochs(10).batchSize(32);
      run.device("cpu", "AMD Ryzen 9 7950X 16-Core Processor").host("bench-1").threads(threads);
      runs.add(run.epoch(4.0, 15000.0).epoch(4.0, 15000.0).totalSeconds(8.0 + threads));
    }
    panel.refreshNow();
    const auto ticker = qSharedPointerCast<QCPAxisTickerText>(panel.barChart()->yAxis->ticker());
    const QString labels = ticker->ticks().values().join(u'|');
    QVERIFY2(labels.contains(QLatin1String("(4 threads)")) &&
                 labels.contains(QLatin1String("(8 threads)")),
             qPrintable(labels));
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
