#!/usr/bin/env bash
# Make php-cli with SimpleXML available for the unit tests of roles/network/files/assign_interface.php (the SSH
# bootstrap of interface assignment on OPNsense before 26.7), installing Debian's php-cli and php-xml when root.
# Exit status: 0 when `php` has SimpleXML afterwards, 2 when it does not and we are not root (the tests then skip
# with their reason), 1 on apt failure.
set -euo pipefail

has_simplexml() {
    command -v php >/dev/null 2>&1 && php -r 'exit(function_exists("simplexml_load_file") ? 0 : 1);' 2>/dev/null
}

has_simplexml && exit 0
[[ $(id -u) -eq 0 ]] || exit 2

echo "Installing the Debian packages php-cli and php-xml (for the assign_interface.php tests)"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends php-cli php-xml >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends php-cli php-xml >/dev/null
fi
has_simplexml
