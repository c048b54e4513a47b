// The dataset downloader against a real HTTP server on 127.0.0.1 (tests/support): verified
// files in place, bad ones never, mirrors in order, resume with Range, timeouts, cancel and the
// offline message; plus mirror lists (tst_dataset_status: target folders and the on-disk status).
#include "data/dataset_sources.h"
#include "data/download.h"

#include "../support/download_fixtures.h"
#include "../support/fifo_guard.h"
#include "../support/http_test_server.h"
#include "../support/proxy_variables.h"
#include "../support/watchdog.h"

#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cstdlib>
#include <algorithm>
#include <string>
#include <vector>

using namespace tb;
using namespace tbtest;

namespace {

// A short connect timeout so the failure cases take a second, not the real 15 s. The stall
// window stays long: a test server or download thread starved for a second on a loaded machine
// (under the sanitizers, say) would otherwise stall, resume and break the request counts. The
// test of the stall rule sets its own.
DownloadOptions quickOptions(std::vector<std::string> mirrors) {
  DownloadOptions options;
  options.mirrors = std::move(mirrors);
  options.connectTimeoutMs = 2000;
  options.lowSpeedBytes = 1;
  options.lowSpeedSeconds = 30;
  options.resumeAttempts = 2;
  return options;
}

}  // namespace

class DownloadTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;
  const std::string m_big = payload(300 * 1000, 1);  // several chunks: progress and halves
  const std::string m_small = payload(1234, 2);

  QString folder(const char* name) const { return m_dir.filePath(QLatin1String(name)); }
  std::string folderStd(const char* name) const { return folder(name).toStdString(); }

  DatasetSource twoFiles() const {
    return DatasetSource{
        "toy", "Toy", {}, {fileOf("big.bin", m_big), fileOf("small.bin", m_small)}};
  }

  // Serves big.bin and small.bin under /ds/, honouring Range requests; 404 for anything else.
  HttpReply serveToy(const HttpRequest& request) const {
    if (request.path == "/ds/big.bin") return fileReply(request, m_big);
    if (request.path == "/ds/small.bin") return fileReply(request, m_small);
    HttpReply missing;
    missing.status = 404;
    missing.body = "not here";
    return missing;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    tbtest::clearProxyVariables();
  }

  // The normal case: every file arrives, is verified and sits under its own name, no .part left.
  void goodFilesAreVerifiedAndPutInPlace() {
    HttpTestServer server([this](const HttpRequest& r) { return serveToy(r); });
    std::vector<DownloadProgress> events;
    DownloadOptions options = quickOptions({server.url("/ds/")});
    options.onProgress = [&events](const DownloadProgress& event) { events.push_back(event); };
    const FetchSummary summary = fetchDataset(twoFiles(), folderStd("good"), options);
    QCOMPARE(summary.filesDownloaded, 2);
    QCOMPARE(readAll(folder("good/big.bin")), m_big);
    QCOMPARE(readAll(folder("good/small.bin")), m_small);
    QVERIFY(!QFile::exists(folder("good/big.bin.part")));
    QVERIFY(!events.empty());
    QCOMPARE(events.back().stage, DownloadProgress::Stage::FileDone);
    QCOMPARE(events.back().done, events.back().total);
    QCOMPARE(events.back().total, static_cast<std::int64_t>(m_big.size() + m_small.size()));
  }

  // A second fetch of a complete dataset costs no traffic.
  void presentFilesAreNotDownloadedAgain() {
    HttpTestServer server([this](const HttpRequest& r) { return serveToy(r); });
    fetchDataset(twoFiles(), folderStd("again"), quickOptions({server.url("/ds/")}));
    const auto before = server.requests().size();
    const FetchSummary summary =
        fetchDataset(twoFiles(), folderStd("again"), quickOptions({server.url("/ds/")}));
    QCOMPARE(summary.filesPresent, 2);
    QCOMPARE(server.requests().size(), before);
  }

  // Bytes that do not match the published checksum never take the file's place, and the
  // bad download is not kept to resume from.
  void checksumMismatchNeverReplacesTheFile() {
    const std::string wrong = payload(m_small.size(), 99);
    HttpTestServer server([&wrong](const HttpRequest& r) { return fileReply(r, wrong); });
    QDir().mkpath(folder("mismatch"));
    writeAll(folder("mismatch/small.bin"), "the user's own copy");
    DatasetSource source{"toy", "Toy", {}, {fileOf("small.bin", m_small)}};
    try {
      fetchDataset(source, folderStd("mismatch"), quickOptions({server.url("/ds/")}));
      QFAIL("a mismatching file was accepted");
    } catch (const DownloadError& e) {
      QCOMPARE(e.kind(), DownloadError::Kind::Failed);
      QVERIFY2(std::string(e.what()).find("checksum mismatch") != std::string::npos, e.what());
    }
    QCOMPARE(readAll(folder("mismatch/small.bin")), std::string("the user's own copy"));
    QVERIFY(!QFile::exists(folder("mismatch/small.bin.part")));
  }

  // Like torchvision: a mirror without the file (404) or with a wrong one passes to the next.
  void failingMirrorsPassToTheNext() {
    const std::string wrong = payload(m_small.size(), 7);
    HttpTestServer server([&](const HttpRequest& request) {
      if (request.path.rfind("/good/", 0) == 0) return fileReply(request, m_small);
      if (request.path.rfind("/bad/", 0) == 0) return fileReply(request, wrong);
      HttpReply missing;
      missing.status = 404;
      return missing;
    });
    DatasetSource source{"toy", "Toy", {}, {fileOf("small.bin", m_small)}};
    fetchDataset(source, folderStd("mirrors"),
                 quickOptions({server.url("/gone/"), server.url("/bad/"), server.url("/good/")}));
    QCOMPARE(readAll(folder("mirrors/small.bin")), m_small);
    const auto requests = server.requests();
    QCOMPARE(requests.size(), std::size_t{3});
    QCOMPARE(requests[0].path, std::string("/gone/small.bin"));
    QCOMPARE(requests[2].path, std::string("/good/small.bin"));
  }

  // A mirror that answers 200 with a short page of its own (a lab server's "not found") is
  // skipped, and the next mirror's file is downloaded whole: the page must not be kept and
  // resumed from there, which spliced the two and failed the checksum on every fetch.
  void shortCompleteReplyIsNotResumedElsewhere() {
    HttpTestServer server([&](const HttpRequest& request) {
      if (request.path.rfind("/good/", 0) == 0) return fileReply(request, m_big);
      HttpReply page;
      page.body = "<html>not found</html>";
      return page;
    });
    DatasetSource source{"toy", "Toy", {}, {fileOf("big.bin", m_big)}};
    fetchDataset(source, folderStd("page"),
                 quickOptions({server.url("/page/"), server.url("/good/")}));
    QCOMPARE(readAll(folder("page/big.bin")), m_big);
    const auto requests = server.requests();
    QCOMPARE(requests.size(), std::size_t{2});
    QVERIFY(!requests[1].rangeStart);  // from the start, not after the page's bytes
    QVERIFY(!QFile::exists(folder("page/big.bin.part")));
  }

  // A mirror that sends more than the published size (another file, an endless stream) is cut
  // off at that size: the disk never holds more, and the next mirror's file is fetched whole.
  void oversizedReplyIsCutOffAtThePublishedSize() {
    const std::string huge = payload(3 * 1000 * 1000, 3);
    HttpTestServer server([&](const HttpRequest& request) {
      if (request.path.rfind("/good/", 0) == 0) return fileReply(request, m_big);
      HttpReply endless;
      endless.body = huge;
      return endless;
    });
    DatasetSource source{"toy", "Toy", {}, {fileOf("big.bin", m_big)}};
    DownloadOptions options = quickOptions({server.url("/huge/"), server.url("/good/")});
    std::int64_t mostOnDisk = 0;
    options.onProgress = [&](const DownloadProgress& progress) {
      mostOnDisk = std::max(mostOnDisk, progress.fileDone);
    };
    fetchDataset(source, folderStd("oversized"), options);
    QCOMPARE(readAll(folder("oversized/big.bin")), m_big);
    QVERIFY2(mostOnDisk <= static_cast<std::int64_t>(m_big.size()),
             std::to_string(mostOnDisk).c_str());
    const auto requests = server.requests();
    QCOMPARE(requests.size(), std::size_t{2});
    QVERIFY(!requests[1].rangeStart);  // the cut-off bytes are not resumed from
  }

  // A body shorter than its Content-Length is an error, never a file in place.
  void truncatedTransferFails() {
    HttpTestServer server([this](const HttpRequest&) {
      HttpReply reply;
      reply.body = m_big.substr(0, m_big.size() / 2);
      reply.contentLength = static_cast<std::int64_t>(m_big.size());
      return reply;  // and the connection closes
    });
    DatasetSource source{"toy", "Toy", {}, {fileOf("big.bin", m_big)}};
    try {
      fetchDataset(source, folderStd("truncated"), quickOptions({server.url("/ds/")}));
      QFAIL("a truncated file was accepted");
    } catch (const DownloadError& e) {
      QCOMPARE(e.kind(), DownloadError::Kind::Failed);
      QVERIFY2(std::string(e.what()).find("big.bin") != std::string::npos, e.what());
    }
    QVERIFY(!QFile::exists(folder("truncated/big.bin")));
  }

  // A fetch that got nothing leaves no empty folder behind for `data status` and the file
  // manager to show.
  void failedFetchLeavesNoEmptyFolder() {
    HttpTestServer server([](const HttpRequest&) {
      HttpReply missing;
      missing.status = 404;
      return missing;
    });
    DatasetSource source{"toy", "Toy", {}, {fileOf("big.bin", m_big)}};
    QVERIFY_THROWS_EXCEPTION(DownloadError, fetchDataset(source, folderStd("nothing/toy"),
                                                         quickOptions({server.url("/ds/")})));
    QVERIFY(!QFileInfo::exists(folder("nothing/toy")));
  }

  // A server that drops the connection halfway: the download continues from where it stopped
  // with a Range request, and no byte is transferred twice.
  void serverGoneMidTransferIsResumedWithRange() {
    std::atomic<int> calls{0};
    HttpTestServer server([&](const HttpRequest& request) {
      HttpReply reply = fileReply(request, m_big);
      if (calls++ == 0) reply.sendAtMost = m_big.size() / 2;
      return reply;
    });
    DatasetSource source{"toy", "Toy", {}, {fileOf("big.bin", m_big)}};
    fetchDataset(source, folderStd("resume"), quickOptions({server.url("/ds/")}));
    QCOMPARE(readAll(folder("resume/big.bin")), m_big);
    const auto requests = server.requests();
    QCOMPARE(requests.size(), std::size_t{2});
    QVERIFY(!requests[0].rangeStart);
    QVERIFY(requests[1].rangeStart.has_value());
    QCOMPARE(*requests[1].rangeStart, static_cast<std::int64_t>(m_big.size() / 2));
    // Counted by the server once send() returns, which can be after the client has read it all.
    QTRY_COMPARE(server.bytesSent(), m_big.size());
  }

  // A server that sends no length (HTTP/1.0 style) ends the body by closing: a connection that
  // drops halfway read as a whole, short file, and the half that arrived was deleted. It is
  // resumed instead.
  void droppedReplyWithoutALengthIsResumed() {
    std::atomic<int> calls{0};
    HttpTestServer server([&](const HttpRequest& request) {
      HttpReply reply = fileReply(request, m_big);
      reply.sendLength = false;
      if (calls++ == 0) reply.sendAtMost = m_big.size() / 2;
      return reply;
    });
    DatasetSource source{"toy", "Toy", {}, {fileOf("big.bin", m_big)}};
    fetchDataset(source, folderStd("nolength"), quickOptions({server.url("/ds/")}));
    QCOMPARE(readAll(folder("nolength/big.bin")), m_big);
    const auto requests = server.requests();
    QCOMPARE(requests.size(), std::size_t{2});
    QCOMPARE(requests[1].rangeStart.value_or(-1), static_cast<std::int64_t>(m_big.size() / 2));
  }

  // A server that closes right after the last byte, short of the length it announced: every
  // byte is there, so the file is checked and kept, not resumed past its end (a 416) and
  // thrown away.
  void everyByteArrivedBeforeTheServerClosed() {
    HttpTestServer server([this](const HttpRequest& request) {
      HttpReply reply = fileReply(request, m_big);
      if (!request.rangeStart) reply.contentLength = static_cast<std::int64_t>(m_big.size()) + 10;
      return reply;
    });
    DatasetSource source{"toy", "Toy", {}, {fileOf("big.bin", m_big)}};
    fetchDataset(source, folderStd("allarrived"), quickOptions({server.url("/ds/")}));
    QCOMPARE(readAll(folder("allarrived/big.bin")), m_big);
    QCOMPARE(server.requests().size(), std::size_t{1});
    QVERIFY(!QFile::exists(folder("allarrived/big.bin.part")));
  }

  // A FIFO under the part's name (left by a script, say) would block the download, and with it
  // Cancel, forever: it is refused as a local problem, naming it.
  void partThatIsNotAFileIsRefused() {
    HttpTestServer server([this](const HttpRequest& r) { return fileReply(r, m_big); });
    QDir().mkpath(folder("fifo"));
    QCOMPARE(::mkfifo(folderStd("fifo").append("/big.bin.part").c_str(), 0600), 0);
    DatasetSource source{"toy", "Toy", {}, {fileOf("big.bin", m_big)}};
    const tbtest::Watchdog watchdog("a fetch onto a FIFO", std::chrono::seconds(60));
    try {
      fetchDataset(source, folderStd("fifo"), quickOptions({server.url("/ds/")}));
      QFAIL("a FIFO took the download");
    } catch (const DownloadError& e) {
      QCOMPARE(e.kind(), DownloadError::Kind::Local);
      QVERIFY2(std::string(e.what()).find("big.bin.part: not a regular file") != std::string::npos,
               e.what());
    }
  }

  // A .part left by an interrupted earlier fetch (Ctrl-C, crash) is resumed, not restarted.
  void partialFileFromEarlierFetchIsResumed() {
    HttpTestServer server([this](const HttpRequest& r) { return fileReply(r, m_big); });
    QDir().mkpath(folder("earlier"));
    writeAll(folder("earlier/big.bin.part"), m_big.substr(0, 100000));
    DatasetSource source{"toy", "Toy", {}, {fileOf("big.bin", m_big)}};
    fetchDataset(source, folderStd("earlier"), quickOptions({server.url("/ds/")}));
    QCOMPARE(readAll(folder("earlier/big.bin")), m_big);
    QCOMPARE(server.requests().size(), std::size_t{1});
    QCOMPARE(server.requests()[0].rangeStart.value_or(-1), std::int64_t{100000});
  }

  // A server without Range support sends the whole file again; it replaces the partial one.
  void serverWithoutRangeSupportRestarts() {
    HttpTestServer server([this](const HttpRequest& r) { return fileReply(r, m_big, false); });
    QDir().mkpath(folder("norange"));
    writeAll(folder("norange/big.bin.part"), std::string(100000, 'x'));
    DatasetSource source{"toy", "Toy", {}, {fileOf("big.bin", m_big)}};
    fetchDataset(source, folderStd("norange"), quickOptions({server.url("/ds/")}));
    QCOMPARE(readAll(folder("norange/big.bin")), m_big);
  }

  // A proxy that answers a resume from another offset (206, "bytes 0-...") cannot be appended
  // to; the partial file is dropped and the file fetched again from its start. Kept, it met
  // the same answer on every later fetch, and the dataset could never be had.
  void resumeAnsweredAtTheWrongOffsetRestarts() {
    HttpTestServer server([this](const HttpRequest& request) {
      HttpReply reply = fileReply(HttpRequest{request.method, request.path, std::nullopt}, m_big);
      if (request.rangeStart) {
        reply.status = 206;
        reply.headers.emplace_back("Content-Range", "bytes 0-" + std::to_string(m_big.size() - 1) +
                                                        "/" + std::to_string(m_big.size()));
      }
      return reply;
    });
    QDir().mkpath(folder("wrongoffset"));
    writeAll(folder("wrongoffset/big.bin.part"), m_big.substr(0, 100000));
    DatasetSource source{"toy", "Toy", {}, {fileOf("big.bin", m_big)}};
    fetchDataset(source, folderStd("wrongoffset"), quickOptions({server.url("/ds/")}));
    QCOMPARE(readAll(folder("wrongoffset/big.bin")), m_big);
    QCOMPARE(server.requests().size(), std::size_t{2});
    QCOMPARE(server.requests()[0].rangeStart.value_or(-1), std::int64_t{100000});
    QVERIFY(!server.requests()[1].rangeStart);
  }

  // A server that goes silent mid-transfer fails within the low-speed window instead of
  // hanging the CLI or the GUI forever. The reply is held and never released: only the
  // low-speed rule can end this transfer.
  void silentServerTimesOut() {
    HttpTestServer server([this](const HttpRequest&) {
      HttpReply reply;
      reply.body = m_big;
      reply.holdAt = 1000;
      return reply;
    });
    DatasetSource source{"toy", "Toy", {}, {fileOf("big.bin", m_big)}};
    DownloadOptions options = quickOptions({server.url("/ds/")});
    options.resumeAttempts = 0;
    // libcurl averages the speed over ~5 s: a high limit makes the stall count at once.
    options.lowSpeedBytes = 50000;
    options.lowSpeedSeconds = 1;
    {
      const tbtest::Watchdog watchdog("fetchDataset from a silent server");
      QVERIFY_THROWS_EXCEPTION(DownloadError, fetchDataset(source, folderStd("silent"), options));
    }
    QVERIFY(!QFile::exists(folder("silent/big.bin")));
  }

  // Cancel stops a transfer and leaves no file in place (the .part stays to resume later). The
  // reply is held halfway and never released, and the low-speed rule is off: only Cancel can
  // end this transfer.
  void cancelStopsTheTransfer() {
    HttpTestServer server([this](const HttpRequest&) {
      HttpReply reply;
      reply.body = m_big;
      reply.holdAt = m_big.size() / 2;
      return reply;
    });
    std::atomic<bool> cancel{false};
    DatasetSource source{"toy", "Toy", {}, {fileOf("big.bin", m_big)}};
    DownloadOptions options = quickOptions({server.url("/ds/")});
    options.lowSpeedSeconds = 24 * 3600;
    options.cancel = &cancel;
    options.onProgress = [&cancel](const DownloadProgress& event) {
      if (event.fileDone > 0) cancel.store(true);
    };
    try {
      const tbtest::Watchdog watchdog("a cancelled fetchDataset");
      fetchDataset(source, folderStd("cancel"), options);
      QFAIL("the download ignored cancel");
    } catch (const DownloadError& e) {
      QCOMPARE(e.kind(), DownloadError::Kind::Cancelled);
    }
    QVERIFY(!QFile::exists(folder("cancel/big.bin")));

    // Cancelled before the transfers, while the files already here are checked: nothing more is
    // read or fetched (a Ctrl-C there waited for every checksum).
    HttpTestServer toy([this](const HttpRequest& r) { return serveToy(r); });
    cancel.store(true);
    DownloadOptions early = quickOptions({toy.url("/ds/")});
    early.cancel = &cancel;
    try {
      fetchDataset(twoFiles(), folderStd("cancel-early"), early);
      QFAIL("the fetch ignored cancel");
    } catch (const DownloadError& e) {
      QCOMPARE(e.kind(), DownloadError::Kind::Cancelled);
    }
    QVERIFY(toy.requests().empty());
  }

  // Offline, the user gets one sentence that says what was tried and what to do.
  void offlineGivesOneClearMessage() {
    const std::string a =
        "http://127.0.0.1:" + std::to_string(HttpTestServer::closedPort()) + "/a/";
    const std::string b =
        "http://127.0.0.1:" + std::to_string(HttpTestServer::closedPort()) + "/b/";
    try {
      fetchDataset(twoFiles(), folderStd("offline"), quickOptions({a, b}));
      QFAIL("no error offline");
    } catch (const DownloadError& e) {
      QCOMPARE(e.kind(), DownloadError::Kind::Offline);
      QCOMPARE(std::string(e.what()), "could not download toy: no mirror reachable (tried " + a +
                                          ", " + b +
                                          "); check your connection or set TRAINBENCH_MIRROR");
    }
  }

  // TRAINBENCH_MIRROR replaces the official mirrors; "default" brings them back after it.
  void mirrorVariableReplacesOrPrecedesOfficialMirrors() {
    const DatasetSource source{"toy", "Toy", {"https://official/"}, {}};
    QCOMPARE(mirrorsFor(source, ""), std::vector<std::string>{"https://official/"});
    const std::vector<std::string> lab{"http://lab/data/toy/", "http://lab/data/",
                                       "file:///mnt/sets/toy/", "file:///mnt/sets/"};
    QCOMPARE(mirrorsFor(source, "http://lab/data; file:///mnt/sets/"), lab);
    auto withDefault = lab;
    withDefault.push_back("https://official/");
    QCOMPARE(mirrorsFor(source, "http://lab/data file:///mnt/sets/ default"), withDefault);
    // A folder, as a shared drive is named, is its file:// URL (curl refused the bare path as
    // "URL using bad/illegal format"); a relative one is taken from the working folder.
    QCOMPARE(mirrorsFor(source, "/mnt/lab#1/100%"),
             (std::vector<std::string>{"file:///mnt/lab%231/100%25/toy/", "file:///mnt/lab%231/100%25/"}));
    const std::string here = QDir::currentPath().toStdString();
    QCOMPARE(mirrorsFor(source, "./sets").back(), "file://" + here + "/sets/");
    // A web server written without its scheme stays as written (libcurl takes it as http://).
    QCOMPARE(mirrorsFor(source, "localhost:8000/data").back(), std::string("localhost:8000/data/"));
  }

  // A lab mirror that copies a data root (one folder per dataset) works, and so does a
  // shared drive through file://.
  void labMirrorsServeTheDataRootLayout() {
    HttpTestServer server([this](const HttpRequest& request) {
      if (request.path == "/lab/toy/small.bin") return fileReply(request, m_small);
      HttpReply missing;
      missing.status = 404;
      return missing;
    });
    const DatasetSource source{"toy", "Toy", {}, {fileOf("small.bin", m_small)}};
    fetchDataset(source, folderStd("lab"), quickOptions(mirrorsFor(source, server.url("/lab"))));
    QCOMPARE(readAll(folder("lab/small.bin")), m_small);
    QCOMPARE(server.requests().size(), std::size_t{1});

    QDir().mkpath(folder("share/toy"));
    writeAll(folder("share/toy/small.bin"), m_small);
    const std::string share = "file://" + folderStd("share");
    fetchDataset(source, folderStd("fromshare"), quickOptions(mirrorsFor(source, share)));
    QCOMPARE(readAll(folder("fromshare/small.bin")), m_small);
    // The same drive named as a folder.
    fetchDataset(source, folderStd("fromfolder"), quickOptions(mirrorsFor(source, folderStd("share"))));
    QCOMPARE(readAll(folder("fromfolder/small.bin")), m_small);
  }

  // A file:// mirror whose file is a FIFO (or a folder) is refused at once, naming the path:
  // libcurl would open the FIFO and wait for a writer for good.
  void fileMirrorRefusesWhatIsNotARegularFile() {
    QDir().mkpath(folder("oddshare/toy/small.bin"));  // a folder where the file should be
    tbtest::Fifo fifo(folderStd("oddshare/toy/big.bin"));
    QVERIFY(fifo.ok());
    const std::string share = "file://" + folderStd("oddshare");
    const DatasetSource source = twoFiles();
    for (const SourceFile& file : source.files) {
      const DatasetSource one{"toy", "Toy", {}, {file}};
      bool timedOut = false;
      const std::string error = fifo.errorOf(
          [&] { fetchDataset(one, folderStd("fromodd"), quickOptions(mirrorsFor(one, share))); },
          timedOut);
      QVERIFY2(!timedOut, "the download blocked on the FIFO");
      const std::string path = folderStd("oddshare/toy/") + file.name;
      QVERIFY2(error.find(path + ": not a regular file") != std::string::npos, error.c_str());
    }
    QVERIFY(!QFileInfo::exists(folder("fromodd/toy/big.bin")));
  }
};

QTEST_GUILESS_MAIN(DownloadTest)
#include "tst_download.moc"
