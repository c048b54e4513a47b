// Tests for the synthetic dataset, takeFirst, fingerprints and the dataset registry (finding files
// on disk).
#include "data/dataset_registry.h"
#include "data/dataset_sources.h"
#include "data/synthetic.h"

#include "../support/idx_fixtures.h"
#include "../support/scoped_env.h"

#include <torch/torch.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <vector>

namespace {

using tbtest::Bytes;
using tbtest::ScopedEnv;

// A complete, tiny MNIST-style folder: `train` and `test` samples of 28x28 with labels i % 10.
void writeMnistFolder(const QString& folder, std::uint32_t train, std::uint32_t test) {
  QVERIFY(QDir().mkpath(folder));
  const auto writeSplit = [&folder](const QString& prefix, std::uint32_t count) {
    const Bytes pixels(std::size_t{count} * 28 * 28, 17);
    QVERIFY(tbtest::writeIdxFile(folder + "/" + prefix + "-images-idx3-ubyte",
                                 tbtest::idxImageFile(count, 28, 28, pixels), false));
    Bytes labels(count);
    for (std::uint32_t i = 0; i < count; ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
    QVERIFY(tbtest::writeIdxFile(folder + "/" + prefix + "-labels-idx1-ubyte",
                                 tbtest::idxLabelFile(labels), false));
  };
  writeSplit("train", train);
  writeSplit("t10k", test);
}

// The ten classes' images in MNIST's official test file (Fashion-MNIST's has 1000 of each).
const std::vector<int> kMnistTestCounts = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};

// Replaces the test labels in `folder` with `counts[c]` labels of each class c (and as many test
// images), so the folder's test set looks like one dataset or the other.
void writeTestClassCounts(const QString& folder, const std::vector<int>& counts) {
  Bytes labels;
  for (std::size_t label = 0; label < counts.size(); ++label) {
    labels.insert(labels.end(), static_cast<std::size_t>(counts[label]),
                  static_cast<std::uint8_t>(label));
  }
  const auto count = static_cast<std::uint32_t>(labels.size());
  QVERIFY(tbtest::writeIdxFile(folder + "/t10k-labels-idx1-ubyte", tbtest::idxLabelFile(labels),
                               false));
  QVERIFY(tbtest::writeIdxFile(folder + "/t10k-images-idx3-ubyte",
                               tbtest::idxImageFile(count, 28, 28, Bytes(count * 28 * 28, 9)),
                               false));
}

const tb::ImageShape kMnistShape{1, 28, 28};

}  // namespace

