// Tests for the IDX reader: exact round trips and one clear DataError per kind of broken file.
#include "data/idx_reader.h"

#include "../support/fifo_guard.h"
#include "../support/idx_fixtures.h"

#include <sys/resource.h>
#include <zlib.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

namespace {

using tbtest::appendBigEndian32;
using tbtest::Bytes;
using tbtest::gzipWithZeros;

// A deterministic, position-dependent pattern so any shifted or swapped byte shows up.
Bytes pixelPattern(std::uint32_t count, std::uint32_t rows, std::uint32_t cols) {
  Bytes pixels(std::size_t{count} * rows * cols);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return pixels;
}

Bytes imageFile(std::uint32_t count, std::uint32_t rows = 28, std::uint32_t cols = 28,
                std::uint32_t magic = tbtest::kIdxImagesMagic) {
  return tbtest::idxImageFile(count, rows, cols, pixelPattern(count, rows, cols), magic);
}

Bytes labelFile(const Bytes& labels) { return tbtest::idxLabelFile(labels); }

Bytes labelsCounting(std::size_t count) {
  Bytes labels(count);
  for (std::size_t i = 0; i < count; ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
  return labels;
}

void writeFile(const QString& path, const Bytes& bytes, bool gzip = false) {
  QVERIFY2(tbtest::writeIdxFile(path, bytes, gzip), qPrintable(path));
}

torch::Tensor expectedImages(std::uint32_t count) {
  Bytes pixels = pixelPattern(count, 28, 28);
  return torch::from_blob(pixels.data(), {count, 1, 28, 28}, torch::kUInt8).clone();
}

// Runs `read` and checks it throws a DataError whose message starts with `path` and mentions
// `fragment`; anything else (no throw, bad_alloc, ...) fails the test.
template <typename Read>
void expectDataError(Read read, const QString& path, const QString& fragment) {
  try {
    read();
  } catch (const tb::DataError& error) {
    const QString message = QString::fromStdString(error.what());
    QVERIFY2(message.startsWith(path), qPrintable(message));
    QVERIFY2(message.contains(fragment), qPrintable(message));
    return;
  } catch (const std::exception& other) {
    QFAIL(
        qPrintable(QStringLiteral("expected DataError, got: ") + QString::fromUtf8(other.what())));
  }
  QFAIL("expected DataError, nothing was thrown");
}

// The process's peak resident memory so far, in bytes (Linux reports kilobytes).
std::int64_t peakRss() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return std::int64_t{usage.ru_maxrss} * 1024;
}

}  // namespace

class TestIdxReader : public QObject {
  Q_OBJECT

 private:
  QString path(const QString& name) const { return m_dir.filePath(name); }
  void writeMnistFolder(const QString& folder, std::uint32_t trainLabels);

  QTemporaryDir m_dir;

 private Q_SLOTS:
  void initTestCase() { QVERIFY(m_dir.isValid()); }

  // The basic contract: a plain file comes back pixel for pixel and label for label.
  void readsPlainFiles() {
    writeFile(path("images"), imageFile(3));
    writeFile(path("labels"), labelFile({0, 9, 3}));
    const torch::Tensor images = tb::readIdxImages(path("images").toStdString());
    const torch::Tensor labels = tb::readIdxLabels(path("labels").toStdString());
    QCOMPARE(images.scalar_type(), torch::kUInt8);
    QCOMPARE(images.sizes().vec(), (std::vector<std::int64_t>{3, 1, 28, 28}));
    QVERIFY(torch::equal(images, expectedImages(3)));
    QCOMPARE(labels.scalar_type(), torch::kInt64);
    QVERIFY(torch::equal(labels, torch::tensor({0, 9, 3}, torch::kInt64)));
  }

  // The official downloads are .gz; they must read identically without unpacking.
  void readsGzipFiles() {
    writeFile(path("images.gz"), imageFile(3), true);
    writeFile(path("labels.gz"), labelFile({4, 2, 7}), true);
    QVERIFY(torch::equal(tb::readIdxImages(path("images.gz").toStdString()), expectedImages(3)));
    QVERIFY(torch::equal(tb::readIdxLabels(path("labels.gz").toStdString()),
                         torch::tensor({4, 2, 7}, torch::kInt64)));
  }

