package exporter

import (
	"io"
	"testing"
	"time"
)

// BenchmarkSession measures what the cache-hit path of `awsmfa env` does in
// this package: build the changes for one session and write them in each
// format.
func BenchmarkSession(b *testing.B) {
	c := sampleCreds()
	// A real session token is about 1 KB.
	tok := make([]byte, 1024)
	for i := range tok {
		tok[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i%64]
	}
	c.SessionToken = string(tok)
	info := SessionInfo{Profile: "dev", Region: "ap-northeast-1", RefreshAt: c.Expiration.Add(-10 * time.Minute), Marker: "/home/user/.cache/awsmfa/markers/0123456789abcdef"}
	for _, f := range []Format{Bash{}, Zsh{}, Fish{}, PowerShell{}, Dotenv{}, JSON{}} {
		b.Run(f.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := f.Write(io.Discard, Session(c, info)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("credential_process", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := CredentialProcess(io.Discard, c); err != nil {
				b.Fatal(err)
			}
		}
	})
}
