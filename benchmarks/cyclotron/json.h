// The little JSON the harness needs: writing its own result files and reading
// them back (`cyclotron report`, `compare-files`, `compare --resume`).
#ifndef CYCLOTRON_JSON_H_
#define CYCLOTRON_JSON_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace cyclotron {

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // a string's value, or a number as written
  std::vector<JsonValue> items;
  std::map<std::string, JsonValue> fields;

  // Null (a shared empty value) when absent or not an object.
  const JsonValue& operator[](const std::string& key) const;
  bool is_null() const { return kind == Kind::kNull; }
};

// InvalidArgument naming the offset and what was expected.
absl::StatusOr<JsonValue> ParseJson(const std::string& text);

// "..." with JSON escapes.
std::string JsonString(const std::string& s);
// Up to 6 significant digits; "null" for NaN or infinity.
std::string JsonNumber(double v);

}  // namespace cyclotron

#endif  // CYCLOTRON_JSON_H_
