<?php

/*
 * Copyright (c) 2026 TAPPaaS contributors
 * GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Assigns one device (a VLAN such as vlan01) to an interface optN with a description and a static IPv4 address,
 * on OPNsense releases without the interface assignment API (before 26.7). Run on the firewall as root:
 *
 *   php assign_interface.php --device vlan01 --descr srv_home --ipaddr 10.1.0.1/24 [--check]
 *
 * It uses OPNsense's own legacy config API, like the console's "Set interface IP address" (setaddr.php): the
 * global $config from config.inc, write_config() (one backup revision, under the config lock) and
 * interface_configure() for the one interface. Nothing else in config.xml is touched. The device is the
 * identity: an existing assignment of it is updated in place, otherwise the next free optN is taken.
 *
 * Prints one JSON object on stdout: {"changed", "interface", "before", "after"} or {"failed", "msg"} (exit 1).
 * With --check it reports what it would change and writes nothing. Like every legacy page, it saves the $config it
 * read at start, so it is run while nothing else writes the configuration (the network role runs it between its
 * API calls, never alongside them).
 */

require_once('config.inc');
require_once('interfaces.inc');

function fail($message)
{
    echo json_encode(['failed' => true, 'msg' => $message]) . "\n";
    exit(1);
}

function wanted_settings()
{
    $options = getopt('', ['device:', 'descr:', 'ipaddr:', 'check']);
    if (empty($options['device']) || !preg_match('/^[a-z][a-z0-9_.]*[0-9]$/', $options['device'])) {
        fail('--device: give a device name such as vlan01 (got ' . json_encode($options['device'] ?? null) . ')');
    }
    /* the rule interfaces.php applies to descriptions */
    if (empty($options['descr']) || !preg_match('/^[a-zA-Z0-9_]{1,32}$/', $options['descr'])) {
        fail('--descr: 1 to 32 of a-z, A-Z, 0-9 and _ (got ' . json_encode($options['descr'] ?? null) . ')');
    }
    $wanted = ['if' => $options['device'], 'descr' => $options['descr'], 'enable' => '1'];
    if (isset($options['ipaddr'])) {
        $parts = explode('/', $options['ipaddr']);
        if (
            count($parts) != 2 || filter_var($parts[0], FILTER_VALIDATE_IP, FILTER_FLAG_IPV4) === false ||
            !ctype_digit($parts[1]) || (int)$parts[1] < 1 || (int)$parts[1] > 30
        ) {
            fail('--ipaddr: give the interface address as a.b.c.d/bits, bits 1 to 30 (got ' .
                json_encode($options['ipaddr']) . ')');
        }
        $wanted['ipaddr'] = $parts[0];
        $wanted['subnet'] = $parts[1];
    }
    return [$wanted, isset($options['check'])];
}

function assigned_name($interfaces, $device)
{
    foreach ($interfaces as $name => $settings) {
        if (is_array($settings) && ($settings['if'] ?? '') === $device) {
            return $name;
        }
    }
    return null;
}

function next_free_name($interfaces)
{
    /* like interfaces_assign.php: the lowest optN not taken */
    for ($number = 1; isset($interfaces["opt{$number}"]); $number++) {
    }
    return "opt{$number}";
}

function device_known($config, $device)
{
    foreach ($config['vlans']['vlan'] ?? [] as $vlan) {
        if (($vlan['vlanif'] ?? '') === $device) {
            return true;
        }
    }
    return does_interface_exist($device);
}

[$wanted, $check] = wanted_settings();
$interfaces = $config['interfaces'] ?? [];
$name = assigned_name($interfaces, $wanted['if']);
if ($name === null && !device_known($config, $wanted['if'])) {
    if (!$check) {
        fail("device {$wanted['if']} does not exist: create the VLAN first");
    }
    /* check mode: the VLAN this would use is only planned so far */
}
if (in_array($name, ['wan', 'lan'], true)) {
    fail("device {$wanted['if']} is the {$name} interface; it is not for a zone");
}
$name = $name ?? next_free_name($interfaces);
$before = $interfaces[$name] ?? [];
$changes = [];
foreach ($wanted as $key => $value) {
    if (($before[$key] ?? null) !== $value) {
        $changes[] = $key;
    }
}
$result = [
    'changed' => count($changes) > 0,
    'interface' => $name,
    'before' => (object)array_intersect_key($before, $wanted),
    'after' => (object)$wanted,
];
if ($changes && !$check) {
    $config['interfaces'][$name] = array_merge($before, $wanted);
    write_config(sprintf('tappaas: %s assigned to %s (%s)', $wanted['if'], $name, implode(', ', $changes)));
    interface_configure(false, $name, true);
}
echo json_encode($result) . "\n";
