#include "scenarios/census.h"

#include "cyclegc/cyclegc.h"

namespace taskrt {

std::vector<CensusRow> ReadCensus() {
  size_t n = cgc_census_get(nullptr, 0);
  std::vector<cgc_census_entry> entries(n);
  n = cgc_census_get(entries.data(), entries.size());
  std::vector<CensusRow> rows;
  for (size_t i = 0; i < n && i < entries.size(); ++i) {
    rows.push_back(
        CensusRow{entries[i].type_name, entries[i].objects, entries[i].bytes});
  }
  return rows;
}

}  // namespace taskrt
