// Shared by the end-to-end fashion-mlp CLI tests (tst_cli, tst_cli_errors): a temporary folder
// with a small generated MNIST-layout dataset (256 train / 64 test images, plain and .gz files
// mixed), the environment every trainbench-cli process gets (TRAINBENCH_RESULTS_DIR,
// TRAINBENCH_DATA_DIR and XDG_DATA_HOME inside the folder), and IDX writers for breaking files.
#pragma once

#include "results/result_file.h"

#include "../support/cli_process.h"
#include "../support/idx_fixtures.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <vector>

namespace clitest {

using tbtest::Bytes;
using tbtest::CliRun;
using tbtest::readResult;

constexpr int kTrainImages = 256;
constexpr int kTestImages = 64;

// `count` random bytes below `bound`.
inline Bytes randomBytes(std::size_t count, int bound, QRandomGenerator& random) {
  Bytes bytes(count);
  for (auto& byte : bytes) byte = static_cast<std::uint8_t>(random.bounded(bound));
  return bytes;
}

// An IDX image file of `count` 28x28 images with random pixels.
inline Bytes imageFile(std::uint32_t count, QRandomGenerator& random) {
  return tbtest::idxImageFile(count, 28, 28,
                              randomBytes(std::size_t{count} * 28 * 28, 256, random));
}

// An IDX label file of `count` random labels 0..9.
inline Bytes labelFile(std::uint32_t count, QRandomGenerator& random) {
  return tbtest::idxLabelFile(randomBytes(count, 10, random));
}

// Writes `bytes` to `path`, gzip-compressed when the name ends in ".gz"; false on any failure.
inline bool writeFile(const QString& path, const Bytes& bytes) {
  return tbtest::writeIdxFile(path, bytes, path.endsWith(QLatin1String(".gz")));
}

inline QStringList smallSyntheticRun(const QString& epochs = QStringLiteral("1")) {
  return {"run", "--synthetic", "--train-limit", "256",       "--test-limit",
          "64",  "--epochs",    epochs,          "--threads", "1"};
}

inline QString statusOf(const tb::RunResult& result) {
  return QString::fromLatin1(tb::toString(result.status));
}

// Every file in `folder`, hidden ones (a leftover ".name.tmp-XXXXXX") included.
inline QStringList filesIn(const QString& folder) {
  return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

// Base of the test classes: they call setUpFixture() from initTestCase() and startTest() from
// init(). (No Q_OBJECT: the slots live in the derived classes.)
class CliTestBase : public QObject {
 protected:
  QTemporaryDir m_dir;
  QString m_cli;
  QString m_data;      // the four IDX files: 256 train / 64 test, plain and .gz mixed
  QString m_results;   // TRAINBENCH_RESULTS_DIR: one fresh folder per test function (and row)
  QString m_dataRoot;  // TRAINBENCH_DATA_DIR: empty unless a test fills it
  QRandomGenerator m_random{20261126};

  QString path(const QString& name) const { return m_dir.filePath(name); }

  void setUpFixture() {
    QVERIFY(m_dir.isValid());
    m_cli = qEnvironmentVariable("TRAINBENCH_CLI");
    QVERIFY2(QFileInfo(m_cli).isExecutable(), "TRAINBENCH_CLI must name the built trainbench-cli");
    m_data = path(QStringLiteral("fashion"));
    QVERIFY(writeDataset(m_data));
    m_dataRoot = path(QStringLiteral("data-root"));
    QVERIFY(QDir().mkpath(m_dataRoot));
  }

  void startTest() {
    QString name = QString::fromLatin1(QTest::currentTestFunction());
    if (QTest::currentDataTag() != nullptr)
      name += '_' + QString::fromLatin1(QTest::currentDataTag());
    m_results = path(QStringLiteral("results/") + name);
  }

  // Writes an MNIST-layout folder; the train labels and test images are gzip-compressed.
  bool writeDataset(const QString& folder, Bytes* testImages = nullptr,
                    Bytes* trainLabels = nullptr) {
    Bytes images = imageFile(kTestImages, m_random);
    Bytes labels = labelFile(kTrainImages, m_random);
    if (testImages != nullptr) *testImages = images;
    if (trainLabels != nullptr) *trainLabels = labels;
    return QDir().mkpath(folder) &&
           writeFile(folder + "/train-images-idx3-ubyte", imageFile(kTrainImages, m_random)) &&
           writeFile(folder + "/train-labels-idx1-ubyte.gz", labels) &&
           writeFile(folder + "/t10k-images-idx3-ubyte.gz", images) &&
           writeFile(folder + "/t10k-labels-idx1-ubyte", labelFile(kTestImages, m_random));
  }

  QProcessEnvironment environment() const {
    return tbtest::cliEnvironment(m_results, m_dataRoot, path(QStringLiteral("xdg")));
  }

  CliRun runCli(const QStringList& args, int timeoutMs = 60000) const {
    return tbtest::runCli(m_cli, args, environment(), timeoutMs);
  }
};

}  // namespace clitest
