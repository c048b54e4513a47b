// Tests for the CIFAR-10 binary reader: the extracted folder and the .tar.gz give the same exact
// uint8 data, every broken file or archive is one clear DataError naming it, and the registry
// finds each layout users end up with.
#include "data/cifar_reader.h"
#include "data/data_paths.h"
#include "data/dataset_registry.h"

#include "../support/cifar_fixture.h"
#include "../support/fifo_guard.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

namespace {

constexpr std::int64_t kRecords = 4;  // per file in the small fixtures

// Runs `read` and checks it throws a DataError mentioning every fragment; fails on anything else.
void expectDataError(const std::function<void()>& read, const QStringList& fragments) {
  try {
    read();
  } catch (const tb::DataError& error) {
    const QString message = QString::fromStdString(error.what());
    for (const QString& fragment : fragments) {
      QVERIFY2(message.contains(fragment),
               qPrintable(QStringLiteral("'%1' lacks '%2'").arg(message, fragment)));
    }
    return;
  } catch (const std::exception& error) {
    QFAIL(qPrintable(QStringLiteral("not a DataError: ") + QString::fromUtf8(error.what())));
  }
  QFAIL("no DataError thrown");
}

// The image the fixture wrote for a record with `label`, as the reader must return it.
torch::Tensor expectedImage(std::uint8_t label) {
  auto image = torch::empty({3, fixture::kSide, fixture::kSide}, torch::kUInt8);
  auto access = image.accessor<std::uint8_t, 3>();
  for (std::int64_t c = 0; c < 3; ++c)
    for (std::int64_t y = 0; y < fixture::kSide; ++y)
      for (std::int64_t x = 0; x < fixture::kSide; ++x)
        access[c][y][x] = fixture::pixel(label, c, y, x);
  return image;
}

std::string str(const QString& text) { return text.toStdString(); }

}  // namespace

