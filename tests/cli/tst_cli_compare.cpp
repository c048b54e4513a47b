// End-to-end tests of `trainbench-cli compare` on a folder of result files the test writes (no
// training): groups by workload and size, repeats folded into one row, --json, --baseline by label
// or row number, and the exit codes for a bad baseline (2) and missing or unreadable files (3);
// `scaling` (and its --json) on data-parallel runs written the same way.
#include "results/result_file.h"

#include "../support/cli_process.h"
#include "../support/run_result_builder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <exception>
#include <string>

namespace {

const QString kFashionFull =
    QStringLiteral("fashion-mlp, 60000/10000 images x 10 epochs, batch 32");
const QString kCifarFull =
    QStringLiteral("cifar10-resnet50, 50000/10000 images x 10 epochs, batch 32");

// A completed run of the seed's full size on machine "bench-a", created at 2026-12-02 `time`.
tbtest::RunResultBuilder benchRun(const std::string& workload, const std::string& device,
                                  double totalSeconds, double steadySamplesPerSecond,
                                  const std::string& time) {
  tbtest::RunResultBuilder run;
  run.workload(workload, workload == "fashion-mlp" ? "fashion-mnist" : "cifar10");
  run.dataSource("files").samples(workload == "fashion-mlp" ? 60000 : 50000, 10000);
  run.plannedEpochs(10).batchSize(32).threads(8).precision("fp32").optimizer("adam", 0.001);
  run.device(device, device == "cpu" ? "AMD EPYC 7B13" : "NVIDIA H200").host("bench-a");
  run.created("2026-12-02T" + time + "Z").os("Linux").versions("2.5.1", "0.1.0");
  for (int e = 0; e < 10; ++e) run.epoch(totalSeconds / 10, steadySamplesPerSecond * 0.95);
  return run.steadyState(steadySamplesPerSecond).test(0.4, 0.88).totalSeconds(totalSeconds);
}

// Writes `result` as a result file; false (with the reason in `error`) when it cannot.
bool writeRun(const QString& path, const tb::RunResult& result, QString& error) {
  try {
    tb::writeResultFile(result, path.toStdString());
    return true;
  } catch (const std::exception& e) {
    error = QString::fromUtf8(e.what());
    return false;
  }
}

bool writeText(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QJsonArray parseArray(const tbtest::CliRun& result, bool& ok) {
  QJsonParseError error{};
  const QJsonDocument doc = QJsonDocument::fromJson(result.out.toUtf8(), &error);
  ok = error.error == QJsonParseError::NoError && doc.isArray();
  return doc.array();
}

}  // namespace

class TestCliCompare : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;
  QString m_cli;
  QString m_runs;  // three cpu repeats and a cuda:0 run of the MLP, one ResNet-50 run

