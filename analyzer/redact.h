// Keeping secrets out of every output. Values that come from a Secret, and
// values that look like credentials, are replaced before anything is printed.
#pragma once

#include <string>
#include <string_view>

namespace kora {

inline constexpr std::string_view kRedacted = "<redacted>";

// An environment variable or key name that suggests a credential
// (PASSWORD, TOKEN, SECRET, API_KEY, ...).
bool LooksLikeCredentialName(std::string_view name);
// A value shaped like a credential: private keys, cloud and VCS tokens, JWTs,
// long high-entropy strings.
bool LooksLikeCredentialValue(std::string_view value);
// A source line for an error excerpt, with values masked when the document
// around it is a Secret or the key names a credential.
std::string RedactLine(std::string_view line, std::string_view document_text);

}  // namespace kora
