#!/bin/sh
# keel installer: curl -fsSL <base>/install.sh | sh -s -- [options]
# Installs the keel binary (checksum-verified, atomically), a config template (only if absent, 0600)
# and, where systemd runs, a hardened keel-agent.service. Re-running upgrades in place.
set -eu

DEFAULT_BASE="https://github.com/keel-ha/keel/releases/latest/download"
base_url="${KEEL_DOWNLOAD_BASE:-$DEFAULT_BASE}"
prefix="/usr/local"
config_dir="/etc/keel"
unit_dir="/etc/systemd/system"
data_dir="/var/lib/keel"
binary=""
sums=""
systemd="auto"
start=0
uninstall=0
purge=0

die() { printf 'keel install: %s\n' "$*" >&2; exit 1; }
say() { printf 'keel install: %s\n' "$*" >&2; }

usage() {
  cat <<'USAGE'
usage: install.sh [options]
  --base-url URL     where keel-linux-<arch> and SHA256SUMS live (env KEEL_DOWNLOAD_BASE)
  --binary FILE      install this file instead of downloading (air-gapped); SHA256SUMS must sit beside it
  --sums FILE        checksum file to verify against (default: downloaded, or beside --binary)
  --prefix DIR       install DIR/bin/keel (default /usr/local)
  --config-dir DIR   where keel.json lives (default /etc/keel)
  --unit-dir DIR     where keel-agent.service goes (default /etc/systemd/system)
  --data-dir DIR     the agent's state (default /var/lib/keel)
  --no-systemd       don't install the systemd unit
  --systemd          install the unit even if systemd isn't running here
  --start            enable and start keel-agent after installing
  --uninstall        remove the binary and the unit; keep config and data
  --purge            with --uninstall: also remove the config and data directories
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --base-url) [ $# -ge 2 ] || die "--base-url needs a URL"; base_url="$2"; shift 2 ;;
    --binary) [ $# -ge 2 ] || die "--binary needs a file"; binary="$2"; shift 2 ;;
    --sums) [ $# -ge 2 ] || die "--sums needs a file"; sums="$2"; shift 2 ;;
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix="$2"; shift 2 ;;
    --config-dir) [ $# -ge 2 ] || die "--config-dir needs a directory"; config_dir="$2"; shift 2 ;;
    --unit-dir) [ $# -ge 2 ] || die "--unit-dir needs a directory"; unit_dir="$2"; shift 2 ;;
    --data-dir) [ $# -ge 2 ] || die "--data-dir needs a directory"; data_dir="$2"; shift 2 ;;
    --no-systemd) systemd="no"; shift ;;
    --systemd) systemd="yes"; shift ;;
    --start) start=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    --purge) purge=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'; fix: see the options above" ;;
  esac
done

bin_path="$prefix/bin/keel"
unit_path="$unit_dir/keel-agent.service"
config_path="$config_dir/keel.json"

systemd_running() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }
want_unit() {
  case "$systemd" in yes) return 0 ;; no) return 1 ;; *) systemd_running ;; esac
}

if [ "$uninstall" -eq 1 ]; then
  if systemd_running && [ -f "$unit_path" ]; then
    systemctl disable --now keel-agent.service >/dev/null 2>&1 || true
  fi
  rm -f "$bin_path" "$unit_path"
  if systemd_running; then systemctl daemon-reload >/dev/null 2>&1 || true; fi
  if [ "$purge" -eq 1 ]; then
    rm -rf "$config_dir" "$data_dir"
    say "removed $bin_path, the unit, $config_dir and $data_dir"
  else
    say "removed $bin_path and the unit; kept $config_dir and $data_dir (use --purge to remove them)"
  fi
  exit 0
fi

[ "$(uname -s)" = "Linux" ] || die "keel runs on Linux only, this is $(uname -s)"
case "$(uname -m)" in
  x86_64|amd64) arch="x64" ;;
  aarch64|arm64) arch="arm64" ;;
  *) die "no keel build for CPU $(uname -m); builds exist for x86_64 and aarch64" ;;
esac
asset="keel-linux-$arch"

command -v sha256sum >/dev/null 2>&1 || die "sha256sum is missing; fix: apt-get install -y coreutils"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-install.XXXXXX") || die "cannot create a temp directory"
trap 'rm -rf "$tmp"' EXIT INT TERM

