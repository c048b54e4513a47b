// End-to-end tests of trainbench-cli on files a hostile or unlucky user hands it: each is refused
// quickly as a data or file error (exit 3) that names the file, never a hang, never a misleading
// batch-size or device error. The readers' own tests cover the details.
#include "../support/cli_process.h"
#include "../support/fifo_guard.h"
#include "../support/idx_fixtures.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <string>
#include <vector>

namespace {

// A gzip IDX image file whose header claims 2^32-1 28x28 images, followed by `zeroBytes` zeros.
QByteArray lyingGzipImages(std::uint64_t zeroBytes) {
  tbtest::Bytes header;
  for (std::uint32_t field : {0x00000803u, 0xFFFFFFFFu, 28u, 28u})
    tbtest::appendBigEndian32(header, field);
  return QByteArray::fromStdString(tbtest::gzipWithZeros(header, zeroBytes));
}

bool writeBytes(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

}  // namespace

class TestCliHostileFiles : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;
  QString m_cli;

  QProcessEnvironment environment() const {
    return tbtest::cliEnvironment(m_dir.filePath("results"), m_dir.filePath("data"),
                                  m_dir.filePath("xdg"));
  }
  // A generous limit: only a hang comes near it.
  tbtest::CliRun run(const QStringList& args) const {
    return tbtest::runCli(m_cli, args, environment(), 60000);
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_cli = qEnvironmentVariable("TRAINBENCH_CLI");
    QVERIFY2(QFileInfo(m_cli).isExecutable(), "TRAINBENCH_CLI must name the built trainbench-cli");
  }

  // `mkfifo f.json; trainbench-cli show f.json` once hung forever in open().
  void showRefusesFifo() {
    tbtest::Fifo fifo(m_dir.filePath("f.json").toStdString());
    QVERIFY(fifo.ok());
    const tbtest::CliRun result = run({"show", QString::fromStdString(fifo.path())});
    QVERIFY2(result.exitCode == 3, result.why());
    QVERIFY2(result.err.contains(QString::fromStdString(fifo.path()) + ": not a regular file"),
             result.why());
  }

  // A file named with a right-to-left override and a line break: `show` and `run --from` quoted
  // the name as it was, the error's line printed mirrored and split in two (compare did not).
  void errorsQuoteOddNamesPrintably() {
    const QString name = m_dir.filePath(QStringLiteral("\u202Eevil\nname.json"));
    QVERIFY(writeBytes(name, "{\"nope\": 1}"));
    for (const QStringList& args :
         {QStringList{"show", name}, QStringList{"run", "--from", name}}) {
      const tbtest::CliRun result = run(args);
      QVERIFY2(result.exitCode == 3, result.why());
      QVERIFY2(result.err.contains(QStringLiteral(" evil name.json")), result.why());
      QVERIFY2(!result.err.contains(QChar(0x202E)) && result.err.count(u'\n') == 1, result.why());
    }
  }

  // After "--" a name is a name: `show -- -x.json` was refused as an option given as a file.
  // "-" alone is still refused: it would mean standard input, which is not read.
  void nameAfterDoubleDashIsAFile() {
    const QString here = QDir::currentPath();
    QVERIFY(QDir::setCurrent(m_dir.path()));
    QVERIFY(writeBytes(QStringLiteral("-x.json"), "{\"nope\": 1}"));
    const tbtest::CliRun dashed = run({"show", "--", "-x.json"});
    const tbtest::CliRun dash = run({"show", "--", "-"});
    QVERIFY(QDir::setCurrent(here));
    QVERIFY2(dashed.exitCode == 3 && dashed.err.contains(QStringLiteral("-x.json:")), dashed.why());
    QVERIFY2(dash.exitCode == 2 && dash.err.contains(QStringLiteral("standard input")), dash.why());
  }

  // A small gzip whose header claims 2^32-1 images once took gigabytes, and under a memory limit
  // failed as a batch-size problem (exit 4). It is a data error, refused before any allocation
  // of the claimed size.
  void lyingImageCountIsDataError() {
    const QString data = m_dir.filePath("lying");
    QVERIFY(QDir().mkpath(data));
    QVERIFY(writeBytes(data + "/train-images-idx3-ubyte.gz", lyingGzipImages(32u << 20)));
    for (const char* name :
         {"train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
      QVERIFY(writeBytes(data + "/" + name, QByteArray("unused")));
    }
    const tbtest::CliRun result = run(
        {"run", "--workload", "fashion-mlp", "--data-dir", data, "--epochs", "1", "--no-probe"});
    QVERIFY2(result.exitCode == 3, result.why());
    QVERIFY2((result.out + result.err)
                 .contains("train-images-idx3-ubyte.gz: file is truncated: header promises "
                           "4294967295 images"),
             result.why());
  }

  // Training files of no images, and a data folder that is a file: each a data error naming
  // where, not "the training set is empty" or "data not found" (which sent the user to fetch).
  void emptyOrMisplacedDataIsNamed() {
    const QString empty = m_dir.filePath("no-images");
    QVERIFY(QDir().mkpath(empty));
    for (const auto& [name, bytes] : tbtest::mnistLayoutFiles(0, 8)) {
      QVERIFY(
          writeBytes(empty + "/" + QString::fromStdString(name), QByteArray::fromStdString(bytes)));
    }
    const tbtest::CliRun none = run({"run", "--data-dir", empty, "--epochs", "1", "--no-probe"});
    QVERIFY2(none.exitCode == 3, none.why());
    QVERIFY2(
        none.err.contains("the training files of fashion-mnist in " + empty + " hold no images"),
        none.why());
    const QString file = m_dir.filePath("data-file");
    QVERIFY(writeBytes(file, QByteArray("not a folder")));
    const tbtest::CliRun misplaced =
        run({"run", "--data-dir", file, "--epochs", "1", "--no-probe"});
    QVERIFY2(misplaced.exitCode == 3, misplaced.why());
    QVERIFY2(misplaced.err.contains("the data folder " + file + " is a file, not a folder"),
             misplaced.why());
  }
};

QTEST_GUILESS_MAIN(TestCliHostileFiles)
#include "tst_cli_hostile_files.moc"
