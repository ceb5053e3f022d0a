// Package dbusoff keeps the keyring library from starting a D-Bus daemon.
//
// github.com/99designs/keyring connects to the D-Bus session bus in its
// package init (to see whether the Secret Service and KWallet are there).
// With no DBUS_SESSION_BUS_ADDRESS and no bus socket in the user's runtime
// directory, the D-Bus library then runs dbus-launch, which starts a bus
// daemon that outlives the process: a headless machine would collect one
// per keyring use. Importing this package (it imports nothing but os) sets
// the address to one no transport serves in that case, so the library
// finds no bus at once. Go initialises packages in import-path order among
// those whose imports are done, and this package (github.com/awsmfa/…,
// needing only os) is ready before github.com/99designs/keyring, which
// waits for github.com/godbus/… and others that sort after it.
//
// Only the awsmfa-keyring helper imports it; a bus that is there is used
// as it is.
package dbusoff

import "os"

// addrEnv is the D-Bus library's variable for the session bus.
const addrEnv = "DBUS_SESSION_BUS_ADDRESS"

// Disabled is the address set when there is no bus to find: no transport
// is named "awsmfa-disabled", so connecting fails without a system call.
const Disabled = "awsmfa-disabled:"

func init() {
	if a := os.Getenv(addrEnv); (a == "" || a == "autolaunch:") && !runtimeBus() {
		os.Setenv(addrEnv, Disabled)
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
