package credserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkRequest is one credentials fetch as an SDK in the child makes it:
// a GET over a kept-alive loopback connection, with a provider that costs
// nothing, so it measures the server's own overhead per fetch.
func BenchmarkRequest(b *testing.B) {
	s, err := Start(newFixed().provide)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	req, err := http.NewRequest(http.MethodGet, s.URL(), nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", s.token)
	client := &http.Client{}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkHandler is the handler alone, without the network.
func BenchmarkHandler(b *testing.B) {
	s, err := Start(newFixed().provide)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	req := httptest.NewRequest(http.MethodGet, s.URL(), nil)
	req.Host = s.hosts[0]
	req.Header.Set("Authorization", s.token)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.serve(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
