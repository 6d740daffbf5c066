#include "env_parse.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace cyclegc::internal::env {
namespace {

constexpr absl::string_view kByteSizeForm =
    "a byte size: an integer with an optional unit K, M, G or T (binary: "
    "1K = 1024), e.g. 128K or 4M";
constexpr absl::string_view kFractionForm =
    "a fraction (e.g. 0.10) or a percentage (e.g. 10%)";

absl::Status Malformed(absl::string_view name, absl::string_view text,
                       absl::string_view form) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s=\"%s\": expected %s", name, text, form));
}

absl::Status OutOfRange(absl::string_view name, absl::string_view text,
                        absl::string_view form, absl::string_view min,
                        absl::string_view max) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s=\"%s\": out of range: expected %s in [%s, %s]", name,
                      text, form, min, max));
}

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// digits, optionally followed by '.' and digits.
bool IsPlainDecimal(absl::string_view s) {
  size_t dot = s.find('.');
  if (dot == absl::string_view::npos) return AllDigits(s);
  return AllDigits(s.substr(0, dot)) && AllDigits(s.substr(dot + 1));
}

// Parses a validated plain decimal; false if it does not fit a double.
bool ToDouble(absl::string_view s, double* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out,
                                   std::chars_format::fixed);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Parses validated digits; false on overflow.
bool ToU64(absl::string_view s, uint64_t* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string FormatNumber(double v) { return absl::StrFormat("%g", v); }

std::string Lower(absl::string_view s) { return absl::AsciiStrToLower(s); }

std::string Names(std::span<const EnumName> names) {
  return absl::StrJoin(names, ", ", [](std::string* out, const EnumName& n) {
    out->append(n.name.data(), n.name.size());
  });
}

}  // namespace

absl::StatusOr<uint64_t> ParseUnsigned(absl::string_view name,
                                       absl::string_view text, uint64_t min,
                                       uint64_t max) {
  absl::string_view s = absl::StripAsciiWhitespace(text);
  constexpr absl::string_view kForm = "a non-negative integer";
  if (!AllDigits(s)) return Malformed(name, text, kForm);
  uint64_t v = 0;
  if (!ToU64(s, &v) || v < min || v > max) {
    return OutOfRange(name, text, kForm, absl::StrCat(min), absl::StrCat(max));
  }
  return v;
}

absl::StatusOr<double> ParseNumber(absl::string_view name,
                                   absl::string_view text, double min,
                                   double max) {
  absl::string_view s = absl::StripAsciiWhitespace(text);
  constexpr absl::string_view kForm = "a non-negative number (e.g. 40 or 2.5)";
  if (!IsPlainDecimal(s)) return Malformed(name, text, kForm);
  double v = 0;
  if (!ToDouble(s, &v) || !(v >= min && v <= max)) {
    return OutOfRange(name, text, kForm, FormatNumber(min), FormatNumber(max));
  }
  return v;
}

absl::StatusOr<double> ParseFraction(absl::string_view name,
                                     absl::string_view text, double min,
                                     double max) {
  absl::string_view s = absl::StripAsciiWhitespace(text);
  bool percent = absl::ConsumeSuffix(&s, "%");
  s = absl::StripTrailingAsciiWhitespace(s);
  if (!IsPlainDecimal(s)) return Malformed(name, text, kFractionForm);
  double v = 0;
  bool ok = ToDouble(s, &v);
  if (percent) v /= 100.0;
  if (!ok || !(v >= min && v <= max)) {
    return OutOfRange(name, text, kFractionForm,
                      absl::StrFormat("%s (%s%%)", FormatNumber(min),
                                      FormatNumber(min * 100)),
                      absl::StrFormat("%s (%s%%)", FormatNumber(max),
                                      FormatNumber(max * 100)));
  }
  return v;
}

