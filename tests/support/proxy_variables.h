// The proxy settings a machine's environment may carry. Tests keep them away from what they run:
// their HTTP servers listen on 127.0.0.1, and a proxy would swallow the requests.
#pragma once

#include <QtGlobal>

namespace tbtest {

inline constexpr const char* kProxyVariables[] = {"http_proxy",  "HTTP_PROXY", "https_proxy",
                                                  "HTTPS_PROXY", "all_proxy",  "ALL_PROXY"};

// For tests that download in their own process (libcurl reads these at each transfer).
inline void clearProxyVariables() {
  for (const char* name : kProxyVariables) qunsetenv(name);
}

}  // namespace tbtest
