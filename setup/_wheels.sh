# shellcheck shell=bash
# setup/test --wheels: the addons as an Odoo integrator gets them. Sourced by setup/test after
# kpi_bootstrap, never run directly.
#
#  1. build both addons as OCA-style wheels with whool (versions from the manifests, the OCA
#     addons they stand on as dependencies) and check their metadata;
#  2. make a fresh venv that holds only Odoo (a base venv with Odoo and its requirements, built
#     once and reused, is layered under it) and `pip install` the two wheels into it: pip brings
#     the OCA wheels from the package index;
#  3. install both modules into a fresh database with an addons path that holds Odoo's own
#     addons only (never this repository) and run one smoke test (a confirmed scorecard paid
#     by a payslip).
# Ends like setup/test with "N passed, N failed".

KPI_WHEELS_DIR="$KPI_CACHE/wheels"
KPI_ODOO_VENV="$KPI_CACHE/venv-odoo"

kpi_wheels_check() {
    # kpi_wheels_check LABEL COMMAND...: count a check as passed or failed.
    local label="$1"
    shift
    if "$@"; then
        kpi_say "ok: $label"
        passed=$((passed + 1))
    else
        kpi_say "FAILED: $label"
        failed=$((failed + 1))
    fi
}

kpi_odoo_venv() {
    # A venv with Odoo 18.0 (the source tree, installed as a distribution) and its
    # requirements, and nothing of this project: the base of every fresh wheel venv.
    local reqs="$KPI_CACHE/odoo-requirements-wheels.txt" want stamp
    sed -e 's/^cbor2==5\.4\.2/cbor2==5.4.6/' -e '/^python-ldap/d' "$ODOO_SRC/requirements.txt" >"$reqs"
    want="$(sha256sum "$reqs" | cut -c1-16)-$ODOO_SRC"
    stamp="$KPI_ODOO_VENV/.kpi-stamp-$(printf %s "$want" | sha1sum | cut -c1-12)"
    if [ -f "$stamp" ] && "$KPI_ODOO_VENV/bin/python" -c 'import odoo.release' >/dev/null 2>&1; then
        return 0
    fi
    kpi_say "Building the Odoo-only venv $KPI_ODOO_VENV (a few minutes, once; log: $1)"
    rm -rf "$KPI_ODOO_VENV"
    "$KPI_PYTHON" -m venv "$KPI_ODOO_VENV"
    local pip=("$KPI_ODOO_VENV/bin/python" -m pip --disable-pip-version-check -q)
    {
        "${pip[@]}" install -U 'pip>=24' 'setuptools<81' wheel \
            && "${pip[@]}" install -r "$reqs" \
            && "${pip[@]}" install --no-deps --no-build-isolation --config-settings editable_mode=compat -e "$ODOO_SRC"
    } >>"$1" 2>&1 || { tail -n 20 "$1" >&2; return 1; }
    echo "$want" >"$stamp"
}

kpi_wheels_metadata_ok() {
    # The wheel's METADATA has every expected Requires-Dist line.
    local wheel="$1" meta line
    shift
    meta="$("$KPI_VENV/bin/python" -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode())' "$wheel")" || return 1
    for line in "$@"; do
        grep -qxF "Requires-Dist: $line" <<<"$meta" || { kpi_say "$(basename "$wheel") lacks Requires-Dist: $line"; return 1; }
    done
}

