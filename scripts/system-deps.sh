#!/usr/bin/env bash
# Installs the Debian packages the project needs beyond Python, and only those that are missing.
# Runs as root (a developer machine or CI); safe to run again: with everything present it does nothing.
#
#   libreoffice-writer-nogui  turns the 自评报告 .docx into its PDF (headless, no X libraries)
#   fonts-noto-cjk            Noto Serif/Sans CJK SC: the open faces behind 宋体/小标宋/仿宋/黑体
#   fonts-arphic-ukai         AR PL UKai CN: the open face behind 楷体_GB2312
#   fontconfig                fc-match/fc-list, used to find the chart font and to apply
#                             src/demozone/reports/fonts.conf
#   poppler-utils             pdftotext and pdftoppm, used by the report tests and the rendered check
#   postgresql                initdb, pg_ctl, postgres: `make test` runs the web suite a second time on
#                             a throw-away cluster of its own (scripts/pg-test-server.sh)
#   chromium                  the browser the end-to-end tests drive through Playwright (tests/e2e/)
#   wrk                       the HTTP load generator of `make bench` (bench/bench_http.py)
set -euo pipefail

PACKAGES=(
    libreoffice-writer-nogui
    fonts-noto-cjk
    fonts-arphic-ukai
    fontconfig
    poppler-utils
    postgresql
    chromium
    wrk
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
        echo "system-deps: $pkg already installed"
    else
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "system-deps: nothing to install"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: must run as root to install: ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "system-deps: apt-get update"
apt-get update -q
echo "system-deps: apt-get install ${missing[*]}"
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "system-deps: done"
