#!/usr/bin/env bash
# Fetches mimalloc from Debian's source package at a pinned version, verifies the
# upstream tarball's SHA-256, applies our patch series and leaves the patched tree
# in a cache directory outside the source tree.
#
#   fetch.sh <cache-root>              prints the patched source directory
#   fetch.sh <cache-root> <source-dir> the same from an already fetched tree
#                                      (offline and packaged builds: no apt)
#
# A <source-dir> that fetch.sh patched itself (it has .cyclegc-patched) is used
# as it is; a pristine mimalloc 2.0.9 tree is copied into the cache and patched.
#
# apt is used with a private sources file and private list/cache directories
# (-o options), so the system's apt configuration is never changed. The archive
# URI is taken from the machine's own apt sources, so whatever mirror the machine
# uses serves the source package too.
set -euo pipefail

readonly PKG=mimalloc
readonly DEB_VERSION=2.0.9+ds-2
readonly UPSTREAM_VERSION=2.0.9+ds
readonly ORIG_SHA256=cbc9d207ff105ad1f0cb739c378076143a6452b8d0624309cea0abfb040e972b

here=$(cd "$(dirname "$0")" && pwd)
cache_root=${1:?usage: fetch.sh <cache-root> [<source-dir>]}
given_src=${2:-}
mkdir -p "$cache_root"
cache_root=$(cd "$cache_root" && pwd)

log() { echo "[mimalloc-fetch] $*" >&2; }
die() { echo "[mimalloc-fetch] error: $*" >&2; exit 1; }

# The cache key covers the pinned version and every byte of the patch series, so
# editing a patch produces a fresh tree instead of a stale one.
patch_hash=$( (cat "$here/patches/series"; while read -r p; do
  [[ -z $p || $p == \#* ]] && continue; cat "$here/patches/$p"; done <"$here/patches/series") |
  sha256sum | cut -c1-16)
out="$cache_root/$PKG-$DEB_VERSION-$patch_hash"

# apply_series <src-dir>: applies patches/series in order.
apply_series() {
  while read -r p; do
    [[ -z $p || $p == \#* ]] && continue
    log "applying $p"
    patch -d "$1" -p1 --forward --batch --quiet <"$here/patches/$p" || die "patch $p does not apply to $1"
  done <"$here/patches/series"
  touch "$1/.cyclegc-patched"
}

if [[ -n $given_src ]]; then
  [[ -f $given_src/src/static.c ]] || die "$given_src is not a mimalloc source tree (no src/static.c)"
  if [[ -f $given_src/.cyclegc-patched ]]; then
    (cd "$given_src" && pwd)
    exit 0
  fi
  out="$out-local-$(cd "$given_src" && pwd | sha256sum | cut -c1-8)"
  if [[ ! -f $out/.cyclegc-patched ]]; then
    tmp=$(mktemp -d "$cache_root/unpack.XXXXXX")
    cp -a "$given_src/." "$tmp/"
    apply_series "$tmp"
    rm -rf "$out"
    mv "$tmp" "$out"
  fi
  echo "$out"
  exit 0
fi

if [[ -f $out/.cyclegc-patched ]]; then
  echo "$out"
  exit 0
fi
# Several configures may run at once (parallel build trees): one fetches and
# patches, the others wait and then find the finished tree.
exec 9>"$cache_root/.lock"
flock 9
if [[ -f $out/.cyclegc-patched ]]; then
  echo "$out"
  exit 0
fi

dl="$cache_root/downloads"
orig="$dl/${PKG}_${UPSTREAM_VERSION}.orig.tar.xz"
mkdir -p "$dl"

have_orig() { [[ -f $orig ]] && echo "$ORIG_SHA256  $orig" | sha256sum -c --status; }

if ! have_orig; then
  command -v apt-get >/dev/null || die "apt-get not found; place ${orig##*/} in $dl by hand"
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [[ -n $codename ]] || die "cannot read VERSION_CODENAME from /etc/os-release"
  # Find the URI of the main archive among the machine's own apt sources
  # (deb822 .sources files and one-line .list files).
  uri=$( (
    for f in /etc/apt/sources.list.d/*.sources; do
      [[ -f $f ]] || continue
      awk -v cn="$codename" '
        function emit() { if (u != "" && s ~ "(^| )" cn "( |$)" && t ~ /(^| )deb( |$)/) print u; u = s = t = "" }
        /^[[:space:]]*$/ { emit(); next }
        /^URIs:/ { u = $2 } /^Suites:/ { $1 = ""; s = $0 " " } /^Types:/ { $1 = ""; t = $0 " " }
        END { emit() }' "$f"
    done
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk -v cn="$codename" '$1 == "deb" && $2 !~ /^\[/ && $3 == cn { print $2 }
                             $1 == "deb" && $2 ~ /^\[/ && $4 == cn { print $3 }'
  ) | grep -v -- '-security' | head -1 || true)
  [[ -n $uri ]] || die "no apt source for '$codename' found in /etc/apt; cannot locate Debian's archive"
  work=$(mktemp -d "$cache_root/apt.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
  echo "deb-src $uri $codename main" >"$work/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/none"
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
    -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1" -q)
  log "downloading Debian source package $PKG=$DEB_VERSION"
  apt-get "${apt_opts[@]}" update >"$work/update.log" 2>&1 ||
    { cat "$work/update.log" >&2; die "apt-get update (private lists) failed"; }
  (cd "$work" && apt-get "${apt_opts[@]}" source --download-only "$PKG=$DEB_VERSION") >"$work/source.log" 2>&1 ||
    { cat "$work/source.log" >&2; die "apt-get source $PKG=$DEB_VERSION failed"; }
  cp "$work/${orig##*/}" "$orig.tmp" && mv "$orig.tmp" "$orig"
  have_orig || { rm -f "$orig"; die "SHA-256 of ${orig##*/} does not match the pinned $ORIG_SHA256"; }
fi

tmp=$(mktemp -d "$cache_root/unpack.XXXXXX")
tar -xJf "$orig" -C "$tmp"
src=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -1)
apply_series "$src"
rm -rf "$out"
mv "$src" "$out"
rm -rf "$tmp"
echo "$out"
