// Number formats of the cyclotron tables (as in the original tool).
#ifndef CYCLOTRON_FORMAT_H_
#define CYCLOTRON_FORMAT_H_

#include <string>

namespace cyclotron {

// 0, 100, 1.0k, 10.0k, 2.5M: counts and parameters.
std::string HumanCount(double v);
// 640K, 39M, 594M, 1.9G: bytes (powers of 1024).
std::string HumanBytes(double bytes);
// Trash column: 14k, 850, 1.2M.
std::string HumanTrash(double v);
// Ratio new/base with one decimal; "-" when base is zero or either is missing.
std::string Ratio(double new_value, double base_value);

}  // namespace cyclotron

#endif  // CYCLOTRON_FORMAT_H_
