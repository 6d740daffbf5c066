// CSV as RFC 4180 writes it: a cell holding a comma, a quote or a line break
// (an error cell holds a child's log) is quoted, its quotes doubled.
#ifndef CYCLOTRON_CSV_H_
#define CYCLOTRON_CSV_H_

#include <string>
#include <vector>

namespace cyclotron {

std::string CsvCell(const std::string& cell);
// The cells joined by commas and a "\n" (gnuplot and awk read the files).
std::string CsvRow(const std::vector<std::string>& cells);

}  // namespace cyclotron

#endif  // CYCLOTRON_CSV_H_
