// Package dbusoff keeps the keyring library's package initialisation off
// awsmfa's start-up.
//
// github.com/99designs/keyring connects to the D-Bus session bus in its
// package init (to see whether the Secret Service and KWallet are there),
// and with no DBUS_SESSION_BUS_ADDRESS the D-Bus library starts
// dbus-launch. Every awsmfa process would pay for that before main, the
// cache-hit path of `awsmfa env` included, although only a process that
// reads or writes the keyring needs it.
//
// Importing this package (it imports nothing but os) points
// DBUS_SESSION_BUS_ADDRESS at an address no transport serves, so those
// init functions fail at once, without a socket or a process; Restore
// puts the variable back as it was, before main does anything else. Go
// initialises packages in import-path order among those whose imports are
// done, and this package (github.com/awsmfa/…, needing only os) is ready
// before github.com/99designs/keyring, which waits for github.com/godbus/…
// and others that sort after it.
//
// A process started with the keystore helper's variable set (the child
// awsmfa starts to use the keyring) keeps its bus address, so the library
// sees the session bus there; only when there is none to find is the
// address set to the disabled one, so that no bus daemon is started.
package dbusoff

import "os"

// HelperEnv is set (to "1") in the environment of the child process that
// uses the keyring; that process's bus address is left alone.
const HelperEnv = "AWSMFA_KEYRING_HELPER"

// addrEnv is the D-Bus library's variable for the session bus.
const addrEnv = "DBUS_SESSION_BUS_ADDRESS"

// Disabled is the address set while package init runs: no transport is
// named "awsmfa-disabled", so connecting fails without a system call.
const Disabled = "awsmfa-disabled:"

type saved struct {
	value  string
	had    bool
	active bool
}

// state is written once, by init, before any goroutine exists, and read
// by Restore.
var state saved

func init() {
	if os.Getenv(HelperEnv) == "1" {
		// The helper uses a session bus that is there, never a new one:
		// with no address and no bus socket in the runtime directory the
		// D-Bus library would run dbus-launch, which starts a bus daemon
		// that outlives the helper.
		if a := os.Getenv(addrEnv); (a == "" || a == "autolaunch:") && !runtimeBus() {
			os.Setenv(addrEnv, Disabled)
		}
		return
	}
	state.value, state.had = os.LookupEnv(addrEnv)
	state.active = true
	os.Setenv(addrEnv, Disabled)
}

// Restore gives DBUS_SESSION_BUS_ADDRESS back the value (or absence) it
// had when the process started, so the environment awsmfa passes to the
// commands it runs is the user's own. main calls it first.
func Restore() {
	if !state.active {
		return
	}
	state.active = false
	if state.had {
		os.Setenv(addrEnv, state.value)
	} else {
		os.Unsetenv(addrEnv)
	}
}

// runtimeBus reports whether the user's runtime directory holds a session
// bus, where the D-Bus library looks when the address is unset.
func runtimeBus() bool {
	dir := "/run/user/" + itoa(os.Getuid())
	for _, name := range [...]string{"/bus", "/dbus-session"} {
		if _, err := os.Stat(dir + name); err == nil {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
