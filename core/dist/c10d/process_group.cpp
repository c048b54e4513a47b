// GlooExchange: the trainer's GradientExchange on a c10d Gloo process group.
#include "dist/c10d/process_group.h"

#include "util/host_name.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <net/if.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace tb {

namespace {

using Clock = std::chrono::steady_clock;

// How long a rendezvous host that does not resolve is looked up again (checkResolvable).
constexpr int kResolveGraceSeconds = 30;

bool isLoopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

// The first line of an error, without the C++ backtrace LibTorch's errors carry: a rank that
// cannot reach the rendezvous should read as one sentence, not fourteen stack frames.
std::string firstLine(const std::exception& e) {
  const auto* error = dynamic_cast<const c10::Error*>(&e);
  const std::string text = error ? error->what_without_backtrace() : e.what();
  return text.substr(0, text.find('\n'));
}

// The interfaces the ranks talk over: GLOO_SOCKET_IFNAME's where it is set, as in
// torch.distributed; else on one machine the loopback interface, and across machines the one
// this host's name resolves to.
std::vector<std::shared_ptr<::gloo::transport::Device>> glooDevices(const RankPlacement& place,
                                                                     const std::string& where) {
  if (place.socketInterfaces.empty()) {
    return {isLoopback(place.masterAddr)
                ? c10d::ProcessGroupGloo::createDeviceForHostname(place.masterAddr)
                : c10d::ProcessGroupGloo::createDefaultDevice()};
  }
  std::vector<std::shared_ptr<::gloo::transport::Device>> devices;
  for (const std::string& name : place.socketInterfaces) {
    // Checked first: Gloo leaks the host's interface list when it throws for a missing one.
    if (if_nametoindex(name.c_str()) == 0) {
      throw DistributedError(where + ": GLOO_SOCKET_IFNAME names '" + name +
                             "', which this host does not have");
    }
    try {
      devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(name));
    } catch (const std::exception& e) {
      throw DistributedError(where + ": GLOO_SOCKET_IFNAME names '" + name +
                             "', which this host cannot use: " + firstLine(e));
    }
  }
  return devices;
}

class GlooExchange final : public GradientExchange {
 public:
  GlooExchange(c10::intrusive_ptr<c10d::Store> store,
               c10::intrusive_ptr<c10d::ProcessGroupGloo> group, const JoinOptions& options)
      : m_store(std::move(store)),
        m_group(std::move(group)),
        m_rank(options.placement.rank),
        m_world(options.placement.worldSize),
        m_agentStore(options.placement.useAgentStore),
        m_bucketBytes(std::max<std::size_t>(1, options.bucketBytes)),
        m_where("rank " + std::to_string(m_rank) + " on " + hostName()) {
    m_hosts = gatherStrings(hostName());  // so a failure can name the rank that stopped, and where
  }

  int rank() const override { return m_rank; }
  int worldSize() const override { return m_world; }
  const char* backend() const override { return "gloo"; }
  double communicationSeconds() const override { return m_seconds; }

  void broadcastParameters(const std::vector<torch::Tensor>& parameters) override {
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> flat{flatten(parameters, [](const torch::Tensor& p) { return p; })};
    run("broadcasting the initial weights", [&] { return m_group->broadcast(flat); });
    unflatten(flat[0], parameters, [](const torch::Tensor& p) { return p; });
  }

  void averageGradients(const std::vector<torch::Tensor>& parameters) override {
    torch::NoGradGuard noGrad;
    const auto gradient = [](const torch::Tensor& p) { return p.grad(); };
    std::vector<torch::Tensor> bucket;
    std::size_t bytes = 0;
    const auto send = [&] {
      if (bucket.empty()) return;
      std::vector<torch::Tensor> flat{flatten(bucket, gradient)};
      // Only the gradients' exchange counts as the training's communication: the initial
      // broadcast also waits for the slowest rank to load its data, which is not training time.
      m_seconds += run("averaging the gradients", [&] { return m_group->allreduce(flat); });
      flat[0].div_(m_world);
      unflatten(flat[0], bucket, gradient);
      bucket.clear();
      bytes = 0;
    };
    for (const auto& parameter : parameters) {
      if (!parameter.grad().defined()) continue;
      bucket.push_back(parameter);
      bytes += parameter.numel() * parameter.element_size();
      if (bytes >= m_bucketBytes) send();
    }
    send();
  }

