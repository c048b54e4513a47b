// Numeric flags are checked before any work, with a short message naming the flag (NaN once
// passed --telemetry-interval and sampled in a busy loop; --learning-rate nan silently trained
// with 0.001; -1 became 2^64-1 as a seed), and `show` refuses results with impossible numbers.
#include "cli_fixture.h"

#include "results/result_file.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <sched.h>

#include <limits>

using namespace clitest;

class TestCliFlags : public CliTestBase {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { setUpFixture(); }
  void init() { startTest(); }

  void badNumbersExitTwo_data() {
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("value");
    for (const char* value : {"nan", "inf", "-1", "0", "1e39", "1e308", "abc", "1e-300", "1e-39"})
      QTest::newRow(qPrintable(QStringLiteral("lr %1").arg(value)))
          << QStringLiteral("--learning-rate") << QString::fromLatin1(value);
    for (const char* value : {"nan", "-nan", "inf", "0", "0.05", "1e9"})
      QTest::newRow(qPrintable(QStringLiteral("interval %1").arg(value)))
          << QStringLiteral("--telemetry-interval") << QString::fromLatin1(value);
    for (const char* value : {"-1", "18446744073709551616", "1.5", "0x10", ""})
      QTest::newRow(qPrintable(QStringLiteral("seed '%1'").arg(value)))
          << QStringLiteral("--seed") << QString::fromLatin1(value);
    // 0 is none (for a --from run's budget); 1e-400 only rounds to it.
    for (const char* value : {"1", "1e-400", "-0.5", "nan"})
      QTest::newRow(qPrintable(QStringLiteral("budget %1").arg(value)))
          << QStringLiteral("--time-budget") << QString::fromLatin1(value);
    QTest::newRow("epochs -1") << QStringLiteral("--epochs") << QStringLiteral("-1");
    QTest::newRow("batch nan") << QStringLiteral("--batch-size") << QStringLiteral("nan");
    QTest::newRow("threads 0") << QStringLiteral("--threads") << QStringLiteral("0");
    QTest::newRow("train-limit -5") << QStringLiteral("--train-limit") << QStringLiteral("-5");
    // CLI11 alone read these as hexadecimal 32 and octal: a typo must not pick a number.
    QTest::newRow("batch 0x20") << QStringLiteral("--batch-size") << QStringLiteral("0x20");
    QTest::newRow("epochs 08") << QStringLiteral("--epochs") << QStringLiteral("0x8");
    QTest::newRow("threads 1 ") << QStringLiteral("--threads") << QStringLiteral("1 ");
  }
  // A device spelled loosely ("CPU") gets the checks of "cpu": the warning for more threads than
  // CPUs compared the raw text and stayed silent (and CPU ranks did not share the cores).
  void looselySpelledDeviceGetsTheSameChecks() {
    cpu_set_t usable;
    CPU_ZERO(&usable);
    QVERIFY(sched_getaffinity(0, sizeof usable, &usable) == 0);
    QStringList args = smallSyntheticRun();
    args[args.indexOf(QLatin1String("--threads")) + 1] = QString::number(CPU_COUNT(&usable) + 1);
    const CliRun run = runCli(args << "--device" << "CPU" << "-q");
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.err.contains(QLatin1String("trainbench-cli: warning: --threads: ")), run.why());
    QString error;
    QCOMPARE(QString::fromStdString(readResult(run.savedPath(), error).device.id),
             QStringLiteral("cpu"));
  }

  // -q silenced the events a program drives by: the pair is refused, naming both.
  void quietProgressJsonRefused() {
    const CliRun run = runCli(smallSyntheticRun() << "-q" << "--progress-json");
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(QLatin1String("--quiet excludes --progress-json")), run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // One device given twice with --repeat runs two groups of repeats: the warning says so, not
  // "use --repeat". (A missing data folder ends the runs at once: only the warning matters.)
  void deviceGivenTwiceWithRepeatSaysTwoGroups() {
    QStringList args = smallSyntheticRun();
    args.removeAll(QStringLiteral("--synthetic"));
    args << "--device" << "cpu" << "--device" << "cpu" << "--repeat" << "2";
    const CliRun run = runCli(args << "--data-dir" << QDir(m_data).filePath("missing"));
    QVERIFY2(run.err.contains(QLatin1String("warning: --device: cpu is given twice: --repeat runs "
                                            "for each of them")),
             run.why());
  }

  // Synthetic data and a data folder are opposite asks: one was trained and the other dropped
  // without a word. Refused, naming both, in run and in profile.
  void syntheticWithDataDirRefused() {
    for (const QStringList& args :
         {smallSyntheticRun() << "--data-dir" << m_data,
          QStringList{"profile", "--workload", "fashion-mlp", "--synthetic", "--data-dir", m_data}}) {
      const CliRun run = runCli(args);
      QVERIFY2(run.exitCode == 2, run.why());
      QVERIFY2(run.err.contains(QLatin1String("--data-dir excludes --synthetic")) ||
                   run.err.contains(QLatin1String("--synthetic excludes --data-dir")),
               run.why());
    }
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // A link named by --out is a taken name, like a file: the result is saved beside it (it was
  // refused as "not a regular file or a folder").
  void outThroughALinkIsATakenName() {
    const QString link = QDir(m_results).filePath(QStringLiteral("link.json"));
    QVERIFY(QDir().mkpath(m_results));
    QVERIFY(QFile::link(QDir(m_results).filePath(QStringLiteral("nowhere.json")), link));
    const CliRun run = runCli(smallSyntheticRun() << "--out" << link);
    QVERIFY2(run.exitCode == 0, run.why());
    QCOMPARE(run.savedPath(), QDir(m_results).filePath(QStringLiteral("link_2.json")));
    QVERIFY(QFileInfo(link).isSymLink());
    QVERIFY(!QFileInfo::exists(QDir(m_results).filePath(QStringLiteral("nowhere.json"))));
  }

  void badNumbersExitTwo() {
    QFETCH(QString, flag);
    QFETCH(QString, value);
    // FLAG=VALUE, so that "-1" or "-nan" cannot be taken for another flag.
    const CliRun run = runCli(smallSyntheticRun() << flag + QLatin1Char('=') + value);
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(flag), run.why());
    // Short and readable: no 309-digit bound (CLI11's ranges printed DBL_MAX in full).
    QVERIFY2(!run.err.contains(QStringLiteral("0000000000")), run.why());
    QVERIFY2(!run.out.contains(QLatin1String("training")), run.why());  // nothing started
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // A flag at the end of the line without its value says what value it needs, in the words of
  // the checks of a wrong one (CLI11 said "1 required INT:INT from 1 to 100000 missing").
  void flagWithoutValueSaysWhatItNeeds_data() {
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("message");
    QTest::newRow("epochs") << QStringLiteral("--epochs")
                            << QStringLiteral(
                                   "--epochs: needs a value after it: a whole number "
                                   "from 1 to 100000\n");
    QTest::newRow("precision") << QStringLiteral("--precision")
                               << QStringLiteral(
                                      "--precision: needs a value after it: one of "
                                      "fp32, tf32, bf16, fp16\n");
    QTest::newRow("out") << QStringLiteral("--out")
                         << QStringLiteral(
                                "--out: needs a value after it: a file or folder "
                                "name\n");
    QTest::newRow("from") << QStringLiteral("--from")
                          << QStringLiteral("--from: needs a value after it: a file name\n");
    QTest::newRow("device") << QStringLiteral("-d")
                            << QStringLiteral("--device: needs a value after it\n");
  }
  void flagWithoutValueSaysWhatItNeeds() {
    QFETCH(QString, flag);
    QFETCH(QString, message);
    const CliRun run = runCli(smallSyntheticRun() << flag);
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.startsWith(message), run.why());
    QVERIFY2(run.err.contains(QLatin1String("Run with --help")), run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // `probe --seconds nan` measured nothing and printed negative peaks with exit code 0.
  void probeRefusesBadSeconds_data() {
    QTest::addColumn<QString>("value");
    for (const char* value : {"nan", "inf", "0", "-1", "61"}) {
      QTest::newRow(value) << QString::fromLatin1(value);
    }
  }
  void probeRefusesBadSeconds() {
    QFETCH(QString, value);
    const CliRun run = runCli({"probe", "--device", "cpu", "--seconds=" + value});
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(QLatin1String("--seconds")), run.why());
    QVERIFY2(!run.out.contains(QLatin1String("cpu")), run.why());
  }

  // The edges of the seed and interval ranges still run, and the seed is recorded exactly.
  void edgeValuesRun() {
    const CliRun run = runCli(smallSyntheticRun() << "--seed"
                                                  << "18446744073709551615"
                                                  << "--learning-rate"
                                                  << "0.5"
                                                  << "--telemetry-interval"
                                                  << "0.1");
    QVERIFY2(run.exitCode == 0, run.why());
    QString error;
    const tb::RunResult result = readResult(run.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(result.config.seed, 18446744073709551615ull);
    QCOMPARE(result.config.learningRate, 0.5);
  }

  // "--no-probe=false" asks for the probe, as "--no-probe" asks to leave it out (both used to
  // leave it out). The probe is on here: the suite's environment turns it off.
  void negatedFlagsKeepTheFeature() {
    QProcessEnvironment env = environment();
    env.remove(QStringLiteral("TRAINBENCH_SKIP_PROBE"));
    for (const bool probe : {true, false}) {
      const CliRun run = tbtest::runCli(
          m_cli, smallSyntheticRun() << (probe ? "--no-probe=false" : "--no-probe"), env);
      QVERIFY2(run.exitCode == 0, run.why());
      QString error;
      const tb::RunResult result = readResult(run.savedPath(), error);
      QVERIFY2(error.isEmpty(), qPrintable(error));
      QCOMPARE(result.device.peak.has_value(), probe);
    }
  }

  // Whole numbers are decimal, leading zeros and all: "--epochs 02" is 2 epochs and
  // "--seed 010" is 10 (CLI11 alone read both as octal, and refused "08").
  void leadingZerosAreDecimal() {
    const CliRun run = runCli({"run", "--synthetic", "--train-limit", "0256", "--test-limit",
                               "064", "--epochs", "02", "--threads", "01", "--seed", "010"});
    QVERIFY2(run.exitCode == 0, run.why());
    QString error;
    const tb::RunResult result = readResult(run.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(result.config.epochs, 2);
    QCOMPARE(result.config.seed, 10ull);
    QCOMPARE(result.workload.trainSamples, std::int64_t{256});
    QCOMPARE(result.epochs.size(), std::size_t{2});
  }

  // `show` printed "-5 epochs" and "achieved inf TFLOPS": a result with impossible numbers is
  // refused naming the key, and an overflowing figure reads "n/a".
  void showRefusesImpossibleNumbers() {
    const CliRun run = runCli(smallSyntheticRun());
    QVERIFY2(run.exitCode == 0, run.why());
    QString error;
    tb::RunResult result = readResult(run.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    tb::RunResult negative = result;
    negative.epochs.front().epoch = -5;
    const QString negativeFile = path(QStringLiteral("negative.json"));
    tb::writeResultFile(negative, negativeFile.toStdString());
    const CliRun refused = runCli({"show", negativeFile});
    QVERIFY2(refused.exitCode == 3, refused.why());
    QVERIFY2(refused.err.contains(negativeFile) &&
                 refused.err.contains(QLatin1String("epochs[0].epoch")),
             refused.why());

    tb::RunResult huge = result;
    // Not a preset's name: a preset's FLOPs are this version's count, not the file's.
    huge.workload.name = "someone-elses-mlp";
    huge.workload.flopsPerSample = 1e308;
    huge.epochs.front().samplesPerSecond = 1e300;
    const QString hugeFile = path(QStringLiteral("huge.json"));
    tb::writeResultFile(huge, hugeFile.toStdString());
    const CliRun shown = runCli({"show", hugeFile});
    QVERIFY2(shown.exitCode == 0, shown.why());
    QVERIFY2(!shown.out.contains(QRegularExpression(QStringLiteral("\\binf\\b"))), shown.why());
    QVERIFY2(shown.out.contains(QLatin1String("achieved n/a TFLOPS")), shown.why());

    // A test loss the file has as null (saved NaN by an earlier version): n/a, never "nan".
    tb::RunResult lost = result;
    lost.test = tb::TestRecord{std::numeric_limits<double>::quiet_NaN(), 0.125};
    const QString lostFile = path(QStringLiteral("lost.json"));
    tb::writeResultFile(lost, lostFile.toStdString());
    const CliRun lostShown = runCli({"show", lostFile});
    QVERIFY2(lostShown.exitCode == 0, lostShown.why());
    QVERIFY2(lostShown.out.contains(QLatin1String("test loss n/a")), lostShown.why());
    QVERIFY2(!lostShown.out.contains(QLatin1String("nan")), lostShown.why());
  }

  // `show --json` prints the whole result: a later 1.x version's keys too (it wrote the file
  // again from what this version reads, and dropped them).
  void showJsonKeepsKeysThisVersionDoesNotKnow() {
    const CliRun run = runCli(smallSyntheticRun());
    QVERIFY2(run.exitCode == 0, run.why());
    QFile saved(run.savedPath());
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QJsonObject json = QJsonDocument::fromJson(saved.readAll()).object();
    json.insert(QStringLiteral("energy_joules"), 1234.5);
    const QString newer = path(QStringLiteral("newer.json"));
    QFile out(newer);
    QVERIFY(out.open(QIODevice::WriteOnly));
    // Saved by an editor that starts UTF-8 with a byte-order mark: JSON parsers (Python's)
    // reject one, so the output leaves it out.
    out.write("\xEF\xBB\xBF" + QJsonDocument(json).toJson());
    out.close();
    const CliRun shown = runCli({"show", "--json", newer});
    QVERIFY2(shown.exitCode == 0, shown.why());
    QVERIFY2(shown.out.startsWith(QLatin1Char('{')), shown.why());
    const QJsonObject back = QJsonDocument::fromJson(shown.out.toUtf8()).object();
    QCOMPARE(back.value(QStringLiteral("energy_joules")).toDouble(), 1234.5);
    QCOMPARE(back.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
  }
};

QTEST_GUILESS_MAIN(TestCliFlags)
#include "tst_cli_flags.moc"
