// Data-parallel training on c10d over Gloo, two ranks on 127.0.0.1 as two threads of this test:
// the initial weights are broadcast, gradients averaged (bucketed and per tensor alike), two
// ranks on 16 images each take the same step as one process on the 32, and a whole run on two
// ranks ends with one result that describes both.
#include "engine/gradient_exchange.h"
#include "engine/keras_adam.h"
#include "engine/rank_records.h"
#include "engine/trainer.h"
#include "machine/cpu_budget.h"
#include "models/fashion_mlp.h"

#include "../support/synthetic_run.h"

#if TRAINBENCH_WITH_DISTRIBUTED
#include "dist/c10d/process_group.h"
#endif

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <torch/torch.h>

#include <QtTest>

#include <array>
#include <functional>
#include <thread>

using namespace tb;

namespace {

#if TRAINBENCH_WITH_DISTRIBUTED
int freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// Runs `body(rank, exchange)` on two ranks at once, each in its own thread; rethrows a failure.
void onTwoRanks(const std::function<void(int, GradientExchange&)>& body,
                std::size_t bucketBytes = std::size_t{25} << 20,
                std::chrono::seconds timeout = std::chrono::seconds(60)) {
  const int port = freePort();
  std::array<std::exception_ptr, 2> failures;
  std::array<std::thread, 2> threads;
  for (int rank = 0; rank < 2; ++rank) {
    threads[rank] = std::thread([&, rank] {
      try {
        JoinOptions options;
        options.placement.rank = rank;
        options.placement.localRank = rank;
        options.placement.worldSize = 2;
        options.placement.masterAddr = "127.0.0.1";
        options.placement.masterPort = port;
        options.timeout = timeout;
        options.bucketBytes = bucketBytes;
        const auto exchange = joinRun(options);
        body(rank, *exchange);
      } catch (...) {
        failures[rank] = std::current_exception();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
}

std::vector<torch::Tensor> copies(const std::vector<torch::Tensor>& tensors) {
  std::vector<torch::Tensor> result;
  for (const auto& tensor : tensors) result.push_back(tensor.detach().clone());
  return result;
}

// A gradient that differs from element to element, without any random numbers.
torch::Tensor gradientPattern(const torch::Tensor& parameter) {
  return torch::arange(parameter.numel(), torch::kFloat).remainder(97).div(97).reshape_as(parameter);
}

double largestDifference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double largest = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    largest = std::max(largest, (a[i] - b[i]).abs().max().item<double>());
  }
  return largest;
}
#endif

}  // namespace

class DataParallelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
#if !TRAINBENCH_WITH_DISTRIBUTED
    QSKIP("built without c10d (libgloo-dev): no data-parallel runs to test");
#endif
    at::set_num_threads(1);
  }

  // The trainer hands a failed run's reason to the exchange, for the other ranks to read.
  void trainerReportsItsFailureToTheOtherRanks() {
    class Recording final : public GradientExchange {
     public:
      int rank() const override { return 1; }
      int worldSize() const override { return 2; }
      const char* backend() const override { return "none"; }
      void broadcastParameters(const std::vector<torch::Tensor>&) override {}
      void averageGradients(const std::vector<torch::Tensor>&) override {}
      double communicationSeconds() const override { return 0.0; }
      std::vector<std::string> gatherStrings(const std::string& mine) override {
        return {mine, mine};
      }
      void reportFailure(const std::string& reason) noexcept override { reported.push_back(reason); }
      std::vector<std::string> reported;
    };
    auto exchange = std::make_shared<Recording>();
    RunConfig config = tbtest::syntheticRun(1, 640);
    config.synthetic = false;
    config.dataDir = "/nonexistent/trainbench-data";
    config.exchange = exchange;
    RunObserver observer;
    const std::atomic<bool> cancel{false};
    const RunResult result = runTraining(config, observer, cancel);
    QCOMPARE(result.status, RunStatus::Failed);
    QCOMPARE(exchange->reported.size(), std::size_t{1});
    QCOMPARE(exchange->reported[0], result.error);
  }

#if TRAINBENCH_WITH_DISTRIBUTED
  // Ranks start from different weights; after the broadcast both hold rank 0's, and averaged
  // gradients are the mean of the ranks', whether sent in one bucket or one tensor at a time.
  void broadcastAndAverage() {
    std::array<std::vector<torch::Tensor>, 2> weights;
    std::array<std::vector<torch::Tensor>, 2> bucketed;
    std::array<std::vector<torch::Tensor>, 2> perTensor;
    for (const std::size_t bucketBytes : {std::size_t{25} << 20, std::size_t{1}}) {
      onTwoRanks(
          [&](int rank, GradientExchange& exchange) {
            QCOMPARE(exchange.worldSize(), 2);
            torch::manual_seed(100 + rank);
            FashionMlp model;
            auto parameters = model.parameters();
            exchange.broadcastParameters(parameters);
            weights[rank] = copies(parameters);
            // Different gradients on each rank, without the RNG (the threads share it).
            for (auto& parameter : parameters) {
              parameter.mutable_grad() = gradientPattern(parameter) * (rank + 1);
            }
            exchange.averageGradients(parameters);
            std::vector<torch::Tensor> averaged;
            for (auto& parameter : parameters) averaged.push_back(parameter.grad().clone());
            (bucketBytes > 1 ? bucketed : perTensor)[rank] = averaged;
          },
          bucketBytes);
      QCOMPARE(largestDifference(weights[0], weights[1]), 0.0);
    }
    QCOMPARE(largestDifference(bucketed[0], bucketed[1]), 0.0);
    QCOMPARE(largestDifference(bucketed[0], perTensor[0]), 0.0);
    // (1 + 2) / 2 times the pattern.
    FashionMlp shape;
    std::vector<torch::Tensor> expected;
    for (const auto& parameter : shape.parameters()) expected.push_back(gradientPattern(parameter) * 1.5);
    QVERIFY(largestDifference(bucketed[0], expected) < 1e-6);
  }

