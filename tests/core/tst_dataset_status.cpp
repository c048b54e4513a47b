// The on-disk status of the datasets (what `data status` prints and `fetch` skips), where
// downloads land, and the published sources every dataset needs. No network.
#include "data/dataset_sources.h"
#include "data/download.h"

#include "../support/download_fixtures.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <string>
#include <utility>

using namespace tb;
using tbtest::fileOf;
using tbtest::payload;
using tbtest::writeAll;

class DatasetStatusTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;
  const std::string m_big = payload(300 * 1000, 1);
  const std::string m_small = payload(1234, 2);

  QString folder(const char* name) const { return m_dir.filePath(QLatin1String(name)); }
  std::string folderStd(const char* name) const { return folder(name).toStdString(); }

  static bool sized(const QString& path, qint64 size) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.resize(size);  // sparse: quick
  }

  DatasetSource twoFiles() const {
    return DatasetSource{
        "toy", "Toy", {}, {fileOf("big.bin", m_big), fileOf("small.bin", m_small)}};
  }

 private Q_SLOTS:
  void initTestCase() { QVERIFY(m_dir.isValid()); }

  // Status tells missing from partial from present, and what is left to download.
  void statusTellsMissingPartialAndPresent() {
    const DatasetSource source = twoFiles();
    const std::string root = folderStd("status");
    DatasetStatus status = datasetStatus(source, root);
    QCOMPARE(status.state, DatasetState::Missing);
    QCOMPARE(status.folder, folderStd("status/toy"));
    QCOMPARE(status.bytesToFetch, source.totalBytes());

    QDir().mkpath(folder("status/toy"));
    writeAll(folder("status/toy/big.bin.part"), m_big.substr(0, 1000));
    status = datasetStatus(source, root);
    QCOMPARE(status.state, DatasetState::Partial);
    QCOMPARE(status.files[0].state, FileState::Partial);
    QCOMPARE(status.bytesToFetch, source.totalBytes() - 1000);

    writeAll(folder("status/toy/big.bin"), m_big);
    writeAll(folder("status/toy/small.bin"), std::string(m_small.size(), 'z'));
    status = datasetStatus(source, root);
    QCOMPARE(status.state, DatasetState::Present);  // sizes only: quick
    status = datasetStatus(source, root, /*verifyChecksums=*/true);
    QCOMPARE(status.state, DatasetState::Partial);
    QCOMPARE(status.files[1].state, FileState::Invalid);
  }

  // A copy extracted or decompressed by hand stands for the download only when whole: one
  // CIFAR-10 batch of six, or four empty IDX files, is not "present" (fetch would skip it and
  // the run fail); the six batches, or the four files at their sizes, are.
  void onlyWholeLocalCopiesCount() {
    const auto cifar = findDatasetSource("cifar10");
    QVERIFY(cifar);
    const QString batches = folder("local/cifar10/cifar-10-batches-bin");
    QVERIFY(QDir().mkpath(batches));
    QVERIFY(sized(batches + "/test_batch.bin", 30730000));
    QCOMPARE(datasetStatus(*cifar, folderStd("local")).state, DatasetState::Missing);
    for (int i = 1; i <= 5; ++i) {
      const qint64 size = i == 5 ? 100 : 30730000;
      QVERIFY(sized(batches + QStringLiteral("/data_batch_%1.bin").arg(i), size));
    }
    QCOMPARE(datasetStatus(*cifar, folderStd("local")).state, DatasetState::Missing);  // one short
    QVERIFY(sized(batches + "/data_batch_5.bin", 30730000));
    QCOMPARE(datasetStatus(*cifar, folderStd("local")).state, DatasetState::Present);

    const auto mnist = findDatasetSource("mnist");
    QVERIFY(mnist);
    const QString idx = folder("local/mnist");
    QVERIFY(QDir().mkpath(idx));
    const std::pair<const char*, qint64> plain[] = {{"train-images-idx3-ubyte", 47040016},
                                                    {"train-labels-idx1-ubyte", 60008},
                                                    {"t10k-images-idx3-ubyte", 7840016},
                                                    {"t10k-labels-idx1-ubyte", 10008}};
    for (const auto& [name, size] : plain) QVERIFY(sized(idx + "/" + name, 0));
    DatasetStatus status = datasetStatus(*mnist, folderStd("local"));
    QCOMPARE(status.state, DatasetState::Missing);
    QCOMPARE(status.bytesToFetch, mnist->totalBytes());
    for (const auto& [name, size] : plain) QVERIFY(sized(idx + "/" + name, size));
    status = datasetStatus(*mnist, folderStd("local"));
    QCOMPARE(status.state, DatasetState::Present);
    QCOMPARE(status.bytesToFetch, std::int64_t{0});
    // A wrong .gz beside the whole copy: present, as `fetch` (which then fetches nothing) and
    // `run` (which reads the copy) find it. Status once said "invalid" for ever after.
    writeAll(idx + "/t10k-labels-idx1-ubyte.gz", "junk");
    status = datasetStatus(*mnist, folderStd("local"));
    QCOMPARE(status.state, DatasetState::Present);
    QCOMPARE(status.bytesToFetch, std::int64_t{0});
  }

  // `run` reads the data folder's own files before DIR/<dataset>: with MNIST's files in both,
  // the status, and so a fetch or a repair, names the data folder. A damaged copy there is the
  // one to mend, not the good one under DIR/mnist that the run never reads.
  void statusLooksWhereRunReads() {
    const auto mnist = findDatasetSource("mnist");
    QVERIFY(mnist);
    const QString root = folder("both");
    QVERIFY(QDir().mkpath(root + "/mnist"));
    for (const auto& file : mnist->files) {
      for (const auto& [name, size] : file.alternatives.front().files) {
        QVERIFY(sized(root + "/mnist/" + QString::fromStdString(name), size));
        QVERIFY(sized(root + "/" + QString::fromStdString(name), size));
      }
    }
    DatasetStatus status = datasetStatus(*mnist, root.toStdString());
    QCOMPARE(status.state, DatasetState::Present);
    QCOMPARE(status.folder, root.toStdString());
    QVERIFY(sized(root + "/t10k-labels-idx1-ubyte", 8));  // cut short
    status = datasetStatus(*mnist, root.toStdString());
    QCOMPARE(status.folder, root.toStdString());
    QCOMPARE(status.state, DatasetState::Partial);
    QCOMPARE(status.bytesToFetch, mnist->files.back().size);
    QCOMPARE(datasetFetchFolder(*mnist, root.toStdString()), root.toStdString());

    // CIFAR-10 batches cut short in the root, the whole archive in DIR/cifar10: `run` falls back
    // to the archive, and the status says it is present there.
    const auto cifar = findDatasetSource("cifar10");
    const QString cifarRoot = folder("cifarboth");
    QVERIFY(QDir().mkpath(cifarRoot + "/cifar-10-batches-bin"));
    QVERIFY(QDir().mkpath(cifarRoot + "/cifar10"));
    for (const char* name : {"data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4",
                             "data_batch_5", "test_batch"}) {
      QVERIFY(sized(cifarRoot + "/cifar-10-batches-bin/" + name + ".bin", 100));
    }
    QVERIFY(sized(cifarRoot + "/cifar10/cifar-10-binary.tar.gz", cifar->files[0].size));
    status = datasetStatus(*cifar, cifarRoot.toStdString());
    QCOMPARE(status.state, DatasetState::Present);
    QCOMPARE(status.folder, (cifarRoot + "/cifar10").toStdString());
  }

  // Downloads land where `run` looks: <data root>/<dataset>, or a --data-dir named after it.
  void downloadsGoWhereRunLooks() {
    qputenv("TRAINBENCH_DATA_DIR", folder("root").toUtf8());
    QCOMPARE(datasetTargetFolder("mnist", ""), folderStd("root/mnist"));
    qunsetenv("TRAINBENCH_DATA_DIR");
    QCOMPARE(datasetTargetFolder("mnist", "/data"), std::string("/data/mnist"));
    QCOMPARE(datasetTargetFolder("mnist", "/data/mnist"), std::string("/data/mnist"));
    QCOMPARE(datasetTargetFolder("mnist", "/data/mnist/"), std::string("/data/mnist/"));
  }

  // Every dataset the app offers can be fetched: mirrors, sizes and a published MD5 each.
  void everyDatasetHasVerifiableSources() {
    for (const char* name : {"fashion-mnist", "mnist", "cifar10"}) {
      const auto source = findDatasetSource(name);
      QVERIFY2(source.has_value(), name);
      QVERIFY(!source->mirrors.empty());
      for (const auto& file : source->files) {
        QVERIFY(file.size > 0);
        QCOMPARE(file.md5.size(), std::size_t{32});
      }
    }
    QCOMPARE(formatBytes(findDatasetSource("fashion-mnist")->totalBytes()), std::string("30.9 MB"));
    QCOMPARE(formatBytes(findDatasetSource("cifar10")->totalBytes()), std::string("170.1 MB"));
  }
};

QTEST_GUILESS_MAIN(DatasetStatusTest)
#include "tst_dataset_status.moc"
