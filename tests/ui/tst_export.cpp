// Tests for ui/export: PNG, text and PDF exports are complete files written atomically, and a
// failed export reports the path and leaves an existing file alone.
#include "common/qcustomplot_include.h"
#include "export/file_export.h"
#include "export/pdf_report.h"
#include "export/report_tables.h"
#include "model/run_collection.h"
#include "results/comparison.h"
#include "results/comparison_groups.h"

#include "../support/comparison_runs.h"
#include "../support/run_result_builder.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>

#include <csignal>
#include <cmath>

using tb::ui::ReportContent;

namespace {

tb::RunResult makeResult(const std::string& device, const std::string& deviceName,
                         const std::string& host, const std::string& cpu, double epochSeconds) {
  tbtest::RunResultBuilder run;
  run.created("2026-11-26T14:30:00Z");
  run.workload("fashion-mlp", "fashion-mnist").dataSource("files").samples(60000, 10000);
  run.parameters(109386).flopsPerSample(609792.0);
  run.plannedEpochs(10).batchSize(32).optimizer("adam", 0.001).seed(42).threads(8);
  run.precision("fp32").device(device, deviceName);
  run.os("Debian GNU/Linux 12 (bookworm)").host(host).cpuModel(cpu).cores(8, 16);
  run.memoryMb(31998.4).versions("1.13.1", "0.1.0");
  for (int e = 1; e <= 10; ++e) {
    run.epoch(epochSeconds, 60000.0 / epochSeconds).loss(0.5 / e).accuracy(0.8 + 0.01 * e);
  }
  return run.test(0.35, 0.8791).totalSeconds(epochSeconds * 10 + 0.4);
}

QByteArray readAll(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList allFiles(const QString& folder) {
  return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
}

// A plot like the app's: one line per run, so the report is checked with realistic images.
QPixmap chart(const QString& yLabel, int seed) {
  QCustomPlot plot;
  plot.resize(900, 380);
  const QColor colors[] = {QColor(0x4e79a7), QColor(0xf28e2b), QColor(0xe15759)};
  for (int g = 0; g < 3; ++g) {
    QCPGraph* graph = plot.addGraph();
    graph->setPen(QPen(colors[g], 2));
    graph->setName(QStringLiteral("run %1").arg(g + 1));
    for (int x = 1; x <= 10; ++x) graph->addData(x, (g + 1) * (seed + 1) / std::sqrt(double(x)));
  }
  plot.xAxis->setLabel(QStringLiteral("epoch"));
  plot.yAxis->setLabel(yLabel);
  plot.legend->setVisible(true);
  plot.rescaleAxes();
  plot.replot();
  return tb::ui::widgetToPixmap(&plot, 2.0);
}

ReportContent reportContent() {
  const std::vector<tb::RunResult> runs = {
      makeResult("cpu", "AMD Ryzen 7 5800X 8-Core Processor", "bench-1",
                 "AMD Ryzen 7 5800X 8-Core Processor", 4.1),
      makeResult("cuda:0", "NVIDIA GeForce RTX 3080", "bench-1",
                 "AMD Ryzen 7 5800X 8-Core Processor", 1.3),
      makeResult("cpu", "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", "gpu-server-07.lab.example.org",
                 "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", 3.2),
  };
  ReportContent content;
  content.title = QStringLiteral("Fashion-MNIST MLP: training speed by device");
  for (const auto& run : runs) content.rows.push_back(tb::comparisonRow(run));
  for (const auto& reference : tb::publishedReferences()) {
    if (reference.workload == "fashion-mlp") content.rows.push_back(tb::comparisonRow(reference));
  }
  tb::applySpeedups(content.rows, 0);
  QVector<tb::RunResult> results(runs.begin(), runs.end());
  results[1].device.memoryMb = 10240.0;
  results[1].device.computeCapability = "8.6";
  results[1].device.driverVersion = "550.54.14";
  content.machines = tb::ui::machinesOf(results);
  content.gpus = tb::ui::gpusOf(results);
  content.generatedAt = QStringLiteral("2026-11-26 15:42 CET");
  content.appVersion = QStringLiteral("0.1.0");
  content.charts = {{QStringLiteral("Training loss"), chart(QStringLiteral("loss"), 0)},
                    {QStringLiteral("Epoch time"), chart(QStringLiteral("seconds"), 1)},
                    {QStringLiteral("Throughput"), chart(QStringLiteral("samples/s"), 2)},
                    {QStringLiteral("CPU utilisation"), chart(QStringLiteral("%"), 3)}};
  return content;
}


// While alive, files this process writes stop at `bytes`: a write crossing the limit is cut
// short and the next fails, as when a disk fills up mid-file (SIGXFSZ ignored meanwhile).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &m_old);
    rlimit limited = m_old;
    limited.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limited);
    m_oldHandler = std::signal(SIGXFSZ, SIG_IGN);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &m_old);
    std::signal(SIGXFSZ, m_oldHandler);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit m_old{};
  void (*m_oldHandler)(int) = SIG_DFL;
};

}  // namespace