  // Expected sizes of 0 let other image sizes through (and keep them).
  void acceptsAnySizeWhenAsked() {
    writeFile(path("small"), imageFile(2, 5, 4));
    const torch::Tensor images = tb::readIdxImages(path("small").toStdString(), 0, 0);
    QCOMPARE(images.sizes().vec(), (std::vector<std::int64_t>{2, 1, 5, 4}));
  }

  // The folder layout of MNIST/Fashion-MNIST, with plain and .gz files mixed.
  void readsMnistFolder() {
    const QString folder = path("mnist-ok");
    writeMnistFolder(folder, 5);
    const tb::DatasetSplits splits = tb::readMnistFolder(folder.toStdString());
    QCOMPARE(splits.train.size(), std::int64_t{5});
    QCOMPARE(splits.test.size(), std::int64_t{2});
    QVERIFY(torch::equal(splits.train.images, expectedImages(5)));
    QVERIFY(torch::equal(splits.test.labels, torch::tensor({0, 1}, torch::kInt64)));
    QCOMPARE(QString::fromStdString(splits.source), QStringLiteral("files"));
    QCOMPARE(QString::fromStdString(splits.location), folder);
  }

  // A typo in the path must say "cannot open", not something about the format.
  void rejectsMissingPath() {
    const QString missing = path("does-not-exist");
    expectDataError([&] { tb::readIdxImages(missing.toStdString()); }, missing, "cannot open");
  }

  // Swapping the image and label files is an easy mistake; the magic number catches it.
  void rejectsWrongMagic() {
    writeFile(path("labels-as-images"), labelFile({1, 2}));
    expectDataError([&] { tb::readIdxImages(path("labels-as-images").toStdString()); },
                    path("labels-as-images"), "wrong magic number 0x00000801");
    writeFile(path("garbage"), Bytes{'P', 'K', 3, 4, 0, 0, 0, 0});
    expectDataError([&] { tb::readIdxLabels(path("garbage").toStdString()); }, path("garbage"),
                    "not an IDX file");
  }

  // A uint8 file with 2 dimensions is not an image file even though the type byte matches.
  void rejectsWrongDimensionCount() {
    writeFile(path("two-dims"), imageFile(1, 28, 28, 0x00000802));
    expectDataError([&] { tb::readIdxImages(path("two-dims").toStdString()); }, path("two-dims"),
                    "wrong number of dimensions: 2");
  }

  // Models are built for 28x28; another size must be refused with both sizes named.
  void rejectsWrongImageSize() {
    writeFile(path("32x28"), imageFile(1, 32, 28));
    expectDataError([&] { tb::readIdxImages(path("32x28").toStdString()); }, path("32x28"),
                    "expected 28x28 images, found 32x28");
  }

  void rejectsOneByteShort_data() { gzipColumn(); }
  // A file one byte short must be an error, never an image with a garbage last pixel.
  void rejectsOneByteShort() {
    QFETCH(bool, gzip);
    const QString file = path(gzip ? "short.gz" : "short");
    Bytes bytes = imageFile(2);
    bytes.pop_back();
    writeFile(file, bytes, gzip);
    expectDataError([&] { tb::readIdxImages(file.toStdString()); }, file,
                    "file is truncated: header promises 2 images (1568 bytes) but only 1567 bytes "
                    "follow");
  }

  void rejectsTrailingByte_data() { gzipColumn(); }
  // Extra bytes mean the header and the data disagree, so neither can be trusted.
  void rejectsTrailingByte() {
    QFETCH(bool, gzip);
    const QString file = path(gzip ? "long.gz" : "long");
    Bytes bytes = labelFile({1, 2, 3});
    bytes.push_back(4);
    writeFile(file, bytes, gzip);
    expectDataError([&] { tb::readIdxLabels(file.toStdString()); }, file,
                    "unexpected trailing data: 1 byte after the 3 labels (3 bytes)");
  }