absl::StatusOr<uint64_t> ParseByteSize(absl::string_view name,
                                       absl::string_view text, uint64_t min,
                                       uint64_t max) {
  absl::string_view s = absl::StripAsciiWhitespace(text);
  std::string lower = Lower(s);
  absl::string_view rest = lower;
  // Optional "b" / "ib" after the unit letter ("4m", "4mb", "4mib").
  if (!absl::ConsumeSuffix(&rest, "ib")) absl::ConsumeSuffix(&rest, "b");
  unsigned shift = 0;
  if (!rest.empty()) {
    switch (rest.back()) {
      case 'k':
        shift = 10;
        break;
      case 'm':
        shift = 20;
        break;
      case 'g':
        shift = 30;
        break;
      case 't':
        shift = 40;
        break;
      default:
        break;
    }
    if (shift != 0) rest.remove_suffix(1);
  }
  // A bare "B" suffix ("4096B") is fine; a bare "iB" is not.
  if (shift == 0 && absl::EndsWith(lower, "ib")) {
    return Malformed(name, text, kByteSizeForm);
  }
  if (!AllDigits(rest)) return Malformed(name, text, kByteSizeForm);
  uint64_t v = 0;
  bool ok =
      ToU64(rest, &v) && v <= (std::numeric_limits<uint64_t>::max() >> shift);
  if (ok) v <<= shift;
  if (!ok || v < min || v > max) {
    return OutOfRange(name, text, kByteSizeForm, FormatByteSize(min),
                      FormatByteSize(max));
  }
  return v;
}

absl::StatusOr<uint64_t> ParseMilliseconds(absl::string_view name,
                                           absl::string_view text,
                                           uint64_t max) {
  constexpr absl::string_view kForm =
      "a duration: milliseconds, or a number with unit ms or s (e.g. 1000, "
      "250ms, 1.5s); 0 or off to disable";
  std::string lower = Lower(absl::StripAsciiWhitespace(text));
  if (lower == "off") return 0;
  absl::string_view rest = lower;
  double scale = 1;
  if (!absl::ConsumeSuffix(&rest, "ms") && absl::ConsumeSuffix(&rest, "s")) {
    scale = 1000;
  }
  rest = absl::StripTrailingAsciiWhitespace(rest);
  if (!IsPlainDecimal(rest)) return Malformed(name, text, kForm);
  double v = 0;
  if (!ToDouble(rest, &v) || !(v * scale <= static_cast<double>(max))) {
    return OutOfRange(name, text, kForm, "0", absl::StrCat(max, "ms"));
  }
  return static_cast<uint64_t>(v * scale + 0.5);
}

absl::StatusOr<int> ParseEnum(absl::string_view name, absl::string_view text,
                              std::span<const EnumName> names) {
  std::string s = Lower(absl::StripAsciiWhitespace(text));
  for (const EnumName& n : names) {
    if (s == n.name) return n.value;
  }
  return Malformed(name, text, absl::StrCat("one of: ", Names(names)));
}

absl::StatusOr<unsigned> ParseFlagList(absl::string_view name,
                                       absl::string_view text,
                                       std::span<const EnumName> flags) {
  std::string s = Lower(absl::StripAsciiWhitespace(text));
  if (s.empty() || s == "0" || s == "off" || s == "none") return 0u;
  unsigned bits = 0;
  for (absl::string_view item : absl::StrSplit(s, ',')) {
    item = absl::StripAsciiWhitespace(item);
    bool found = false;
    for (const EnumName& f : flags) {
      if (item == f.name) {
        bits |= static_cast<unsigned>(f.value);
        found = true;
        break;
      }
    }
    if (!found) {
      return Malformed(name, text,
                       absl::StrCat("a comma-separated list of: ", Names(flags),
                                    " (or off)"));
    }
  }
  return bits;
}

std::string FormatByteSize(uint64_t bytes) {
  static constexpr struct {
    unsigned shift;
    char unit;
  } kUnits[] = {{40, 'T'}, {30, 'G'}, {20, 'M'}, {10, 'K'}};
  for (const auto& u : kUnits) {
    uint64_t scale = uint64_t{1} << u.shift;
    if (bytes != 0 && bytes % scale == 0) {
      return absl::StrFormat("%u%c", bytes / scale, u.unit);
    }
  }
  return absl::StrCat(bytes);
}

}  // namespace cyclegc::internal::env