fetch() { # url dest
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 -o "$2" "$1" || die "download failed: $1; fix: check --base-url or use --binary FILE"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" || die "download failed: $1; fix: check --base-url or use --binary FILE"
  else
    die "neither curl nor wget is installed; fix: apt-get install -y curl, or use --binary FILE"
  fi
}

if [ -n "$binary" ]; then
  [ -f "$binary" ] || die "--binary $binary: no such file"
  cp "$binary" "$tmp/$asset"
  if [ -z "$sums" ]; then sums="$(dirname "$binary")/SHA256SUMS"; fi
  [ -f "$sums" ] || die "no checksum file for $binary; fix: copy SHA256SUMS beside it or pass --sums FILE"
  cp "$sums" "$tmp/SHA256SUMS"
else
  fetch "$base_url/$asset" "$tmp/$asset"
  if [ -n "$sums" ]; then cp "$sums" "$tmp/SHA256SUMS"; else fetch "$base_url/SHA256SUMS" "$tmp/SHA256SUMS"; fi
fi

expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || die "SHA256SUMS has no line for $asset; fix: use the SHA256SUMS of the same release"
actual=$(sha256sum "$tmp/$asset" | awk '{ print $1 }')
[ "$expected" = "$actual" ] || die "checksum mismatch for $asset (expected $expected, got $actual); nothing was installed"
chmod 0755 "$tmp/$asset"
"$tmp/$asset" version >/dev/null 2>&1 || die "the downloaded $asset does not run on this machine; nothing was installed"

mkdir -p "$prefix/bin" 2>/dev/null || die "cannot create $prefix/bin; fix: run as root or pass --prefix DIR"
[ -w "$prefix/bin" ] || die "no write permission on $prefix/bin; fix: run as root or pass --prefix DIR"
previous=""
[ -x "$bin_path" ] && previous=$("$bin_path" version 2>/dev/null || true)
# Same-directory rename: a running agent keeps its old inode, a new exec gets the new binary.
cp "$tmp/$asset" "$prefix/bin/.keel.new.$$"
mv -f "$prefix/bin/.keel.new.$$" "$bin_path"
now=$("$bin_path" version)
if [ -n "$previous" ]; then say "upgraded $bin_path: $previous -> $now"; else say "installed $bin_path: $now"; fi

service_user="root"
if want_unit && [ "$(id -u)" -eq 0 ] && command -v useradd >/dev/null 2>&1; then
  id keel >/dev/null 2>&1 || useradd --system --home-dir "$data_dir" --shell /usr/sbin/nologin keel 2>/dev/null || true
  id keel >/dev/null 2>&1 && service_user="keel"
fi

if [ -f "$config_path" ]; then
  say "kept existing $config_path"
else
  mkdir -p "$config_dir" && chmod 0700 "$config_dir"
  "$bin_path" init --config "$config_path" >/dev/null || die "could not write $config_path"
  chmod 0600 "$config_path"
  if [ "$service_user" = "keel" ]; then chown -R keel: "$config_dir"; fi
  say "wrote $config_path (0600); edit it, then check it with: keel config check"
fi

if want_unit; then
  mkdir -p "$unit_dir"
  cat >"$unit_dir/.keel-agent.service.$$" <<UNIT
[Unit]
Description=keel agent: MySQL/MariaDB high availability
Documentation=https://github.com/keel-ha/keel
After=network-online.target mariadb.service mysql.service
Wants=network-online.target

[Service]
Type=simple
User=$service_user
ExecStart=$bin_path agent --config $config_path
Restart=always
RestartSec=1
KillSignal=SIGTERM
TimeoutStopSec=10
StateDirectory=keel
StateDirectoryMode=0700
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
ReadWritePaths=$data_dir
ReadOnlyPaths=$config_dir
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
UNIT
  mv -f "$unit_dir/.keel-agent.service.$$" "$unit_path"
  say "installed $unit_path"
  if systemd_running; then
    systemctl daemon-reload
    if [ "$start" -eq 1 ]; then
      systemctl enable --now keel-agent.service && say "keel-agent started"
    else
      systemctl try-restart keel-agent.service >/dev/null 2>&1 || true
      say "start it with: systemctl enable --now keel-agent"
    fi
  fi
elif [ "$start" -eq 1 ]; then
  die "--start needs systemd; start the agent yourself: $bin_path agent --config $config_path"
fi
