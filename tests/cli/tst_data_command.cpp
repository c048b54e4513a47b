// `trainbench-cli data status|fetch` as a user runs it: the real binary ($TRAINBENCH_CLI) with
// QProcess against a local mirror (tests/support/http_test_server.h) through TRAINBENCH_MIRROR,
// and files fetched into the default data root used by `run` without --data-dir.
#include "data/dataset_sources.h"
#include "data/download.h"

#include "../support/cli_process.h"
#include "../support/http_test_server.h"
#include "../support/idx_fixtures.h"
#include "../support/terminal_process.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>

#include <cstdint>
#include <map>
#include <string>

using tbtest::HttpReply;
using tbtest::HttpRequest;
using tbtest::HttpTestServer;

using tbtest::CliRun;

class DataCommandTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;
  QString m_cli;
  QString m_dataRoot;  // TRAINBENCH_DATA_DIR of every process; one sub-folder per test

  QProcessEnvironment environment(const QString& mirror = QString()) const {
    QProcessEnvironment env = tbtest::cliEnvironment(m_dir.filePath(QStringLiteral("results")),
                                                     m_dataRoot, m_dir.filePath(QStringLiteral("xdg")));
    if (!mirror.isEmpty()) env.insert(QStringLiteral("TRAINBENCH_MIRROR"), mirror);
    return env;
  }

  CliRun runCli(const QStringList& args, const QString& mirror = QString()) const {
    return tbtest::runCli(m_cli, args, environment(mirror));
  }

  // CIFAR-10 as `tar xzf` leaves it in `extracted`: the six batches at their sizes (sparse
  // files: the size is what is checked).
  static void extractCifarInto(const QString& extracted) {
    QVERIFY(QDir().mkpath(extracted));
    for (const char* name : {"data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4",
                             "data_batch_5", "test_batch"}) {
      QFile batch(extracted + "/" + name + ".bin");
      QVERIFY(batch.open(QIODevice::WriteOnly));
      QVERIFY(batch.resize(30730000));
    }
  }

  void useDataRoot(const QString& name) {
    m_dataRoot = m_dir.filePath(name);
    QVERIFY(QDir().mkpath(m_dataRoot));
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    // fetchedFilesAreUsedByRun() downloads in this process; the CLI gets cliEnvironment().
    tbtest::clearProxyVariables();
    m_cli = qEnvironmentVariable("TRAINBENCH_CLI");
    QVERIFY2(QFileInfo(m_cli).isExecutable(), "TRAINBENCH_CLI must name the built trainbench-cli");
  }

  // A new user asks what is there: every dataset, its state, its download size and folder.
  void statusListsEveryDataset() {
    useDataRoot(QStringLiteral("status"));
    const CliRun run = runCli({"data", "status"});
    QVERIFY2(run.exitCode == 0, run.why());
    for (const char* row : {"fashion-mnist  missing  30.9 MB", "mnist          missing  11.6 MB",
                            "cifar10        missing  170.1 MB"}) {
      QVERIFY2(run.out.contains(QLatin1String(row)), run.why());
    }
    QVERIFY2(run.out.contains(m_dataRoot + "/fashion-mnist"), run.why());
    QVERIFY2(run.out.contains("data fetch NAME"), run.why());
  }

  // `data` alone answers the question it is asked most: what is here (as `data status`).
  void dataAloneShowsTheStatus() {
    useDataRoot(QStringLiteral("alone"));
    const CliRun alone = runCli({"data"});
    QVERIFY2(alone.exitCode == 0, alone.why());
    QCOMPARE(alone.out, runCli({"data", "status"}).out);
  }

  // A typo in the dataset name is a usage error (2) that lists the real names.
  void unknownDatasetIsUsageError() {
    const CliRun run = runCli({"data", "fetch", "fashion"});
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains("unknown dataset 'fashion'") && run.err.contains("cifar10"),
             run.why());
    // A workload's name says which dataset it trains on.
    const CliRun workload = runCli({"data", "fetch", "fashion-mlp"});
    QVERIFY2(workload.exitCode == 2, workload.why());
    QVERIFY2(workload.err.contains("the dataset it trains on is fashion-mnist"), workload.why());
  }

  // Offline: exit code 3 and the one message that says what to do.
  void offlineFetchSaysWhatToDo() {
    useDataRoot(QStringLiteral("offline"));
    const QString mirror = QStringLiteral("http://127.0.0.1:%1/").arg(HttpTestServer::closedPort());
    const CliRun run = runCli({"data", "fetch", "mnist"}, mirror);
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains("could not download mnist: no mirror reachable (tried " + mirror),
             run.why());
    QVERIFY2(run.err.contains("check your connection or set TRAINBENCH_MIRROR"), run.why());
  }

  // The live download line keeps to the terminal's width: a longer one wraps, and each redraw
  // erases only its last row, leaving the rest on screen. A terminal that cannot erase a line
  // (TERM=dumb) gets plain lines, as `run`'s progress does. (A mirror with none of the files:
  // the first file's line is drawn, then the fetch fails.)
  void fetchProgressSuitsTheTerminal() {
    useDataRoot(QStringLiteral("terminal"));
    const QString mirror = m_dir.filePath(QStringLiteral("an-empty-mirror-with-a-long-name"));
    QVERIFY(QDir().mkpath(mirror));
    int exitCode = 0;
    const QByteArray live =
        tbtest::runOnTerminal(m_cli, {"data", "fetch", "mnist"}, environment(mirror), exitCode, 40,
                              QStringLiteral("xterm"), tbtest::TerminalChannel::Error);
    QCOMPARE(exitCode, 3);
    int drawn = 0;
    for (QByteArray line : live.split('\n')) {
      while (line.endsWith('\r')) line.chop(1);  // the terminal's own, before its new line
      // Drawn over by the next: all but the line's last text, which stays and may wrap.
      const QList<QByteArray> redraws = line.split('\r');
      for (qsizetype i = 1; i + 1 < redraws.size(); ++i) {
        QByteArray text = redraws[i];
        text.replace("\033[K", "");
        ++drawn;
        QVERIFY2(text.size() < 40, live.constData());
      }
    }
    QVERIFY2(drawn > 0, live.constData());
    const QByteArray plain =
        tbtest::runOnTerminal(m_cli, {"data", "fetch", "mnist"}, environment(mirror), exitCode, 40,
                              QStringLiteral("dumb"), tbtest::TerminalChannel::Error);
    QCOMPARE(exitCode, 3);
    QVERIFY2(!plain.contains('\r' + QByteArray("  [")) && !plain.contains("\033["),
             plain.constData());
    QVERIFY2(plain.contains("[1/4] train-images-idx3-ubyte.gz: downloading"), plain.constData());
  }

  // A data folder that is a file: said so, naming it (the system's "Not a directory" named the
  // dataset's folder below it).
  void dataFolderThatIsAFileIsNamed() {
    useDataRoot(QStringLiteral("file-root"));
    const QString file = m_dataRoot + "/datasets";
    QFile made(file);
    QVERIFY(made.open(QIODevice::WriteOnly));
    made.close();
    const QString mirror = QStringLiteral("http://127.0.0.1:%1/").arg(HttpTestServer::closedPort());
    const CliRun run = runCli({"data", "fetch", "mnist", "--data-dir", file}, mirror);
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains(file + " is a file, not a folder"), run.why());
  }

  // CIFAR-10 extracted in the data folder itself (`tar xzf` there makes cifar-10-batches-bin/)
  // is where `run` and `data status` find it: `data fetch` finds it too, and downloads nothing.
  void fetchFindsWhatRunFinds() {
    useDataRoot(QStringLiteral("flat"));
    const QString extracted = m_dataRoot + "/cifar-10-batches-bin";
    extractCifarInto(extracted);
    if (QTest::currentTestFailed()) return;
    const QString mirror = QStringLiteral("http://127.0.0.1:%1/").arg(HttpTestServer::closedPort());
    const CliRun run = runCli({"data", "fetch", "cifar10", "--data-dir", m_dataRoot}, mirror);
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.out.contains("cifar10 ready in " + m_dataRoot + " (0 downloaded"), run.why());
    QVERIFY(!QFileInfo::exists(m_dataRoot + "/cifar10"));
  }

  // One dataset failing does not stop the others: CIFAR-10, here already, is still made
  // ready after MNIST's mirror failed, and the exit code says one failed.
  void oneFailedDatasetDoesNotStopTheOthers() {
    useDataRoot(QStringLiteral("several"));
    const QString extracted = m_dataRoot + "/cifar-10-batches-bin";
    extractCifarInto(extracted);
    if (QTest::currentTestFailed()) return;
    const QString mirror = QStringLiteral("http://127.0.0.1:%1/").arg(HttpTestServer::closedPort());
    const CliRun run = runCli({"data", "fetch", "mnist", "cifar10", "--data-dir", m_dataRoot}, mirror);
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains("could not download mnist"), run.why());
    QVERIFY2(run.out.contains("cifar10 ready in " + m_dataRoot), run.why());
  }

  // --verify reads the downloads: one of the right size but wrong content is invalid and the
  // command exits 3, so a script can tell (it exited 0). Extracted copies, which no published
  // checksum covers, say that only their sizes were checked.
  void verifyFindsWrongFilesAndSaysWhatItCannotCheck() {
    useDataRoot(QStringLiteral("verify"));
    const auto source = tb::findDatasetSource("mnist");
    QVERIFY(QDir().mkpath(m_dataRoot + "/mnist"));
    for (std::size_t f = 0; f < source->files.size(); ++f) {
      const auto& file = source->files[f];
      if (f == 0) {  // the download itself, zeros of its published size
        QFile wrong(m_dataRoot + "/mnist/" + QString::fromStdString(file.name));
        QVERIFY(wrong.open(QIODevice::WriteOnly) && wrong.resize(file.size));
        continue;
      }
      for (const auto& [name, size] : file.alternatives.front().files) {  // extracted by hand
        QFile copy(m_dataRoot + "/mnist/" + QString::fromStdString(name));
        QVERIFY(copy.open(QIODevice::WriteOnly) && copy.resize(size));
      }
    }
    const CliRun quick = runCli({"data", "status", "mnist"});
    QVERIFY2(quick.exitCode == 0, quick.why());  // sizes only: all there
    const CliRun verified = runCli({"data", "status", "mnist", "--verify"});
    QVERIFY2(verified.exitCode == 3, verified.why());
    QVERIFY2(verified.out.contains(QLatin1String("invalid")), verified.why());
    QVERIFY2(verified.out.contains(QLatin1String("extracted copy: sizes checked")), verified.why());
    QVERIFY2(verified.err.contains(QLatin1String("data status --verify")), verified.why());
  }

  // A dataset named to --verify that is not here fails it (`data status X --verify || data
  // fetch X` never fetched); a listing of all only names the missing. The hint downloads into
  // the folder looked in (without --data-dir it filled the default one).
  void verifyOfAMissingDatasetFails() {
    useDataRoot(QStringLiteral("absent"));
    const QString elsewhere = m_dataRoot + QStringLiteral("/elsewhere");
    QVERIFY(QDir().mkpath(elsewhere));
    const CliRun named = runCli({"data", "status", "fashion-mnist", "--verify", "--data-dir", elsewhere});
    QVERIFY2(named.exitCode == 3, named.why());
    QVERIFY2(named.out.contains("data fetch NAME --data-dir " + elsewhere), named.why());
    const CliRun all = runCli({"data", "status", "--verify", "--data-dir", elsewhere});
    QVERIFY2(all.exitCode == 0, all.why());
  }

  // A mirror serving something else than the published file: exit 3, nothing left behind.
  void mismatchedFileIsRejected() {
    useDataRoot(QStringLiteral("mismatch"));
    const auto source = tb::findDatasetSource("mnist");
    const std::string wrong(static_cast<std::size_t>(source->files[0].size), '\0');
    HttpTestServer server([&wrong](const HttpRequest& r) { return tbtest::fileReply(r, wrong); });
    const CliRun run = runCli({"data", "fetch", "mnist"}, QString::fromStdString(server.url("/")));
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains("checksum mismatch"), run.why());
    QVERIFY(!QFile::exists(m_dataRoot + "/mnist/train-images-idx3-ubyte.gz"));
    QVERIFY(!QFile::exists(m_dataRoot + "/mnist/train-images-idx3-ubyte.gz.part"));
  }

  // Ctrl-C during a download exits 130 and keeps the partial file for the next fetch. The reply
  // is held partway and never released, so the download is surely running when Ctrl-C comes.
  void ctrlCCancelsTheDownload() {
    useDataRoot(QStringLiteral("ctrlc"));
    constexpr std::size_t kHoldAt = 100000;
    HttpTestServer server([](const HttpRequest&) {
      HttpReply reply;
      reply.body = std::string(2000000, 'x');
      reply.holdAt = kHoldAt;
      return reply;
    });
    QProcess process;
    process.setProcessEnvironment(environment(QString::fromStdString(server.url("/"))));
    process.start(m_cli, {"data", "fetch", "fashion-mnist"});
    QVERIFY(process.waitForStarted());
    QVERIFY(QTest::qWaitFor([&] { return server.bytesSent() >= kHoldAt; }, 60000));
    // Sent is not yet written: on a busy machine the bytes can still sit in the socket.
    const QString part = m_dataRoot + "/fashion-mnist/train-images-idx3-ubyte.gz.part";
    QVERIFY(QTest::qWaitFor([&] { return QFileInfo(part).size() > 0; }, 60000));
    ::kill(static_cast<pid_t>(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(60000));
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 130, qPrintable(err));
    QVERIFY2(err.contains("cancelled"), qPrintable(err));
    const QString target = m_dataRoot + "/fashion-mnist/train-images-idx3-ubyte.gz";
    QVERIFY(!QFile::exists(target));
    QVERIFY(QFileInfo(target + ".part").size() > 0);
  }

  // The promise: what a fetch from a local mirror puts in the default data folder is
  // what `run` then trains on, without --data-dir. (The official checksums cannot match
  // generated files, so the fetch goes through the core with this mirror's own checksums.)
  void fetchedFilesAreUsedByRun() {
    useDataRoot(QStringLiteral("fetched"));
    tb::DatasetSource source = *tb::findDatasetSource("fashion-mnist");
    std::map<std::string, std::string> files = tbtest::mnistLayoutFiles(96, 32);
    for (auto& file : source.files) {
      file.size = static_cast<std::int64_t>(files[file.name].size());
      file.md5 = tbtest::md5Hex(files[file.name]);
    }
    HttpTestServer server([&files](const HttpRequest& request) {
      const auto slash = request.path.rfind('/');
      const auto it = files.find(request.path.substr(slash + 1));
      if (request.path.rfind("/lab/fashion-mnist/", 0) == 0 && it != files.end()) {
        return tbtest::fileReply(request, it->second);
      }
      HttpReply missing;
      missing.status = 404;
      return missing;
    });
    qputenv("TRAINBENCH_DATA_DIR", m_dataRoot.toUtf8());
    const std::string folder = tb::datasetTargetFolder("fashion-mnist", "");
    qunsetenv("TRAINBENCH_DATA_DIR");
    tb::DownloadOptions options;
    options.mirrors = tb::mirrorsFor(source, server.url("/lab"));
    const tb::FetchSummary summary = tb::fetchDataset(source, folder, options);
    QCOMPARE(summary.filesDownloaded, 4);

    const CliRun run =
        runCli({"run", "--workload", "fashion-mlp", "--epochs", "1", "--threads", "1", "--quiet"});
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.out.contains("Training set contained 96 images"), run.why());
    QVERIFY2(run.out.contains("Testing set contained 32 images"), run.why());
  }
};

QTEST_GUILESS_MAIN(DataCommandTest)
#include "tst_data_command.moc"
