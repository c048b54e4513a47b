// The optional blocks of a result file (result_json_parts.h): repeats' group, steady state,
// projection, validity and data-parallel ranks, in docs/result-format.md.
#include "results/result_json_parts.h"

namespace tb::result_json {

namespace {

DistributedRecord readDistributed(const Reader& reader, const Json& d) {
  DistributedRecord record;
  record.worldSize = reader.smallInteger(d, "distributed", "world_size");
  record.backend = reader.string(d, "distributed", "backend");
  record.scaling = reader.string(d, "distributed", "scaling");
  record.globalBatch = reader.smallInteger(d, "distributed", "global_batch");
  const Json& ranks = reader.array(d, "distributed", "ranks");
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    const std::string at = "distributed.ranks[" + std::to_string(i) + "]";
    if (!ranks[i].is_object()) reader.fail(at + " must be an object");
    RankRecord rank;
    rank.rank = reader.smallInteger(ranks[i], at, "rank");
    rank.host = reader.string(ranks[i], at, "host");
    rank.device = reader.string(ranks[i], at, "device");
    rank.samplesPerSecond = reader.number(ranks[i], at, "samples_per_second");
    rank.communicationShare = reader.number(ranks[i], at, "communication_share");
    record.ranks.push_back(rank);
  }
  return record;
}

}  // namespace

void writeOptionalBlocks(const RunResult& r, OrderedJson& root) {
  if (!r.group.empty()) root["group"] = r.group;
  if (const auto& s = r.steadyState) {
    root["steady_state"] = {{"samples_per_second", number(s->samplesPerSecond)},
                            {"step_seconds_p50", number(s->stepSecondsP50)},
                            {"step_seconds_p95", number(s->stepSecondsP95)},
                            {"warmup_steps", s->warmupSteps},
                            {"steps", s->steps}};
  }
  if (const auto& p = r.projection) {
    root["projection"] = {{"total_seconds", number(p->totalSeconds)},
                          {"low", number(p->low)},
                          {"high", number(p->high)},
                          {"basis_steps", p->basisSteps},
                          {"budget_seconds", number(p->budgetSeconds)},
                          {"epochs", p->epochs},
                          {"train_samples", p->trainSamples},
                          {"test_samples", p->testSamples}};
  }
  if (const auto& v = r.validity) {
    root["validity"] = {{"disturbed", v->disturbed}, {"warnings", v->warnings}};
  }
  if (const auto& d = r.distributed) {
    OrderedJson ranks = OrderedJson::array();
    for (const RankRecord& rank : d->ranks) {
      ranks.push_back({{"rank", rank.rank},
                       {"host", rank.host},
                       {"device", rank.device},
                       {"samples_per_second", number(rank.samplesPerSecond)},
                       {"communication_share", number(rank.communicationShare)}});
    }
    root["distributed"] = {{"world_size", d->worldSize},
                           {"backend", d->backend},
                           {"scaling", d->scaling},
                           {"global_batch", d->globalBatch},
                           {"ranks", std::move(ranks)}};
  }
}

void readOptionalBlocks(const Reader& reader, const Json& root, RunResult& r) {
  if (const Json* group = reader.optionalValue(root, "group")) {
    if (!group->is_string()) reader.fail("group must be a string");
    r.group = group->get<std::string>();
  }
  if (const Json* s = reader.optionalValue(root, "steady_state")) {
    if (!s->is_object()) reader.fail("steady_state must be an object or null");
    const std::string at = "steady_state";
    r.steadyState = SteadyStateRecord{reader.number(*s, at, "samples_per_second"),
                                      reader.number(*s, at, "step_seconds_p50"),
                                      reader.number(*s, at, "step_seconds_p95"),
                                      reader.integer(*s, at, "warmup_steps"),
                                      reader.integer(*s, at, "steps")};
  }
  if (const Json* p = reader.optionalValue(root, "projection")) {
    if (!p->is_object()) reader.fail("projection must be an object or null");
    const std::string at = "projection";
    ProjectionRecord projection;
    projection.totalSeconds = reader.number(*p, at, "total_seconds");
    projection.low = reader.number(*p, at, "low");
    projection.high = reader.number(*p, at, "high");
    projection.basisSteps = reader.integer(*p, at, "basis_steps");
    projection.budgetSeconds = reader.number(*p, at, "budget_seconds");
    projection.epochs = reader.smallInteger(*p, at, "epochs");
    projection.trainSamples = reader.integer(*p, at, "train_samples");
    projection.testSamples = reader.integer(*p, at, "test_samples");
    r.projection = projection;
  }
  if (const Json* v = reader.optionalValue(root, "validity")) {
    if (!v->is_object()) reader.fail("validity must be an object or null");
    ValidityRecord validity;
    const Json& disturbed = reader.value(*v, "validity", "disturbed");
    if (!disturbed.is_boolean()) reader.fail("validity.disturbed must be true or false");
    validity.disturbed = disturbed.get<bool>();
    const Json& warnings = reader.array(*v, "validity", "warnings");
    for (const Json& warning : warnings) {
      if (!warning.is_string()) reader.fail("validity.warnings must hold strings");
      validity.warnings.push_back(warning.get<std::string>());
    }
    r.validity = validity;
  }
  if (const Json* d = reader.optionalValue(root, "distributed")) {
    if (!d->is_object()) reader.fail("distributed must be an object or null");
    r.distributed = readDistributed(reader, *d);
  }
}

}  // namespace tb::result_json