  // Two ranks on 16 images each take the same Adam step as one process on all 32: the mean loss
  // over 32 images is the mean of the two halves' means.
  void twoRanksMatchOneProcess() {
    torch::manual_seed(7);
    const auto images = torch::rand({32, 1, 28, 28});
    const auto labels = torch::randint(0, 10, {32}, torch::kLong);
    const auto step = [&](FashionMlp& model, const torch::Tensor& x, const torch::Tensor& y,
                          GradientExchange* exchange) {
      auto parameters = model.parameters();
      KerasAdam optimizer(parameters);
      optimizer.zeroGrad();
      torch::nn::functional::cross_entropy(model.forward(x), y).backward();
      if (exchange) exchange->averageGradients(parameters);
      optimizer.step();
      return copies(parameters);
    };
    std::vector<torch::Tensor> initial;
    std::array<std::vector<torch::Tensor>, 2> after;
    onTwoRanks([&](int rank, GradientExchange& exchange) {
      FashionMlp model;
      exchange.broadcastParameters(model.parameters());
      if (rank == 0) initial = copies(model.parameters());
      after[rank] = step(model, images.narrow(0, 16 * rank, 16), labels.narrow(0, 16 * rank, 16),
                         &exchange);
    });
    // One process from the same weights, on all 32 images.
    FashionMlp single;
    {
      torch::NoGradGuard noGrad;
      auto parameters = single.parameters();
      for (std::size_t i = 0; i < parameters.size(); ++i) parameters[i].copy_(initial[i]);
    }
    const auto expected = step(single, images, labels, nullptr);
    QCOMPARE(largestDifference(after[0], after[1]), 0.0);
    // Float sums in another order: equal within rounding.
    QVERIFY2(largestDifference(after[0], expected) < 1e-6,
             qPrintable(QString::number(largestDifference(after[0], expected))));
  }

  // The initial broadcast is not the training's communication (it also waits for a rank still
  // loading its data): only the gradients' exchange counts, so the share stays a share of the
  // training time. Any broadcast takes some time, so the old count would show here.
  void waitingForALateRankIsNotCommunication() {
    std::array<double, 2> afterBroadcast{};
    std::array<double, 2> afterAveraging{};
    onTwoRanks([&](int rank, GradientExchange& exchange) {
      FashionMlp model;
      exchange.broadcastParameters(model.parameters());
      afterBroadcast[rank] = exchange.communicationSeconds();
      torch::nn::functional::cross_entropy(model.forward(torch::rand({4, 1, 28, 28})),
                                           torch::zeros({4}, torch::kLong))
          .backward();
      exchange.averageGradients(model.parameters());
      afterAveraging[rank] = exchange.communicationSeconds();
    });
    QCOMPARE(afterBroadcast[0], 0.0);
    QCOMPARE(afterBroadcast[1], 0.0);
    QVERIFY(afterAveraging[0] > 0.0 && afterAveraging[1] > 0.0);
  }

