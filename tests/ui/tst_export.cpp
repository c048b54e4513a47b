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

  // The report's comparison has a table per size, each naming its own baseline: a ResNet-50
  // row's 1.00x is against a ResNet-50 run, not the MLP baseline of the first table. A CPU
  // training ResNet-50 keeps the decimals it needs and its speed-up its digits.
  void reportTablesAreOnePerSizeWithTheirBaseline() {
    std::vector<tb::RunResult> results = {tbtest::fullRun("cpu", 10.0),
                                          tbtest::fullRun("cuda:0", 2.0),
                                          tbtest::cifarRun("cuda:0", 8.0),
                                          tbtest::cifarRun("cpu", 3000.0)};
    results[3].steadyState->samplesPerSecond = 3.4567;
    tb::ComparisonOptions options;
    options.includePublished = true;
    const auto groups = tb::buildComparison(results, options);
    const auto rows = tbtest::allRows(groups);
    const auto sections = tb::ui::comparisonSections(rows);
    QCOMPARE(sections.size(), 2);
    QCOMPARE(sections[0].title, QString::fromLatin1(tbtest::kFashionFull));
    QCOMPARE(sections[1].title, QString::fromLatin1(tbtest::kCifarFull));
    const QString fashionBaseline = QString::fromStdString(groups[0].rows[0].label);
    const QString cifarBaseline = QString::fromStdString(groups[1].rows[0].label);
    QVERIFY2(sections[0].baselineNote.contains(fashionBaseline),
             qPrintable(sections[0].baselineNote));
    QVERIFY2(sections[1].baselineNote.contains(cifarBaseline),
             qPrintable(sections[1].baselineNote));
    const int speedup = static_cast<int>(sections[1].columns.size()) - 1;
    const int samples = speedup - 2;
    QCOMPARE(sections[1].columns[samples].header, QStringLiteral("Samples/s"));
    QCOMPARE(sections[1].rows[1].cells[samples], QStringLiteral("3.46"));
    QCOMPARE(sections[1].rows[1].cells[speedup], QStringLiteral("0.0027×"));
    // The article's rows are listed but not counted as runs.
    QVERIFY(std::any_of(rows.begin(), rows.end(), [](const auto& row) { return row.published; }));
    QCOMPARE(tb::ui::runsAndMachines(rows, 1), QStringLiteral("4 runs  ·  1 machine"));
  }

  // A run cut short by its time budget stands for the full run it projects: the report writes
  // its total as History does, "~74.40 s (projected)".
  void reportMarksProjectedTotals() {
    tbtest::RunResultBuilder cut = tbtest::fullRun("cpu", 10.0);
    cut.projection(74.4, 70.0, 80.0, 10, 60000, 10000);
    const auto rows = tbtest::allRows(tb::buildComparison({tbtest::fullRun("cuda:0", 2.0), cut}, {}));
    const auto sections = tb::ui::comparisonSections(rows);
    QCOMPARE(sections.size(), 1);
    const int total = 2;  // after Run and Machine
    QCOMPARE(sections[0].columns[total].header, QStringLiteral("Total time"));
    QStringList totals;
    for (const auto& row : sections[0].rows) totals << row.cells[total];
    QVERIFY2(totals.contains(QStringLiteral("~74.40 s (projected)")), qPrintable(totals.join(u'|')));
    QVERIFY2(totals.contains(QStringLiteral("2.00 s")), qPrintable(totals.join(u'|')));
  }

  // The peak table is one per group too: its peak ratios and speed-ups are against each group's
  // baseline, and one table of two groups read "1.00×" on both baselines as if against one.
  void peakTablesAreOnePerGroup() {
    const auto probed = [](tbtest::RunResultBuilder run, double peak) {
      return tb::RunResult(run.flopsPerSample(1e6).peakFp32Tflops(peak));
    };
    const std::vector<tb::RunResult> results = {
        probed(tbtest::fullRun("cpu", 20.0), 1.0), probed(tbtest::fullRun("cuda:0", 5.0), 50.0),
        probed(tbtest::trialRun("cpu", 2.0), 1.0)};
    const auto rows = tbtest::allRows(tb::buildComparison(results));
    const auto sections = tb::ui::efficiencySections(rows);
    QCOMPARE(sections.size(), 2);
    QCOMPARE(sections[0].title, QString::fromLatin1(tbtest::kFashionFull));
    QCOMPARE(sections[1].title, QString::fromLatin1(tbtest::kFashionTrial));
    QCOMPARE(sections[0].rows.size(), 2);
    QCOMPARE(sections[1].rows.size(), 1);
    const int peakRatio = 5;
    QCOMPARE(sections[0].columns[peakRatio].header, QStringLiteral("Peak ratio"));
    QCOMPARE(sections[0].rows[1].cells[peakRatio], QStringLiteral("50.00×"));
    QCOMPARE(sections[1].rows[0].cells[peakRatio], QStringLiteral("1.00×"));  // its own baseline
  }

  // A group where no device's peak was measured (CLI runs with --no-probe) has no peak columns:
  // they read n/a on every row. A group with one keeps them, n/a where a peak is missing.
  void peakColumnsOnlyWhereAPeakWasMeasured() {
    const std::vector<tb::RunResult> results = {
        tbtest::fullRun("cpu", 20.0).flopsPerSample(1e6),
        tbtest::fullRun("cuda:0", 5.0).flopsPerSample(1e6),
        tbtest::trialRun("cpu", 2.0).flopsPerSample(1e6).peakFp32Tflops(1.0),
        tbtest::trialRun("cuda:0", 1.0).flopsPerSample(1e6)};
    const auto sections = tb::ui::efficiencySections(tbtest::allRows(tb::buildComparison(results)));
    QCOMPARE(sections.size(), 2);
    QVERIFY(!sections[0].peaks);
    QStringList headers;
    for (const auto& column : sections[0].columns) headers << column.header;
    QCOMPARE(headers.join(u'|'), QStringLiteral("Run|Precision|Achieved TFLOPS|Speed-up"));
    for (const auto& row : sections[0].rows) QCOMPARE(row.cells.size(), 4);
    QVERIFY(sections[1].peaks);
    QCOMPARE(sections[1].columns.size(), 7);
    QCOMPARE(sections[1].rows[1].cells[3], QStringLiteral("n/a"));  // cuda:0's peak
  }

  // The article's rows join a workload's runs of unknown size: one table, against one baseline
  // (they were a table of their own, with speed-ups against the other table's baseline). A
  // group where no row has a total names no baseline.
  void publishedRowsShareTheTableTheyCompareIn() {
    tbtest::RunResultBuilder unknownSize = tbtest::fullRun("cpu", 10.0);
    unknownSize.samples(0, 0);
    tb::ComparisonOptions options;
    options.includePublished = true;
    const auto rows = tbtest::allRows(tb::buildComparison({unknownSize}, options));
    QCOMPARE(rows.size(), std::size_t{3});
    const auto sections = tb::ui::comparisonSections(rows);
    QCOMPARE(sections.size(), 1);
    QCOMPARE(sections[0].rows.size(), 3);
    QVERIFY2(sections[0].baselineNote.contains(QString::fromStdString(rows[0].label)),
             qPrintable(sections[0].baselineNote));

    tbtest::RunResultBuilder failed = tbtest::fullRun("cpu", 10.0);
    tb::RunResult result = failed;
    result.status = tb::RunStatus::Failed;
    result.totalSeconds.reset();
    const auto none = tbtest::allRows(tb::buildComparison({result}));
    QVERIFY(!none[0].baseline);
    QVERIFY2(tb::ui::comparisonSections(none)[0].baselineNote.startsWith(QLatin1String("No run")),
             qPrintable(tb::ui::comparisonSections(none)[0].baselineNote));
  }

  // A speed-up within the noise reads so in the report's tables (speedupText, which the peak
  // table now uses too: it dropped the mark), and the note under its table gives the total
  // times' intervals it is judged on.
  void withinNoiseReadsTheSameInEveryTable() {
    std::vector<tb::RunResult> results = tbtest::repeats("cpu", {10.0, 10.1, 9.9});
    for (const auto& run : tbtest::repeats("cuda:0", {10.05, 10.15, 9.95})) results.push_back(run);
    const auto rows = tbtest::allRows(tb::buildComparison(results));
    QVERIFY(rows.size() == 2 && rows[1].withinNoise);
    QCOMPARE(tb::ui::speedupText(rows[1]), QStringLiteral("0.995× (within noise)"));
    const auto sections = tb::ui::comparisonSections(rows);
    QCOMPARE(sections[0].rows[1].cells.last(), tb::ui::speedupText(rows[1]));
    QVERIFY2(sections[0].baselineNote.contains(
                 QString::fromStdString(tb::withinNoiseNote({&rows[0], &rows[1]}))),
             qPrintable(sections[0].baselineNote));
  }

  // Figures beyond any real one (a hand-edited file) stay short: the table keeps its columns.
  void hugeFiguresAreWrittenInScientificNotation() {
    const auto rows = tbtest::allRows(tb::buildComparison({tbtest::fullRun("cpu", 1e300)}));
    const auto sections = tb::ui::comparisonSections(rows);
    QCOMPARE(sections.size(), 1);
    const QString total = sections[0].rows[0].cells[2];
    QVERIFY2(total.startsWith(QStringLiteral("1.00e+300")), qPrintable(total));
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
