// What the ranks of a data-parallel run must agree on about their data before any trains, and
// what each epoch leaves out of it.
#pragma once

#include <cstdint>
#include <string>

namespace tb {

class GradientExchange;

// How loading went on this rank, as the other ranks read it.
std::string loadedData(std::int64_t trainImages);    // "ok <images>"
std::string failedToLoad(const std::string& why);    // "failed <why>"
inline const char* cancelledLoading() { return "cancelled"; }

struct DataAgreement {
  bool cancelled = false;  // some rank was cancelled while loading (a Ctrl-C reached it first)
  std::string problem;     // why the ranks cannot train together; empty when they can
};

// Tells every rank how loading went here (`mine`, from the functions above) and learns how it
// went there: a rank that could not load its data, or loaded another number of training images
// (its own copy on another node, one smaller than --train-limit), is a problem for all of them.
// Without it they waited for that rank until the timeout, then blamed it for not answering.
DataAgreement agreeOnData(GradientExchange& exchange, const std::string& mine);

// The warning for a data-parallel run whose epochs leave out more than 1% of its `samples`
// training images (each step takes `batch` on each of `world` ranks and the remainder is left
// out); empty where it leaves out less, or runs on one rank.
std::string leftOutImagesWarning(std::int64_t samples, std::int64_t batch, int world);

}  // namespace tb
