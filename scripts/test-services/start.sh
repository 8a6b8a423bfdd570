#!/usr/bin/env bash
# start.sh — install (if missing) and start throwaway test fixtures on 127.0.0.1.
# Adapted from the team's shared test-services kit; self-contained (no ../shared at run time).
#
# usage: start.sh DIR [SERVICE...]
#   DIR      where data dirs, logs, pid files and services.env go (created; reused => idempotent)
#   SERVICE  any of: pg mariadb redis moto s3s sftp ftp webdav smb smtp webhook oidc e2e
#            (default: all except s3s, which needs a ~6 min cargo build the first time)
#            e2e installs Debian's chromium only; playwright-core comes from e2e/package-lock.json
# env:  TEST_SERVICES_CACHE  where the Python venv / npm packages / cargo binaries are kept
#                            (default: $HOME/.cache/bulwark-test-services; survives DIR deletion)
#       *_PORT overrides (see defaults below)
# After it returns: source "$DIR/services.env" for connection settings.
# Stop with stop.sh DIR.  Must run as root (apt, useradd, runuser).
set -euo pipefail
DIR=${1:?usage: $0 DIR [SERVICE...]}; shift || true
mkdir -p "$DIR"; DIR=$(cd "$DIR" && pwd)
CACHE=${TEST_SERVICES_CACHE:-$HOME/.cache/bulwark-test-services}
SERVICES=${*:-pg mariadb redis moto sftp ftp webdav smb smtp webhook oidc e2e}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$DIR/pids" "$DIR/logs" "$CACHE"
ENVF=$DIR/services.env; touch "$ENVF"

PG_PORT=${PG_PORT:-55432}; MARIADB_PORT=${MARIADB_PORT:-53306}; REDIS_PORT=${REDIS_PORT:-56379}
MOTO_PORT=${MOTO_PORT:-59000}; S3S_PORT=${S3S_PORT:-59100}; SFTP_PORT=${SFTP_PORT:-2222}
FTP_PORT=${FTP_PORT:-2121}; FTP_PASV=${FTP_PASV:-30000-30009}; WEBDAV_PORT=${WEBDAV_PORT:-58080}
SMB_PORT=${SMB_PORT:-1445}; SMTP_PORT=${SMTP_PORT:-1025}; SMTP_WEB_PORT=${SMTP_WEB_PORT:-1080}
WEBHOOK_PORT=${WEBHOOK_PORT:-58090}; OIDC_PORT=${OIDC_PORT:-58300}
TEST_USER=${TEST_USER:-backuptest}; TEST_PASS=${TEST_PASS:-testpass}

log() { echo "[test-services] $*" >&2; }
setenv() { sed -i "/^export $1=/d" "$ENVF"; echo "export $1=$(printf %q "$2")" >> "$ENVF"; }
alive() { [ -f "$DIR/pids/$1.pid" ] && kill -0 "$(cat "$DIR/pids/$1.pid")" 2>/dev/null; }
wait_for() { # NAME TIMEOUT_S CMD...
  local n=$1 t=$2; shift 2; local end=$((SECONDS + t))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $end ]; then log "$n: health check timed out; see $DIR/logs/$n.log"; tail -20 "$DIR/logs/$n.log" >&2 || true; return 1; fi
    sleep 0.2
  done; log "$n: up"; }
bg() { # NAME CMD...   start CMD in its own session (setsid: a process-group kill by the service,
       # e.g. smbd's kill(0,SIGTERM) on shutdown, must not reach CI), record the real PID
  local n=$1; shift; rm -f "$DIR/pids/$n.pid"
  nohup setsid bash -c 'echo $$ > "$0"; exec "$@"' "$DIR/pids/$n.pid" "$@" > "$DIR/logs/$n.log" 2>&1 < /dev/null &
  for _ in $(seq 1 50); do [ -s "$DIR/pids/$n.pid" ] && break; sleep 0.05; done; }
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