  // A download cut off mid-stream must be reported, whatever part of the data survived.
  void rejectsCutOffGzipStream() {
    const QString file = path("cut.gz");
    writeFile(file, imageFile(50), true);
    QFile gz(file);
    QVERIFY(gz.open(QIODevice::ReadWrite));
    QVERIFY(gz.resize(gz.size() - 20));
    gz.close();
    expectDataError([&] { tb::readIdxImages(file.toStdString()); }, file, "");
    // Named once, by its path: not zlib's "<fd:N>" for the descriptor it was given.
    try {
      tb::readIdxImages(file.toStdString());
    } catch (const tb::DataError& error) {
      QVERIFY2(!QString::fromUtf8(error.what()).contains(QLatin1String("<fd:")), error.what());
    }
  }

  // Out-of-range labels would index past the model's outputs during training.
  void rejectsLabelOutOfRange() {
    writeFile(path("label10"), labelFile({0, 1, 2, 3, 4, 10, 6}));
    expectDataError([&] { tb::readIdxLabels(path("label10").toStdString()); }, path("label10"),
                    "label 10 at index 5 is out of range 0..9");
  }

  // Images and labels that disagree in count cannot be paired; both files must be named.
  void rejectsCountMismatch() {
    const QString folder = path("mnist-mismatch");
    writeMnistFolder(folder, 4);
    try {
      tb::readMnistFolder(folder.toStdString());
      QFAIL("expected DataError");
    } catch (const tb::DataError& error) {
      const QString message = QString::fromStdString(error.what());
      QVERIFY2(message.contains(folder + "/train-images-idx3-ubyte"), qPrintable(message));
      QVERIFY2(message.contains(folder + "/train-labels-idx1-ubyte.gz"), qPrintable(message));
    }
  }

  // `gunzip` interrupted leaves a cut-off plain copy beside the whole .gz: the .gz is read. Where
  // the .gz is no better, the plain copy's problem is the one reported.
  void cutOffExtractionFallsBackToTheGzip() {
    const QString folder = path("mnist-half-extracted");
    writeMnistFolder(folder, 5);
    writeFile(folder + "/train-images-idx3-ubyte.gz", imageFile(5), true);
    QFile plain(folder + "/train-images-idx3-ubyte");
    QVERIFY(plain.open(QIODevice::ReadWrite));
    QVERIFY(plain.resize(plain.size() - 100));
    plain.close();
    const tb::DatasetSplits splits = tb::readMnistFolder(folder.toStdString());
    QVERIFY(torch::equal(splits.train.images, expectedImages(5)));
    writeFile(folder + "/train-images-idx3-ubyte.gz", Bytes(16, 0xFF));  // "not an IDX file"
    expectDataError([&] { tb::readMnistFolder(folder.toStdString()); },
                    folder + "/train-images-idx3-ubyte: file is truncated", "bytes follow");
  }

  // A missing file is the common case; name the folder and exactly which file is absent.
  void rejectsMissingFile() {
    const QString folder = path("mnist-missing");
    writeMnistFolder(folder, 5);
    QVERIFY(QFile::remove(folder + "/t10k-labels-idx1-ubyte"));
    expectDataError([&] { tb::readMnistFolder(folder.toStdString()); }, folder,
                    "missing t10k-labels-idx1-ubyte");
  }

  void rejectsHugeHeaderFast_data() { gzipColumn(); }
  // A header claiming 2^31 images (1.6 TB) in a tiny file must fail fast, not allocate it all.
  void rejectsHugeHeaderFast() {
    QFETCH(bool, gzip);
    const QString file = path(gzip ? "huge.gz" : "huge");
    Bytes bytes = imageFile(3);
    bytes[4] = 0x80;  // count field 0x80000003
    writeFile(file, bytes, gzip);
    expectDataError([&] { tb::readIdxImages(file.toStdString()); }, file,
                    "file is truncated: header promises 2147483651 images");
  }