  // A whole run on two ranks: both finish; rank 0's result describes the run and both ranks, and
  // only rank 0 evaluates.
  void wholeRunOnTwoRanks() {
    std::array<RunResult, 2> results;
    onTwoRanks([&](int rank, GradientExchange& exchange) {
      RunConfig config = tbtest::syntheticRun(2, 640);
      // The exchange outlives the run: a non-owning pointer to it.
      config.exchange = std::shared_ptr<GradientExchange>(&exchange, [](GradientExchange*) {});
      RunObserver observer;
      const std::atomic<bool> cancel{false};
      results[rank] = runTraining(config, observer, cancel);
    });
    for (const auto& result : results) {
      QVERIFY2(result.status == RunStatus::Completed, result.error.c_str());
    }
    const RunResult& run = results[0];
    QVERIFY(run.distributed);
    QCOMPARE(run.distributed->worldSize, 2);
    QCOMPARE(run.distributed->backend, std::string("gloo"));
    QCOMPARE(run.distributed->scaling, std::string("weak"));
    QCOMPARE(run.distributed->globalBatch, 64);
    QCOMPARE(run.distributed->ranks.size(), std::size_t{2});
    QCOMPARE(run.distributed->ranks[1].rank, 1);
    QVERIFY(run.distributed->ranks[1].samplesPerSecond > 0);
    QVERIFY(run.distributed->ranks[0].communicationShare >= 0 &&
            run.distributed->ranks[0].communicationShare <= 1);
    QVERIFY(run.test);
    QVERIFY(!results[1].test);
    // Only rank 0 evaluates, so only it loads the test set (each rank held a copy, on its GPU).
    QVERIFY(run.workload.testSamples > 0);
    QCOMPARE(results[1].workload.testSamples, std::int64_t{0});
    QCOMPARE(run.epochs.size(), std::size_t{2});
    // Each epoch's loss and accuracy are over both ranks' images, not rank 0's half: the ranks
    // trained on different images, yet report the same figures.
    for (std::size_t e = 0; e < run.epochs.size(); ++e) {
      QCOMPARE(run.epochs[e].trainLoss, results[1].epochs[e].trainLoss);
      QCOMPARE(run.epochs[e].trainAccuracy, results[1].epochs[e].trainAccuracy);
    }
  }

  // 700 images in steps of 2 x 32 leave 60 out of every epoch (8.6%): the result says so, since
  // its size still reads 700 and its total must not stand beside a run that trained them all.
  // The whole set in full steps says nothing.
  void leftOutImagesAreSaid() {
    for (const std::int64_t images : {std::int64_t{700}, std::int64_t{640}}) {
      std::array<RunResult, 2> results;
      onTwoRanks([&](int rank, GradientExchange& exchange) {
        RunConfig config = tbtest::syntheticRun(1, images);
        config.exchange = std::shared_ptr<GradientExchange>(&exchange, [](GradientExchange*) {});
        RunObserver observer;
        const std::atomic<bool> cancel{false};
        results[rank] = runTraining(config, observer, cancel);
      });
      const RunResult& run = results[0];
      QVERIFY2(run.status == RunStatus::Completed, run.error.c_str());
      QCOMPARE(run.workload.trainSamples, images);
      bool said = false;
      for (const auto& warning : run.validity ? run.validity->warnings : std::vector<std::string>{}) {
        said = said || warning.find("trained 640 of the 700 training images") != std::string::npos;
      }
      QCOMPARE(said, images == 700);
    }
  }

