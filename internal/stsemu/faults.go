package stsemu

import (
	"errors"
	"fmt"
	"time"
)

// FaultKind is what an injected fault does to a request.
type FaultKind int

// The kinds of fault the emulator can inject.
const (
	// Latency waits Delay (real time, not the emulator clock) and then
	// answers normally.
	Latency FaultKind = iota + 1
	// Throttle answers HTTP 400 with the error code Throttling, which the
	// SDK retries with back-off.
	Throttle
	// InternalError answers HTTP 500 InternalFailure, which the SDK retries.
	InternalError
	// Drop closes the connection without any response.
	Drop
	// LoseAnswer processes the request as usual (an MFA code it carries is
	// spent, a session is issued) and then closes the connection without
	// the answer: a reply lost on the way back.
	LoseAnswer
)

var faultNames = map[FaultKind]string{
	Latency:       "latency",
	Throttle:      "throttle",
	InternalError: "internal_error",
	Drop:          "drop",
	LoseAnswer:    "lose_answer",
}

// String returns the name used in the log and by the control endpoint.
func (k FaultKind) String() string {
	if n, ok := faultNames[k]; ok {
		return n
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// MarshalText encodes k as its name.
func (k FaultKind) MarshalText() ([]byte, error) {
	if _, ok := faultNames[k]; !ok {
		return nil, fmt.Errorf("unknown fault kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a name: latency, throttle, internal_error, drop or
// lose_answer.
func (k *FaultKind) UnmarshalText(b []byte) error {
	for kind, name := range faultNames {
		if name == string(b) {
			*k = kind
			return nil
		}
	}
	return fmt.Errorf("unknown fault kind %q: use latency, throttle, internal_error, drop or lose_answer", truncate(string(b), 32))
}

// Fault is a failure injected into the next Count AWS requests (control
// requests are never affected).
type Fault struct {
	Kind  FaultKind
	Count int
	// Delay is the added latency, for Latency only.
	Delay time.Duration
}

// InjectFault queues f. Faults apply in the order they were injected: the
// next f.Count AWS requests get f, the ones after that the next fault.
func (s *Server) InjectFault(f Fault) error {
	if _, ok := faultNames[f.Kind]; !ok {
		return fmt.Errorf("fault: unknown kind %d: use Latency, Throttle, InternalError, Drop or LoseAnswer", int(f.Kind))
	}
	if f.Count < 1 {
		return errors.New("fault: Count must be at least 1")
	}
	if f.Kind == Latency && (f.Delay <= 0 || f.Delay > 10*time.Minute) {
		return errors.New("fault: a latency fault needs a Delay between 1ns and 10m")
	}
	if f.Kind != Latency && f.Delay != 0 {
		return fmt.Errorf("fault: Delay applies only to latency faults, not %s", f.Kind)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
	return nil
}

// takeFault consumes one request's worth of the first pending fault.
func (s *Server) takeFault() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	s.faults[0].Count--
	if s.faults[0].Count == 0 {
		s.faults = s.faults[1:]
	}
	return f, true
}