kpi_wheels_run() {
    local dist="$KPI_WHEELS_DIR/dist" venv="$KPI_WHEELS_DIR/venv" db="kpi_wheels_$$"
    local conf="$KPI_WHEELS_DIR/odoo.conf" log="$LOGDIR/wheels-$db.log" site base_site
    passed=0
    failed=0
    rm -rf "$dist" "$venv"
    mkdir -p "$dist"
    trap 'kpi_psql -c "DROP DATABASE IF EXISTS \"'"$db"'\"" >/dev/null 2>&1; rm -rf "$KPI_FILESTORE/filestore/'"$db"'"' EXIT

    # 1. Build the wheels as pip does for an OCA addon: whool (from the package index, in an
    #    isolated build environment) reads the version from the manifest and git.
    kpi_say "Building the wheels with whool"
    if ! "$KPI_VENV/bin/python" -m pip --disable-pip-version-check -q wheel --no-deps \
        -w "$dist" "$KPI_ROOT/kpi_callcenter" "$KPI_ROOT/kpi_callcenter_payroll" \
        >"$log" 2>&1; then
        tail -n 20 "$log" >&2
        echo "0 passed, 1 failed"
        return 1
    fi
    ls "$dist" >&2
    local core_whl payroll_whl core_version
    core_whl="$(ls "$dist"/odoo_addon_kpi_callcenter-*.whl)"
    payroll_whl="$(ls "$dist"/odoo_addon_kpi_callcenter_payroll-*.whl)"
    core_version="$(sed -nE 's/.*"version": "([0-9.]+)".*/\1/p' "$KPI_ROOT/kpi_callcenter/__manifest__.py")"
    kpi_wheels_check "wheel version from the manifest ($core_version)" \
        grep -q "odoo_addon_kpi_callcenter-$core_version" <<<"$core_whl"
    kpi_wheels_check "kpi_callcenter wheel declares Odoo, helpdesk_mgmt, helpdesk_mgmt_rating and base_tier_validation 18.0" \
        kpi_wheels_metadata_ok "$core_whl" "odoo==18.0.*" "odoo-addon-helpdesk_mgmt==18.0.*" \
        "odoo-addon-helpdesk_mgmt_rating==18.0.*" "odoo-addon-base_tier_validation==18.0.*"
    kpi_wheels_check "kpi_callcenter_payroll wheel declares kpi_callcenter and payroll 18.0" \
        kpi_wheels_metadata_ok "$payroll_whl" "odoo==18.0.*" "odoo-addon-payroll==18.0.*" \
        "odoo-addon-kpi_callcenter==18.0.*"

    # 2. A fresh venv: Odoo only (the base venv's site-packages), then pip install the wheels.
    if ! kpi_odoo_venv "$log"; then
        echo "$passed passed, $((failed + 1)) failed"
        return 1
    fi
    "$KPI_PYTHON" -m venv --without-pip "$venv"
    site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    base_site="$("$KPI_ODOO_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    printf 'import site; site.addsitedir(%s)\n' "'$base_site'" >"$site/kpi_odoo_base.pth"
    kpi_say "pip install of the two wheels into a fresh venv"
    if "$venv/bin/python" -m pip --disable-pip-version-check -q install "$core_whl" "$payroll_whl" >>"$log" 2>&1; then
        passed=$((passed + 1))
    else
        tail -n 20 "$log" >&2
        kpi_say "FAILED: pip install of the wheels"
        echo "$passed passed, $((failed + 1)) failed"
        return 1
    fi
    "$venv/bin/python" -m pip list 2>/dev/null | grep -E '^odoo' >&2
    # The smoke test runs with tests enabled, and Odoo then imports the test package of every
    # installed addon: base_tier_validation's imports odoo-test-helper (a test tool, not a
    # dependency of any wheel).
    "$venv/bin/python" -m pip --disable-pip-version-check -q install odoo-test-helper >>"$log" 2>&1
    kpi_wheels_check "pip brought the OCA wheels payroll, helpdesk_mgmt, helpdesk_mgmt_rating and base_tier_validation" \
        test -d "$site/odoo/addons/payroll" -a -d "$site/odoo/addons/helpdesk_mgmt" \
        -a -d "$site/odoo/addons/helpdesk_mgmt_rating" -a -d "$site/odoo/addons/base_tier_validation"

    # 3. A fresh database, Odoo's own addons path only, the modules from the venv.
    local addons="$ODOO_SRC/odoo/addons"
    [ -d "$ODOO_SRC/addons" ] && addons="$addons,$ODOO_SRC/addons"
    cat >"$conf" <<EOF
[options]
addons_path = $addons
data_dir = $KPI_FILESTORE
db_host = $KPI_DB_HOST
db_port = $KPI_DB_PORT
db_user = $KPI_DB_USER
db_password = ${KPI_DB_PASSWORD:-False}
http_interface = 127.0.0.1
EOF
    kpi_wheels_check "Odoo finds kpi_callcenter in the venv, not in this repository" \
        "$venv/bin/python" - "$conf" "$site" <<'PY'
import sys

from odoo.modules.module import get_module_path
from odoo.tools import config

config.parse_config(["-c", sys.argv[1]])
for name in ("kpi_callcenter", "kpi_callcenter_payroll", "payroll", "helpdesk_mgmt"):
    path = get_module_path(name)
    print(f"[kpi]   {name}: {path}", file=sys.stderr)
    if not path or not path.startswith(sys.argv[2]):
        sys.exit(1)
PY
    kpi_say "Installing both modules into a fresh database and running the smoke test"
    "$venv/bin/python" "$ODOO_SRC/odoo-bin" -c "$conf" -d "$db" -i kpi_callcenter,kpi_callcenter_payroll \
        --test-enable --test-tags "/kpi_callcenter_payroll:TestKpiPayroll.test_payslip_pays_the_confirmed_scorecard" \
        --stop-after-init --http-port "$(free_port)" --log-level=test >>"$log" 2>&1
    grep -E "(ERROR|CRITICAL) |FAIL:|^Traceback" "$log" | tail -n 30 >&2
    local summary
    summary="$(grep -Eo '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log" | tail -n 1 || true)"
    kpi_say "Smoke test: ${summary:-no result line, see $log}"
    kpi_wheels_check "modules installed from the wheels, smoke test passed" \
        grep -qE '^0 failed, 0 error\(s\) of [1-9][0-9]* tests' <<<"$summary"
    kpi_wheels_check "no error logged while installing" \
        bash -c "! grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' '$log'"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