  // trainbench-cli COMMAND args...
  tbtest::CliRun cli(const QString& command, const QStringList& args) const {
    const QProcessEnvironment env = tbtest::cliEnvironment(
        m_dir.filePath("results"), m_dir.filePath("data"), m_dir.filePath("xdg"));
    return tbtest::runCli(m_cli, QStringList{command} + args, env, 60000);
  }
  tbtest::CliRun compare(const QStringList& args) const { return cli("compare", args); }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_cli = qEnvironmentVariable("TRAINBENCH_CLI");
    QVERIFY2(QFileInfo(m_cli).isExecutable(), "TRAINBENCH_CLI must name the built trainbench-cli");
    m_runs = m_dir.filePath("runs");
    QVERIFY(QDir().mkpath(m_runs));
    QString error;
    const double totals[] = {10.0, 10.2, 9.8};
    const double throughputs[] = {6000.0, 5900.0, 6100.0};
    for (int i = 0; i < 3; ++i) {
      const std::string time = "10:3" + std::to_string(i) + ":00";
      const QString name = "/20261202T103" + QString::number(i) + "00Z_fashion-mlp_cpu.json";
      QVERIFY2(writeRun(m_runs + name,
                        benchRun("fashion-mlp", "cpu", totals[i], throughputs[i], time)
                            .group("20261202T103000Z-0badc0de"),
                        error),
               qPrintable(error));
    }
    QVERIFY2(writeRun(m_runs + "/20261202T103300Z_fashion-mlp_cuda-0.json",
                      benchRun("fashion-mlp", "cuda:0", 2.0, 60000.0, "10:33:00"), error),
             qPrintable(error));
    QVERIFY2(writeRun(m_runs + "/20261202T104000Z_cifar10-resnet50_cpu.json",
                      benchRun("cifar10-resnet50", "cpu", 4000.0, 25.0, "10:40:00"), error),
             qPrintable(error));
    // Not a result file by its name: a folder's other files are left alone.
    QVERIFY(writeText(m_runs + "/notes.txt", "not a result"));
  }

  // The table a user reads: one per workload and size, the three repeats as one row with n = 3,
  // the GPU's speed-up against the CPU baseline, nothing on stderr.
  void textListsBothGroupsAndFoldsRepeats() {
    const tbtest::CliRun result = compare({m_runs});
    QVERIFY2(result.exitCode == 0, result.why());
    QVERIFY2(result.err.isEmpty(), result.why());
    QVERIFY2(result.out.contains("### " + kFashionFull + "\n"), result.why());
    QVERIFY2(result.out.contains("### " + kCifarFull + "\n"), result.why());
    QVERIFY2(result.out.indexOf(kFashionFull) < result.out.indexOf(kCifarFull), result.why());
    static const QRegularExpression repeats(
        QStringLiteral("^\\| 1 \\| cpu [^|]*\\| bench-a \\| 3 \\| 6000 \\| \\d+\u2013\\d+ \\| "
                       "10\\.00 \\| 0\\.88 \\| \\*\\*1\\.00x\\*\\* \\(baseline\\) \\| completed \\|$"),
        QRegularExpression::MultilineOption);
    QVERIFY2(repeats.match(result.out).hasMatch(), result.why());
    static const QRegularExpression gpu(
        QStringLiteral("^\\| 2 \\| cuda:0 [^|]*\\| bench-a \\| 1 \\| 60000 \\| n/a \\| 2\\.00 \\| "
                       "0\\.88 \\| 5\\.00x \\| completed \\|$"),
        QRegularExpression::MultilineOption);
    QVERIFY2(gpu.match(result.out).hasMatch(), result.why());
    // The ResNet-50 run is its own group's baseline, never compared with the MLP's.
    static const QRegularExpression resnet(
        QStringLiteral("^\\| 3 \\| cpu [^|]*\\| bench-a \\| 1 \\| 25\\.0 \\| n/a \\| 4000\\.00 \\| "
                       "0\\.88 \\| \\*\\*1\\.00x\\*\\* \\(baseline\\) \\| completed \\|$"),
        QRegularExpression::MultilineOption);
    QVERIFY2(resnet.match(result.out).hasMatch(), result.why());
  }

  // --csv, for a spreadsheet on a server with no app to export from: the app's columns, a line
  // per row of every group (it had only Markdown and JSON); not with --json.
  void csvListsEveryRow() {
    const tbtest::CliRun result = compare({m_runs, "--csv"});
    QVERIFY2(result.exitCode == 0, result.why());
    const QStringList lines = result.out.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);  // the header and three rows, as --json has
    QVERIFY2(lines[0].startsWith(QLatin1String("label,device,")), result.why());
    QVERIFY2(lines[3].contains(QLatin1String("cifar10-resnet50")), result.why());
    const tbtest::CliRun both = compare({m_runs, "--csv", "--json"});
    QVERIFY2(both.exitCode == 2, both.why());
  }

  // Scripts read --json: an array, one object per row, with the keys scripts rely on.
  void jsonParsesWithRequiredKeys() {
    const tbtest::CliRun result = compare({m_runs, "--json"});
    QVERIFY2(result.exitCode == 0, result.why());
    bool ok = false;
    const QJsonArray rows = parseArray(result, ok);
    QVERIFY2(ok && rows.size() == 3, result.why());
    for (const QJsonValue& value : rows) {
      const QJsonObject row = value.toObject();
      for (const char* key : {"workload", "label", "n", "disturbed", "samples_per_second",
                              "speedup", "baseline", "total_seconds", "projected", "status"}) {
        QVERIFY2(row.contains(QLatin1String(key)), key);
      }
      const QJsonObject throughput = row[QLatin1String("samples_per_second")].toObject();
      for (const char* key : {"median", "low", "high"}) {
        QVERIFY2(throughput.contains(QLatin1String(key)), key);
      }
    }
    const QJsonObject cpu = rows[0].toObject();
    QCOMPARE(cpu[QLatin1String("workload")].toString(), QStringLiteral("fashion-mlp"));
    QCOMPARE(cpu[QLatin1String("n")].toInt(), 3);
    QCOMPARE(cpu[QLatin1String("disturbed")].toBool(), false);
    const QJsonObject throughput = cpu[QLatin1String("samples_per_second")].toObject();
    QCOMPARE(throughput[QLatin1String("median")].toDouble(), 6000.0);
    QVERIFY(throughput[QLatin1String("low")].toDouble() < 6000.0);
    QVERIFY(throughput[QLatin1String("high")].toDouble() > 6000.0);
    QCOMPARE(rows[1].toObject()[QLatin1String("speedup")].toDouble(), 5.0);
    QVERIFY(rows[1].toObject()[QLatin1String("samples_per_second")][QLatin1String("low")].isNull());
    QCOMPARE(rows[2].toObject()[QLatin1String("workload")].toString(),
             QStringLiteral("cifar10-resnet50"));
  }

  void baselinePicksARow_data() {
    QTest::addColumn<QString>("baseline");
    QTest::newRow("label, any case") << QStringLiteral("CUDA");
    QTest::newRow("row number") << QStringLiteral("2");
  }
  // --baseline makes the chosen row its group's baseline; the other group keeps its own.
  void baselinePicksARow() {
    QFETCH(QString, baseline);
    const tbtest::CliRun result = compare({m_runs, "--json", "--baseline", baseline});
    QVERIFY2(result.exitCode == 0, result.why());
    bool ok = false;
    const QJsonArray rows = parseArray(result, ok);
    QVERIFY2(ok && rows.size() == 3, result.why());
    QCOMPARE(rows[0].toObject()[QLatin1String("baseline")].toBool(), false);
    QCOMPARE(rows[1].toObject()[QLatin1String("baseline")].toBool(), true);
    QCOMPARE(rows[0].toObject()[QLatin1String("speedup")].toDouble(), 0.2);
    QCOMPARE(rows[2].toObject()[QLatin1String("baseline")].toBool(), true);

    const tbtest::CliRun text = compare({m_runs, "--baseline", baseline});
    QVERIFY2(text.exitCode == 0, text.why());
    static const QRegularExpression gpu(
        QStringLiteral(
            "^\\| 2 \\| cuda:0 .*\\| \\*\\*1\\.00x\\*\\* \\(baseline\\) \\| completed \\|$"),
        QRegularExpression::MultilineOption);
    QVERIFY2(gpu.match(text.out).hasMatch(), text.why());
  }

  void badBaselineExitsTwo_data() {
    QTest::addColumn<QString>("baseline");
    QTest::newRow("no such label") << QStringLiteral("tpu");
    QTest::newRow("no such row") << QStringLiteral("99");
    // Past the last row, a number names a label's whole number, not digits within one: "20"
    // picked the H200 (as "7" picked a run of 2026-11-27).
    QTest::newRow("digits of a number") << QStringLiteral("20");
  }
  // A baseline that names no row is a usage error that says which flag and text.
  void badBaselineExitsTwo() {
    QFETCH(QString, baseline);
    const tbtest::CliRun result = compare({m_runs, "--baseline", baseline});
    QVERIFY2(result.exitCode == 2, result.why());
    QVERIFY2(result.err.contains(QLatin1String("--baseline")), result.why());
    QVERIFY2(result.err.contains("'" + baseline + "'"), result.why());
    QVERIFY2(result.out.isEmpty(), result.why());
  }

  // Two GPU runs told apart by their dates ("· 2026-12-02 10:33"): a number past the last row
  // that is only part of a date or time names no row (it picked the first that held it).
  void numberWithinADateIsNoBaseline() {
    const QString folder = m_dir.filePath(QStringLiteral("dated"));
    QVERIFY(QDir().mkpath(folder));
    QString error;
    QVERIFY2(writeRun(folder + "/a.json", benchRun("fashion-mlp", "cuda:0", 2.0, 60000.0, "10:33:00"),
                      error),
             qPrintable(error));
    QVERIFY2(writeRun(folder + "/b.json",
                      benchRun("fashion-mlp", "cuda:0", 2.1, 59000.0, "11:45:00").parameters(101770),
                      error),
             qPrintable(error));
    const tbtest::CliRun table = compare({folder});
    QVERIFY2(table.out.contains(QLatin1String("2026-12-02 10:33")), table.why());
    for (const char* part : {"2026", "12", "33", "45"}) {
      const tbtest::CliRun result = compare({folder, "--baseline", QLatin1String(part)});
      QVERIFY2(result.exitCode == 2, result.why());
      QVERIFY2(result.err.contains(QLatin1String("not within a date")), result.why());
    }
  }

  // A failed run has no total time: chosen as the baseline it would blank every speed-up, so it
  // is refused, naming the row and why.
  void failedRunIsNoBaseline() {
    const QString folder = m_dir.filePath("with-failed");
    QVERIFY(QDir().mkpath(folder));
    QString error;
    QVERIFY2(writeRun(folder + "/ok.json", benchRun("fashion-mlp", "cpu", 10.0, 6000.0, "11:00:00"),
                      error),
             qPrintable(error));
    tb::RunResult failed = benchRun("fashion-mlp", "cuda:0", 1.0, 1.0, "11:01:00")
                               .failed(tb::FailureKind::Device, "out of memory");
    failed.totalSeconds.reset();
    QVERIFY2(writeRun(folder + "/failed.json", failed, error), qPrintable(error));
    const tbtest::CliRun result = compare({folder, "--baseline", "cuda"});
    QVERIFY2(result.exitCode == 2, result.why());
    QVERIFY2(result.err.contains(QLatin1String("no total time")), result.why());
    QVERIFY2(result.err.contains(QLatin1String("failed")), result.why());
    QVERIFY2(result.out.isEmpty(), result.why());
  }

  // A typo in a path is a file error naming it, not an empty comparison.
  void missingPathExitsThree() {
    const QString missing = m_dir.filePath("no-such-folder");
    const tbtest::CliRun result = compare({m_runs, missing});
    QVERIFY2(result.exitCode == 3, result.why());
    QVERIFY2(result.err.contains(missing), result.why());
  }

  // One broken file does not hide the others: it is named in a warning and skipped. Nothing
  // readable at all is a file error.
  void corruptFileIsSkippedWithAWarning() {
    const QString mixed = m_dir.filePath("mixed");
    QVERIFY(QDir().mkpath(mixed));
    QVERIFY(
        QFile::copy(m_runs + "/20261202T103300Z_fashion-mlp_cuda-0.json", mixed + "/good.json"));
    QVERIFY(writeText(mixed + "/broken.json", "{not json"));
    const tbtest::CliRun result = compare({mixed});
    QVERIFY2(result.exitCode == 0, result.why());
    QVERIFY2(result.err.contains(QLatin1String("trainbench-cli: warning: ")), result.why());
    QVERIFY2(result.err.contains(mixed + "/broken.json"), result.why());
    QVERIFY2(result.out.contains(QLatin1String("| 1 | cuda:0 ")), result.why());

    const QString broken = m_dir.filePath("only-broken");
    QVERIFY(QDir().mkpath(broken));
    QVERIFY(writeText(broken + "/broken.json", "{not json"));
    const tbtest::CliRun none = compare({broken + "/broken.json"});
    QVERIFY2(none.exitCode == 3, none.why());
    QVERIFY2(none.err.contains(QLatin1String("no readable result files")), none.why());
  }

  // A run given twice (its folder and the file, or a copy under another name) counts once: it
  // must not fold with itself into n = 2 with a zero-width interval.
  void aRunGivenTwiceCountsOnce() {
    const QString gpuRun = m_runs + "/20261202T103300Z_fashion-mlp_cuda-0.json";
    const QString copies = m_dir.filePath("copies");
    QVERIFY(QDir().mkpath(copies));
    QVERIFY(QFile::copy(gpuRun, copies + "/backup.json"));
    const tbtest::CliRun result =
        compare({m_runs, gpuRun, m_runs + "/../runs/" + QFileInfo(gpuRun).fileName(), copies,
                 "--json"});
    QVERIFY2(result.exitCode == 0, result.why());
    bool ok = false;
    const QJsonArray rows = parseArray(result, ok);
    QVERIFY2(ok && rows.size() == 3, result.why());
    QCOMPARE(rows[0].toObject()[QLatin1String("n")].toInt(), 3);  // the three cpu repeats
    QCOMPARE(rows[1].toObject()[QLatin1String("n")].toInt(), 1);  // the GPU run, once
    // The same path twice goes unsaid; a copy is named with the file it repeats.
    QVERIFY2(result.err.contains(copies + "/backup.json: the same run as " + gpuRun), result.why());
    QCOMPARE(result.err.count(QLatin1String("warning")), 1);
  }

  // A result file from elsewhere is text a terminal would obey: an escape sequence or a line
  // break in a device name must not reach it from `show` or `compare`, and an absurd peak
  // (1e-300 TFLOPS) must not print a 300-digit efficiency.
  void hostileTextAndNumbersPrintSafely() {
    const QString folder = m_dir.filePath("hostile");
    QVERIFY(QDir().mkpath(folder));
    const QString file = folder + "/run.json";
    QString error;
    tb::RunResult hostile = benchRun("fashion-mlp", "cpu", 10.0, 6000.0, "11:00:00")
                                .device("cpu", "EPYC\x1b[2J\x07\nfake line")
                                .flopsPerSample(6e5)
                                .peakFp32Tflops(1e-300);
    // The settings `show` prints too (the graph fallback's reason, the data-parallel block).
    hostile.config.executionFallback = "fell\x1b]0;TITLE\aback\nFAKE LINE: all good";  // \a: BEL
    hostile.distributed =
        tb::DistributedRecord{2,
                              "gloo\r\x1b[31m",
                              "weak",
                              64,
                              {{0, "a", "cpu", 3000.0, 0.1}, {1, "a", "cpu", 3000.0, 0.1}}};
    QVERIFY2(writeRun(file, hostile, error), qPrintable(error));
    for (const tbtest::CliRun& result : {cli("show", {file}), compare({folder})}) {
      QVERIFY2(result.exitCode == 0, result.why());
      QVERIFY2(!result.out.contains(QChar(0x1b)) && !result.out.contains(QChar(0x07)),
               result.why());
      QVERIFY2(!result.out.contains(QLatin1String("\nfake line")), result.why());
      QVERIFY2(!result.out.contains(QLatin1String("\nFAKE LINE")) && !result.out.contains(u'\r'),
               result.why());
      QVERIFY2(result.out.contains(QLatin1String("EPYC [2J  fake line")), result.why());
    }
    const tbtest::CliRun show = cli("show", {file});
    static const QRegularExpression longNumber(QStringLiteral("[0-9]{20}"));
    QVERIFY2(!longNumber.match(show.out).hasMatch(), show.why());
    QVERIFY2(show.out.contains(QLatin1String("fell ]0;TITLE back FAKE LINE: all good")),
             show.why());
    QVERIFY2(show.out.contains(QLatin1String("efficiency ")) && show.out.contains(QLatin1String("e+")),
             show.why());
  }

  // So are the names of files in a shared folder: the warnings that name a broken file or a
  // copy printed them as they were, a window-title escape, a colour, a faked line and all.
  void hostileFileNamesPrintSafely() {
    const QString folder = m_dir.filePath("hostile-names");
    QVERIFY(QDir().mkpath(folder));
    QString error;
    const tb::RunResult run = benchRun("fashion-mlp", "cpu", 10.0, 6000.0, "11:30:00");
    QVERIFY2(writeRun(folder + "/good.json", run, error), qPrintable(error));
    QVERIFY2(writeRun(folder + "/x\nFAKE LINE: all runs OK\x1b[31m.json", run, error),
             qPrintable(error));
    QVERIFY(writeText(folder + "/b\x1b]0;pwned\x07" "ad.json", "{\"x\": 1}"));
    const tbtest::CliRun result = compare({folder});
    QVERIFY2(result.exitCode == 0, result.why());
    const QString all = result.out + result.err;
    QVERIFY2(!all.contains(QChar(0x1b)) && !all.contains(QChar(0x07)), result.why());
    QVERIFY2(!all.contains(QLatin1String("\nFAKE LINE")), result.why());
    QVERIFY2(result.err.contains(QLatin1String("x FAKE LINE: all runs OK [31m.json: the same run")),
             result.why());
    QVERIFY2(result.err.contains(QLatin1String("b ]0;pwned ad.json: ")), result.why());
  }

  // A CPU trains ResNet-50 at a few images/s: `show` keeps the decimals that tell 3.46 from 3,
  // and sums up its telemetry.
  void slowDevicesKeepTheirDecimals() {
    const QString file = m_dir.filePath("slow-resnet.json");
    QString error;
    QVERIFY2(writeRun(file,
                      benchRun("cifar10-resnet50", "cpu", 150000.0, 3.4567, "12:00:00")
                          .sample(tb::TelemetrySample{60.0, 90.0, 710.0, 2048.0})
                          .sample(tb::TelemetrySample{120.0, 50.0, 390.0, 3072.0}),
                      error),
             qPrintable(error));
    const tbtest::CliRun show = cli("show", {file});
    QVERIFY2(show.exitCode == 0, show.why());
    QVERIFY2(show.out.contains(QLatin1String("steady state: 3.46 samples/s")), show.why());
    QVERIFY2(show.out.contains(QLatin1String(" 3.28\n")), show.why());  // 95% of it, each epoch
    // What kept the machine busy, and the memory the run took, from its telemetry.
    QVERIFY2(show.out.contains(QLatin1String("mean use: machine CPU 70%, this process 550% (100% a core)")),
             show.why());
    QVERIFY2(show.out.contains(QLatin1String("peak memory: process 3072 MiB")), show.why());
  }

  // `show` gives every setting that changes the training: a run at another learning rate, and a
  // data-parallel run, read like the default run and one process at the per-rank batch.
  void showGivesEverySettingOfTheTraining() {
    const QString file = m_dir.filePath("strong.json");
    tbtest::RunResultBuilder run = benchRun("fashion-mlp", "cpu", 20.0, 5000.0, "12:00:00");
    run.optimizer("adam", 0.01).seed(7).threads(3).batchSize(16);
    tb::RunResult result = run;
    result.distributed = tb::DistributedRecord{
        2, "gloo", "strong", 32, {{0, "gpu-a", "cuda:0", 2500.0, 0.04}, {1, "gpu-b", "cuda:0", 2400.0, 0.06}}};
    QString error;
    QVERIFY2(writeRun(file, result, error), qPrintable(error));
    const tbtest::CliRun show = cli("show", {file});
    QVERIFY2(show.exitCode == 0, show.why());
    QVERIFY2(show.out.contains(QLatin1String("batch 16, adam lr 0.01, seed 7, 3 threads, fp32, eager")),
             show.why());
    QVERIFY2(show.out.contains(QLatin1String("data-parallel: 2 ranks (gloo), strong scaling, global "
                                             "batch 32; batch and threads above are each rank's")),
             show.why());
    // Each rank's machine, device and share, as `run` said them when it ended.
    QVERIFY2(show.out.contains(QLatin1String("  rank 1 on gpu-b (cuda:0): 2400.0 samples/s, 6.0% of "
                                             "its training time in allreduce\n")),
             show.why());
  }

  // --published adds the article's rows to the groups of the seed's own sizes: both, here.
  void publishedAddsTheArticlesRows() {
    const tbtest::CliRun result = compare({m_runs, "--published", "--json"});
    QVERIFY2(result.exitCode == 0, result.why());
    bool ok = false;
    const QJsonArray rows = parseArray(result, ok);
    QVERIFY2(ok && rows.size() == 7, result.why());
    QCOMPARE(rows[2].toObject()[QLatin1String("label")].toString(),
             QStringLiteral("RTX 2080 Ti (published)"));
    QCOMPARE(rows[2].toObject()[QLatin1String("published")].toBool(), true);
    // Not runs of this tool: no count, and the group's notes say whose figures they are.
    QVERIFY(rows[2].toObject()[QLatin1String("n")].isNull());
    QVERIFY2(rows[2].toObject()[QLatin1String("notes")].toArray().contains(
                 QStringLiteral("Rows marked (published) are the seed article's figures "
                                "(TensorFlow, 2021), not measured here; their totals include "
                                "TensorFlow's start-up of the device, which TrainBench's leave "
                                "out.")),
             result.why());
    QCOMPARE(rows[5].toObject()[QLatin1String("workload")].toString(),
             QStringLiteral("cifar10-resnet50"));
  }

  // `scaling --json` gives a script the table's figures: 2 ranks at 1.8x one rank, 90%
  // efficient against an ideal of 2x; without a one-rank run, no ideal and no efficiency.
  void scalingJsonGivesEachSeriesPoints() {
    const QString folder = m_dir.filePath("scaling");
    QVERIFY(QDir().mkpath(folder));
    QString error;
    tb::RunResult one = benchRun("fashion-mlp", "cpu", 10.0, 1000.0, "13:00:00").threads(4);
    tb::RunResult two = benchRun("fashion-mlp", "cpu", 6.0, 1800.0, "13:10:00")
                            .threads(2)
                            .distributed("weak", 64, {{"bench-a", "cpu"}, {"bench-a", "cpu"}});
    QVERIFY2(writeRun(folder + "/one.json", one, error), qPrintable(error));
    QVERIFY2(writeRun(folder + "/two.json", two, error), qPrintable(error));

    const tbtest::CliRun text = cli("scaling", {folder});
    QVERIFY2(text.exitCode == 0 && text.out.contains(QLatin1String("| 2 | 1800 | 2000 | 90.0% | 1 |")),
             text.why());
    const tbtest::CliRun json = cli("scaling", {folder, "--json"});
    QVERIFY2(json.exitCode == 0, json.why());
    bool ok = false;
    const QJsonArray series = parseArray(json, ok);
    QVERIFY2(ok && series.size() == 1, json.why());
    const QJsonObject only = series[0].toObject();
    QVERIFY2(only[QLatin1String("title")].toString().contains(QLatin1String("weak scaling")),
             json.why());
    const QJsonArray points = only[QLatin1String("points")].toArray();
    QCOMPARE(points.size(), 2);
    const QJsonObject pair = points[1].toObject();
    QCOMPARE(pair[QLatin1String("world_size")].toInt(), 2);
    QCOMPARE(pair[QLatin1String("samples_per_second")].toDouble(), 1800.0);
    QCOMPARE(pair[QLatin1String("ideal_samples_per_second")].toDouble(), 2000.0);
    QVERIFY(qAbs(pair[QLatin1String("efficiency")].toDouble() - 0.9) < 1e-12);
    QCOMPARE(pair[QLatin1String("runs")].toInt(), 1);

    QVERIFY(QFile::remove(folder + "/one.json"));
    const tbtest::CliRun alone = cli("scaling", {folder, "--json"});
    const QJsonArray lone = parseArray(alone, ok);
    QVERIFY2(ok && lone.size() == 1, alone.why());
    const QJsonObject point = lone[0].toObject()[QLatin1String("points")].toArray()[0].toObject();
    QVERIFY2(point[QLatin1String("efficiency")].isNull() &&
                 point[QLatin1String("ideal_samples_per_second")].isNull(),
             alone.why());
    // No data-parallel runs at all: an empty list, as compare gives no rows.
    const tbtest::CliRun none = cli("scaling", {m_runs, "--json"});
    QVERIFY2(none.exitCode == 0 && parseArray(none, ok).isEmpty() && ok, none.why());
  }
};

QTEST_GUILESS_MAIN(TestCliCompare)
#include "tst_cli_compare.moc"
