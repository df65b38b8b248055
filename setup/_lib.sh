# shellcheck shell=bash
# Shared bootstrap for setup/run, setup/test and setup/odoo. Sourced, never run directly.
#
# Configuration (environment variables):
#   ODOO_SRC        an existing Odoo 18.0 Community source tree (else the cache folder is used)
#   KPI_CACHE       the project's cache folder (default ${XDG_CACHE_HOME:-$HOME/.cache}/kpi_callcenter)
#   KPI_PYTHON      the Python 3.11 interpreter used to build the venv (default: python3.11)
#   KPI_HTTP_PORT   Odoo's HTTP port for setup/run (default 8069)
#   KPI_PG_PORT     port of the private PostgreSQL cluster (default 54329; loopback only)
#   PGHOST/PGPORT/PGUSER/PGPASSWORD  when PGHOST or PGPORT is set, use that server instead
#                   of the private cluster
#   KPI_ODOO_URL    where to download Odoo 18.0 from when no tree is available

set -euo pipefail

KPI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KPI_CACHE="${KPI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kpi_callcenter}"
KPI_VENV="$KPI_CACHE/venv"
KPI_PGDATA="$KPI_CACHE/pgdata"
KPI_PGSOCK="$KPI_CACHE/pgsocket"
KPI_PG_PORT="${KPI_PG_PORT:-54329}"
# One configuration per checkout, so that several work trees can share the cache.
KPI_CONF="$KPI_CACHE/conf/odoo-$(printf %s "$KPI_ROOT" | sha1sum | cut -c1-10).conf"
KPI_FILESTORE="$KPI_CACHE/filestore"
KPI_ODOO_URL="${KPI_ODOO_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
KPI_PYTHON="${KPI_PYTHON:-python3.11}"

kpi_say() { printf '[kpi] %s\n' "$*" >&2; }
kpi_die() { printf '\n[kpi] ERROR: %s\n\n' "$*" >&2; exit 2; }

# --- Odoo source -----------------------------------------------------------------------------

# An Odoo 18.0 tree has odoo-bin, odoo/release.py declaring 18.0, and the base addon (a git
# checkout keeps the other addons in addons/, a source tarball in odoo/addons/).
kpi_is_odoo18() {
    local d="$1"
    [ -f "$d/odoo-bin" ] && [ -f "$d/odoo/release.py" ] && [ -f "$d/odoo/addons/base/__manifest__.py" ] \
        && grep -Eq '^version_info = \(18, 0,' "$d/odoo/release.py"
}

kpi_download_odoo() {
    local dest="$1" tmp
    kpi_say "No Odoo 18.0 tree found; downloading the official source from $KPI_ODOO_URL"
    mkdir -p "$(dirname "$dest")"
    tmp="$(mktemp -d "$(dirname "$dest")/.odoo-download.XXXXXX")"
    if curl -fsSL --connect-timeout 10 --max-time 1800 "$KPI_ODOO_URL" -o "$tmp/odoo.tar.gz" 2>/dev/null \
        && tar -xzf "$tmp/odoo.tar.gz" -C "$tmp" 2>/dev/null; then
        local top
        top="$(find "$tmp" -mindepth 2 -maxdepth 2 -name odoo-bin -printf '%h\n' | head -n 1)"
        if [ -n "$top" ] && kpi_is_odoo18 "$top"; then
            rm -rf "$dest"
            mv "$top" "$dest"
            rm -rf "$tmp"
            return 0
        fi
    fi
    rm -rf "$tmp"
    return 1
}

kpi_resolve_odoo() {
    if [ -n "${ODOO_SRC:-}" ]; then
        if ! kpi_is_odoo18 "$ODOO_SRC"; then
            kpi_die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (expected odoo-bin, \
odoo/addons/base and odoo/release.py with version 18.0 inside it). Point ODOO_SRC at the root of an \
Odoo 18.0 Community checkout (the folder that holds odoo-bin), or unset it to use \
$KPI_CACHE/odoo-18.0."
        fi
        ODOO_SRC="$(cd "$ODOO_SRC" && pwd)"
    else
        ODOO_SRC="$KPI_CACHE/odoo-18.0"
        if ! kpi_is_odoo18 "$ODOO_SRC"; then
            if ! kpi_download_odoo "$ODOO_SRC"; then
                kpi_die "No Odoo 18.0 source: ODOO_SRC is not set, $ODOO_SRC holds no Odoo 18.0 \
tree, and downloading $KPI_ODOO_URL failed (no network?). Get Odoo 18.0 Community \
(git clone -b 18.0 --depth 1 https://github.com/odoo/odoo, or an unpacked source tarball) and \
either put it at $ODOO_SRC or run again with ODOO_SRC=/path/to/odoo-18.0."
            fi
        fi
    fi
    export ODOO_SRC
}