  void reportFailure(const std::string& reason) noexcept override {
    // A rank whose collective broke has already said so: its reason is another rank's.
    if (m_collectiveBroke || reason.empty()) return;
    try {
      m_store->setTimeout(std::chrono::seconds(3));
      m_store->set(failedKey(m_rank), std::vector<std::uint8_t>(reason.begin(), reason.end()));
    } catch (const std::exception&) {
      // The store is gone with rank 0: the others learn of this rank's end from Gloo alone.
    }
  }

  std::vector<std::string> gatherStrings(const std::string& mine) override {
    const std::string prefix = "gather/" + std::to_string(m_gathers++) + "/";
    std::vector<std::string> all;
    try {
      m_store->set(prefix + std::to_string(m_rank), std::vector<std::uint8_t>(mine.begin(), mine.end()));
    } catch (const std::exception& e) {
      // LibTorch's TCPStore throws c10::Error, or the socket's std::system_error ("Broken pipe").
      throw storeFailed("gathering the ranks' figures", e);
    }
    // The store would wait out the whole timeout for a rank that already ended (a bad --out, a
    // device it lacks); a barrier breaks as soon as one's connection closes, and says which.
    run("gathering the ranks' figures", [&] { return m_group->barrier(); });
    try {
      for (int r = 0; r < m_world; ++r) {
        const auto value = m_store->get(prefix + std::to_string(r));  // waits, up to the timeout
        all.emplace_back(value.begin(), value.end());
      }
    } catch (const std::exception& e) {
      throw storeFailed("gathering the ranks' figures", e);
    }
    return all;
  }

 private:
  // The tensors (as `pick` gives them) as one flat float tensor.
  template <typename Pick>
  static torch::Tensor flatten(const std::vector<torch::Tensor>& parameters, Pick pick) {
    std::vector<torch::Tensor> pieces;
    for (const auto& parameter : parameters) pieces.push_back(pick(parameter).reshape(-1));
    return torch::cat(pieces);
  }

  template <typename Pick>
  static void unflatten(const torch::Tensor& flat, const std::vector<torch::Tensor>& parameters,
                        Pick pick) {
    std::int64_t offset = 0;
    for (const auto& parameter : parameters) {
      torch::Tensor target = pick(parameter);
      target.copy_(flat.narrow(0, offset, target.numel()).view_as(target));
      offset += target.numel();
    }
  }

  // Runs a collective and waits for it; returns the seconds it took.
  template <typename Start>
  double run(const char* what, Start start) {
    const auto begin = Clock::now();
    try {
      start()->wait();
    } catch (const std::exception& e) {
      throw DistributedError(m_where + ": " + what + " failed: " + silentRanks() + " (" +
                             firstLine(e) + ")");
    }
    return std::chrono::duration<double>(Clock::now() - begin).count();
  }

  std::string rankName(int rank) const {
    const std::string host = rank < static_cast<int>(m_hosts.size()) ? m_hosts[rank] : "?";
    return "rank " + std::to_string(rank) + " on " + host;
  }

  static std::string failedKey(int rank) { return "failed/" + std::to_string(rank); }

