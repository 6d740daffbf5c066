#include "json.h"

#include <cmath>
#include <cstdint>

#include "absl/strings/str_format.h"

namespace cyclotron {
namespace {

class Parser {
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  absl::StatusOr<JsonValue> Document() {
    JsonValue v;
    if (!Value(v, 0)) return Error();
    Space();
    if (pos_ != s_.size()) {
      expected_ = "the end of the document";
      return Error();
    }
    return v;
  }

 private:
  absl::Status Error() const {
    return absl::InvalidArgumentError(
        absl::StrFormat("JSON: expected %s at offset %d", expected_, pos_));
  }
  void Space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' ||
                                s_[pos_] == '\r' || s_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool Eat(char c) {
    Space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    expected_ = absl::StrFormat("'%c'", c);
    return false;
  }
  bool Word(const char* w) {
    const std::string word(w);
    if (s_.compare(pos_, word.size(), word) != 0) return false;
    pos_ += word.size();
    return true;
  }

  bool Value(JsonValue& v, int depth) {
    expected_ = "a value";
    if (depth > 64) return false;
    Space();
    if (pos_ >= s_.size()) return false;
    const char c = s_[pos_];
    if (c == '{') return Object(v, depth);
    if (c == '[') return Array(v, depth);
    if (c == '"') {
      v.kind = JsonValue::Kind::kString;
      return String(v.text);
    }
    if (Word("true") || Word("false")) {
      v.kind = JsonValue::Kind::kBool;
      v.boolean = c == 't';
      return true;
    }
    if (Word("null")) return true;
    const size_t start = pos_;
    while (pos_ < s_.size() &&
           std::string_view("+-.eE0123456789").find(s_[pos_]) !=
               std::string_view::npos) {
      ++pos_;
    }
    if (pos_ == start) return false;
    v.kind = JsonValue::Kind::kNumber;
    v.text = s_.substr(start, pos_ - start);
    return true;
  }

  bool Object(JsonValue& v, int depth) {
    v.kind = JsonValue::Kind::kObject;
    ++pos_;
    if (Eat('}')) return true;
    do {
      std::string key;
      Space();
      expected_ = "a string key";
      if (pos_ >= s_.size() || s_[pos_] != '"' || !String(key)) return false;
      if (!Eat(':') || !Value(v.fields[key], depth + 1)) return false;
    } while (Eat(','));
    return Eat('}');
  }

  bool Array(JsonValue& v, int depth) {
    v.kind = JsonValue::Kind::kArray;
    ++pos_;
    if (Eat(']')) return true;
    do {
      v.items.emplace_back();
      if (!Value(v.items.back(), depth + 1)) return false;
    } while (Eat(','));
    return Eat(']');
  }

  // Our writer escapes only quotes, backslashes and control characters.
  bool String(std::string& out) {
    expected_ = "a closed string";
    ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (c == '\\') {
        if (pos_ >= s_.size()) return false;
        c = s_[pos_++];
        if (c == 'n') c = '\n';
        if (c == 't') c = '\t';
        if (c == 'r') c = '\r';
        if (c == 'u') {
          unsigned code = 0;
          for (int i = 0; i < 4; ++i, ++pos_) {
            const char h = pos_ < s_.size() ? s_[pos_] : 'x';
            const int d = h >= '0' && h <= '9'   ? h - '0'
                          : h >= 'a' && h <= 'f' ? h - 'a' + 10
                          : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                 : -1;
            if (d < 0) return false;
            code = code * 16 + static_cast<unsigned>(d);
          }
          c = code < 0x80 ? static_cast<char>(code) : '?';
        }
      }
      out += c;
    }
    return Eat('"');
  }

  const std::string& s_;
  size_t pos_ = 0;
  std::string expected_ = "a value";
};

}  // namespace

const JsonValue& JsonValue::operator[](const std::string& key) const {
  static const JsonValue* null = new JsonValue();
  auto it = fields.find(key);
  return it == fields.end() ? *null : it->second;
}

absl::StatusOr<JsonValue> ParseJson(const std::string& text) {
  return Parser(text).Document();
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrFormat("\\u%04x", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  return absl::StrFormat("%.6g", v);
}

}  // namespace cyclotron