# --- Python venv -----------------------------------------------------------------------------

kpi_need_root_pkgs() {
    # Build headers for psycopg2, lxml, Pillow, python-ldap-free Odoo requirements.
    local missing=() p
    command -v dpkg >/dev/null 2>&1 || return 0
    for p in libpq-dev libxml2-dev libxslt1-dev libjpeg-dev zlib1g-dev libffi-dev libssl-dev; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        kpi_say "Installing build headers: ${missing[*]}"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        kpi_say "Warning: missing system packages ${missing[*]}; pip may fail to build psycopg2/lxml."
    fi
}

kpi_need_runtime_pkgs() {
    # What Odoo needs at run and test time, outside Python: wkhtmltopdf (PDF reports: the
    # KPI statement), a headless Chromium for the browser tours (Odoo 18 looks for
    # google-chrome, chromium, chromium-browser; Debian's package is chromium), fonts with
    # every Vietnamese letter for the PDFs, and pdftotext (poppler-utils) with which the
    # tests read the statement back. Installed only when missing, and only as root.
    local missing=() p
    command -v dpkg >/dev/null 2>&1 || return 0
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
    if ! command -v chromium >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1 \
        && ! command -v chromium-browser >/dev/null 2>&1 && ! command -v google-chrome-stable >/dev/null 2>&1; then
        missing+=(chromium)
    fi
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
    dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        kpi_say "Installing ${missing[*]} (PDF reports, browser tests)"
        if ! { apt-get update -qq >/dev/null \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
            kpi_say "Warning: could not install ${missing[*]}; PDF statements and browser tours may fail or be skipped."
        fi
    else
        kpi_say "Warning: missing ${missing[*]}. PDF reports need wkhtmltopdf, the browser tours a \
headless Chromium (tests are skipped without it), the statement tests pdftotext. On Debian/Ubuntu: \
sudo apt-get install wkhtmltopdf chromium poppler-utils fonts-dejavu-core"
    fi
}

kpi_venv() {
    command -v "$KPI_PYTHON" >/dev/null 2>&1 \
        || kpi_die "$KPI_PYTHON not found. Odoo 18.0 here is built on Python 3.11: install it or set KPI_PYTHON."
    local reqs="$KPI_CACHE/odoo-requirements.txt" stamp want
    mkdir -p "$KPI_CACHE"
    # Odoo's pins, adjusted for Python 3.11 as documented in README.md:
    #  - cbor2 5.4.2 does not build from its sdist: a later 5.4.x does;
    #  - python-ldap needs system headers and only serves auth_ldap: skipped.
    sed -e 's/^cbor2==5\.4\.2/cbor2==5.4.6/' -e '/^python-ldap/d' "$ODOO_SRC/requirements.txt" >"$reqs.new"
    want="$(cat "$reqs.new" "$KPI_ROOT/setup/requirements.txt" | sha256sum | cut -c1-16)-$ODOO_SRC"
    # One stamp per set of requirements: installs are additive, so checkouts with
    # different requirement files can share the venv without reinstalling in turn.
    stamp="$KPI_VENV/.kpi-stamp-$(printf %s "$want" | sha1sum | cut -c1-12)"
    if [ -x "$KPI_VENV/bin/python" ] && [ -f "$stamp" ] \
        && "$KPI_VENV/bin/python" -c 'import odoo.release' >/dev/null 2>&1; then
        rm -f "$reqs.new"
        return 0
    fi
    mv "$reqs.new" "$reqs"
    kpi_need_root_pkgs
    kpi_say "Building the Python venv in $KPI_VENV (a few minutes the first time)"
    [ -x "$KPI_VENV/bin/python" ] || "$KPI_PYTHON" -m venv "$KPI_VENV"
    local pip=("$KPI_VENV/bin/python" -m pip --disable-pip-version-check -q)
    "${pip[@]}" install -U 'pip>=24' 'setuptools<81' wheel
    "${pip[@]}" install -r "$reqs"
    # The OCA wheels declare odoo==18.0.*: install the tree as a distribution (editable, no deps).
    # compat mode: a .pth path entry, so that "import odoo" finds the tree (a regular
    # package) before the namespace folder the OCA wheels create in site-packages.
    "${pip[@]}" install --no-deps --no-build-isolation --config-settings editable_mode=compat -e "$ODOO_SRC"
    "${pip[@]}" install -r "$KPI_ROOT/setup/requirements.txt"
    echo "$want" >"$stamp"
}

# --- PostgreSQL ------------------------------------------------------------------------------

kpi_pg_bin() {
    local d
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"; return 0
    fi
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
    done
    return 1
}

kpi_as_pg() {
    # Run a command as the cluster owner: postgres when we are root, else ourselves.
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

kpi_pg() {
    if [ -n "${PGHOST:-}${PGPORT:-}" ]; then
        KPI_DB_HOST="${PGHOST:-}"
        KPI_DB_PORT="${PGPORT:-5432}"
        KPI_DB_USER="${PGUSER:-$(id -un)}"
        KPI_DB_PASSWORD="${PGPASSWORD:-}"
        kpi_say "Using the PostgreSQL server named by PG* variables (${KPI_DB_HOST:-socket}:${KPI_DB_PORT})"
        return 0
    fi
    local bin
    if ! bin="$(kpi_pg_bin)"; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            kpi_say "Installing PostgreSQL server binaries"
            apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
            bin="$(kpi_pg_bin)" || kpi_die "PostgreSQL server binaries still missing after apt-get install postgresql."
        else
            kpi_die "PostgreSQL server binaries (initdb, pg_ctl) not found. Install PostgreSQL 15 \
(e.g. 'sudo apt-get install postgresql'), or set PGHOST/PGPORT/PGUSER to an existing server."
        fi
    fi
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
        # postgres must be able to reach the cluster folder inside our cache (traverse only).
        local p="$KPI_CACHE"
        while [ "$p" != "/" ]; do chmod o+x "$p" 2>/dev/null || true; p="$(dirname "$p")"; done
    fi
    mkdir -p "$KPI_PGSOCK"
    if [ ! -f "$KPI_PGDATA/PG_VERSION" ]; then
        kpi_say "Creating the private PostgreSQL cluster in $KPI_PGDATA"
        mkdir -p "$KPI_PGDATA"
        [ "$(id -u)" = 0 ] && chown postgres: "$KPI_PGDATA" "$KPI_PGSOCK"
        kpi_as_pg "$bin/initdb" -D "$KPI_PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
        cat >>"$KPI_PGDATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $KPI_PG_PORT
unix_socket_directories = '$KPI_PGSOCK'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 512MB
work_mem = 32MB
max_connections = 200
EOF
    fi
    [ "$(id -u)" = 0 ] && chown postgres: "$KPI_PGSOCK"
    if ! kpi_as_pg "$bin/pg_ctl" -D "$KPI_PGDATA" status >/dev/null 2>&1; then
        kpi_as_pg "$bin/pg_ctl" -D "$KPI_PGDATA" -l "$KPI_PGDATA/server.log" -w -t 60 start >/dev/null \
            || kpi_die "PostgreSQL did not start; see $KPI_PGDATA/server.log"
    fi
    KPI_DB_HOST="$KPI_PGSOCK"
    KPI_DB_PORT="$KPI_PG_PORT"
    KPI_DB_USER="odoo"
    KPI_DB_PASSWORD=""
    KPI_PSQL="$bin/psql"; [ -x "$KPI_PSQL" ] || KPI_PSQL="$(command -v psql)"
    # Odoo refuses to run as the postgres superuser: use a dedicated role.
    "$KPI_PSQL" -h "$KPI_PGSOCK" -p "$KPI_PG_PORT" -U postgres -d postgres -Atqc \
        "SELECT 1 FROM pg_roles WHERE rolname='odoo'" | grep -q 1 \
        || "$KPI_PSQL" -h "$KPI_PGSOCK" -p "$KPI_PG_PORT" -U postgres -d postgres -qc \
            "CREATE ROLE odoo LOGIN CREATEDB SUPERUSER" >/dev/null
}

kpi_psql() {
    PGPASSWORD="$KPI_DB_PASSWORD" "${KPI_PSQL:-psql}" -h "$KPI_DB_HOST" -p "$KPI_DB_PORT" -U "$KPI_DB_USER" -d postgres -Atq "$@"
}

# --- Odoo configuration ----------------------------------------------------------------------

kpi_addons_path() {
    # Odoo's addons + the project root (our two addons). The OCA wheels are found by Odoo
    # itself through odoo.addons' namespace path in the venv.
    local p="$ODOO_SRC/odoo/addons"
    [ -d "$ODOO_SRC/addons" ] && p="$p,$ODOO_SRC/addons"
    echo "$p,$KPI_ROOT"
}

kpi_conf() {
    mkdir -p "$KPI_FILESTORE" "$(dirname "$KPI_CONF")"
    cat >"$KPI_CONF" <<EOF
[options]
addons_path = $(kpi_addons_path)
data_dir = $KPI_FILESTORE
db_host = $KPI_DB_HOST
db_port = $KPI_DB_PORT
db_user = $KPI_DB_USER
db_password = ${KPI_DB_PASSWORD:-False}
http_interface = 127.0.0.1
without_demo = False
EOF
}

kpi_bootstrap() {
    kpi_resolve_odoo
    kpi_need_runtime_pkgs
    kpi_venv
    kpi_pg
    kpi_conf
    export PATH="$KPI_VENV/bin:$PATH"
}

kpi_odoo() {
    "$KPI_VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$KPI_CONF" "$@"
}

# --- throwaway databases -----------------------------------------------------------------------

# kpi_db_from_template DB MODULES LOGDIR: create database DB (and its filestore) as a copy of a
# template database holding MODULES with demo data. The template, kpi_tmpl_<key>, is built once
# and kept between runs, keyed by the module list and the Odoo tree. Needs kpi_bootstrap first.
kpi_db_from_template() {
    local db="$1" modules="$2" logdir="$3" tmpl_key template
    tmpl_key="$(printf '%s|%s|%s' "$modules" "$ODOO_SRC" "$(sha1sum "$ODOO_SRC/odoo/release.py")" | sha1sum | cut -c1-10)"
    template="kpi_tmpl_$tmpl_key"
    if ! kpi_psql -c "SELECT 1 FROM pg_database WHERE datname = '$template'" | grep -q 1; then
        kpi_say "Building the template database $template ($modules; about 2 minutes, once)"
        kpi_psql -c "DROP DATABASE IF EXISTS \"${template}_build\"" >/dev/null
        rm -rf "$KPI_FILESTORE/filestore/${template}_build"
        if ! kpi_odoo -d "${template}_build" -i "$modules" --stop-after-init --no-http \
            --log-level=warn >"$logdir/template.log" 2>&1; then
            tail -n 40 "$logdir/template.log" >&2
            kpi_die "Building the template database failed; see $logdir/template.log"
        fi
        kpi_psql -c "ALTER DATABASE \"${template}_build\" RENAME TO \"$template\"" >/dev/null
        rm -rf "$KPI_FILESTORE/filestore/$template"
        [ -d "$KPI_FILESTORE/filestore/${template}_build" ] \
            && mv "$KPI_FILESTORE/filestore/${template}_build" "$KPI_FILESTORE/filestore/$template"
    fi
    kpi_psql -c "CREATE DATABASE \"$db\" TEMPLATE \"$template\"" >/dev/null
    [ -d "$KPI_FILESTORE/filestore/$template" ] && cp -r "$KPI_FILESTORE/filestore/$template" "$KPI_FILESTORE/filestore/$db"
    # The last line's status (no template filestore) must not fail the caller under set -e.
    return 0
}