  // After a collective fails, every rank still running says so in the store, and a rank whose
  // training failed has left its reason there (reportFailure): the ranks that say nothing within
  // a few seconds are the ones that died, hung or lost their connection.
  std::string silentRanks() {
    constexpr auto kWait = std::chrono::seconds(3);
    const std::string stopped = " stopped answering (it died, hung or lost its connection)";
    m_collectiveBroke = true;
    try {
      m_store->setTimeout(kWait);
      m_store->set(failedKey(m_rank), std::vector<std::uint8_t>{kCollectiveBroke});
      std::string silent;
      std::string failed;
      int count = 0;
      const auto until = Clock::now() + kWait;
      do {
        silent.clear();
        failed.clear();
        count = 0;
        for (int r = 0; r < m_world; ++r) {
          if (r == m_rank) continue;
          if (!m_store->check({failedKey(r)})) {
            silent += (silent.empty() ? "" : ", ") + rankName(r);
            ++count;
            continue;
          }
          const auto said = m_store->get(failedKey(r));
          if (said != std::vector<std::uint8_t>{kCollectiveBroke}) {
            failed += (failed.empty() ? "" : "; ") + rankName(r) + " failed: " +
                      std::string(said.begin(), said.end());
          }
        }
        // A rank that failed is the cause (every one that left a reason, in rank order); the
        // others only stopped waiting for it.
        if (!failed.empty()) return failed;
        if (count == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      } while (Clock::now() < until);
      if (count == 0) return "every rank is still running, but a collective broke";
      return silent + (count == 1 ? stopped : " stopped answering (they died, hung or lost their "
                                              "connections)");
    } catch (const std::exception&) {
      return storeGone();
    }
  }

  // The store is served by rank 0, or by torchrun's agent: when it is gone, so is its server.
  std::string storeGone() const {
    return m_agentStore ? "the rendezvous store (torchrun's agent) stopped answering"
                        : rankName(0) + ", which serves the rendezvous, stopped answering (it " +
                              "died, hung or lost its connection)";
  }

  DistributedError storeFailed(const char* what, const std::exception& e) const {
    return DistributedError(m_where + ": " + what + " failed: " + storeGone() + " (" +
                            firstLine(e) + ")");
  }

  // What a rank whose collective broke leaves under its failedKey.
  static constexpr std::uint8_t kCollectiveBroke = 1;

  c10::intrusive_ptr<c10d::Store> m_store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> m_group;
  int m_rank;
  int m_world;
  bool m_agentStore;
  std::size_t m_bucketBytes;
  std::vector<std::string> m_hosts;  // by rank
  std::string m_where;
  double m_seconds = 0.0;
  int m_gathers = 0;
  bool m_collectiveBroke = false;  // this rank saw a collective fail (silentRanks)
};

// Ranks that were told different world sizes would fail inside Gloo's handshake with a message
// naming no flag: each says its own through the store first. Rank 0 reads every other rank's, the
// others rank 0's, so every rank of a mismatch learns it. Rank 0 serves the store: on a mismatch
// it waits (briefly) until the others have read its size before it ends and takes the store along.
void checkWorldSizes(c10d::Store& store, const RankPlacement& place) {
  const std::string prefix = "trainbench/world_size/";
  const std::string seen = "trainbench/world_size_seen/";
  const auto text = [](const std::vector<std::uint8_t>& bytes) {
    return std::string(bytes.begin(), bytes.end());
  };
  const std::string mine = std::to_string(place.worldSize);
  store.set(prefix + std::to_string(place.rank), std::vector<std::uint8_t>(mine.begin(), mine.end()));
  const auto mismatch = [&](int other, const std::string& theirs) {
    return RankMismatchError("ranks disagree on the world size (--world-size, WORLD_SIZE): rank " +
                             std::to_string(place.rank) + " has " + mine + ", rank " +
                             std::to_string(other) + " has " + theirs);
  };
  if (place.rank != 0) {
    const std::string theirs = text(store.get(prefix + "0"));  // waits, up to the timeout
    store.set(seen + std::to_string(place.rank), std::vector<std::uint8_t>{1});
    if (theirs != mine) throw mismatch(0, theirs);
    return;
  }
  for (int r = 1; r < place.worldSize; ++r) {
    const std::string theirs = text(store.get(prefix + std::to_string(r)));
    if (theirs == mine) continue;
    std::vector<std::string> readers;
    for (int other = 1; other < std::max(place.worldSize, std::atoi(theirs.c_str())); ++other) {
      readers.push_back(seen + std::to_string(other));
    }
    try {
      store.wait(readers, std::chrono::seconds(5));
    } catch (const std::exception&) {
      // A rank that never came: it learns nothing from a store that stays.
    }
    throw mismatch(r, theirs);
  }
}

// A rendezvous host no resolver knows (a typo, a node's name from another cluster) is said as
// such: LibTorch's store retries it, a warning a second, for the whole --dist-timeout. It is
// looked up again for up to `grace` first: on Kubernetes, rank 0's name exists only once its pod
// does. A lookup that may succeed later (the resolver unreachable for now: EAI_AGAIN) is left
// to the store's retries.
void checkResolvable(const std::string& host, const std::string& where,
                     std::chrono::seconds grace) {
  const auto until = Clock::now() + grace;
  while (true) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int status = getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (found != nullptr) freeaddrinfo(found);
    if (status != EAI_NONAME && status != EAI_FAIL && status != EAI_NODATA) return;
    if (Clock::now() >= until) {
      throw DistributedError(where + ": the rendezvous host '" + host +
                             "' (--master-addr or MASTER_ADDR) cannot be resolved: " +
                             gai_strerror(status) + "; give the name or address of rank 0's " +
                             "machine");
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace

std::shared_ptr<GradientExchange> joinRun(const JoinOptions& options) {
  const RankPlacement& place = options.placement;
  const std::string rendezvous = place.masterAddr + ":" + std::to_string(place.masterPort);
  const std::string where = "rank " + std::to_string(place.rank) + " on " + hostName();
  checkResolvable(place.masterAddr, where,
                  std::min(options.timeout, std::chrono::seconds(kResolveGraceSeconds)));
  try {
    c10d::TCPStoreOptions storeOptions;
    storeOptions.port = static_cast<std::uint16_t>(place.masterPort);
    // Rank 0 serves the rendezvous, unless torchrun's agent already does.
    storeOptions.isServer = place.rank == 0 && !place.useAgentStore;
    storeOptions.numWorkers = place.worldSize;
    storeOptions.waitWorkers = false;
    storeOptions.timeout = options.timeout;
    c10::intrusive_ptr<c10d::Store> store;
    try {
      store = c10::make_intrusive<c10d::TCPStore>(place.masterAddr, storeOptions);
    } catch (const std::exception& e) {
      // Said as what it is, at once: "cannot join ... within 300 s" named neither the port nor
      // the flag, for a failure that took no time.
      const std::string why = e.what();
      if (storeOptions.isServer &&
          why.find("errno: " + std::to_string(EADDRINUSE)) != std::string::npos) {
        throw DistributedError(where + ": cannot serve the rendezvous on port " +
                               std::to_string(place.masterPort) +
                               ": another program (or run) is using it; choose a free port with "
                               "--master-port (or MASTER_PORT)");
      }
      throw;
    }
    if (!place.storePrefix.empty()) {
      store = c10::make_intrusive<c10d::PrefixStore>(place.storePrefix, store);
    }
    checkWorldSizes(*store, place);

    auto groupOptions = c10d::ProcessGroupGloo::Options::create(options.timeout);
    groupOptions->devices = glooDevices(place, where);
    auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, place.rank, place.worldSize,
                                                             groupOptions);
    return std::make_shared<GlooExchange>(store, group, options);
  } catch (const DistributedError&) {
    throw;  // RankMismatchError too
  } catch (const std::exception& e) {
    throw DistributedError(where + ": cannot join the run at " + rendezvous + " within " +
                           std::to_string(options.timeout.count()) + " s: " + firstLine(e));
  }
}

}  // namespace tb
