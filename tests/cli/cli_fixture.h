// Shared by the end-to-end fashion-mlp CLI tests (tst_cli, tst_cli_errors): a temporary folder
// with a small generated MNIST-layout dataset (256 train / 64 test images, plain and .gz files
// mixed), the environment every trainbench-cli process gets (TRAINBENCH_RESULTS_DIR,
// TRAINBENCH_DATA_DIR and XDG_DATA_HOME inside the folder), and IDX writers for breaking files.
#pragma once

#include "results/result_file.h"

#include "../support/cli_process.h"

#include <zlib.h>

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

using tbtest::CliRun;
using tbtest::readResult;
using Bytes = std::vector<std::uint8_t>;

constexpr int kTrainImages = 256;
constexpr int kTestImages = 64;

inline void appendBigEndian32(Bytes& bytes, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes.push_back(static_cast<std::uint8_t>(value >> shift));
}

// An IDX image file of `count` 28x28 images with random pixels.
inline Bytes imageFile(std::uint32_t count, QRandomGenerator& random) {
  Bytes bytes;
  for (std::uint32_t field : {0x00000803u, count, 28u, 28u}) appendBigEndian32(bytes, field);
  for (std::uint32_t i = 0; i < count * 28 * 28; ++i) {
    bytes.push_back(static_cast<std::uint8_t>(random.bounded(256)));
  }
  return bytes;
}

// An IDX label file of `count` random labels 0..9.
inline Bytes labelFile(std::uint32_t count, QRandomGenerator& random) {
  Bytes bytes;
  appendBigEndian32(bytes, 0x00000801);
  appendBigEndian32(bytes, count);
  for (std::uint32_t i = 0; i < count; ++i)
    bytes.push_back(static_cast<std::uint8_t>(random.bounded(10)));
  return bytes;
}

// Writes `bytes` to `path`, gzip-compressed when the name ends in ".gz"; false on any failure.
inline bool writeFile(const QString& path, const Bytes& bytes) {
  if (path.endsWith(QLatin1String(".gz"))) {
    gzFile file = gzopen(QFile::encodeName(path).constData(), "wb");
    if (file == nullptr) return false;
    const bool written = gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) ==
                         static_cast<int>(bytes.size());
    return gzclose(file) == Z_OK && written;
  }
  QFile file(path);
  const auto size = static_cast<qint64>(bytes.size());
  return file.open(QIODevice::WriteOnly) &&
         file.write(reinterpret_cast<const char*>(bytes.data()), size) == size;
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
