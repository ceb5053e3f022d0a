package stsemu

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// controlPrefix is where the control endpoints live. AWS query requests
// go to "/", so no AWS action can reach them.
const controlPrefix = "/_emu/"

// faultJSON is the body of POST /_emu/fault.
type faultJSON struct {
	Kind  FaultKind `json:"kind"`
	Count int       `json:"count"`
	Delay string    `json:"delay,omitempty"`
}

// serveControl answers the out-of-process control API, from loopback
// clients only:
//
//	GET  /_emu/log        the request log (JSON array of Request)
//	GET  /_emu/counters   per-action counters (JSON object)
//	GET  /_emu/time       the emulator clock (RFC 3339)
//	GET  /_emu/code?serial=ARN[&offset=30s]   the device's current TOTP code
//	POST /_emu/advance?d=30s                  move the clock
//	POST /_emu/shorten?factor=150             issue sessions 150 times shorter (1: as asked)
//	POST /_emu/fault      {"kind":"throttle","count":3} or {"kind":"latency","count":1,"delay":"2s"}
//	POST /_emu/invalidate?access_key_id=ASIA...&how=expire|revoke|deny   see Invalidate
//	POST /_emu/reset      empty the log and counters, drop pending faults
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	if !isLoopback(r.RemoteAddr) {
		controlError(w, http.StatusForbidden, "the emulator's control endpoints answer loopback clients only")
		return
	}
	route := strings.TrimPrefix(r.URL.Path, controlPrefix)
	want := map[string]string{
		"log": http.MethodGet, "counters": http.MethodGet, "time": http.MethodGet, "code": http.MethodGet,
		"advance": http.MethodPost, "shorten": http.MethodPost, "fault": http.MethodPost, "reset": http.MethodPost, "invalidate": http.MethodPost,
	}[route]
	if want == "" {
		controlError(w, http.StatusNotFound, fmt.Sprintf("no control endpoint %q: use log, counters, time, code, advance, shorten, fault, invalidate or reset", truncate(route, 64)))
		return
	}
	if r.Method != want {
		w.Header().Set("Allow", want)
		controlError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s%s takes %s", controlPrefix, route, want))
		return
	}
	switch route {
	case "log":
		writeJSON(w, s.Log())
	case "counters":
		writeJSON(w, s.Counts())
	case "time":
		writeJSON(w, map[string]string{"now": s.Now().Format(time.RFC3339)})
	case "code":
		offset := time.Duration(0)
		if v := r.URL.Query().Get("offset"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				controlError(w, http.StatusBadRequest, "offset must be a Go duration such as 30s or -30s")
				return
			}
			offset = d
		}
		code, err := s.CurrentCode(r.URL.Query().Get("serial"), offset)
		if err != nil {
			controlError(w, http.StatusNotFound, err.Error())
			return
		}
		writeJSON(w, map[string]string{"code": code})
	case "advance":
		d, err := time.ParseDuration(r.URL.Query().Get("d"))
		if err != nil {
			controlError(w, http.StatusBadRequest, "advance needs d, a Go duration such as 30s or 2h")
			return
		}
		s.Advance(d)
		writeJSON(w, map[string]string{"now": s.Now().Format(time.RFC3339)})
	case "shorten":
		n, err := strconv.Atoi(r.URL.Query().Get("factor"))
		if err != nil {
			controlError(w, http.StatusBadRequest, "shorten needs factor, a whole number such as 150 (1 restores AWS's durations)")
			return
		}
		if err := s.ShortenSessions(n); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		writeJSON(w, map[string]string{"status": "ok"})
	case "fault":
		var fj faultJSON
		dec := json.NewDecoder(io.LimitReader(r.Body, 4096))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&fj); err != nil {
			controlError(w, http.StatusBadRequest, fmt.Sprintf(`fault: %v; send {"kind":"latency|throttle|internal_error|drop|lose_answer","count":N,"delay":"2s"}`, err))
			return
		}
		f := Fault{Kind: fj.Kind, Count: fj.Count}
		if fj.Delay != "" {
			d, err := time.ParseDuration(fj.Delay)
			if err != nil {
				controlError(w, http.StatusBadRequest, "fault: delay must be a Go duration such as 2s")
				return
			}
			f.Delay = d
		}
		if err := s.InjectFault(f); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		writeJSON(w, map[string]string{"status": "ok"})
	case "invalidate":
		q := r.URL.Query()
		if err := s.Invalidate(q.Get("access_key_id"), Invalidation(q.Get("how"))); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		writeJSON(w, map[string]string{"status": "ok"})
	case "reset":
		s.Reset()
		writeJSON(w, map[string]string{"status": "ok"})
	}
}

func isLoopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func controlError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