APT_UPDATED=
apt_need() { # PKG...  install only what's missing
  local miss=(); for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || miss+=("$p"); done
  [ ${#miss[@]} -eq 0 ] && return 0
  [ -n "$APT_UPDATED" ] || { apt-get update -qq; APT_UPDATED=1; }
  log "apt-get install ${miss[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${miss[@]}" >/dev/null
}
VENV=$CACHE/venv
pip_need() { [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -c "import moto, aiosmtpd, pyftpdlib, boto3" 2>/dev/null ||
    "$VENV/bin/pip" install -q 'moto[server]==5.*' 'aiosmtpd==1.*' 'pyftpdlib==2.*' boto3 awscli; }
NODE=$CACHE/node
npm_need() { mkdir -p "$NODE"; [ -f "$NODE/package.json" ] || (cd "$NODE" && npm init -y >/dev/null)
  local miss=(); for p in "$@"; do [ -d "$NODE/node_modules/${p%@*}" ] || miss+=("$p"); done
  [ ${#miss[@]} -eq 0 ] || (cd "$NODE" && npm install --no-audit --no-fund "${miss[@]}" >/dev/null 2>&1); }
test_user() { # system user for sftp/smb (+vsftpd); home under DIR
  id "$TEST_USER" >/dev/null 2>&1 || useradd -M -s /bin/bash "$TEST_USER"
  usermod -d "$DIR/sftp/home" "$TEST_USER" >/dev/null 2>&1 || true
  echo "$TEST_USER:$TEST_PASS" | chpasswd; }

svc_pg() {
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_need postgresql
  alive pg && return 0; local D=$DIR/pg; mkdir -p "$D"; chown postgres:postgres "$D"
  local BIN; BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  [ -f "$D/data/PG_VERSION" ] || runuser -u postgres -- "$BIN/initdb" -D "$D/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 > "$DIR/logs/pg-initdb.log"
  runuser -u postgres -- "$BIN/pg_ctl" -D "$D/data" -l "$D/pg.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $D -c fsync=off -c full_page_writes=off" start >/dev/null
  head -1 "$D/data/postmaster.pid" > "$DIR/pids/pg.pid"
  ln -sf "$D/pg.log" "$DIR/logs/pg.log"; wait_for pg 30 psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atc 'select 1'
  setenv TEST_PG_URL "postgres://postgres@127.0.0.1:$PG_PORT/postgres"; setenv TEST_PG_DATA "$D/data"; }

svc_mariadb() {
  apt_need mariadb-server mariadb-client; alive mariadb && return 0
  local D=$DIR/mariadb; mkdir -p "$D"
  [ -d "$D/data/mysql" ] || mariadb-install-db --no-defaults --datadir="$D/data" --user=root \
      --auth-root-authentication-method=normal --skip-test-db > "$DIR/logs/mariadb-install.log" 2>&1
  bg mariadb /usr/sbin/mariadbd --no-defaults --datadir="$D/data" --socket="$D/mysqld.sock" \
      --pid-file="$D/mysqld.pid" --port="$MARIADB_PORT" --bind-address=127.0.0.1 --user=root \
      --skip-name-resolve --innodb-buffer-pool-size=64M --log-error="$DIR/logs/mariadb-error.log"
  wait_for mariadb 60 mariadb-admin --no-defaults -uroot -h127.0.0.1 -P"$MARIADB_PORT" ping
  setenv TEST_MARIADB_URL "mysql://root@127.0.0.1:$MARIADB_PORT/mysql"; setenv TEST_MARIADB_SOCKET "$D/mysqld.sock"; }

svc_redis() {
  apt_need redis-server redis-tools; alive redis && return 0; mkdir -p "$DIR/redis"
  bg redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$DIR/redis" --daemonize no \
      --save '' --appendonly no --requirepass "$TEST_PASS" --repl-diskless-sync-delay 0
  wait_for redis 20 sh -c "redis-cli -h 127.0.0.1 -p $REDIS_PORT -a $TEST_PASS --no-auth-warning ping | grep -q PONG"
  setenv TEST_REDIS_URL "redis://default:$TEST_PASS@127.0.0.1:$REDIS_PORT/0"; }

svc_moto() {
  pip_need; alive moto && return 0
  bg moto "$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT"
  wait_for moto 30 curl -sf "http://127.0.0.1:$MOTO_PORT/moto-api/"
  setenv TEST_S3_ENDPOINT "http://127.0.0.1:$MOTO_PORT"; setenv TEST_S3_ACCESS_KEY testkey; setenv TEST_S3_SECRET_KEY testsecret; }

svc_s3s() {
  local B=$CACHE/cargo/bin/s3s-fs
  [ -x "$B" ] || { log "building s3s-fs (cargo, ~4-6 min)"; CARGO_TARGET_DIR=$CACHE/cargo-target \
    cargo install -q s3s-fs --version 0.14.1 --features binary --locked --root "$CACHE/cargo"; }
  setenv TEST_S3S_BIN "$B"   # tests start private servers of their own with it
  alive s3s && return 0; mkdir -p "$DIR/s3s"
  bg s3s "$B" --host 127.0.0.1 --port "$S3S_PORT" --access-key testkey --secret-key testsecret "$DIR/s3s"
  wait_for s3s 20 tcp_open "$S3S_PORT"
  setenv TEST_S3S_ENDPOINT "http://127.0.0.1:$S3S_PORT"; setenv TEST_S3S_ROOT "$DIR/s3s"; }

svc_sftp() {
  apt_need openssh-server openssh-client; test_user; alive sftp && return 0
  local D=$DIR/sftp; mkdir -p "$D/home" /run/sshd; chown "$TEST_USER:" "$D/home"
  [ -f "$D/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$D/host_ed25519"
  [ -f "$D/client_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$D/client_ed25519"
  cp "$D/client_ed25519.pub" "$D/authorized_keys"; chmod 644 "$D/authorized_keys"
  cat > "$D/sshd_config" <<EOF
Port $SFTP_PORT
ListenAddress 127.0.0.1
HostKey $D/host_ed25519
PidFile $D/sshd.pid
AuthorizedKeysFile $D/authorized_keys
StrictModes no
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers $TEST_USER
Subsystem sftp internal-sftp
EOF
  /usr/sbin/sshd -t -f "$D/sshd_config"
  bg sftp /usr/sbin/sshd -D -e -f "$D/sshd_config"
  wait_for sftp 20 ssh-keyscan -p "$SFTP_PORT" 127.0.0.1
  ssh-keyscan -p "$SFTP_PORT" 127.0.0.1 2>/dev/null > "$D/known_hosts"
  setenv TEST_SFTP_HOST 127.0.0.1; setenv TEST_SFTP_PORT "$SFTP_PORT"; setenv TEST_SFTP_USER "$TEST_USER"
  setenv TEST_SFTP_PASS "$TEST_PASS"; setenv TEST_SFTP_KEY "$D/client_ed25519"; setenv TEST_SFTP_KNOWN_HOSTS "$D/known_hosts"; }

svc_ftp() {
  pip_need; alive ftp && return 0; mkdir -p "$DIR/ftp"
  bg ftp "$VENV/bin/python" -m pyftpdlib -i 127.0.0.1 -p "$FTP_PORT" -w -d "$DIR/ftp" -u ftpuser -P "$TEST_PASS" -r "$FTP_PASV"
  wait_for ftp 20 curl -sf "ftp://127.0.0.1:$FTP_PORT/" -u "ftpuser:$TEST_PASS"
  setenv TEST_FTP_URL "ftp://ftpuser:$TEST_PASS@127.0.0.1:$FTP_PORT/"; }

svc_webdav() {
  apt_need rclone; alive webdav && return 0; mkdir -p "$DIR/webdav"
  bg webdav rclone serve webdav "$DIR/webdav" --addr "127.0.0.1:$WEBDAV_PORT" --user davuser --pass "$TEST_PASS" --config /dev/null
  wait_for webdav 20 curl -sf -u "davuser:$TEST_PASS" -X PROPFIND -H 'Depth: 0' "http://127.0.0.1:$WEBDAV_PORT/"
  setenv TEST_WEBDAV_URL "http://127.0.0.1:$WEBDAV_PORT/"; setenv TEST_WEBDAV_USER davuser; setenv TEST_WEBDAV_PASS "$TEST_PASS"; }

svc_smb() {
  apt_need samba smbclient; test_user; alive smb && return 0
  local D=$DIR/smb; mkdir -p "$D"/{private,lock,state,cache,pid,ncalrpc,share}; chown "$TEST_USER:" "$D/share"
  cat > "$D/smb.conf" <<EOF
[global]
  server role = standalone server
  interfaces = 127.0.0.1
  bind interfaces only = yes
  smb ports = $SMB_PORT
  disable netbios = yes
  private dir = $D/private
  lock directory = $D/lock
  state directory = $D/state
  cache directory = $D/cache
  pid directory = $D/pid
  ncalrpc dir = $D/ncalrpc
  passdb backend = tdbsam:$D/private/passdb.tdb
  log file = $DIR/logs/smbd-internal.log
  server min protocol = SMB2
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
  map to guest = never
[backups]
  path = $D/share
  read only = no
  valid users = $TEST_USER
EOF
  printf '%s\n%s\n' "$TEST_PASS" "$TEST_PASS" | smbpasswd -c "$D/smb.conf" -s -a "$TEST_USER" >/dev/null
  bg smb smbd --foreground --no-process-group --debug-stdout -s "$D/smb.conf"
  wait_for smb 30 smbclient -s "$D/smb.conf" -p "$SMB_PORT" -U "$TEST_USER%$TEST_PASS" //127.0.0.1/backups -c ls
  setenv TEST_SMB_URL "smb://127.0.0.1:$SMB_PORT/backups"; setenv TEST_SMB_USER "$TEST_USER"; setenv TEST_SMB_PASS "$TEST_PASS"; }

svc_smtp() { # maildev: SMTP with AUTH PLAIN/LOGIN + REST API (GET /email) + .eml files
  npm_need maildev@2.2.1; alive smtp && return 0; mkdir -p "$DIR/smtp"
  bg smtp "$NODE/node_modules/.bin/maildev" --ip 127.0.0.1 --smtp "$SMTP_PORT" --web "$SMTP_WEB_PORT" --web-ip 127.0.0.1 \
      --incoming-user smtpuser --incoming-pass "$TEST_PASS" --mail-directory "$DIR/smtp"
  wait_for smtp 30 curl -sf "http://127.0.0.1:$SMTP_WEB_PORT/healthz"
  setenv TEST_SMTP_HOST 127.0.0.1; setenv TEST_SMTP_PORT "$SMTP_PORT"; setenv TEST_SMTP_USER smtpuser
  setenv TEST_SMTP_PASS "$TEST_PASS"; setenv TEST_SMTP_API "http://127.0.0.1:$SMTP_WEB_PORT/email"; setenv TEST_SMTP_MAILDIR "$DIR/smtp"; }

svc_webhook() {
  alive webhook && return 0; mkdir -p "$DIR/webhook"
  bg webhook python3 "$HERE/webhook_sink.py" 127.0.0.1 "$WEBHOOK_PORT" "$DIR/webhook/requests.jsonl"
  wait_for webhook 20 curl -sf "http://127.0.0.1:$WEBHOOK_PORT/__requests"
  setenv TEST_WEBHOOK_URL "http://127.0.0.1:$WEBHOOK_PORT"; }

svc_oidc() {
  npm_need oidc-provider@9.13.3; alive oidc && return 0
  OIDC_PORT=$OIDC_PORT OIDC_PROVIDER_PATH=$NODE/node_modules/oidc-provider bg oidc node "$HERE/oidc-server.mjs"
  wait_for oidc 30 curl -sf "http://127.0.0.1:$OIDC_PORT/.well-known/openid-configuration"
  setenv TEST_OIDC_ISSUER "http://127.0.0.1:$OIDC_PORT"; setenv TEST_OIDC_CLIENT_ID backup-app
  setenv TEST_OIDC_CLIENT_SECRET backup-app-secret; setenv TEST_OIDC_REDIRECT_URI "http://127.0.0.1:3000/auth/oidc/callback"
  setenv TEST_OIDC_PROVIDER_PATH "$NODE/node_modules/oidc-provider"; }

svc_tools() { # stock tools the tests use to prove backups need no Bulwark to read
  apt_need age zstd sqlite3 postgresql-client; }

svc_e2e() { # install only: Debian chromium (playwright-core is pinned in e2e/package.json)
  apt_need chromium fonts-dejavu-core
  setenv TEST_CHROMIUM /usr/bin/chromium; }

for s in $SERVICES; do
  declare -F "svc_$s" >/dev/null || { log "unknown service: $s"; exit 2; }
  t0=$SECONDS; "svc_$s"; log "$s ready in $((SECONDS - t0))s"
done
log "all requested services up; env in $ENVF"