class TestSyntheticData : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;

 private Q_SLOTS:
  void initTestCase() { QVERIFY(m_dir.isValid()); }

  // Benchmarks compare runs: the same seed must give the very same data.
  void sameSeedGivesIdenticalData() {
    const auto a = tb::makeSyntheticDataset(kMnistShape, 300, 100, 10, 42);
    const auto b = tb::makeSyntheticDataset(kMnistShape, 300, 100, 10, 42);
    QVERIFY(torch::equal(a.train.images, b.train.images));
    QVERIFY(torch::equal(a.train.labels, b.train.labels));
    QVERIFY(torch::equal(a.test.images, b.test.images));
    QVERIFY(torch::equal(a.test.labels, b.test.labels));
  }

  // The seed must actually matter, and train and test must be different samples.
  void differentSeedGivesDifferentData() {
    const auto a = tb::makeSyntheticDataset(kMnistShape, 300, 300, 10, 1);
    const auto b = tb::makeSyntheticDataset(kMnistShape, 300, 300, 10, 2);
    QVERIFY(!torch::equal(a.train.images, b.train.images));
    QVERIFY(!torch::equal(a.train.labels, b.train.labels));
    QVERIFY(!torch::equal(a.train.images, a.test.images));
  }

  // Trainers and the telemetry expect exactly this layout: uint8 (N,C,H,W), int64 (N).
  void hasRequestedShapesAndTypes() {
    const auto data = tb::makeSyntheticDataset(tb::ImageShape{3, 8, 12}, 50, 20, 4, 7);
    QCOMPARE(data.train.images.sizes().vec(), (std::vector<std::int64_t>{50, 3, 8, 12}));
    QCOMPARE(data.test.images.sizes().vec(), (std::vector<std::int64_t>{20, 3, 8, 12}));
    QCOMPARE(data.train.images.scalar_type(), torch::kUInt8);
    QCOMPARE(data.train.labels.scalar_type(), torch::kInt64);
    QCOMPARE(data.test.labels.sizes().vec(), (std::vector<std::int64_t>{20}));
    QCOMPARE(QString::fromStdString(data.source), QStringLiteral("synthetic"));
    QVERIFY(data.location.empty());
    const auto empty = tb::makeSyntheticDataset(kMnistShape, 0, 0, 10, 7);
    QCOMPARE(empty.train.size(), std::int64_t{0});
  }

  // Labels outside 0..K-1 would crash the loss; a missing class would skew accuracy.
  void labelsInRangeAndAllClassesPresent() {
    const auto data = tb::makeSyntheticDataset(kMnistShape, 2000, 500, 10, 3);
    QCOMPARE(data.train.labels.min().item<std::int64_t>(), std::int64_t{0});
    QCOMPARE(data.train.labels.max().item<std::int64_t>(), std::int64_t{9});
    const torch::Tensor counts = torch::bincount(data.train.labels, {}, 10);
    QVERIFY(counts.min().item<std::int64_t>() > 100);
  }

  // Generating data must not shift the caller's torch::manual_seed sequence (model init).
  void leavesGlobalRngAlone() {
    torch::manual_seed(123);
    const torch::Tensor expected = torch::rand({8});
    torch::manual_seed(123);
    tb::makeSyntheticDataset(kMnistShape, 100, 10, 10, 5);
    QVERIFY(torch::equal(torch::rand({8}), expected));
  }

  // Curves should look like training: clearly learnable, but not solved perfectly at once.
  void learnableButNotTrivial() {
    const auto data = tb::makeSyntheticDataset(kMnistShape, 1000, 1000, 10, 11);
    const torch::Tensor x = data.train.images.reshape({1000, -1}).to(torch::kFloat32);
    const torch::Tensor counts = torch::bincount(data.train.labels, {}, 10).to(torch::kFloat32);
    const torch::Tensor centroids =
        torch::zeros({10, x.size(1)}).index_add_(0, data.train.labels, x) / counts.unsqueeze(1);
    const torch::Tensor xt = data.test.images.reshape({1000, -1}).to(torch::kFloat32);
    const torch::Tensor predicted = torch::cdist(xt, centroids).argmin(1);
    const double accuracy =
        (predicted == data.test.labels).to(torch::kFloat64).mean().item<double>();
    QVERIFY2(accuracy > 0.7 && accuracy < 0.99, qPrintable(QString::number(accuracy)));
  }

  // --limit relies on takeFirst keeping the leading samples and 0 meaning "all".
  void takeFirstKeepsLeadingSamples() {
    const auto data = tb::makeSyntheticDataset(kMnistShape, 30, 0, 10, 9);
    const tb::LabelledImages first = tb::takeFirst(data.train, 12);
    QCOMPARE(first.size(), std::int64_t{12});
    QVERIFY(torch::equal(first.images, data.train.images.narrow(0, 0, 12)));
    QCOMPARE(tb::takeFirst(data.train, 0).size(), std::int64_t{30});
    QCOMPARE(tb::takeFirst(data.train, 1000).size(), std::int64_t{30});
  }

  // Custom files are told apart by their fingerprint: the same data gives the same one, a single
  // pixel or label changed (or a split cut) another.
  void fingerprintTellsDataApart() {
    const auto data = tb::makeSyntheticDataset(kMnistShape, 30, 10, 10, 9);
    const std::string fingerprint = tb::dataFingerprint(data);
    QVERIFY2(QRegularExpression("^crc32 [0-9a-f]{8}$")
                 .match(QString::fromStdString(fingerprint))
                 .hasMatch(),
             fingerprint.c_str());
    QCOMPARE(tb::dataFingerprint(tb::makeSyntheticDataset(kMnistShape, 30, 10, 10, 9)),
             fingerprint);
    tb::DatasetSplits pixel = tb::makeSyntheticDataset(kMnistShape, 30, 10, 10, 9);
    pixel.test.images[9][0][27][27] += 1;
    QVERIFY(tb::dataFingerprint(pixel) != fingerprint);
    tb::DatasetSplits label = tb::makeSyntheticDataset(kMnistShape, 30, 10, 10, 9);
    label.train.labels[0] = (label.train.labels[0].item<std::int64_t>() + 1) % 10;
    QVERIFY(tb::dataFingerprint(label) != fingerprint);
    tb::DatasetSplits cut = data;
    cut.train = tb::takeFirst(data.train, 29);
    QVERIFY(tb::dataFingerprint(cut) != fingerprint);
  }

  // The CLI and GUI list these names; their shapes must match the real files.
  void registryKnowsMnistFamilies() {
    const auto fashion = tb::findDataset("fashion-mnist");
    QVERIFY(fashion.has_value());
    QCOMPARE(QString::fromStdString(fashion->title), QStringLiteral("Fashion-MNIST"));
    QCOMPARE(fashion->shape.height, std::int64_t{28});
    QCOMPARE(fashion->trainSamples, std::int64_t{60000});
    QCOMPARE(fashion->testSamples, std::int64_t{10000});
    QVERIFY(tb::findDataset("mnist").has_value());
    QVERIFY(!tb::findDataset("cifar-10").has_value());
  }

  // Files placed directly in --data-dir are found there.
  void loadsFromDataDirItself() {
    const QString dir = m_dir.filePath("flat");
    writeMnistFolder(dir, 20, 10);
    const auto splits = tb::loadDataset(*tb::findDataset("mnist"), dir.toStdString());
    QCOMPARE(splits.train.size(), std::int64_t{20});
    QCOMPARE(splits.test.size(), std::int64_t{10});
    QCOMPARE(QString::fromStdString(splits.location), dir);
  }

  // One root can hold several datasets, each in a folder named after it.
  void loadsFromNamedSubfolder() {
    const QString root = m_dir.filePath("root");
    writeMnistFolder(root + "/fashion-mnist", 12, 6);
    const auto splits = tb::loadDataset(*tb::findDataset("fashion-mnist"), root.toStdString());
    QCOMPARE(splits.train.size(), std::int64_t{12});
    QCOMPARE(QString::fromStdString(splits.location), root + "/fashion-mnist");
  }

  // MNIST and Fashion-MNIST use the same file names: a --data-dir named after MNIST is not
  // read as Fashion-MNIST (the run would train on digits, recorded as clothes), and says why.
  void folderNamedForAnotherDatasetIsNotTaken() {
    const QString mnist = m_dir.filePath("named/mnist");
    writeMnistFolder(mnist, 8, 4);
    QVERIFY(!tb::findDatasetFolder("fashion-mnist", mnist.toStdString()).has_value());
    const auto found = tb::findDatasetFolder("mnist", mnist.toStdString());
    QCOMPARE(QString::fromStdString(found.value_or("")), mnist);
    try {
      tb::loadDataset(*tb::findDataset("fashion-mnist"), mnist.toStdString());
      QFAIL("MNIST's files were read as Fashion-MNIST");
    } catch (const tb::DataError& error) {
      const QString message = QString::fromStdString(error.what());
      QVERIFY2(message.contains(mnist + " is named for mnist"), qPrintable(message));
      // Its files were not looked at for Fashion-MNIST: the message did not say it looked there.
      QVERIFY2(message.contains("looked in " + mnist + "/fashion-mnist for"), qPrintable(message));
      QVERIFY2(!message.contains(QLatin1String(" lacks )")), qPrintable(message));
    }
    QCOMPARE(tb::loadDataset(*tb::findDataset("mnist"), mnist.toStdString()).train.size(),
             std::int64_t{8});
  }

  // `data status` agrees with the run: a folder named for MNIST does not show Fashion-MNIST as
  // present (it did, from the decompressed files' names and sizes alone).
  void statusOfAFolderNamedForAnotherDataset() {
    const QString mnist = m_dir.filePath("status-named/mnist");
    QVERIFY(QDir().mkpath(mnist));
    const auto source = tb::findDatasetSource("fashion-mnist");
    QVERIFY(source);
    for (const auto& file : source->files) {
      for (const auto& [name, size] : file.alternatives.front().files) {
        QFile copy(mnist + '/' + QString::fromStdString(name));
        QVERIFY(copy.open(QIODevice::WriteOnly) && copy.resize(size));  // sparse: no disk used
      }
    }
    const auto status = tb::datasetStatus(*source, mnist.toStdString());
    QVERIFY(status.state != tb::DatasetState::Present);
    QCOMPARE(QString::fromStdString(status.folder), mnist + "/fashion-mnist");
  }

  // The two datasets' decompressed files also have the same sizes: a flat folder of MNIST's
  // digits is told from Fashion-MNIST by its test set's images per class, and refused (the
  // run would train on digits recorded as clothes), unless the dataset's own folder is there.
  void flatFolderOfAnotherDatasetIsRefused() {
    const QString flat = m_dir.filePath("flat-digits");
    writeMnistFolder(flat, 10, 0);
    writeTestClassCounts(flat, kMnistTestCounts);
    const auto fashion = *tb::findDataset("fashion-mnist");
    try {
      tb::loadDataset(fashion, flat.toStdString());
      QFAIL("MNIST's digits were read as Fashion-MNIST");
    } catch (const tb::DataError& error) {
      const QString message = QString::fromStdString(error.what());
      QVERIFY2(message.startsWith(flat + " holds MNIST, not Fashion-MNIST"), qPrintable(message));
      QVERIFY2(message.contains("980, 1135, 1032"), qPrintable(message));
      QVERIFY2(message.contains(flat + "/fashion-mnist"), qPrintable(message));
    }
    QCOMPARE(tb::loadDataset(*tb::findDataset("mnist"), flat.toStdString()).test.size(),
             std::int64_t{10000});
    // The app's data check agrees: no Fashion-MNIST here (so it offers the download).
    QVERIFY(!tb::findDatasetFolder("fashion-mnist", flat.toStdString()).has_value());
    const auto digits = tb::findDatasetFolder("mnist", flat.toStdString());
    QCOMPARE(QString::fromStdString(digits.value_or("")), flat);

    // Fashion-MNIST's own folder beside the digits is used instead.
    writeMnistFolder(flat + "/fashion-mnist", 10, 0);
    writeTestClassCounts(flat + "/fashion-mnist", std::vector<int>(10, 1000));
    const auto splits = tb::loadDataset(fashion, flat.toStdString());
    QCOMPARE(QString::fromStdString(splits.location), flat + "/fashion-mnist");
    QCOMPARE(QString::fromStdString(tb::findDatasetFolder("fashion-mnist", flat.toStdString())
                                        .value_or("")),
             flat + "/fashion-mnist");

    // A folder named after Fashion-MNIST that holds the digits: its files are to be replaced.
    const QString named = m_dir.filePath("named-wrong/fashion-mnist");
    writeMnistFolder(named, 10, 0);
    writeTestClassCounts(named, kMnistTestCounts);
    try {
      tb::loadDataset(fashion, named.toStdString());
      QFAIL("MNIST's digits in a fashion-mnist folder were read as Fashion-MNIST");
    } catch (const tb::DataError& error) {
      const QString message = QString::fromStdString(error.what());
      QVERIFY2(message.startsWith(named + " holds MNIST"), qPrintable(message));
      QVERIFY2(message.endsWith(QLatin1String("replace its files with Fashion-MNIST's")),
               qPrintable(message));
    }

    // And the other way round: Fashion-MNIST's balanced test set is not taken for MNIST's.
    const QString clothes = m_dir.filePath("flat-clothes");
    writeMnistFolder(clothes, 10, 0);
    writeTestClassCounts(clothes, std::vector<int>(10, 1000));
    try {
      tb::loadDataset(*tb::findDataset("mnist"), clothes.toStdString());
      QFAIL("Fashion-MNIST's clothes were read as MNIST");
    } catch (const tb::DataError& error) {
      const QString message = QString::fromStdString(error.what());
      QVERIFY2(message.contains("holds Fashion-MNIST, not MNIST: its test set has 1000 of each "
                                "class"),
               qPrintable(message));
    }
  }

  // When nothing is found, the message must say where it looked and how to fix it.
  void reportsWhereItLooked() {
    const QString root = m_dir.filePath("empty");
    QVERIFY(QDir().mkpath(root));
    try {
      tb::loadDataset(*tb::findDataset("fashion-mnist"), root.toStdString());
      QFAIL("expected DataError");
    } catch (const tb::DataError& error) {
      const QString message = QString::fromStdString(error.what());
      QVERIFY2(message.startsWith("fashion-mnist data not found"), qPrintable(message));
      QVERIFY2(message.contains(root + " and " + root + "/fashion-mnist"), qPrintable(message));
      QVERIFY2(message.contains("train-images-idx3-ubyte[.gz]"), qPrintable(message));
      QVERIFY2(message.contains("--synthetic"), qPrintable(message));
    }
  }

  // TRAINBENCH_DATA_DIR overrides XDG_DATA_HOME, which overrides ~/.local/share.
  void defaultRootHonoursEnvironment() {
    const QString dir = m_dir.filePath("env-root");
    {
      const ScopedEnv data("TRAINBENCH_DATA_DIR", QFile::encodeName(dir));
      const ScopedEnv xdg("XDG_DATA_HOME", "/xdg");
      QCOMPARE(QString::fromStdString(tb::defaultDataRoot()), dir);
      writeMnistFolder(dir + "/mnist", 5, 5);
      const auto splits = tb::loadDataset(*tb::findDataset("mnist"), "");
      QCOMPARE(QString::fromStdString(splits.location), dir + "/mnist");
    }
    {
      const ScopedEnv data("TRAINBENCH_DATA_DIR", QByteArray());
      const ScopedEnv xdg("XDG_DATA_HOME", "/xdg");
      QCOMPARE(QString::fromStdString(tb::defaultDataRoot()),
               QStringLiteral("/xdg/trainbench/datasets"));
    }
    {
      const ScopedEnv data("TRAINBENCH_DATA_DIR", QByteArray());
      const ScopedEnv xdg("XDG_DATA_HOME", QByteArray());
      const ScopedEnv home("HOME", "/home/someone");
      QCOMPARE(QString::fromStdString(tb::defaultDataRoot()),
               QStringLiteral("/home/someone/.local/share/trainbench/datasets"));
    }
  }
};

QTEST_GUILESS_MAIN(TestSyntheticData)
#include "tst_synthetic_data.moc"
