// Tests for writing result files crash-safely: parent folders made, no temporary files left,
// a failed write never damages the file it was replacing, unwritable paths named.
#include "results/result_file.h"

#include "../support/result_file_fixtures.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>

#include <csignal>

using namespace tb;
using namespace tbtest;

namespace {

// Lowers the file size limit so writes fail with EFBIG (root too); restores it afterwards.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &m_saved);
    m_oldHandler = std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of killing the test
    rlimit limit = m_saved;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &m_saved);
    std::signal(SIGXFSZ, m_oldHandler);
  }

 private:
  rlimit m_saved{};
  void (*m_oldHandler)(int) = nullptr;
};

}  // namespace

class TestResultWrite : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Saving into a folder that does not exist yet is the common first-run case.
  void writeCreatesParentFolders() {
    QTemporaryDir dir;
    const QString path = dir.filePath("a/b/c/result.json");
    writeResultFile(fullResult(), path.toStdString());
    compareResults(readResultFile(path.toStdString()), fullResult());
  }

  // Overwriting replaces the content and leaves no temporary files behind.
  void overwriteLeavesNoTempFiles() {
    QTemporaryDir dir;
    const QString path = dir.filePath("result.json");
    writeResultFile(fullResult(), path.toStdString());
    RunResult second = fullResult();
    second.workload.name = "second";
    writeResultFile(second, path.toStdString());
    QCOMPARE(readResultFile(path.toStdString()).workload.name, std::string("second"));
    QCOMPARE(entriesOf(dir), QStringList{"result.json"});
  }

  // The point of atomic writing: a write that fails midway must not damage the old file.
  // A file size limit makes write() fail even when the tests run as root.
  void failedWriteKeepsOldFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath("result.json");
    writeResultFile(fullResult(), path.toStdString());
    const QByteArray before = readText(path);
    RunResult big = fullResult();
    big.timeline.assign(5000, TelemetrySample{1.0, 50.0, 100.0, 512.0});
    {
      FileSizeLimit limit(4096);
      const QString message = errorOf([&] { writeResultFile(big, path.toStdString()); });
      QVERIFY2(message.startsWith(path + ": "), qPrintable(message));
    }
    QCOMPARE(readText(path), before);
    QCOMPARE(entriesOf(dir), QStringList{"result.json"});
  }

  // Paths that cannot be written (parent is a file, target is a folder) give a named error
  // and leave nothing behind.
  void unwritablePathsAreRejected() {
    QTemporaryDir dir;
    const QString file = dir.filePath("plain.txt");
    writeText(file, "keep");
    const QString underFile = file + "/result.json";
    const QString message =
        errorOf([&] { writeResultFile(fullResult(), underFile.toStdString()); });
    QVERIFY2(message.startsWith(underFile + ": "), qPrintable(message));
    QCOMPARE(readText(file), QByteArray("keep"));
    const QString folder = dir.filePath("folder");
    QVERIFY(QDir(dir.path()).mkpath("folder/inside"));
    QVERIFY(!errorOf([&] { writeResultFile(fullResult(), folder.toStdString()); }).isEmpty());
    QVERIFY(QFileInfo(folder).isDir());
    QCOMPARE(entriesOf(dir), (QStringList{"folder", "plain.txt"}));
  }
};

QTEST_APPLESS_MAIN(TestResultWrite)
#include "tst_result_write.moc"