class TestCifarReader : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;

  QString path(const QString& name) const { return m_dir.filePath(name); }

  // A fresh folder holding the six small batch files.
  QString smallFolder(const QString& name) {
    const QString folder = path(name);
    if (!QDir().mkpath(folder) || !fixture::writeFolder(str(folder), kRecords)) return QString();
    return folder;
  }

  // Checks the splits hold the small fixtures: 5 x 4 train records in file order, 4 test ones.
  void verifySmallSplits(const tb::DatasetSplits& splits) {
    QCOMPARE(splits.train.images.sizes().vec(), (std::vector<std::int64_t>{20, 3, 32, 32}));
    QCOMPARE(splits.train.images.scalar_type(), torch::kUInt8);
    QCOMPARE(splits.train.labels.scalar_type(), torch::kInt64);
    QCOMPARE(splits.test.size(), kRecords);
    for (int file = 0; file < 6; ++file) {
      const tb::LabelledImages& split = file < 5 ? splits.train : splits.test;
      for (std::int64_t i = 0; i < kRecords; ++i) {
        const std::int64_t row = (file < 5 ? file * kRecords : 0) + i;
        const std::uint8_t label = fixture::label(file, i);
        QCOMPARE(split.labels[row].item<std::int64_t>(), std::int64_t{label});
        QVERIFY(torch::equal(split.images[row], expectedImage(label)));
      }
    }
  }

 private Q_SLOTS:
  void initTestCase() { QVERIFY(m_dir.isValid()); }

  // The R, G and B planes must land in channels 0, 1, 2 unchanged, labels as int64, data uint8.
  void parsesRecordsIntoChannelFirstUint8() {
    const fixture::Bytes bytes = fixture::batch(2, kRecords);
    const tb::LabelledImages batch = tb::parseCifarBatch(bytes.data(), bytes.size(), "x", kRecords);
    QCOMPARE(batch.images.sizes().vec(), (std::vector<std::int64_t>{kRecords, 3, 32, 32}));
    QCOMPARE(batch.images.scalar_type(), torch::kUInt8);
    for (std::int64_t i = 0; i < kRecords; ++i) {
      QCOMPARE(batch.labels[i].item<std::int64_t>(), std::int64_t{fixture::label(2, i)});
      QVERIFY(torch::equal(batch.images[i], expectedImage(fixture::label(2, i))));
    }
  }

  // The extracted folder: five train files concatenated in order, then the test file.
  void readsFolderInFileOrder() {
    const QString folder = smallFolder(QStringLiteral("good"));
    QVERIFY(!folder.isEmpty());
    verifySmallSplits(tb::readCifarFolder(str(folder), kRecords));
  }

  // Reading the downloaded archive directly must give exactly the extracted folder's data.
  void readsArchiveWithoutExtracting() {
    const QString archive = path(QStringLiteral("good.tar.gz"));
    QVERIFY(fixture::writeArchive(str(archive), kRecords));
    const tb::DatasetSplits splits = tb::readCifarArchive(str(archive), kRecords);
    verifySmallSplits(splits);
    QCOMPARE(QString::fromStdString(splits.location), archive);
  }

  // A download cut short by one byte must be refused, naming the file, not half-read.
  void shortFileNamesFile() {
    const QString folder = smallFolder(QStringLiteral("short"));
    fixture::Bytes bytes = fixture::batch(3, kRecords);
    bytes.pop_back();
    const QString broken = folder + "/data_batch_4.bin";
    QVERIFY(fixture::writeFile(str(broken), bytes));
    expectDataError([&] { tb::readCifarFolder(str(folder), kRecords); },
                    {broken, QStringLiteral("truncated"), QString::number(bytes.size())});
    // The real size is the default: a 4-record file is far too short for it.
    expectDataError([&] { tb::readCifarBatch(str(broken)); }, {broken, QStringLiteral("30730000")});
  }

  // Label 10 would index past the 10 outputs; it must be an error naming file and record.
  void labelTenNamesFileAndRecord() {
    const QString folder = smallFolder(QStringLiteral("label10"));
    fixture::Bytes bytes = fixture::batch(5, kRecords);
    bytes[static_cast<std::size_t>(2 * fixture::kRecordBytes)] = 10;
    const QString broken = folder + "/test_batch.bin";
    QVERIFY(fixture::writeFile(str(broken), bytes));
    expectDataError([&] { tb::readCifarFolder(str(folder), kRecords); },
                    {broken, QStringLiteral("label 10 in record 2")});
  }

  // A half-copied folder must say which files it lacks.
  void missingFileNamesIt() {
    const QString folder = smallFolder(QStringLiteral("missing"));
    QVERIFY(QFile::remove(folder + "/data_batch_2.bin"));
    expectDataError([&] { tb::readCifarFolder(str(folder), kRecords); },
                    {folder + "/data_batch_2.bin", QStringLiteral("missing")});
  }

  void unsafeMemberRefused_data() {
    QTest::addColumn<QString>("member");
    QTest::newRow("dot-dot") << QStringLiteral("cifar-10-batches-bin/../../evil.bin");
    QTest::newRow("leading-dot-dot") << QStringLiteral("../data_batch_1.bin");
    QTest::newRow("absolute") << QStringLiteral("/etc/data_batch_1.bin");
  }
  // An archive with a member that could escape its folder is not trusted at all.
  void unsafeMemberRefused() {
    QFETCH(QString, member);
    const QString archive = path(QStringLiteral("unsafe-%1.tar.gz").arg(QTest::currentDataTag()));
    {
      fixture::TarGzWriter tar(str(archive));
      tar.add(str(member), fixture::batch(0, kRecords));
      for (int file = 0; file < 6; ++file) {
        tar.add(std::string("cifar-10-batches-bin/") + fixture::kBatchFiles[file],
                fixture::batch(file, kRecords));
      }
      QVERIFY(tar.close());
    }
    expectDataError([&] { tb::readCifarArchive(str(archive), kRecords); },
                    {archive, member, QStringLiteral("refusing")});
  }

  // An archive without the test batch must name the member it lacks.
  void missingMemberNamesIt() {
    const QString archive = path(QStringLiteral("no-test.tar.gz"));
    {
      fixture::TarGzWriter tar(str(archive));
      for (int file = 0; file < 5; ++file) {
        tar.add(std::string("cifar-10-batches-bin/") + fixture::kBatchFiles[file],
                fixture::batch(file, kRecords));
      }
      QVERIFY(tar.close());
    }
    expectDataError([&] { tb::readCifarArchive(str(archive), kRecords); },
                    {archive, QStringLiteral("lacks cifar-10-batches-bin/test_batch.bin")});
  }

  // A short member inside the archive names both the archive and the member.
  void shortMemberNamesArchiveAndMember() {
    const QString archive = path(QStringLiteral("short-member.tar.gz"));
    {
      fixture::TarGzWriter tar(str(archive));
      for (int file = 0; file < 6; ++file) {
        fixture::Bytes bytes = fixture::batch(file, kRecords);
        if (file == 2) bytes.resize(bytes.size() - 100);
        tar.add(std::string("cifar-10-batches-bin/") + fixture::kBatchFiles[file], bytes);
      }
      QVERIFY(tar.close());
    }
    expectDataError(
        [&] { tb::readCifarArchive(str(archive), kRecords); },
        {archive + ": cifar-10-batches-bin/data_batch_3.bin", QStringLiteral("truncated")});
  }

  // An interrupted download leaves a cut-off .tar.gz; that must be an error, not partial data.
  void cutOffArchiveNamesIt() {
    const QString good = path(QStringLiteral("to-cut.tar.gz"));
    QVERIFY(fixture::writeArchive(str(good), kRecords));
    QFile file(good);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.resize(file.size() / 2));
    file.close();
    expectDataError([&] { tb::readCifarArchive(str(good), kRecords); }, {good});
    // A missing archive is named as such.
    const QString absent = path(QStringLiteral("absent.tar.gz"));
    expectDataError([&] { tb::readCifarArchive(str(absent)); },
                    {absent, QStringLiteral("missing")});
  }

  void fifoRefusedWithoutBlocking_data() {
    QTest::addColumn<bool>("archive");
    QTest::newRow("batch file") << false;
    QTest::newRow("archive") << true;
  }
  // A FIFO as a batch file or as the archive once could block the reader in open(); it must be
  // refused at once and by name. The 10 s wait only keeps a regression from hanging the suite.
  void fifoRefusedWithoutBlocking() {
    QFETCH(bool, archive);
    tbtest::Fifo fifo(
        str(path(archive ? QStringLiteral("fifo.tar.gz") : QStringLiteral("fifo.bin"))));
    QVERIFY(fifo.ok());
    bool timedOut = false;
    const std::string error = fifo.errorOf(
        [&] {
          if (archive) {
            tb::readCifarArchive(fifo.path(), kRecords);
          } else {
            tb::readCifarBatch(fifo.path(), kRecords);
          }
        },
        timedOut);
    QVERIFY2(!timedOut, "the reader blocked on a FIFO");
    QCOMPARE(QString::fromStdString(error),
             QString::fromStdString(fifo.path() + ": not a regular file (it is a FIFO)"));
  }

  // The real sizes through the registry: the downloaded archive in <root>/cifar10/ is found and
  // read into 50 000 + 10 000 uint8 images (~184 MB), and an extracted folder beside it wins.
  void registryFindsRealSizeLayouts() {
    const QString root = path(QStringLiteral("root"));
    QVERIFY(QDir().mkpath(root + "/cifar10"));
    const QString archive = root + "/cifar10/cifar-10-binary.tar.gz";
    QVERIFY(fixture::writeArchive(str(archive), fixture::kRealRecords));
    const auto cifar = tb::findDataset("cifar10");
    QVERIFY(cifar.has_value());
    QCOMPARE(QString::fromStdString(tb::findDatasetFolder("cifar10", str(root)).value_or("")),
             archive);
    {
      const tb::DatasetSplits splits = tb::loadDataset(*cifar, str(root));
      QCOMPARE(splits.train.size(), cifar->trainSamples);
      QCOMPARE(splits.test.size(), cifar->testSamples);
      QCOMPARE(splits.train.images.scalar_type(), torch::kUInt8);
      QCOMPARE(splits.train.images.nbytes(), std::size_t{50000 * 3072});  // 154 MB, not 4x that
      QCOMPARE(splits.train.labels[49999].item<std::int64_t>(),
               std::int64_t{fixture::label(4, 9999)});
      QVERIFY(torch::equal(splits.test.images[9999], expectedImage(fixture::label(5, 9999))));
    }
    const QString extracted = root + "/cifar10/cifar-10-batches-bin";
    QVERIFY(QDir().mkpath(extracted));
    QVERIFY(fixture::writeFolder(str(extracted), fixture::kRealRecords));
    QCOMPARE(QString::fromStdString(tb::findDatasetFolder("cifar10", str(root)).value_or("")),
             extracted);
    QCOMPARE(QString::fromStdString(tb::loadDataset(*cifar, str(root)).location), extracted);
    // `tar xzf` cut short leaves a truncated batch: the archive beside it is read instead.
    QFile batch(extracted + "/data_batch_5.bin");
    QVERIFY(batch.open(QIODevice::ReadWrite));
    QVERIFY(batch.resize(1000000));
    batch.close();
    QCOMPARE(QString::fromStdString(tb::loadDataset(*cifar, str(root)).location), archive);
    // Without a good archive, the folder's problem is the one reported.
    QVERIFY(QFile::remove(archive));
    expectDataError([&] { tb::loadDataset(*cifar, str(root)); },
                    {extracted + "/data_batch_5.bin", QStringLiteral("truncated")});
  }

  // With nothing there, the message says where it looked and offers --synthetic.
  void notFoundSaysWhereItLooked() {
    const QString root = path(QStringLiteral("empty"));
    QVERIFY(QDir().mkpath(root));
    QVERIFY(!tb::findDatasetFolder("cifar10", str(root)).has_value());
    expectDataError([&] { tb::loadDataset(*tb::findDataset("cifar10"), str(root)); },
                    {QStringLiteral("cifar10 data not found"), root + " and " + root + "/cifar10",
                     QStringLiteral("cifar-10-binary.tar.gz"), QStringLiteral("--synthetic")});
  }
};

QTEST_GUILESS_MAIN(TestCifarReader)
#include "tst_cifar_reader.moc"