  // Ranks sharing a machine share its CPUs: more threads in all than it has is said in the
  // result, though each rank's own share fits. A GPU rank's threads are not counted.
  void siblingRanksShareTheCpus() {
    std::array<std::string, 2> warnings;
    onTwoRanks([&](int rank, GradientExchange& exchange) {
      warnings[rank] = sharedCpuWarning(exchange, "node1", true, 2, 3);
    });
    QCOMPARE(warnings[0], warnings[1]);
    QVERIFY2(warnings[0].find("2 ranks on node1 use 4 CPU threads in all, but it has only 3 CPUs") == 0,
             warnings[0].c_str());
    QVERIFY2(warnings[0].find("Give its ranks 3 threads or fewer in all.") != std::string::npos,
             warnings[0].c_str());
    // Ranks of a thread each on a one-CPU machine: the way out is fewer ranks.
    onTwoRanks([&](int rank, GradientExchange& exchange) {
      warnings[rank] = sharedCpuWarning(exchange, "node1", true, 1, 1);
    });
    QVERIFY2(warnings[0].find("Run at most 1 rank on it.") != std::string::npos, warnings[0].c_str());
    onTwoRanks([&](int rank, GradientExchange& exchange) {
      warnings[rank] = sharedCpuWarning(exchange, "node1", rank == 0, 2, 3);  // rank 1 a GPU's
    });
    QCOMPARE(warnings[0], std::string());
    onTwoRanks([&](int rank, GradientExchange& exchange) {
      warnings[rank] = sharedCpuWarning(exchange, rank == 0 ? "node1" : "node2", true, 2, 3);
    });
    QCOMPARE(warnings[0], std::string());  // two machines, each with room

    // A whole run whose two ranks each take every CPU there is: the result says so.
    std::array<RunResult, 2> results;
    onTwoRanks([&](int rank, GradientExchange& exchange) {
      RunConfig config = tbtest::syntheticRun(1, 256);
      config.threads = machineCpuCount();
      config.exchange = std::shared_ptr<GradientExchange>(&exchange, [](GradientExchange*) {});
      RunObserver observer;
      const std::atomic<bool> cancel{false};
      results[rank] = runTraining(config, observer, cancel);
    });
    QVERIFY2(results[0].status == RunStatus::Completed, results[0].error.c_str());
    QVERIFY(results[0].validity);
    bool said = false;
    for (const auto& warning : results[0].validity->warnings) {
      said = said || warning.find("CPU threads") != std::string::npos;
    }
    QVERIFY(said);
  }

  // A rank's own warnings reach rank 0's result (the run's), by rank and host, once if shared.
  void otherRanksWarningsReachTheResult() {
    std::array<std::vector<std::string>, 2> said;
    onTwoRanks([&](int rank, GradientExchange& exchange) {
      std::vector<std::string> mine{"Both say this.", rank == 1 ? "Reference BLAS." : ""};
      said[rank] = otherRanksWarnings(exchange, rank == 0 ? "node1" : "node2", mine);
    });
    QVERIFY(said[0] == std::vector<std::string>{"rank 1 on node2: Reference BLAS."});
    QVERIFY(said[1].empty());
    const auto three = otherRanksWarnings(
        {warningsLine("a", {}), warningsLine("b", {"x"}), warningsLine("c", {"x", "y\tz"})}, {});
    QVERIFY(three ==
            (std::vector<std::string>{"rank 1 on b, rank 2 on c: x", "rank 2 on c: y\tz"}));
  }

  // Ranks that loaded different training sets (each node its own copy), or a rank that could
  // not load its data at all, fail every rank at once with the reason: they waited for each
  // other until the timeout, and rank 0 blamed the other for "stopped answering".
  void ranksAgreeOnTheirDataBeforeTraining() {
    std::array<RunResult, 2> results;
    onTwoRanks([&](int rank, GradientExchange& exchange) {
      RunConfig config = tbtest::syntheticRun(1, rank == 0 ? 640 : 704);
      config.exchange = std::shared_ptr<GradientExchange>(&exchange, [](GradientExchange*) {});
      RunObserver observer;
      const std::atomic<bool> cancel{false};
      results[rank] = runTraining(config, observer, cancel);
    });
    for (const auto& result : results) {
      QCOMPARE(result.status, RunStatus::Failed);
      QVERIFY2(result.error.find("rank 0 has 640 images, rank 1 has 704") != std::string::npos,
               result.error.c_str());
    }

    onTwoRanks([&](int rank, GradientExchange& exchange) {
      RunConfig config = tbtest::syntheticRun(1, 640);
      if (rank == 1) {
        config.synthetic = false;
        config.dataDir = "/nonexistent/trainbench-data";
      }
      config.exchange = std::shared_ptr<GradientExchange>(&exchange, [](GradientExchange*) {});
      RunObserver observer;
      const std::atomic<bool> cancel{false};
      results[rank] = runTraining(config, observer, cancel);
    });
    QCOMPARE(results[0].status, RunStatus::Failed);
    QCOMPARE(results[0].failure, FailureKind::Data);
    QVERIFY2(results[0].error.find("rank 1 could not load its data: ") != std::string::npos &&
                 results[0].error.find("/nonexistent/trainbench-data") != std::string::npos,
             results[0].error.c_str());

    // A rank that ends before loading (a bad --out, a device it lacks) is named by the others
    // as soon as its connection closes: the store alone waited out the whole timeout and then
    // named no rank.
    onTwoRanks([&](int rank, GradientExchange& exchange) {
      if (rank == 1) return;  // leaves the run, closing its connections
      RunConfig config = tbtest::syntheticRun(1, 640);
      config.exchange = std::shared_ptr<GradientExchange>(&exchange, [](GradientExchange*) {});
      RunObserver observer;
      const std::atomic<bool> cancel{false};
      results[0] = runTraining(config, observer, cancel);
    });
    QCOMPARE(results[0].status, RunStatus::Failed);
    QVERIFY2(results[0].error.find("rank 1 on ") != std::string::npos &&
                 results[0].error.find("stopped answering") != std::string::npos,
             results[0].error.c_str());
  }