  // A small gzip whose header claims 2^32-1 images once drove memory to gigabytes (the buffer
  // grew with the decompressed zeros, and a memory limit then blamed the batch size): memory
  // must follow what the file really holds and agrees with, and the refusal is a DataError.
  void lyingGzipHeaderKeepsMemoryBounded() {
    Bytes header;
    appendBigEndian32(header, 0x00000803);
    appendBigEndian32(header, 0xFFFFFFFFu);
    appendBigEndian32(header, 28);
    appendBigEndian32(header, 28);
    constexpr std::uint64_t kZeros = 256u << 20;  // 256 MiB of data in ~250 kB of gzip
    const std::string gz = gzipWithZeros(header, kZeros);
    const QString file = path("lying-count.gz");
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    QCOMPARE(out.write(gz.data(), static_cast<qint64>(gz.size())), static_cast<qint64>(gz.size()));
    out.close();
    const std::int64_t before = peakRss();
    expectDataError([&] { tb::readIdxImages(file.toStdString()); }, file,
                    "file is truncated: header promises 4294967295 images (3367254359280 bytes) "
                    "but only 268435456 bytes follow");
    // Peak memory only ever grows, so this is exact about the read: well below the 256 MiB a
    // buffer of the data would take.
    const std::int64_t grown = peakRss() - before;
    QVERIFY2(grown < std::int64_t{64} << 20, qPrintable(QString::number(grown >> 20) + " MiB"));
  }

  // A small gzip can really hold many labels (zeros compress 1000:1): next to 5 images, 128 Mi of
  // them are refused for the count alone, before 9 bytes each (1.1 GiB) are read into memory.
  void manyLabelsBesideFewImagesKeepMemoryBounded() {
    const QString folder = path("mnist-label-bomb");
    writeMnistFolder(folder, 5);
    Bytes header;
    appendBigEndian32(header, tbtest::kIdxLabelsMagic);
    constexpr std::uint32_t kLabels = 128u << 20;
    appendBigEndian32(header, kLabels);
    const std::string gz = gzipWithZeros(header, kLabels);
    QVERIFY(QFile::remove(folder + "/train-labels-idx1-ubyte.gz"));
    QFile out(folder + "/train-labels-idx1-ubyte.gz");
    QVERIFY(out.open(QIODevice::WriteOnly));
    QCOMPARE(out.write(gz.data(), static_cast<qint64>(gz.size())), static_cast<qint64>(gz.size()));
    out.close();
    const std::int64_t before = peakRss();
    expectDataError([&] { tb::readMnistFolder(folder.toStdString()); }, folder,
                    "holds 5 images but " + folder + "/train-labels-idx1-ubyte.gz holds " +
                        QString::number(kLabels) + " labels");
    const std::int64_t grown = peakRss() - before;
    QVERIFY2(grown < std::int64_t{64} << 20, qPrintable(QString::number(grown >> 20) + " MiB"));
  }

  void refusesFifo_data() {
    QTest::addColumn<bool>("labels");
    QTest::newRow("images") << false;
    QTest::newRow("labels") << true;
  }
  // A FIFO given as a data file once blocked the reader forever in open(); it must be refused at
  // once and by name. (The 10 s wait only keeps a regression from hanging the suite.)
  void refusesFifo() {
    QFETCH(bool, labels);
    tbtest::Fifo fifo(path(labels ? "labels.fifo" : "images.fifo").toStdString());
    QVERIFY(fifo.ok());
    bool timedOut = false;
    const std::string error = fifo.errorOf(
        [&] {
          if (labels) {
            tb::readIdxLabels(fifo.path());
          } else {
            tb::readIdxImages(fifo.path());
          }
        },
        timedOut);
    QVERIFY2(!timedOut, "the reader blocked on a FIFO");
    QCOMPARE(QString::fromStdString(error),
             QString::fromStdString(fifo.path() + ": not a regular file (it is a FIFO)"));
  }

 private:
  static void gzipColumn() {
    QTest::addColumn<bool>("gzip");
    QTest::newRow("plain") << false;
    QTest::newRow("gzip") << true;
  }
};

// train: 5 plain images with `trainLabels` gzip labels; test: 2 gzip images, 2 plain labels.
void TestIdxReader::writeMnistFolder(const QString& folder, std::uint32_t trainLabels) {
  QVERIFY(QDir().mkpath(folder));
  writeFile(folder + "/train-images-idx3-ubyte", imageFile(5));
  writeFile(folder + "/train-labels-idx1-ubyte.gz", labelFile(labelsCounting(trainLabels)), true);
  writeFile(folder + "/t10k-images-idx3-ubyte.gz", imageFile(2), true);
  writeFile(folder + "/t10k-labels-idx1-ubyte", labelFile(labelsCounting(2)));
}

QTEST_GUILESS_MAIN(TestIdxReader)
#include "tst_idx_reader.moc"
