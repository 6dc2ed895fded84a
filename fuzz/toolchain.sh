#!/bin/sh
# Makes sure clang can build an ASan + libFuzzer-instrumented shared object; installs clang and
# its sanitizer runtimes with apt-get when not (Debian, as root), else says what is missing.
set -eu

probe() {
    tmp=$(mktemp -d)
    echo 'int oxide_probe(int x) { return x + 1; }' >"$tmp/probe.c"
    ok=0
    clang -fsanitize=address,fuzzer-no-link -shared -fPIC "$tmp/probe.c" -o "$tmp/probe.so" \
        >/dev/null 2>&1 || ok=1
    rm -rf "$tmp"
    return $ok
}

if command -v clang >/dev/null 2>&1 && probe; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "fuzz: installing clang and its sanitizer runtimes with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq clang >/dev/null
    major=$(clang -dumpversion | cut -d. -f1)
    # The ASan/libFuzzer runtimes are a separate package from clang 14 on.
    if apt-cache show "libclang-rt-$major-dev" >/dev/null 2>&1; then
        apt-get install -y -qq "libclang-rt-$major-dev" >/dev/null
    fi
    if probe; then
        exit 0
    fi
fi
cat >&2 <<'MSG'
fuzz: clang cannot build with -fsanitize=address,fuzzer-no-link here.
      On Debian/Ubuntu: apt-get install clang libclang-rt-<clang major>-dev (as root),
      then run `make fuzz` again.
MSG
exit 1