  // Rank 0 evaluates alone (ResNet-50 on a CPU takes minutes, past --dist-timeout): the other
  // rank must not be waiting for it then. Here rank 0's evaluation waits until rank 1's whole run
  // has returned, which it can only do if nothing of rank 1's waits on that evaluation.
  void otherRanksDoNotWaitForTheEvaluation() {
    std::atomic<bool> rank1Done{false};
    struct WaitForRank1 final : RunObserver {
      explicit WaitForRank1(const std::atomic<bool>& done) : m_done(done) {}
      void evaluationStarted() override {
        // A generous limit, only against a hang: rank 1 fails at the exchange's timeout if it
        // waits, and the run's status says so.
        for (int i = 0; i < 6000 && !m_done.load(); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
      const std::atomic<bool>& m_done;
    };
    std::array<RunResult, 2> results;
    onTwoRanks(
        [&](int rank, GradientExchange& exchange) {
          RunConfig config = tbtest::syntheticRun(1, 320);
          config.exchange = std::shared_ptr<GradientExchange>(&exchange, [](GradientExchange*) {});
          WaitForRank1 waiting(rank1Done);
          RunObserver quick;
          const std::atomic<bool> cancel{false};
          results[rank] = runTraining(config, rank == 0 ? waiting : quick, cancel);
          if (rank == 1) rank1Done = true;
        },
        std::size_t{25} << 20, std::chrono::seconds(20));
    for (const auto& result : results) {
      QVERIFY2(result.status == RunStatus::Completed, result.error.c_str());
    }
    QCOMPARE(results[0].distributed->ranks.size(), std::size_t{2});
    QVERIFY(results[0].test);
  }

  // A rank whose training fails (out of memory on its GPU, say) leaves its reason: the rank
  // waiting on it in an allreduce names it, where it used to say only that the rank "stopped
  // answering".
  void failedRankIsNamedWithItsReason() {
    QString waiting;
    onTwoRanks([&](int rank, GradientExchange& exchange) {
      FashionMlp model;
      auto parameters = model.parameters();
      exchange.broadcastParameters(parameters);
      if (rank == 1) {
        exchange.reportFailure("cuda:1 ran out of memory");
        return;  // its connections close as it ends
      }
      for (auto& parameter : parameters) parameter.mutable_grad() = torch::ones_like(parameter);
      try {
        exchange.averageGradients(parameters);
        QFAIL("averaged gradients with a rank that had ended");
      } catch (const DistributedError& e) {
        waiting = QString::fromUtf8(e.what());
      }
    }, std::size_t{25} << 20, std::chrono::seconds(10));
    QVERIFY2(waiting.contains(QLatin1String("rank 1 on ")) &&
                 waiting.contains(QLatin1String(" failed: cuda:1 ran out of memory")),
             qPrintable(waiting));
    QVERIFY2(!waiting.contains(QLatin1String("stopped answering")), qPrintable(waiting));
  }

  // A rank whose partner never comes stops within the timeout with a message naming it.
  void missingRankTimesOut() {
    JoinOptions options;
    options.placement.rank = 0;
    options.placement.worldSize = 2;
    options.placement.masterAddr = "127.0.0.1";
    options.placement.masterPort = freePort();
    options.timeout = std::chrono::seconds(2);
    try {
      joinRun(options);
      QFAIL("joined a run whose other rank never came");
    } catch (const DistributedError& e) {
      const QString message = QString::fromUtf8(e.what());
      QVERIFY2(message.startsWith(QLatin1String("rank 0 on ")), qPrintable(message));
      QVERIFY2(message.contains(QStringLiteral("127.0.0.1:%1").arg(options.placement.masterPort)),
               qPrintable(message));
      // One sentence: LibTorch's errors carry a C++ backtrace, which is no use to the user.
      QVERIFY2(!message.contains(QLatin1String("frame #")) && !message.contains(QLatin1Char('\n')),
               qPrintable(message));
    }
  }
#endif
};

QTEST_GUILESS_MAIN(DataParallelTest)
#include "tst_data_parallel.moc"