class TestExport final : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // A PNG holds every physical pixel: widget size × device pixel ratio, not the logical size.
  void pngHasWidgetSizeTimesPixelRatio() {
    QTemporaryDir dir;
    QLabel widget(QStringLiteral("Throughput"));
    widget.resize(240, 120);
    const qreal ratio = widget.devicePixelRatioF();
    const QString path = dir.filePath(QStringLiteral("chart.png"));
    QString error;
    QVERIFY2(tb::ui::savePng(tb::ui::widgetToPixmap(&widget), path, &error), qPrintable(error));
    QCOMPARE(QImage(path).size(), QSize(qRound(240 * ratio), qRound(120 * ratio)));
    QCOMPARE(allFiles(dir.path()), QStringList{QStringLiteral("chart.png")});
  }

  // An explicit ratio gives print-quality images on a normal screen (and sharp QCustomPlots).
  void explicitPixelRatioScalesTheImage() {
    QLabel widget(QStringLiteral("Loss"));
    widget.resize(200, 100);
    QCOMPARE(tb::ui::widgetToPixmap(&widget, 2.0).toImage().size(), QSize(400, 200));
    QCustomPlot plot;
    plot.resize(300, 150);
    QCOMPARE(tb::ui::widgetToPixmap(&plot, 2.0).toImage().size(), QSize(600, 300));
  }

  // Copy puts the widget's image on the clipboard, for pasting into slides.
  void copyPutsTheImageOnTheClipboard() {
    QLabel widget(QStringLiteral("Loss"));
    widget.resize(160, 90);
    QVERIFY(tb::ui::copyToClipboard(&widget, 1.0));
    QCOMPARE(QGuiApplication::clipboard()->image().size(), QSize(160, 90));
  }

  // The report is a real, multi-page PDF; set TRAINBENCH_KEEP_REPORT=file.pdf to look at it.
  void pdfReportIsWritten() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("report.pdf"));
    QString error;
    QVERIFY2(tb::ui::exportPdfReport(path, reportContent(), &error), qPrintable(error));
    const QByteArray pdf = readAll(path);
    QVERIFY(pdf.startsWith("%PDF"));
    QVERIFY2(pdf.size() > 20000, QByteArray::number(pdf.size()).constData());
    QVERIFY(pdf.contains("/Type /Page"));
    QCOMPARE(allFiles(dir.path()), QStringList{QStringLiteral("report.pdf")});
    const QString keep = qEnvironmentVariable("TRAINBENCH_KEEP_REPORT");
    if (!keep.isEmpty()) {
      QFile::remove(keep);
      QVERIFY(QFile::copy(path, keep));
    }
  }

  // A report with nothing in it still renders (an empty comparison says so) rather than failing.
  void emptyPdfReportIsWritten() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("empty.pdf"));
    QString error;
    QVERIFY2(tb::ui::exportPdfReport(path, ReportContent{}, &error), qPrintable(error));
    QVERIFY(readAll(path).startsWith("%PDF"));
  }

  // CSV and Markdown are written byte for byte, with no temporary file left behind.
  void comparisonTablesAreWrittenExactly() {
    QTemporaryDir dir;
    const ReportContent content = reportContent();
    const std::string csv = tb::comparisonCsv(content.rows);
    const std::string markdown = tb::comparisonMarkdown(content.rows);
    const QString csvPath = dir.filePath(QStringLiteral("comparison.csv"));
    const QString mdPath = dir.filePath(QStringLiteral("comparison.md"));
    QString error;
    QVERIFY2(tb::ui::saveTextFile(csvPath, csv, &error), qPrintable(error));
    QVERIFY2(tb::ui::saveTextFile(mdPath, QString::fromStdString(markdown), &error),
             qPrintable(error));
    QCOMPARE(readAll(csvPath), QByteArray::fromStdString(csv));
    QCOMPARE(readAll(mdPath), QByteArray::fromStdString(markdown));
    QCOMPARE(allFiles(dir.path()),
             (QStringList{QStringLiteral("comparison.csv"), QStringLiteral("comparison.md")}));
  }

  // A path that cannot exist (inside a regular file) fails with a message naming it, for every
  // kind of export, and the file in the way is untouched.
  void impossiblePathIsReported() {
    QTemporaryDir dir;
    const QString blocker = dir.filePath(QStringLiteral("blocker"));
    QVERIFY(tb::ui::saveTextFile(blocker, QStringLiteral("keep me")));
    QString error;
    const QString csv = blocker + QStringLiteral("/out.csv");
    QVERIFY(!tb::ui::saveTextFile(csv, QStringLiteral("a,b\n"), &error));
    QVERIFY2(error.contains(csv), qPrintable(error));
    const QString png = blocker + QStringLiteral("/out.png");
    QImage image(10, 10, QImage::Format_ARGB32);
    image.fill(Qt::red);
    QVERIFY(!tb::ui::savePng(image, png, &error));
    QVERIFY2(error.contains(png), qPrintable(error));
    const QString pdf = blocker + QStringLiteral("/out.pdf");
    QVERIFY(!tb::ui::exportPdfReport(pdf, ReportContent{}, &error));
    QVERIFY2(error.contains(pdf), qPrintable(error));
    QCOMPARE(readAll(blocker), QByteArray("keep me"));
    QCOMPARE(allFiles(dir.path()), QStringList{QStringLiteral("blocker")});
  }

  // An export that fails after the target exists (nothing to encode) must keep the old file.
  void failedExportKeepsTheExistingFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("chart.png"));
    QVERIFY(tb::ui::saveTextFile(path, QStringLiteral("previous export")));
    QString error;
    QVERIFY(!tb::ui::savePng(QImage(), path, &error));
    QVERIFY2(error.contains(path), qPrintable(error));
    QCOMPARE(readAll(path), QByteArray("previous export"));
    QCOMPARE(allFiles(dir.path()), QStringList{QStringLiteral("chart.png")});
  }

  // A full disk, met when the export's buffered bytes are written out, fails every kind of
  // export with the path named, and the previous export stays as it was: small files are the
  // case, since Qt buffers them and writes nothing before the commit.
  void fullDiskKeepsTheExistingFile() {
    if (!qEnvironmentVariable("LD_PRELOAD").contains(QStringLiteral("fault-inject"))) {
      QSKIP("needs tests/fault_inject preloaded (ctest sets LD_PRELOAD for this test)");
    }
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("comparison.csv"));
    const QString png = dir.filePath(QStringLiteral("chart.png"));
    const QString pdf = dir.filePath(QStringLiteral("report.pdf"));
    for (const QString& path : {csv, png, pdf}) {
      QVERIFY(tb::ui::saveTextFile(path, QStringLiteral("previous export")));
    }
    QImage image(10, 10, QImage::Format_ARGB32);
    image.fill(Qt::red);
    qputenv("TB_FAULT_ENOSPC_DIR", QFile::encodeName(dir.path()));
    QString csvError;
    QString pngError;
    QString pdfError;
    const bool csvSaved = tb::ui::saveTextFile(csv, QStringLiteral("a,b\n"), &csvError);
    const bool pngSaved = tb::ui::savePng(image, png, &pngError);
    const bool pdfSaved = tb::ui::exportPdfReport(pdf, reportContent(), &pdfError);
    qunsetenv("TB_FAULT_ENOSPC_DIR");
    QVERIFY(!csvSaved);
    QVERIFY2(csvError.startsWith(csv + QStringLiteral(": cannot write")), qPrintable(csvError));
    QVERIFY(!pngSaved);
    QVERIFY2(pngError.startsWith(png), qPrintable(pngError));
    QVERIFY(!pdfSaved);
    QVERIFY2(pdfError.startsWith(pdf), qPrintable(pdfError));
    for (const QString& path : {csv, png, pdf}) {
      QCOMPARE(readAll(path), QByteArray("previous export"));
    }
    QCOMPARE(allFiles(dir.path()), (QStringList{QStringLiteral("chart.png"),
                                                QStringLiteral("comparison.csv"),
                                                QStringLiteral("report.pdf")}));
  }

  // A report cut short by a file size limit: Qt takes the short write without an error, so the
  // old report must still be kept and the export refused, naming the file and the limit.
  void reportCutShortKeepsTheExistingFile() {
    QTemporaryDir dir;
    const QString pdf = dir.filePath(QStringLiteral("report.pdf"));
    QVERIFY(tb::ui::saveTextFile(pdf, QStringLiteral("previous report")));
    QString error;
    bool saved = false;
    {
      const FileSizeLimit limit(65536);  // past the first buffer: cut short, not refused
      saved = tb::ui::exportPdfReport(pdf, reportContent(), &error);
    }
    QVERIFY(!saved);
    QVERIFY2(error.startsWith(pdf + QStringLiteral(": cannot write: ")), qPrintable(error));
    QVERIFY2(!error.contains(QStringLiteral("Unknown error")), qPrintable(error));
    // The limit, not a full disk, is named (it read "is the disk full?").
    QVERIFY2(error.contains(QStringLiteral("file size limit of 64 KiB (ulimit -f)")), qPrintable(error));
    QCOMPARE(readAll(pdf), QByteArray("previous report"));
    QCOMPARE(allFiles(dir.path()), QStringList{QStringLiteral("report.pdf")});
  }

  // The report lists each machine once, even with several runs (devices) on it, and each GPU.
  void machinesAreUniqueByHostAndCpu() {
    tb::ui::RunCollection runs;
    runs.add(makeResult("cpu", "", "bench-1", "Ryzen", 4.0));
    runs.add(makeResult("cuda:0", "RTX", "bench-1", "Ryzen", 1.0));
    runs.add(makeResult("cpu", "", "bench-2", "Xeon", 3.0));
    const QString hidden = runs.add(makeResult("cpu", "", "bench-3", "EPYC", 3.0));
    runs.setVisible(hidden, false);
    const QVector<tb::SystemRecord> machines = tb::ui::machinesOf(runs);
    QCOMPARE(machines.size(), 2);
    QCOMPARE(QString::fromStdString(machines[0].hostname), QStringLiteral("bench-1"));
    QCOMPARE(QString::fromStdString(machines[1].hostname), QStringLiteral("bench-2"));
    QCOMPARE(tb::ui::machinesOf(runs, /*visibleOnly=*/false).size(), 3);
    // Its GPUs too: one, not the CPUs, with the facts its run recorded.
    const QVector<tb::ui::ReportGpu> gpus = tb::ui::gpusOf(runs);
    QCOMPARE(gpus.size(), 1);
    QCOMPARE(QString::fromStdString(gpus[0].machine), QStringLiteral("bench-1"));
    QCOMPARE(QString::fromStdString(gpus[0].device.id), QStringLiteral("cuda:0"));
    QCOMPARE(QString::fromStdString(gpus[0].device.name), QStringLiteral("RTX"));
    // One card at another power limit is listed again: the comparison keeps its runs apart.
    tb::RunResult capped = makeResult("cuda:0", "RTX", "bench-1", "Ryzen", 1.3);
    capped.device.powerLimitW = 250.0;
    runs.add(capped);
    QCOMPARE(tb::ui::gpusOf(runs).size(), 2);
  }

  // A machine whose LibTorch (or BLAS, or TrainBench) changed between its runs is listed once
  // per version, each with its own: one row with the first run's versions hid the change that
  // may explain a speed. It still counts as one machine.
  void aMachineIsListedOncePerSoftwareVersion() {
    tb::RunResult before = makeResult("cpu", "", "bench-1", "Ryzen", 4.0);
    before.system.libtorchVersion = "1.12.1";
    tb::RunResult after = makeResult("cpu", "", "bench-1", "Ryzen", 3.0);
    after.system.blas = "OpenBLAS 0.3.21 (OpenMP)";
    const tb::RunResult again = makeResult("cpu", "", "bench-1", "Ryzen", 3.1);
    const QVector<tb::SystemRecord> machines = tb::ui::machinesOf(QVector<tb::RunResult>{before, after, again});
    QCOMPARE(machines.size(), 3);
    QCOMPARE(QString::fromStdString(machines[0].libtorchVersion), QStringLiteral("1.12.1"));
    QCOMPARE(QString::fromStdString(machines[1].blas), QStringLiteral("OpenBLAS 0.3.21 (OpenMP)"));
    QCOMPARE(tb::ui::distinctMachineCount(machines), 1);
  }

  // A data-parallel run across two machines lists both: rank 0's with its facts, the other by
  // the name its rank recorded (the report read as a run on one machine), and its GPU by id.
  void dataParallelRunsListEveryMachine() {
    tb::RunResult run = makeResult("cuda:0", "H200", "node-1", "Xeon", 10.0);
    run.distributed = tb::DistributedRecord{3, "gloo", "weak", 96,
                                            {{0, "node-1", "cuda:0", 1000.0, 0.1},
                                             {1, "node-1", "cuda:1", 1000.0, 0.1},
                                             {2, "node-2", "cuda:0", 1000.0, 0.1}}};
    const QVector<tb::SystemRecord> machines = tb::ui::machinesOf(QVector<tb::RunResult>{run});
    QCOMPARE(machines.size(), 2);
    QCOMPARE(QString::fromStdString(machines[1].hostname), QStringLiteral("node-2"));
    QVERIFY(machines[1].cpuModel.empty());
    const QVector<tb::ui::ReportGpu> gpus = tb::ui::gpusOf(QVector<tb::RunResult>{run});
    QCOMPARE(gpus.size(), 3);  // node-1's cuda:0 (named) and cuda:1, node-2's cuda:0
    QCOMPARE(QString::fromStdString(gpus[0].device.name), QStringLiteral("H200"));
    QCOMPARE(QString::fromStdString(gpus[1].device.id), QStringLiteral("cuda:1"));
    QCOMPARE(QString::fromStdString(gpus[2].machine), QStringLiteral("node-2"));
    QCOMPARE(QString::fromStdString(gpus[2].device.id), QStringLiteral("cuda:0"));
  }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
