// Host names as the tables show them: a domain every qualified name shares
// ("cluster.example.org") tells none of them apart, and left whole it pushed the part that does
// ("gpu-node-07") out of a narrow column.
#pragma once

#include <QString>
#include <QStringList>

namespace tb::ui {

// Whether `name` is a qualified host name ("node7.example.org"): a dot after a first label with
// a letter in it (an address, or a bare name, is none).
bool isQualifiedHost(const QString& name);

// The domain, in whole labels, that every qualified name in `hosts` ends in, each keeping at
// least its first label; empty where they share none. Other names are passed over.
QString sharedDomain(const QStringList& hosts);

// `host` without ".`domain`", marked as cut ("gpu-node-07…"); `host` itself where it does not
// end in it.
QString withoutDomain(const QString& host, const QString& domain);

}  // namespace tb::ui
